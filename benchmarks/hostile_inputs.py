"""A folder of hostile inputs: what happens to each, how long it takes, how much memory.

Writes about twenty inputs that have broken runs or been lost before (links and
loops, odd names, odd encodings, damaged bytes, bombs, huge and pathological
texts) beside two good articles, then

1. analyses each input alone in a fresh process (ingest → clean → analyse →
   Parquet, the code ``kornews run`` runs, without Prefect) and prints its outcome,
   seconds and peak RSS;
2. runs ``kornews run`` over the whole folder and checks that it exits 0 and keeps
   both good articles.

    python benchmarks/hostile_inputs.py [--work benchmarks/_work/hostile] [--ner default] [--skip-run]
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOOD = "한빛전자는 새 반도체 공장을 짓는다고 3일 밝혔다. 네이버는 이 회사에 100억원을 투자했다."
SENT = "네이버는 카카오와 삼성전자, 서울대와 함께 연구를 시작했다. "

ONE = r"""
import json, resource, sys, time
from datetime import datetime, timezone
from pathlib import Path
sys.path.insert(0, {root!r})
from models.analyse import Analyzer
from pipeline.ingest import iter_articles
from models.schema import QuarantineRecord, RawArticle
from pipeline.store import ParquetStore
analyzer = Analyzer(None, {ner!r}, errors="quarantine")
t0 = time.perf_counter()
items = list(iter_articles([sys.argv[1]]))
raws = [i for i in items if isinstance(i, RawArticle)]
store = ParquetStore(Path(sys.argv[2]), "hostile")
store.ensure_tables("2024-01")
rec = analyzer.process(raws, "hostile", datetime.now(timezone.utc), store.known_article)
rec.quarantine.extend(i for i in items if isinstance(i, QuarantineRecord))
store.write_batch(rec.as_tables())
print(json.dumps({{"seconds": time.perf_counter() - t0, "articles": len(rec.articles),
                  "entities": len(rec.entities), "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "quarantine": sorted({{(q.error_type, q.stage or "ingest") for q in rec.quarantine}}),
                  "notes": [a.cleaning_note for a in rec.articles if a.cleaning_note],
                  "replaced": sum(a.decode_replacements for a in rec.articles)}}, ensure_ascii=False))
