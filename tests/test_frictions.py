"""What a new user hits first: eval on the wrong run, train over the shipped model, compact on any
folder, help examples, and progress with a total and an ETA (issue 16)."""
from __future__ import annotations

import inspect
import io
import json
import textwrap
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from rich.console import Console

from models.schema import SCHEMAS
from pipeline.batch import RunSummary
from pipeline.cli import cli
from pipeline.ingest import InputMeter, iter_articles
from pipeline.progress import RunProgress


@pytest.fixture
def runner():
    return CliRunner()


def _gold(tmp_path: Path, files: list[str]) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps({"articles": [
        {"file": f, "organizations": [{"aliases": ["네이버"]}]} for f in files]}, ensure_ascii=False),
        encoding="utf-8")
    return path


def _articles(out: Path, sources: list[str]) -> None:
    schema = SCHEMAS["articles"]
    rows = [{name: None for name in schema.names} | {"article_id": f"a{i}", "source": s, "body": "네이버가 밝혔다.",
                                                     "run_id": "r"} for i, s in enumerate(sources)]
    folder = out / "articles" / "pub_month=2024-05"
    folder.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema.remove(schema.get_field_index("pub_month"))
                                        if "pub_month" in schema.names else schema), folder / "part-r-0.parquet")


# -- eval -------------------------------------------------------------------------------------------------

def test_eval_on_a_run_of_other_files_is_a_coded_error(runner, tmp_path):
    gold = _gold(tmp_path, ["가.txt", "나.txt"])
    out = tmp_path / "out"
    _articles(out, [str(tmp_path / "다른.txt")])
    res = runner.invoke(cli, ["eval", "--gold", str(gold), "--pred", str(out)])
    assert res.exit_code == 1
    assert res.output.startswith(f"Error: [E088] The run in {out} holds none of the 2 articles of {gold} "
                                 "(coverage 0/2)")
    # the hint writes into a new folder, never into the gold's (input) folder
    assert f"`kornews run {gold.parent} --out out/eval`" in " ".join(res.output.split())


def test_eval_reports_its_coverage(runner, tmp_path):
    gold = _gold(tmp_path, ["가.txt", "나.txt"])
    out = tmp_path / "out"
    _articles(out, [str(tmp_path / "in" / "가.txt")])
    res = runner.invoke(cli, ["eval", "--gold", str(gold), "--pred", str(out)])
    assert res.exit_code == 0, res.output
    assert "coverage: 1/2 gold articles in the run" in res.output.splitlines()
    assert "gold articles not in the run: 나.txt" in res.output.splitlines()
    res = runner.invoke(cli, ["eval", "--gold", str(gold), "--pred", str(out), "--json"])
    assert json.loads(res.output)["coverage"] == {"articles_in_run": 1, "gold_articles": 2}


# -- compact ----------------------------------------------------------------------------------------------

def test_compact_refuses_a_folder_that_is_not_a_kornews_output(runner, tmp_path):
    (tmp_path / "notes.txt").write_text("메모", encoding="utf-8")
    res = runner.invoke(cli, ["compact", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert res.output.startswith(f"Error: [E061] {tmp_path} is not a kornews output folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # no lock file left there


# -- train ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("folder", ["models/ner/weights", "models/ner/accurate"])
def test_train_refuses_to_replace_a_shipped_model_unless_asked(runner, folder):
    root = Path(__file__).resolve().parents[1]
    before = sorted(p.name for p in (root / folder).iterdir())
    res = runner.invoke(cli, ["train", "--out", str(root / folder)])
    assert res.exit_code == 2
    assert "[E087]" in res.output and "--replace-shipped" in res.output
    assert sorted(p.name for p in (root / folder).iterdir()) == before


def test_train_writes_a_new_folder_by_default():
    from pipeline.config import train_out

    assert train_out(None, "spacy", now=datetime(2026, 1, 2, 3, 4, 5)) == Path("runs/ner-spacy-20260102-030405")
    assert train_out("models/ner/weights", "spacy", replace_shipped=True) == Path("models/ner/weights")
    assert train_out("elsewhere", "transformers") == Path("elsewhere")


# -- help -------------------------------------------------------------------------------------------------

def _commands(group=cli, path=()):
    """Every leaf command as its argv path, e.g. ``("models", "base")``."""
    import click

    for name in group.list_commands(None):
        command = group.get_command(None, name)
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


@pytest.mark.parametrize("path,command", list(_commands()), ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_help_keeps_each_example_on_its_own_line(runner, path, command):
    examples = [line.strip() for line in textwrap.dedent(inspect.getdoc(command.callback) or "").splitlines()
                if line.strip().startswith("kornews ")]
    res = runner.invoke(cli, [*path, "--help"], terminal_width=80)
    assert res.exit_code == 0
    lines = [line.strip() for line in res.output.splitlines()]
    assert examples, f"kornews {' '.join(path)} --help gives no example"
    for example in examples:
        assert example in lines, example


# -- progress ---------------------------------------------------------------------------------------------

def test_input_meter_counts_the_bytes_consumed(tmp_path):
    lines = [json.dumps({"title": f"제목 {i}", "text": f"네이버가 {i}번째 발표를 했다."}, ensure_ascii=False)
             for i in range(50)]
    (tmp_path / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("카카오가 밝혔다.", encoding="utf-8")
    meter = InputMeter.measure([tmp_path])
    size_a, size_b = (tmp_path / "a.jsonl").stat().st_size, (tmp_path / "b.txt").stat().st_size
    assert meter.total == size_a + size_b and meter.position == 0
    positions = [meter.position for _ in iter_articles([tmp_path], meter=meter)]
    assert len(positions) == 51
    assert positions[0] == len(lines[0].encode()) + 1  # the first line was read, not the whole file
    assert positions == sorted(positions) and positions[49] == size_a
    assert meter.position == meter.total


class _Meter:
    total = 2000
    position = 1000


def test_progress_without_a_terminal_logs_share_and_eta():
    out = io.StringIO()
    with RunProgress(meter=_Meter(), interval=0, console=Console(file=out, force_terminal=False, width=300)) as p:
        p.advance(3, RunSummary(run_id="r", articles=3))
    first, last = out.getvalue().splitlines()
    assert first.startswith("kornews: 3 read · 3 art. · 0 ent.")
    assert " · 50% of 2.0 kB · ETA 0:00:00 · 0:00:00 elapsed" in first
    assert last.endswith("0:00:00 elapsed (done)") and "ETA" not in last


def test_progress_on_a_terminal_has_a_bar_and_an_eta():
    out = io.StringIO()
    with RunProgress(meter=_Meter(), console=Console(file=out, force_terminal=True, width=200)) as p:
        p.advance(3, RunSummary(run_id="r", articles=3))
    text = out.getvalue()
    assert "100%" in text and "3 read · 3 art." in text and "ETA" in text
