"""Prefect tasks: thin wrappers over the flows' plain functions.

Each task is one retry/cache boundary. I/O (writing Parquet) retries; CPU work
(analysis) does not, and none of them is cached by inputs because their inputs
are article texts (hashing them would cost more than it saves) — idempotency
comes from ``article_id`` in the store instead. Remove the decorators and the
code still works: that is the test of a thin task.
"""
from __future__ import annotations

import errno
import logging
import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Optional, Sequence

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.analyse import Records
from .store import ParquetStore

from .batch import analyse_batch, write_records


@task(name="analyse_articles", cache_policy=NO_CACHE)
def analyse_articles(config, items: Sequence, run_id: str, ingested_at: datetime,
                     known: Optional[Callable[[str], bool]] = None) -> Records:
    """Clean, tokenize, tag and extract one batch of ingest items (skipping ``known`` article ids)."""
    return analyse_batch(config, items, run_id, ingested_at, known)


#: a full disk or quota: no retry cures it, so :func:`write_parquet` returns :class:`DiskFull`
_FULL = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class DiskFull:
    """A batch that could not be written because the disk is full: the flow stops on it.

    Returned, not raised, so that an expected stop is one line for the user and not a
    failed task's traceback (the commit is atomic: nothing of the batch was kept)."""

    message: str


@task(name="write_parquet", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def write_parquet(store: ParquetStore, records: Records, logger: Optional[logging.Logger] = None):
    """Append one batch to the output tables (atomic commit, no duplicate rows) and count it.

    Returns:
        The batch's counts, or :class:`DiskFull` when the output's disk is full.
    """
    try:
        return write_records(store, records, logger)
    except OSError as e:
        if e.errno not in _FULL:
            raise
        return disk_full(store.out_dir, e)


def disk_full(root, e: OSError) -> DiskFull:
    """The one-line ``[E089]`` message for a full disk under ``root``."""
    from models.errors import Errors

    from .progress import format_size

    try:
        free = shutil.disk_usage(root).free
    except OSError:
        free = 0
    return DiskFull(Errors.E089.format(path=e.filename or root, free=format_size(free)))

