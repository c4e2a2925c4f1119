"""End-to-end speed of ``kornews run``'s analysis path vs tokenize-only Okt and mecab-ko.

Usage::

    python benchmarks/bench_pipeline.py [--copies 5] [--ner default] [--shared ../shared]

Input: the Wikinews corpus (``corpora/news/wikinews_ko.jsonl``) × ``--copies``,
as varied copies (see ``make_archive.py``), written to a temporary JSONL file.
In one process and one run, it measures:

* ``kornews pipeline``: what ``kornews run`` does per article, in one process
  (streamed ingest → clean → mecab-ko + spaCy NER (the shipped model brings
  the tokenizer it was trained on) → gazetteer and rules → extract → Parquet write),
  with models loaded beforehand (load time is printed apart);
* ``okt (tokenize only)``: konlpy ``Okt().morphs`` on the same bodies (needs Java);
* ``mecab-ko (tokenize only)``: ``mecab_ko.Tagger().parse`` on the same bodies.

It prints chars/s and articles/s, and the pipeline's speed as a multiple of
Okt's (goal: ≥ 2×). Figures only; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_archive import DEFAULT_SHARED, load_wikinews, varied_copies  # noqa: E402


def bench_pipeline(path: Path, out: Path, ner: str, batch_size: int = 64) -> tuple[int, int, float, float]:
    """Run the ``kornews run`` analysis path in this process. Returns (articles, chars, load s, run s)."""
    from models.analyse import get_analyzer
    from pipeline.ingest import IngestConfig, iter_articles
    from models.schema import RawArticle
    from pipeline.store import ParquetStore, utcnow
    from pipeline.flows import batched

    t0 = time.perf_counter()
    analyzer = get_analyzer("kiwi", ner, "quarantine")
    analyzer.process([RawArticle(source="warmup", text="네이버가 투자했다.")], "warmup", utcnow())
    load = time.perf_counter() - t0
    store = ParquetStore(out, "bench", metadata=analyzer.versions)
    articles = chars = 0
    ingested = utcnow()
    t0 = time.perf_counter()
    for batch in batched(iter_articles([str(path)], IngestConfig()), batch_size):
        raws = [r for r in batch if isinstance(r, RawArticle)]
        records = analyzer.process(raws, "bench", ingested, store.known_article)
        store.write_batch(records.as_tables())
        articles += len(records.articles)
        chars += sum(len(a.body) for a in records.articles)
    return articles, chars, load, time.perf_counter() - t0


def bench_tokenizer(name: str, texts: list[str]) -> tuple[float, float] | str:
    """Tokenize-only time of a third-party tagger. Returns (load s, run s) or why it was skipped."""
    t0 = time.perf_counter()
    if name == "okt":
        from models.tokenize import java_available

        if not java_available():
            return "skipped: no Java runtime (konlpy needs a JVM)"
        from konlpy.tag import Okt

        tagger = Okt()
        fn = tagger.morphs
    else:
        import mecab_ko

        tagger = mecab_ko.Tagger()
        fn = tagger.parse
    fn("워밍업 문장입니다.")
    load = time.perf_counter() - t0
    t0 = time.perf_counter()
    for t in texts:
        fn(t)
    return load, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=5, help="Wikinews × this many varied copies")
    ap.add_argument("--ner", default="default", help="--ner of the pipeline (default, none, ...)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args()

    wiki = load_wikinews(args.shared)
    records = list(varied_copies(wiki, len(wiki) * args.copies))
    with tempfile.TemporaryDirectory(prefix="kornews-bench-") as tmp:
        path = Path(tmp) / "wikinews.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        n, chars, load, secs = bench_pipeline(path, Path(tmp) / "out", args.ner)
        # the same cleaned bodies the pipeline analysed
        from pipeline.store import read_table

        bodies = read_table(Path(tmp) / "out", "articles", ["body"]).column("body").to_pylist()

    rows = [("kornews pipeline (ner=%s)" % args.ner, load, secs, n, chars)]
    for name in ("okt", "mecab-ko"):
        res = bench_tokenizer(name, bodies)
        if isinstance(res, str):
            rows.append((f"{name} (tokenize only)", None, None, res, None))
        else:
            rows.append((f"{name} (tokenize only)", res[0], res[1], len(bodies), sum(map(len, bodies))))

    print(f"Wikinews ×{args.copies}: {len(records):,} articles in, {n:,} analysed, {chars:,} chars "
          f"(cpu count {os.cpu_count()}, one process, load {os.getloadavg()[0]:.1f})")
    print(f"| {'what':34} | {'load s':>7} | {'run s':>8} | {'chars/s':>10} | {'articles/s':>10} |")
    print(f"|{'-' * 36}|{'-' * 8}:|{'-' * 9}:|{'-' * 11}:|{'-' * 11}:|")
    rates = {}
    for what, ld, s, arts, ch in rows:
        if s is None:
            print(f"| {what:34} | {'':>7} | {'':>8} | {arts} |")
            continue
        rates[what] = ch / s
        print(f"| {what:34} | {ld:7.1f} | {s:8.1f} | {ch / s:10,.0f} | {arts / s:10,.1f} |")
    okt = next((v for k, v in rates.items() if k.startswith("okt")), None)
    if okt:
        print(f"pipeline / okt tokenize-only: {rates[rows[0][0]] / okt:.2f}× (goal ≥ 2×)")


if __name__ == "__main__":
    main()
