"""CLI: exit codes, exact error texts, and the ``tag`` JSONL contract."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import cli


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def test_tag_contract(runner, tmp_path):
    inp = tmp_path / "in.jsonl"
    lines = [
        {"id": 1, "text": "네이버 클로바는 뉴립스에서 논문 12편을 발표했다."},
        {"id": "b", "text": "Z홀딩스는 5000억엔(약 5조3000억원) 규모의 투자를 실시한다."},
    ]
    inp.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n{bad\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(cli, ["tag", "--input", str(inp), "--output", str(out), "--ner", "none"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [1, "b", None]
    assert rows[2]["entities"] == [] and rows[2]["error"].startswith("[E011] Invalid JSON in line 3:")
    for row, src in zip(rows, lines):
        for e in row["entities"]:
            assert src["text"][e["start"]:e["end"]] == e["text"]
            assert set(e) == {"start", "end", "label", "text", "canonical", "norm"}
    ents = {(e["text"], e["label"], e["canonical"]) for e in rows[0]["entities"]}
    assert ("네이버 클로바", "ORG", "네이버 클로바") in ents
    assert ("뉴립스", "VENUE", "NeurIPS") in ents
    money = [e for e in rows[1]["entities"] if e["label"] == "MONEY"]
    assert money[0]["text"] == "5000억엔(약 5조3000억원)"
    assert money[0]["norm"] == {"currency": "JPY", "amount": 5e11, "low": None, "high": None, "qualifier": "approx"}


def test_run_rejects_bad_tokenizer(runner):
    res = runner.invoke(cli, ["run", "--tokenizer", "nope"])
    assert res.exit_code == 2
    assert "Invalid value for '--tokenizer'" in res.output


def test_run_rejects_bad_ner(runner):
    res = runner.invoke(cli, ["run", "--ner", "bert", "--no-progress"])
    assert res.exit_code == 2
    assert "Invalid value 'bert' for ner" in res.output


def test_eval_missing_gold(runner, tmp_path):
    res = runner.invoke(cli, ["eval", "--gold", str(tmp_path / "nope.json"), "--pred", str(tmp_path)])
    assert res.exit_code == 2 and "does not exist" in res.output
