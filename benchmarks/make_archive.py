"""Generate a large archive of distinct articles from the Wikinews corpus, for reprocess benchmarks.

Usage::

    python benchmarks/make_archive.py 100000 /tmp/archive.jsonl.gz [--shared ../shared]

Copy ``k`` of an article has its paragraphs rotated by ``k`` (when it has more
than one), a dateline sentence naming ``k`` appended (e.g. ``(위키뉴스 제공, 사본
12번)``) and its date moved by ``k`` days, so every line has a different body and
so a different ``article_id``, while the text stays realistic Korean news. The
archive is written as a stream (gzip JSONL): memory stays flat for any ``N``.
"""
from __future__ import annotations

import argparse
import gzip
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = ROOT.parent / "shared"


def load_wikinews(shared: Path) -> list[dict]:
    """The Wikinews articles (``corpora/news/wikinews_ko.jsonl``): id, title, text, date."""
    path = Path(shared) / "corpora" / "news" / "wikinews_ko.jsonl"
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _shift_date(value: str | None, days: int) -> str | None:
    try:
        return (date.fromisoformat(str(value)[:10]) + timedelta(days=days)).isoformat()
    except (TypeError, ValueError):
        return value


def varied_copies(articles: list[dict], n: int) -> Iterator[dict]:
    """Yield ``n`` records cycling over ``articles``; copy ``k`` (k ≥ 1) is perturbed.

    Returns:
        (yields) JSON records ``{"id", "title", "text", "date"}``; copy 0 is the original.
    """
    for i in range(n):
        src = articles[i % len(articles)]
        k = i // len(articles)
        text = src["text"]
        if k:
            paras = [p for p in text.split("\n") if p.strip()]
            if len(paras) > 1:
                r = k % len(paras)
                paras = paras[r:] + paras[:r]
            text = "\n".join(paras) + f"\n(위키뉴스 제공, 사본 {k}번)"
        yield {"id": f"{src.get('id', i)}-{k}", "title": src.get("title"), "text": text,
               "date": _shift_date(src.get("date"), k % 3650)}


def write_archive(n: int, out: Path, shared: Path = DEFAULT_SHARED) -> int:
    """Write ``n`` varied copies as gzip JSONL to ``out``. Returns the characters of text written."""
    articles = load_wikinews(shared)
    chars = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=5) as fh:
        for rec in varied_copies(articles, n):
            chars += len(rec["text"])
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return chars


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int, help="articles to write")
    ap.add_argument("out", type=Path, help="output .jsonl.gz")
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args()
    chars = write_archive(args.n, args.out, args.shared)
    print(f"wrote {args.n:,} articles ({chars:,} chars) to {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
