"""Organizations: gazetteer names canonicalised, model names filtered.

Gazetteer matches carry a canonical name and a parent (클로바 → 네이버 클로바,
parent 네이버). Model ORGs are kept when they look like names: not a generic
noun (정부, 업계, 연구진), not a product or model (하이퍼클로바, GPT-3 are
blocked before resolution), at least two characters, not just digits.
"""
from __future__ import annotations

import re

from ..document import ArticleDoc, Mention

#: Generic nouns the statistical model sometimes tags as ORG.
_GENERIC = {
    "정부", "업계", "학계", "연구진", "연구팀", "회사", "기업", "대학", "당국", "국내", "해외", "글로벌",
    "관계사", "계열사", "자회사", "본사", "양측", "양사", "협회", "학회", "센터", "연구소", "AI", "IT",
    "팀", "측", "사", "그룹", "위원회", "국회", "법원", "검찰", "경찰",
}
_JUNK_RE = re.compile(r"^[\d\W_]+$")


def is_plausible_org(m: Mention) -> bool:
    """False for generic nouns and junk the model may tag as ORG."""
    t = m.text.strip()
    if m.source == "gazetteer":
        return True
    if len(t) < 2 or t in _GENERIC or _JUNK_RE.match(t):
        return False
    return True


#: Nouns that introduce a name in apposition: "AI 스타트업 코어랩스는", "보안 기업 에스투더블유가".
APPOSITION_TRIGGERS = frozenset({
    "스타트업", "기업", "업체", "회사", "벤처", "벤처캐피털", "캐피털", "운용사", "투자사", "자산운용사",
    "연구소", "재단", "법인", "자회사", "계열사", "협회", "연구기관", "대학", "팹리스",
})
_NAME_TAGS = ("NNP", "SL", "SN", "SH")


def apposition_orgs(doc) -> list[tuple[int, int]]:
    """Character spans of names introduced by a kind noun: "스타트업 코어랩스는" → 코어랩스.

    The name is the run of proper-noun/foreign tokens (NNP, SL, SN, SH; no space
    inside) right after the trigger and right before a particle (J*), so common
    nouns ("기업 가치는") never qualify.
    """
    out = []
    toks = list(doc)
    for i, t in enumerate(toks[:-2]):
        if t.text not in APPOSITION_TRIGGERS:
            continue
        if not t.whitespace_ and toks[i + 1].text == "인" and toks[i + 1].whitespace_:
            i += 1  # "투자사인 스마일게이트인베스트먼트로부터"
        elif not t.whitespace_:
            continue
        j = i + 1
        if not toks[j].tag_.startswith(("NNP", "SL")):
            continue
        k = j
        while k + 1 < len(toks) and not toks[k].whitespace_ and toks[k + 1].tag_.split("+")[0] in _NAME_TAGS:
            k += 1
        if k + 1 < len(toks) and not toks[k].whitespace_ and toks[k + 1].tag_.startswith("J"):
            out.append((toks[j].idx, toks[k].idx + len(toks[k].text)))
    return out


def extract_orgs(adoc: ArticleDoc) -> list[Mention]:
    """ORG mentions of an analysed article, in text order."""
    return [m for m in adoc.by_label("ORG") if is_plausible_org(m)]
