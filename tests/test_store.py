"""Parquet store: atomic files, hive partitions, idempotent reruns, locking."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from models.errors import LockError, OutputError
from models.schema import (TABLES, Article, Entity, QuarantineRecord, article_id, ingest_month,
                           partition_month)
from pipeline.store import (OutputLock, ParquetStore, check_output_dir, file_metadata, prepare_output, read_table,
                            remove_stale_temp_files)

T0 = datetime(2022, 1, 30, 9, 0, tzinfo=timezone.utc)


def _article(body: str, when=T0, run="r1") -> Article:
    aid = article_id(body)
    return Article(aid, "x.txt", "제목", "메트로신문", when, body, run, T0, pub_month=partition_month(when))


def _entity(body: str, start: int, end: int, run="r1") -> Entity:
    return Entity(article_id(body), 0, start, end, body[start:end], "ORG", "네이버", "gazetteer", run,
                  pub_month=partition_month(T0))


def test_article_id_is_stable_and_normalised():
    assert article_id("네이버가 발표했다.") == article_id("  네이버가 발표했다.\n")
    assert article_id("네이버가 발표했다.") != article_id("카카오가 발표했다.")
    assert len(article_id("x")) == 16


def test_partition_month_is_unknown_without_a_published_date():
    assert partition_month(T0) == "2022-01"
    assert partition_month(None) == "unknown"  # never the ingest month
    assert ingest_month(datetime(2024, 5, 1, tzinfo=timezone.utc)) == "2024-05"  # quarantine rows


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


def test_a_commit_killed_between_renames_is_finished_on_next_open(tmp_path, monkeypatch):
    """A run killed after renaming the article but before its entities: the next open finishes it."""
    import pipeline.store as store_mod

    body = "라인이 발표했다."
    batch = {"articles": [_article(body)], "entities": [_entity(body, 0, 2)]}
    real_replace = os.replace
    renamed = []

    def dying_replace(src, dst):
        dst = Path(dst)
        if dst.suffix == ".parquet" and any(r.suffix == ".parquet" for r in renamed):
            raise KeyboardInterrupt("killed")  # at the second data file the process "dies"
        renamed.append(dst)
        return real_replace(src, dst)

    monkeypatch.setattr(store_mod.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        ParquetStore(tmp_path, "r1").write_batch(batch)
    monkeypatch.setattr(store_mod.os, "replace", real_replace)
    # readers never see an entity without its article: the article went first
    assert [p.parent.parent.name for p in renamed if p.suffix == ".parquet"] == ["articles"]
    assert read_table(tmp_path, "articles").num_rows == 1 and read_table(tmp_path, "entities").num_rows == 0
    assert prepare_output(tmp_path) == (1, 0)
    assert read_table(tmp_path, "entities").num_rows == 1
    assert not list((tmp_path / "_state" / "journal").iterdir())
    # and a rerun of the batch adds nothing
    assert ParquetStore(tmp_path, "r2").write_batch(batch)["entities"] == 0
    assert read_table(tmp_path, "entities").num_rows == 1


def test_dedup_reads_article_ids_only(tmp_path, monkeypatch):
    import pipeline.store as store_mod

    body = "카카오가 투자했다."
    ParquetStore(tmp_path, "r1").write_batch({"articles": [_article(body)], "entities": [_entity(body, 0, 3)]})
    read = []
    real = store_mod.read_table

    def spy(out_dir, table, columns=None):
        read.append((table, tuple(columns or ())))
        return real(out_dir, table, columns)

    monkeypatch.setattr(store_mod, "read_table", spy)
    store = ParquetStore(tmp_path, "r2")
    assert store.known_article(article_id(body))
    store.write_batch({"articles": [_article("새 기사.")], "entities": [_entity("새 기사.", 0, 1)]})
    assert read == [("articles", ("article_id",)), ("quarantine", ("source", "error_type"))]


def test_rows_without_their_article_in_the_batch_are_not_written(tmp_path):
    body = "라인이 발표했다."
    assert ParquetStore(tmp_path, "r1").write_batch({"entities": [_entity(body, 0, 2)]})["entities"] == 0


def test_every_table_exists_with_zero_rows(tmp_path):
    store = ParquetStore(tmp_path, "r1")
    assert store.ensure_tables("2024-05") == list(TABLES)
    assert store.ensure_tables("2024-05") == []
    for table in TABLES:
        assert pd.read_parquet(tmp_path / table).shape[0] == 0
        files = list((tmp_path / table).rglob("*.parquet"))
        assert [f.parent.name for f in files] == ["pub_month=2024-05"]
    duckdb = pytest.importorskip("duckdb")
    n = duckdb.sql(f"select count(*) from read_parquet('{tmp_path}/paper_counts/**/*.parquet', "
                   "hive_partitioning=true)").fetchall()[0][0]
    assert n == 0


def test_unusable_output_folder_is_a_coded_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match=r"^\[E045\] Cannot use .*file/out as the output folder: Not a directory"):
        check_output_dir(tmp_path / "file" / "out")
    with pytest.raises(OutputError, match=r"^\[E045\]"):
        with OutputLock(tmp_path / "file" / "out"):
            pass


def test_shared_lock_lets_its_own_process_in_but_not_a_plain_holder(tmp_path):
    with OutputLock(tmp_path, shared=True):
        with OutputLock(tmp_path):  # the flow inside the CLI that holds it
            pass
        with OutputLock(tmp_path):
            pass
    with OutputLock(tmp_path):
        with pytest.raises(LockError, match=r"\[E017\]"):
            with OutputLock(tmp_path, shared=True):
                pass


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
        code = ("import sys; from pathlib import Path; from pipeline.store import OutputLock\n"
                "from models.errors import LockError\n"
                f"try:\n    OutputLock(Path({str(tmp_path)!r})).__enter__()\nexcept LockError as e:\n"
                "    print(e); sys.exit(3)\n")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert proc.returncode == 3, proc.stderr
        assert "[E017]" in proc.stdout and str(tmp_path) in proc.stdout
    with OutputLock(tmp_path):  # released: can be taken again
        pass
