"""``kornews reprocess`` scaling: speed with 1, 2, ... workers and peak RSS of the process tree.

Usage::

    python benchmarks/bench_reprocess.py [--articles 3000] [--workers 1,2] [--ner default]
                                         [--archive /tmp/archive.jsonl.gz] [--chunk-size 200]

    python benchmarks/bench_reprocess.py --articles 100000   # the issue's scale (hours on 2 cores)

The archive is generated from the Wikinews corpus with varied copies
(``make_archive.py``) unless it exists already. One local Prefect server is
started for the whole benchmark and passed to every run as ``PREFECT_API_URL``,
so its start-up is not counted. Each run is a fresh ``reprocess`` process into
an empty ``--out``; its wall time includes spawning the workers and loading
their models. Peak RSS is sampled every 0.2 s over the whole process tree
(driver + workers; the shared Prefect server is reported apart). CPU seconds
are the driver's own and its joined workers' (``getrusage``): where the driver's
share grows, it, not the workers, bounds the speedup. Figures only.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from make_archive import DEFAULT_SHARED, write_archive  # noqa: E402

DRIVER = """
import json, sys
from pipeline.config import ReprocessConfig  # noqa: E402
from pipeline.reprocess import run_reprocess  # noqa: E402
if __name__ == "__main__":
    cfg = ReprocessConfig(inputs=[sys.argv[1]], out=sys.argv[2], workers=int(sys.argv[3]), ner=sys.argv[4],
                          chunk_size=int(sys.argv[5]), progress=False)
    summary = run_reprocess(cfg)
    import resource
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    summary["driver_cpu_s"] = me.ru_utime + me.ru_stime
    summary["workers_cpu_s"] = kids.ru_utime + kids.ru_stime  # joined worker processes
    print("SUMMARY " + json.dumps(summary))
"""


def tree_rss(pid: int) -> tuple[int, int, str]:
    """(sum of RSS over the process and its descendants, largest single RSS in bytes, its command)."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.Error:
        return 0, 0, ""
    sizes = []
    for p in procs:
        try:
            sizes.append((p.memory_info().rss, " ".join(p.cmdline())[:80]))
        except psutil.Error:
            pass
    top = max(sizes, default=(0, ""))
    return sum(s for s, _ in sizes), top[0], top[1]


def run_once(archive: Path, workers: int, ner: str, chunk: int, env: dict, tmp: Path) -> dict:
    out = tmp / f"out-{workers}"
    script = tmp / "driver.py"
    script.write_text(DRIVER, encoding="utf-8")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(script), str(archive), str(out), str(workers), ner, str(chunk)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    peak_sum = peak_one = 0
    peak_cmd = ""
    import threading

    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    while proc.poll() is None:
        s, one, cmd = tree_rss(proc.pid)
        peak_sum = max(peak_sum, s)
        if one > peak_one:
            peak_one, peak_cmd = one, cmd
        time.sleep(0.2)
    reader.join()
    wall = time.perf_counter() - t0
    summary = next((json.loads(line[8:]) for line in lines if line.startswith("SUMMARY ")), None)
    if proc.returncode or summary is None:
        raise SystemExit("reprocess failed:\n" + "".join(lines[-40:]))
    return {"workers": workers, "wall": wall, "summary": summary, "peak_tree_rss": peak_sum, "peak_proc_rss": peak_one,
            "peak_proc": peak_cmd}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--workers", default="1,2", help="comma-separated worker counts")
    ap.add_argument("--ner", default="default")
    ap.add_argument("--chunk-size", type=int, default=200)
    ap.add_argument("--archive", type=Path, default=None, help="reuse or create this archive")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args()

    from pipeline.server import local_prefect_server

    with tempfile.TemporaryDirectory(prefix="kornews-bench-rp-") as tmpdir:
        tmp = Path(tmpdir)
        archive = args.archive or tmp / f"archive-{args.articles}.jsonl.gz"
        if not archive.exists():
            t0 = time.perf_counter()
            chars = write_archive(args.articles, archive, args.shared)
            print(f"generated {archive} ({args.articles:,} articles, {chars:,} chars) in "
                  f"{time.perf_counter() - t0:.1f} s")
        results = []
        with local_prefect_server() as api:
            env = dict(os.environ, PREFECT_API_URL=api, PREFECT_LOGGING_LEVEL="WARNING")
            server_rss = None
            for w in [int(x) for x in args.workers.split(",")]:
                r = run_once(archive, w, args.ner, args.chunk_size, env, tmp)
                results.append(r)
                print(f"  workers={w}: {r['wall']:.1f} s", flush=True)
            try:
                import psutil

                server_rss = max((p.memory_info().rss for p in psutil.process_iter()
                                  if "server start" in " ".join(p.cmdline() or [])), default=None)
            except Exception:  # noqa: BLE001
                pass

    base = results[0]
    print(f"\nreprocess of {args.articles:,} varied Wikinews articles, ner={args.ner}, chunk={args.chunk_size}, "
          f"cpu count {os.cpu_count()}, load {os.getloadavg()[0]:.1f}")
    print("| workers | wall s | flow s | articles/s | chars/s | speedup | peak RSS tree | peak RSS one process "
          "| driver CPU s | workers CPU s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        s = r["summary"]
        print(f"| {r['workers']} | {r['wall']:.1f} | {s['seconds']:.1f} | {s['articles'] / r['wall']:.1f} | "
              f"{s['chars'] / r['wall']:,.0f} | {base['wall'] / r['wall']:.2f}× | "
              f"{r['peak_tree_rss'] / 2**30:.2f} GiB | {r['peak_proc_rss'] / 2**30:.2f} GiB | "
              f"{s['driver_cpu_s']:.1f} | {s['workers_cpu_s']:.1f} |")
    for r in results:
        print(f"(workers={r['workers']}: largest process was `{r['peak_proc']}`; "
              f"worker peak RSS from getrusage {r['summary'].get('max_worker_peak_rss_mib')} MiB)")
    if server_rss:
        print(f"(the shared Prefect server: {server_rss / 2**20:.0f} MiB RSS, not included)")


if __name__ == "__main__":
    main()
