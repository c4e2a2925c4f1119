"""``kornews report`` at scale: time, HTML size and peak RSS of :func:`pipeline.report.build_report`.

Usage::

    python benchmarks/bench_report.py [--articles 100000] [--out /tmp/kornews-bench-report]
                                      [--articles-per-file 1000] [--repeat 3]

Synthesizes an output folder without running the pipeline: Parquet written
directly with pyarrow and :data:`models.schema.SCHEMAS`, laid out as the store
lays it out (``<table>/pub_month=YYYY-MM/part-<run>-<seq>.parquet``, zstd),
over 36 months and 4 runs. Per article, by default: a ~1,200-character Korean
body, 20 entities (a third ORG, over 3,000 organization names with a long tail),
0.1 paper counts and 0.2 investments (a tenth of them in dollars with no KRW
value), whose evidence sentences are really in the bodies at their offsets; plus
1 % of the articles' number in quarantine rows. A folder that already holds the
same parameters is reused.

Each measurement runs ``build_report`` in a fresh Python process (imports
included in neither figure): wall seconds of the aggregation (``collect``) and
of rendering and writing, and the process's peak RSS (``ru_maxrss``). Figures
only.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from models.schema import PARTITION_COLUMN, SCHEMAS  # noqa: E402

KST = timezone(timedelta(hours=9))
VENUES = ["NeurIPS", "ICML", "ICLR", "CVPR", "ACL", "EMNLP", "AAAI", "ICASSP", "Interspeech", "KDD"]
PUBLISHERS = ["가상일보", "나라경제", "다온뉴스", "라온테크", "마루타임즈", "바다신문", "사랑일보", "아라경제"] + \
    [f"지역신문{i}" for i in range(40)]
FILLER = ["{o} 관계자는 이번 성과가 연구진 {n}명의 꾸준한 노력 덕분이라고 설명했다.",
          "업계에서는 올해 {m}월 이후 {o}와 경쟁사의 경쟁이 더욱 치열해질 것으로 내다봤다.",
          "{o} 측은 {y}년까지 관련 인력을 {n}명 늘릴 계획이라고 덧붙였다.",
          "전문가들은 {o} 등 국내 기업의 연구 역량이 빠르게 높아지고 있다고 평가했다.",
          "이번 행사에는 국내외 연구자 {n}명이 참석해 {o}의 최신 연구를 공유했다.",
          "정부도 {y}년 관련 예산을 {n}억원 늘려 기초 연구를 지원하겠다는 방침을 밝혔다.",
          "{o}는 지난 {m}월 {d}일 서울 본사에서 기술 설명회를 열었다.",
          "{p} 기자가 만난 {o} 연구원은 데이터 품질이 가장 중요하다고 강조했다."]
PEOPLE = ["김가람", "이나래", "박다온", "최라온", "정마루", "강바다", "조사랑", "윤아라"]

DRIVER = """
import json, resource, sys, time
from pathlib import Path
from pipeline.report import collect_report, write_report
t0 = time.perf_counter()
data = collect_report(Path(sys.argv[1]))
t1 = time.perf_counter()
path = write_report(data, Path(sys.argv[2]))
t2 = time.perf_counter()
print("RESULT " + json.dumps({"collect_s": t1 - t0, "render_write_s": t2 - t1, "total_s": t2 - t0,
                              "html_bytes": path.stat().st_size,
                              "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                              "paper_records": len(data.paper_records), "investments": len(data.investments),
                              "cards": len(data.articles)}))
