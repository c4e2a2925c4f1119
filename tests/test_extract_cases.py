"""Hand-written extraction cases (``tests/cases/extraction_cases.jsonl``).

Each case is a short news passage with the complete list of records of one kind
(paper_counts, investments, orgs, venues, money) it contains, plus ``forbid``
strings that must not be extracted as that kind. See ``tests/cases/README.md``.

* ``test_train_case`` — one test per **train** case: the prediction must match
  exactly (every expected record found, no extra record, no forbidden span).
* ``test_dev_floor`` — the **dev** split scored as a whole: prints a per-kind
  P/R/F1 table and asserts a floor (a regression guard, not the target).
  Never tune rules on dev cases.

Matching follows the rules of ``../shared/corpora/seeds/gold.json``: names match
on canonical or surface form (case and spaces ignored) or when the gazetteer
resolves both to the same canonical; a paper count matches on count + venue set
+ org (+ year when the case gives one); an investment on the KRW low/high within
1 % + currency + investor (+ period when the case gives one); money on every field.
"""
from __future__ import annotations

import json
import math
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any, Optional

import pytest

CASES_PATH = Path(__file__).resolve().parent / "cases" / "extraction_cases.jsonl"
KINDS = ("paper_counts", "investments", "orgs", "venues", "money")
DEV_F1_FLOOR = 0.7


