"""Candidate mentions of a document, before resolution: gazetteer names, rules, the model's spans, filtered.

The ``kornews_candidates`` pipeline component collects, for one ``Doc``:

* gazetteer ORG and VENUE names (and the funds and arms named after a known
  organization), MONEY and COUNT from the rules, organizations introduced in
  apposition ("AI 스타트업 코어랩스는"), venues in a publication frame
  ("국제학술지 Nature Energy에 게재");
* the statistical model's entities (``doc.ents``);

drops the ORG candidates that are not organizations' names (:func:`is_plausible_org`:
generic nouns, places, events, venues) and the venues that act as hosts, and
leaves them on ``doc._.candidates`` with the spans of known products and terms
that must never become ORG. :mod:`models.document` resolves them; the extractors
read what it resolved. This is the one place the organization filter runs.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

import numpy
from spacy.attrs import IDX, LENGTH, ORTH
from spacy.language import Language
from spacy.strings import hash_string
from spacy.tokens import Doc

from . import corpora_dir
from .datafiles import read_name_list
from .extract.counts import find_counts
from .extract.money import find_money
from .gazetteer import Gazetteer, load_gazetteer, load_not_orgs
from .mention import LABELS, Mention
from .venues import load_venue_kb
from .nlp import doc_text

#: Count units that are not counted things in the contract's sense.
_NON_COUNT_UNITS = {"%", "년", "월", "일", "시", "분", "초"}


# ---------------------------------------------------------------------------
# Gazetteer, rule and model candidates


def gazetteer_mentions(text: str, gaz: Gazetteer, boundaries: set[int] | None = None) -> list[Mention]:
    """ORG and VENUE mentions of gazetteer names in ``text``."""
    out = []
    for m in gaz.find(text, boundaries):
        e = m.entry
        out.append(Mention(
            m.start, m.end, m.text, e.label, "gazetteer", canonical=e.canonical, kind=e.kind,
            parent=e.parent, year=m.year, norm={"year": m.year} if (e.label == "VENUE" and m.year) else None,
            edition=bool(m.year) and m.text.rstrip("'’ ").endswith(str(m.year)[2:]),
        ))
    return out


#: words that make a venue name a place of publication or presentation, in its sentence
_PUB_CONTEXT_RE = re.compile(
    r"학술지|저널|논문|게재|실렸|실린|실리|발표|채택|학회|학술대회|콘퍼런스|컨퍼런스|온라인판|최신호|표지|투고|"
    r"published|journal|conference|proceedings", re.IGNORECASE)
#: the tight frame a bare common title (Nature, Science, Cell, 네이처) needs: a publication
#: verb right after it or a journal word right before it
_PUB_AFTER_RE = re.compile(r"[^.!?\n]{0,14}?(?:게재|실렸|실린|실리|발표|온라인판|최신호|표지|논문|에서 출판)")
_PUB_BEFORE_RE = re.compile(r"(?:학술지|저널|과학지|과학저널|국제학술지|학회지|자매지|논문지)\s?['‘\"“「『<《]?\s?$")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9&\-]{1,9}")
#: how far a sentence reaches for publication context (characters each side)
PUB_CONTEXT_WINDOW = 60


def _sentence_window(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(text.rfind(c, max(0, start - PUB_CONTEXT_WINDOW), start) for c in ".!?\n") + 1
    his = [i for i in (text.find(c, end, end + PUB_CONTEXT_WINDOW) for c in ".!?\n") if i != -1]
    return max(lo, start - PUB_CONTEXT_WINDOW, 0), min(his) if his else min(len(text), end + PUB_CONTEXT_WINDOW)


def in_publication_context(text: str, start: int, end: int, ambiguous: bool) -> bool:
    """Whether the venue name at ``text[start:end]`` is where something is published or presented.

    A common word that alone is weak evidence (``ambiguous``: Nature, Science,
    셀) needs a tight frame ("네이처에 실렸다", "학술지 '사이언스'"); any other
    name, a short acronym (ACL) included, a publication word in its sentence
    (학술지, 게재, 발표, 학회 ...).

    >>> in_publication_context("연구 결과는 네이처에 실렸다.", 7, 10, True)
    True
    >>> in_publication_context("네이처 리퍼블릭 매장이 문을 열었다.", 0, 3, True)
    False
    """
    if ambiguous and not _ACRONYM_RE.fullmatch(text[start:end]):
        return bool(_PUB_AFTER_RE.match(text, end) or _PUB_BEFORE_RE.search(text, max(0, start - 12), start))
    lo, hi = _sentence_window(text, start, end)
    return bool(_PUB_CONTEXT_RE.search(text, lo, start) or _PUB_CONTEXT_RE.search(text, end, hi))


def kb_venue_mentions(text: str, kb, boundaries: set[int] | None = None) -> tuple[list[Mention], dict]:
    """Venues of the knowledge base (``corpora/venues``) named in a publication context.

    Returns:
        The mentions (source ``gazetteer``: the KB is a gazetteer of venues), and
        ``{(start, end): ambiguous}`` for every KB name found, in context or not.
    """
    out, seen = [], {}
    for hit in kb.find(text, boundaries):
        seen[(hit.start, hit.end)] = hit.ambiguous
        if not in_publication_context(text, hit.start, hit.end, hit.ambiguous):
            continue
        end = hit.year_end or hit.end
        out.append(Mention(hit.start, end, text[hit.start:end], "VENUE", "gazetteer", canonical=hit.canonical,
                           kind=hit.kind, year=hit.year, norm={"year": hit.year} if hit.year else None,
                           edition=hit.year_end is not None))
    return out, seen


#: a fund or investment arm named after its parent: "소프트뱅크 비전펀드2", "삼성 벤처스"
_ORG_EXTENSION_RE = re.compile(
    r"\s?([가-힣A-Za-z]{0,10}(?:펀드|파트너스|벤처스|캐피탈|캐피털|인베스트먼트|자산운용|투자조합)\s?\d{0,2})"
    r"(?=[은는이가을를의와과에로도]|[^가-힣A-Za-z0-9])")


def extended_org_mentions(text: str, gaz: Sequence[Mention]) -> list[Mention]:
    """ORG mentions for the funds and arms of known organizations.

    "소프트뱅크 비전펀드2로부터" gives "소프트뱅크 비전펀드2" (parent SoftBank): the
    fund, not its parent, is the party named. Longer spans win in resolution.
    """
    out = []
    for m in gaz:
        if m.label != "ORG":
            continue
        ext = _ORG_EXTENSION_RE.match(text, m.end)
        if ext and ext.group(1).strip():
            end = ext.end(1)
            while end > m.end and text[end - 1].isspace():
                end -= 1
            out.append(Mention(m.start, end, text[m.start:end], "ORG", "gazetteer", canonical=None, kind="company",
                               parent=m.canonical))
    return out


def rule_mentions(text: str) -> list[Mention]:
    """MONEY (with ``norm``) and COUNT mentions found by the rule extractors."""
    out = [Mention(m.start, m.end, m.text, "MONEY", "rule", norm=m.norm(), payload=m) for m in find_money(text)]
    for c in find_counts(text):
        if c.unit in _NON_COUNT_UNITS:
            continue
        norm = {"value": c.value, "unit": c.unit, "qualifier": c.qualifier, "low": c.low, "high": c.high}
        out.append(Mention(c.start, c.end, c.text, "COUNT", "rule", norm=norm, payload=c))
    return out


@functools.lru_cache(maxsize=4)
def _blocker_regex(keys: frozenset) -> re.Pattern | None:
    # not_orgs keys are normalised (lower case, no spaces): match them with optional
    # spaces between characters so "클로바 케어콜" and "클로바케어콜" both block.
    if not keys:
        return None
    alts = sorted(keys, key=len, reverse=True)
    body = "|".join(r"\s?".join(re.escape(ch) for ch in k) for k in alts)
    # whole words only: AI in 퓨리오사AI or IT in MIT is not the term
    return re.compile(r"(?<![0-9A-Za-z가-힣])(?:" + body + r")(?![0-9A-Za-z])", re.IGNORECASE)


def _model_money(start: int, end: int, text: str) -> Mention:
    """A model MONEY span, with the rules' ``norm`` when they read the whole span."""
    found = find_money(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(text):
        m = found[0]
        return Mention(start, end, text, "MONEY", "model", norm=m.norm(), payload=m)
    return Mention(start, end, text, "MONEY", "model")


def blocker_spans(text: str, not_orgs: dict[str, str]) -> list[tuple[int, int]]:
    """Character spans of products/models/benchmarks that must never become ORG."""
    rx = _blocker_regex(frozenset(not_orgs))
    if rx is None:
        return []
    return [(m.start(), m.end()) for m in rx.finditer(text)]



# ---------------------------------------------------------------------------
# Organizations: what is not one, and names in apposition


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



# ---------------------------------------------------------------------------
# Venues named in a publication frame


_Q_OPEN = "'‘\"“「『<〈"
_Q_CLOSE = "'’\"”」』>〉"
# Repetitions are bounded (a word ≤ 40 characters, a title ≤ 12 words): an unbounded
# one is tried from every start in a long run of letters, which costs quadratic time.
_NAME = r"[A-Z][A-Za-z0-9&:+.\-]{0,40}(?:\s(?:[A-Z][A-Za-z0-9&:+.\-]{0,40}|of|on|and|in|for|the|&)){0,12}"
_YEAR = r"(?:\s?[’']?((?:19|20)\d{2}))?"

#: frame words before the name: 국제학술지 Nature Energy에 게재, 저널 ‘Cell Reports’에서
_JOURNAL_RE = re.compile(
    r"(?:국제\s?)?(?:학술지|저널|학술대회|학회|컨퍼런스|콘퍼런스)(?:인|로 꼽히는|로 불리는)?\s+[" + _Q_OPEN + r"]?(" + _NAME + r")" + _YEAR
    + r"[" + _Q_CLOSE + r"]?\s?(?:\([^)]{0,40}\))?\s?(?:에서|에|에도|에서도|에서는|온라인판에|최신호에|에 실|을 통해)"
)
#: name before the frame word: NAACL 2024 학회에서 발표, ICML 국제학술대회에서
_CONF_RE = re.compile(
    r"[" + _Q_OPEN + r"]?(" + _NAME + r")" + _YEAR + r"[" + _Q_CLOSE + r"]?\s?(?:국제\s?)?(?:학술대회|학회|컨퍼런스|콘퍼런스)(?:에서|에|에도|에서도)"
)
_HOSTED_RE = re.compile(r"[" + _Q_CLOSE + r"]?\s?(?:에서|이|가)\s?(?:개최|주최|주관)한\s?[가-힣A-Za-z]{0,30}\s?(?:경연|대회|챌린지|컴페티션|경진대회)")
#: a Korean venue name glossed with its acronym: 한국컴퓨터종합학술대회(KCC 2023)
_GLOSS_RE = re.compile(
    r"[가-힣A-Za-z]{2,40}(?:학술대회|학회|컨퍼런스|콘퍼런스|심포지엄|학술지)\s?\(([A-Z][A-Za-z0-9&\-]{1,15})" + _YEAR + r"\)"
)
_STOP = {"AI", "IT", "ICT", "SW", "R&D", "CEO", "CTO", "MOU", "The", "IEEE", "ACM"}


@dataclass(frozen=True)
class VenueMatch:
    start: int
    end: int
    text: str
    year: Optional[int]
    #: the venue's name without the edition year
    name: str = ""


def find_venue_patterns(text: str) -> list[VenueMatch]:
    """Venues named in a venue frame, whether or not the gazetteer knows them.

    >>> [(v.text, v.year) for v in find_venue_patterns("연구 결과는 국제학술지 Nature Energy에 게재됐다.")]
    [('Nature Energy', None)]
    >>> [(v.text, v.year) for v in find_venue_patterns("NAACL 2024 학회에서 발표했다")]
    [('NAACL 2024', 2024)]
    """
    out: list[VenueMatch] = []
    taken = bytearray(len(text))  # characters already in a match: an overlap test per match, not per pair
    for rx in (_GLOSS_RE, _JOURNAL_RE, _CONF_RE):
        for m in rx.finditer(text):
            name = m.group(1).strip()
            if name in _STOP or len(name) < 2:
                continue
            start, end = m.start(1), m.end(2) if m.group(2) else m.end(1)
            if taken.find(1, start, end) != -1:
                continue
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ",&"):
                continue  # the tail of a longer title ("Past, Present, and Future' 워크샵")
            if end < len(text) and text[end] in _Q_CLOSE and (start == 0 or text[start - 1] not in _Q_OPEN):
                continue  # closes a quote it did not open: part of a quoted title
            out.append(VenueMatch(start, end, text[start:end], int(m.group(2)) if m.group(2) else None, name))
            taken[start:end] = b"\x01" * (end - start)
    return sorted(out, key=lambda v: v.start)


