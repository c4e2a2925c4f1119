"""Article-level ORG precision/recall of ``kornews run`` output against the hand-made Wikinews gold.

    python benchmarks/eval_wikinews_orgs.py --ner none --ner default --ner accurate [--json FILE]
    python benchmarks/eval_wikinews_orgs.py --out DIR [--out DIR2 ...]

With ``--ner X`` the script runs the real pipeline first
(``kornews run WIKINEWS --out TMP/X --ner X``) and scores its output; with
``--out DIR`` it scores an output folder written before. Gold:
``corpora/gold/wikinews_orgs.json`` (69 articles, every organization with its
surface aliases; ``names``: extra canonical names; ``optional`` entries neither
required nor penalised; ``not_organizations``: hard negatives).

Matching, per article:

- a prediction is an ``entities`` row labelled ORG; its keys are its surface
  ``text`` and its ``canonical``, lower-cased with all whitespace removed;
- it matches a gold entry when one of its keys equals one of the entry's
  ``aliases``/``names`` (same normalisation);
- each gold entry counts once per article (a true positive when any
  prediction matches it, else a false negative);
- predictions matching an optional entry are ignored;
- the other predictions are false positives, each distinct key set once per
  article (the same wrong name tagged five times is one false positive).

P = TP / (TP + FP), R = TP / (required entries). Articles map to gold ids
through ``articles.source`` (``.../wikinews_ko.jsonl:LINE``, 1-based) and the
line of each id in the JSONL. Articles of the JSONL not in the gold are ignored.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
GOLD = REPO / "corpora" / "gold" / "wikinews_orgs.json"
DEFAULT_SRC = REPO.parent / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"


def norm(s: str | None) -> str:
    return re.sub(r"\s+", "", s or "").lower()


def line_ids(src: Path) -> dict[int, str]:
    """1-based line number → article id of the Wikinews JSONL."""
    out = {}
    with src.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if line.strip():
                out[lineno] = json.loads(line)["id"]
    return out


def gold_ids(out_dir: Path, src: Path) -> dict[str, str]:
    """``article_id`` of an output folder → Wikinews id, through ``articles.source`` (``…jsonl:LINE``)."""
    from pipeline.store import read_table

    ids = line_ids(src)
    aid_to_gold = {}
    for a in read_table(out_dir, "articles", ["article_id", "source"]).to_pylist():
        m = re.search(r":(\d+)$", a["source"] or "")
        if m and int(m.group(1)) in ids:
            aid_to_gold[a["article_id"]] = ids[int(m.group(1))]
    return aid_to_gold


def predicted_orgs(out_dir: Path, src: Path) -> dict[str, list[tuple[str, str]]]:
    """Gold-style article id → ``[(text, canonical)]`` of the ORG rows of an output folder."""
    from pipeline.store import read_table

    aid_to_gold = gold_ids(out_dir, src)
    out: dict[str, list[tuple[str, str]]] = {gid: [] for gid in aid_to_gold.values()}
    for e in read_table(out_dir, "entities", ["article_id", "label", "text", "canonical"]).to_pylist():
        if e["label"] == "ORG" and e["article_id"] in aid_to_gold:
            out[aid_to_gold[e["article_id"]]].append((e["text"], e["canonical"]))
    return out


def score(gold: dict, preds: dict[str, list[tuple[str, str]]]) -> dict:
    """Article-level ORG scores (see the module docstring) and the error lists."""
    tp = fn = fp = ignored = hard = 0
    missing_articles = []
    misses, false_pos = Counter(), Counter()
    for art in gold["articles"]:
        aid = art["id"]
        if aid not in preds:
            missing_articles.append(aid)
        entries = [(frozenset(norm(x) for x in e.get("aliases", []) + e.get("names", [])), bool(e.get("optional")))
                   for e in art["organizations"]]
        negatives = {norm(x) for x in art.get("not_organizations", [])}
        matched = [False] * len(entries)
        seen_fp = set()
        for text, canonical in preds.get(aid, []):
            keys = {k for k in (norm(text), norm(canonical)) if k}
            hits = [i for i, (names, _) in enumerate(entries) if keys & names]
            if hits:
                for i in hits:
                    matched[i] = True
                continue
            key = tuple(sorted(keys))
            if key not in seen_fp:
                seen_fp.add(key)
                fp += 1
                false_pos[text] += 1
                hard += bool(keys & negatives)
        for (names, optional), ok in zip(entries, matched):
            if optional:
                ignored += ok
                continue
            if ok:
                tp += 1
            else:
                fn += 1
                art_entry = next(e for e in art["organizations"]
                                 if frozenset(norm(x) for x in e.get("aliases", []) + e.get("names", [])) == names)
                misses[art_entry["aliases"][0] if art_entry.get("aliases") else sorted(names)[0]] += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"articles": len(gold["articles"]), "articles_without_output": missing_articles,
            "tp": tp, "fp": fp, "fn": fn, "p": round(p, 4), "r": round(r, 4), "f": round(f, 4),
            "optional_matched": ignored, "fp_hard_negatives": hard,
            "top_false_positives": false_pos.most_common(25), "top_misses": misses.most_common(25)}


def run_pipeline(ner: str, src: Path, out_dir: Path, device: str | None = None,
                 tokenizer: str | None = None) -> float:
    """``kornews run SRC --out OUT_DIR --ner NER``; returns the wall-clock seconds."""
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(src), "--out", str(out_dir), "--ner", ner,
           "--no-progress"]
    if device:
        cmd += ["--device", device]
    if tokenizer:
        cmd += ["--tokenizer", tokenizer]
    if out_dir.exists():  # a fresh run: kornews run skips sources already in its output
        shutil.rmtree(out_dir)
    t = time.time()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"kornews run --ner {ner} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return time.time() - t


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ner", action="append", default=[], help="run `kornews run --ner X` first (repeatable)")
    p.add_argument("--out", action="append", default=[], type=Path, help="score an existing output folder")
    p.add_argument("--src", type=Path, default=DEFAULT_SRC, help="the Wikinews JSONL")
    p.add_argument("--gold", type=Path, default=GOLD)
    p.add_argument("--work", type=Path, default=None, help="where --ner runs write (default: a temp folder)")
    p.add_argument("--device", default=None, help="--device for the transformer tiers")
    p.add_argument("--tokenizer", default=None, help="--tokenizer for the --ner runs (default: the pipeline's)")
    p.add_argument("--json", type=Path, default=None, help="also write the results here")
    p.add_argument("--errors", action="store_true", help="print the top false positives and misses")
    args = p.parse_args(argv)
    if not args.src.exists():
        raise SystemExit(f"{args.src} not found (../shared/corpora/news/wikinews_ko.jsonl)")
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    work = args.work or Path(tempfile.mkdtemp(prefix="kornews_wikiorgs_"))
    targets = [(f"--ner {n}", None, n) for n in args.ner] + [(str(o), o, None) for o in args.out]
    results = {}
    for name, out_dir, ner in targets:
        seconds = None
        if ner is not None:
            out_dir = work / re.sub(r"[^\w.-]+", "_", ner + (f"-{args.tokenizer}" if args.tokenizer else ""))
            seconds = run_pipeline(ner, args.src, out_dir, args.device, args.tokenizer)
        res = score(gold, predicted_orgs(out_dir, args.src))
        res["run_seconds"] = round(seconds, 1) if seconds is not None else None
        results[name] = res
        print(f"{name:<40} P {res['p']:.3f}  R {res['r']:.3f}  F1 {res['f']:.3f}  "
              f"(TP {res['tp']} FP {res['fp']} FN {res['fn']}; FP on hard negatives {res['fp_hard_negatives']})"
              + (f"  run {seconds:.0f}s" if seconds is not None else ""))
        if args.errors:
            print("  false positives:", ", ".join(f"{t}×{c}" for t, c in res["top_false_positives"]))
            print("  misses:", ", ".join(f"{t}×{c}" for t, c in res["top_misses"]))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
