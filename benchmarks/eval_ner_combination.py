"""Gazetteer alone, model alone, and their combination: ORG scores on two test sets.

Usage::

    python benchmarks/eval_ner_combination.py [--shared ../shared] [--limit 0] [--ner spacy:PATH]

1. The KMOU dev split (documents held out by ``models.ner.data.split_by_document``,
   the same split the shipped model was selected on): exact character spans of ORG.
2. The seed articles' gold organizations (``kornews eval`` rules: canonical name or
   surface among the aliases; optional entries ignored).

Systems: ``gazetteer`` = gazetteer + rules (``--ner none``); ``model`` = the shipped
spaCy model's (or ``--ner spacy:PATH``'s) ORG spans after the same plausibility filter, no gazetteer;
``combined`` = the default pipeline (gazetteer first, model for the rest).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.document import build_nlp  # noqa: E402
from pipeline.evaluate import _alias_hit, _match, norm  # noqa: E402
from models.ner.backends import attach_ner  # noqa: E402
from models.ner.data import load_examples, mapped_entities, split_by_document  # noqa: E402


def pipelines(ner: str = "default") -> dict:
    model_only = attach_ner(ner, "mecab")
    model_only.add_pipe("kornews_candidates", config={"gazetteer": False, "rules": False})
    model_only.add_pipe("kornews_resolve")
    return {"gazetteer": build_nlp("mecab", "none"), "model": model_only, "combined": build_nlp("mecab", ner)}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def kmou_dev(shared: Path, nlps: dict, limit: int) -> None:
    records = load_examples(shared / "corpora" / "ner" / "train.jsonl")
    _, dev = split_by_document(records, 0.1, 0)
    if limit:
        dev = dev[:limit]
    texts = [r["text"] for r in dev]
    gold = [{(s, e) for s, e, lab in mapped_entities(r) if lab == "ORG"} for r in dev]
    print(f"KMOU dev split: {len(dev)} sentences, {sum(map(len, gold))} ORG spans")
    print(f"{'system':10} {'P':>6} {'R':>6} {'F1':>6}")
    for name, nlp in nlps.items():
        tp = fp = fn = 0
        for doc, g in zip(nlp.pipe(texts, batch_size=64), gold):
            pred = {(m.start, m.end) for m in doc._.mentions or [] if m.label == "ORG"}
            tp += len(pred & g)
            fp += len(pred - g)
            fn += len(g - pred)
        print(f"{name:10} {prf(tp, fp, fn)[0]:6.3f} {prf(tp, fp, fn)[1]:6.3f} {prf(tp, fp, fn)[2]:6.3f}")


def seeds(shared: Path, nlps: dict) -> None:
    from models.clean import clean_text

    folder = shared / "corpora" / "seeds"
    gold = json.loads((folder / "gold.json").read_text(encoding="utf-8"))
    print(f"\nSeed articles: {len(gold['articles'])}, organizations by the gold's matching rules")
    print(f"{'system':10} {'P':>6} {'R':>6} {'F1':>6}")
    bodies = [clean_text((folder / a["file"]).read_text(encoding="utf-8"), detect_headline=True).body
              for a in gold["articles"]]
    for name, nlp in nlps.items():
        tp = fp = fn = 0
        for art, doc in zip(gold["articles"], nlp.pipe(bodies)):
            groups: dict[str, dict] = {}
            for m in doc._.mentions or []:
                if m.label == "ORG":
                    g = groups.setdefault(norm(m.canonical or m.text), {"canonical": m.canonical, "surfaces": set()})
                    g["surfaces"].add(m.text)
            t, f, n, _, _ = _match(list(groups.values()), art["organizations"],
                                   lambda p, g: _alias_hit([p["canonical"], *p["surfaces"]], g["aliases"]))
            tp, fp, fn = tp + t, fp + f, fn + n
        print(f"{name:10} {prf(tp, fp, fn)[0]:6.3f} {prf(tp, fp, fn)[1]:6.3f} {prf(tp, fp, fn)[2]:6.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--limit", type=int, default=0, help="first N dev sentences only (0 = all)")
    ap.add_argument("--ner", default="default", help="the model: default (shipped) or spacy:PATH")
    args = ap.parse_args()
    nlps = pipelines(args.ner)
    kmou_dev(Path(args.shared), nlps, args.limit)
    seeds(Path(args.shared), nlps)


if __name__ == "__main__":
    main()
