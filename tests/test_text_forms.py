"""The same article in any form the web writes it gives the same records.

Metamorphic tests: every text of the samples, the seeds and a slice of Wikinews is
rewritten in the forms that scraped Korean web text takes (decomposed Hangul, CR/CRLF
line ends, no-break and ideographic spaces, zero-width characters between syllables,
fullwidth ASCII, an EUC-KR or UTF-8 HTML page with ``<p>`` or ``<br>`` structure), and
the records of every table must equal the clean text's, offsets included.
"""
from __future__ import annotations

import html
import json
import random
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, HealthCheck, strategies as st

from models.clean import clean_text, normalize_text, normalize_with_offsets
from models.schema import RawArticle

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)

ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
SPACES = ["\u00a0", "\u3000", "\u2009", "\u202f", "\u2002"]


# --- the forms ----------------------------------------------------------------------
def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def cr(text: str) -> str:
    return text.replace("\n", "\r")


def nbsp_half(text: str) -> str:
    """Every second space a no-break space (U+00A0)."""
    out, n = [], 0
    for ch in text:
        if ch == " ":
            n += 1
            ch = "\u00a0" if n % 2 else " "
        out.append(ch)
    return "".join(out)


def other_spaces(text: str) -> str:
    """Spaces replaced in turn by ideographic, thin, narrow no-break and en spaces."""
    out, n = [], 0
    for ch in text:
        if ch == " ":
            n += 1
            ch = SPACES[n % len(SPACES)]
        out.append(ch)
    return "".join(out)


def zero_width(text: str, every: int = 30, seed: int = 0) -> str:
    """A zero-width character (ZWSP, ZWNJ, ZWJ, WJ, BOM, soft hyphen) after every
    ``every``-th character, wherever it falls: inside names, numbers and words."""
    rnd = random.Random(seed)
    out = []
    for i, ch in enumerate(text, 1):
        out.append(ch)
        if i % every == 0 and ch != "\n":
            out.append(rnd.choice(ZERO_WIDTH))
    return "".join(out)


