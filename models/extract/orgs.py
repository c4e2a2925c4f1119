"""Organizations: gazetteer names canonicalised, model names filtered.

Gazetteer matches carry a canonical name and a parent (클로바 → 네이버 클로바,
parent 네이버). Model ORGs are kept when they look like names: not a generic
noun (정부, 업계, 연구진), not a product or model (하이퍼클로바, GPT-3 are
blocked before resolution), at least two characters, not just digits.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Optional

import numpy
from spacy.attrs import ORTH
from spacy.strings import hash_string

from .. import corpora_dir
from ..datafiles import read_name_list
from ..document import ArticleDoc, Mention

#: Generic nouns the statistical model sometimes tags as ORG.
_GENERIC = {
    "정부", "업계", "학계", "연구진", "연구팀", "회사", "기업", "대학", "당국", "국내", "해외", "글로벌",
    "관계사", "계열사", "자회사", "본사", "양측", "양사", "협회", "학회", "센터", "연구소", "AI", "IT",
    "팀", "측", "사", "그룹", "위원회",
}
_JUNK_RE = re.compile(r"^[\d\W_]+$")


_EVENT_RE = re.compile(r"(?:학술대회|학회|컨퍼런스|콘퍼런스|포럼|대회|박람회|전시회|워크숍|워크샵|세미나|엑스포|서밋)$")
_LATIN_RE = re.compile(r"^[A-Za-z][A-Za-z0-9&.\-]*$")


_PLACE_SPLIT_RE = re.compile(r"[\s·ㆍ・,/]+")


@functools.lru_cache(maxsize=2)
def load_locations(path: Optional[Path] = None) -> frozenset:
    """Place names from ``corpora/patterns/locations.txt`` (one a line, ``#`` comments)."""
    return frozenset(read_name_list(path or corpora_dir() / "patterns" / "locations.txt"))


def is_plausible_org(m: Mention, venues: frozenset = frozenset()) -> bool:
    """False for what a statistical model tags as ORG but is not an organization's name.

    Gazetteer names are always kept. A model or rule ORG is dropped when it is a
    generic noun (정부, 업계), junk, only place names (미국, "미국 올랜도", 미·중:
    ``corpora/patterns/locations.txt``), an event (…학술대회, …포럼), a venue named
    in the same article (KCC), or an all-lowercase Latin word (multimodal).
    Products, models and technical terms (하이퍼클로바, LLM, NLU) are blocked
    before this through ``corpora/patterns/not_orgs.jsonl``.

    Args:
        m: the candidate mention.
        venues: names of the venues mentioned in the same article.
    """
    t = m.text.strip()
    if m.source == "gazetteer":
        return True
    if len(t) < 2 or t in _GENERIC or _JUNK_RE.match(t):
        return False
    places = load_locations()
    if all(w in places for w in _PLACE_SPLIT_RE.split(t) if w):  # 미국 올랜도, 미·중
        return False
    if _EVENT_RE.search(t) or t in venues:
        return False
    if _LATIN_RE.match(t) and t.islower():
        return False
    return True


#: Nouns that introduce a name in apposition: "AI 스타트업 코어랩스는", "보안 기업 에스투더블유가".
APPOSITION_TRIGGERS = frozenset({
    "스타트업", "기업", "업체", "회사", "벤처", "벤처캐피털", "캐피털", "운용사", "투자사", "자산운용사",
    "연구소", "재단", "법인", "자회사", "계열사", "협회", "연구기관", "대학", "팹리스",
})
_TRIGGER_HASHES = numpy.array(sorted(hash_string(t) for t in APPOSITION_TRIGGERS), dtype="uint64")
_NAME_TAGS = ("NNP", "SL", "SN", "SH")


def apposition_orgs(doc) -> list[tuple[int, int]]:
    """Character spans of names introduced by a kind noun: "스타트업 코어랩스는" → 코어랩스.

    The name is the run of proper-noun/foreign tokens (NNP, SL, SN, SH; no space
    inside) right after the trigger and right before a particle (J*), so common
    nouns ("기업 가치는") never qualify.
    """
    out = []
    n = len(doc)
    orths = doc.to_array(ORTH)  # one numpy pass instead of a Token object per morpheme
    for i in numpy.flatnonzero(numpy.isin(orths, _TRIGGER_HASHES)).tolist():
        if i >= n - 2:
            break
        t = doc[i]
        if not t.whitespace_ and doc[i + 1].text == "인" and doc[i + 1].whitespace_:
            i += 1  # "투자사인 스마일게이트인베스트먼트로부터"
        elif not t.whitespace_:
            continue
        j = i + 1
        if not doc[j].tag_.startswith(("NNP", "SL")):
            continue
        k = j
        while k + 1 < n and not doc[k].whitespace_ and doc[k + 1].tag_.split("+")[0] in _NAME_TAGS:
            k += 1
        if k + 1 < n and not doc[k].whitespace_ and doc[k + 1].tag_.startswith("J"):
            out.append((doc[j].idx, doc[k].idx + len(doc[k].text)))
    return out


def extract_orgs(adoc: ArticleDoc) -> list[Mention]:
    """ORG mentions of an analysed article, in text order."""
    return [m for m in adoc.by_label("ORG") if is_plausible_org(m)]
