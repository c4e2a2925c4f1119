"""Parquet output: hive-partitioned datasets, atomic files, idempotent reruns.

Layout: ``OUT/<table>/pub_month=YYYY-MM/part-<run_id>-<seq>.parquet`` for every
table in :data:`models.schema.SCHEMAS`. ``pub_month`` is the month of the
article's published date, or of its ingest date when that is unknown.

Guarantees:

* **No partial files.** Each file is written under a dot-name in its final folder
  (``.part-….parquet.tmp``: pyarrow, pandas, DuckDB's ``*.parquet`` globs and
  Spark all skip it) and renamed with :func:`os.replace`, which is atomic on
  POSIX file systems.
* **Idempotent.** ``article_id`` is a hash of the cleaned body. Before a batch is
  written, rows of articles already present *in that table* are dropped. An
  article's rows of one table always land in a single file, so a run killed at
  any point and then rerun ends with every row exactly once. Quarantine rows are
  keyed by ``(source, error_type)``.
* **Serialized writers.** :class:`OutputLock` holds an exclusive ``flock`` on
  ``OUT/.kornews.lock`` for a run; a second run on the same ``--out`` is refused
  with a clear message instead of interleaving.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import unicodedata
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from . import __version__
from .errors import Errors, LockError
from .schema import PARTITION_COLUMN, SCHEMA_VERSION, SCHEMAS, TABLES, to_row

#: Rows per row group: ~64k rows keeps scans vectorised without huge pages.
ROW_GROUP_SIZE = 64 * 1024


def article_id(body: str) -> str:
    """Stable id of an article: SHA-256 of its NFC-normalised cleaned body, 16 hex chars.

    >>> article_id("네이버가 발표했다.") == article_id("네이버가 발표했다.")
    True
    """
    norm = unicodedata.normalize("NFC", body).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def partition_month(published_at: datetime | None, ingested_at: datetime) -> str:
    """``YYYY-MM`` of the published date (or the ingest date when unknown)."""
    when = published_at or ingested_at
    return f"{when.year:04d}-{when.month:02d}"


class OutputLock:
    """Exclusive lock on an output folder for the duration of a run.

    Raises:
        LockError: another process holds it (``Errors.E017``).
    """

    def __init__(self, out_dir: Path):
        self.path = Path(out_dir) / ".kornews.lock"
        self._fh = None

    def __enter__(self) -> "OutputLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.seek(0)
            pid = fh.read().strip() or "?"
            fh.close()
            raise LockError(Errors.E017.format(path=self.path.parent, pid=pid)) from None
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def table_dir(out_dir: Path, table: str) -> Path:
    return Path(out_dir) / table


def read_table(out_dir: Path, table: str, columns: Sequence[str] | None = None) -> pa.Table:
    """Read one output table (all partitions) with our schema; empty table when absent."""
    path = table_dir(out_dir, table)
    schema = SCHEMAS[table]
    if not path.exists() or not any(path.rglob("*.parquet")):
        empty = schema.empty_table()
        return empty.select(list(columns)) if columns else empty
    dataset = ds.dataset(path, format="parquet", partitioning="hive", schema=schema)
    return dataset.to_table(columns=list(columns) if columns else None)


def existing_keys(out_dir: Path, table: str) -> set:
    """Keys already written to ``table``: article ids, or (source, error_type) for quarantine."""
    if table == "quarantine":
        t = read_table(out_dir, table, ["source", "error_type"])
        return set(zip(t.column("source").to_pylist(), t.column("error_type").to_pylist()))
    t = read_table(out_dir, table, ["article_id"])
    return set(t.column("article_id").to_pylist())


def _row_key(table: str, row: Mapping) -> object:
    if table == "quarantine":
        return (row["source"], row["error_type"])
    return row["article_id"]


class ParquetStore:
    """Writes batches of records to the output tables (see module docstring).

    Args:
        out_dir: the output folder (``--out``).
        run_id: the run's id; part of every file name.
        metadata: extra key/values for each file's metadata (component versions).
    """

    def __init__(self, out_dir: Path, run_id: str, metadata: Mapping[str, str] | None = None):
        self.out_dir = Path(out_dir)
        self.run_id = run_id
        self._seq = 0
        self._seen: dict[str, set] = {}
        meta = {"kornews_version": __version__, "schema_version": SCHEMA_VERSION, "run_id": run_id}
        meta.update(metadata or {})
        self.metadata = {k: str(v) for k, v in meta.items()}

    def _keys(self, table: str) -> set:
        if table not in self._seen:
            self._seen[table] = existing_keys(self.out_dir, table)
        return self._seen[table]

    def known_article(self, aid: str) -> bool:
        """True when the article is already in the ``articles`` table (or this run's batches)."""
        return aid in self._keys("articles")

    def write_batch(self, records: Mapping[str, Iterable]) -> dict[str, int]:
        """Write one batch: ``{table: [records]}``. Returns rows written per table.

        Child tables are written before ``articles`` so that an article is marked
        done only after all of its rows are on disk.
        """
        written: dict[str, int] = {}
        order = [t for t in TABLES if t != "articles"] + ["articles"]
        for table in order:
            rows = [to_row(r) if not isinstance(r, dict) else r for r in records.get(table, ())]
            keys = self._keys(table)
            fresh = []
            batch_keys = set()
            # an article's child rows share its key; articles and quarantine rows are unique
            unique_in_batch = table in ("articles", "quarantine")
            for row in rows:
                k = _row_key(table, row)
                if k in keys or (unique_in_batch and k in batch_keys):
                    continue
                fresh.append(row)
                batch_keys.add(k)
            written[table] = self._write_rows(table, fresh)
            keys.update(batch_keys)
        return written

    def _write_rows(self, table: str, rows: list[dict]) -> int:
        if not rows:
            return 0
        schema = SCHEMAS[table].with_metadata({"kornews": json.dumps(self.metadata, sort_keys=True)})
        by_part: dict[str, list[dict]] = {}
        for row in rows:
            by_part.setdefault(row[PARTITION_COLUMN], []).append(row)
        for part, part_rows in sorted(by_part.items()):
            folder = table_dir(self.out_dir, table) / f"{PARTITION_COLUMN}={part}"
            folder.mkdir(parents=True, exist_ok=True)
            self._seq += 1
            name = f"part-{self.run_id}-{self._seq:05d}.parquet"
            tmp = folder / f".{name}.tmp"
            arrow = pa.Table.from_pylist(part_rows, schema=schema).drop_columns([PARTITION_COLUMN])
            try:
                pq.write_table(arrow, tmp, row_group_size=ROW_GROUP_SIZE, compression="zstd")
                with open(tmp, "rb+") as fh:
                    os.fsync(fh.fileno())
                os.replace(tmp, folder / name)
            finally:
                if tmp.exists():
                    tmp.unlink()
        return len(rows)


def remove_stale_temp_files(out_dir: Path) -> int:
    """Delete ``.part-*.tmp`` files left by a killed run. Returns how many."""
    n = 0
    for p in Path(out_dir).glob("*/*/.part-*.tmp"):
        p.unlink(missing_ok=True)
        n += 1
    return n


def file_metadata(path: Path) -> dict:
    """The kornews metadata of one Parquet file (versions, run id)."""
    meta = pq.read_schema(path).metadata or {}
    raw = meta.get(b"kornews")
    return json.loads(raw) if raw else {}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
