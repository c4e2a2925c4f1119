"""Tests of models.extract.counts.

Every sentence here is written for these tests; none is copied from an article.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.extract.counts import Count, find_counts

WIKINEWS = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"

# (text, span text, value, unit, qualifier, low, high)
CASES = [
    ("올해 학회에서 66건의 논문을 냈다", "66건", 66, "건", "exact", None, None),
    ("총 17의 논문이 뽑혔다", "17", 17, "", "exact", None, None),
    ("논문 12개가 채택됐다", "12개", 12, "개", "exact", None, None),
    ("그중 1건이 상을 받았다", "1건", 1, "건", "exact", None, None),
    ("연구원 100여 명이 모였다", "100여 명", 100, "명", "approx", None, None),
    ("지사 20여곳을 열었다", "20여곳", 20, "곳", "approx", None, None),
    ("관객 400명 이상이 왔다", "400명 이상", 400, "명", "at_least", None, None),
    ("참가자가 50명을 넘는 행사", "50명을 넘는", 50, "명", "at_least", None, None),
    ("약 30명이 다쳤다", "약 30명", 30, "명", "approx", None, None),
    ("최대 5개까지 낼 수 있다", "최대 5개까지", 5, "개", "at_most", None, None),
    ("후보는 10곳 미만이다", "10곳 미만", 10, "곳", "at_most", None, None),
    ("수십개의 논문을 실었다", "수십개", None, "개", "vague", 10, 99),
    ("수백 명이 몰렸다", "수백 명", None, "명", "vague", 100, 999),
    ("두 자리 수의 논문이 실렸다", "두 자리 수", None, "", "vague", 10, 99),
    ("매출이 두 자릿수로 늘었다", "두 자릿수", None, "", "vague", 10, 99),
    ("매년 1~2건을 냈다", "1~2건", None, "건", "range", 1, 2),
    ("팀원 10-20명이 합류", "10-20명", None, "명", "range", 10, 20),
    ("한두 건에 그쳤다", "한두 건", None, "건", "range", 1, 2),
    ("학회에 세 편을 보냈다", "세 편", 3, "편", "exact", None, None),
    ("전국 열두 곳에서 열린다", "열두 곳", 12, "곳", "exact", None, None),
    ("지원서를 한개만 받는다", "한개", 1, "개", "exact", None, None),
    ("100회 이상 공연했다", "100회 이상", 100, "회", "at_least", None, None),
    ("누적 2253회 운행", "2253회", 2253, "회", "exact", None, None),
    ("통산 55회 우승", "55회", 55, "회", "exact", None, None),
    ("세계 10위에 올랐다", "10위", 10, "위", "exact", None, None),
    ("점유율이 40% 늘었다", "40%", 40, "%", "exact", None, None),
    ("지수가 -2.4% 내렸다", "-2.4%", -2.4, "%", "exact", None, None),
    ("격차가 3.5%p 벌어졌다", "3.5%p", 3.5, "%p", "exact", None, None),
    ("국내 100대 기업", "100대", 100, "대", "exact", None, None),
    ("회원국 30개국이 모였다", "30개국", 30, "개국", "exact", None, None),
    ("실적이 2배 이상 뛰었다", "2배 이상", 2, "배", "at_least", None, None),
    ("3년 연속 흑자", "3년", 3, "년", "exact", None, None),
    ("이용자 3억 명을 모았다", "3억 명", 300_000_000, "명", "exact", None, None),
    ("유물 4만 2천여 점이 나왔다", "4만 2천여 점", 42_000, "점", "approx", None, None),
]


@pytest.mark.parametrize("text,span,value,unit,qualifier,low,high", CASES)
def test_find_counts(text, span, value, unit, qualifier, low, high):
    found = find_counts(text)
    assert len(found) == 1, found
    c = found[0]
    assert text[c.start:c.end] == c.text == span
    assert (c.value, c.unit, c.qualifier, c.low, c.high) == (value, unit, qualifier, low, high)


NEGATIVES = [
    "GPT-3 모델을 공개했다",
    "H5-지수가 올랐다",
    "5G 통신망을 깔았다",
    "3D 비전 기술",
    "ICLR 2022에서 발표했다",
    "ICLR 2022의 논문 목록",
    "2021년 11월 30일에 열린다",
    "'21년 실적을 보면",
    "1990년대에 세웠다",
    "3억원을 투자했다",
    "12억 달러를 모았다",
    "제3회 대회가 열렸다",
    "한편 회사는 입장을 냈다",
    "세대 교체가 이뤄졌다",
    "건설 경기가 나빠졌다",
    "오후 10시 30분에 끝났다",
    "v2.1 버전을 내놨다",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_not_counts(text):
    assert find_counts(text) == []


def test_two_counts_with_arrow():
    text = "논문이 작년 1건→올해 12건으로 늘었다"
    found = find_counts(text)
    assert [(c.text, c.value) for c in found] == [("1건", 1), ("12건", 12)]
    assert all(text[c.start:c.end] == c.text for c in found)


def test_money_is_not_counted_but_people_are():
    text = "3억원을 들여 연구원 40명을 뽑고 논문 5편을 냈다"
    assert [(c.text, c.unit) for c in find_counts(text)] == [("40명", "명"), ("5편", "편")]


def test_year_after_venue_is_not_a_count_but_the_papers_are():
    text = "NeurIPS 2021에서 총 22개 논문이 채택됐다"
    assert [(c.text, c.value) for c in find_counts(text)] == [("22개", 22)]


def test_count_is_frozen():
    (c,) = find_counts("12개")
    assert isinstance(c, Count)
    with pytest.raises(Exception):
        c.value = 3  # type: ignore[misc]


@pytest.mark.skipif(not WIKINEWS.exists(), reason="../shared corpus not available")
def test_wikinews_counts_are_consistent():
    n = 0
    for line in WIKINEWS.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        found = find_counts(text)
        assert [c.start for c in found] == sorted(c.start for c in found)
        for a, b in zip(found, found[1:]):
            assert a.end <= b.start
        for c in found:
            n += 1
            assert text[c.start:c.end] == c.text
            if c.qualifier in ("range", "vague"):
                assert c.value is None and c.low <= c.high
            else:
                assert c.value is not None
            # No 4-digit year is ever a count of 년.
            assert not (c.unit == "년" and c.value and 1000 <= c.value <= 2999)
    assert n > 500
