"""Money expressions in Korean press text: ``200억원 이상``, ``5000억엔(약 5조3000억원)``.

:func:`find_money` returns every amount of money with its character offsets,
currency (ISO 4217), value in the currency's own units, a qualifier and, where it
can be known, the KRW value range (the CONTRACT's ``amount_krw_low``/``high``).

How an expression is read, in order:

1. *Cores*: a number (or a vague ``수백억``) with a currency word or sign:
   ``3억원``, ``15억 달러``, ``US$ 10``, ``5000억엔``, ``100여억원``, ``1조원대``.
   Without a currency word, a number in 억 or 조 right before an investing
   verb is won: ``(1500억 투자)``, ``2조가 투입된``.
2. *Ranges*: two cores joined by ``~ ∼ 〜 - –`` or ``A에서 B까지``, or a bare
   number before a core (``3~5억원``); the upper end's unit carries to a bare
   lower end (``3~5억원`` is 3억..5억, ``1~2천억원`` is 1천억..2천억).
3. *Qualifier words* around it: ``약 대략 최소 최대`` before; ``가량 정도 안팎 내외
   쯤 남짓 가까이 이상 초과 넘는 이하 미만 이내 까지`` after. They are part of the
   span; trailing particles (을 를 이 가 의 에 로 으로 은 는 도) are not.
4. *KRW conversion* of a foreign amount in parentheses:
   ``10억달러(한화 약 1조2000억원)``; the span covers the parentheses.

Known simplifications (documented choices, not accidents):

* ``초과`` (open bound) is read like ``이상`` (closed) as ``at_least``, and
  ``미만`` like ``이하`` as ``at_most``: the contract has no open/closed flag.
* ``N원대`` is a range ``[N, N + one step of N's last non-zero digit)``:
  ``1조원대`` is 10^12 .. 2*10^12-1, ``300억원대`` is 3*10^10 .. 4*10^10-1.
* An exact foreign amount whose KRW conversion says ``약`` is ``approx`` (the
  gold seeds record ``5000억엔(약 5조3000억원)`` that way).
* ``¥`` is read as JPY; ``파운드`` is always money (GBP), never weight.
* Qualifier words after a vague amount (``수백억원 이상``) are left out of the
  span: the vague range already says what is known.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import (
    NUMBER,
    NUMBER_FIRST,
    VAGUE_FIRST,
    PREFIX_QUALIFIER,
    PREFIX_QUALIFIERS,
    SUFFIX_QUALIFIER,
    VAGUE,
    has_big_unit,
    has_unit,
    leading_scale,
    parse_korean_decimal,
    parse_vague_number,
)

__all__ = ["Money", "find_money", "QUALIFIERS", "CURRENCIES"]

#: Valid values of :attr:`Money.qualifier`.
QUALIFIERS = ("exact", "approx", "at_least", "at_most", "range", "vague")
#: Currencies recognised, ISO 4217.
CURRENCIES = ("KRW", "USD", "JPY", "EUR", "CNY", "GBP")


@dataclass(frozen=True)
class Money:
    """One money expression found in a text.

    Attributes:
        start: Offset of the first character in the input (inclusive).
        end: Offset after the last character (exclusive); ``text == input[start:end]``.
        text: The surface form, e.g. ``"약 200억원"``, ``"5000억엔(약 5조3000억원)"``.
        currency: ISO 4217 code: KRW, USD, JPY, EUR, CNY or GBP.
        amount: The one value meant (exact, approx, at_least, at_most) in the
            currency's own units (원, 달러, 엔 ...); ``None`` for ranges and vague amounts.
        low: Lower end for ``range``/``vague`` (currency units), else ``None``.
        high: Upper end for ``range``/``vague`` (currency units), else ``None``.
        qualifier: One of :data:`QUALIFIERS`.
        krw_low: Lower end of the value in whole 원; ``None`` for at_most, and for
            a foreign amount without a KRW conversion in the text.
        krw_high: Upper end in whole 원; ``None`` for at_least (open-ended).
        krw_text: The KRW conversion's text (``"약 5조3000억원"``) or ``None``.
    """

    start: int
    end: int
    text: str
    currency: str
    amount: float | None
    low: float | None
    high: float | None
    qualifier: str
    krw_low: int | None
    krw_high: int | None
    krw_text: str | None = None

    def norm(self) -> dict:
        """The CONTRACT's MONEY ``norm``.

        Returns:
            ``{"currency", "amount", "low", "high", "qualifier"}``, amounts in
            the currency's own units.

        Example:
            >>> find_money("약 200억원")[0].norm()["amount"]
            20000000000.0
        """
        return {
            "currency": self.currency,
            "amount": self.amount,
            "low": self.low,
            "high": self.high,
            "qualifier": self.qualifier,
        }


# --- patterns ----------------------------------------------------------------
# Currency words after a number. A following syllable that would make another
# word is excluded: 원칙/원인/원자 are not 원, 엔진 is not 엔, 유로존 is not 유로,
# 위안부 is not 위안, 파운드리 (foundry) is not 파운드.
_SUFFIX_CURRENCY = {
    "KRW": r"원(?![칙자장소형전작고리본화숭료])|KRW",
    "USD": r"(?:미국\s?|미\s?)?달러(?:화)?|USD"
    # 불 is slang for dollars, but also a prefix (불법, 3불 정책): only after
    # 만/억/조 and as a whole word.
    r"|(?<=[만억조])\s?불(?![가-힣](?<![이을의은도로에]))",
    "JPY": r"엔화|엔(?![진터트씨지비딩드젤])|JPY",
    "EUR": r"유로화|유로(?![존파비스])|EUR",
    "CNY": r"위안화|위안(?![부소])|CNY",
    "GBP": r"파운드화|파운드(?!리)|GBP",
}
_PREFIX_CURRENCY = {
    "KRW": r"₩|￦|KRW",
    "USD": r"US\s?\$|\$|USD",
    "JPY": r"¥|￥|JPY",
    "EUR": r"€|EUR",
    "CNY": r"CNY|RMB",
    "GBP": r"£|GBP",
}
_ENGLISH_SCALE = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}

_AMOUNT = rf"(?:(?P<vague>{VAGUE})|(?P<num>{NUMBER}))"

_SUFFIX_CORE = re.compile(
    rf"(?=[미{NUMBER_FIRST}{VAGUE_FIRST}])(?:(?P<mihwa>미화)\s?)?{_AMOUNT}"
    # 100여억원 / 10억여원: 여 is "some more than", approx.
    rf"(?:\s?(?P<yeo>여)(?P<yeo_unit>\s?[십백천]?[만억조])?)?"
    rf"\s?(?P<cur>" + "|".join(f"(?P<s_{c}>{p})" for c, p in _SUFFIX_CURRENCY.items()) + ")"
    # 1조원대: a band; 대비/대출 are other words.
    r"(?P<dae>대(?![비출규형학회기]))?"
)
_PREFIX_CORE = re.compile(
    r"(?<![A-Za-z])(?P<cur>" + "|".join(f"(?P<p_{c}>{p})" for c, p in _PREFIX_CURRENCY.items()) + r")"
    rf"\s?{_AMOUNT}"
    r"(?:\s?(?P<eng>thousand|million|billion|trillion)(?![A-Za-z]))?"
)

# Press shorthand drops 원 before an investing verb: "(1500억 투자)", "2조가 투입된".
# Only amounts in 억/조 (a bare "30 투자" is no amount); the verb is not in the span.
_BARE_KRW_CORE = re.compile(
    rf"(?=[{NUMBER_FIRST}])(?:(?P<vague>(?!)))?(?P<num>{NUMBER})(?<=[억조])"
    r"(?=\s?(?:이|가|을|를|의|은|는)?\s?(?:투자(?![자가처])|투입|출자(?![자사])))"
)

# 에서 may be followed by 최고/최대 (최소 6만원에서 최고 600만원까지).
_SEP = r"(?P<sep>[~∼〜\-–]|에서(?:\s?(?:최고|최대))?)"
_BETWEEN = re.compile(rf"\s*{_SEP}\s*")
_LEFT_BARE = re.compile(
    rf"(?:(?P<vague>{VAGUE})|(?P<num>{NUMBER}))(?:\s?(?P<yeo>여))?\s*{_SEP}\s*\Z"
)
_PREFIX_WORD = re.compile(PREFIX_QUALIFIER + r"\Z")
_SUFFIX_WORD = re.compile(SUFFIX_QUALIFIER)
_UNTIL = re.compile(r"\s?까지")
_CONVERSION = re.compile(
    r"\s?\(\s*(?P<when>(?:당시|현재|현\s?환율(?:로|기준)?|발표\s?당시)\s*)?(?P<won>(?:한화|원화|우리\s?돈)(?:으로)?\s*)?"
    r"(?P<inner>[^()]{1,40}?)\s*\)"
)


# --- small helpers ------------------------------------------------------------
def _currency_of(m: re.Match) -> str:
    for name, value in m.groupdict().items():
        if value is not None and name[:2] in ("s_", "p_"):
            return name[2:]
    return "KRW"


def _operand(num_text: str | None, vague_text: str | None) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, low, high) of one number or vague amount; all ``None`` if unreadable."""
    if vague_text:
        rng = parse_vague_number(vague_text)
        if rng is None:
            return None, None, None
        return None, Decimal(rng[0]), Decimal(rng[1])
    value = parse_korean_decimal(num_text or "")
    if value is None:
        return None, None, None
    # A number of Hangul numerals alone needs a unit: 이원, 일원 are words.
    if not re.search(r"\d", num_text) and not has_unit(num_text):
        return None, None, None
    return value, None, None


