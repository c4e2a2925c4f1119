"""The ``kornews-ingest`` flow that ``kornews serve`` schedules: inbox files and feeds → Parquet.

One run: scan the inbox folders for files not handled yet, read them as
``kornews run`` does, then poll each feed (conditional GET), fetch the pages of
its new items, and analyse and write everything in batches. What was handled is
recorded in ``OUT/_state`` (:mod:`models.state`) after each batch is written, so
an inbox file is read once, a page is fetched once, and a copy of an article
already written adds nothing (``article_id`` dedup in the store).

Network I/O (``fetch_feed``, ``fetch_article``) is its own task with retries and
back-off, retried only for failures that may pass (:class:`~models.errors.FetchError`).
A feed or page that still fails is quarantined with its reason and the run goes
on. A page that keeps failing is tried again on the next runs, up to
``max_page_failures`` runs; until then its feed's validators are not advanced,
so the next poll lists it again even if the feed is unchanged.
"""
# No ``from __future__ import annotations`` here: a served run loads this flow from
# its entrypoint, and Prefect's parameter model must see ServeConfig itself, not
# the string "ServeConfig" (pydantic: "Ingest_FlowModel is not fully defined").
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Sequence

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import Field, field_validator

from models.analyse import get_analyzer
from models.errors import FetchError, FetchRefused, LockError
from models.feeds import FeedItem, FeedResult, FeedValidators, Fetcher, FetchConfig
from models.ingest import iter_articles
from models.schema import QuarantineRecord, RawArticle
from models.state import IngestState, InboxScan
from models.store import OutputLock, ParquetStore, utcnow

from .batch import RunSummary, batched, new_run_id, open_store, stamp
from .config import AnalysisConfig
from .flows import analyse_and_write

#: Default back-off between the tries of one fetch, in seconds.
DEFAULT_RETRY_DELAYS = [2.0, 10.0, 30.0]


class ServeConfig(AnalysisConfig):
    """Configuration of one ``kornews-ingest`` run (the flow's single typed parameter)."""

    inbox: list[str] = Field(default_factory=list)
    """Inbox folders (searched recursively), files or globs; each file is read once."""

    feeds: list[str] = Field(default_factory=list)
    """RSS 2.0 or Atom feed URLs (http/https)."""

    out: str = "out"
    """Output folder; state is kept in ``out/_state``."""

    min_interval: float = Field(1.0, ge=0)
    """Seconds between two requests to the same host (robots.txt ``Crawl-delay`` wins when longer)."""

    timeout: float = Field(10.0, gt=0)
    """Seconds for connecting and for each read of one request."""

    fetch_retries: int = Field(3, ge=0, le=20)
    """Retries of a feed or page fetch that failed for a reason that may pass."""

    retry_delays: list[float] = Field(default_factory=lambda: list(DEFAULT_RETRY_DELAYS))
    """Seconds before each retry; the last one repeats. Default 2, 10, 30."""

    max_page_failures: int = Field(3, ge=1)
    """Runs a failing page is tried in before it is given up (its quarantine row stays)."""

    settle_seconds: float = Field(2.0, ge=0)
    """Inbox files modified less than this long ago wait for the next run (still being copied)."""

    respect_robots: bool = True
    """Fetch article pages only where robots.txt allows ``kornews/<version>``."""

    allow_hosts: list[str] = Field(default_factory=list)
    """Hosts a feed's links may point to at any address (an intranet site). Default: none."""

    allow_private_links: bool = False
    """Fetch a feed's links at loopback, private and link-local addresses too. Default: off."""

    @field_validator("feeds")
    @classmethod
    def _http_feeds(cls, v: list[str]) -> list[str]:
        for url in v:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(f"Invalid value '{url}' for feed. Valid values: http:// or https:// URLs")
        return v

    def fetch_config(self) -> FetchConfig:
        return FetchConfig(min_interval=self.min_interval, timeout=self.timeout, respect_robots=self.respect_robots,
                           allow_hosts=tuple(self.allow_hosts), allow_private_links=self.allow_private_links)


# ---------------------------------------------------------------------------
# Tasks
# ---------------------------------------------------------------------------

def retry_transient(task, task_run, state) -> bool:
    """Prefect ``retry_condition_fn``: retry network failures that may pass, nothing else."""
    exc = state.result(raise_on_failure=False)
    return isinstance(exc, FetchError)


@task(name="scan_inbox", cache_policy=NO_CACHE)
def scan_inbox(state: IngestState, inbox: Sequence[str], settle_seconds: float) -> InboxScan:
    """List the inbox files not handled yet (local disk: no retries)."""
    return state.scan_inbox(inbox, settle_seconds)


@task(name="fetch_feed", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=DEFAULT_RETRY_DELAYS,
      retry_condition_fn=retry_transient)
def fetch_feed(fetcher: Fetcher, url: str, validators: FeedValidators) -> FeedResult:
    """Poll one RSS/Atom feed with a conditional GET."""
    return fetcher.fetch_feed(url, validators)


@task(name="fetch_article", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=DEFAULT_RETRY_DELAYS,
      retry_condition_fn=retry_transient)
def fetch_article(fetcher: Fetcher, item: FeedItem) -> RawArticle | QuarantineRecord:
    """Fetch one feed item's page (robots.txt, rate limit) and read it as an article."""
    return fetcher.fetch_article(item)


# ---------------------------------------------------------------------------
# Flow
# ---------------------------------------------------------------------------

def _failure(source: str, exc: BaseException, run_id: str, ingested_at: datetime) -> QuarantineRecord:
    return stamp(QuarantineRecord(source, type(exc).__name__, str(exc) or repr(exc)), run_id, ingested_at)


