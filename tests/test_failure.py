"""Failure behaviour of ``kornews run``: SIGKILL then rerun, and two runs on one ``--out``.

The runs are real ``kornews`` processes. They report to the session's test
Prefect API (``PREFECT_API_URL``), so they do not each start an ephemeral server.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.store import read_table
from tablecmp import assert_same_rows, make_articles

pytestmark = pytest.mark.slow

N_ARTICLES = 200
KORNEWS = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    return make_articles(tmp_path_factory.mktemp("failure") / "in", N_ARTICLES)


@pytest.fixture(scope="module")
def clean_out(prefect_harness, inputs, tmp_path_factory) -> Path:
    """One clean, uninterrupted run of the same input."""
    from pipeline.config import PipelineConfig
    from pipeline.flows import run_flow

    out = tmp_path_factory.mktemp("clean") / "out"
    run_flow(PipelineConfig(inputs=[str(inputs)], out=str(out), ner="none", batch_size=10, progress=False))
    return out


@pytest.fixture
def run_env(prefect_harness) -> dict:
    from prefect.settings import get_current_settings

    env = dict(os.environ)
    env.update(PREFECT_API_URL=str(get_current_settings().api.url), PREFECT_LOGGING_LEVEL="WARNING")
    return env


def _start_run(inputs: Path, out: Path, env: dict, log: Path) -> subprocess.Popen:
    cmd = KORNEWS + ["run", str(inputs), "--out", str(out), "--ner", "none", "--batch-size", "10", "--no-progress"]
    return subprocess.Popen(cmd, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)


def _rows_written(out: Path) -> bool:
    try:
        return read_table(out, "articles").num_rows > 0
    except OSError:  # a file renamed into place while the folder is listed
        return False


def _wait_until(cond, proc: subprocess.Popen, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert proc.poll() is None, f"the run ended (rc={proc.returncode}) before the condition held"
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_sigkill_then_rerun_gives_complete_output_without_duplicates(inputs, clean_out, run_env, tmp_path):
    out = tmp_path / "out"
    first = _start_run(inputs, out, run_env, tmp_path / "first.log")
    # every table has a (zero-row) file from the start: wait for the first written rows
    _wait_until(lambda: _rows_written(out), first)
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    assert 0 < read_table(out, "articles").num_rows < N_ARTICLES, "killed partway"

    second = _start_run(inputs, out, run_env, tmp_path / "second.log")
    assert second.wait(timeout=300) == 0, (tmp_path / "second.log").read_text()
    assert_same_rows(out, clean_out)


def test_second_run_on_same_out_is_refused(inputs, clean_out, run_env, tmp_path):
    from pipeline.cli import cli

    out = tmp_path / "out"
    first = _start_run(inputs, out, run_env, tmp_path / "first.log")
    lock = out / ".kornews.lock"
    _wait_until(lambda: lock.exists() and lock.read_text().strip() == str(first.pid), first)

    result = CliRunner().invoke(cli, ["run", str(inputs), "--out", str(out), "--ner", "none", "--no-progress"])
    assert result.exit_code != 0
    assert "[E017]" in result.output and str(out) in result.output and str(first.pid) in result.output

    assert first.wait(timeout=300) == 0, (tmp_path / "first.log").read_text()
    assert_same_rows(out, clean_out)
