"""Is analysis cost linear on pathological texts? Time each shape at two sizes and compare.

A long run of one character class is where an unbounded regex repetition, tried
from every start, turns quadratic (a 400,000-character word took 420 s before
the venue patterns were bounded). Each shape is analysed (clean → tokenize →
NER → rules → extract) at ``--size`` and 4× that; the time ratio should stay near
4 (linear). A ratio near 16 is quadratic.

    python benchmarks/bench_pathological.py [--size 10000] [--ner default]
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SHAPES = {
    "Hangul run": "가",
    "Latin capitals": "A",
    "Latin word + space": "Word ",
    "digits": "7",
    "Hangul words": "가나다 ",
    "name without spaces": "네이버",
    "amounts": "100억원 ",
    "counts": "논문 3편 ",
    "copyright marks": "ⓒ",
    "open parentheses": "(",
    "quotes": "'",
    "periods": ".",
    "newlines": "\n",
    "venue frames": "학술지 Nature에 ",
    "each": "각각 ",
    "dateline": "입력 2023.03.15 ",
    "email-like": "a@b.",
    "bylines": "홍길동 기자 ",
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=10_000, help="characters of the smaller text")
    p.add_argument("--ner", default="default")
    args = p.parse_args()
    from models.analyse import Analyzer
    from models.schema import RawArticle

    analyzer = Analyzer(None, args.ner, errors="quarantine")
    now = datetime.now(timezone.utc)
    analyzer.process([RawArticle("warm.txt", "네이버가 발표했다.")], "b", now)
    big = 4 * args.size
    print(f"| shape | s at {args.size:,} chars | s at {big:,} chars | ratio (4 = linear) |")
    print("|---|---:|---:|---:|")
    for name, unit in SHAPES.items():
        times = []
        for n in (args.size, big):
            text = "네이버가 발표했다. " + unit * (n // len(unit))
            t0 = time.perf_counter()
            analyzer.process([RawArticle("p.txt", text)], "b", now)
            times.append(time.perf_counter() - t0)
        print(f"| {name} | {times[0]:.2f} | {times[1]:.2f} | {times[1] / max(times[0], 1e-3):.1f} |", flush=True)


if __name__ == "__main__":
    main()
