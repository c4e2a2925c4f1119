"""MONEY norms through ``kornews tag`` (the path acceptance uses), on our own cases.

Every money case of tests/cases (train and dev) is tagged through the CLI; the
MONEY ``norm`` must carry the expected currency, amount, low, high and qualifier.
Value accuracy over all of them must be ≥ 0.95 (the issue's bar for held-out
real news); the train cases must all be exact.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli

CASES = Path(__file__).parent / "cases" / "extraction_cases.jsonl"
FIELDS = ("currency", "amount", "low", "high", "qualifier")


def _money_cases() -> list[dict]:
    rows = [json.loads(l) for l in CASES.read_text(encoding="utf-8").splitlines() if l.strip()]
    return [r for r in rows if r["kind"] == "money"]


@pytest.fixture(scope="module")
def tagged(tmp_path_factory) -> dict[str, list[dict]]:
    cases = _money_cases()
    d = tmp_path_factory.mktemp("money")
    (d / "in.jsonl").write_text("\n".join(json.dumps({"id": c["id"], "text": c["text"]}, ensure_ascii=False)
                                          for c in cases) + "\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["tag", "--input", str(d / "in.jsonl"), "--output", str(d / "out.jsonl"),
                                   "--ner", "none"])
    assert res.exit_code == 0, res.output
    out = [json.loads(l) for l in (d / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    return {o["id"]: [e for e in o["entities"] if e["label"] == "MONEY"] for o in out}


def _hits(case: dict, ents: list[dict]) -> tuple[int, int]:
    """(expected expressions normalised right, expected expressions)."""
    ok = 0
    for exp in case["expect"]:
        for e in ents:
            if e["text"] == exp["text"] and all(e["norm"][f] == exp[f] for f in FIELDS):
                ok += 1
                break
    return ok, len(case["expect"])


def test_value_accuracy_through_tag(tagged):
    cases = _money_cases()
    assert len(cases) >= 15
    ok = total = 0
    for c in cases:
        h, n = _hits(c, tagged[c["id"]])
        ok, total = ok + h, total + n
    assert total and ok / total >= 0.95, f"{ok}/{total}"


@pytest.mark.parametrize("case", [c for c in _money_cases() if c["split"] == "train"], ids=lambda c: c["id"])
def test_train_money_cases_exact(tagged, case):
    ents = tagged[case["id"]]
    h, n = _hits(case, ents)
    assert h == n, (case["text"], ents)
    for bad in case.get("forbid", []):
        assert not any(bad in e["text"] for e in ents), bad
