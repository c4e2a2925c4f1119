"""Throughput of tokenization and tokenization + NER over Korean Wikinews, one core.

Prints chars/s for: raw mecab-ko morphemes, raw Kiwi morphemes, the spaCy
tokenizer (``make_doc``) on each backend, and the shipped NER pipeline
(tokenize + NER), plus each speed relative to raw mecab measured in the same
process (absolute numbers move with machine load; the ratio does not, much).

Usage::

    taskset -c 0 python benchmarks/bench_ner.py [--model DIR] [--limit N] [--repeat 3]
    taskset -c 0 python benchmarks/bench_ner.py --ner spacy:models/ner/weights --ner accurate --limit 100

``--ner SPEC`` (repeatable; any ``--ner`` value: ``spacy:PATH``, ``accurate``,
``hf:PATH``) measures each pipeline (mecab-ko tokenizer + that NER) instead of
the shipped model, with its load time and the size of its files on disk; the
transformer tiers run on the CPU with ``torch.set_num_threads(1)``.

Sets ``OMP_NUM_THREADS=1`` and Kiwi to one worker so everything runs on one core.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_NEWS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"


def _best_rate(fn, texts, n_chars, repeat):
    best = 0.0
    for _ in range(repeat):
        t = time.perf_counter()
        fn(texts)
        best = max(best, n_chars / (time.perf_counter() - t))
    return best


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--news", type=Path, default=DEFAULT_NEWS)
    p.add_argument("--model", type=Path, default=None, help="NER dir (default: the shipped weights)")
    p.add_argument("--limit", type=int, default=0, help="first N articles only")
    p.add_argument("--repeat", type=int, default=3, help="best of N runs")
    p.add_argument("--no-kiwi", action="store_true")
    p.add_argument("--ner", action="append", default=[], help="an --ner value to measure (repeatable)")
    p.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = p.parse_args(argv)

    from models.ner.model import load_ner
    from models.nlp import blank_korean
    from models.tokenize import KiwiTokenizer, create_tokenizer

    texts = [json.loads(line)["text"] for line in args.news.open(encoding="utf-8") if line.strip()]
    if args.limit:
        texts = texts[:args.limit]
    n = sum(map(len, texts))
    print(f"{len(texts)} articles, {n} chars, best of {args.repeat}, pid {os.getpid()}")
    rows = []

    mecab = create_tokenizer("mecab")
    raw = _best_rate(lambda ts: [mecab.morphs(t) for t in ts], texts, n, args.repeat)
    rows.append(("tokenize mecab (morphs)", raw))
    nlp_m = blank_korean("mecab", user_words=False)
    rows.append(("tokenize mecab (spaCy Doc)", _best_rate(lambda ts: [nlp_m.make_doc(t) for t in ts],
                                                          texts, n, args.repeat)))
    if not args.no_kiwi:
        kiwi = KiwiTokenizer(num_workers=1)
        rows.append(("tokenize kiwi (morphs)", _best_rate(lambda ts: [kiwi.morphs(t) for t in ts],
                                                          texts, n, args.repeat)))

    extra = {}
    if not args.ner:
        nlp = load_ner(args.model)
        backend = nlp.config["nlp"]["tokenizer"]["backend"]
        nlp(texts[0])  # warm up
        rows.append((f"tokenize {backend} + NER", _best_rate(lambda ts: list(nlp.pipe(ts, batch_size=64)),
                                                              texts, n, args.repeat)))
    for spec in args.ner:
        nlp, info = _load_spec(spec)
        nlp(texts[0])  # warm up
        name = f"tokenize mecab + NER {spec}"
        rows.append((name, _best_rate(lambda ts: list(nlp.pipe(ts, batch_size=64)), texts, n, args.repeat)))
        extra[name] = info
        nlp = None

    width = max(len(r[0]) for r in rows)
    for name, rate in rows:
        info = extra.get(name)
        more = f"   load {info['load_s']:.1f}s, {info['size_mb']:.1f} MB on disk" if info else ""
        print(f"{name:<{width}}  {rate:>10,.0f} chars/s   {rate / raw:6.3f} x raw mecab{more}")
    if args.json:
        args.json.write_text(json.dumps({"articles": len(texts), "chars": n, "repeat": args.repeat,
                                         "rows": [{"name": name, "chars_per_s": round(rate), "vs_raw_mecab":
                                                   round(rate / raw, 4), **extra.get(name, {})}
                                                  for name, rate in rows]}, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")


def _load_spec(spec: str):
    """``(nlp, {"load_s", "size_mb", "path"})`` for an ``--ner`` value on mecab-ko, one thread."""
    from models.ner import backends

    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # the spaCy tiers do not need it
        pass
    if spec == "accurate":
        path = backends.accurate_dir()
    elif ":" in spec:
        path = Path(spec.split(":", 1)[1])
    else:
        path = backends.default_weights_dir()
    t = time.perf_counter()
    nlp = backends.attach_ner(spec, "mecab", device="cpu")
    load_s = time.perf_counter() - t
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return nlp, {"load_s": round(load_s, 2), "size_mb": round(size / 1e6, 1), "path": str(path)}


if __name__ == "__main__":
    main()
