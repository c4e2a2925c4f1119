"""The facts table: merging what several articles report, incrementally and by rebuild."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from models.facts import AMOUNT_TOLERANCE, build_facts
from pipeline.facts import FACTS_SCHEMA, facts_path, read_facts, rebuild_facts, update_facts

T = datetime(2023, 5, 2, tzinfo=timezone.utc)


def _pc(aid, count, org="네이버", venues=("ICLR",), year=2023, start=0, text=None):
    return {"article_id": aid, "start": start, "org": org, "org_text": org, "venues": list(venues), "year": year,
            "count": count, "count_text": text or f"{count}편", "qualifier": "exact"}


def _inv(aid, krw, investor="소프트뱅크", month="2023-05", start=0, qualifier="exact"):
    return {"article_id": aid, "start": start, "investor": investor, "investor_text": investor,
            "recipient": "퓨리오사AI", "amount_text": f"{krw // 100000000}억원", "amount_krw_low": krw,
            "amount_krw_high": krw, "qualifier": qualifier, "pub_month": month}


def _art(aid, publisher, day=2):
    return {"article_id": aid, "url": f"https://news.example/{aid}", "publisher": publisher,
            "published_at": T.replace(day=day)}


ARTS = [_art("a", "한빛일보", 1), _art("b", "새봄경제", 3), _art("c", "누리뉴스", 5)]


def test_three_outlets_one_paper_count_fact_with_a_disagreement():
    facts = build_facts([_pc("a", 12), _pc("b", 12), _pc("c", 17, text="17개")], [], ARTS)
    assert len(facts) == 1
    f = facts[0]
    assert (f["org"], f["venues"], f["year"], f["value"], f["value_text"], f["n_sources"], f["conflict"]) == (
        "네이버", ["ICLR"], 2023, 12.0, "12편", 3, True)
    assert json.loads(f["values"]) == [{"value": 12, "n": 2, "article_ids": ["a", "b"]},
                                       {"value": 17, "n": 1, "article_ids": ["c"]}]
    assert f["publishers"] == ["누리뉴스", "새봄경제", "한빛일보"]
    assert (f["first_reported"].day, f["last_reported"].day) == (1, 5)


def test_an_unresolved_year_is_not_merged():
    facts = build_facts([_pc("a", 12, year=None), _pc("b", 12, year=None)], [], ARTS)
    assert [(f["year_resolved"], f["n_sources"]) for f in facts] == [(False, 1), (False, 1)]


def test_other_venues_or_years_are_other_facts():
    facts = build_facts([_pc("a", 12), _pc("b", 12, venues=("CVPR",)), _pc("c", 12, year=2022)], [], ARTS)
    assert len(facts) == 3


def test_investments_merge_within_the_tolerance_and_by_month():
    near = int(93_000_000_000 * (1 + AMOUNT_TOLERANCE / 2))
    far = int(93_000_000_000 * (1 + AMOUNT_TOLERANCE * 3))
    facts = build_facts([], [_inv("a", 93_000_000_000), _inv("b", near), _inv("c", far)], ARTS)
    assert sorted(f["n_sources"] for f in facts) == [1, 2]
    merged = next(f for f in facts if f["n_sources"] == 2)
    assert (merged["investor"], merged["recipient"], merged["month"], merged["conflict"]) == (
        "소프트뱅크", "퓨리오사AI", "2023-05", False)
    facts = build_facts([], [_inv("a", 93_000_000_000), _inv("b", 93_000_000_000, month="2023-07")], ARTS)
    assert len(facts) == 2


def test_undated_reports_merge_among_themselves_never_with_dated_ones_and_unattributed_never():
    facts = build_facts([], [_inv("a", 10 ** 10, month="unknown"), _inv("b", 10 ** 10, month="unknown"),
                             _inv("c", 10 ** 10), _inv("a", 10 ** 10, investor=None, start=9)], ARTS)
    assert sorted((f["n_sources"], f["month"] or "-") for f in facts) == [(1, "-"), (1, "2023-05"), (2, "-")]


def test_a_qualifier_that_differs_is_a_conflict():
    facts = build_facts([], [_inv("a", 10 ** 10), _inv("b", 10 ** 10, qualifier="at_least")], ARTS)
    assert len(facts) == 1 and facts[0]["conflict"]


def test_readers_read_the_table_also_when_empty(tmp_path):
    import duckdb
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = facts_path(tmp_path)
    path.parent.mkdir(parents=True)
    pq.write_table(FACTS_SCHEMA.empty_table(), path)
    assert pd.read_parquet(path).empty
    assert duckdb.connect().execute(f"SELECT count(*) FROM read_parquet('{path}')").fetchone() == (0,)
    assert read_facts(tmp_path).schema.equals(FACTS_SCHEMA)
    assert read_facts(tmp_path / "none").num_rows == 0 and isinstance(read_facts(tmp_path), pa.Table)


# --- the incremental path equals a rebuild -------------------------------------------------------
def _write_articles(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


TEXTS = {
    "a.txt": "입력 2023.05.02\n네이버는 ICLR 2023에서 논문 12편이 채택됐다고 밝혔다. 소프트뱅크는 퓨리오사AI에 930억원을 투자했다.",
    "b.txt": "입력 2023.05.03\n네이버가 ICLR 2023에 논문 12편을 발표한다. 소프트뱅크는 퓨리오사AI에 약 930억원을 투자한다.",
    "c.txt": "입력 2023.05.09\n네이버는 ICLR 2023에서 모두 13편의 논문이 채택됐다고 밝혔다.",
    "d.txt": "입력 2023.06.01\n카카오브레인은 CVPR 2023에서 논문 4편을 발표했다.",
}


def _rows(out: Path) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in read_facts(out).to_pylist())


def test_incremental_facts_equal_rebuilt_facts_and_a_rerun_changes_nothing(prefect_harness, tmp_path):
    from pipeline.config import PipelineConfig
    from pipeline.flows import run_flow

    first = _write_articles(tmp_path / "in1", {k: TEXTS[k] for k in ("a.txt", "d.txt")})
    second = _write_articles(tmp_path / "in2", {k: TEXTS[k] for k in ("b.txt", "c.txt")})
    out = tmp_path / "out"
    for inp in (first, second):
        run_flow(PipelineConfig(inputs=[str(inp)], out=str(out), ner="none", progress=False))
    incremental = _rows(out)
    facts = read_facts(out).to_pylist()
    iclr = [f for f in facts if f["kind"] == "paper_count" and f["org"] == "네이버"]
    assert [(f["venues"], f["year"], f["value"], f["n_sources"], f["conflict"]) for f in iclr] == [
        (["ICLR"], 2023, 12.0, 3, True)]
    inv = [f for f in facts if f["kind"] == "investment"]
    assert [(f["month"], f["value"], f["n_sources"]) for f in inv] == [("2023-05", 93_000_000_000.0, 2)]
    before = facts_path(out).read_bytes()
    run_flow(PipelineConfig(inputs=[str(first), str(second)], out=str(out), ner="none", progress=False))
    assert facts_path(out).read_bytes() == before  # nothing new: the file is not even rewritten
    rebuild_facts(out)
    assert _rows(out) == incremental