def _band(value: Decimal) -> tuple[Decimal, Decimal]:
    """``N원대``: from N up to one step of N's last non-zero digit, exclusive."""
    digits = value.normalize().as_tuple()
    step = Decimal(1).scaleb(digits.exponent)
    return value, value + step - (1 if step >= 1 else 0)


def _as_int(x: Decimal | None) -> int | None:
    return None if x is None else int(x.to_integral_value())


def _as_float(x: Decimal | None) -> float | None:
    return None if x is None else float(x)


@dataclass
class _Draft:
    """A money expression being assembled (mutable; frozen into :class:`Money`)."""

    start: int
    end: int
    currency: str
    value: Decimal | None
    low: Decimal | None
    high: Decimal | None
    qualifier: str
    krw_low: Decimal | None = None
    krw_high: Decimal | None = None
    krw_text: str | None = None


def _read_core(m: re.Match) -> _Draft | None:
    """Turn one core match into a draft, or ``None`` when its number is unreadable."""
    value, low, high = _operand(m.group("num"), m.group("vague"))
    if value is None and low is None:
        return None
    currency = _currency_of(m)
    qualifier = "vague" if low is not None else "exact"
    gd = m.groupdict()
    if value is not None:
        if gd.get("yeo_unit"):
            # 4억8500여만원: the unit after 여 belongs to the last group only.
            value = parse_korean_decimal(m.group("num") + gd["yeo_unit"].strip())
            if value is None:
                return None
        if gd.get("eng"):
            value *= _ENGLISH_SCALE[gd["eng"]]
        if gd.get("yeo"):
            qualifier = "approx"
        if gd.get("dae"):
            low, high = _band(value)
            value, qualifier = None, "range"
    return _Draft(m.start(), m.end(), currency, value, low, high, qualifier)


