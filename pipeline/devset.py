"""The real-press development set (``corpora/dev``): merge the annotators' parts, split
by outlet, verify the git-ignored text cache.

The texts belong to their publishers: the repository keeps only their index (url,
query, outlet, date, sha256) and our gold; ``corpora/dev/GUIDE.md`` says how the cache
is rebuilt with the search tool's ``pages`` corpus.

Usage::

    python -m pipeline.devset merge     # parts/*.json -> index.jsonl, gold_tune.json, gold_test.json
    python -m pipeline.devset verify    # every cached text against its sha256
    python -m pipeline.devset stats     # texts, records and outlets per split

The split is made once, by outlet: every text of one outlet is on the same side, and
an outlet keeps the side ``index.jsonl`` already gives it when parts are merged again.
New outlets go, in the order of their SHA-1, to the test part while it holds less
than a third of the texts.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Optional

DEV_DIR = Path(__file__).resolve().parent.parent / "corpora" / "dev"
SPLITS = ("tune", "test")
TEST_SHARE = 1 / 3

ABOUT = (
    "Hand-made gold for real Korean press texts collected from the search tool's pages corpus "
    "(texts not committed; see corpora/dev/GUIDE.md for the annotation rules and how to rebuild "
    "the cache). Same format as ../shared/corpora/seeds/gold.json, with stricter matching: a paper "
    "count also matches on 'year' (the edition written, or 올해/지난해 against a date the text shows; "
    "null when neither), and an investment whose gold 'investor' is empty matches only a record "
    "with no investor. A foreign amount with no KRW conversion in the text matches on "
    "'amount_original' and 'currency'. 'not_investments' amounts must yield no investment record."
)


def outlet_key(outlet: Optional[str]) -> str:
    return "".join((outlet or "?").split()).casefold()


def _sha1(s: str) -> str:
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def read_index(dev: Path = DEV_DIR) -> list[dict]:
    path = dev / "index.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assign_splits(entries: list[dict], previous: dict[str, str]) -> dict[str, str]:
    """Outlet -> split. Outlets in ``previous`` keep their side; new ones fill the test
    part, in SHA-1 order, while it holds less than :data:`TEST_SHARE` of the texts."""
    sizes = Counter(outlet_key(e.get("outlet")) for e in entries)
    sides = {o: s for o, s in previous.items() if o in sizes}
    n_test = sum(sizes[o] for o, s in sides.items() if s == "test")
    total = sum(sizes.values())
    for o in sorted((o for o in sizes if o not in sides), key=_sha1):
        if n_test + sizes[o] <= TEST_SHARE * total + 0.5:
            sides[o] = "test"
            n_test += sizes[o]
        else:
            sides[o] = "tune"
    return sides


def merge(dev: Path = DEV_DIR) -> dict[str, int]:
    """Merge ``parts/*.json`` into ``index.jsonl`` and one gold file per split.

    A text that two parts hold (the same url) is kept once, from the first part in
    name order. Returns the number of texts per split.
    """
    previous = {outlet_key(e.get("outlet")): e["split"] for e in read_index(dev) if e.get("split")}
    index: dict[str, dict] = {}
    gold: dict[str, dict] = {}
    for part in sorted((dev / "parts").glob("*.json")):
        data = json.loads(part.read_text(encoding="utf-8"))
        arts = {a["file"]: a for a in data.get("articles", [])}
        for e in data.get("index", []):
            if e["id"] in index or f"{e['id']}.txt" not in arts:
                continue
            index[e["id"]] = {**e, "part": data.get("part", part.stem)}
            a = arts[f"{e['id']}.txt"]
            gold[e["id"]] = {"file": a["file"], "url": e["url"], "outlet": e.get("outlet"),
                             **{k: v for k, v in a.items() if k not in ("file", "url", "outlet")}}
    entries = sorted(index.values(), key=lambda e: e["id"])
    sides = assign_splits(entries, previous)
    counts = Counter()
    with open(dev / "index.jsonl", "w", encoding="utf-8") as f:
        for e in entries:
            e["split"] = sides[outlet_key(e.get("outlet"))]
            counts[e["split"]] += 1
            f.write(json.dumps(e, ensure_ascii=False) + "\n")
    for split in SPLITS:
        arts = [gold[e["id"]] for e in entries if e["split"] == split]
        out = {"about": ABOUT, "split": split, "strict": True, "articles": arts}
        (dev / f"gold_{split}.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return dict(counts)


def verify(dev: Path = DEV_DIR) -> tuple[list[str], list[str]]:
    """Cached texts that are missing, and those whose sha256 differs from the index."""
    missing, changed = [], []
    for e in read_index(dev):
        path = dev / "cache" / f"{e['id']}.txt"
        if not path.exists():
            missing.append(e["id"])
        elif hashlib.sha256(path.read_bytes()).hexdigest() != e["sha256"]:
            changed.append(e["id"])
    return missing, changed


def stats(dev: Path = DEV_DIR) -> dict:
    out: dict = {}
    for split in SPLITS:
        path = dev / f"gold_{split}.json"
        if not path.exists():
            continue
        arts = json.loads(path.read_text(encoding="utf-8"))["articles"]
        req = lambda k: sum(1 for a in arts for g in a.get(k, []) if not g.get("optional"))  # noqa: E731
        out[split] = {"texts": len(arts), "outlets": len({outlet_key(a.get("outlet")) for a in arts}),
                      "paper_counts": req("paper_counts"), "investments": req("investments"),
                      "organizations": req("organizations"), "venues": req("venues")}
    out["kinds"] = dict(Counter(f"{e.get('kind')}/{e.get('split')}" for e in read_index(dev)).most_common())
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.devset", description=__doc__.split("\n\n")[0])
    ap.add_argument("command", choices=["merge", "verify", "stats"])
    ap.add_argument("--dev", type=Path, default=DEV_DIR)
    args = ap.parse_args(argv)
    if args.command == "merge":
        print(json.dumps(merge(args.dev)))
    elif args.command == "verify":
        missing, changed = verify(args.dev)
        n = len(read_index(args.dev))
        print(f"{n - len(missing) - len(changed)} of {n} cached texts match their sha256")
        for i in missing:
            print(f"missing: cache/{i}.txt")
        for i in changed:
            print(f"changed: cache/{i}.txt")
        return 1 if missing or changed else 0
    else:
        print(json.dumps(stats(args.dev), ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
