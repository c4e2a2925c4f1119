"""Throughput of the Hugging Face NER backend (``--ner hf:PATH``) in chars/s.

Prints chars/s for the bare classifier (windowing, forward passes, decoding) and
for the spaCy pipeline (morpheme tokenizer + ``kornews_hf_ner``) over the texts
of a folder (``*.txt`` one article a file, ``*.jsonl`` with a ``text`` field) or
one JSONL file. Skips cleanly (exit 0) when no checkpoint is given.

Usage::

    python benchmarks/bench_hf.py --model CHECKPOINT_DIR [--input DIR] [--limit N] [--repeat 3]
        [--tokenizer mecab] [--max-length 512] [--stride 128] [--batch-size 8] [--device cpu]

The checkpoint may also come from ``KORNEWS_HF_MODEL``. On the CPU, torch uses
``OMP_NUM_THREADS`` threads (default here: 1, to compare with ``bench_ner.py``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ner import _best_rate  # noqa: E402  (one timing helper for both NER benchmarks)

DEFAULT_NEWS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"


def read_texts(path: Path) -> list[str]:
    """Texts of a ``.txt``/``.jsonl`` file, or of every such file under a folder (sorted)."""
    files = sorted(p for p in path.rglob("*") if p.suffix in (".txt", ".jsonl")) if path.is_dir() else [path]
    texts = []
    for f in files:
        if f.suffix == ".jsonl":
            for line in f.open(encoding="utf-8"):
                if line.strip():
                    rec = json.loads(line)
                    if isinstance(rec.get("text"), str):
                        texts.append(rec["text"])
        else:
            texts.append(f.read_text(encoding="utf-8"))
    return [t for t in texts if t.strip()]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", type=Path, default=os.environ.get("KORNEWS_HF_MODEL"),
                   help="local token-classification checkpoint (or $KORNEWS_HF_MODEL)")
    p.add_argument("--input", type=Path, default=DEFAULT_NEWS, help="a folder of .txt/.jsonl, or a .jsonl file")
    p.add_argument("--limit", type=int, default=0, help="first N texts only")
    p.add_argument("--repeat", type=int, default=3, help="best of N runs")
    p.add_argument("--tokenizer", default="mecab")
    p.add_argument("--max-length", type=int, default=512)
    p.add_argument("--stride", type=int, default=128)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--device", default=None)
    args = p.parse_args(argv)
    if not args.model:
        print("bench_hf: skipped, no checkpoint given (--model DIR or KORNEWS_HF_MODEL)")
        return 0
    if not args.input.exists():
        print(f"bench_hf: skipped, {args.input} does not exist (--input DIR)")
        return 0
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        print("bench_hf: skipped, torch/transformers not installed (pip install 'kornews[transformers]')")
        return 0

    from models.ner.hf import HfTokenClassifier, add_hf_ner
    from models.nlp import blank_korean

    texts = read_texts(args.input)
    if args.limit:
        texts = texts[:args.limit]
    n = sum(map(len, texts))
    t = time.perf_counter()
    clf = HfTokenClassifier(args.model, device=args.device, max_length=args.max_length, stride=args.stride,
                            batch_size=args.batch_size)
    load_s = time.perf_counter() - t
    print(f"{len(texts)} texts, {n} chars, best of {args.repeat}; model {args.model} on {clf.device} "
          f"(loaded in {load_s:.1f}s), max_length {clf.max_length}, stride {clf.stride}, pid {os.getpid()}")
    rows = [("hf classifier (predict_many)", _best_rate(clf.predict_many, texts, n, args.repeat))]
    nlp = add_hf_ner(blank_korean(args.tokenizer), args.model, device=args.device, max_length=args.max_length,
                     stride=args.stride, batch_size=args.batch_size)
    rows.append((f"{args.tokenizer} tokenizer + hf ner (nlp.pipe)",
                 _best_rate(lambda ts: list(nlp.pipe(ts, batch_size=16)), texts, n, args.repeat)))
    for name, rate in rows:
        print(f"{name:40s} {rate:12,.0f} chars/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
