"""The real-press development set: its split by outlet, its cache check and strict scoring."""
from __future__ import annotations

import hashlib
import json

from pipeline.devset import assign_splits, merge, outlet_key, read_index, verify
from pipeline.evaluate import _amount_match


def _entries(outlets):
    return [{"id": f"{i:02d}", "outlet": o} for i, o in enumerate(outlets)]


def test_split_keeps_an_outlet_whole_and_a_third_for_test():
    outlets = ["A"] * 4 + ["B"] * 3 + ["C"] * 3 + ["D"] * 2 + ["E"] * 2 + ["F"] * 1
    sides = assign_splits(_entries(outlets), {})
    n_test = sum(1 for o in outlets if sides[outlet_key(o)] == "test")
    assert set(sides) == {outlet_key(o) for o in outlets}
    assert 4 <= n_test <= 6  # a third of 15, give or take one outlet


def test_split_is_made_once_an_outlet_keeps_its_side():
    sides = assign_splits(_entries(["A", "B", "C"]), {"a": "test", "b": "tune", "c": "tune"})
    assert sides == {"a": "test", "b": "tune", "c": "tune"}


def test_merge_and_verify(tmp_path):
    dev = tmp_path
    (dev / "parts").mkdir()
    (dev / "cache").mkdir()
    text = "네이버는 ICLR 2022에 논문 12편이 채택됐다고 밝혔다."
    (dev / "cache" / "aaa.txt").write_text(text, encoding="utf-8")
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    part = {"part": "p", "index": [{"id": "aaa", "url": "u", "outlet": "X", "sha256": sha, "kind": "papers"},
                                   {"id": "bbb", "url": "v", "outlet": "X", "sha256": "0" * 64, "kind": "papers"}],
            "articles": [{"file": "aaa.txt", "paper_counts": []}, {"file": "bbb.txt"}]}
    (dev / "parts" / "p.json").write_text(json.dumps(part), encoding="utf-8")
    counts = merge(dev)
    assert sum(counts.values()) == 2
    assert [e["id"] for e in read_index(dev)] == ["aaa", "bbb"]
    gold = json.loads((dev / f"gold_{read_index(dev)[0]['split']}.json").read_text(encoding="utf-8"))
    assert gold["strict"] is True and gold["articles"][0]["file"] == "aaa.txt"
    assert verify(dev) == (["bbb"], [])
    (dev / "cache" / "aaa.txt").write_text(text + " ", encoding="utf-8")
    assert verify(dev) == (["bbb"], ["aaa"])


def test_a_foreign_amount_without_conversion_matches_on_its_own_currency():
    pred = {"currency": "USD", "amount": 300_000_000.0, "amount_krw_low": None, "amount_krw_high": None}
    assert _amount_match(pred, {"amount_krw_low": None, "amount_krw_high": None, "amount_original": 3e8,
                                "currency": "USD"})
    assert not _amount_match(pred, {"amount_krw_low": None, "amount_krw_high": None, "amount_original": 3e8,
                                    "currency": "JPY"})
