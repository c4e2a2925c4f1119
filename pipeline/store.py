"""Parquet output: hive-partitioned datasets, atomic files, idempotent reruns.

Layout: ``OUT/<table>/pub_month=YYYY-MM/part-<run_id>-<seq>.parquet`` for every
table in :data:`models.schema.SCHEMAS`. ``pub_month`` is the month of the
article's published date, or ``unknown`` when that is unknown (also where a run
puts the zero-row file of an empty table); quarantine rows go by their ingest
month. Partition values are folder names, never parsed as dates.

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

import contextlib

import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from models import __version__
from models.errors import Errors, LockError, OutputError
from models.schema import PARTITION_COLUMN, SCHEMA_VERSION, SCHEMAS, TABLES, to_row

#: Rows per row group: ~64k rows keeps scans vectorised without huge pages.
ROW_GROUP_SIZE = 64 * 1024


#: Output folders whose lock this process took as *shared* (the CLI, before Prefect
#: starts, so that a refusal is immediate), with how many holders each: the flow then
#: takes it again without refusing itself (an ``flock`` taken twice would).
_HELD: dict[str, list] = {}


#: The lock file of an output folder (see :class:`OutputLock`).
LOCK_NAME = ".kornews.lock"


class OutputLock:
    """Exclusive lock on an output folder for the duration of a run.

    The lock is an ``flock`` on ``OUT/.kornews.lock``: the kernel drops it when the
    process dies, so a killed run never leaves a stale lock behind.

    Args:
        out_dir: the output folder.
        shared: let later ``OutputLock`` s of this process on the same folder enter
            while this one is held (the CLI holds it for the flow it starts).

    Raises:
        LockError: another holder has it (``Errors.E017``).
        OutputError: the folder cannot be created or written (``Errors.E045``).
    """

    def __init__(self, out_dir: Path, shared: bool = False):
        self.path = Path(out_dir) / LOCK_NAME
        self._key = os.path.abspath(self.path)
        self._shared = shared
        self._fh = None

    def __enter__(self) -> "OutputLock":
        held = _HELD.get(self._key)
        if held is not None:
            held[1] += 1
            return self
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(self.path, "a+")
        except OSError as exc:
            raise OutputError(Errors.E045.format(path=self.path.parent, detail=_os_detail(exc))) from None
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
        if self._shared:
            _HELD[self._key] = [fh, 1]
        else:
            self._fh = fh
        return self

    def __exit__(self, *exc) -> None:
        if self._fh is not None:
            fh, self._fh = self._fh, None
        else:
            held = _HELD.get(self._key)
            if held is None:
                return
            held[1] -= 1
            if held[1]:
                return
            fh = _HELD.pop(self._key)[0]
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def _os_detail(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def check_output_dir(out_dir: Path) -> None:
    """Fail early, with a coded message, when ``out_dir`` cannot hold output.

    Creates the folder if needed and checks that a file can be written in it.

    Raises:
        OutputError: ``[E045]`` naming the folder and why (under a file, read-only, ...).
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".kornews-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise OutputError(Errors.E045.format(path=out_dir, detail=_os_detail(exc))) from None


def is_kornews_output(out_dir: Path) -> bool:
    """Whether ``out_dir`` holds a kornews table folder or a kornews lock file."""
    out_dir = Path(out_dir)
    return any((out_dir / t).is_dir() for t in TABLES) or (out_dir / LOCK_NAME).exists()


def check_kornews_output(out_dir: Path) -> None:
    """Refuse a folder that is not the output of ``kornews run`` (before anything is written in it).

    Raises:
        OutputError: ``[E061]`` naming the folder and the tables looked for.
    """
    if not is_kornews_output(out_dir):
        raise OutputError(Errors.E061.format(path=out_dir, tables=", ".join(f"{t}/" for t in TABLES)))


def table_dir(out_dir: Path, table: str) -> Path:
    return Path(out_dir) / table


def _has_data_files(path: Path) -> bool:
    return path.is_dir() and any(True for _ in path.rglob("*.parquet"))


def read_table(out_dir: Path, table: str, columns: Sequence[str] | None = None) -> pa.Table:
    """Read one output table (all partitions) with our schema; empty table when absent."""
    path = table_dir(out_dir, table)
    schema = SCHEMAS[table]
    if not _has_data_files(path):
        empty = schema.empty_table()
        return empty.select(list(columns)) if columns else empty
    dataset = ds.dataset(path, format="parquet", partitioning="hive", schema=schema)
    return dataset.to_table(columns=list(columns) if columns else None)


