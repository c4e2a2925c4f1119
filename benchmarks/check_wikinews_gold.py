"""Check the hand-made Wikinews gold files against the source articles.

    python benchmarks/check_wikinews_gold.py [WIKINEWS_JSONL]

WIKINEWS_JSONL defaults to ../shared/corpora/news/wikinews_ko.jsonl, resolved
relative to the repository root. Verifies that:

- corpora/gold/wikinews_orgs.json: every article id exists, n_chars == len(text),
  every alias occurs in title + text (exact string), no alias is repeated across
  two entries of one article (case and spaces ignored), every not_organizations
  string occurs;
- corpora/gold/wikinews_investments.json: every id exists,
  text[start:end] == amount_text, duplicate_of points to an earlier entry of the
  same article, investment entries carry the fields they need.

Prints counts and exits 1 on any problem.
"""
from __future__ import annotations

import argparse
import collections
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "corpora" / "gold"
DEFAULT_SRC = "../shared/corpora/news/wikinews_ko.jsonl"
WHY = {
    "sale_price", "fine_penalty", "donation", "political_fund", "bribe",
    "revenue_profit", "fund_or_market_size", "budget_no_event", "loan_or_aid",
    "salary_or_price", "damages", "other",
}
QUALIFIERS = {"exact", "approx", "at_least", "at_most", "range", "vague"}


def norm(s: str) -> str:
    return re.sub(r"\s+", "", s).lower()


def load_articles(path: Path) -> dict[str, dict]:
    arts = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                a = json.loads(line)
                arts[a["id"]] = a
    return arts


def check_orgs(gold: dict, arts: dict[str, dict], errors: list[str]) -> None:
    n_art = n_org = n_opt = n_alias = 0
    seen_ids = set()
    for art in gold["articles"]:
        aid = art["id"]
        if aid in seen_ids:
            errors.append(f"orgs: {aid} listed twice")
        seen_ids.add(aid)
        a = arts.get(aid)
        if a is None:
            errors.append(f"orgs: unknown article id {aid}")
            continue
        n_art += 1
        if art["n_chars"] != len(a["text"]):
            errors.append(f"orgs: {aid} n_chars {art['n_chars']} != {len(a['text'])}")
        full = a["title"] + "\n" + a["text"]
        seen: dict[str, int] = {}
        for i, org in enumerate(art["organizations"]):
            n_org += 1
            n_opt += bool(org.get("optional"))
            if not org.get("aliases"):
                errors.append(f"orgs: {aid} entry {i} has no alias")
            for alias in org.get("aliases", []):
                n_alias += 1
                if alias not in full:
                    errors.append(f"orgs: {aid} alias not in title+text: {alias!r}")
            for name in set(map(norm, org.get("aliases", []) + org.get("names", []))):
                if name in seen and seen[name] != i:
                    errors.append(f"orgs: {aid} {name!r} in entries {seen[name]} and {i}")
                seen[name] = i
        for s in art.get("not_organizations", []):
            if s not in full:
                errors.append(f"orgs: {aid} not_organizations string not found: {s!r}")
    print(f"wikinews_orgs.json: {n_art} articles, {n_org} organizations "
          f"({n_org - n_opt} required, {n_opt} optional), {n_alias} surface aliases")


def check_investments(gold: dict, arts: dict[str, dict], errors: list[str]) -> None:
    entries = gold["entries"]
    why = collections.Counter()
    n_true = n_false = n_dup = n_opt = 0
    spans = set()
    for i, e in enumerate(entries):
        aid = e["id"]
        a = arts.get(aid)
        if a is None:
            errors.append(f"investments[{i}]: unknown article id {aid}")
            continue
        got = a["text"][e["start"]:e["end"]]
        if got != e["amount_text"]:
            errors.append(f"investments[{i}] {aid}: text[{e['start']}:{e['end']}]={got!r} "
                          f"!= {e['amount_text']!r}")
        if (aid, e["start"]) in spans:
            errors.append(f"investments[{i}] {aid}: span listed twice")
        spans.add((aid, e["start"]))
        if e.get("qualifier") not in QUALIFIERS:
            errors.append(f"investments[{i}] {aid}: bad qualifier {e.get('qualifier')!r}")
        d = e.get("duplicate_of")
        if d is not None:
            n_dup += 1
            if not (0 <= d < i) or entries[d]["id"] != aid:
                errors.append(f"investments[{i}] {aid}: bad duplicate_of {d}")
        n_opt += bool(e.get("optional"))
        if e["investment"]:
            n_true += 1
            for k in ("investor", "recipient", "amount_krw_low", "amount_krw_high", "currency"):
                if k not in e:
                    errors.append(f"investments[{i}] {aid}: investment entry lacks {k}")
            inv = e.get("investor")
            if inv is not None and not all(x in a["text"] for x in inv):
                errors.append(f"investments[{i}] {aid}: investor alias not in text: {inv}")
            if e.get("currency") == "KRW" and e.get("amount_krw_low") is None:
                errors.append(f"investments[{i}] {aid}: KRW investment without amount_krw_low")
        else:
            n_false += 1
            if e.get("why") not in WHY:
                errors.append(f"investments[{i}] {aid}: bad why {e.get('why')!r}")
            why[e.get("why")] += 1
    n_true_unique = sum(1 for e in entries if e["investment"] and e.get("duplicate_of") is None)
    n_true_req = sum(1 for e in entries if e["investment"] and e.get("duplicate_of") is None
                     and not e.get("optional"))
    print(f"wikinews_investments.json: {len(entries)} entries in "
          f"{len({e['id'] for e in entries})} articles; {n_true} investment=true "
          f"({n_true_unique} unique, {n_true_req} unique and required), {n_false} false; "
          f"{n_dup} duplicates, {n_opt} optional; candidates_scanned={gold.get('candidates_scanned')}")
    for k, v in why.most_common():
        print(f"  why={k}: {v}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("wikinews", nargs="?", default=DEFAULT_SRC,
                    help="Wikinews JSONL (relative paths resolve against the repo root)")
    args = ap.parse_args()
    src = Path(args.wikinews)
    if not src.is_absolute():
        src = (REPO / src).resolve()
    arts = load_articles(src)
    print(f"{src}: {len(arts)} articles")
    errors: list[str] = []
    check_orgs(json.loads((GOLD / "wikinews_orgs.json").read_text(encoding="utf-8")), arts, errors)
    check_investments(json.loads((GOLD / "wikinews_investments.json").read_text(encoding="utf-8")),
                      arts, errors)
    for err in errors:
        print("ERROR", err)
    print("OK" if not errors else f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
