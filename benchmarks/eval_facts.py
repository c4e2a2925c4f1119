"""How well records are merged into facts: pairwise precision and recall of "same fact".

The gold of which records are one fact comes from our hand-made development-set gold
(``corpora/dev/gold_*.json``): two gold records of *different* articles report the same
fact when they are paper counts with a shared organization alias, the same venue set and
the same year (another count is the fact's conflict, not another fact), or investments with a shared investor alias and amounts
within 1%. A predicted record stands for the gold record it matches (the rules of
``kornews eval``); the system says two records are one fact when the ``facts`` table puts
them in one fact. Pairs are counted over the predicted records that match a gold record.

Also checks that the incremental facts of the run equal a rebuild (``--check-rebuild``).

Usage::

    kornews run corpora/dev/cache --out out/dev
    python benchmarks/eval_facts.py --pred out/dev --gold corpora/dev/gold_tune.json --gold corpora/dev/gold_test.json
"""
from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.evaluate import _alias_hit, _amount_match, _source_matches, load_gold, norm  # noqa: E402
from pipeline.facts import read_facts, rebuild_facts  # noqa: E402
from pipeline.store import read_table  # noqa: E402


def _same_gold(kind: str, g1: dict, g2: dict) -> bool:
    if kind == "paper_counts":
        # one fact may be reported with different counts (main track, total): that is its conflict
        return (g1.get("year") == g2.get("year")
                and {norm(v) for v in g1.get("venues") or []} == {norm(v) for v in g2.get("venues") or []}
                and bool({norm(a) for a in g1.get("org") or []} & {norm(a) for a in g2.get("org") or []}))
    lo1, lo2 = g1.get("amount_krw_low"), g2.get("amount_krw_low")
    same_amount = (lo1 is not None and lo2 is not None and abs(lo1 - lo2) <= 0.01 * max(lo1, lo2)) or (
        lo1 is None and lo2 is None and g1.get("amount_original") == g2.get("amount_original")
        and g1.get("currency") == g2.get("currency"))
    return same_amount and bool({norm(a) for a in g1.get("investor") or []}
                                & {norm(a) for a in g2.get("investor") or []})


def evaluate_merge(pred: Path, golds: list[Path]) -> dict:
    arts = read_table(pred, "articles", ["article_id", "source"]).to_pylist()
    fact_of: dict[tuple, str] = {}
    for f in read_facts(pred).to_pylist():
        kind = "paper_counts" if f["kind"] == "paper_count" else "investments"
        for aid in f["article_ids"]:
            fact_of.setdefault((kind, aid, f["fact_id"]), f["fact_id"])
    out = {}
    for kind in ("paper_counts", "investments"):
        rows = read_table(pred, kind).to_pylist()
        by_article: dict[str, list[dict]] = {}
        for r in rows:
            by_article.setdefault(r["article_id"], []).append(r)
        facts = read_facts(pred).to_pylist()
        # which fact holds each predicted record: the fact of its kind whose key it gives
        from models.facts import _fact_id, investment_keys, paper_key
        if kind == "paper_counts":
            record_fact = {(r["article_id"], r["start"]): _fact_id(*paper_key(r)) for r in rows}
        else:
            record_fact = {k: _fact_id(*v) for k, v in investment_keys(rows).items()}
        assert {f["fact_id"] for f in facts} >= set(record_fact.values())
        matched: list[tuple[str, dict, str]] = []  # (article file, gold record, fact id)
        for gold_path in golds:
            for ga in load_gold(gold_path)["articles"]:
                art = next((a for a in arts if _source_matches(a["source"], ga["file"])), None)
                if art is None:
                    continue
                used: set[int] = set()
                for r in by_article.get(art["article_id"], []):
                    for i, g in enumerate(ga.get(kind, [])):
                        if i in used or g.get("optional"):
                            continue
                        ok = (r["count"] == g.get("count") and _alias_hit([r["org"], r["org_text"]], g.get("org") or [])
                              and {norm(v) for v in r["venues"] or []} == {norm(v) for v in g.get("venues") or []}
                              and r["year"] == g.get("year")) if kind == "paper_counts" else (
                            _amount_match(r, g) and _alias_hit([r["investor"], r["investor_text"]],
                                                               g.get("investor") or []))
                        if ok:
                            used.add(i)
                            matched.append((ga["file"], g, record_fact[(r["article_id"], r["start"])]))
                            break
        tp = fp = fn = 0
        for (f1, g1, x1), (f2, g2, x2) in itertools.combinations(matched, 2):
            if f1 == f2:
                continue
            gold_same, pred_same = _same_gold(kind, g1, g2), x1 == x2
            tp += gold_same and pred_same
            fp += pred_same and not gold_same
            fn += gold_same and not pred_same
        p = tp / (tp + fp) if tp + fp else 1.0
        r_ = tp / (tp + fn) if tp + fn else 1.0
        out[kind] = {"records": len(matched), "pairs_tp": tp, "pairs_fp": fp, "pairs_fn": fn,
                     "precision": round(p, 3), "recall": round(r_, 3)}
    return out


def check_rebuild(pred: Path) -> bool:
    """The facts table equals a rebuild of it (on a copy; ``pred`` is not changed)."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "out"
        shutil.copytree(pred, copy)
        rebuild_facts(copy)
        key = lambda t: sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False)  # noqa: E731
                               for r in t.to_pylist())
        return key(read_facts(copy)) == key(read_facts(pred))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pred", type=Path, required=True)
    ap.add_argument("--gold", type=Path, action="append", default=[])
    ap.add_argument("--check-rebuild", action="store_true")
    args = ap.parse_args()
    if args.gold:
        print(json.dumps(evaluate_merge(args.pred, args.gold), ensure_ascii=False, indent=1))
    if args.check_rebuild:
        same = check_rebuild(args.pred)
        print(f"incremental facts {'equal' if same else 'DIFFER FROM'} a rebuild")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
