"""Scheduled ingestion: the ingest flow over inbox folders and feeds, and `kornews serve` itself."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from _newsserver import ARTICLE_1, ARTICLE_2, ARTICLE_3, NewsServer
from models.schema import TABLES
from pipeline.store import read_table
from pipeline.cli import serve

RETRIES = 2


@pytest.fixture
def site():
    server = NewsServer()
    yield server
    server.close()


def _config(out: Path, **kw):
    from pipeline.config import ServeConfig

    base = dict(out=str(out), ner="none", min_interval=0.0, timeout=5.0, fetch_retries=RETRIES,
                retry_delays=[0.0], settle_seconds=0.0)
    base.update(kw)
    return ServeConfig(**base)


def _run(config) -> dict:
    from pipeline.serve_flow import ingest_flow

    return ingest_flow(config)


def _counts(out: Path) -> dict:
    return {t: read_table(out, t).num_rows for t in TABLES}


# -- feeds through the flow ------------------------------------------------------------------

@pytest.mark.slow
def test_feeds_land_in_parquet_and_failures_are_quarantined(prefect_harness, site, tmp_path):
    out = tmp_path / "out"
    summary = _run(_config(out, feeds=[site.url("/rss.xml"), site.url("/atom.xml")], max_page_failures=1))
    arts = pd.read_parquet(out / "articles").sort_values("source")
    assert list(zip(arts["source"], arts["url"], arts["title"])) == [
        (site.url("/news/1"), site.url("/news/1"), ARTICLE_1[0]),
        (site.url("/news/2"), site.url("/news/2"), ARTICLE_2[0]),
        (site.url("/news/3"), site.url("/news/3"), ARTICLE_3[0]),
    ]
    body_2 = arts[arts["source"] == site.url("/news/2")].iloc[0]["body"]
    assert ARTICLE_2[1].split(". ")[0] in body_2  # the CP949 page, decoded
    q = pd.read_parquet(out / "quarantine").sort_values("source")
    assert list(zip(q["source"], q["error_type"])) == [
        (site.url("/news/broken"), "FetchError"),
        (site.url("/private/3"), "FetchRefused"),
    ]
    assert "HTTP 500" in q.iloc[0]["error"] and "robots.txt" in q.iloc[1]["error"]
    # retried, then quarantined; /news/1 is in both feeds and fetched once
    assert len(site.hits_of("/news/broken")) == 1 + RETRIES
    assert len(site.hits_of("/news/1")) == 1 and site.hits_of("/private/3") == []
    assert (summary["articles"], summary["pages_fetched"], summary["quarantined"]) == (3, 3, 2)

    # second poll: conditional GET answered 304, nothing fetched, nothing added
    before, hits = _counts(out), len(site.hits)
    again = _run(_config(out, feeds=[site.url("/rss.xml"), site.url("/atom.xml")], max_page_failures=1))
    assert _counts(out) == before
    assert (again["feeds_not_modified"], again["pages_fetched"], again["articles"]) == (2, 0, 0)
    polls = site.hits[hits:]
    assert [h.path for h in polls] == ["/rss.xml", "/atom.xml"]
    assert all(h.headers.get("If-None-Match") and h.headers.get("If-Modified-Since") for h in polls)


@pytest.mark.slow
def test_failing_page_is_tried_again_next_run_then_given_up(prefect_harness, site, tmp_path):
    out = tmp_path / "out"
    cfg = _config(out, feeds=[site.url("/rss.xml")], max_page_failures=2)
    _run(cfg)
    assert len(site.hits_of("/news/broken")) == 1 + RETRIES
    second = _run(cfg)  # validators were held back: full GET, only the broken page is fetched again
    assert len(site.hits_of("/news/broken")) == 2 * (1 + RETRIES)
    assert [len(site.hits_of(p)) for p in ("/news/1", "/news/2")] == [1, 1]
    assert second["articles"] == 0
    third = _run(cfg)  # given up after 2 runs: validators stored, the feed answers 304
    assert third["feeds_not_modified"] == 1 and len(site.hits_of("/news/broken")) == 2 * (1 + RETRIES)
    q = pd.read_parquet(out / "quarantine")
    assert list(q["source"]).count(site.url("/news/broken")) == 1


@pytest.mark.slow
def test_feed_that_fails_is_quarantined_and_run_goes_on(prefect_harness, site, tmp_path):
    out = tmp_path / "out"
    site.routes["/down.xml"] = (503, "text/plain", b"busy")
    summary = _run(_config(out, feeds=[site.url("/down.xml"), site.url("/atom.xml")]))
    assert len(site.hits_of("/down.xml")) == 1 + RETRIES
    q = pd.read_parquet(out / "quarantine")
    assert list(zip(q["source"], q["error_type"])) == [(site.url("/down.xml"), "FetchError")]
    assert summary["articles"] == 2  # the Atom feed's two articles


# -- inbox through the flow ------------------------------------------------------------------

@pytest.mark.slow
def test_inbox_file_is_processed_once(prefect_harness, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text(f"{ARTICLE_1[0]}\n\n{ARTICLE_1[1]}\n", encoding="utf-8")
    first = _run(_config(out, inbox=[str(inbox)]))
    assert (first["inbox_files"], first["articles"]) == (1, 1)
    before = _counts(out)
    second = _run(_config(out, inbox=[str(inbox)]))
    assert (second["inbox_files"], second["duplicate_files"], second["articles"]) == (0, 0, 0)
    shutil.copy(inbox / "a.txt", inbox / "a-again.txt")  # same bytes, another name
    (inbox / "a-cp949.txt").write_text(f"{ARTICLE_1[0]}\n\n{ARTICLE_1[1]}\n", encoding="cp949")  # same article
    third = _run(_config(out, inbox=[str(inbox)]))
    assert (third["inbox_files"], third["duplicate_files"], third["articles"], third["duplicates_skipped"]) == (
        1, 1, 0, 1)
    assert _counts(out) == before
    arts = pd.read_parquet(out / "articles")
    assert [Path(s).name for s in arts["source"]] == ["a.txt"]


# -- the command ----------------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    (["--out", "o", "--interval", "5"], "at least one --inbox folder or --feed URL"),
    (["--feed", "http://x.kr/rss", "--out", "o"], "exactly one of --cron or --interval"),
    (["--feed", "http://x.kr/rss", "--cron", "* * * * *", "--interval", "5"], "exactly one of --cron or --interval"),
    (["--feed", "http://x.kr/rss", "--once", "--interval", "5"], "--once runs a single time"),
    (["--feed", "http://x.kr/rss", "--cron", "every minute"], "not a valid cron expression"),
    (["--feed", "ftp://x.kr/rss", "--once"], "Invalid value 'ftp://x.kr/rss' for feed"),
    (["--inbox", "/없는/폴더", "--once"], "does not exist"),
])
def test_serve_validates_options(args, message):
    result = CliRunner().invoke(serve, args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _article_sources(out: Path) -> list[str]:
    try:
        return [Path(s).name for s in read_table(out, "articles", ["source"]).column("source").to_pylist()]
    except Exception:  # noqa: BLE001 - a file being renamed in: read again next poll
        return []


@pytest.mark.slow
def test_served_deployment_ingests_dropped_files(tmp_path):
    """`kornews serve --interval 5` with its own local Prefect server, end to end."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-client")
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from pipeline.cli import serve; serve()", "--inbox", str(inbox), "--out", str(out),
         "--interval", "5", "--ner", "none", "--settle", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        (inbox / "drop.txt").write_text(f"{ARTICLE_3[0]}\n\n{ARTICLE_3[1]}\n", encoding="utf-8")
        deadline = time.monotonic() + 300  # server start (~45 s loaded) + first runs, on 2 busy cores
        while _article_sources(out) != ["drop.txt"] and time.monotonic() < deadline:
            assert proc.poll() is None, (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
            time.sleep(2)
        assert _article_sources(out) == ["drop.txt"], (tmp_path / "serve.log").read_text(errors="replace")[-3000:]
        before = _counts(out)
        shutil.copy(inbox / "drop.txt", inbox / "drop-copy.txt")
        state = out / "_state" / "inbox.json"
        deadline = time.monotonic() + 180
        while "drop-copy.txt" not in state.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(2)
        assert "drop-copy.txt" in state.read_text(encoding="utf-8")  # seen by a later run...
        assert _counts(out) == before  # ...and it added nothing
        server_log = (out / "_state" / "prefect" / "server.log").read_text(errors="replace")
        port = int(server_log.split("PREFECT_API_URL=http://127.0.0.1:")[1].split("/")[0])
        assert _listening(port)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
    assert not _listening(port), "the local Prefect server is still listening"