class _Run:
    """Per-run bookkeeping shared by the inbox and feed halves of the flow."""

    def __init__(self, config: ServeConfig, store: ParquetStore, run_id: str, ingested_at: datetime, logger):
        self.config, self.store, self.run_id, self.ingested_at, self.logger = config, store, run_id, ingested_at, logger
        self.counts = RunSummary(run_id=run_id)
        self.summary = {"run_id": run_id, "inbox_files": 0, "duplicate_files": 0, "feeds_polled": 0,
                        "feeds_not_modified": 0, "pages_fetched": 0}

    def write(self, raws: list[RawArticle], bad: list[QuarantineRecord]) -> None:
        """Analyse ``raws`` and write them with the quarantine rows ``bad``."""
        counts, seconds = analyse_and_write(self.config, self.store, [*raws, *bad], self.run_id, self.ingested_at,
                                            self.logger)
        self.counts.add(counts)
        self.counts.seconds += seconds

    def result(self) -> dict:
        c = self.counts
        return {**self.summary, "articles": c.articles, "duplicates_skipped": c.duplicates_skipped,
                "quarantined": c.quarantined, "seconds": round(c.seconds, 2)}


def _ingest_inbox(run: _Run, state: IngestState) -> None:
    config = run.config
    scan = scan_inbox(state, config.inbox, config.settle_seconds)
    for found in scan.duplicates:
        run.logger.info("skipped %s: same bytes as a file already ingested", found.path)
        state.mark_file(found, "duplicate")
    run.summary["duplicate_files"] += len(scan.duplicates)
    if scan.problems:
        run.write([], list(scan.problems))
    for chunk in batched(scan.new, config.batch_size):
        for batch in batched(iter_articles([f.path for f in chunk]), config.batch_size):
            run.write([r for r in batch if isinstance(r, RawArticle)],
                      [q for q in batch if isinstance(q, QuarantineRecord)])
        for found in chunk:
            state.mark_file(found)
        run.summary["inbox_files"] += len(chunk)
        state.save()
    if scan.duplicates:
        state.save()


def _ingest_feed(run: _Run, state: IngestState, fetcher: Fetcher, feed_url: str) -> None:
    config = run.config
    retry = dict(retries=config.fetch_retries, retry_delay_seconds=list(config.retry_delays))
    polled = fetch_feed.with_options(**retry)(fetcher, feed_url, state.validators(feed_url), return_state=True)
    run.summary["feeds_polled"] += 1
    if polled.is_failed():
        run.write([], [_failure(feed_url, polled.result(raise_on_failure=False), run.run_id, run.ingested_at)])
        return
    result: FeedResult = polled.result()
    if result.not_modified:
        run.summary["feeds_not_modified"] += 1
        return
    pending = False  # a page failed but will be tried again: keep the old validators
    raws: list[RawArticle] = []
    bad: list[QuarantineRecord] = list(result.problems)
    handled: list[str] = []
    seen: set[str] = set()
    fetch = fetch_article.with_options(**retry)
    for item in result.items:
        if item.url in seen or state.url_done(item.url):
            continue
        seen.add(item.url)
        page = fetch(fetcher, item, return_state=True)
        if page.is_failed():
            exc = page.result(raise_on_failure=False)
            bad.append(_failure(item.url, exc, run.run_id, run.ingested_at))
            if isinstance(exc, FetchRefused):
                state.mark_url(item.url, "refused", error=str(exc))
            elif state.record_failure(item.url, str(exc)) < config.max_page_failures:
                pending = True
            else:
                state.mark_url(item.url, "refused", error=str(exc))
            continue
        run.summary["pages_fetched"] += 1
        value = page.result()
        if isinstance(value, RawArticle):
            raws.append(value)
        else:
            bad.append(value)
        handled.append(item.url)
        if len(raws) >= config.batch_size:
            run.write(raws, bad)
            for url in handled:
                state.mark_url(url, "done")
            state.save()
            raws, bad, handled = [], [], []
    if raws or bad:
        run.write(raws, bad)
    for url in handled:
        state.mark_url(url, "done")
    if not pending:
        state.set_validators(feed_url, result.validators)
    state.save()


@flow(name="kornews-ingest", log_prints=True)
def ingest_flow(config: ServeConfig = ServeConfig()) -> dict:
    """Ingest new inbox files and new feed items once, and write them under ``config.out``.

    Returns:
        A summary: files and pages read, articles written, duplicates skipped,
        rows quarantined. When another run holds the output's lock the run does
        nothing and says so (``skipped_locked``): the next scheduled run picks
        the work up.
    """
    logger = get_run_logger()
    run_id, ingested_at = new_run_id(), utcnow()
    out = Path(config.out)
    analyzer = get_analyzer(*config.analyzer_key())
    try:
        lock = OutputLock(out).__enter__()
    except LockError as exc:
        logger.warning("%s; this run does nothing, the next one will", exc)
        return {"run_id": run_id, "skipped_locked": 1}
    try:
        state = IngestState(out)
        store = open_store(out, run_id, ingested_at, analyzer.versions, logger)
        run = _Run(config, store, run_id, ingested_at, logger)
        if config.inbox:
            _ingest_inbox(run, state)
        if config.feeds:
            with Fetcher(config.fetch_config()) as fetcher:
                for feed_url in config.feeds:
                    _ingest_feed(run, state, fetcher, feed_url)
    finally:
        lock.__exit__(None, None, None)
    summary = run.result()
    logger.info("kornews-ingest %s: %s", run_id, summary)
    return summary
