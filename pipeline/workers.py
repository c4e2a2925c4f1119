"""The worker side of ``kornews reprocess``: one chunk of ingest items → rows, in a worker process.

Plain functions (no Prefect): :func:`analyse_chunk_fn` is what the ``analyse_chunk``
task runs on a process-pool or Dask worker, and :func:`drop_known` what the driver
does with each chunk's rows before writing them.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import resource
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional, Sequence

from models.analyse import Records, get_analyzer

from .batch import analyse_batch
from .config import AnalysisConfig
from .store import read_table


@dataclass
class ChunkResult:
    """What one ``analyse_chunk`` returns to the driver."""

    records: Records
    chunk: int
    pid: int
    host: str
    #: Analyzer constructions in this worker process so far (1 when models load once)
    analyzer_loads: int
    versions: dict = field(default_factory=dict)
    seconds: float = 0.0
    #: the Prefect API the task run reported to (``None`` for ephemeral)
    api_url: Optional[str] = None
    #: peak RSS of the worker process so far, MiB
    peak_rss_mib: float = 0.0


_PROCESS_LOCK = threading.Lock()


@contextlib.contextmanager
def _staggered_model_load(first: bool) -> Iterator[None]:
    # Loading the models peaks at ~1.4 GiB RSS for a few seconds and settles at
    # ~0.6 GiB (measured with ner=default). Workers on one host take turns loading
    # (an flock per user in the temp folder), so N workers peak at one load, not N.
    if not first:
        yield
        return
    path = Path(tempfile.gettempdir()) / f"kornews-model-load-{os.getuid()}.lock"
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@functools.lru_cache(maxsize=2)
def _known_ids(out_dir: str, token: str) -> frozenset:
    # Article ids written before this run started, read once per worker and run
    # (``token`` is the run id). Only saves analysis on a rerun: the driver drops
    # known articles anyway, so a worker that cannot see ``out_dir`` (remote Dask)
    # loses nothing but time.
    if not Path(out_dir).is_dir():
        return frozenset()
    return frozenset(read_table(Path(out_dir), "articles", ["article_id"]).column("article_id").to_pylist())


def analyse_chunk_fn(config: AnalysisConfig, items: Sequence, run_id: str, ingested_at: datetime, chunk: int = 0,
                     known_from: Optional[str] = None) -> ChunkResult:
    """Analyse one chunk of ingest items in this process (models cached per process).

    Args:
        items: the chunk, in input order: raw articles and quarantine records.
        known_from: output folder whose existing articles are skipped (reruns).

    Returns:
        The chunk's records plus where and how it ran.
    """
    t0 = time.perf_counter()
    # A Dask worker may run several tasks in threads: build the models once, and
    # never run one spaCy pipeline from two threads (CPU-bound under the GIL anyway;
    # start Dask workers with --nthreads 1 and more --nworkers instead).
    with _PROCESS_LOCK:
        with _staggered_model_load(get_analyzer.cache_info().currsize == 0):
            analyzer = get_analyzer(*config.analyzer_key())
        known = _known_ids(known_from, run_id).__contains__ if known_from else None
        records = analyse_batch(config, items, run_id, ingested_at, known)
    return ChunkResult(records, chunk, os.getpid(), socket.gethostname(), get_analyzer.cache_info().misses,
                       dict(analyzer.versions), time.perf_counter() - t0,
                       peak_rss_mib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def drop_known(records: Records, seen: set, known) -> Records:
    """Drop the rows of articles already written or already seen in this run.

    This is the sequential run's ``known`` check, done in the driver because
    workers cannot see each other's chunks. ``seen`` is updated in place.

    Args:
        records: one chunk's rows (article ids are unique within a chunk).
        seen: article ids kept so far in this run.
        known: ``article_id -> bool`` for articles already in the output.

    Returns:
        The records without those articles' rows (``skipped`` counts them).
    """
    drop = set()
    for a in records.articles:
        if a.article_id in seen or known(a.article_id):
            drop.add(a.article_id)
        else:
            seen.add(a.article_id)
    if not drop:
        return records
    out = Records(skipped=records.skipped + len(drop), quarantine=records.quarantine)
    for name in ("articles", "entities", "paper_counts", "investments"):
        getattr(out, name).extend(r for r in getattr(records, name) if r.article_id not in drop)
    return out