def _merge_range(a: _Draft, b: _Draft, end: int) -> _Draft:
    """A range from two drafts of the same currency, ``a`` before ``b``."""
    low = a.value if a.value is not None else a.low
    high = b.value if b.value is not None else b.high
    return _Draft(a.start, end, b.currency, None, low, high, "range")


def _range_end(text: str, sep: str, end: int) -> int | None:
    """Where a range ends: ``A에서 B`` needs ``까지`` after B (else it is a change,
    ``2억원에서 5억원으로``), which then belongs to the span."""
    if not sep.startswith("에서"):
        return end
    until = _UNTIL.match(text, end)
    return until.end() if until else None


def _range_with_next(text: str, d: _Draft, m: re.Match, nxt: re.Match) -> _Draft | None:
    """A range of two cores of one currency: ``3억원~5억원``, ``3억원에서 5억원까지``."""
    sep = _BETWEEN.fullmatch(text, m.end(), nxt.start())
    if sep is None or d.qualifier == "range":
        return None
    e = _read_core(nxt)
    if e is None or e.currency != d.currency or e.qualifier == "range":
        return None
    end = _range_end(text, sep.group("sep"), e.end)
    return None if end is None else _merge_range(d, e, end)


def _bare_left(text: str, core: _Draft, core_m: re.Match, floor: int) -> _Draft | None:
    """A range whose lower end is a bare number before the core: ``3~5억원``."""
    m = _LEFT_BARE.search(text, max(floor, core.start - 40), core.start)
    if not m:
        return None
    end = _range_end(text, m.group("sep"), core.end)
    if end is None:
        return None
    value, low, _ = _operand(m.group("num"), m.group("vague"))
    if value is None and low is None:
        return None
    b_num = core_m.group("num")
    if value is not None and b_num:
        # Carry the upper end's unit to a bare lower end (3~5억원, 2천~3천억원).
        if not has_unit(m.group("num")):
            value *= leading_scale(b_num) or 1
        elif not has_big_unit(m.group("num")) and has_big_unit(b_num):
            big = re.search("[만억조]", b_num).group()
            value *= Decimal(parse_korean_decimal("1" + big))
    a = _Draft(m.start(), m.end(), core.currency, value, low, None, "exact")
    high = core.value if core.value is not None else core.high
    if a.value is not None and high is not None and a.value > high:
        # 2021-3억원 is not a range: the lower end would exceed the upper.
        return None
    return _merge_range(a, core, end)


