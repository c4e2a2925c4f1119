"""``kornews serve``: scheduled ingestion of inbox folders and RSS/Atom feeds.

The command builds a Prefect deployment of :func:`pipeline.serve_flow.ingest_flow`
on a cron or interval schedule and serves it in this process (``flow.serve``):
the runner polls the API for due runs and runs each in a subprocess.

Schedules need a real Prefect server, not the ephemeral API ``kornews run``
uses. With ``PREFECT_API_URL`` set, that server is used. Without it, a local
server is started on 127.0.0.1 with its own ``PREFECT_HOME`` under
``OUT/_state/prefect`` (:func:`pipeline.server.local_prefect_server`) and
stopped when serving ends: Ctrl-C, SIGTERM, or an error.

Prefect is imported only when the command runs: it costs seconds, and
``kornews --help`` should not.
"""
from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

import click

from .options import analysis_options, check_tokenizer, command_errors, make_config, quiet_prefect
from .server import prefect_api

DEFAULT_DEPLOYMENT = "kornews-ingest"


def _check_cron(expr: str) -> None:
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=expr)
    except ValueError as exc:
        raise click.BadParameter(f"'{expr}' is not a valid cron expression "
                                 f"(five fields, e.g. '*/15 * * * *'): {exc}", param_hint="--cron") from None


def serve_deployment(config, *, name: str, cron: str | None, interval: float | None) -> None:
    """Serve ``ingest_flow(config)`` on a schedule until interrupted, with a local server if needed.

    Args:
        config: The :class:`~pipeline.serve_flow.ServeConfig` every run gets.
        name: The deployment's name.
        cron: A cron expression, or None.
        interval: Seconds between runs, or None.
    """
    with ExitStack() as stack:
        api_url = os.environ.get("PREFECT_API_URL")
        if not api_url:
            from pipeline.server import local_prefect_server

            home = Path(config.out) / "_state" / "prefect"
            click.echo(f"Starting a local Prefect server (PREFECT_HOME={home}) ...", err=True)
            api_url = stack.enter_context(local_prefect_server(home=home))
            click.echo(f"Prefect API: {api_url}", err=True)
        # The runner's flow-run subprocesses inherit the environment; this process
        # needs the settings context, as Prefect read its settings when imported.
        os.environ["PREFECT_API_URL"] = api_url
        from prefect.deployments.runner import EntrypointType
        from prefect.settings import PREFECT_API_URL, temporary_settings

        from pipeline.serve_flow import ingest_flow

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


@click.command()
@click.option("--inbox", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="Inbox folder (repeatable); every file dropped in is ingested once.")
@click.option("--feed", "feeds", multiple=True, help="RSS 2.0 or Atom feed URL (repeatable).")
@click.option("--out", default="out", show_default=True, type=click.Path(file_okay=False),
              help="Output folder (Parquet tables; state in OUT/_state).")
@click.option("--cron", default=None, help="Cron schedule, e.g. '*/15 * * * *'.")
@click.option("--interval", type=click.FloatRange(min=1, min_open=False), default=None,
              help="Seconds between runs.")
@click.option("--once", is_flag=True, help="Run the ingest flow once, now, without a schedule or server.")
@click.option("--name", default=DEFAULT_DEPLOYMENT, show_default=True, help="Deployment name.")
@analysis_options
@click.option("--min-interval", default=1.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds between two requests to the same host.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="Seconds per HTTP connect/read.")
@click.option("--retries", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Retries of a failed feed or page fetch (back-off 2, 10, 30 s).")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="HOST",
              help="Let a feed's links reach HOST at any address, private ones included (repeatable).")
@click.option("--allow-private-links", is_flag=True,
              help="Let a feed's links reach loopback, private and link-local addresses (intranet feeds only).")
@click.option("--settle", default=2.0, show_default=True, type=click.FloatRange(min=0),
              help="Seconds an inbox file must be left unchanged before it is read.")
@click.option("-v", "--verbose", is_flag=True, help="Show Prefect's task logs.")
def serve(inbox, feeds, out, cron, interval, once, name, tokenizer, ner, device, max_article_chars, min_interval,
          timeout, retries, allow_hosts, allow_private_links, settle, verbose):
    """Serve scheduled ingestion of inbox folders and RSS/Atom feeds as a Prefect deployment.

    Each inbox file is read once; each feed is polled with conditional GET and
    each new article page fetched once (robots.txt, per-host rate limit,
    retries). Articles already in OUT are never processed again. Without
    PREFECT_API_URL a local Prefect server is started (127.0.0.1) and stopped
    on exit.

    Example:

        kornews serve --inbox inbox/ --feed https://news.example.kr/rss.xml --out out --interval 300

        kornews serve --inbox inbox/ --out out --cron '*/15 * * * *'

        kornews serve --inbox inbox/ --out out --once
    """
    if not inbox and not feeds:
        raise click.UsageError("Give at least one --inbox folder or --feed URL.")
    if once and (cron or interval):
        raise click.UsageError("--once runs a single time now; it takes no --cron or --interval.")
    if not once and (cron is None) == (interval is None):
        raise click.UsageError("Give exactly one of --cron or --interval (or --once to run a single time).")
    quiet_prefect(verbose)
    if cron is not None:
        _check_cron(cron)
    from pipeline.serve_flow import ServeConfig

    config = make_config(ServeConfig, inbox=[str(Path(p).resolve()) for p in inbox], feeds=list(feeds),
                         out=str(Path(out).resolve()), tokenizer=tokenizer, ner=ner, device=device,
                         max_article_chars=max_article_chars, min_interval=min_interval, timeout=timeout,
                         fetch_retries=retries, settle_seconds=settle, allow_hosts=list(allow_hosts),
                         allow_private_links=allow_private_links)
    check_tokenizer(config)
    with command_errors():
        from models.store import check_output_dir

        check_output_dir(Path(config.out))
        if once:
            from pipeline.serve_flow import ingest_flow

            with prefect_api():
                summary = ingest_flow(config)
            click.echo(" ".join(f"{k}={v}" for k, v in summary.items()))
            return
        try:
            serve_deployment(config, name=name, cron=cron, interval=interval)
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
