"""Prefect tasks: thin wrappers over :mod:`models` functions.

Each task is one retry/cache boundary. I/O (writing Parquet) retries; CPU work
(analysis) does not, and none of them is cached by inputs because their inputs
are article texts (hashing them would cost more than it saves) — idempotency
comes from ``article_id`` in the store instead. Remove the decorators and the
code still works: that is the test of a thin task.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Optional, Sequence

from prefect import task
from prefect.cache_policies import NO_CACHE

from models.analyse import Records, get_analyzer
from models.schema import RawArticle
from models.store import ParquetStore


@task(name="analyse_articles", cache_policy=NO_CACHE)
def analyse_articles(raws: Sequence[RawArticle], tokenizer: str, ner: str, errors: str, run_id: str,
                     ingested_at: datetime, known: Optional[Callable[[str], bool]] = None) -> Records:
    """Clean, tokenize, tag and extract one batch of articles (skipping ``known`` article ids)."""
    return get_analyzer(tokenizer, ner, errors).process(raws, run_id, ingested_at, known)


@task(name="write_parquet", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def write_parquet(store: ParquetStore, records: Records) -> dict[str, int]:
    """Append one batch to the output tables (atomic files, no duplicate rows)."""
    return store.write_batch(records.as_tables())