def _apply_prefix(text: str, d: _Draft, floor: int) -> None:
    """Take a qualifier word before the draft (약, 최소, 최대) into it; a bound beats 약."""
    m = _PREFIX_WORD.search(text, max(floor, d.start - 6), d.start)
    if not m:
        return
    d.start = m.start()
    qual = PREFIX_QUALIFIERS[m.group("w")]
    if d.qualifier == "exact" or (d.qualifier == "approx" and qual != "approx"):
        d.qualifier = qual


def _apply_suffix(text: str, d: _Draft) -> bool:
    """Take a qualifier word after the draft (가량, 이상, 미만 ...) into it.

    Returns ``True`` when one was found, so the caller does not look twice.
    """
    if d.qualifier in ("vague", "range"):
        return False
    m = _SUFFIX_WORD.match(text, d.end)
    if not m:
        return False
    qual = m.lastgroup.removesuffix("_v")
    d.end = m.end()
    if d.qualifier == "exact" or (d.qualifier == "approx" and qual != "approx"):
        d.qualifier = qual
    return True


def _apply_conversion(text: str, d: _Draft) -> None:
    """Adopt a parenthesised KRW conversion of a foreign amount."""
    if d.currency == "KRW":
        return
    m = _CONVERSION.match(text, d.end)
    if not m:
        return
    inner = m.group("inner")
    found = _scan(inner)
    if not found and m.group("won"):
        # 한화 says the currency, the number may omit 원: (한화 약 16만).
        found = _scan(inner + "원")
        if found and found[0].end == len(inner) + 1:
            found[0].end -= 1
    if len(found) != 1 or found[0].currency != "KRW":
        return
    k = found[0]
    # The conversion must be the whole inner text, not one number among others.
    if inner[: k.start].strip() or inner[k.end:].strip():
        return
    d.end = m.end()
    d.krw_low, d.krw_high = _krw_range(k)
    # the foreign amount's own bound holds for its conversion: 최대 650억 달러(약 90조원)
    if d.qualifier == "at_most":
        d.krw_low, d.krw_high = None, d.krw_high if d.krw_high is not None else d.krw_low
    elif d.qualifier == "at_least":
        d.krw_low, d.krw_high = d.krw_low if d.krw_low is not None else d.krw_high, None
    d.krw_text = inner[k.start:k.end]
    if k.qualifier == "approx" and d.qualifier == "exact":
        d.qualifier = "approx"


