"""``kornews reprocess``: the ``run`` job over big archives, analysed in parallel.

The driver (this process) streams :func:`pipeline.ingest.iter_articles`, cuts the
stream into chunks of ``chunk_size`` articles and submits one
``analyse_chunk`` task per chunk to the flow's task runner:

* local (default): Prefect's ``ProcessPoolTaskRunner`` with ``--workers``
  processes;
* ``--dask-address tcp://host:port``: prefect-dask's ``DaskTaskRunner``
  connected to that cluster.

At most ``max_in_flight`` chunks are submitted and not yet written
(backpressure), so an archive of any size never sits in memory. Results are
written **in submission order** by the driver through a single
:class:`pipeline.store.ParquetStore` while holding :class:`OutputLock`. Writing in
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

import time
from collections import deque
from datetime import datetime
from typing import Optional, Sequence

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from models.analyse import Records

from .batch import RunSummary, batched, ingest_config, new_run_id, open_store
from .config import AnalysisConfig, ReprocessConfig
from .facts import update_facts
from .flows import publish_artifacts
from .ingest import InputMeter, iter_articles
from .progress import RunProgress
from .server import prefect_api
from .store import OutputLock, utcnow
from .tasks import write_parquet
from .workers import ChunkResult, analyse_chunk_fn, drop_known


# ---------------------------------------------------------------------------- the task


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


# ---------------------------------------------------------------------------- the driver

def _task_runner(config: ReprocessConfig):
    if config.dask_address:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=config.dask_address)
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=config.workers)


def _parallelism(config: ReprocessConfig) -> int:
    """Worker slots: ``--workers``, or the threads of the Dask cluster (asked through dask's own client)."""
    if not config.dask_address:
        return config.workers
    from distributed import Client

    with Client(config.dask_address, timeout=30) as client:
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
            future, n_inputs, position = inflight.popleft()
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
            progress.advance(n_inputs, summary, position)

        meter = InputMeter.measure(config.inputs) if config.progress else InputMeter()
        with RunProgress(enabled=config.progress, meter=meter) as progress:
            for i, batch in enumerate(batched(iter_articles(config.inputs, ingest_config(config), meter),
                                              config.chunk_size)):
                future = analyse_chunk.submit(analysis, batch, run_id, ingested_at, i, known_from)
                # the input consumed up to this chunk counts as done when its results are written
                inflight.append((future, len(batch), meter.position))
                while len(inflight) >= max_in_flight:
                    collect()
            while inflight:
                collect()
            flush()
            summary.seconds = time.perf_counter() - t_start
            progress.advance(0, summary)
        update_facts(config.out_path, run_id)  # under the lock: the facts the new rows touch
    logger.info("workers: %s; analyzer loads per worker: %s", len(pids), sorted(pids.values()))
    publish_artifacts(summary, config.out_path, "kornews reprocess")
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


