"""Score a run's investments against the hand-made Wikinews gold (corpora/gold/wikinews_investments.json).

    kornews run ../shared/corpora/news/wikinews_ko.jsonl --out out/wikinews --no-progress
    python benchmarks/eval_wikinews_investments.py --pred out/wikinews [--details]

The gold lists every money amount of the 644 articles with whether it is an
investment (and, if not, why: a sale price, a fine, a donation, a budget ...).
A predicted record is matched to the gold amount of its article with the same
amount text (spaces ignored) or, failing that, the same KRW value:

* true positive: the amount is an investment and the investor is right (one of
  the gold aliases, or none when the gold names none: an investor taken from
  another sentence is an error);
* false positive: any other record, a second record of a restated amount
  (``duplicate_of``) included; ``optional`` amounts count neither way;
* false negative: a gold investment (not a restatement, not optional) with no
  true positive.

Prints precision, recall and F1, and with ``--details`` every error.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval_wikinews_orgs import DEFAULT_SRC, gold_ids  # noqa: E402

GOLD = REPO / "corpora" / "gold" / "wikinews_investments.json"


def _norm(s) -> str:
    return "".join(str(s or "").split())


def score(pred_dir: Path, src: Path = DEFAULT_SRC, gold_path: Path = GOLD) -> dict:
    """Precision, recall and the errors of ``pred_dir``'s investments on the Wikinews gold."""
    from pipeline.store import read_table

    gold = json.loads(gold_path.read_text(encoding="utf-8"))["entries"]
    by_article: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for i, g in enumerate(gold):
        by_article[g["id"]].append((i, g))
    article_of = gold_ids(pred_dir, src)
    preds = read_table(pred_dir, "investments").to_pylist()
    tp, fp, errors, found = 0, 0, [], set()
    for p in sorted(preds, key=lambda r: (r["article_id"], r["start"])):
        wid = article_of.get(p["article_id"])
        entries = by_article.get(wid, [])
        match = next(((i, g) for i, g in entries if _norm(g["amount_text"]) == _norm(p["amount_text"])), None) or \
            next(((i, g) for i, g in entries if g.get("amount_krw_low") is not None
                  and g["amount_krw_low"] == p["amount_krw_low"]), None)
        if match is not None and match[1].get("optional"):
            continue
        if match is None or not match[1]["investment"]:
            fp += 1
            why = "not in the gold" if match is None else f"not an investment: {match[1].get('why')}"
            errors.append(f"FP {wid} {p['amount_text']!r} investor={p['investor']!r} ({why})")
            continue
        i, g = match
        original = g.get("duplicate_of", i)
        aliases = {_norm(a) for a in g.get("investor") or []}
        investor_ok = (_norm(p["investor"]) in aliases or _norm(p["investor_text"]) in aliases) if aliases \
            else p["investor"] is None
        if original in found or not investor_ok:
            fp += 1
            why = "a second record of one amount" if original in found else \
                f"investor {p['investor']!r}, gold {g.get('investor')}"
            errors.append(f"FP {wid} {p['amount_text']!r} ({why})")
            continue
        found.add(original)
        tp += 1
    required = [i for i, g in enumerate(gold) if g["investment"] and not g.get("optional") and "duplicate_of" not in g]
    fn = [i for i in required if i not in found]
    for i in fn:
        g = gold[i]
        errors.append(f"FN {g['id']} {g['amount_text']!r} investor={g.get('investor')} recipient={g.get('recipient')!r}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / len(required) if required else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": len(fn), "precision": round(precision, 3), "recall": round(recall, 3),
            "f1": round(f1, 3), "gold_investments": len(required), "errors": errors}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pred", required=True, type=Path, help="output folder of a kornews run over Wikinews")
    ap.add_argument("--src", type=Path, default=DEFAULT_SRC, help="wikinews_ko.jsonl (for its article ids)")
    ap.add_argument("--details", action="store_true", help="list every error")
    args = ap.parse_args(argv)
    res = score(args.pred, args.src)
    print(f"investments on Wikinews: P {res['precision']:.3f}  R {res['recall']:.3f}  F1 {res['f1']:.3f}  "
          f"(tp {res['tp']}, fp {res['fp']}, fn {res['fn']}; {res['gold_investments']} gold investments)")
    if args.details:
        print("\n".join(res["errors"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
