"""The ``kornews run`` flow: read → clean → analyse → write, in batches.

Reading is a stream (archives are never loaded whole), so it runs in the flow
body and feeds fixed-size batches to the ``analyse_articles`` and
``write_parquet`` tasks. The flow holds an exclusive lock on ``--out`` for its
whole run, ends with a summary (terminal table + Prefect table artifact) and
returns it.

One analyse-and-write path serves every flow (:mod:`pipeline.batch`);
:func:`analyse_and_write` runs it as two tasks in this process.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime
from pathlib import Path
from typing import Optional, Sequence

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact, create_table_artifact

from models.analyse import get_analyzer
from .artifacts import records_markdown
from .ingest import InputMeter, iter_articles
from .store import OutputLock, ParquetStore, utcnow

from .batch import BatchCounts, RunSummary, batched, ingest_config, new_run_id, open_store
from .config import AnalysisConfig, PipelineConfig
from .facts import update_facts
from .progress import RunProgress
from .tasks import DiskFull, analyse_articles, write_parquet


def analyse_and_write(config: AnalysisConfig, store: ParquetStore, items: Sequence, run_id: str,
                      ingested_at: datetime, logger: Optional[logging.Logger] = None) -> tuple[BatchCounts, float]:
    """The whole path for one batch in this process, as Prefect tasks.

    Returns:
        The batch's counts and the seconds spent analysing.
    """
    t0 = time.perf_counter()
    records = analyse_articles(config, list(items), run_id, ingested_at, store.known_article)
    seconds = time.perf_counter() - t0
    return write_parquet(store, records, logger), seconds


@flow(name="kornews-run", log_prints=True)
def run_flow(config: PipelineConfig = PipelineConfig()) -> dict:
    """Ingest ``config.inputs``, extract, and write every contract table under ``config.out``.

    Returns:
        The run's counters; with ``stopped`` (a one-line ``[E089]`` message) when the
        output's disk filled up and the run stopped before the end.
    """
    logger = get_run_logger()
    run_id, ingested_at = new_run_id(), utcnow()
    summary = RunSummary(run_id=run_id)
    analyzer = get_analyzer(*config.analyzer_key())  # load models once, up front
    with OutputLock(config.out_path):
        store = open_store(config.out_path, run_id, ingested_at, analyzer.versions, logger)
        meter = InputMeter.measure(config.inputs) if config.progress else None
        with RunProgress(enabled=config.progress, meter=meter) as progress:
            for batch in batched(iter_articles(config.inputs, ingest_config(config), meter), config.batch_size):
                counts, seconds = analyse_and_write(config, store, batch, run_id, ingested_at, logger)
                if isinstance(counts, DiskFull):
                    stopped = counts.message  # the batch was not kept; the batches before it were
                    break
                summary.add(counts)
                summary.seconds += seconds
                progress.advance(len(batch), summary)
            else:
                stopped = None
        if stopped is None:
            update_facts(config.out_path, run_id)  # under the lock: the facts the new rows touch
    result = {r["metric"]: r["value"] for r in summary.rows()}
    if stopped is not None:
        return {**result, "stopped": stopped}
    publish_artifacts(summary, config.out_path, "kornews run")
    return result


def publish_artifacts(summary: RunSummary, out: Path, command: str) -> None:
    """The run's counters (a table) and its records with their evidence (markdown), for the Prefect UI."""
    create_table_artifact(key="kornews-run-summary", table=summary.rows(),
                          description=f"{command} {summary.run_id} → {out}")
    create_markdown_artifact(key="kornews-records", markdown=records_markdown(out, summary.run_id),
                             description=f"{command} {summary.run_id}: records and evidence")
