"""Signals stop ``kornews run`` cleanly; nothing it started outlives it, not even after SIGKILL.

The runs are real ``kornews`` processes without ``PREFECT_API_URL``, so each
starts (and must stop) its own Prefect API server. They share one
``PREFECT_HOME`` so that only the first pays for the database set-up.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from pipeline.store import OutputLock, read_table
from tablecmp import make_articles

pytestmark = pytest.mark.slow

N_ARTICLES = 300
KORNEWS = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return make_articles(tmp_path_factory.mktemp("signals") / "in", N_ARTICLES)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update(PREFECT_HOME=str(tmp_path_factory.mktemp("prefect-home")), PREFECT_LOGGING_LEVEL="WARNING",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180")
    return env


def _start(inputs: Path, out: Path, env: dict, log: Path) -> subprocess.Popen:
    cmd = KORNEWS + ["run", str(inputs), "--out", str(out), "--ner", "none", "--batch-size", "5", "--no-progress"]
    return subprocess.Popen(cmd, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)


def _wait_for_rows(out: Path, proc: subprocess.Popen, log: Path, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"the run ended (rc={proc.returncode}): {log.read_text()}"
        assert time.monotonic() < deadline, "timed out"
        try:
            if read_table(out, "articles").num_rows > 0:
                return
        except OSError:
            pass
        time.sleep(0.05)


def _gone(pids: list[int], timeout: float = 20.0) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        time.sleep(0.2)
    return alive


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_signal_stops_the_run_cleanly(inputs, env, tmp_path, signum, code):
    out, log = tmp_path / "out", tmp_path / "run.log"
    proc = _start(inputs, out, env, log)
    _wait_for_rows(out, proc, log)
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    assert children, "kornews run started its Prefect API server as a child"
    proc.send_signal(signum)
    assert proc.wait(timeout=60) == code, log.read_text()
    said = [ln for ln in log.read_text().splitlines() if ln.strip()]
    # the stop is said once, last, and nothing repeats it as a crash or logs to a stopped API
    assert said[-1] == f"kornews: stopped by {signal.Signals(signum).name}; nothing partial was left.", said
    assert not [ln for ln in said if "Crash detected" in ln or "Error logging to API" in ln or "Traceback" in ln]
    assert _gone(children) == []
    assert not list(out.rglob("*.tmp")) and not list((out / "_state" / "journal").glob("*"))
    with OutputLock(out):  # released
        pass
    written = read_table(out, "articles").num_rows
    assert 0 < written < N_ARTICLES
    ids = read_table(out, "entities", ["article_id"]).column("article_id").to_pylist()
    assert set(ids) <= set(read_table(out, "articles", ["article_id"]).column("article_id").to_pylist())


def test_sigkill_leaves_no_server_and_the_next_run_completes(inputs, env, tmp_path):
    out, log = tmp_path / "out", tmp_path / "run.log"
    proc = _start(inputs, out, env, log)
    _wait_for_rows(out, proc, log)
    children = [c.pid for c in psutil.Process(proc.pid).children(recursive=True)]
    assert children
    os.kill(proc.pid, signal.SIGKILL)  # the process only, not its group: its children must go by themselves
    proc.wait(timeout=30)
    assert _gone(children) == [], "the Prefect API server outlived kornews run"
    again = _start(inputs, out, env, tmp_path / "again.log")
    assert again.wait(timeout=600) == 0, (tmp_path / "again.log").read_text()
    assert read_table(out, "articles").num_rows == N_ARTICLES
    ids = read_table(out, "articles", ["article_id"]).column("article_id").to_pylist()
    assert len(ids) == len(set(ids))