def is_hosting(text: str, end: int) -> bool:
    """True when the venue ending at ``end`` acts as a host: "저널 ‘X’에서 개최한 경연".

    There X organised a contest; it is not where anything was published, so it is
    not recorded as a venue.
    """
    return bool(_HOSTED_RE.match(text, end))



# ---------------------------------------------------------------------------
# The pipeline component


@Language.factory("kornews_candidates", default_config={"gazetteer": True, "rules": True})
def make_candidates(nlp: Language, name: str, gazetteer: bool, rules: bool):
    return CandidateFinder(gazetteer, rules)


class CandidateFinder:
    """Pipeline component: collects gazetteer, rule and model candidates on ``doc._.candidates``."""

    def __init__(self, use_gazetteer: bool = True, use_rules: bool = True):
        self.gaz = load_gazetteer() if use_gazetteer else None
        self.kb = load_venue_kb() if use_gazetteer else None
        self.not_orgs = load_not_orgs() if use_gazetteer else {}
        self.use_rules = use_rules

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        cands: list[Mention] = []
        for ent in doc.ents:  # the statistical model's output, if a model ran
            if ent.label_ == "MONEY":
                cands.append(_model_money(ent.start_char, ent.end_char, ent.text))
            elif ent.label_ in LABELS:
                canonical = None
                entry = self.gaz.lookup(ent.text) if self.gaz is not None else None
                if entry is not None and entry.label == ent.label_:
                    canonical = entry.canonical
                cands.append(Mention(ent.start_char, ent.end_char, ent.text, ent.label_, "model", canonical=canonical,
                                     kind=entry.kind if canonical else None, parent=entry.parent if canonical else None))
        if self.gaz is not None:
            starts = doc.to_array(IDX)
            bounds = set(starts.tolist()) | set((starts + doc.to_array(LENGTH)).tolist())
            gaz = gazetteer_mentions(text, self.gaz, bounds)
            kb_venues, kb_seen = kb_venue_mentions(text, self.kb, bounds)
            # a bare common title the gazetteer knows (Nature, 사이언스) needs the same context
            gaz = [m for m in gaz if m.label != "VENUE" or not kb_seen.get((m.start, m.end))
                   or _ACRONYM_RE.fullmatch(m.text) or in_publication_context(text, m.start, m.end, True)]
            cands.extend(gaz)
            cands.extend(kb_venues)
            cands.extend(extended_org_mentions(text, gaz))
        if self.use_rules:
            cands.extend(rule_mentions(text))
            for s, e in apposition_orgs(doc):
                entry = self.gaz.lookup(text[s:e]) if self.gaz is not None else None
                canonical = entry.canonical if entry is not None and entry.label == "ORG" else None
                cands.append(Mention(s, e, text[s:e], "ORG", "rule", canonical=canonical))
            for v in find_venue_patterns(text):
                entry = self.gaz.lookup(v.text) if self.gaz is not None else None
                canonical = entry.canonical if entry is not None and entry.label == "VENUE" else v.name
                cands.append(Mention(v.start, v.end, v.text, "VENUE", "rule", canonical=canonical,
                                     kind=entry.kind if entry is not None else None, year=v.year,
                                     norm={"year": v.year} if v.year else None, edition=v.year is not None))
        venue_names = frozenset(n for m in cands if m.label == "VENUE" for n in (m.text, m.canonical) if n)
        cands = [m for m in cands if (m.label != "ORG" or is_plausible_org(m, venue_names))
                 and (m.label != "VENUE" or not is_hosting(text, m.end))]
        doc._.candidates = (cands, blocker_spans(text, self.not_orgs))
        return doc
