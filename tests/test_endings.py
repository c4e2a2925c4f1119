"""Every ending says one clear thing: the exit code and the last line of stderr.

A full disk (a small tmpfs, where the machine lets us mount one; CI runs as root), a
misspelled input, a run that reads no article, a JSONL whose text field is not
recognised, and the summary's line that says where the output is.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tablecmp import make_articles, table_rows
from models.schema import TABLES

KORNEWS = [sys.executable, "-m", "pipeline.cli"]


@pytest.fixture
def run_env(prefect_harness) -> dict:
    from prefect.settings import get_current_settings

    env = dict(os.environ)
    env.update(PREFECT_API_URL=str(get_current_settings().api.url), PREFECT_LOGGING_LEVEL="WARNING")
    return env


def _run(args, env, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(KORNEWS + args, env=env, capture_output=True, text=True, timeout=600, cwd=cwd)


def _last_line(stderr: str) -> str:
    return [ln for ln in stderr.splitlines() if ln.strip()][-1]


def test_a_misspelled_input_alone_fails_at_once(tmp_path, run_env):
    res = _run(["run", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")], run_env)
    assert res.returncode == 1
    assert _last_line(res.stderr) == (f"Error: [E090] Input does not exist: {tmp_path / 'nope.txt'}. "
                                      "Check the path; nothing was read and no output was written.")
    assert not (tmp_path / "out").exists()


def test_a_misspelled_input_among_others_is_named_after_the_rest_is_written(tmp_path, run_env):
    good = make_articles(tmp_path / "in", 2)
    out = tmp_path / "out"
    res = _run(["run", str(good), str(tmp_path / "nope.txt"), "--out", str(out), "--ner", "none"], run_env)
    assert res.returncode == 1
    assert _last_line(res.stderr) == (f"Error: [E090] Input does not exist: {tmp_path / 'nope.txt'}. "
                                      "Check the path; the other inputs were read and written.")
    assert f"kornews: output in {out.resolve()}" in res.stderr
    assert len(table_rows(out, "articles")) == 2


def test_a_jsonl_whose_text_field_is_not_recognised_reads_no_article(tmp_path, run_env):
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "내용": "네이버가 발표했다."}\n', encoding="utf-8")
    out = tmp_path / "out"
    res = _run(["run", str(src), "--out", str(out), "--ner", "none"], run_env)
    assert res.returncode == 1
    last = _last_line(res.stderr)
    assert last.startswith(f"Error: [E091] No article was read from {src}: 1 input(s) quarantined, the first ")
    assert "--field-map" in last and last.endswith(f"See {out}/quarantine for every reason.")
    # with the field named, the same input is read
    res = _run(["run", str(src), "--out", str(tmp_path / "out2"), "--ner", "none",
                "--field-map", '{"text": ["내용"]}'], run_env)
    assert res.returncode == 0, res.stderr


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_full_disk_says_one_line_and_a_rerun_after_freeing_space_is_exact(tmp_path, run_env):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "160k"):
        pytest.skip("a small tmpfs cannot be mounted here (needs root and mount)")
    try:
        inputs = make_articles(tmp_path / "in", 120)
        out = disk / "out"
        args = ["run", str(inputs), "--out", str(out), "--ner", "none", "--batch-size", "10", "--no-progress"]
        res = _run(args, run_env)
        assert res.returncode == 1
        lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1, res.stderr  # no traceback, no API-logging noise
        assert lines[0].startswith(f"Error: [E089] No space left on device writing {out}")
        assert lines[0].endswith("the run stopped, nothing partial was kept: free space and run it again "
                                 "(articles already written are skipped).")
        assert not list(out.rglob("*.tmp"))
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        res = _run(args, run_env)
        assert res.returncode == 0, res.stderr
        clean = tmp_path / "clean"
        assert _run(["run", str(inputs), "--out", str(clean), "--ner", "none", "--batch-size", "10",
                     "--no-progress"], run_env).returncode == 0
        for table in TABLES:
            assert table_rows(out, table) == table_rows(clean, table), table
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# --- kornews tag: plain text, the default standard streams, every line bad -------------
def _tag(args, stdin: str):
    from click.testing import CliRunner

    from pipeline.cli import cli

    return CliRunner().invoke(cli, ["tag", *args], input=stdin)


def test_tag_reads_a_plain_sentence_from_standard_input():
    res = _tag(["--ner", "none"], "네이버 클로바는 ICLR 2022에서 논문 12편을 발표했다.\n")
    assert res.exit_code == 0, res.output
    line = json.loads(res.stdout.splitlines()[0])
    assert line["id"] == 1
    assert [(e["start"], e["end"], e["label"], e["text"]) for e in line["entities"]] == [
        (0, 7, "ORG", "네이버 클로바"), (9, 18, "VENUE", "ICLR 2022"), (24, 27, "COUNT", "12편")]


def test_tag_offsets_point_into_the_line_as_written():
    text = "네이버\u00a0클로바는 ＩＣＬＲ　２０２２에서 논문 1\u200b2편을 발표했다."
    res = _tag(["--ner", "none"], json.dumps({"id": "a", "text": text}) + "\n")
    line = json.loads(res.stdout.splitlines()[0])
    assert [(e["text"], text[e["start"]:e["end"]], e["canonical"]) for e in line["entities"]][:2] == [
        ("네이버\u00a0클로바", "네이버\u00a0클로바", "네이버 클로바"), ("ＩＣＬＲ　２０２２", "ＩＣＬＲ　２０２２", "ICLR")]
    assert line["entities"][2]["text"] == "1\u200b2편"


def test_tag_exits_1_when_no_line_could_be_tagged():
    res = _tag(["--ner", "none"], '{"text": 5}\n{"id": 2}\n')
    assert res.exit_code == 1
    assert _last_line(res.output) == ("Error: [E092] No line of standard input could be tagged (2 line(s), each "
                                      "reported above). Give JSON objects with a string \"text\", or plain UTF-8 "
                                      "text, one sentence or paragraph a line.")


def test_the_server_log_is_rotated_when_it_outgrows_its_cap(tmp_path):
    from pipeline.server import open_server_log

    log = tmp_path / "kornews-server.log"
    log.write_bytes(b"x" * 2000)
    with open_server_log(log, max_bytes=1000) as fh:
        fh.write(b"new run\n")
    assert log.read_bytes() == b"new run\n"
    assert (tmp_path / "kornews-server.log.1").read_bytes() == b"x" * 2000
    with open_server_log(log, max_bytes=1000) as fh:  # under the cap: appended
        fh.write(b"next run\n")
    assert log.read_bytes() == b"new run\nnext run\n"