"""


def write_inputs(d: Path) -> dict[str, str]:
    """Create the inputs; return name → what it is."""
    what: dict[str, str] = {}

    def add(name: str, data, desc: str) -> None:
        (d / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        what[name] = desc

    add("good1.txt", GOOD, "a good article")
    add("good2.jsonl", json.dumps({"title": "좋은 기사", "text": GOOD.replace("3일", "4일")}, ensure_ascii=False) + "\n",
        "a good JSONL article")
    add("huge_line_21M.txt", "ⓒ 사진 " + (GOOD + " ") * 230_000, "21 M characters on one line, a ⓒ at the start")
    add("long_1_5M.txt", (GOOD + "\n") * 16_000, "1.5 M characters: analysed in windows")
    add("mentions_100k.txt", SENT * 25_000, "100,000 organization mentions in one article")
    add("one_word_400k.txt", "가" * 400_000, "one 400,000-character word, no space")
    add("newlines_1M.txt", GOOD + "\n" * 1_000_000 + GOOD, "a million newlines between two sentences")
    add("binary.txt", bytes(range(256)) * 200, "binary garbage")
    add("empty.txt", b"", "an empty file")
    add("bom_only.txt", b"\xef\xbb\xbf", "a UTF-8 BOM and nothing else")
    add("utf16.txt", GOOD.encode("utf-16"), "UTF-16 with a BOM")
    add("utf32.txt", GOOD.encode("utf-32"), "UTF-32 with a BOM")
    damaged = bytearray(((GOOD + "\n") * 60).encode("cp949"))
    damaged[50:51] = b"\xff"
    add("damaged_cp949.txt", bytes(damaged), "CP949 with one damaged byte")
    add("controls.txt", "\x00\x01\u200b\u202e" + GOOD + "\ufeff\x7f", "NUL, control and bidi characters around text")
    add("surrogates.jsonl", json.dumps({"text": GOOD + "\ud800\udfff\udc00"}) + "\n", "lone surrogates in JSON")
    add("deep.json", "[" * 100_000 + "]" * 100_000, "JSON nested 100,000 deep")
    add("nan.jsonl", '{"text": NaN}\n{"text": ["a", 1]}\n[1, 2]\n"str"\n', "JSON values that are not articles")
    add("many.json", json.dumps([{"text": f"{GOOD} 기사 {i}번."} for i in range(20_000)], ensure_ascii=False),
        "one JSON file of 20,000 articles")
    add("script_only.html", "<html><body><script>" + "x=1;" * 10_000 + "</script></body></html>",
        "an HTML page with only a script")
    add("nested.html", "<div>" * 50_000 + GOOD + "</div>" * 50_000, "HTML nested 50,000 deep")
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb") as gz:
        gz.write((json.dumps({"text": GOOD}, ensure_ascii=False) + "\n").encode() * 1000)
    add("truncated.jsonl.gz", buf.getvalue()[: len(buf.getvalue()) // 2], "a gzip cut in half")
    with zipfile.ZipFile(d / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.txt", b"\0" * (300 * 1024 * 1024))
    what["bomb.zip"] = "a zip member that inflates to 300 MB"
    with zipfile.ZipFile(d / "evil.zip", "w") as zf:
        zf.writestr("../../escape.txt", GOOD)
        zf.writestr("inner.zip", b"PK")
        zf.writestr("ok.txt", GOOD + " 압축 안의 기사.")
    what["evil.zip"] = "a zip with a ../ path, a nested archive and one good member"
    with tarfile.open(d / "links.tar", "w") as tf:
        info = tarfile.TarInfo("link.txt")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(info)
    what["links.tar"] = "a tar whose member is a symlink to /etc/passwd"
    os.symlink(d / "loop_b.txt", d / "loop_a.txt")
    os.symlink(d / "loop_a.txt", d / "loop_b.txt")
    what["loop_a.txt"] = "a symlink loop a → b → a"
    os.symlink(d / "nowhere.txt", d / "dangling.txt")
    what["dangling.txt"] = "a dangling symlink"
    (d / "sub").mkdir()
    os.symlink(d, d / "sub" / "up")
    what["sub"] = "a folder holding a link to its parent (a directory loop)"
    with open(os.path.join(os.fsencode(d), b"name_\xff\xfe.txt"), "wb") as fh:
        fh.write(GOOD.encode())
    what[os.fsdecode(b"name_\xff\xfe.txt")] = "a file name that is not UTF-8"
    os.mkfifo(d / "fifo.txt")
    what["fifo.txt"] = "a FIFO named like a text file (reading it would block)"
    return what


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=str(ROOT / "benchmarks" / "_work" / "hostile"))
    p.add_argument("--ner", default="default")
    p.add_argument("--skip-run", action="store_true", help="only the per-input table")
    args = p.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    d = work / "in"
    d.mkdir(parents=True)
    what = write_inputs(d)
    code = ONE.format(root=str(ROOT), ner=args.ner)
    print(f"NER: {args.ner}. Each input alone, in a fresh process (model load not counted in seconds).\n")
    print("| input | what | outcome | seconds | peak RSS MiB |")
    print("|---|---|---|---:|---:|")
    for name, desc in what.items():
        out = work / "out" / name.encode("utf-8", "backslashreplace").decode()
        proc = subprocess.run([sys.executable, "-c", code, os.fspath(d / name), str(out)], capture_output=True,
                              text=True, timeout=1800)
        if proc.returncode != 0:
            print(f"| {name!a} | {desc} | **exception** rc={proc.returncode}: {proc.stderr.strip()[-300:]} | | |")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        outcome = [f"{r['articles']} article(s), {r['entities']:,} entities"] if r["articles"] else []
        outcome += [f"quarantine {t} ({s})" for t, s in r["quarantine"]]
        outcome += [f"note: {n}" for n in r["notes"]]
        outcome += [f"{r['replaced']} replaced" for _ in [0] if r["replaced"]]
        shown = name.encode("utf-8", "backslashreplace").decode()
        print(f"| `{shown}` | {desc} | {'; '.join(outcome)} | {r['seconds']:.1f} | {r['rss']:,.0f} |", flush=True)
    if args.skip_run:
        return
    print("\n`kornews run` over the whole folder:")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(d), "--out", str(work / "run"),
                           "--ner", args.ner, "--no-progress"], capture_output=True, text=True, cwd=ROOT)
    import pandas as pd

    arts = pd.read_parquet(work / "run" / "articles")
    good = sum(GOOD in b for b in arts["body"])
    print(f"exit {proc.returncode} in {time.perf_counter() - t0:.0f} s; {len(arts)} articles written, "
          f"{good} hold the good text; {len(pd.read_parquet(work / 'run' / 'quarantine'))} quarantine rows")
    print(proc.stderr.strip().splitlines()[-1] if proc.returncode else "")


if __name__ == "__main__":
    main()
