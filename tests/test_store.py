"""Parquet store: atomic files, hive partitions, idempotent reruns, locking."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pandas as pd
import pyarrow.parquet as pq
import pytest

from models.errors import LockError
from models.schema import Article, Entity, QuarantineRecord
from models.store import (OutputLock, ParquetStore, article_id, file_metadata, partition_month, read_table,
                          remove_stale_temp_files)

T0 = datetime(2022, 1, 30, 9, 0, tzinfo=timezone.utc)


def _article(body: str, when=T0, run="r1") -> Article:
    aid = article_id(body)
    return Article(aid, "x.txt", "제목", "메트로신문", when, body, run, T0, pub_month=partition_month(when, T0))


def _entity(body: str, start: int, end: int, run="r1") -> Entity:
    return Entity(article_id(body), 0, start, end, body[start:end], "ORG", "네이버", "gazetteer", run,
                  pub_month=partition_month(T0, T0))


def test_article_id_is_stable_and_normalised():
    assert article_id("네이버가 발표했다.") == article_id("  네이버가 발표했다.\n")
    assert article_id("네이버가 발표했다.") != article_id("카카오가 발표했다.")
    assert len(article_id("x")) == 16


def test_partition_month_falls_back_to_ingest_date():
    assert partition_month(T0, datetime(2024, 5, 1, tzinfo=timezone.utc)) == "2022-01"
    assert partition_month(None, datetime(2024, 5, 1, tzinfo=timezone.utc)) == "2024-05"


def test_write_is_hive_partitioned_and_readable_by_pandas_and_duckdb(tmp_path):
    body = "네이버가 논문을 발표했다."
    store = ParquetStore(tmp_path, "r1", metadata={"ner_model": "test.v1"})
    written = store.write_batch({"articles": [_article(body)], "entities": [_entity(body, 0, 3)]})
    assert written["articles"] == 1 and written["entities"] == 1
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet"))
    assert files == ["articles/pub_month=2022-01/part-r1-00002.parquet",
                     "entities/pub_month=2022-01/part-r1-00001.parquet"]
    df = pd.read_parquet(tmp_path / "entities")
    assert df.loc[0, "text"] == "네이버" and df.loc[0, "start"] == 0
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/articles/**/*.parquet', hive_partitioning=true) "
                   "where pub_month = '2022-01'").fetchall()[0][0]
    assert n == 1
    meta = file_metadata(next((tmp_path / "articles").rglob("*.parquet")))
    assert meta["ner_model"] == "test.v1" and meta["kornews_version"] and meta["schema_version"] == "1"


def test_rerun_adds_no_duplicates(tmp_path):
    body = "카카오가 투자했다."
    batch = {"articles": [_article(body)], "entities": [_entity(body, 0, 3)],
             "quarantine": [QuarantineRecord("bad.txt", "DecodeError", "[E001] ...", "r1", T0, "2022-01")]}
    ParquetStore(tmp_path, "r1").write_batch(batch)
    again = ParquetStore(tmp_path, "r2").write_batch(batch)
    assert again == {"articles": 0, "entities": 0, "paper_counts": 0, "investments": 0, "quarantine": 0}
    assert read_table(tmp_path, "articles").num_rows == 1
    assert read_table(tmp_path, "quarantine").num_rows == 1


def test_same_batch_duplicate_articles_written_once(tmp_path):
    body = "같은 기사 본문."
    written = ParquetStore(tmp_path, "r1").write_batch({"articles": [_article(body), _article(body)]})
    assert written["articles"] == 1


def test_child_rows_of_a_partial_run_are_not_duplicated(tmp_path):
    """A run killed after writing entities but before articles: the rerun adds entities once."""
    body = "라인이 발표했다."
    ParquetStore(tmp_path, "r1").write_batch({"entities": [_entity(body, 0, 2)]})
    ParquetStore(tmp_path, "r2").write_batch({"articles": [_article(body)], "entities": [_entity(body, 0, 2)]})
    assert read_table(tmp_path, "entities").num_rows == 1
    assert read_table(tmp_path, "articles").num_rows == 1


def test_temp_files_are_invisible_and_cleaned(tmp_path):
    folder = tmp_path / "articles" / "pub_month=2022-01"
    folder.mkdir(parents=True)
    (folder / ".part-x-00001.parquet.tmp").write_bytes(b"partial")
    assert read_table(tmp_path, "articles").num_rows == 0
    assert remove_stale_temp_files(tmp_path) == 1
    assert not list(folder.iterdir())


def test_empty_tables_read_with_schema(tmp_path):
    t = read_table(tmp_path, "paper_counts")
    assert t.num_rows == 0 and "venues" in t.schema.names


def test_lock_refuses_a_second_run(tmp_path):
    with OutputLock(tmp_path):
        code = ("import sys; from pathlib import Path; from models.store import OutputLock\n"
                "from models.errors import LockError\n"
                f"try:\n    OutputLock(Path({str(tmp_path)!r})).__enter__()\nexcept LockError as e:\n"
                "    print(e); sys.exit(3)\n")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 3, proc.stderr
        assert "[E017]" in proc.stdout and str(tmp_path) in proc.stdout
    with OutputLock(tmp_path):  # released: can be taken again
        pass
