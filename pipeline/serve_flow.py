"""The ``kornews-ingest`` flow that ``kornews serve`` schedules: inbox files and feeds → Parquet.

One run: scan the inbox folders for files not handled yet, read them as
``kornews run`` does, then poll each feed (conditional GET), fetch the pages of
its new items, and analyse and write everything in batches. What was handled is
recorded in ``OUT/_state`` (:mod:`pipeline.state`) after each batch is written, so
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
import os
import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Sequence

import click
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from models.analyse import get_analyzer
from models.errors import Errors, FetchError, FetchRefused, LockError, OutputError
from .feeds import FeedItem, FeedResult, FeedValidators, Fetcher
from .ingest import iter_articles
from models.schema import QuarantineRecord, RawArticle
from .state import IngestState, InboxScan
from .store import OutputLock, ParquetStore, utcnow

from .batch import RunSummary, batched, new_run_id, open_store, stamp
from .config import DEFAULT_RETRY_DELAYS, ServeConfig
from .facts import update_facts
from .flows import analyse_and_write
from .tasks import DiskFull

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
        if isinstance(counts, DiskFull):
            # nothing of this batch was kept and its inbox files stay unmarked: the next run retries them
            raise OutputError(counts.message)
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
        update_facts(out, run_id)  # under the lock: the facts the new rows touch
    finally:
        lock.__exit__(None, None, None)
    summary = run.result()
    logger.info("kornews-ingest %s: %s", run_id, summary)
    return summary


def serve_deployment(config, *, name: str, cron: str | None, interval: float | None) -> None:
    """Serve ``ingest_flow(config)`` on a schedule until interrupted, with a local server if needed.

    Args:
        config: The :class:`~pipeline.config.ServeConfig` every run gets.
        name: The deployment's name.
        cron: A cron expression, or None.
        interval: Seconds between runs, or None.
    """
    with ExitStack() as stack:
        api_url = os.environ.get("PREFECT_API_URL")
        if not api_url:
            from .server import local_prefect_server

            home = Path(config.out) / "_state" / "prefect"
            print(f"Starting a local Prefect server (PREFECT_HOME={home}) ...", file=sys.stderr)
            api_url = stack.enter_context(local_prefect_server(home=home))
            print(f"Prefect API: {api_url}", file=sys.stderr)
        # The runner's flow-run subprocesses inherit the environment; this process
        # needs the settings context, as Prefect read its settings when imported.
        os.environ["PREFECT_API_URL"] = api_url
        from prefect.deployments.runner import EntrypointType
        from prefect.settings import PREFECT_API_URL, temporary_settings

        stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
        ingest_flow.serve(
            name=name,
            cron=cron,
            interval=interval,
            parameters={"config": config.model_dump()},
            description="kornews scheduled ingestion: inbox folders and RSS/Atom feeds → Parquet",
            entrypoint_type=EntrypointType.MODULE_PATH,
            limit=1,  # runs share OUT and its lock: one at a time
            print_starting_message=True,
        )


def check_cron(expr: str) -> None:
    """A usage error (exit 2) for a cron expression Prefect cannot schedule."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=expr)
    except ValueError as exc:
        raise click.BadParameter(Errors.E085.format(expr=expr, detail=exc), param_hint="--cron") from None
