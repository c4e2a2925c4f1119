"""``kornews reprocess``: the ``run`` job over big archives, analysed in parallel.

The driver (this process) streams :func:`models.ingest.iter_articles`, cuts the
stream into chunks of ``chunk_size`` articles and submits one
``analyse_chunk`` task per chunk to the flow's task runner:

* local (default): Prefect's ``ProcessPoolTaskRunner`` with ``--workers``
  processes;
* ``--dask-address tcp://host:port``: prefect-dask's ``DaskTaskRunner``
  connected to that cluster.

At most ``max_in_flight`` chunks are submitted and not yet written
(backpressure), so an archive of any size never sits in memory. Results are
written **in submission order** by the driver through a single
:class:`models.store.ParquetStore` while holding :class:`OutputLock`. Writing in
input order, and dropping the rows of articles already written (by this run or
an earlier one), gives exactly the rows a sequential ``kornews run`` of the
same input writes, whatever the worker count or completion order.

Task runs on workers report to the Prefect API. Prefect's ephemeral API lives in
the process that starts it, so a worker that finds no ``PREFECT_API_URL`` starts
its *own* server (~9-50 s each, measured here, and SQLite lock errors when they
share a ``PREFECT_HOME``). The flow is therefore always run against one real
API: ``PREFECT_API_URL`` when it is set, else a ``prefect server start``
subprocess on loopback (:func:`pipeline.server.local_prefect_server`) for the
length of the command. Workers get its URL with the serialized settings that
both task runners ship with every task. A Dask cluster on other machines needs
a ``PREFECT_API_URL`` they can reach.

Models load once per worker process (``get_analyzer``'s ``lru_cache``); the
driver loads none.
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
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Iterator, Optional, Sequence

import click
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import Field

from models.analyse import Records, get_analyzer
from models.ingest import iter_articles
from models.store import OutputLock, read_table, utcnow

from .batch import RunSummary, analyse_batch, batched, ingest_config, new_run_id, open_store
from .config import AnalysisConfig, PipelineConfig
from .options import (analysis_options, check_tokenizer, command_errors, hold_output, make_config, parse_field_map,
                      quiet_prefect)
from .progress import RunProgress
from .server import prefect_api
from .tasks import write_parquet


class ReprocessConfig(PipelineConfig):
    """Configuration of one ``kornews reprocess``: a :class:`PipelineConfig` plus parallelism."""

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=512)
    """Local worker processes (ignored with ``dask_address``: the cluster's threads count)."""

    dask_address: Optional[str] = None
    """Scheduler of an existing Dask cluster, e.g. ``tcp://127.0.0.1:8786``. None: local processes."""

    chunk_size: int = Field(200, ge=1, le=10_000)
    """Articles per task (one unit of parallel work)."""

    max_in_flight: Optional[int] = Field(None, ge=1)
    """Chunks submitted but not yet written; default ``2 × workers``. Bounds the driver's memory."""

    flush_articles: int = Field(2000, ge=1)
    """Articles buffered in the driver before a write (fewer, larger Parquet files)."""


# ---------------------------------------------------------------------------- worker side

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


# cache_result_in_memory=False: Prefect would otherwise keep up to 1000 results (whole
# chunks of records) per worker process in its in-memory result cache.
@task(name="analyse_chunk", cache_policy=NO_CACHE, cache_result_in_memory=False)
def analyse_chunk(config: AnalysisConfig, items: Sequence, run_id: str, ingested_at: datetime, chunk: int = 0,
                  known_from: Optional[str] = None) -> ChunkResult:
    """Clean, tokenize, tag and extract one chunk on a worker."""
    from prefect.settings import get_current_settings

    result = analyse_chunk_fn(config, items, run_id, ingested_at, chunk, known_from)
    url = get_current_settings().api.url
    result.api_url = str(url) if url else None
    return result


# ---------------------------------------------------------------------------- driver side

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


def _task_runner(config: ReprocessConfig):
    if config.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=config.dask_address)
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=config.workers)


def _parallelism(config: ReprocessConfig) -> int:
    if not config.dask_address:
        return config.workers
    from prefect.context import FlowRunContext

    ctx = FlowRunContext.get()
    runner = getattr(ctx, "task_runner", None) if ctx else None
    client = getattr(runner, "_client", None)
    if client is None:
        return config.workers
    return max(1, sum(client.nthreads().values()))


