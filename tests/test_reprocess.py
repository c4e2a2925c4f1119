"""``kornews reprocess``: parallel chunks (local processes or Dask) give the sequential run's rows."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from models.analyse import Records
from models.schema import Article
from pipeline.store import OutputLock
from tablecmp import all_rows, assert_same_rows, make_articles

N_ARTICLES = 40


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    d = make_articles(tmp_path_factory.mktemp("reprocess") / "in", N_ARTICLES)
    (d / "broken.txt").write_bytes(bytes(range(128, 256)) * 4)  # a quarantine row
    return d


@pytest.fixture(scope="module")
def sequential_out(prefect_harness, inputs, tmp_path_factory) -> Path:
    """A sequential ``kornews run`` of the same input: the reference rows."""
    from pipeline.config import PipelineConfig
    from pipeline.flows import run_flow

    out = tmp_path_factory.mktemp("seq") / "out"
    run_flow(PipelineConfig(inputs=[str(inputs)], out=str(out), ner="none", batch_size=7, progress=False))
    return out


def _article(aid: str) -> Article:
    return Article(aid, "s", None, None, None, "본문", "r", None, None, None, (), 0, "2024-01")


def test_drop_known_keeps_first_occurrence_only():
    from pipeline.workers import drop_known

    seen = {"a"}
    rec = Records(articles=[_article("a"), _article("b"), _article("c")])
    out = drop_known(rec, seen, known=lambda aid: aid == "c")
    assert [a.article_id for a in out.articles] == ["b"]
    assert out.skipped == 2
    assert seen == {"a", "b"}


@pytest.mark.slow
def test_reprocess_local_processes_equal_sequential(prefect_harness, inputs, sequential_out, tmp_path):
    from pipeline.config import ReprocessConfig
    from pipeline.reprocess import run_reprocess
    from prefect.settings import get_current_settings

    out = tmp_path / "out"
    summary = run_reprocess(ReprocessConfig(inputs=[str(inputs)], out=str(out), ner="none", workers=2,
                                            chunk_size=6, flush_articles=10, progress=False))
    assert_same_rows(out, sequential_out)
    assert all_rows(out)["paper_counts"], "the generated articles must give paper-count rows"
    assert summary["articles"] == N_ARTICLES
    assert 1 <= summary["workers_used"] <= 2
    assert summary["max_analyzer_loads_per_worker"] == 1  # models load once per worker process
    # workers reported to the driver's API, not to ephemeral servers of their own
    assert summary["worker_api_urls"] == [str(get_current_settings().api.url)]

    # a rerun on the same --out adds nothing
    again = run_reprocess(ReprocessConfig(inputs=[str(inputs)], out=str(out), ner="none", workers=1,
                                          chunk_size=50, progress=False))
    assert again["articles"] == 0
    assert_same_rows(out, sequential_out)


def test_reprocess_refused_while_output_locked(inputs, tmp_path):
    from pipeline.cli import reprocess

    out = tmp_path / "out"
    with OutputLock(out):
        result = CliRunner().invoke(reprocess, [str(inputs), "--out", str(out), "--ner", "none", "--no-progress"])
    assert result.exit_code == 1
    assert "[E017]" in result.output and str(out) in result.output


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_workers(address: str, n: int, timeout: float = 120) -> None:
    from distributed import Client

    with Client(address, timeout=timeout) as client:
        client.wait_for_workers(n, timeout=timeout)


@pytest.fixture
def dask_cluster(tmp_path):
    """``dask scheduler`` plus ``dask worker`` (2 processes, 1 thread each) on loopback.

    The workers' environment has no PREFECT_API_URL: they must get the driver's.
    """
    pytest.importorskip("prefect_dask")
    dask = Path(sys.executable).with_name("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    log = open(tmp_path / "dask.log", "wb")
    scheduler = subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=env, stdout=log, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    time.sleep(1)
    worker = subprocess.Popen([str(dask), "worker", address, "--nworkers", "2", "--nthreads", "1",
                               "--no-dashboard", "--host", "127.0.0.1", "--local-directory", str(tmp_path / "dw")],
                              env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_for_workers(address, 2)
        yield address, worker
    finally:
        for p in (worker, scheduler):
            p.terminate()
        for p in (worker, scheduler):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()


def _prefect_servers_under(pid: int) -> list[str]:
    import psutil

    found = []
    for child in psutil.Process(pid).children(recursive=True):
        try:
            cmd = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "uvicorn" in cmd or "prefect.server" in cmd or "server start" in cmd:
            found.append(cmd)
    return found


@pytest.mark.slow
def test_reprocess_on_dask_cluster_equals_sequential(prefect_harness, inputs, sequential_out, dask_cluster, tmp_path):
    from pipeline.config import ReprocessConfig
    from pipeline.reprocess import run_reprocess
    from prefect.settings import get_current_settings

    address, worker = dask_cluster
    out = tmp_path / "out"
    summary = run_reprocess(ReprocessConfig(inputs=[str(inputs)], out=str(out), ner="none", dask_address=address,
                                            chunk_size=6, flush_articles=10, progress=False))
    assert_same_rows(out, sequential_out)
    assert summary["max_analyzer_loads_per_worker"] == 1
    assert summary["worker_api_urls"] == [str(get_current_settings().api.url)]
    assert _prefect_servers_under(worker.pid) == []  # no worker started an ephemeral Prefect server
    shutil.rmtree(out)