def load_cases() -> list[dict]:
    cases = []
    with open(CASES_PATH, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            case = json.loads(line)
            assert case["kind"] in KINDS, f"line {lineno}: unknown kind {case['kind']!r}"
            assert case["split"] in ("train", "dev"), f"line {lineno}: unknown split {case['split']!r}"
            cases.append(case)
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases


CASES = load_cases()
TRAIN = [c for c in CASES if c["split"] == "train"]
DEV = [c for c in CASES if c["split"] == "dev"]


# --- fixtures -------------------------------------------------------------------
@pytest.fixture(scope="session")
def case_analyzer():
    pytest.importorskip("kiwipiepy")
    from models.analyse import Analyzer

    return Analyzer("kiwi", "none", errors="raise")


@pytest.fixture(scope="session")
def gazetteer():
    from models.gazetteer import load_gazetteer

    return load_gazetteer()


# --- name matching ----------------------------------------------------------------
def _norm(s: Optional[str]) -> str:
    return "".join((s or "").split()).casefold()


def _resolve(gaz, name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    entry = gaz.lookup(name)
    return entry.canonical if entry is not None else None


def name_matches(gaz, expected: Optional[str], canonical: Optional[str], surface: Optional[str]) -> bool:
    """``expected`` names the same organization/venue as a prediction (canonical, surface)."""
    if expected is None:
        return canonical is None and surface is None
    if _norm(expected) in {_norm(canonical), _norm(surface)} - {""}:
        return True
    want = _resolve(gaz, expected)
    if want is None:
        return False
    got = {canonical, _resolve(gaz, canonical), _resolve(gaz, surface)} - {None}
    return want in got


def _close(a: Optional[float], b: Optional[float], rel: float = 0.01) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=rel, abs_tol=0.5)


# --- predictions: one normalised dict per record, with its character span -----------
def predict(analyzer, case: dict) -> list[dict]:
    from models.extract.investment import extract_investments
    from models.extract.money import find_money
    from models.extract.orgs import extract_orgs
    from models.extract.papers import extract_paper_counts
    from models.extract.venues import extract_venues

    text = case["text"]
    kind = case["kind"]
    if kind == "money":
        return [{"span": (m.start, m.end), "text": m.text, "currency": m.currency, "amount": m.amount,
                 "low": m.low, "high": m.high, "qualifier": m.qualifier, "krw_low": m.krw_low,
                 "krw_high": m.krw_high} for m in find_money(text)]
    pub = datetime.fromisoformat(case["published_at"]) if case.get("published_at") else None
    adoc = analyzer.analyse_text(text, published_at=pub)
    if kind == "paper_counts":
        return [{"span": (p.start, p.end), "org_canonical": p.org.canonical if p.org else None,
                 "org_text": p.org.text if p.org else None, "count": p.count,
                 "venues": sorted({v.canonical or v.text for v in p.venues}), "year": p.year,
                 "count_text": p.count_text} for p in extract_paper_counts(adoc)]
    if kind == "investments":
        out = []
        for inv in extract_investments(adoc):
            money = inv.money.payload
            out.append({"span": (inv.money.start, inv.money.end), "money_text": inv.money.text,
                        "investor_canonical": inv.investor.canonical if inv.investor else None,
                        "investor_text": inv.investor.text if inv.investor else None,
                        "currency": money.currency, "krw_low": money.krw_low, "krw_high": money.krw_high,
                        "period": inv.period})
        return out
    if kind == "orgs":
        out, seen = [], set()
        for m in extract_orgs(adoc):
            key = m.canonical or _norm(m.text)
            rec = {"span": (m.start, m.end), "text": m.text, "canonical": m.canonical, "key": key}
            if key in seen:  # an organization is one record however often it is named
                rec["duplicate"] = True
            seen.add(key)
            out.append(rec)
        return out
    if kind == "venues":
        out, seen = [], set()
        for m in extract_venues(adoc):
            key = (m.canonical or m.text, m.year)
            rec = {"span": (m.start, m.end), "name": m.canonical or m.text, "text": m.text, "year": m.year}
            if key in seen:
                rec["duplicate"] = True
            seen.add(key)
            out.append(rec)
        return out
    raise ValueError(kind)


def _venue_set(gaz, names) -> set[str]:
    return {_norm(_resolve(gaz, v) or v) for v in names}


def record_matches(gaz, kind: str, exp: dict, pred: dict) -> bool:
    if kind == "paper_counts":
        if exp["count"] != pred["count"]:
            return False
        if _venue_set(gaz, exp.get("venues") or []) != _venue_set(gaz, pred["venues"]):
            return False
        if exp.get("year") is not None and exp["year"] != pred["year"]:
            return False
        return name_matches(gaz, exp["org"], pred["org_canonical"], pred["org_text"])
    if kind == "investments":
        if exp.get("currency", "KRW") != pred["currency"]:
            return False
        if not (_close(exp["amount_krw_low"], pred["krw_low"]) and _close(exp["amount_krw_high"], pred["krw_high"])):
            return False
        if exp.get("period") is not None and _norm(exp["period"]) != _norm(pred["period"]):
            return False
        return name_matches(gaz, exp["investor"], pred["investor_canonical"], pred["investor_text"])
    if kind == "orgs":
        if exp.get("canonical"):
            return name_matches(gaz, exp["canonical"], pred["canonical"], pred["text"]) or \
                name_matches(gaz, exp["text"], pred["canonical"], pred["text"])
        return _norm(exp["text"]) == _norm(pred["text"])
    if kind == "venues":
        return exp.get("year") == pred["year"] and name_matches(gaz, exp["name"], pred["name"], pred["text"])
    if kind == "money":
        if exp["text"] != pred["text"] or exp["currency"] != pred["currency"] or exp["qualifier"] != pred["qualifier"]:
            return False
        return all(_close(exp.get(k), pred[k], rel=1e-12) for k in ("amount", "low", "high", "krw_low", "krw_high"))
    raise ValueError(kind)


def forbidden_hits(case: dict, preds: list[dict]) -> list[str]:
    """Forbid strings whose occurrence in the text overlaps a predicted record's span."""
    text = case["text"]
    hits = []
    for f in case.get("forbid", []):
        start = text.find(f)
        spans = []
        while start >= 0:
            spans.append((start, start + len(f)))
            start = text.find(f, start + 1)
        if any(ps < fe and fs < pe for fs, fe in spans for ps, pe in (p["span"] for p in preds)):
            hits.append(f)
    return hits


def score_case(gaz, case: dict, preds: list[dict]) -> dict:
    """Greedy one-to-one matching of expected to predicted records."""
    kind = case["kind"]
    preds = [p for p in preds if not p.get("duplicate")]
    used: set[int] = set()
    missing = []
    for exp in case["expect"]:
        hit = next((i for i, p in enumerate(preds) if i not in used and record_matches(gaz, kind, exp, p)), None)
        if hit is None:
            missing.append(exp)
        else:
            used.add(hit)
    extra = [p for i, p in enumerate(preds) if i not in used]
    return {"tp": len(used), "fn": len(missing), "fp": len(extra), "missing": missing, "extra": extra,
            "forbidden": forbidden_hits(case, preds)}


def _show(records: list[dict]) -> str:
    return json.dumps([{k: v for k, v in r.items() if k not in ("span", "duplicate", "key")} for r in records],
                      ensure_ascii=False)


# --- tests --------------------------------------------------------------------------
def test_case_file_shape():
    assert len(CASES) >= 80
    per_kind = defaultdict(int)
    for c in CASES:
        per_kind[c["kind"]] += 1
        assert c["text"].strip() and isinstance(c["expect"], list) and isinstance(c.get("forbid", []), list)
    assert per_kind["paper_counts"] >= 30 and per_kind["investments"] >= 20
    assert min(per_kind["orgs"], per_kind["venues"], per_kind["money"]) >= 10
    for kind in KINDS:
        assert any(c["kind"] == kind for c in DEV), f"no dev case of kind {kind}"


@pytest.mark.parametrize("case", TRAIN, ids=[c["id"] for c in TRAIN])
def test_train_case(case, case_analyzer, gazetteer):
    preds = predict(case_analyzer, case)
    s = score_case(gazetteer, case, preds)
    problems = []
    if s["missing"]:
        problems.append(f"missing {_show(s['missing'])}")
    if s["extra"]:
        problems.append(f"extra {_show(s['extra'])}")
    if s["forbidden"]:
        problems.append(f"forbidden extracted {s['forbidden']}")
    assert not problems, f"[{case['kind']}] {case['note']}\n  text: {case['text']}\n  " + "\n  ".join(problems)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def test_dev_floor(case_analyzer, gazetteer):
    totals = {k: {"tp": 0, "fp": 0, "fn": 0, "forbidden": 0, "cases": 0, "exact": 0} for k in KINDS}
    for case in DEV:
        s = score_case(gazetteer, case, predict(case_analyzer, case))
        t = totals[case["kind"]]
        t["cases"] += 1
        t["tp"] += s["tp"]
        t["fp"] += s["fp"]
        t["fn"] += s["fn"]
        t["forbidden"] += len(s["forbidden"])
        t["exact"] += not (s["fn"] or s["fp"] or s["forbidden"])
    lines = [f"{'kind':<13}{'cases':>6}{'exact':>6}{'tp':>5}{'fp':>5}{'fn':>5}{'forb':>5}{'P':>7}{'R':>7}{'F1':>7}"]
    low = []
    for kind, t in totals.items():
        p, r, f = prf(t["tp"], t["fp"], t["fn"])
        lines.append(f"{kind:<13}{t['cases']:>6}{t['exact']:>6}{t['tp']:>5}{t['fp']:>5}{t['fn']:>5}"
                     f"{t['forbidden']:>5}{p:>7.3f}{r:>7.3f}{f:>7.3f}")
        if f < DEV_F1_FLOOR:
            low.append(f"{kind} F1={f:.3f}")
    print("\nDEV split (never tune on it)\n" + "\n".join(lines))
    assert not low, f"dev F1 below floor {DEV_F1_FLOOR}: {', '.join(low)}"
