"""Venues: conferences and journals, with editions.

Known venues come from the gazetteer (``corpora/gazetteer/venues.jsonl``) with
transliterations (뉴립스 → NeurIPS, 데뷰 → DEVIEW) and editions (ICLR 2022,
2019년 ICCV). Venues nobody listed are found by their frame:
"국제학술지 ○○에 게재", "저널 ‘○○’에서", "○○ 2023 학회에서 발표",
"국제학술대회 ○○에서 발표".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..document import ArticleDoc, Mention

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


def extract_venues(adoc: ArticleDoc) -> list[Mention]:
    """VENUE mentions of an analysed article (gazetteer and frame patterns), in text order."""
    return adoc.by_label("VENUE")


def article_venues(adoc: ArticleDoc) -> list[tuple[str, Optional[int]]]:
    """Distinct ``(canonical, year)`` pairs of an article, in first-mention order."""
    seen: dict[tuple[str, Optional[int]], None] = {}
    for m in extract_venues(adoc):
        seen.setdefault((m.canonical or m.text, m.year), None)
    return list(seen)
