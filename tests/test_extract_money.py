"""Tests of models.extract.money (and the number parsing it relies on).

Every sentence here is written for these tests; none is copied from an article.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from models.extract.money import CURRENCIES, QUALIFIERS, Money, find_money
from models.extract.numbers import (
    leading_scale,
    parse_korean_number,
    parse_native_number,
    parse_vague_number,
)

WIKINEWS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"


# --- numbers ----------------------------------------------------------------
@pytest.mark.parametrize(
    "text,expected",
    [
        ("1조8천3백억", 1.83e12),
        ("16조 4,000억", 1.64e13),
        ("1백11억4천3백만", 11_143_000_000),
        ("5조3000억", 5.3e12),
        ("3.5억", 3.5e8),
        ("이천억", 2e11),
        ("십오만", 150_000),
        ("1,200", 1200),
        ("2천 5백만", 25_000_000),
        ("76.1백만", 76_100_000),
        ("84만7천39", 847_039),
        ("두 자리", None),
        ("3억5조", None),
        ("", None),
    ],
)
def test_parse_korean_number(text, expected):
    assert parse_korean_number(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [("한", 1), ("하나", 1), ("두", 2), ("셋", 3), ("네", 4), ("다섯", 5), ("아홉", 9),
     ("열", 10), ("열두", 12), ("스무", 20), ("스물한", 21), ("서른다섯", 35), ("스무한", None), ("백", None)],
)
def test_parse_native_number(text, expected):
    assert parse_native_number(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [("수백억", (10**10, 10**11 - 1)), ("수억", (10**8, 10**9 - 1)), ("수십", (10, 99)),
     ("수조", (10**12, 10**13 - 1)), ("십수억", (11 * 10**8, 20 * 10**8 - 1)), ("수", None)],
)
def test_parse_vague_number(text, expected):
    assert parse_vague_number(text) == expected


@pytest.mark.parametrize("text,expected", [("2천억", 10**11), ("5억", 10**8), ("200억", 10**8), ("1억2000만", 10**8), ("30", 1)])
def test_leading_scale(text, expected):
    assert leading_scale(text) == expected


# --- money --------------------------------------------------------------------
T = 10**12
E = 10**8

# (text, span text, currency, amount, low, high, qualifier, krw_low, krw_high)
CASES = [
    # plain KRW in every unit spelling
    ("회사는 1조8천3백억원을 쏟았다", "1조8천3백억원", "KRW", 1.83e12, None, None, "exact", 1_830_000_000_000, 1_830_000_000_000),
    ("예산 16조 4,000억원이 배정됐다", "16조 4,000억원", "KRW", 1.64e13, None, None, "exact", 16_400_000_000_000, 16_400_000_000_000),
    ("총 1백11억4천3백만원을 모았다", "1백11억4천3백만원", "KRW", 11_143_000_000, None, None, "exact", 11_143_000_000, 11_143_000_000),
    ("3.5억원짜리 장비", "3.5억원", "KRW", 3.5e8, None, None, "exact", 350_000_000, 350_000_000),
    ("이천억원의 손실", "이천억원", "KRW", 2e11, None, None, "exact", 2 * 10**11, 2 * 10**11),
    ("입장료는 5천원이다", "5천원", "KRW", 5000, None, None, "exact", 5000, 5000),
    ("상금 300만 원을 받았다", "300만 원", "KRW", 3e6, None, None, "exact", 3_000_000, 3_000_000),
    ("₩12,500에 판다", "₩12,500", "KRW", 12500, None, None, "exact", 12500, 12500),
    ("오만원을 건넸다", "오만원", "KRW", 50000, None, None, "exact", 50000, 50000),
    # approximations
    ("약 200억원이 들었다", "약 200억원", "KRW", 2e10, None, None, "approx", 2 * 10**10, 2 * 10**10),
    ("대략 40억원을 썼다", "대략 40억원", "KRW", 4e9, None, None, "approx", 4 * 10**9, 4 * 10**9),
    ("피해액은 70억원 가량이다", "70억원 가량", "KRW", 7e9, None, None, "approx", 7 * 10**9, 7 * 10**9),
    ("비용은 9억원가량으로 본다", "9억원가량", "KRW", 9e8, None, None, "approx", 9 * 10**8, 9 * 10**8),
    ("매출 2조원 안팎을 예상", "2조원 안팎", "KRW", 2e12, None, None, "approx", 2 * T, 2 * T),
    ("6천억원 내외의 자금", "6천억원 내외", "KRW", 6e11, None, None, "approx", 6 * 10**11, 6 * 10**11),
    ("30억원쯤 필요하다", "30억원쯤", "KRW", 3e9, None, None, "approx", 3 * 10**9, 3 * 10**9),
    ("총 4억원 정도를 쓴다", "4억원 정도", "KRW", 4e8, None, None, "approx", 4 * E, 4 * E),
    ("150여억원을 들여", "150여억원", "KRW", 1.5e10, None, None, "approx", 15 * 10**9, 15 * 10**9),
    ("80억여원이 남았다", "80억여원", "KRW", 8e9, None, None, "approx", 8 * 10**9, 8 * 10**9),
    # bounds
    ("연구에 200억원 이상을 투자할 계획", "200억원 이상", "KRW", 2e10, None, None, "at_least", 2 * 10**10, None),
    ("손실이 90억원을 초과했다", "90억원을 초과", "KRW", 9e9, None, None, "at_least", 9 * 10**9, None),
    ("가치가 3조원이 넘는 회사", "3조원이 넘는", "KRW", 3e12, None, None, "at_least", 3 * T, None),
    ("최소 8억원을 받는다", "최소 8억원", "KRW", 8e8, None, None, "at_least", 8 * E, None),
    ("벌금 500만원 이하에 처한다", "500만원 이하", "KRW", 5e6, None, None, "at_most", None, 5_000_000),
    ("지원은 1억원 미만이다", "1억원 미만", "KRW", 1e8, None, None, "at_most", None, E),
    ("한 곳당 2억원까지 준다", "2억원까지", "KRW", 2e8, None, None, "at_most", None, 2 * E),
    ("최대 12억원을 보상", "최대 12억원", "KRW", 1.2e9, None, None, "at_most", None, 12 * E),
    # ranges
    ("건당 3억~5억원이 든다", "3억~5억원", "KRW", None, 3e8, 5e8, "range", 3 * E, 5 * E),
    ("3~5억원을 모은다", "3~5억원", "KRW", None, 3e8, 5e8, "range", 3 * E, 5 * E),
    ("2천억~3천억원 규모", "2천억~3천억원", "KRW", None, 2e11, 3e11, "range", 2 * 10**11, 3 * 10**11),
    ("1~2천억원을 조달", "1~2천억원", "KRW", None, 1e11, 2e11, "range", 10**11, 2 * 10**11),
    ("5천만∼1억원 사이", "5천만∼1억원", "KRW", None, 5e7, 1e8, "range", 5 * 10**7, E),
    ("7억원〜9억원의 예산", "7억원〜9억원", "KRW", None, 7e8, 9e8, "range", 7 * E, 9 * E),
    ("가격은 40-60만원", "40-60만원", "KRW", None, 4e5, 6e5, "range", 400_000, 600_000),
    ("6억에서 8억원까지 준다", "6억에서 8억원까지", "KRW", None, 6e8, 8e8, "range", 6 * E, 8 * E),
    ("2억원에서 4억원까지 지원한다", "2억원에서 4억원까지", "KRW", None, 2e8, 4e8, "range", 2 * E, 4 * E),
    ("1조원대 매출을 올렸다", "1조원대", "KRW", None, 1e12, 2e12 - 1, "range", T, 2 * T - 1),
    ("300억원대의 계약", "300억원대", "KRW", None, 3e10, 4e10 - 1, "range", 3 * 10**10, 4 * 10**10 - 1),
    # vague
    ("수백억원 규모의 투자", "수백억원", "KRW", None, 1e10, 1e11 - 1, "vague", 10**10, 10**11 - 1),
    ("수십억원을 잃었다", "수십억원", "KRW", None, 1e9, 1e10 - 1, "vague", 10**9, 10**10 - 1),
    ("수천억원이 오간다", "수천억원", "KRW", None, 1e11, 1e12 - 1, "vague", 10**11, T - 1),
    ("수조원을 쏟아붓는다", "수조원", "KRW", None, 1e12, 1e13 - 1, "vague", T, 10 * T - 1),
    ("수억원의 빚", "수억원", "KRW", None, 1e8, 1e9 - 1, "vague", E, 10**9 - 1),
    ("수십만원씩 낸다", "수십만원", "KRW", None, 1e5, 1e6 - 1, "vague", 100_000, 999_999),
    # foreign currencies
    ("15억 달러를 유치했다", "15억 달러", "USD", 1.5e9, None, None, "exact", None, None),
    ("US$ 3.2를 받는다", "US$ 3.2", "USD", 3.2, None, None, "exact", None, None),
    ("$40 million을 모았다", "$40 million", "USD", 4e7, None, None, "exact", None, None),
    ("20억 미국 달러 규모", "20억 미국 달러", "USD", 2e9, None, None, "exact", None, None),
    ("미화 7억달러를 들여", "미화 7억달러", "USD", 7e8, None, None, "exact", None, None),
    ("300 USD를 냈다", "300 USD", "USD", 300, None, None, "exact", None, None),
    ("40억엔을 빌렸다", "40억엔", "JPY", 4e9, None, None, "exact", None, None),
    ("엔화 대신 900억 엔화로", "900억 엔화", "JPY", 9e10, None, None, "exact", None, None),
    ("6억 유로를 지원", "6억 유로", "EUR", 6e8, None, None, "exact", None, None),
    ("€250에 팔린다", "€250", "EUR", 250, None, None, "exact", None, None),
    ("80억 위안화를 들여", "80억 위안화", "CNY", 8e9, None, None, "exact", None, None),
    ("12억위안 규모", "12억위안", "CNY", 1.2e9, None, None, "exact", None, None),
    ("5천만 파운드를 유치", "5천만 파운드", "GBP", 5e7, None, None, "exact", None, None),
    ("£90를 냈다", "£90", "GBP", 90, None, None, "exact", None, None),
    ("수억 달러가 오갔다", "수억 달러", "USD", None, 1e8, 1e9 - 1, "vague", None, None),
    # foreign with the article's own KRW conversion
    ("7000억엔(약 6조6000억원) 규모의 인수", "7000억엔(약 6조6000억원)", "JPY", 7e11, None, None, "approx", 6_600_000_000_000, 6_600_000_000_000),
    ("20억달러(한화 약 2조6000억원)를 조달", "20억달러(한화 약 2조6000억원)", "USD", 2e9, None, None, "approx", 2_600_000_000_000, 2_600_000_000_000),
    ("3억 유로(4200억원)를 받는다", "3억 유로(4200억원)", "EUR", 3e8, None, None, "exact", 420_000_000_000, 420_000_000_000),
    ("10억 달러 이상(약 1조3000억원)", "10억 달러 이상(약 1조3000억원)", "USD", 1e9, None, None, "at_least", 1_300_000_000_000, None),
]


@pytest.mark.parametrize("text,span,currency,amount,low,high,qualifier,krw_low,krw_high", CASES)
def test_find_money(text, span, currency, amount, low, high, qualifier, krw_low, krw_high):
    found = find_money(text)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start:m.end] == m.text == span
    assert (m.currency, m.qualifier) == (currency, qualifier)
    assert m.amount == (None if amount is None else pytest.approx(amount))
    assert m.low == (None if low is None else pytest.approx(low))
    assert m.high == (None if high is None else pytest.approx(high))
    assert (m.krw_low, m.krw_high) == (krw_low, krw_high)


NEGATIVES = [
    "가입자가 3억 명을 넘었다",
    "거래가 2억 건에 달한다",
    "1억 화소 카메라를 달았다",
    "점유율이 35% 늘었다",
    "2021년 3월에 문을 열었다",
    "문의는 02-1234-5678로 하면 된다",
    "세 가지 원칙 중 제1원칙은 안전이다",
    "엔진 3개를 새로 달았다",
    "파운드리 2나노 공정",
    "위안부 문제를 다뤘다",
    "유로 6 엔진을 얹었다",
    "만원 버스에 올랐다",
    "그것이 만들어진 이유",
    "상금 800만 크로네",
    "3불 정책을 유지한다",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_money(text):
    assert find_money(text) == []


# Real-world *patterns* seen in Korean Wikinews, rewritten with new words and numbers.
PATTERNS = [
    # spaced big-unit chunks, commas after a big unit
    ("보상금 2억 3,150만원이 나온다", "2억 3,150만원", "KRW", 231_500_000, "exact", 231_500_000, 231_500_000),
    ("사업에 7조 1,000억 원을 댄다", "7조 1,000억 원", "KRW", 7.1e12, "exact", 7_100_000_000_000, 7_100_000_000_000),
    # spaced small units inside a group
    ("양측은 3천 2백만 원을 물었다", "3천 2백만 원", "KRW", 32_000_000, "exact", 32_000_000, 32_000_000),
    ("손실이 6천 8백 20만원에 이른다", "6천 8백 20만원", "KRW", 68_200_000, "exact", 68_200_000, 68_200_000),
    ("전년 82.3백만원보다", "82.3백만원", "KRW", 82_300_000, "exact", 82_300_000, 82_300_000),
    ("월평균 12만307원을 낸다", "12만307원", "KRW", 120_307, "exact", 120_307, 120_307),
    ("평균 38만 2천원을 쓴다", "38만 2천원", "KRW", 382_000, "exact", 382_000, 382_000),
    # 여 inside a number and before a unit
    ("12억 4천여만원이 빠졌다", "12억 4천여만원", "KRW", 1_240_000_000, "approx", 1_240_000_000, 1_240_000_000),
    ("자금 3억6700여 만 원을 옮겼다", "3억6700여 만 원", "KRW", 367_000_000, "approx", 367_000_000, 367_000_000),
    ("모두 237억여 원으로 집계", "237억여 원", "KRW", 23_700_000_000, "approx", 23_700_000_000, 23_700_000_000),
    ("세계 시장은 50여조 원이다", "50여조 원", "KRW", 5e13, "approx", 50 * T, 50 * T),
    # decimal won (unit prices)
    ("단가는 Mcal당 21.345원이다", "21.345원", "KRW", 21.345, "exact", 21, 21),
    # bounds with particles and verbs
    ("시가 25억원이 넘는 물량", "25억원이 넘는", "KRW", 2.5e9, "at_least", 2_500_000_000, None),
    ("요금 350원을 초과하는 금액", "350원을 초과", "KRW", 350, "at_least", 350, None),
    ("값이 8000원을 넘어섰다", "8000원을 넘어", "KRW", 8000, "at_least", 8000, None),
    ("주민 한 명당 1,200만 원 가까이 돌아간다", "1,200만 원 가까이", "KRW", 1.2e7, "approx", 12_000_000, 12_000_000),
    ("2억 불 이상의 매출", "2억 불 이상", "USD", 2e8, "at_least", None, None),
    ("대략 21000원 정도를 낸다", "대략 21000원 정도", "KRW", 21000, "approx", 21000, 21000),
    ("1인당 최대 310만 4210원까지 돌려받는다", "최대 310만 4210원까지", "KRW", 3_104_210, "at_most", None, 3_104_210),
    # foreign amount with conversions, also without 원
    ("정가 2만4천엔(한화 약 23만)으로", "2만4천엔(한화 약 23만)", "JPY", 24000, "approx", 230_000, 230_000),
    ("한 끼에 20위안(약 3,400원)을 받는다", "20위안(약 3,400원)", "CNY", 20, "approx", 3400, 3400),
]


@pytest.mark.parametrize("text,span,currency,amount,qualifier,krw_low,krw_high", PATTERNS)
def test_wikinews_patterns(text, span, currency, amount, qualifier, krw_low, krw_high):
    found = find_money(text)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start:m.end] == m.text == span
    assert (m.currency, m.qualifier) == (currency, qualifier)
    assert m.amount == pytest.approx(amount)
    assert (m.krw_low, m.krw_high) == (krw_low, krw_high)


RANGE_PATTERNS = [
    ("수수료는 3~4만원 정도다", "3~4만원", 30_000, 40_000),
    ("시세는 8~9조 원대로 본다", "8~9조 원대", 8 * T, 10 * T - 1),
    ("감정가는 15~60억원선이다", "15~60억원", 15 * 10**8, 60 * 10**8),
    ("월급은 600~700만원이었다", "600~700만원", 6_000_000, 7_000_000),
    ("적게는 40만원대로 팔렸다", "적게는 40만원대", 400_000, 499_999),
    ("학점에 따라 최소 3만 원에서 최고 300만 원까지 걷는다", "최소 3만 원에서 최고 300만 원까지", 30_000, 3_000_000),
]


@pytest.mark.parametrize("text,span,krw_low,krw_high", RANGE_PATTERNS)
def test_wikinews_range_patterns(text, span, krw_low, krw_high):
    (m,) = find_money(text)
    assert text[m.start:m.end] == m.text == span
    assert m.qualifier == "range"
    assert (m.krw_low, m.krw_high) == (krw_low, krw_high)
    assert m.amount is None and m.low <= m.high


def test_two_amounts_in_one_sentence():
    text = "4조2천억원보다 2조9천억원 늘었고, 2억원에서 5억원으로 올렸다"
    found = find_money(text)
    assert [m.text for m in found] == ["4조2천억원", "2조9천억원", "2억원", "5억원"]
    assert all(text[m.start:m.end] == m.text for m in found)
    assert [m.start for m in found] == sorted(m.start for m in found)


def test_bounded_survey_brackets():
    text = "‘20만원 이상 40만원 미만’이 가장 많았다"
    found = find_money(text)
    assert [(m.text, m.qualifier) for m in found] == [("20만원 이상", "at_least"), ("40만원 미만", "at_most")]


def test_particles_stay_outside_the_span():
    for particle in ("을", "를", "이", "가", "의", "에", "로", "으로", "은", "는", "도"):
        text = f"총 5억원{particle} 썼다"
        (m,) = find_money(text)
        assert m.text == "5억원"


def test_norm_matches_contract():
    (m,) = find_money("수백억원 규모")
    assert m.norm() == {"currency": "KRW", "amount": None, "low": 1e10, "high": 1e11 - 1, "qualifier": "vague"}
    (m,) = find_money("약 200억원")
    assert m.norm() == {"currency": "KRW", "amount": 2e10, "low": None, "high": None, "qualifier": "approx"}


def test_money_is_frozen():
    (m,) = find_money("3억원")
    with pytest.raises(Exception):
        m.amount = 1.0  # type: ignore[misc]


def _sane(text: str, m: Money) -> bool:
    """Structural sanity of one record; value accuracy is checked by hand."""
    if text[m.start:m.end] != m.text or m.currency not in CURRENCIES or m.qualifier not in QUALIFIERS:
        return False
    if m.qualifier in ("range", "vague"):
        return m.amount is None and m.low is not None and m.high is not None and 0 < m.low <= m.high
    if m.amount is None or m.amount <= 0:
        return False
    for k in (m.krw_low, m.krw_high):
        if k is not None and not (0 <= k < 10**16):
            return False
    if m.currency == "KRW" and m.qualifier in ("exact", "approx"):
        return m.krw_low == m.krw_high == round(m.amount)
    return True


@pytest.mark.skipif(not WIKINEWS.exists(), reason="../shared corpus not available")
def test_wikinews_money_sanity(capsys):
    found = []
    for line in WIKINEWS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        found.extend((text, m) for m in find_money(text))
    sane = sum(_sane(t, m) for t, m in found)
    with capsys.disabled():
        print(f"\nwikinews: {len(found)} money expressions, {sane} structurally sane")
        for text, m in random.Random(0).sample(found, min(10, len(found))):
            print(f"  {m.text!r:40} {m.currency} {m.amount or (m.low, m.high)} {m.qualifier}")
    assert len(found) >= 150
    assert sane == len(found)