"""


def org_names(n: int) -> list[str]:
    syll = "가나다라마바사아자차카타파하강남동백서울한미래첨단지능"
    rng = random.Random(7)
    suffix = ["전자", "랩", "대학교", "연구원", "테크", "AI", "바이오", "벤처스", "소프트", "로보틱스"]
    names = set()
    while len(names) < n:
        names.add("".join(rng.choice(syll) for _ in range(rng.randint(2, 3))) + rng.choice(suffix))
    return sorted(names)


def synthesize(out: Path, articles: int, per_file: int, seed: int = 0) -> dict[str, int]:
    """Write the synthetic output; returns rows per table."""
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    orgs = org_names(3000)
    # a long tail: a few organizations are in most of the news
    weights = 1 / np.arange(1, len(orgs) + 1) ** 1.1
    weights /= weights.sum()
    start = datetime(2022, 1, 1, 9, tzinfo=KST)
    runs = [f"2026{m:02d}01T000000-bench{m}" for m in range(1, 5)]
    ingested = {r: datetime(2026, i + 1, 1, tzinfo=timezone.utc) for i, r in enumerate(runs)}
    rows: dict[str, list] = {t: [] for t in SCHEMAS}
    counts = {t: 0 for t in SCHEMAS}
    seq = [0]

    def flush(table: str) -> None:
        if not rows[table]:
            return
        schema = SCHEMAS[table]
        by_part: dict[tuple[str, str], list] = {}
        for r in rows[table]:
            by_part.setdefault((r[PARTITION_COLUMN], r["run_id"]), []).append(r)
        for (month, run), part in by_part.items():
            folder = out / table / f"{PARTITION_COLUMN}={month}"
            folder.mkdir(parents=True, exist_ok=True)
            seq[0] += 1
            arrow = pa.Table.from_pylist(part, schema=schema).drop_columns([PARTITION_COLUMN])
            pq.write_table(arrow, folder / f"part-{run}-{seq[0]:05d}.parquet", compression="zstd")
        counts[table] += len(rows[table])
        rows[table] = []

    org_pick = nprng.choice(len(orgs), size=articles * 8, p=weights)
    filler_orgs = iter(nprng.choice(len(orgs), size=articles * 30, p=weights).tolist())
    for i in range(articles):
        aid = f"{i:016x}"
        when = start + timedelta(minutes=int(i * 36 * 30 * 24 * 60 / articles))
        month = when.strftime("%Y-%m")
        run = runs[min(i * len(runs) // articles, len(runs) - 1)]
        base = {"article_id": aid, "run_id": run, PARTITION_COLUMN: month}
        a, b = orgs[org_pick[i * 8]], orgs[org_pick[i * 8 + 1]]
        sentences = [f"{a}가 {b}와 함께 새로운 인공지능 모델을 공개했다고 {when.day}일 밝혔다."]
        records = []
        if rng.random() < 0.1:
            n, venue = rng.randint(1, 40), rng.choice(VENUES)
            s = f"{a}는 올해 {venue} {when.year}에서 논문 {n}편을 발표했다."
            records.append(("paper_counts", len(sentences), s, f"{n}편",
                            {"org": a, "org_text": a, "venues": [venue], "year": when.year, "count": n,
                             "count_text": f"{n}편", "qualifier": "exact"}))
            sentences.append(s)
        if rng.random() < 0.2:
            if rng.random() < 0.1:
                n = rng.randint(1, 50)
                text, cur, amount, low, high, qual = f"{n}억달러", "USD", n * 1e8, None, None, "exact"
            else:
                n = max(1, int(10 ** rng.uniform(0, 4)))  # 1억 .. 1조, log-uniform
                text, cur, amount, low, high, qual = f"{n}억원", "KRW", n * 1e8, n * 10 ** 8, n * 10 ** 8, "exact"
            s = f"{b}는 {a}에 {text}을 투자했다."
            records.append(("investments", len(sentences), s, text,
                            {"investor": b, "investor_text": b, "recipient": a, "amount_text": text, "currency": cur,
                             "amount": amount, "amount_krw_low": low, "amount_krw_high": high, "qualifier": qual}))
            sentences.append(s)
        while sum(len(s) + 1 for s in sentences) < 1200:
            sentences.append(rng.choice(FILLER).format(
                o=orgs[next(filler_orgs)], n=rng.randint(2, 900), m=rng.randint(1, 12),
                d=rng.randint(1, 28), y=rng.randint(2023, 2030), p=rng.choice(PEOPLE)))
        body = " ".join(sentences)
        offsets = np.cumsum([0] + [len(s) + 1 for s in sentences])
        for table, idx, s, span, extra in records:
            st = int(offsets[idx]) + s.index(span)
            rows[table].append({**base, "sent_idx": idx, "start": st, "end": st + len(span), "evidence": s, **extra})
        rows["articles"].append({**base, "source": f"/data/inbox/{month}/{aid}.txt", "title": f"{a}, 새 AI 모델 공개",
                                 "publisher": PUBLISHERS[int(nprng.integers(len(PUBLISHERS)))], "published_at": when,
                                 "body": body, "ingested_at": ingested[run],
                                 "url": f"https://news.example.kr/{aid}" if i % 2 else None})
        for k in range(20):
            if k < 7:
                name = orgs[org_pick[i * 8 + min(k, 7)]]
                label, canonical = "ORG", name if k % 3 else None
            else:
                name, label, canonical = rng.choice(["2023년", "10편", "서울", "김가나", "NeurIPS"]), \
                    rng.choice(["DATE", "COUNT", "LOC", "PER", "VENUE"]), None
            st = (k * 57) % 1100
            rows["entities"].append({**base, "sent_idx": k // 4, "start": st, "end": st + len(name), "text": name,
                                     "label": label, "canonical": canonical, "source": "gazetteer"})
        if i % 100 == 99:
            rows["quarantine"].append({"source": f"/data/inbox/{month}/bad-{i}.jsonl#{i % 7}",
                                       "error_type": rng.choice(["MissingText", "InvalidJSON", "DecodeError"]),
                                       "error": "[E010] synthetic", "run_id": run, "ingested_at": ingested[run],
                                       PARTITION_COLUMN: month})
        if (i + 1) % per_file == 0 or i == articles - 1:
            for t in SCHEMAS:
                flush(t)
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--articles-per-file", type=int, default=1000,
                    help="articles per written batch (the store writes one file per batch and month)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/kornews-bench-report"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    folder = args.out / f"n{args.articles}-b{args.articles_per_file}"
    stamp = folder / "counts.json"
    if stamp.exists():
        counts = json.loads(stamp.read_text())
        print(f"reusing {folder}", file=sys.stderr)
    else:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        t = time.perf_counter()
        counts = synthesize(folder, args.articles, args.articles_per_file)
        stamp.write_text(json.dumps(counts))
        print(f"synthesized {folder} in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    files = sum(1 for _ in folder.rglob("*.parquet"))
    size = sum(p.stat().st_size for p in folder.rglob("*.parquet"))
    results = []
    for _ in range(args.repeat):
        proc = subprocess.run([sys.executable, "-c", DRIVER, str(folder), str(folder / "report.html")],
                              cwd=ROOT, capture_output=True, text=True, check=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        line = next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line[7:]))
    best = min(results, key=lambda r: r["total_s"])
    print(f"\nOutput: {folder} ({files:,} Parquet files, {size / 2 ** 20:,.0f} MiB); rows: "
          + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs\n")
    print("| run | collect (s) | render + write (s) | total (s) | HTML (KiB) | peak RSS (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for i, r in enumerate(results, 1):
        print(f"| {i} | {r['collect_s']:.2f} | {r['render_write_s']:.2f} | {r['total_s']:.2f} | "
              f"{r['html_bytes'] / 1024:,.0f} | {r['peak_rss_mib']:,.0f} |")
    print(f"\nbest total {best['total_s']:.2f} s; listed {best['paper_records']} paper counts, "
          f"{best['investments']} investments, {best['cards']} article cards")


if __name__ == "__main__":
    main()
