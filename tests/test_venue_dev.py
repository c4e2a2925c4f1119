"""The venue dev set (``tests/cases/venue_dev.jsonl``): press-style passages of our own, written
after the venue rules and never tuned on, scored as a whole (issue 15: venue F1 >= 0.9).

Transliterated journal names, English titles, conference editions, and common words that are
not venues (a cosmetics brand, a battery cell, a science camp, a bare "Nature" with no
publication frame). Matching as in ``test_extract_cases`` (canonical or surface, and the year).
"""
from __future__ import annotations

import json
from pathlib import Path

from test_extract_cases import case_analyzer, forbidden_hits, gazetteer, predict, score_case  # noqa: F401 (fixtures)

DEV_PATH = Path(__file__).resolve().parent / "cases" / "venue_dev.jsonl"
VENUE_DEV_F1 = 0.9


def test_venue_dev_f1(case_analyzer, gazetteer, capsys):
    cases = [json.loads(line) for line in DEV_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]
    tp = fp = fn = 0
    errors = []
    for case in cases:
        preds = predict(case_analyzer, case)
        s = score_case(gazetteer, case, preds)
        tp, fp, fn = tp + s["tp"], fp + len(s["extra"]), fn + len(s["missing"])
        if s["extra"] or s["missing"] or forbidden_hits(case, preds):
            errors.append(f"{case['id']}: missing {s['missing']} extra {s['extra']}")
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    with capsys.disabled():
        print(f"\nvenue dev set: {len(cases)} passages, P {p:.3f} R {r:.3f} F1 {f1:.3f} (tp {tp}, fp {fp}, fn {fn})")
        for e in errors:
            print("  " + e)
    assert f1 >= VENUE_DEV_F1