def _quarantine_key(row: Mapping) -> tuple:
    return (row["source"], row["error_type"])


#: Where a batch's commit journal lives while its files are renamed into place.
JOURNAL_DIR = Path("_state") / "journal"


class ParquetStore:
    """Writes batches of records to the output tables (see module docstring).

    Args:
        out_dir: the output folder (``--out``).
        run_id: the run's id; part of every file name.
        metadata: extra key/values for each file's metadata (component versions).

    Deduplication holds the ids of the *articles* written (and the keys of the
    quarantine rows), never the rows of the other tables: an article's other rows
    are written in the same commit as the article row, so they are new exactly
    when their article is.
    """

    def __init__(self, out_dir: Path, run_id: str, metadata: Mapping[str, str] | None = None):
        self.out_dir = Path(out_dir)
        self.run_id = run_id
        self._seq = 0
        self._articles: set | None = None
        self._quarantine: set | None = None
        meta = {"kornews_version": __version__, "schema_version": SCHEMA_VERSION, "run_id": run_id}
        meta.update(metadata or {})
        self.metadata = {k: str(v) for k, v in meta.items()}

    def _article_ids(self) -> set:
        if self._articles is None:
            self._articles = set(read_table(self.out_dir, "articles", ["article_id"]).column("article_id").to_pylist())
        return self._articles

    def _quarantine_keys(self) -> set:
        if self._quarantine is None:
            t = read_table(self.out_dir, "quarantine", ["source", "error_type"])
            self._quarantine = set(zip(t.column("source").to_pylist(), t.column("error_type").to_pylist()))
        return self._quarantine

    def known_article(self, aid: str) -> bool:
        """True when the article is already in the ``articles`` table (or this run's batches)."""
        return aid in self._article_ids()

    def ensure_tables(self, month: str) -> list[str]:
        """Give every table at least one file, so readers find all of them, even with zero rows.

        A table with no data file gets a zero-row file with its schema under
        ``pub_month=<month>``. Returns the tables that needed one.
        """
        missing = [t for t in TABLES if not _has_data_files(table_dir(self.out_dir, t))]
        if missing:
            self._commit([(t, month, []) for t in missing])
        return missing

    def write_batch(self, records: Mapping[str, Iterable]) -> dict[str, int]:
        """Write one batch: ``{table: [records]}``. Returns rows written per table.

        Rows of articles already written (or repeated in the batch) are dropped,
        with their other rows. All files of the batch are committed together
        (:meth:`_commit`): articles first, so no reader sees an entity, paper count
        or investment whose article is not there.
        """
        known, fresh_ids = self._article_ids(), set()
        articles = []
        for row in self._rows(records, "articles"):
            if row["article_id"] not in known and row["article_id"] not in fresh_ids:
                fresh_ids.add(row["article_id"])
                articles.append(row)
        qkeys, fresh_q, quarantine = self._quarantine_keys(), set(), []
        for row in self._rows(records, "quarantine"):
            key = _quarantine_key(row)
            if key not in qkeys and key not in fresh_q:
                fresh_q.add(key)
                quarantine.append(row)
        tables = {"articles": articles, "quarantine": quarantine}
        for table in TABLES:
            if table not in tables:
                tables[table] = [r for r in self._rows(records, table) if r["article_id"] in fresh_ids]
        # files are numbered children first (their order before journals existed); committed articles first
        order = [t for t in TABLES if t != "articles"] + ["articles"]
        self._commit([(t, None, tables[t]) for t in order])
        known.update(fresh_ids)
        qkeys.update(fresh_q)
        return {t: len(tables[t]) for t in TABLES}

    @staticmethod
    def _rows(records: Mapping[str, Iterable], table: str) -> list[dict]:
        return [to_row(r) if not isinstance(r, dict) else r for r in records.get(table, ())]

    def _commit(self, plan: Sequence[tuple[str, str | None, list[dict]]]) -> None:
        """Write each ``(table, month, rows)`` as temp files, then rename them all into place.

        ``month`` partitions a zero-row file; rows carry their own partition. The
        renames are listed first in a journal (``OUT/_state/journal``): a run killed
        between two renames is finished by :func:`recover_journals` when the
        folder is next locked, so an article never stays without its rows.
        """
        moves: list[tuple[str, Path, Path]] = []
        try:
            for table, month, rows in plan:
                moves.extend((table, tmp, final) for tmp, final in self._write_temp(table, rows, month))
            if not moves:
                return
            journal_dir = self.out_dir / JOURNAL_DIR
            journal_dir.mkdir(parents=True, exist_ok=True)
            journal = journal_dir / f"{self.run_id}-{self._seq:05d}.json"
            commit_order = sorted(moves, key=lambda m: m[0] != "articles")
            _write_json_durable(journal, [[str(t), str(f)] for _, t, f in commit_order])
        except BaseException:
            for _, tmp, _ in moves:
                tmp.unlink(missing_ok=True)
            raise
        _apply_journal(journal)

    def _write_temp(self, table: str, rows: list[dict], month: str | None) -> list[tuple[Path, Path]]:
        schema = SCHEMAS[table].with_metadata({"kornews": json.dumps(self.metadata, sort_keys=True)})
        by_part: dict[str, list[dict]] = {}
        for row in rows:
            by_part.setdefault(row[PARTITION_COLUMN], []).append(row)
        if month is not None and not rows:
            by_part[month] = []
        out: list[tuple[Path, Path]] = []
        made: list[Path] = []
        try:
            for part, part_rows in sorted(by_part.items()):
                self._write_part(table, schema, part, part_rows, out, made)
        except BaseException:
            # a later partition failed (a full disk): the temp files of the earlier ones go too,
            # and the partition folders this call created are removed when left empty
            for tmp, _ in out:
                tmp.unlink(missing_ok=True)
            for folder in reversed(made):
                with contextlib.suppress(OSError):
                    folder.rmdir()
            raise
        return out

    def _write_part(self, table: str, schema, part: str, part_rows: list[dict], out: list, made: list) -> None:
        """Write one partition's rows to a temp file; ``out`` and ``made`` collect what was created."""
        folder = table_dir(self.out_dir, table) / f"{PARTITION_COLUMN}={part}"
        if not folder.exists():
            folder.mkdir(parents=True, exist_ok=True)
            made.append(folder)
        self._seq += 1
        name = f"part-{self.run_id}-{self._seq:05d}.parquet"
        tmp = folder / f".{name}.tmp"
        try:
            arrow = pa.Table.from_pylist(part_rows, schema=schema)
        except UnicodeEncodeError:  # a lone surrogate got this far: write it as \udXXX, never fail the batch
            arrow = pa.Table.from_pylist([_valid_strings(r) for r in part_rows], schema=schema)
        arrow = arrow.drop_columns([PARTITION_COLUMN])
        try:
            pq.write_table(arrow, tmp, row_group_size=ROW_GROUP_SIZE, compression="zstd")
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        out.append((tmp, folder / name))


