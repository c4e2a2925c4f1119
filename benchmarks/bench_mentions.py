"""Analysis cost against the number of mentions in one article (issue 12: linear, not quadratic).

Builds one article of N organization mentions (plus a money amount and a paper
count every few sentences, so every extractor has work), analyses it once with
the default pipeline (or ``--ner none``) in a fresh ``Analyzer``, and prints
seconds, chars/s and seconds per 1,000 mentions. Linear cost shows as a flat
last column.

    python benchmarks/bench_mentions.py                    # 1k, 3k, 10k, 30k, 100k mentions
    python benchmarks/bench_mentions.py --mentions 1000,100000 --ner none
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SENTENCE = ("네이버는 카카오와 삼성전자, 서울대와 함께 연구를 시작했다. LG전자는 연구에 100억원을 투자했다. "
            "KAIST는 ICLR 2024에서 논문 3편을 발표했다. ")
ORGS_PER_SENTENCE = 6  # 네이버 카카오 삼성전자 서울대 LG전자 KAIST


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mentions", default="1000,3000,10000,30000,100000")
    p.add_argument("--ner", default="default")
    args = p.parse_args()

    from models.analyse import Analyzer
    from models.schema import RawArticle

    analyzer = Analyzer(None, args.ner, errors="raise")
    analyzer.process([RawArticle("warm.txt", SENTENCE)], "bench", datetime.now(timezone.utc))
    print(f"NER: {args.ner}; one article per row, analysed once (clean → tokenize → NER → rules → extract)\n")
    print("| ORG mentions | chars | entities written | seconds | chars/s | s per 1k mentions |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in (int(x) for x in args.mentions.split(",")):
        text = SENTENCE * max(1, n // ORGS_PER_SENTENCE)
        t0 = time.perf_counter()
        rec = analyzer.process([RawArticle("bench.txt", text)], "bench", datetime.now(timezone.utc))
        dt = time.perf_counter() - t0
        orgs = sum(e.label == "ORG" for e in rec.entities)
        print(f"| {orgs:,} | {len(text):,} | {len(rec.entities):,} | {dt:.1f} | {len(text) / dt:,.0f} | "
              f"{dt / max(1, orgs) * 1000:.2f} |", flush=True)
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")


if __name__ == "__main__":
    main()
