"""Compaction: merge the small Parquet files of each partition without changing any row.

Runs and reprocesses write one file per batch, table and partition, so a big
output ends up with many small files; scans then spend their time opening
files. :func:`compact_table` rewrites each partition so that files hold about
``target_rows`` rows (row groups of :data:`pipeline.store.ROW_GROUP_SIZE`).

Crash safety: a partition is swapped as a whole, never file by file.

1. The new partition is built in a staging folder outside the dataset,
   ``OUT/.kornews-staging/<token>/new`` (same file system): merged files are
   written and fsynced there, and files that stay as they are are hard-linked.
   A ``ready`` marker and the partition's path (``target``) are written last.
2. The staged folder and the live partition are exchanged with one
   ``renameat2(RENAME_EXCHANGE)`` call: readers see the old files or the new
   ones, never both. Where the file system cannot exchange, two renames are
   used (live → ``old``, ``new`` → live): for that instant the partition is
   missing, but never duplicated.
3. The old files (now in staging) are deleted.

:func:`recover` runs first on every compaction: a staging folder whose target
exists is deleted (the swap happened, or never started); one whose target is
missing (killed between the two renames) is rolled forward when ``ready``, else
back. Either way each row is visible exactly once. Writers are excluded by
:class:`pipeline.store.OutputLock`, held by the caller.

File metadata: merged files keep the ``kornews`` metadata (component versions,
run id) of their newest input file, plus ``kornews_compacted`` (how many files
were merged). Files written with an older schema (a column missing) are merged
with the missing column as nulls.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.parquet as pq

from models.errors import Errors
from models.schema import PARTITION_COLUMN, SCHEMAS, TABLES
from .store import ROW_GROUP_SIZE

#: Default rows per compacted file.
DEFAULT_TARGET_ROWS = 256 * 1024
#: Flush a row group early when the buffered tables exceed this many bytes (long article bodies).
MAX_BUFFER_BYTES = 128 * 1024 * 1024
STAGING = ".kornews-staging"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


@dataclass
class CompactStats:
    """What :func:`compact_table` did to one table."""

    table: str
    partitions: int = 0
    files_before: int = 0
    files_after: int = 0
    rows: int = 0
    merged: list = field(default_factory=list)


def _libc():
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def exchange_paths(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ``renameat2(RENAME_EXCHANGE)``).

    Returns:
        True when swapped; False when this system or file system cannot (the
        caller falls back to two renames).
    """
    libc = _libc()
    fn = getattr(libc, "renameat2", None) if libc else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    rc = fn(_AT_FDCWD, os.fsencode(str(a)), _AT_FDCWD, os.fsencode(str(b)), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(out_dir: Path) -> int:
    """Finish or undo compactions interrupted by a crash (see module docstring). Returns how many."""
    root = Path(out_dir) / STAGING
    if not root.is_dir():
        return 0
    n = 0
    for job in sorted(p for p in root.iterdir() if p.is_dir()):
        target_file = job / "target"
        target = Path(target_file.read_text(encoding="utf-8")) if target_file.exists() else None
        if target is not None and not target.exists():
            source = job / "new" if (job / "ready").exists() and (job / "new").is_dir() else job / "old"
            if source.is_dir():
                os.replace(source, target)
        shutil.rmtree(job, ignore_errors=True)
        n += 1
    shutil.rmtree(root, ignore_errors=True)
    return n


def _data_files(partition: Path) -> list[Path]:
    # the same files readers see: *.parquet, no dot or underscore names
    return sorted(p for p in partition.glob("*.parquet") if not p.name.startswith((".", "_")))


def _target_schema(table: str, schemas: list[pa.Schema]) -> pa.Schema:
    current = SCHEMAS[table]
    current = current.remove(current.get_field_index(PARTITION_COLUMN))
    return pa.unify_schemas([current] + [s.remove_metadata() for s in schemas], promote_options="permissive")


def _conform(t: pa.Table, schema: pa.Schema) -> pa.Table:
    cols = [t.column(f.name).cast(f.type) if f.name in t.column_names else pa.nulls(len(t), f.type)
            for f in schema]
    return pa.Table.from_arrays(cols, schema=schema)


def _plan_groups(files: list[tuple[Path, int]], target_rows: int) -> tuple[list[Path], list[list[Path]]]:
    keep = [p for p, n in files if n >= target_rows]
    small = [(p, n) for p, n in files if n < target_rows]
    groups: list[list[Path]] = []
    cur: list[Path] = []
    rows = 0
    for p, n in small:
        if cur and rows + n > target_rows:
            groups.append(cur)
            cur, rows = [], 0
        cur.append(p)
        rows += n
    if cur:
        groups.append(cur)
    # a lone small file gains nothing from a rewrite
    keep += [g[0] for g in groups if len(g) == 1]
    return keep, [g for g in groups if len(g) > 1]


def _merge(table: str, files: list[Path], dest: Path) -> int:
    schemas = [pq.read_schema(p) for p in files]
    schema = _target_schema(table, schemas)
    newest = max(files, key=lambda p: (p.stat().st_mtime_ns, p.name))
    meta = dict(pq.read_schema(newest).metadata or {})
    meta[b"kornews_compacted"] = json.dumps({"files": len(files)}).encode()
    schema = schema.with_metadata(meta)
    rows = 0
    buf: list[pa.Table] = []
    buf_rows = buf_bytes = 0
    with pq.ParquetWriter(dest, schema, compression="zstd") as writer:
        def flush() -> None:
            nonlocal buf, buf_rows, buf_bytes
            if buf:
                writer.write_table(pa.concat_tables(buf), row_group_size=ROW_GROUP_SIZE)
            buf, buf_rows, buf_bytes = [], 0, 0

        for p in files:
            t = _conform(pq.read_table(p, partitioning=None), schema)
            rows += len(t)
            buf.append(t)
            buf_rows += len(t)
            buf_bytes += t.nbytes
            if buf_rows >= ROW_GROUP_SIZE or buf_bytes >= MAX_BUFFER_BYTES:
                flush()
        flush()
    with open(dest, "rb+") as fh:
        os.fsync(fh.fileno())
    return rows


def compact_partition(out_dir: Path, table: str, partition: Path, target_rows: int = DEFAULT_TARGET_ROWS,
                      dry_run: bool = False) -> tuple[int, int, int]:
    """Merge the small files of one partition folder. Returns (files before, files after, rows).

    Raises:
        ValueError: ``[E040]`` when ``target_rows`` is not positive.
    """
    if target_rows < 1:
        raise ValueError(Errors.E040.format(value=target_rows))
    files = _data_files(partition)
    counts = [(p, pq.ParquetFile(p).metadata.num_rows) for p in files]
    total = sum(n for _, n in counts)
    keep, groups = _plan_groups(counts, target_rows)
    after = len(keep) + len(groups)
    if not groups or dry_run:
        return len(files), after if dry_run else len(files), total
    job = Path(out_dir) / STAGING / f"{table}-{partition.name}-{uuid.uuid4().hex[:8]}"
    new = job / "new"
    new.mkdir(parents=True)
    (job / "target").write_text(str(partition.resolve()), encoding="utf-8")
    token = uuid.uuid4().hex[:8]
    for p in keep:
        os.link(p, new / p.name)
    for i, group in enumerate(groups, 1):
        _merge(table, group, new / f"part-compact-{token}-{i:05d}.parquet")
    _fsync_dir(new)
    (job / "ready").write_text("", encoding="utf-8")
    _fsync_dir(job)
    if exchange_paths(new, partition):
        # ``new`` now holds the old files
        shutil.rmtree(job)
    else:
        os.replace(partition, job / "old")
        os.replace(new, partition)
        shutil.rmtree(job)
    _fsync_dir(partition.parent)
    try:
        job.parent.rmdir()  # the staging root, when no other job is in it
    except OSError:
        pass
    return len(files), after, total


def compact_table(out_dir: Path, table: str, target_rows: int = DEFAULT_TARGET_ROWS,
                  dry_run: bool = False) -> CompactStats:
    """Compact every partition of one output table (caller holds :class:`OutputLock`).

    Args:
        out_dir: the output folder (``--out``).
        table: one of :data:`models.schema.TABLES`, e.g. ``"entities"``.
        target_rows: rows per merged file (small files are packed up to it).
        dry_run: count what would change; write nothing.

    Returns:
        Partitions seen, files before and after, rows (unchanged by design).

    Raises:
        ValueError: ``[E013]`` for an unknown table.

    Example:
        >>> compact_table(Path("out"), "entities", target_rows=100_000)  # doctest: +SKIP
        CompactStats(table='entities', partitions=3, files_before=120, files_after=3, rows=51234, ...)
    """
    if table not in TABLES:
        raise ValueError(Errors.E013.format(value=table, option="table", valid=", ".join(TABLES)))
    stats = CompactStats(table)
    root = Path(out_dir) / table
    if not root.is_dir():
        return stats
    if not dry_run:
        recover(out_dir)
    for partition in sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith(PARTITION_COLUMN + "=")):
        before, after, rows = compact_partition(out_dir, table, partition, target_rows, dry_run)
        stats.partitions += 1
        stats.files_before += before
        stats.files_after += after
        stats.rows += rows
    return stats


def compact(out_dir: Path, tables: Optional[list[str]] = None, target_rows: int = DEFAULT_TARGET_ROWS,
            dry_run: bool = False) -> list[CompactStats]:
    """Compact the given tables (default: all) of an output folder."""
    if not dry_run:
        recover(out_dir)
    return [compact_table(out_dir, t, target_rows, dry_run) for t in (tables or TABLES)]