def _valid_strings(row: dict) -> dict:
    def fix(v):
        if isinstance(v, str):
            return v.encode("utf-8", "backslashreplace").decode("utf-8")
        if isinstance(v, list):
            return [fix(x) for x in v]
        return v

    return {k: fix(v) for k, v in row.items()}


def _write_json_durable(path: Path, value) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(value, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _apply_journal(journal: Path) -> int:
    """Rename every temp file a journal lists into place (those left), then drop the journal."""
    moves = json.loads(journal.read_text(encoding="utf-8"))
    done = 0
    for tmp, final in moves:
        if os.path.exists(tmp):
            os.replace(tmp, final)
            done += 1
    journal.unlink()
    return done


def recover_journals(out_dir: Path) -> int:
    """Finish the commits a killed run left half done. Returns the files renamed.

    Call with the output's lock held, before :func:`remove_stale_temp_files`
    (which would delete the temp files a journal still needs).
    """
    folder = Path(out_dir) / JOURNAL_DIR
    if not folder.is_dir():
        return 0
    done = 0
    for journal in sorted(folder.glob("*.json")):
        done += _apply_journal(journal)
    for partial in folder.glob(".*.tmp"):  # a journal never written whole: its batch was never committed
        partial.unlink(missing_ok=True)
    return done


def prepare_output(out_dir: Path) -> tuple[int, int]:
    """Make an output folder whole again after a killed run (lock held).

    Finishes the commits a journal lists (:func:`recover_journals`), then deletes
    stray temp files (:func:`remove_stale_temp_files`).

    Returns:
        ``(files renamed into place, temp files deleted)``.
    """
    return recover_journals(out_dir), remove_stale_temp_files(out_dir)


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
