"""Structural checks of corpora/gold/samples.json against the sample articles.

These tests do not run the pipeline. They guard the gold file itself: every
article it names exists, every alias list, evidence string and negative example
can actually be found in the article it belongs to (so a typo in the gold file
cannot silently turn into a "miss" of the extractor), and the values follow the
format of ../shared/corpora/seeds/gold.json plus the keys described in "about".
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[1] / "corpora" / "samples"
GOLD_PATH = SAMPLES.parent / "gold" / "samples.json"
ARTICLE_SUFFIXES = {".txt", ".html", ".htm", ".jsonl"}

PAPER_QUALIFIERS = {"exact", "approx", "vague", "range"}
MONEY_QUALIFIERS = {"exact", "approx", "at_least", "at_most", "range", "vague"}
LIST_KEYS = (
    "not_paper_counts",
    "not_investments",
    "not_organizations",
    "boilerplate_must_not_yield",
)


def _load_gold() -> dict:
    return json.loads(GOLD_PATH.read_text(encoding="utf-8"))


GOLD = _load_gold()
ARTICLES = GOLD["articles"]
IDS = [a["file"] for a in ARTICLES]


def _squash(text: str) -> str:
    """Case-folded text with all whitespace removed (the gold matching rule)."""
    return re.sub(r"\s+", "", text).casefold()


def _html_text(raw: str) -> str:
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", raw)
    raw = re.sub(r"(?s)<!--.*?-->", " ", raw)
    raw = re.sub(r"(?s)<[^>]+>", " ", raw)
    return html.unescape(raw)


def _read_jsonl_line(name: str, lineno: int) -> str:
    lines = (SAMPLES / name).read_text(encoding="utf-8").splitlines()
    assert 1 <= lineno <= len(lines), f"{name} has no line {lineno}"
    return lines[lineno - 1]


def _texts(entry: dict) -> tuple[str, str, str]:
    """(body text, title + body text, raw decoded file or record) for an entry."""
    ref = entry["file"]
    if ".jsonl:" in ref:
        name, _, num = ref.rpartition(":")
        raw = _read_jsonl_line(name, int(num))
        record = json.loads(raw)
        text = record["text"]
        return text, (record.get("title") or "") + "\n" + text, raw
    path = SAMPLES / ref
    data = path.read_bytes()
    if path.suffix in (".html", ".htm"):
        raw = data.decode("cp949")
        text = _html_text(raw)
        return text, text, raw
    raw = data.decode("utf-8-sig")
    return raw, raw, raw


# --------------------------------------------------------------------- files


def test_gold_top_level():
    assert isinstance(GOLD.get("about"), str) and "articles.jsonl:" in GOLD["about"]
    assert isinstance(ARTICLES, list) and len(ARTICLES) >= 12
    assert len(set(IDS)) == len(IDS), "an article is listed twice"


def test_every_sample_article_has_gold():
    listed_files = {f.split(":")[0] for f in IDS}
    on_disk = {
        p.name
        for p in SAMPLES.iterdir()
        if p.is_file() and p.suffix in ARTICLE_SUFFIXES and not p.name.startswith(".")
    }
    assert on_disk == listed_files
    # every JSONL record has an entry, and the entry's id is the record's id
    for name in sorted(n for n in on_disk if n.endswith(".jsonl")):
        lines = [ln for ln in (SAMPLES / name).read_text(encoding="utf-8").splitlines()]
        for i, line in enumerate(lines, 1):
            if not line.strip():
                continue
            ref = f"{name}:{i}"
            assert ref in IDS, f"no gold entry for {ref}"
            rec = json.loads(line)
            for key in ("id", "title", "text", "date", "url", "source"):
                assert rec.get(key), f"{ref} lacks {key}"
            entry = ARTICLES[IDS.index(ref)]
            if "id" in entry:
                assert entry["id"] == rec["id"]


def test_formats_present():
    names = [f.split(":")[0] for f in IDS]
    assert sum(n.endswith(".txt") for n in set(names)) >= 7
    assert sum(n.endswith(".html") for n in set(names)) >= 2
    assert sum(n == "articles.jsonl" for n in names) >= 3
    boms = [n for n in set(names) if n.endswith(".txt") and (SAMPLES / n).read_bytes().startswith(b"\xef\xbb\xbf")]
    assert boms, "one .txt sample should carry a UTF-8 BOM"


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_file_exists_and_decodes(entry):
    ref = entry["file"]
    name = ref.split(":")[0]
    path = SAMPLES / name
    assert path.is_file(), f"missing {path}"
    data = path.read_bytes()
    if name.endswith(".html"):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really CP949, not UTF-8
        raw = data.decode("cp949")
        assert re.search(r'charset="?euc-kr', raw, re.I)
        for prop in ("og:title", "og:site_name", "article:published_time"):
            assert f'property="{prop}"' in raw, prop
        assert "<article" in raw and "<title>" in raw
    else:
        data.decode("utf-8")
    body, _, _ = _texts(entry)
    assert 600 <= len(body.strip()) <= 4000


# --------------------------------------------------------------- structure


def _check_org_list(value, where):
    assert isinstance(value, list) and value, where
    assert all(isinstance(x, str) and x.strip() for x in value), where


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_entry_structure(entry):
    for key in ("file", "publisher", "organizations", "venues", "paper_counts", "investments", "not_paper_counts"):
        assert key in entry, key
    for org in entry["organizations"]:
        _check_org_list(org["aliases"], "organizations")
        assert isinstance(org.get("optional", False), bool)
    for venue in entry["venues"]:
        assert isinstance(venue["name"], str) and venue["name"]
        assert venue["year"] is None or 1990 <= venue["year"] <= 2030
    for pc in entry["paper_counts"]:
        _check_org_list(pc["org"], "paper_counts.org")
        assert isinstance(pc["venues"], list)
        assert pc["qualifier"] in PAPER_QUALIFIERS
        if pc["count"] is None:
            assert pc.get("count_text"), "a null count needs count_text"
        else:
            assert isinstance(pc["count"], int) and pc["count"] > 0
        if "year" in pc:
            assert 1990 <= pc["year"] <= 2030
        assert isinstance(pc.get("evidence", ""), str)
    for inv in entry["investments"]:
        assert inv["investor"] is None or _check_org_list(inv["investor"], "investor") is None
        low, high = inv["amount_krw_low"], inv["amount_krw_high"]
        assert isinstance(low, int) and low > 0
        assert high is None or (isinstance(high, int) and high >= low)
        if high is None:
            assert inv["qualifier"] == "at_least"
        if inv["qualifier"] in ("exact", "approx"):
            assert high == low
        assert inv["qualifier"] in MONEY_QUALIFIERS
        assert re.fullmatch(r"[A-Z]{3}", inv["currency"])
        if inv["currency"] != "KRW":
            assert isinstance(inv.get("amount_original"), (int, float))
    for key in LIST_KEYS:
        assert isinstance(entry.get(key, []), list)


# ------------------------------------------------- gold strings in the text


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_required_org_aliases_occur(entry):
    _, full, _ = _texts(entry)
    squashed = _squash(full)
    for org in entry["organizations"]:
        if org.get("optional"):
            continue
        assert any(_squash(a) in squashed for a in org["aliases"]), org["aliases"]


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_paper_count_and_investment_aliases_occur(entry):
    _, full, _ = _texts(entry)
    squashed = _squash(full)
    for pc in entry["paper_counts"]:
        assert any(_squash(a) in squashed for a in pc["org"]), pc["org"]
    for inv in entry["investments"]:
        for key in ("investor", "recipient"):
            if inv.get(key):
                assert any(_squash(a) in squashed for a in inv[key]), inv[key]


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_evidence_occurs(entry):
    body, _, _ = _texts(entry)
    for pc in entry["paper_counts"]:
        assert pc.get("evidence"), "every sample paper count carries evidence"
        assert pc["evidence"] in body, pc["evidence"]
        if pc.get("count_text"):
            assert pc["count_text"] in body, pc["count_text"]
    for inv in entry["investments"]:
        assert inv["evidence"] in body, inv["evidence"]


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_negative_strings_occur(entry):
    body, full, raw = _texts(entry)
    for s in entry["not_paper_counts"]:
        assert s in body, s
    for s in entry.get("not_investments", []):
        assert s in body, s
    for s in entry.get("not_organizations", []):
        assert s in full, s
    for s in entry.get("boilerplate_must_not_yield", []):
        assert s in raw, s


@pytest.mark.parametrize("entry", ARTICLES, ids=IDS)
def test_negatives_do_not_overlap_evidence(entry):
    """A negative example must not be part of a positive record's evidence."""
    evidence = [pc.get("evidence", "") for pc in entry["paper_counts"]]
    evidence += [inv["evidence"] for inv in entry["investments"]]
    for s in entry["not_paper_counts"] + entry.get("not_investments", []):
        assert not any(s in e for e in evidence), s