def fullwidth(text: str) -> str:
    """ASCII digits and letters as fullwidth forms: ２０２２, ＩＣＬＲ."""
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def html_page(text: str, *, paragraphs: bool = True) -> str:
    """The text as a news page: the first line the headline (``<title>``, ``<h1>``), each
    other line a ``<p>`` (or ``<br>``-separated lines in one ``<div>``), NBSP entities."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    head, rest = lines[0], lines[1:]
    esc = [html.escape(ln).replace("  ", " &nbsp;") for ln in rest]
    body = "".join(f"<p>{ln}</p>\n" for ln in esc) if paragraphs else "<div>" + "<br>\n".join(esc) + "</div>"
    return (f"<html><head><meta charset=\"{{charset}}\"><title>{html.escape(head)}</title></head>"
            f"<body><article><h1>{html.escape(head)}</h1>\n{body}</article></body></html>")


TEXT_FORMS = {"nfd": nfd, "crlf": crlf, "cr": cr, "nbsp": nbsp_half, "spaces": other_spaces,
              "zero_width": zero_width, "fullwidth": fullwidth}


# --- the texts ----------------------------------------------------------------------
def _texts() -> list[tuple[str, str]]:
    out = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpora" / "samples").glob("*.txt"))]
    seeds = SHARED / "seeds"
    if seeds.exists():
        out += [(f"seeds/{p.name}", p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    wiki = SHARED / "news" / "wikinews_ko.jsonl"
    if wiki.exists():
        with open(wiki, encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        # every 32nd article: politics, economy, science and sports alike
        out += [(f"wikinews/{r['id']}", f"{r['title']}\n{r['text']}") for r in rows[::32]]
    return out


TEXTS = _texts()


def records(analyzer, raw: RawArticle) -> dict:
    rec = analyzer.process([raw], run_id="r", ingested_at=NOW)
    assert not rec.quarantine, rec.quarantine
    tables = {}
    for name, rows in rec.as_tables().items():
        keep = []
        for r in rows:
            d = {k: v for k, v in r.__dict__.items() if k not in ("source", "run_id", "ingested_at")}
            keep.append(d)
        tables[name] = keep
    return tables


@pytest.fixture(scope="module")
def clean_records(analyzer):
    return {name: records(analyzer, RawArticle(source=name, text=text)) for name, text in TEXTS}


@pytest.mark.parametrize("form", sorted(TEXT_FORMS))
def test_text_forms_give_identical_records(analyzer, clean_records, form):
    changed = []
    for name, text in TEXTS:
        got = records(analyzer, RawArticle(source=name, text=TEXT_FORMS[form](text)))
        if got != clean_records[name]:
            changed.append(name)
    assert changed == [], f"{form}: {len(changed)} of {len(TEXTS)} texts changed records"


def _html_raw(name: str, text: str, charset: str, paragraphs: bool) -> RawArticle:
    from pipeline.ingest import read_html

    page = html_page(text, paragraphs=paragraphs).replace("{charset}", charset)
    raw = read_html(page.encode("cp949" if charset == "euc-kr" else "utf-8", errors="strict"), name)
    assert isinstance(raw, RawArticle), raw
    return raw


@pytest.mark.parametrize("charset,paragraphs", [("euc-kr", True), ("utf-8", True), ("utf-8", False)])
def test_html_forms_give_the_text_records(analyzer, charset, paragraphs):
    """An article saved as a page gives the paragraphs, sentences, dates, years and
    records of its text. Texts CP949 cannot encode are left out of the EUC-KR form."""
    changed, n = [], 0
    for name, text in TEXTS[:18]:  # the samples and the seeds: headline first
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        if len(lines) < 2:
            continue
        try:
            raw = _html_raw(name, "\n".join(lines), charset, paragraphs)
        except UnicodeEncodeError:
            continue
        n += 1
        # the page's headline is its title; the text form is given the same title
        want = records(analyzer, RawArticle(source=name, text="\n".join(lines), title=lines[0]))
        got = records(analyzer, raw)
        if got != want:
            changed.append(name)
    assert n >= 10
    assert changed == []


# --- the normal form itself -------------------------------------------------------------
@pytest.mark.parametrize("raw,want", [
    ("네이버\u00a0클로바", "네이버 클로바"),
    ("네이버&nbsp;클로바", "네이버 클로바"),
    ("ICLR\u30002022", "ICLR 2022"),
    ("네\u200b이\u200d버", "네이버"),
    ("\ufeff카카오\ufeff브레인", "카카오브레인"),
    ("소프트\u00ad뱅크", "소프트뱅크"),
    ("ＩＣＬＲ　２０２２에 １２편", "ICLR 2022에 12편"),
    ("\u1100\u1161\u11a8", "각"),
    ("가\r\n나\r다\u2028라", "가\n나\n다\n라"),
    ("㈜카카오 ①항 ㎞ ㅋㅋ ￦100", "㈜카카오 ①항 ㎞ ㅋㅋ ￦100"),
])
def test_normalize_text(raw, want):
    assert normalize_text(raw) == want


def test_stored_body_is_the_normal_form():
    art = clean_text("카카오브레인은\u00a0ＩＣＬＲ\u200b ２０２２에 논문 ３편을 냈다.")
    assert art.body == "카카오브레인은 ICLR 2022에 논문 3편을 냈다."


NAMES = ["네이버 클로바", "카카오브레인", "LG AI연구원", "서울대학교", "ICLR 2022", "300억원", "12편"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 200), st.sampled_from(ZERO_WIDTH + SPACES)), max_size=12))
def test_invisible_characters_anywhere_normalize_away(inserts):
    """Zero-width characters anywhere, and exotic spaces in place of spaces, give the
    clean text back: inside and between names, numbers and units."""
    clean = "네이버 클로바와 카카오브레인은 ICLR 2022에 논문 12편을 냈고, LG AI연구원은 300억원을 투자했다."
    chars = list(clean)
    for pos, ch in sorted(inserts, reverse=True):
        pos = pos % (len(chars) + 1)
        if ch in SPACES:
            spaces = [i for i, c in enumerate(chars) if c == " "]
            chars[spaces[pos % len(spaces)]] = ch
        else:
            chars.insert(pos, ch)
    assert normalize_text("".join(chars)) == clean


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(NAMES), ch=st.sampled_from(ZERO_WIDTH), at=st.integers(1, 5))
def test_names_split_by_invisible_characters_keep_their_records(analyzer, name, ch, at):
    text = f"카카오브레인은 지난달 발표했다. 네이버 클로바는 ICLR 2022에서 논문 12편이 채택됐다고 밝혔다. {name}도 언급됐다."
    at = min(at, len(name) - 1)
    hostile = text.replace(name, name[:at] + ch + name[at:])
    assert records(analyzer, RawArticle("x", hostile)) == records(analyzer, RawArticle("x", text))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["가", "ᄀ", "ᅡ", "ᆨ", "e", "\u0301", " ", "\r", "\n", "&nbsp;", "&#160;", "Ｉ", "２",
                                 "\u3000"] + ZERO_WIDTH + SPACES), max_size=40).map("".join))
def test_the_offset_map_gives_the_same_normal_form(text):
    """:func:`normalize_with_offsets` (kornews tag) and :func:`normalize_text` (articles) are two
    implementations of one normal form: they must never drift apart."""
    norm, starts = normalize_with_offsets(text)
    assert norm == normalize_text(text)
    assert len(starts) == len(norm) + 1 and starts == sorted(starts) and starts[-1] == len(text)