def _krw_range(d: _Draft) -> tuple[Decimal | None, Decimal | None]:
    """The KRW value range of a KRW draft, by the contract's rules."""
    if d.qualifier in ("range", "vague"):
        return d.low, d.high
    if d.qualifier == "at_least":
        return d.value, None
    if d.qualifier == "at_most":
        return None, d.value
    return d.value, d.value


def _scan(text: str) -> list[_Draft]:
    """All money drafts of ``text``, non-overlapping, in order."""
    matches = sorted(
        list(_SUFFIX_CORE.finditer(text)) + list(_PREFIX_CORE.finditer(text)) + list(_BARE_KRW_CORE.finditer(text)),
        key=lambda m: (m.start(), -m.end()),
    )
    drafts: list[_Draft] = []
    floor = 0
    i = 0
    while i < len(matches):
        m = matches[i]
        i += 1
        if m.start() < floor:
            continue
        d = _read_core(m)
        if d is None:
            continue
        nxt = next((n for n in matches[i:] if n.start() >= m.end()), None)
        r = _range_with_next(text, d, m, nxt) if nxt is not None else None
        if r is not None:
            i = matches.index(nxt) + 1
        else:
            r = _bare_left(text, d, m, floor)
        d = r or d
        _apply_prefix(text, d, floor)
        had_suffix = _apply_suffix(text, d)
        _apply_conversion(text, d)
        if not had_suffix and _apply_suffix(text, d) and d.krw_text is not None:
            # "1억 달러(1150억원) 이상": the bound after the conversion holds for both
            if d.qualifier == "at_least":
                d.krw_high = None
            elif d.qualifier == "at_most":
                d.krw_low = None
        if d.currency == "KRW":
            d.krw_low, d.krw_high = _krw_range(d)
        drafts.append(d)
        floor = d.end
    return drafts


def find_money(text: str) -> list[Money]:
    """Find every money expression in a text.

    Args:
        text: Any Korean text (a sentence, a paragraph, a whole article).

    Returns:
        Non-overlapping :class:`Money` records sorted by ``start``; offsets are
        Python ``str`` character offsets into ``text``, end exclusive. Amounts
        are in the currency's own units (원, 달러, 엔, 유로, 위안, 파운드); KRW
        ranges in whole 원. Counts of people or things (``3억 명``), percentages,
        years and phone numbers are not money and are not returned.

    Example:
        >>> [m.text for m in find_money("연구비로 200억원 이상을 쓴다")]
        ['200억원 이상']
        >>> m = find_money("5000억엔(약 5조3000억원) 규모")[0]
        >>> (m.currency, m.amount, m.krw_low, m.qualifier)
        ('JPY', 500000000000.0, 5300000000000, 'approx')
    """
    return list(_find_money(text))


@functools.lru_cache(maxsize=64)
def _find_money(text: str) -> tuple[Money, ...]:
    # an article is scanned by the rules, the count finder and the model's MONEY
    # spans; Money is frozen, so the scans of one text can be shared
    out = []
    for d in _scan(text):
        out.append(
            Money(
                start=d.start,
                end=d.end,
                text=text[d.start:d.end],
                currency=d.currency,
                amount=_as_float(d.value) if d.qualifier not in ("range", "vague") else None,
                low=_as_float(d.low) if d.qualifier in ("range", "vague") else None,
                high=_as_float(d.high) if d.qualifier in ("range", "vague") else None,
                qualifier=d.qualifier,
                krw_low=_as_int(d.krw_low),
                krw_high=_as_int(d.krw_high),
                krw_text=d.krw_text,
            )
        )
    return tuple(out)
