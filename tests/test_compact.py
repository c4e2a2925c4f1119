"""``kornews compact`` and schema evolution: rows never change, old files still read."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import pipeline.compaction as compact_mod
from pipeline.compaction import STAGING, compact, compact_table, recover
from models.schema import SCHEMAS, TABLES
from pipeline.store import OutputLock, ParquetStore, file_metadata, read_table
from tablecmp import make_articles, table_rows

INGESTED = datetime(2024, 3, 5, tzinfo=timezone.utc)


def _files(out: Path, table: str) -> list[Path]:
    return sorted((out / table).glob("*/*.parquet"))


@pytest.fixture
def small_files_out(rules_analyzer, tmp_path) -> Path:
    """An output written 3 articles per batch, by two runs: many small files per partition."""
    from pipeline.ingest import IngestConfig, iter_articles

    raws = list(iter_articles([str(make_articles(tmp_path / "in", 24))], IngestConfig()))
    out = tmp_path / "out"
    for run, part in (("run-a", raws[:12]), ("run-b", raws[12:])):
        store = ParquetStore(out, run, metadata={**rules_analyzer.versions, "marker": run})
        for i in range(0, len(part), 3):
            store.write_batch(rules_analyzer.process(part[i:i + 3], run, INGESTED, store.known_article).as_tables())
    return out


def _everything(out: Path) -> dict:
    return {t: table_rows(out, t, drop=()) for t in TABLES}


def test_compact_keeps_every_row_and_drops_file_count(small_files_out):
    out = small_files_out
    before, files_before = _everything(out), _files(out, "entities")
    assert len(files_before) >= 8
    stats = {s.table: s for s in compact(out, target_rows=10_000)}
    assert _everything(out) == before
    after = _files(out, "entities")
    assert len(after) == stats["entities"].partitions == 1
    assert stats["entities"].files_before == len(files_before)
    assert stats["entities"].rows == len(before["entities"])
    assert not (out / STAGING).exists()
    # metadata of the newest input file (run-b), and how many files were merged
    assert file_metadata(after[0])["marker"] == "run-b"
    assert json.loads(pq.read_schema(after[0]).metadata[b"kornews_compacted"]) == {"files": len(files_before)}


def test_compact_packs_to_target_rows(small_files_out):
    out = small_files_out
    n = len(table_rows(out, "articles"))
    compact_table(out, "articles", target_rows=9)
    sizes = [pq.ParquetFile(p).metadata.num_rows for p in _files(out, "articles")]
    assert sum(sizes) == n
    assert max(sizes) <= 9 and len(sizes) < n // 3


def test_compact_dry_run_changes_nothing(small_files_out):
    files = _files(small_files_out, "entities")
    stats = compact_table(small_files_out, "entities", dry_run=True)
    assert (stats.files_before, stats.files_after) == (len(files), 1)
    assert _files(small_files_out, "entities") == files


@pytest.mark.parametrize("crash_after", ["staged", "moved_old_away"])
def test_crash_mid_swap_leaves_each_row_once(small_files_out, monkeypatch, crash_after):
    out = small_files_out
    before = _everything(out)

    def crashing_exchange(new, live):
        if crash_after == "moved_old_away":  # the two-rename fallback, killed between renames
            import os

            os.replace(live, new.parent / "old")
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(compact_mod, "exchange_paths", crashing_exchange)
    with pytest.raises(KeyboardInterrupt):
        compact_table(out, "entities", target_rows=10_000)
    assert (out / STAGING).exists()
    monkeypatch.undo()
    assert recover(out) == 1
    assert not (out / STAGING).exists()
    assert _everything(out) == before
    compact_table(out, "entities", target_rows=10_000)
    assert _everything(out) == before and len(_files(out, "entities")) == 1


def test_cli_compact(small_files_out):
    from pipeline.cli import compact as compact_command

    result = CliRunner().invoke(compact_command, ["--out", str(small_files_out), "--table", "entities"])
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "→ left" in result.output
    assert len(_files(small_files_out, "entities")) == 1


def test_cli_compact_refused_while_locked(small_files_out):
    from pipeline.cli import compact as compact_command

    with OutputLock(small_files_out):
        result = CliRunner().invoke(compact_command, ["--out", str(small_files_out)])
    assert result.exit_code == 1
    assert "[E017]" in result.output


# -- schema evolution ------------------------------------------------------------------

NEW_ENTITY_COLUMNS = ("kind", "parent", "year", "norm")


def _old_entities_file(folder: Path) -> None:
    """An entities file as written before kind/parent/year/norm existed."""
    schema = SCHEMAS["entities"]
    old = pa.schema([f for f in schema if f.name not in NEW_ENTITY_COLUMNS + ("pub_month",)])
    rows = [{"article_id": "old0000000000001", "sent_idx": 0, "start": 0, "end": 3, "text": "네이버",
             "label": "ORG", "canonical": "네이버", "source": "gazetteer", "run_id": "old-run"}]
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=old), folder / "part-old-run-00001.parquet")


@pytest.fixture
def evolved_out(small_files_out) -> Path:
    month = next((small_files_out / "entities").iterdir()).name
    _old_entities_file(small_files_out / "entities" / month)
    return small_files_out


def test_read_table_fills_missing_columns_with_null(evolved_out):
    t = read_table(evolved_out, "entities")
    old = [r for r in t.to_pylist() if r["run_id"] == "old-run"]
    assert len(old) == 1
    assert {c: old[0][c] for c in NEW_ENTITY_COLUMNS} == dict.fromkeys(NEW_ENTITY_COLUMNS)
    assert old[0]["text"] == "네이버"
    assert t.schema.names == SCHEMAS["entities"].names


def test_pandas_and_duckdb_read_old_files(evolved_out):
    import pandas as pd

    df = pd.read_parquet(evolved_out / "entities", schema=SCHEMAS["entities"])
    assert df.loc[df["run_id"] == "old-run", "kind"].isna().all()
    duckdb = pytest.importorskip("duckdb")
    glob = str(evolved_out / "entities" / "**" / "*.parquet")
    rows = duckdb.sql(f"SELECT kind, norm FROM read_parquet('{glob}', hive_partitioning=true, union_by_name=true) "
                      "WHERE run_id = 'old-run'").fetchall()
    assert rows == [(None, None)]


def test_compact_upgrades_old_files_to_the_current_schema(evolved_out):
    before = table_rows(evolved_out, "entities", drop=())
    compact_table(evolved_out, "entities", target_rows=10_000)
    assert table_rows(evolved_out, "entities", drop=()) == before
    (merged,) = _files(evolved_out, "entities")
    assert set(NEW_ENTITY_COLUMNS) <= set(pq.read_schema(merged).names)
