"""Tokenizer choice: speed on Wikinews and how well each backend keeps organization names whole.

Usage::

    python benchmarks/bench_tokenizers.py [--shared ../shared] [--limit 300] [--backends kiwi,mecab,okt]

Speed is tokenize-only chars/s on one thread over ``corpora/news/wikinews_ko.jsonl``.
"Names whole" is the share of gold organization mentions in the seed articles
(every occurrence of every non-optional alias) that start and end on morpheme
boundaries and have no boundary inside a word: 네이버 | 클로바 is whole,
클로|바 and 카카오|브레인 are not.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from models.tokenize import BACKENDS, KiwiTokenizer, create_tokenizer, java_available  # noqa: E402


def load_wikinews(shared: Path, limit: int) -> list[str]:
    path = shared / "corpora" / "news" / "wikinews_ko.jsonl"
    texts = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            texts.append(json.loads(line)["text"])
            if len(texts) >= limit:
                break
    return texts


def org_mentions(shared: Path) -> list[tuple[str, int, int]]:
    seeds = shared / "corpora" / "seeds"
    gold = json.loads((seeds / "gold.json").read_text(encoding="utf-8"))
    out = []
    for art in gold["articles"]:
        text = (seeds / art["file"]).read_text(encoding="utf-8")
        for org in art["organizations"]:
            if org.get("optional"):
                continue
            for alias in org["aliases"]:
                i = text.find(alias)
                while i >= 0:
                    out.append((text, i, i + len(alias)))
                    i = text.find(alias, i + 1)
    return out


def whole_rate(tok, mentions) -> float:
    cache: dict[str, set[int]] = {}
    ok = 0
    for text, s, e in mentions:
        if text not in cache:
            b = set()
            for m in tok.morphs(text):
                b.add(m.start)
                b.add(m.end)
            cache[text] = b
        bounds = cache[text]
        inner = [p for p in bounds if s < p < e and not (text[p - 1].isspace() or text[p].isspace())]
        ok += s in bounds and e in bounds and not inner
    return ok / len(mentions) if mentions else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--backends", default=",".join(BACKENDS))
    args = ap.parse_args()
    shared = Path(args.shared)
    texts = load_wikinews(shared, args.limit)
    chars = sum(map(len, texts))
    mentions = org_mentions(shared)
    print(f"{len(texts)} Wikinews articles, {chars:,} chars; {len(mentions)} gold org mentions in the seeds")
    print(f"{'backend':14} {'chars/s':>10} {'names whole':>12}")
    for name in args.backends.split(","):
        if name in ("okt", "komoran", "kkma", "hannanum") and not java_available():
            print(f"{name:14} {'(no JVM)':>10}")
            continue
        try:
            tok = KiwiTokenizer(num_workers=0) if name == "kiwi" else create_tokenizer(name)
        except Exception as e:  # a backend that cannot load is reported, not fatal
            print(f"{name:14} unavailable: {e}")
            continue
        sample = texts if name != "kkma" else texts[: max(1, len(texts) // 10)]
        t0 = time.perf_counter()
        for t in sample:
            tok.morphs(t)
        dt = time.perf_counter() - t0
        rate = sum(map(len, sample)) / dt
        print(f"{name:14} {rate:10,.0f} {whole_rate(tok, mentions):12.1%}")
        if name == "kiwi":
            from models.gazetteer import kiwi_user_words

            tok = KiwiTokenizer(user_words=kiwi_user_words(), num_workers=0)
            t0 = time.perf_counter()
            for t in sample:
                tok.morphs(t)
            rate = sum(map(len, sample)) / (time.perf_counter() - t0)
            print(f"{'kiwi+gazetteer':14} {rate:10,.0f} {whole_rate(tok, mentions):12.1%}")
    print(f"(cpu count {os.cpu_count()}; one thread per backend)")


if __name__ == "__main__":
    main()
