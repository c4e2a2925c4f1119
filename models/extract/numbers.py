"""Korean numbers: Arabic digits, Sino-Korean numerals and large units.

Korean press writes one quantity in many ways: ``1조8천3백억``, ``16조 4,000억``,
``3.5억``, ``이천억``, ``십오만``; counts also use native numerals (``세 편``,
``열두 곳``) and vague forms (``수백억``, ``수십 개``, ``두 자릿수``). This module
parses all of them and holds the regex building blocks that ``money.py`` and
``counts.py`` share, so a number is recognised the same way everywhere.

Values are computed with :class:`decimal.Decimal` so that ``3.3억`` is exactly
330 000 000 and KRW integers never carry float rounding errors.
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "ARABIC",
    "NUMBER",
    "NATIVE",
    "VAGUE",
    "SINO_DIGITS",
    "SMALL_UNITS",
    "BIG_UNITS",
    "PREFIX_QUALIFIERS",
    "PREFIX_QUALIFIER",
    "SUFFIX_QUALIFIER",
    "parse_korean_number",
    "parse_korean_decimal",
    "parse_native_number",
    "parse_vague_number",
    "leading_scale",
    "has_big_unit",
    "has_unit",
]

SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
BIG_UNITS = {"만": 10**4, "억": 10**8, "조": 10**12, "경": 10**16}

# --- regex building blocks -------------------------------------------------
#: An Arabic number: ``1200``, ``1,200``, ``3.5``. Digit runs are atomic and a
#: comma group must be complete, so ``1,2345`` is not read as ``1,234`` (nor
#: ``1234,5`` as ``123``).
ARABIC = r"(?:(?>\d{1,3}(?:,\d{3})+)(?!\d|,\d)|(?>\d+)(?!,\d))(?:\.\d+)?"

_SD = "[일이삼사오육칠팔구]"
_D = rf"(?:{ARABIC}|{_SD})"
# A group below 10 000 (``8천3백``, ``1백11``, ``4,000``, ``이천``, ``십오``). Press
# copy sometimes spaces its parts (``2천 5백만``, ``7천 6백 10만``); a space is
# allowed only before a digit, so ``5천 이상`` never swallows the word ``이``.
_SP = r"(?:\s(?=\d))?"
_G = (
    rf"(?:{_D}?천(?:{_SP}{_D}?백)?(?:{_SP}{_D}?십)?(?:{_SP}{_D})?"
    rf"|{_D}?백(?:{_SP}{_D}?십)?(?:{_SP}{_D})?"
    rf"|{_D}?십(?:{_SP}{_D})?"
    rf"|{_D})"
)
_JO = rf"{_G}\s?조"
_EOK = rf"{_G}\s?억"
_MAN = rf"{_G}\s?만"

# Big units must come in decreasing order; a space may separate chunks
# (``16조 4,000억``) but never leads or trails the number.
_NUMBER_BODY = (
    rf"(?:{_JO}(?:\s?{_EOK})?(?:\s?{_MAN})?(?:\s?{_G})?"
    rf"|{_EOK}(?:\s?{_MAN})?(?:\s?{_G})?"
    rf"|{_MAN}(?:\s?{_G})?"
    rf"|{_G})"
)

#: Left boundary of a number: never inside another number, and a number that
#: starts with a Hangul numeral must not continue a Hangul word (``때만``,
#: ``그것이``) -- an Arabic digit may follow Hangul (``약200억``).
NUMBER_LEFT = r"(?<![\d.])(?<!\d,)(?:(?=\d)|(?<![가-힣]))"

#: A full number, digits and/or Sino-Korean numerals with 만/억/조.
NUMBER = rf"{NUMBER_LEFT}{_NUMBER_BODY}"

#: The characters a :data:`NUMBER` can start with. Patterns put it first as a
#: lookahead, ``(?=[...])``, so the regex engine rejects every other position
#: with one class test instead of the lookbehinds and alternatives (a pure
#: speed-up: the set of matches is unchanged).
NUMBER_FIRST = r"\d일이삼사오육칠팔구천백십"
#: The characters a :data:`VAGUE` amount can start with (십수, 수, 몇).
VAGUE_FIRST = "십수몇"

_NATIVE_ONES = {
    "하나": 1, "한": 1, "둘": 2, "두": 2, "셋": 3, "세": 3, "석": 3, "넷": 4, "네": 4, "넉": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
}
_NATIVE_TENS = {
    "열": 10, "스물": 20, "스무": 20, "서른": 30, "마흔": 40, "쉰": 50,
    "예순": 60, "일흔": 70, "여든": 80, "아흔": 90,
}


def _alt(words) -> str:
    # Longest first, so 스물 wins over 스무 and 다섯 is not cut short.
    return "|".join(sorted(words, key=len, reverse=True))


#: A native Korean numeral (``한``, ``두``, ``열두``, ``스물한``, ``서른``), as a
#: whole word: it may not continue a Hangul word.
NATIVE = (
    rf"(?<![가-힣])(?:(?:{_alt(_NATIVE_TENS)})(?:{_alt(_NATIVE_ONES)})?|(?:{_alt(_NATIVE_ONES)}))"
)

#: A vague order of magnitude: ``수십``, ``수백억``, ``수조``, ``십수억``, ``몇백만``.
VAGUE = r"(?<![가-힣])(?:십수|수|몇)\s?(?:[십백천]\s?)?(?:[만억조])?"

#: Qualifier words before an amount or count, and the qualifier each sets.
#: 총 and 무려 are not qualifiers (they stress an exact figure).
PREFIX_QUALIFIERS = {
    "약": "approx", "대략": "approx", "어림잡아": "approx", "줄잡아": "approx",
    "최소": "at_least", "최소한": "at_least", "적어도": "at_least", "적게는": "at_least",
    "최대": "at_most", "많게는": "at_most",
}
#: A prefix qualifier word as a whole word, with its trailing space (group ``w``).
PREFIX_QUALIFIER = rf"(?<![가-힣])(?P<w>{_alt(PREFIX_QUALIFIERS)})\s?"

#: A qualifier word after an amount or count. The matching group's name is the
#: qualifier (``approx``, ``at_least``, ``at_most``; ``*_v`` for verb forms).
#: ``초과`` (open) is read like ``이상`` (closed): the contract keeps no such flag.
SUFFIX_QUALIFIER = (
    r"\s?(?:"
    r"(?:(?P<approx>가량|정도|안팎|내외|쯤|남짓|가까이)"
    r"|(?P<at_least>이상|초과)"
    r"|(?P<at_most>이하|미만|이내|까지))"
    # A noun-like word must end there (이상한, 정도전 are other words) or take a particle.
    r"(?![가-힣](?<![을를이가의에로으은는도와과만씩인]))"
    # Verbs of exceeding may take a particle before them and any ending after.
    r"|(?:[이을가를]\s?)?(?:(?P<at_least_v>넘는|넘게|넘어|넘은|넘을|웃도는|웃돈|상회|초과)"
    r"|(?P<at_most_v>밑도는|밑돈|하회))"
    r")"
)

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[일이삼사오육칠팔구]|[십백천]|[만억조경]|.")


def parse_korean_decimal(s: str) -> Decimal | None:
    """Parse a Korean number exactly, as a :class:`~decimal.Decimal`.

    Args:
        s: The number text, e.g. ``"1조8천3백억"``, ``"16조 4,000억"``,
            ``"3.5억"``, ``"이천억"``. Commas and spaces are ignored.

    Returns:
        The value, or ``None`` when ``s`` is not a well-formed number (other
        characters such as ``"두 자리"``, big units out of order such as
        ``"3억5조"``, two literals in a row).

    Example:
        >>> parse_korean_decimal("1백11억4천3백만")
        Decimal('11143000000')
    """
    s = re.sub(r"\s+", "", s or "")
    if not s:
        return None
    total = Decimal(0)
    group = Decimal(0)  # the part below the next big unit
    pending: Decimal | None = None  # a digit literal waiting for its unit
    last_small = 10**5  # small units must decrease inside a group
    last_big = 10**20  # big units must decrease
    seen_any = False
    for tok in _TOKEN.findall(s):
        if tok[0].isdigit():
            if pending is not None:
                return None
            if not re.fullmatch(ARABIC, tok):
                return None
            try:
                pending = Decimal(tok.replace(",", ""))
            except InvalidOperation:
                return None
        elif tok in SINO_DIGITS:
            if pending is not None:
                return None
            pending = Decimal(SINO_DIGITS[tok])
        elif tok in SMALL_UNITS:
            unit = SMALL_UNITS[tok]
            if unit >= last_small:
                return None
            group += (pending if pending is not None else 1) * unit
            pending, last_small = None, unit
        elif tok in BIG_UNITS:
            unit = BIG_UNITS[tok]
            if unit >= last_big:
                return None
            if pending is not None:
                group += pending
            total += (group if group else 1) * unit
            group, pending, last_big, last_small = Decimal(0), None, unit, 10**5
        else:
            return None
        seen_any = True
    if not seen_any:
        return None
    if pending is not None:
        group += pending
    return total + group


def parse_korean_number(s: str) -> float | None:
    """Parse a Korean number made of digits, Hangul numerals and large units.

    Args:
        s: The number text. Commas and spaces are ignored; ``만`` = 10^4,
            ``억`` = 10^8, ``조`` = 10^12; ``십/백/천`` multiply the digit before.

    Returns:
        The value as a float, or ``None`` when ``s`` is not a number.

    Example:
        >>> parse_korean_number("1조8천3백억")
        1830000000000.0
        >>> parse_korean_number("십오만")
        150000.0
        >>> parse_korean_number("두 자리") is None
        True
    """
    value = parse_korean_decimal(s)
    return None if value is None else float(value)


def parse_native_number(s: str) -> int | None:
    """Parse a native Korean numeral used with counters.

    Args:
        s: ``"한"``/``"하나"`` (1), ``"두"``/``"둘"`` (2), ``"세"`` (3), ...,
            ``"열"`` (10), ``"열두"`` (12), ``"스무"``/``"스물"`` (20),
            ``"스물한"`` (21), up to ``"아흔아홉"`` (99). Spaces are ignored.

    Returns:
        The value, or ``None`` when ``s`` is not a native numeral.

    Example:
        >>> parse_native_number("열두")
        12
    """
    s = re.sub(r"\s+", "", s or "")
    if not s:
        return None
    for tens_word, tens in sorted(_NATIVE_TENS.items(), key=lambda kv: -len(kv[0])):
        if s.startswith(tens_word):
            rest = s[len(tens_word):]
            if not rest:
                # 스무 only combines with a noun, never with a ones word.
                return tens
            if tens_word == "스무":
                return None
            ones = _NATIVE_ONES.get(rest)
            return None if ones is None else tens + ones
    return _NATIVE_ONES.get(s)


def parse_vague_number(s: str) -> tuple[int, int] | None:
    """Parse a vague order of magnitude into an inclusive integer range.

    ``수`` + unit means "some multiple" of that unit: 수백억 is between 100억 and
    999억 (10^10 .. 10^11-1). ``십수`` means eleven to nineteen of the unit, so
    its high end is 20 of it minus one. ``몇`` is read like ``수``.

    Args:
        s: ``"수백억"``, ``"수억"``, ``"수조"``, ``"수십"``, ``"십수억"``, ``"몇천만"``.

    Returns:
        ``(low, high)`` inclusive, or ``None`` when ``s`` is not vague or has
        no unit at all (a bare ``수`` says nothing about magnitude).

    Example:
        >>> parse_vague_number("수백억")
        (10000000000, 99999999999)
    """
    m = re.fullmatch(r"(십수|수|몇)([십백천])?([만억조])?", re.sub(r"\s+", "", s or ""))
    if not m or not (m.group(2) or m.group(3)):
        return None
    scale = SMALL_UNITS.get(m.group(2), 1) * BIG_UNITS.get(m.group(3), 1)
    if m.group(1) == "십수":
        return 11 * scale, 20 * scale - 1
    return scale, 10 * scale - 1


def has_unit(s: str) -> bool:
    """Tell whether a number text carries a unit character.

    Args:
        s: A number text such as ``"3"``, ``"2천"``, ``"5억"``.

    Returns:
        ``True`` when it contains 십/백/천/만/억/조/경.

    Example:
        >>> has_unit("2천"), has_unit("3")
        (True, False)
    """
    return bool(re.search("[십백천만억조경]", s))


def has_big_unit(s: str) -> bool:
    """Tell whether a number text carries 만/억/조/경.

    Args:
        s: A number text such as ``"2천"`` or ``"5억"``.

    Returns:
        ``True`` for ``"5억"``, ``False`` for ``"2천"``.

    Example:
        >>> has_big_unit("5억")
        True
    """
    return bool(re.search("[만억조경]", s))


def leading_scale(s: str) -> Decimal | None:
    """The place value of the first literal of a number.

    Used to carry the unit of a range's upper end to a bare lower end:
    in ``3~5억`` the ``5`` is worth 10^8 each, so ``3`` means 3억; in
    ``1~2천억`` the ``2`` is worth 10^11, so ``1`` means 1천억.

    Args:
        s: The upper end's number text, e.g. ``"2천억"``, ``"1억2000만"``.

    Returns:
        The multiplier of the first literal (``1`` when no unit follows it),
        or ``None`` when ``s`` does not start with a literal.

    Example:
        >>> leading_scale("2천억")
        Decimal('100000000000')
    """
    toks = [t for t in _TOKEN.findall(re.sub(r"\s+", "", s or ""))]
    if not toks or not (toks[0][0].isdigit() or toks[0] in SINO_DIGITS):
        return None
    scale = Decimal(SMALL_UNITS.get(toks[1], 1)) if len(toks) > 1 else Decimal(1)
    # The first big unit after the first literal scales it (2천억: 천 x 억).
    for tok in toks[1:]:
        if tok in BIG_UNITS:
            return scale * BIG_UNITS[tok]
    return scale
