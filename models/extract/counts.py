"""Counted quantities in Korean press text: ``66건``, ``100여 명``, ``세 편``, ``수십개``.

:func:`find_counts` returns every number that counts something with a
classifier (건 개 편 본 명 곳 회 위 대 개국 종 점 년 % 배 ...), with offsets, the
value, the classifier and a qualifier. Paper counts, headcounts, rankings and
percentages all come through here; deciding *what* is counted (papers? people?)
is the job of the extractor that uses these records.

Forms read:

* digits or Sino-Korean numerals + classifier: ``66건``, ``12 개``, ``3억 명``;
* native numerals: ``세 편``, ``열두 곳``, ``한두 건`` (range 1..2);
* ``여`` (approx): ``100여 명``, ``20여곳``;
* ranges: ``1~2건``, ``10-20개``, ``3개~5개``;
* vague: ``수십개`` (10..99), ``수백 명``, ``두 자리 수``/``두 자릿수`` (10..99);
* a bare number before ``의 논문/연구/성과/특허``: ``총 17의 논문`` (unit ``""``);
* qualifier words as in :mod:`models.extract.money` (``약``, ``이상``, ``넘는`` ...).

Not counts: years (``2021년``, ``'21년``), dates and times (``11월``, ``30일``,
``10시``: 월/일/시 are not classifiers), ordinals after ``제`` (``제3회``), money
(``3억원``), and digits glued to Latin letters or hyphens (``GPT-3``, ``H5-지수``,
``5G``, ``3D``); a 4-digit year after a venue name (``ICLR 2022``) has no
classifier and is never a count.

``value`` is an ``int`` except for fractional percentages, multiples and scores
(``3.5%``, ``1.5배``), where it is a ``float``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .money import find_money
from .numbers import (
    NATIVE,
    NUMBER,
    NUMBER_FIRST,
    PREFIX_QUALIFIER,
    PREFIX_QUALIFIERS,
    SUFFIX_QUALIFIER,
    VAGUE,
    has_unit,
    parse_korean_decimal,
    parse_native_number,
    parse_vague_number,
)

__all__ = ["Count", "find_counts", "UNITS"]

#: Classifiers recognised after a number, longest first where they share a prefix.
UNITS = (
    "개국", "개사", "개월", "개소", "개팀", "가지", "차례", "퍼센트포인트", "퍼센트", "%포인트", "%p",
    "건", "개", "편", "본", "명", "곳", "회", "위", "대", "종", "점", "년", "번", "팀", "권",
    "배", "석", "표", "마리", "%",
)
# Native numerals go with these classifiers only (세 편, 두 명); "한 위", "두 년"
# are not Korean.
_NATIVE_UNITS = (
    "개국", "개사", "개월", "가지", "차례", "건", "개", "편", "본", "명", "곳", "대", "종", "점",
    "번", "팀", "권", "배", "마리", "분",
)
# Without a space a native numeral + classifier is often another word (한편
# "meanwhile", 세대 "generation", 두건 "hood"), so only these may be glued.
_NATIVE_GLUED = ("개", "명", "곳", "가지", "번", "차례", "마리")
_UNIT_NORM = {"퍼센트": "%", "퍼센트포인트": "%p", "%포인트": "%p"}

_NATIVE_RANGES = {
    "한두": (1, 2), "두세": (2, 3), "두어": (2, 3), "서너": (3, 4), "너덧": (4, 5), "네댓": (4, 5),
    "대여섯": (5, 6), "예닐곱": (6, 7), "일고여덟": (7, 8),
}


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# What may follow a classifier: the end of the word or a particle/ending.
# Without this 건설, 개발, 회사, 위원, 명단 would all be counts.
_AFTER = (
    r"(?=[^가-힣]|$|이|가|을|를|의|에|은|는|도|만|씩|과|와|으로|로|까지|째|간|부터|보다|밖에|뿐|"
    r"쯤|정도|가량|안팎|내외|남짓|미만|초과|차|짜리|나|권|으며|이며|였|에서)"
)
# Digits glued to Latin letters, a hyphen after an alphanumeric (GPT-3), a
# thousands/decimal separator, an apostrophe year ('21년) or 제 (제3회, ordinal).
_LEFT = r"(?<![A-Za-z\d.,_/'’])(?<![A-Za-z\d]-)(?<!제)"
_U = _alt(UNITS)

_NUM_COUNT = re.compile(
    # A sign is kept for percentages (-3.2%); GPT-3's hyphen is not a sign.
    rf"(?=[-−+{NUMBER_FIRST}])(?:(?<![A-Za-z\d])(?P<sign>[-−+])|{_LEFT})(?P<num>{NUMBER})(?:\s?(?P<yeo>여))?\s?(?P<unit>{_U}){_AFTER}"
)
_RANGE_COUNT = re.compile(
    rf"(?=[{NUMBER_FIRST}]){_LEFT}(?P<a>{NUMBER})(?:\s?(?P<aunit>{_U}))?\s*[~∼〜\-–]\s*"
    rf"(?P<b>{NUMBER})\s?(?P<unit>{_U}){_AFTER}"
)
_VAGUE_COUNT = re.compile(rf"(?P<vague>{VAGUE})\s?(?P<unit>{_U}){_AFTER}")
_DIGITS_COUNT = re.compile(
    rf"(?<![가-힣])(?P<n>{NATIVE}|\d)\s?(?:자릿수|자리\s?(?:수|숫자))(?![가-힣](?<![이가을를의에은는도로와과]))"
)
_NATIVE_COUNT = re.compile(
    rf"(?P<native>(?<![가-힣])(?:{_alt(_NATIVE_RANGES)})|{NATIVE})"
    rf"(?:\s(?P<unit_s>{_alt(_NATIVE_UNITS)})|(?P<unit_g>{_alt(_NATIVE_GLUED)})){_AFTER}"
)
_BARE_OF = re.compile(rf"{_LEFT}(?<![A-Za-z]\s)(?P<num>\d+)(?=의\s?(?:논문|연구|성과|특허))")

_PREFIX_WORD = re.compile(PREFIX_QUALIFIER + r"\Z")
_SUFFIX_WORD = re.compile(SUFFIX_QUALIFIER)


@dataclass(frozen=True)
class Count:
    """One counted quantity found in a text.

    Attributes:
        start: Offset of the first character (inclusive).
        end: Offset after the last character (exclusive); ``text == input[start:end]``.
        text: The surface form, e.g. ``"100여 명"``, ``"400명 이상"``, ``"1~2건"``.
        value: The number counted; ``None`` for ranges and vague counts.
            ``int``, or ``float`` for a fractional ``%``/``배``/``점``.
        unit: The classifier (``건``, ``개``, ``편``, ``명``, ``%`` ...); ``""`` when
            there is none (``총 17의 논문``, ``두 자릿수``).
        qualifier: ``exact``, ``approx``, ``at_least``, ``at_most``, ``range`` or ``vague``.
        low: Lower end for ``range``/``vague``, else ``None``.
        high: Upper end for ``range``/``vague``, else ``None``.
    """

    start: int
    end: int
    text: str
    value: int | float | None
    unit: str
    qualifier: str
    low: int | float | None = None
    high: int | float | None = None


def _num(x: Decimal | int | None) -> int | float | None:
    if x is None:
        return None
    x = Decimal(x)
    return int(x) if x == x.to_integral_value() else float(x)


def _is_year(num_text: str, unit: str) -> bool:
    """``2021년``, ``1990년`` are dates, not durations."""
    digits = num_text.replace(",", "")
    return unit == "년" and digits.isdigit() and len(digits) == 4 and 1000 <= int(digits) <= 2999


def _hangul_only_without_unit(num_text: str) -> bool:
    # 일 년, 이 건: a lone Hangul digit is a word far more often than a number.
    return not re.search(r"\d", num_text) and not has_unit(num_text)


@dataclass
class _Cand:
    start: int
    end: int
    value: Decimal | int | None
    unit: str
    qualifier: str
    low: Decimal | int | None = None
    high: Decimal | int | None = None


def _candidates(text: str) -> list[_Cand]:
    """Every reading of every count-like span; overlaps are resolved later."""
    out: list[_Cand] = []
    for m in _RANGE_COUNT.finditer(text):
        a, b = parse_korean_decimal(m.group("a")), parse_korean_decimal(m.group("b"))
        if a is None or b is None or a >= b or _hangul_only_without_unit(m.group("a")):
            continue
        if m.group("aunit") and m.group("aunit") != m.group("unit"):
            continue
        if _is_year(m.group("a"), m.group("unit")) or _is_year(m.group("b"), m.group("unit")):
            continue
        unit = _UNIT_NORM.get(m.group("unit"), m.group("unit"))
        out.append(_Cand(m.start(), m.end(), None, unit, "range", a, b))
    for m in _NUM_COUNT.finditer(text):
        value = parse_korean_decimal(m.group("num"))
        if value is None or _hangul_only_without_unit(m.group("num")):
            continue
        if _is_year(m.group("num"), m.group("unit")):
            continue
        unit = _UNIT_NORM.get(m.group("unit"), m.group("unit"))
        start = m.start()
        if m.group("sign"):
            if unit in ("%", "%p"):
                value = -value if m.group("sign") in "-−" else value
            else:
                start = m.start("num")
        out.append(_Cand(start, m.end(), value, unit, "approx" if m.group("yeo") else "exact"))
    for m in _VAGUE_COUNT.finditer(text):
        rng = parse_vague_number(m.group("vague"))
        if rng is None:
            continue
        unit = _UNIT_NORM.get(m.group("unit"), m.group("unit"))
        out.append(_Cand(m.start(), m.end(), None, unit, "vague", rng[0], rng[1]))
    for m in _DIGITS_COUNT.finditer(text):
        n = parse_native_number(m.group("n")) if not m.group("n").isdigit() else int(m.group("n"))
        if not n:
            continue
        out.append(_Cand(m.start(), m.end(), None, "", "vague", 10 ** (n - 1), 10**n - 1))
    for m in _NATIVE_COUNT.finditer(text):
        unit = m.group("unit_s") or m.group("unit_g")
        word = m.group("native")
        if word in _NATIVE_RANGES:
            lo, hi = _NATIVE_RANGES[word]
            out.append(_Cand(m.start(), m.end(), None, unit, "range", lo, hi))
            continue
        value = parse_native_number(word)
        if value is not None:
            out.append(_Cand(m.start(), m.end(), value, unit, "exact"))
    for m in _BARE_OF.finditer(text):
        value = int(m.group("num"))
        if 1900 <= value <= 2099:
            continue
        out.append(_Cand(m.start(), m.end(), value, "", "exact"))
    return out


def _select(cands: list[_Cand], blocked: list[tuple[int, int]]) -> list[_Cand]:
    """Non-overlapping candidates, earliest then longest first, outside ``blocked``."""
    chosen: list[_Cand] = []
    end = 0
    for c in sorted(cands, key=lambda c: (c.start, -(c.end - c.start))):
        if c.start < end:
            continue
        if any(c.start < b_end and b_start < c.end for b_start, b_end in blocked):
            continue
        chosen.append(c)
        end = c.end
    return chosen


def _qualify(text: str, c: _Cand, floor: int, ceiling: int) -> None:
    """Extend a candidate over the qualifier words around it."""
    m = _PREFIX_WORD.search(text, max(floor, c.start - 6), c.start)
    if m:
        c.start = m.start()
        qual = PREFIX_QUALIFIERS[m.group("w")]
        if c.qualifier == "exact" or (c.qualifier == "approx" and qual != "approx"):
            c.qualifier = qual
    if c.qualifier in ("range", "vague"):
        return
    m = _SUFFIX_WORD.match(text, c.end)
    if m and m.end() <= ceiling:
        qual = m.lastgroup.removesuffix("_v")
        c.end = m.end()
        if c.qualifier == "exact" or (c.qualifier == "approx" and qual != "approx"):
            c.qualifier = qual


def find_counts(text: str) -> list[Count]:
    """Find every counted quantity in a text.

    Args:
        text: Any Korean text (a sentence, a paragraph, a whole article).

    Returns:
        Non-overlapping :class:`Count` records sorted by ``start``; offsets are
        Python ``str`` character offsets into ``text``, end exclusive. Money
        amounts (``3억원``), years, dates and model names (``GPT-3``) are not
        counts.

    Example:
        >>> [(c.text, c.value, c.unit) for c in find_counts("총 66건의 논문, 연구원 100여 명")]
        [('66건', 66, '건'), ('100여 명', 100, '명')]
        >>> c = find_counts("발표자는 400명 이상이었다")[0]
        >>> (c.text, c.qualifier)
        ('400명 이상', 'at_least')
    """
    money = [(m.start, m.end) for m in find_money(text)]
    chosen = _select(_candidates(text), money)
    out = []
    for i, c in enumerate(chosen):
        floor = chosen[i - 1].end if i else 0
        ceiling = chosen[i + 1].start if i + 1 < len(chosen) else len(text)
        for b_start, _ in money:
            if b_start >= c.end:
                ceiling = min(ceiling, b_start)
        _qualify(text, c, floor, ceiling)
        out.append(
            Count(
                start=c.start,
                end=c.end,
                text=text[c.start:c.end],
                value=_num(c.value),
                unit=c.unit,
                qualifier=c.qualifier,
                low=_num(c.low),
                high=_num(c.high),
            )
        )
    return out
