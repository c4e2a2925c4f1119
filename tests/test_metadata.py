"""Article metadata on news nobody tuned on: the dateline's date, the record's publisher, ``pub_month``.

Every article here is made up for the test (outlets, people and numbers are fictional).
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from models.analyse import failure_record
from models.clean import clean_article, find_dateline
from models.dates import parse_published_at
from models.schema import RawArticle, ingest_month, partition_month
from pipeline.ingest import IngestConfig, iter_articles, record_to_article
from pipeline.store import ParquetStore, read_table

KST = timezone(timedelta(hours=9))
INGESTED = datetime(2024, 5, 7, 8, 0, tzinfo=timezone.utc)

BODY = ("가상전자는 새 음성 인식 칩을 내놓았다고 14일 밝혔다. 회사는 이 칩이 전력을 절반만 쓴다고 설명했다.\n\n"
        "회사는 다음 분기부터 국내 가전 업체 세 곳에 칩을 공급할 계획이다.")
FOOTER = ("가상일보 | 서울특별시 가상구 가상로 1 | Tel 02-000-0000\n"
          "등록번호 서울 아99999 | 등록일 2010.01.01 | 발행인·편집인 나가상 | 청소년보호책임자 나가상\n"
          "Copyright ⓒ 2015 가상일보. All rights reserved.")


def _kst(*args: int) -> datetime:
    return datetime(*args, tzinfo=KST)


# ---------------------------------------------------------------------------
# Datelines, not footers


def test_head_dateline_wins_over_registration_date_and_copyright_year():
    text = f"가상전자, 절전형 음성 칩 출시\n\n입력 2023.03.15 10:12\n\n{BODY}\n\n{FOOTER}"
    assert find_dateline(text) == _kst(2023, 3, 15, 10, 12)
    clean = clean_article(RawArticle(source="a.txt", text=text))
    assert clean.published_at == _kst(2023, 3, 15, 10, 12)


def test_byline_dateline_at_the_end_above_the_footer():
    text = f"{BODY}\n\n나가상 기자 입력 2023.03.15 10:12\n\n{FOOTER}"
    assert find_dateline(text) == _kst(2023, 3, 15, 10, 12)


def test_byline_below_the_article_decides_by_its_words():
    assert find_dateline(f"{BODY}\n나가상 기자 등록 2023.03.15 10:12\n{FOOTER}") == _kst(2023, 3, 15, 10, 12)
    assert find_dateline(f"{BODY}\n나가상 기자 hong@example.org\n2023-03-15 10:12\n{FOOTER}") == _kst(
        2023, 3, 15, 10, 12)
    # an agency's dateline opens the first sentence
    assert find_dateline(f"[서울=가상통신] 2023-03-15 10:12 — {BODY}") == _kst(2023, 3, 15, 10, 12)
    # glued to the last sentence: only an unmistakable dateline word counts
    assert find_dateline(f"{BODY} 나가상 기자 입력 2023.03.15 10:12") == _kst(2023, 3, 15, 10, 12)


def test_footer_only_gives_no_date():
    text = f"{BODY}\n\n{FOOTER}"
    assert find_dateline(text) is None
    assert clean_article(RawArticle(source="a.txt", text=text)).published_at is None


@pytest.mark.parametrize("footer", [
    "등록번호 서울 아99999\n등록일 2010.01.01\n발행인 나가상",     # the masthead one field a line
    "등록일 2010.01.01 | 사업자등록번호 000-00-00000",
    "ⓒ 2015.01.01 가상일보",                                      # a copyright line with a full date
    "Copyright 2019 가상일보 무단 전재 금지",
    "가상일보\n등록일자 : 2011년 2월 3일",                         # below the article, not in its byline
])
def test_outlet_dates_are_never_the_published_date(footer):
    assert find_dateline(f"{BODY}\n\n나가상 기자\n\n{FOOTER}\n{footer}") is None
    assert find_dateline(f"{BODY}\n{footer}") is None


@pytest.mark.parametrize("dateline, expected", [
    ("입력 2023.03.15 10:12", (2023, 3, 15, 10, 12)),
    ("기사입력 2023-03-15 10:12:30", (2023, 3, 15, 10, 12, 30)),
    ("입력 : 2023-03-15 오후 3:05", (2023, 3, 15, 15, 5)),
    ("최초입력 2023. 3. 15. 오전 9:05", (2023, 3, 15, 9, 5)),
    ("2023. 3. 15.", (2023, 3, 15)),
    ("2023년 3월 15일", (2023, 3, 15)),
    ("2023년 3월 15일(수) 오후 3시 5분 송고", (2023, 3, 15, 15, 5)),
    ("[서울=가상통신] 2023-03-15", (2023, 3, 15)),
    ("2023/03/15 09:30 송고", (2023, 3, 15, 9, 30)),
    ("가상일보 | 입력 2023.03.15 14:05 | 수정 2023.03.16 16:40", (2023, 3, 15, 14, 5)),
    ("2023.03.15 14:05 입력 | 2023.03.16 16:40 수정", (2023, 3, 15, 14, 5)),
    ("수정 2023.03.16 16:40", (2023, 3, 16, 16, 40)),                 # only an edit date: better than none
    ("승인 2023.03.15 10:12", (2023, 3, 15, 10, 12)),
    ("등록 2023-03-15 10:12", (2023, 3, 15, 10, 12)),                  # 등록 at the top is the article's
    ("나가상 기자 2023-03-15 10:12", (2023, 3, 15, 10, 12)),
    ("기사입력 2023-03-15T10:12:00+09:00", (2023, 3, 15, 10, 12)),
])
def test_dateline_forms_at_the_top(dateline, expected):
    assert find_dateline(f"가상전자, 절전형 음성 칩 출시\n{dateline}\n\n{BODY}\n\n{FOOTER}") == _kst(*expected)


def test_dates_in_the_story_or_headline_are_not_datelines():
    story = ("가상전자는 2010년 1월 1일 등록된 상표를 새 칩에 붙였다고 밝혔다. 회사는 이를 설명했다.\n"
             "회사가 2023.03.15 10:12 발행한 채권은 모두 팔렸다고 덧붙였다.")
    assert find_dateline(story) is None
    assert find_dateline(f"2023년 3월 15일 증시 마감 시황\n\n{BODY}") is None
    assert find_dateline(f"{BODY}\n\n관련기사\n- 가상전자, 새 칩 2023-03-14") is None


def test_korean_date_forms_and_zones_parse():
    assert parse_published_at("2023. 3. 15. 오후 3:05") == _kst(2023, 3, 15, 15, 5)
    assert parse_published_at("2023-03-15 10:12 KST") == _kst(2023, 3, 15, 10, 12)
    assert parse_published_at("2023.03.15 01:12 UTC") == datetime(2023, 3, 15, 1, 12, tzinfo=timezone.utc)
    assert parse_published_at("2023.03.15 10:12 +0900") == _kst(2023, 3, 15, 10, 12)


# ---------------------------------------------------------------------------
# The record's publisher


def test_record_publisher_wins_when_source_holds_a_url():
    record = {"source": "https://news.example.org/wiki/가상전자_칩", "publisher": "가상위키뉴스",
              "text": BODY + "\n\n<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>"}
    raw = record_to_article(record, "w.jsonl:1", "jsonl", "utf-8", IngestConfig())
    assert (raw.publisher, raw.url) == ("가상위키뉴스", "https://news.example.org/wiki/가상전자_칩")
    assert clean_article(raw).publisher == "가상위키뉴스"  # not the outlet named in the notice
    # the old field map name ("source") of the publisher field points at the URL only
    raw = record_to_article(record, "w.jsonl:1", "jsonl", "utf-8", IngestConfig(field_map={"source": ["source"]}))
    assert (raw.publisher, raw.url) == ("가상위키뉴스", "https://news.example.org/wiki/가상전자_칩")


# ---------------------------------------------------------------------------
# pub_month


def test_partition_month_never_borrows_the_ingest_month():
    assert partition_month(_kst(2023, 3, 15)) == "2023-03"
    assert partition_month(None) == "unknown"
    # quarantine rows have no article date: they go by the ingest month
    assert ingest_month(INGESTED) == "2024-05"
    q = failure_record("a.txt", "clean", ValueError("x"), "r1", INGESTED)
    assert q.pub_month == "2024-05"


def test_undated_article_lands_in_pub_month_unknown(rules_analyzer, tmp_path):
    src = tmp_path / "in.jsonl"
    rows = [
        {"url": "https://news.example.org/a", "publisher": "가상위키뉴스", "text": f"{BODY}\n\n{FOOTER}"},
        {"publisher": "가상일보", "text": f"입력 2023.03.15 10:12\n\n{BODY.replace('14일', '15일')}"},
    ]
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    raws = list(iter_articles([str(src)], IngestConfig()))
    records = rules_analyzer.process(raws, "r1", INGESTED)
    got = sorted((a.publisher, a.published_at, a.pub_month) for a in records.articles)
    assert got == [("가상위키뉴스", None, "unknown"), ("가상일보", _kst(2023, 3, 15, 10, 12), "2023-03")]
    assert {e.pub_month for e in records.entities} <= {"unknown", "2023-03"}
    store = ParquetStore(tmp_path / "out", "r1")
    store.write_batch(records.as_tables())
    folders = sorted(p.name for p in (tmp_path / "out" / "articles").iterdir() if p.is_dir())
    assert folders == ["pub_month=2023-03", "pub_month=unknown"]
    arts = read_table(tmp_path / "out", "articles", ["publisher", "pub_month"]).to_pylist()
    assert sorted((a["publisher"], a["pub_month"]) for a in arts) == [("가상위키뉴스", "unknown"),
                                                                      ("가상일보", "2023-03")]
    df = pd.read_parquet(tmp_path / "out" / "articles")
    assert df.published_at.notna().sum() == 1