@flow(name="kornews-reprocess", log_prints=True)
def reprocess_flow(config: ReprocessConfig) -> dict:
    """Reprocess ``config.inputs`` in parallel chunks; the rows equal a sequential ``run_flow``."""
    logger = get_run_logger()
    run_id, ingested_at = new_run_id(), utcnow()
    summary = RunSummary(run_id=run_id)
    workers = _parallelism(config)
    max_in_flight = config.max_in_flight or 2 * workers
    pids: dict[tuple[str, int], int] = {}
    peak_rss: dict[tuple[str, int], float] = {}
    api_urls: set = set()
    analysis = AnalysisConfig(**{k: getattr(config, k) for k in AnalysisConfig.model_fields})
    t_start = time.perf_counter()
    with OutputLock(config.out_path):
        store = open_store(config.out_path, run_id, ingested_at, None, logger)
        known_from = str(config.out_path.resolve())
        seen: set = set()
        pending = Records()
        inflight: deque = deque()

        def flush() -> None:
            nonlocal pending
            if not (pending.articles or pending.quarantine or pending.skipped):
                return
            summary.add(write_parquet(store, pending, logger))
            pending = Records()

        def collect() -> None:
            future, n_inputs = inflight.popleft()
            res: ChunkResult = future.result()
            logger.debug("chunk %d: %.2f s on %s:%d (peak RSS %.0f MiB)", res.chunk, res.seconds, res.host, res.pid,
                         res.peak_rss_mib)
            peak_rss[(res.host, res.pid)] = res.peak_rss_mib
            pids[(res.host, res.pid)] = max(pids.get((res.host, res.pid), 0), res.analyzer_loads)
            api_urls.add(res.api_url)
            if not store.metadata.get("tokenizer"):
                store.metadata.update({k: str(v) for k, v in res.versions.items()})
            pending.extend(drop_known(res.records, seen, store.known_article))
            if len(pending.articles) + len(pending.quarantine) >= config.flush_articles:
                flush()
            progress.advance(n_inputs, summary)

        with RunProgress(enabled=config.progress) as progress:
            for i, batch in enumerate(batched(iter_articles(config.inputs, ingest_config(config)), config.chunk_size)):
                future = analyse_chunk.submit(analysis, batch, run_id, ingested_at, i, known_from)
                inflight.append((future, len(batch)))
                while len(inflight) >= max_in_flight:
                    collect()
            while inflight:
                collect()
            flush()
            summary.seconds = time.perf_counter() - t_start
            progress.advance(0, summary)
    logger.info("workers: %s; analyzer loads per worker: %s", len(pids), sorted(pids.values()))
    result = {r["metric"]: r["value"] for r in summary.rows()}
    result["workers_used"] = len(pids)
    result["max_analyzer_loads_per_worker"] = max(pids.values(), default=0)
    result["max_worker_peak_rss_mib"] = round(max(peak_rss.values(), default=0.0))
    result["worker_api_urls"] = sorted(u for u in api_urls if u) or [None]
    return result


def run_reprocess(config: ReprocessConfig) -> dict:
    """Run :func:`reprocess_flow` with the right task runner against one real Prefect API."""
    # Lock first: a second run on the same --out is refused before a server is started.
    with OutputLock(config.out_path, shared=True), prefect_api(shared=True):
        return reprocess_flow.with_options(task_runner=_task_runner(config))(config)


@click.command(name="reprocess")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Output folder (one Parquet dataset per table).")
@click.option("--workers", type=click.IntRange(1, 512), default=None,
              help="Local worker processes [default: CPU count]. Ignored with --dask-address.")
@click.option("--dask-address", default=None, help="Dask scheduler, e.g. tcp://127.0.0.1:8786 (default: local processes).")
@analysis_options
@click.option("--chunk-size", default=200, show_default=True, type=click.IntRange(1, 10_000),
              help="Articles per parallel task.")
@click.option("--field-map", default=None, help='JSON key mapping, e.g. \'{"text": ["본문"]}\'.')
@click.option("--no-progress", is_flag=True, help="Do not show the progress bar.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's task logs.")
def reprocess(inputs, out, workers, dask_address, tokenizer, ner, device, max_article_chars, chunk_size, field_map,
              no_progress, verbose):
    """Reprocess ARCHIVE... in parallel: the rows equal a sequential `kornews run` of the same input.

    Runs on local processes by default, or on a Dask cluster with
    --dask-address. Prefect task runs report to PREFECT_API_URL when set,
    else to a local `prefect server start` that lives as long as the command.

    Example:

    \b
        kornews reprocess archive-2023.jsonl.gz archive-2024.zip --out out --workers 4
        kornews reprocess archive.jsonl.gz --out out --dask-address tcp://127.0.0.1:8786
    """
    quiet_prefect(verbose)
    kwargs = dict(inputs=list(inputs), out=out, tokenizer=tokenizer, ner=ner, device=device,
                  max_article_chars=max_article_chars, chunk_size=chunk_size, dask_address=dask_address,
                  progress=not no_progress)
    if workers:
        kwargs["workers"] = workers
    if field_map:
        kwargs["field_map"] = parse_field_map(field_map)
    config = make_config(ReprocessConfig, **kwargs)
    check_tokenizer(config)
    with command_errors():
        with contextlib.ExitStack() as stack:
            hold_output(config.out_path, stack)  # refused at once, before a server is started
            summary = run_reprocess(config)
    from .progress import print_summary

    print_summary({k: v for k, v in summary.items() if not isinstance(v, list)})
