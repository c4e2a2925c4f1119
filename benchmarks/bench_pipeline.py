"""End-to-end speed of ``kornews run`` vs the tokenizers people use, fed line by line.

Usage::

    taskset -c 0 python benchmarks/bench_pipeline.py [--copies 5] [--ner default] [--shared ../shared]

Input: the Wikinews corpus (``corpora/news/wikinews_ko.jsonl``) × ``--copies``,
as varied copies (see ``make_archive.py``), written to a temporary JSONL file.
In one process and one run, it measures:

* ``kornews analysis, steady state``: what ``kornews run`` does per article, in
  one process (streamed ingest → clean → mecab-ko + spaCy NER (the shipped model
  brings the tokenizer it was trained on) → gazetteer and rules → extract →
  Parquet write), with models loaded beforehand (load time is printed apart);
* ``kornews run, whole process``: the same input through ``kornews run`` started
  as a process (imports, Prefect's ephemeral API, model load, writing included);
* baselines, tokenize only, one core, each in a fresh process after a warm-up of
  200 lines, on the same cleaned bodies cut into their lines and fed **line by
  line** as users run them: konlpy ``Okt().morphs``
  (needs Java), Kiwi ``tokenize`` (and Kiwi given all lines in one call, its
  batch mode), and mecab-ko ``Tagger().parse`` as the floor.

It prints chars/s for each, and both kornews figures as multiples of each
baseline (goals: whole process ≥ 2× Okt, steady state ≥ 3× Okt). Figures only;
nothing is asserted.
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
    analyzer = get_analyzer(None, ner, "quarantine")
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


def tokenizer_fn(name: str):
    """``(tokenize one line, tokenize a list of lines)`` of a third-party tagger, or why it is skipped."""
    if name == "okt":
        from models.tokenize import java_available

        if not java_available():
            return "skipped: no Java runtime (konlpy needs a JVM)"
        from konlpy.tag import Okt

        fn = Okt().morphs
        return fn, None
    if name.startswith("kiwi"):
        from kiwipiepy import Kiwi

        # one worker thread: batch mode needs one, and the process stays on one core like the other baselines
        kiwi = Kiwi(num_workers=1)
        return kiwi.tokenize, (lambda lines: sum(1 for _ in kiwi.tokenize(lines)))
    import mecab_ko

    return mecab_ko.Tagger().parse, None


def bench_tokenizer(name: str, lines: list[str]) -> tuple[float, float] | str:
    """Tokenize-only time of a third-party tagger over ``lines``, one call per line (``kiwi-batch``:
    one call for all of them). Returns (load s, run s) or why it was skipped."""
    t0 = time.perf_counter()
    res = tokenizer_fn(name)
    if isinstance(res, str):
        return res
    one, many = res
    one("워밍업 문장입니다.")
    load = time.perf_counter() - t0
    for line in lines[:200]:  # warm up (Okt's JVM compiles its hot paths during the first calls)
        one(line)
    t0 = time.perf_counter()
    if name == "kiwi-batch":
        many(lines)
    else:
        for line in lines:
            one(line)
    return load, time.perf_counter() - t0


def bench_tokenizer_apart(name: str, lines_path: Path) -> tuple[float, float] | str:
    """:func:`bench_tokenizer` in a fresh process: the pipeline's threads and heap do not slow the baseline
    (in one process, Okt on the same core ran at a third of its own speed)."""
    import subprocess

    res = subprocess.run([sys.executable, __file__, "--baseline", name, "--lines", str(lines_path)],
                         capture_output=True, text=True, check=True)
    value = json.loads(res.stdout.strip().splitlines()[-1])
    return value if isinstance(value, str) else tuple(value)


def bench_process(path: Path, out: Path, ner: str) -> float:
    """Wall time of a whole ``kornews run`` process started from the shell (imports, Prefect, models, writing)."""
    import subprocess

    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(path), "--out", str(out), "--ner", ner,
                    "--no-progress"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


BASELINES = ("okt", "kiwi", "kiwi-batch", "mecab-ko")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, default=5, help="Wikinews × this many varied copies")
    ap.add_argument("--ner", default="default", help="--ner of the pipeline (default, none, ...)")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    ap.add_argument("--no-process", action="store_true", help="skip the whole-process `kornews run`")
    ap.add_argument("--baseline", choices=BASELINES, help=argparse.SUPPRESS)  # one baseline, in a child process
    ap.add_argument("--lines", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        lines = args.lines.read_text(encoding="utf-8").split("\n")
        print(json.dumps(bench_tokenizer(args.baseline, lines)))
        return

    wiki = load_wikinews(args.shared)
    records = list(varied_copies(wiki, len(wiki) * args.copies))
    with tempfile.TemporaryDirectory(prefix="kornews-bench-") as tmp:
        path = Path(tmp) / "wikinews.jsonl"
        with open(path, "w", encoding="utf-8") as fh:
            for r in records:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        n, chars, load, secs = bench_pipeline(path, Path(tmp) / "out", args.ner)
        # the same cleaned bodies the pipeline analysed, fed line by line as users feed taggers
        from pipeline.store import read_table

        bodies = read_table(Path(tmp) / "out", "articles", ["body"]).column("body").to_pylist()
        print(f"kornews analysis: {chars / secs:,.0f} chars/s", file=sys.stderr)
        wall = None if args.no_process else bench_process(path, Path(tmp) / "out-process", args.ner)
        if wall is not None:
            print(f"kornews run process: {chars / wall:,.0f} chars/s", file=sys.stderr)

    lines = [line for body in bodies for line in body.split("\n") if line.strip()]
    line_chars = sum(map(len, lines))
    lines_file = tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False)
    with lines_file:
        lines_file.write("\n".join(lines))
    rows = [(f"kornews analysis, steady state (ner={args.ner})", load, secs, n, chars)]
    if wall is not None:
        rows.append((f"kornews run, whole process (ner={args.ner})", None, wall, n, chars))
    for name in BASELINES:
        res = bench_tokenizer_apart(name, Path(lines_file.name))
        print(f"{name}: {res if isinstance(res, str) else f'{line_chars / res[1]:,.0f} chars/s'}", file=sys.stderr)
        label = f"{name} ({'one call for all lines' if name == 'kiwi-batch' else 'line by line'})"
        if isinstance(res, str):
            rows.append((label, None, None, res, None))
        else:
            rows.append((label, res[0], res[1], len(lines), line_chars))

    os.unlink(lines_file.name)
    print(f"Wikinews ×{args.copies}: {len(records):,} articles in, {n:,} analysed, {chars:,} chars, "
          f"{len(lines):,} lines (cpu count {os.cpu_count()}, one process, load {os.getloadavg()[0]:.1f})")
    print(f"| {'what':48} | {'load s':>7} | {'run s':>8} | {'chars/s':>10} | {'items/s':>10} |")
    print(f"|{'-' * 50}|{'-' * 8}:|{'-' * 9}:|{'-' * 11}:|{'-' * 11}:|")
    rates = {}
    for what, ld, s, items, ch in rows:
        if s is None:
            print(f"| {what:48} | {'':>7} | {'':>8} | {items} |")
            continue
        rates[what] = ch / s
        print(f"| {what:48} | {'' if ld is None else f'{ld:7.1f}':>7} | {s:8.1f} | {ch / s:10,.0f} | "
              f"{items / s:10,.1f} |")
    for what in [r[0] for r in rows[:2] if r[0] in rates]:
        ratios = ", ".join(f"{rates[what] / v:.2f}× {k.split(' ')[0]}" for k, v in rates.items()
                           if not k.startswith("kornews"))
        print(f"{what}: {ratios}")
    print("goals (issue 17): whole process ≥ 2× okt line by line; steady state ≥ 3× okt line by line")


if __name__ == "__main__":
    main()
