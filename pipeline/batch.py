"""One batch of ingest items → rows → written counts: the path every flow shares.

:func:`analyse_batch` takes a batch of ingest items (articles and quarantine
records) to rows, :func:`write_records` writes them and counts what they added,
and :meth:`RunSummary.add` adds the counts up. ``run`` and ``serve`` chain the
two in one process (as Prefect tasks, :mod:`pipeline.tasks`); ``reprocess`` runs
:func:`analyse_batch` on its workers and :func:`write_records` in the driver.
Plain functions: no Prefect here, so tests call them directly.
"""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from models.analyse import Records, get_analyzer
from .ingest import IngestConfig
from models.schema import UNKNOWN_MONTH, QuarantineRecord, RawArticle, ingest_month
from .store import ParquetStore, prepare_output, utcnow

from .config import AnalysisConfig, PipelineConfig


@dataclass
class BatchCounts:
    """What one batch added to the output (the same meaning in every flow)."""

    articles: int = 0
    duplicates_skipped: int = 0
    entities: int = 0
    paper_counts: int = 0
    investments: int = 0
    #: inputs of this batch that ended in ``quarantine`` (rows already there from an earlier run included)
    quarantined: int = 0
    #: characters of the articles analysed
    chars: int = 0


@dataclass
class RunSummary(BatchCounts):
    run_id: str = ""
    seconds: float = 0.0

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def add(self, counts: BatchCounts) -> None:
        for f in fields(BatchCounts):
            setattr(self, f.name, getattr(self, f.name) + getattr(counts, f.name))

    def rows(self) -> list[dict]:
        d = {"run_id": self.run_id, **{f.name: getattr(self, f.name) for f in fields(BatchCounts)}}
        d["seconds"] = round(self.seconds, 2)
        d["chars_per_s"] = round(self.chars_per_s)
        return [{"metric": k, "value": v} for k, v in d.items()]


def new_run_id() -> str:
    return utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def ingest_config(cfg: PipelineConfig) -> IngestConfig:
    base = IngestConfig()
    field_map = dict(base.field_map)
    if cfg.field_map:
        field_map.update(cfg.field_map)
    return IngestConfig(field_map=field_map, max_member_bytes=cfg.max_member_bytes,
                        max_archive_bytes=cfg.max_archive_bytes)


def stamp(q: QuarantineRecord, run_id: str, ingested_at: datetime) -> QuarantineRecord:
    """A quarantine record with the run's id, time and partition (kept when already set)."""
    if q.run_id:
        return q
    return QuarantineRecord(q.source, q.error_type, q.error, run_id, ingested_at, ingest_month(ingested_at),
                            q.stage)


def split_batch(batch: Iterable, run_id: str, ingested_at) -> tuple[list[RawArticle], list[QuarantineRecord]]:
    """Split ingest output into articles and quarantine rows stamped with the run."""
    raws, bad = [], []
    for item in batch:
        if isinstance(item, RawArticle):
            raws.append(item)
        else:
            bad.append(stamp(item, run_id, ingested_at))
    return raws, bad


def batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def analyse_batch(config: AnalysisConfig, items: Sequence[Union[RawArticle, QuarantineRecord]], run_id: str,
                  ingested_at: datetime, known: Optional[Callable[[str], bool]] = None) -> Records:
    """Ingest items → rows of every table: articles analysed, quarantine records stamped and kept.

    Args:
        known: ``article_id -> bool``; articles it knows are skipped without analysis.
    """
    raws, bad = split_batch(items, run_id, ingested_at)
    records = get_analyzer(*config.analyzer_key()).process(raws, run_id, ingested_at, known)
    records.quarantine.extend(bad)
    return records


def write_records(store: ParquetStore, records: Records, logger: Optional[logging.Logger] = None) -> BatchCounts:
    """Write one batch's rows (deduplicated by the store) and count what it added."""
    for q in records.quarantine:
        if logger is not None:
            logger.warning("quarantined %s: %s", q.source, q.error)
    written = store.write_batch(records.as_tables())
    return BatchCounts(
        articles=written["articles"],
        duplicates_skipped=records.skipped + len(records.articles) - written["articles"],
        entities=written["entities"],
        paper_counts=written["paper_counts"],
        investments=written["investments"],
        quarantined=len(records.quarantine),
        chars=sum(len(a.body) for a in records.articles),
    )


def open_store(out, run_id: str, ingested_at: datetime, metadata: Optional[dict] = None,
               logger: Optional[logging.Logger] = None) -> ParquetStore:
    """The store of a run that holds ``out``'s lock: a killed run's leftovers mended, every table present."""
    renamed, stale = prepare_output(out)
    if logger is not None and (renamed or stale):
        logger.warning("finished %d file(s) of an interrupted commit and removed %d partial file(s)", renamed, stale)
    store = ParquetStore(out, run_id, metadata=metadata)
    store.ensure_tables(UNKNOWN_MONTH)  # zero-row files claim no month (not the ingest month's)
    return store
