"""CLI: exit codes, exact error texts, and the ``tag`` JSONL contract."""
from __future__ import annotations

import json
import os

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


# -- usage errors exit 2, unusable inputs and outputs exit 1, each one coded line, before Prefect starts ------

@pytest.mark.parametrize("args,message", [
    (["--tokenizer", "kiwi"], "Error: [E044] --ner default runs on the mecab tokenizer it was trained with; "
                              "--tokenizer kiwi cannot be used with it."),
    (["--field-map", '{"bogus": ["x"]}'], "Error: field_map: [E013] Invalid value 'bogus' for IngestConfig.field_map."),
    (["--field-map", '{"text": "본문"}'], "Error: field_map.text: Input should be a valid list"),
    (["--field-map", "[1]"], "Error: Invalid value: [E083] --field-map must be a JSON object"),
    (["--batch-size", "0"], "Error: Invalid value for '--batch-size': 0 is not in the range 1<=x<=10000."),
    (["--max-article-chars", "1"], "Error: Invalid value for '--max-article-chars': 1 is not in the range x>=2."),
])
def test_run_usage_errors_exit_2_with_one_message(runner, tmp_path, args, message):
    res = runner.invoke(cli, ["run", str(tmp_path), "--out", str(tmp_path / "out"), "--no-progress", *args])
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert not (tmp_path / "out").exists()


def test_tokenizer_the_model_needs_is_taken(runner):
    from models.document import resolve_tokenizer

    assert resolve_tokenizer("default", "mecab") == "mecab" and resolve_tokenizer("default", None) == "mecab"
    assert resolve_tokenizer("none", "okt") == "okt" and resolve_tokenizer("none", None) == "kiwi"


def test_out_under_a_file_is_one_coded_line(runner, tmp_path):
    (tmp_path / "file").write_text("x")
    res = runner.invoke(cli, ["run", str(tmp_path), "--out", str(tmp_path / "file" / "out"), "--no-progress"])
    assert res.exit_code == 1
    assert res.output == f"Error: [E045] Cannot use {tmp_path / 'file' / 'out'} as the output folder: Not a directory.\n"


def test_locked_out_is_refused_before_prefect_starts(runner, tmp_path, monkeypatch):
    from pipeline.store import OutputLock

    import pipeline.server as server

    def no_server(*a, **k):
        raise AssertionError("a Prefect server was started for a refused run")

    monkeypatch.setattr(server, "prefect_api", no_server)
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    out = tmp_path / "out"
    with OutputLock(out):
        res = runner.invoke(cli, ["run", str(tmp_path), "--out", str(out), "--no-progress"])
    assert res.exit_code == 1
    assert res.output == (f"Error: [E017] Another kornews run holds the lock on {out} (pid {os.getpid()}). "
                          "Wait for it to finish or use another --out.\n")


def test_field_map_publisher(tmp_path):
    from pipeline.ingest import IngestConfig, iter_articles

    (tmp_path / "a.jsonl").write_text(json.dumps({"본문": "네이버가 발표했다.", "언론": "한빛일보"}, ensure_ascii=False),
                                      encoding="utf-8")
    for mapping in ({"text": ["본문"], "publisher": ["언론"]}, {"text": ["본문"], "source": ["언론"]}):
        [raw] = iter_articles([str(tmp_path / "a.jsonl")], IngestConfig(field_map=mapping))
        assert raw.publisher == "한빛일보"


def test_tag_output_is_complete_or_absent(runner, tmp_path, monkeypatch):
    import pipeline.tagging as tagging

    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": 1, "text": "네이버가 발표했다."}, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.setattr(tagging, "_dumps", lambda v: (_ for _ in ()).throw(KeyboardInterrupt(15)))
    res = runner.invoke(cli, ["tag", "--input", str(inp), "--output", str(tmp_path / "out.jsonl"), "--ner", "none"])
    assert res.exit_code == 143
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_tag_bad_bytes_on_one_line(runner, tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_bytes(json.dumps({"id": 1, "text": "네이버가 발표했다."}, ensure_ascii=False).encode() + b"\n"
                    + b'{"id": 2, "text": "\xff\xfe"}\n'
                    + json.dumps({"id": 3, "text": "카카오가 발표했다."}, ensure_ascii=False).encode() + b"\n")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(cli, ["tag", "--input", str(inp), "--output", str(out), "--ner", "none"])
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r.get("error", "")[:6] for r in rows] == ["", "[E001]", ""]
    assert [e["text"] for e in rows[2]["entities"]] == ["카카오"]
