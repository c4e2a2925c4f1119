"""The ``kornews run`` flow: read → clean → analyse → write, in batches.

Reading is a stream (archives are never loaded whole), so it runs in the flow
body and feeds fixed-size batches to the ``analyse_articles`` and
``write_parquet`` tasks. The flow holds an exclusive lock on ``--out`` for its
whole run, ends with a summary (terminal table + Prefect table artifact) and
returns it.
"""

import time
import uuid
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from models.analyse import get_analyzer
from models.ingest import IngestConfig, iter_articles
from models.schema import QuarantineRecord, RawArticle
from models.store import OutputLock, ParquetStore, partition_month, remove_stale_temp_files, utcnow

from .config import PipelineConfig
from .progress import RunProgress
from .tasks import analyse_articles, write_parquet


@dataclass
class RunSummary:
    run_id: str
    articles: int = 0
    duplicates_skipped: int = 0
    entities: int = 0
    paper_counts: int = 0
    investments: int = 0
    quarantined: int = 0
    chars: int = 0
    seconds: float = 0.0

    @property
    def chars_per_s(self) -> float:
        return self.chars / self.seconds if self.seconds else 0.0

    def rows(self) -> list[dict]:
        d = asdict(self)
        d["chars_per_s"] = round(self.chars_per_s)
        d["seconds"] = round(self.seconds, 2)
        return [{"metric": k, "value": v} for k, v in d.items()]


def ingest_config(cfg: PipelineConfig) -> IngestConfig:
    base = IngestConfig()
    field_map = dict(base.field_map)
    if cfg.field_map:
        field_map.update(cfg.field_map)
    return IngestConfig(field_map=field_map, max_member_bytes=cfg.max_member_bytes,
                        max_archive_bytes=cfg.max_archive_bytes)


def split_batch(batch: list, run_id: str, ingested_at) -> tuple[list[RawArticle], list[QuarantineRecord]]:
    """Split ingest output into articles and quarantine rows stamped with the run."""
    raws = [r for r in batch if isinstance(r, RawArticle)]
    bad = [QuarantineRecord(q.source, q.error_type, q.error, run_id, ingested_at, partition_month(None, ingested_at))
           for q in batch if isinstance(q, QuarantineRecord)]
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


@flow(name="kornews-run", log_prints=True)
def run_flow(config: PipelineConfig = PipelineConfig()) -> dict:
    """Ingest ``config.inputs``, extract, and write every contract table under ``config.out``."""
    logger = get_run_logger()
    run_id = utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    ingested_at = utcnow()
    summary = RunSummary(run_id)
    analyzer = get_analyzer(config.tokenizer, config.ner, config.errors)  # load models once, up front
    with OutputLock(config.out_path):
        stale = remove_stale_temp_files(config.out_path)
        if stale:
            logger.warning("removed %d partial files left by an interrupted run", stale)
        store = ParquetStore(config.out_path, run_id, metadata=analyzer.versions)
        with RunProgress(enabled=config.progress) as progress:
            for batch in batched(iter_articles(config.inputs, ingest_config(config)), config.batch_size):
                raws, bad = split_batch(batch, run_id, ingested_at)
                for q in bad:
                    logger.warning("quarantined %s: %s", q.source, q.error)
                t0 = time.perf_counter()
                records = analyse_articles(raws, config.tokenizer, config.ner, config.errors, run_id, ingested_at,
                                           store.known_article)
                summary.seconds += time.perf_counter() - t0
                for q in records.quarantine:
                    logger.warning("quarantined %s: %s", q.source, q.error)
                records.quarantine.extend(bad)
                written = write_parquet(store, records)
                summary.articles += written["articles"]
                summary.duplicates_skipped += records.skipped + len(records.articles) - written["articles"]
                summary.entities += written["entities"]
                summary.paper_counts += written["paper_counts"]
                summary.investments += written["investments"]
                summary.quarantined += len(records.quarantine)
                summary.chars += sum(len(a.body) for a in records.articles)
                progress.advance(len(batch), summary)
    create_table_artifact(key="kornews-run-summary", table=summary.rows(),
                          description=f"kornews run {run_id} → {config.out}")
    return {r["metric"]: r["value"] for r in summary.rows()}
