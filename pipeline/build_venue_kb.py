"""Build the venue knowledge base ``corpora/venues/venues.jsonl.gz`` from public lists.

Sources (under ``--shared``, default ``../shared``; see its README):

* ``corpora/venues/jabref_journals/*.csv``: JabRef's journal abbreviation lists,
  full title and ISO4/Medline abbreviation (CC0).
* ``corpora/venues/ccf_deadlines``, ``ccf_rank``, ``hf_ai_deadlines``: conference
  (and CS journal) lists with acronyms (MIT).
* ``corpora/venues/cmudict/cmudict.dict``: pronunciations, for the Hangul
  transcriptions of English titles (BSD-style).
* ``corpora/gazetteer/venues.jsonl`` (the project's hand gazetteer) and
  ``corpora/venues/press_forms.jsonl`` (press short forms: PNAS, 네이처, 뉴립스);
  on a conflict the gazetteer wins, then the press forms, then the lists.

Writes ``venues.jsonl.gz`` (format: :mod:`models.venues.kb`) and ``LICENSES.md``
(the licence notices of every source) into ``--out``. The output bytes depend
only on the inputs, so a rebuild is reproducible.

Example:
    python -m pipeline.build_venue_kb --shared ../shared --out corpora/venues
    python -m pipeline.build_venue_kb --check ../shared/corpora/news/wikinews_ko.jsonl
"""
from __future__ import annotations

import argparse
import csv
import functools
import hashlib
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from models import corpora_dir
from models.datafiles import bad_line, read_jsonl, read_name_list
from models.errors import DataFileError, Errors
from models.gazetteer import load_gazetteer
from models.venues.kb import Venue, VenueForm, write_kb
from models.venues.kb import match_key as _match_key
from models.venues.translit import Pronouncer, title_words, transliterate_title

ROOT = Path(__file__).resolve().parents[1]
# The build asks for the key of the same surface many times.
match_key = functools.lru_cache(maxsize=None)(_match_key)
DEFAULT_SHARED = ROOT.parent / "shared"

PRESS_EXPECTED = ('{"canonical": str, "kind": "journal"|"conference", "forms": [str], optional "title": str '
                  '(an English full title to link to), optional "ambiguous": [names among canonical/forms], '
                  'optional "note": str}')

# Source priority on a key conflict (lower wins).
_P_GAZ, _P_PRESS, _P_TITLE, _P_CONF_ACRONYM, _P_DERIVED, _P_AUTO_HANGUL = range(6)
_SOURCE_ORDER = ("gazetteer", "press", "jabref", "ccf_deadlines", "ai_deadlines", "ccf_rank")

#: Words that make a multiword title a venue name rather than a topic phrase.
HEAD_WORDS = frozenset("""
journal journals review reviews letters letter transactions proceedings annals annales bulletin archives
archive acta reports communications advances magazine quarterly frontiers progress trends perspectives
chronicle gazette digest abstracts yearbook monographs newsletter notices surveys forum record records
opinion opinions conference symposium workshop congress
""".split())
#: Publisher or flagship brands that make a title distinctive (Nature Energy, Cell Reports).
BRAND_WORDS = frozenset("""
nature science cell lancet jama bmj npj plos chem joule elife pnas ieee acm acs rsc aps iop siam aip spie
optica angewandte
""".split())
_FUNCTION = frozenset("of the and for on in at to a an with from by & de des der die das du la le les et und".split())
_LATEX = re.compile(r"[\\${}#]")
_PAREN = re.compile(r"\s*[(\[][^)\]]*[)\]]")
_SUBTITLE = re.compile(r"\s+[:/]\s+")  # Medline style: "NCI monographs : a publication of ..."
_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*|\d+")
# Conference name words before the distinctive core: "IEEE/CVF Conference on X", "Annual Meeting of the X".
_CONF_LEAD = re.compile(
    r"^(?:(?:the|ieee/cvf|ieee/rsj|ieee|acm/ieee|acm|usenix|aaai|international|annual|joint|european|asian|"
    r"north american|asia-pacific|conference|symposium|workshop|meeting|congress|on|of|the)\s+)+",
    re.IGNORECASE)
_CONF_TAIL = re.compile(r"\s+(?:conference|symposium|workshop)$", re.IGNORECASE)


# ---------------------------------------------------------------------------
# Reading the sources


@dataclass
class Record:
    """One venue as one source lists it, before merging."""

    source: str
    kind: str
    priority: int
    canonical: str | None = None
    titles: list[str] = field(default_factory=list)
    abbrs: list[str] = field(default_factory=list)
    acronyms: list[str] = field(default_factory=list)
    hangul: list[str] = field(default_factory=list)
    ambiguous: set[str] = field(default_factory=set)
    id: str | None = None
    link_acronyms: bool = False


def _open_csv(path: Path) -> Iterable[tuple[int, list[str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield from enumerate(csv.reader(f), start=1)
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(Errors.E073.format(path=path, detail=e)) from e
    except csv.Error as e:
        raise DataFileError(Errors.E074.format(path=path, line="?", detail=e, expected="CSV")) from e


def _clean(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


def read_jabref(folder: Path) -> list[Record]:
    """JabRef lists: ``"full title","abbreviation"[, more]``. The AEA list splits
    abbreviations that contain commas over several columns; they are joined back.
    The IEEE *strings* list holds BibTeX macro names, not abbreviations, and is skipped."""
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataFileError(Errors.E073.format(path=folder, detail="no *.csv files"))
    records = []
    for path in files:
        if path.name.endswith("_ieee_strings.csv"):
            continue
        # Classics/archaeology lists abbreviate with bare capitals (AA, AAA): not press acronyms.
        acronyms_ok = not any(x in path.name for x in ("dainst", "annee-philologique"))
        for lineno, row in _open_csv(path):
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) < 2:
                raise DataFileError(Errors.E074.format(path=path, line=lineno, detail=f"{len(row)} column(s)",
                                                       expected='"full title","abbreviation"'))
            title = _clean(row[0])
            abbr = _clean(",".join(row[1:]).rstrip(", ")) if "_aea" in path.name else _clean(row[1])
            if not title or _LATEX.search(title):
                continue
            rec = Record("jabref", "journal", _P_TITLE, titles=[title])
            if abbr and not _LATEX.search(abbr):
                if acronyms_ok and re.fullmatch(r"[A-Z][A-Z0-9&]{2,9}", abbr) and abbr.upper() != title.upper():
                    rec.acronyms.append(abbr)
                else:
                    rec.abbrs.append(abbr)
            records.append(rec)
    return records


def read_conferences(venues_dir: Path) -> list[Record]:
    """ccf-deadlines, CCF rank and ai-deadlines: acronym, full name, kind."""
    specs = [
        ("ccf_deadlines", venues_dir / "ccf_deadlines" / "ccf_deadlines_conferences.csv", None),
        ("ai_deadlines", venues_dir / "hf_ai_deadlines" / "hf_ai_deadlines_conferences.csv", None),
        ("ccf_rank", venues_dir / "ccf_rank" / "ccf_rank_list.csv", "kind"),
    ]
    records = []
    for source, path, kind_col in specs:
        header = None
        for lineno, row in _open_csv(path):
            if header is None:
                header = row
                need = {"acronym", "full_name"} | ({kind_col} if kind_col else set())
                if not need <= set(header):
                    raise DataFileError(Errors.E074.format(path=path, line=lineno, detail=f"header {header}",
                                                           expected=", ".join(sorted(need))))
                continue
            if not row:
                continue
            rec = dict(zip(header, row))
            kind = (rec.get(kind_col) or "").strip() if kind_col else "conference"
            if kind not in ("journal", "conference"):
                continue
            acronym, name = _clean(rec.get("acronym", "")), _clean(rec.get("full_name", ""))
            if not acronym and not name:
                continue
            r = Record(source, kind, _P_TITLE, titles=[name] if name else [], link_acronyms=kind == "conference")
            if acronym:
                r.acronyms.append(acronym)
                if kind == "conference":
                    r.canonical = acronym
            records.append(r)
    return records


def _is_hangul_form(s: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in s)


def _is_acronym_like(s: str) -> bool:
    """NeurIPS, PNAS, RA-L, T-RO, if(kakao): one token, several capitals or symbols."""
    if any(c.isspace() for c in s):
        return False
    upper = sum(c.isupper() for c in s)
    return upper >= 2 or any(c in s for c in "()&+") or (upper >= 1 and any(c.isdigit() for c in s))


def _split_forms(rec: Record, names: Iterable[str]) -> None:
    for name in names:
        if _is_hangul_form(name):
            rec.hangul.append(name)
        elif _is_acronym_like(name):
            rec.acronyms.append(name)
        elif re.search(r"[A-Za-z]\.", name) and len(name.split()) >= 2:
            rec.abbrs.append(name)  # J. Am. Chem. Soc.
        else:
            rec.titles.append(name)


def read_gazetteer(path: Path) -> list[Record]:
    """The venues (conferences and journals) of the hand gazetteer."""
    records = []
    for entry in load_gazetteer([path]).entries:
        if entry.kind not in ("journal", "conference"):
            continue
        rec = Record("gazetteer", entry.kind, _P_GAZ, canonical=entry.canonical, id=entry.id, link_acronyms=True,
                     ambiguous=set(entry.ambiguous_aliases))
        _split_forms(rec, entry.surfaces)
        records.append(rec)
    return records


def read_press_forms(path: Path) -> list[Record]:
    """``press_forms.jsonl``: the short forms the Korean press uses (format :data:`PRESS_EXPECTED`).

    Raises:
        DataFileError: ``[E003]`` naming ``path:line`` for a malformed line.
    """
    records = []
    for lineno, obj in read_jsonl(path, PRESS_EXPECTED):
        unknown = sorted(set(obj) - {"canonical", "kind", "forms", "title", "ambiguous", "note"})
        if unknown:
            raise bad_line(path, lineno, f"unknown key(s) {', '.join(unknown)}", PRESS_EXPECTED)
        canonical, kind, forms = obj.get("canonical"), obj.get("kind"), obj.get("forms", [])
        if not isinstance(canonical, str) or not canonical.strip():
            raise bad_line(path, lineno, f"'canonical' must be a non-empty string, found {canonical!r}",
                           PRESS_EXPECTED)
        if kind not in ("journal", "conference"):
            raise bad_line(path, lineno, f"unknown kind {kind!r} (valid: journal, conference)", PRESS_EXPECTED)
        for key in ("forms", "ambiguous"):
            value = obj.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise bad_line(path, lineno, f"'{key}' must be a list of non-empty strings, found {value!r}",
                               PRESS_EXPECTED)
        title = obj.get("title")
        if title is not None and (not isinstance(title, str) or not title.strip()):
            raise bad_line(path, lineno, f"'title' must be a non-empty string, found {title!r}", PRESS_EXPECTED)
        names = [canonical, *forms] + ([title] if title else [])
        stray = [a for a in obj.get("ambiguous", []) if a not in names]
        if stray:
            raise bad_line(path, lineno, f"ambiguous {stray} are not names of '{canonical}'", PRESS_EXPECTED)
        rec = Record("press", kind, _P_PRESS, canonical=canonical, link_acronyms=True,
                     ambiguous=set(obj.get("ambiguous", [])))
        _split_forms(rec, names)
        records.append(rec)
    return records


def read_not_venues(path: Path) -> set[str]:
    """Titles in the lists that are not scholarly venues (newspapers, general
    magazines): one a line, ``#`` comments; compared by :func:`title_identity`."""
    try:
        names = read_name_list(path)
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(Errors.E073.format(path=path, detail=e)) from e
    return {title_identity(name) for name in names}


def read_cmudict(path: Path) -> Pronouncer:
    try:
        with path.open(encoding="utf-8") as f:
            return Pronouncer.from_cmudict_lines(f)
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(Errors.E073.format(path=path, detail=e)) from e


# ---------------------------------------------------------------------------
# Merging


def title_identity(title: str) -> str:
    """The key under which spellings of one title merge: parentheticals, a
    leading "The", the &/and difference and a Medline-style subtitle after
    " : " or " / " ignored (The Lancet = Lancet, Science (New York, N.Y.) =
    Science, "NCI monographs : a publication of ..." = NCI Monographs)."""
    t = _SUBTITLE.split(_PAREN.sub("", title), maxsplit=1)[0]
    t = re.sub(r"^the\s+", "", t.strip(), flags=re.IGNORECASE)
    t = re.sub(r"\s*&\s*", " and ", t)
    return match_key(t.replace(",", " ").replace(":", " "))


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _link_keys(rec: Record) -> list[tuple[str, str, str]]:
    keys = [("t", rec.kind, title_identity(t)) for t in rec.titles]
    if rec.link_acronyms:
        keys += [("a", rec.kind, a.upper()) for a in rec.acronyms]
    if rec.source in ("gazetteer", "press"):
        keys += [("h", rec.kind, match_key(h)) for h in rec.hangul]
    return [k for k in keys if k[2]]


def merge_records(records: Sequence[Record]) -> list[list[Record]]:
    """Group the records that name the same venue (shared title, conference
    acronym or hand-written form, within one kind)."""
    uf = _UnionFind(len(records))
    first: dict[tuple[str, str, str], int] = {}
    for i, rec in enumerate(records):
        for key in _link_keys(rec):
            j = first.setdefault(key, i)
            if j != i:
                uf.union(i, j)
    groups: dict[int, list[Record]] = defaultdict(list)
    for i, rec in enumerate(records):
        groups[uf.find(i)].append(rec)
    return [groups[k] for k in sorted(groups)]


def _capitals(title: str) -> int:
    return sum(1 for w in title.split() if w[:1].isupper())


def _best_title(titles: Sequence[str]) -> str:
    counts = Counter(titles)
    return min(counts, key=lambda t: (bool(_PAREN.search(t)), bool(_SUBTITLE.search(t)), -counts[t],
                                      t.lower().startswith("the "), -_capitals(t), t))


def content_words(title: str) -> list[str]:
    return [w for w in _WORD.findall(title) if w.lower() not in _FUNCTION]


def is_distinctive(title: str, is_word=None) -> bool:
    """A multiword title that names a venue rather than a topic: a head word
    (Journal, Letters, Reviews…), a brand (Nature, Cell, IEEE…), an acronym or
    number, a word outside the dictionary (Biosensors; ``is_word`` decides),
    or three or more content words. "Machine Learning", "Neural Networks" and
    "Big Data" are journals but also everyday phrases: not distinctive."""
    words = content_words(_PAREN.sub("", title))
    if len(words) < 2:
        return False
    low = [w.lower() for w in words]
    if any(w in HEAD_WORDS or w in BRAND_WORDS for w in low):
        return True
    if any((w.isupper() and len(w) >= 2) or w.isdigit() for w in words):
        return True
    if is_word is not None and not all(is_word(w) for w in words):
        return True
    return len(words) >= 3


class Builder:
    """Turns merged record groups into KB venues with typed, flagged forms."""

    def __init__(self, pronouncer: Pronouncer | None, hangul_max_words: int = 6, hangul_per_title: int = 4):
        self.pron = pronouncer
        self.hangul_max_words = hangul_max_words
        self.hangul_per_title = hangul_per_title
        self.stats: Counter = Counter()
        self._translit_cache: dict[str, list[str]] = {}

    # -- ambiguity ----------------------------------------------------------

    def _is_word(self, w: str) -> bool:
        return self.pron is not None and w.lower() in self.pron

    def ambiguous(self, surface: str, ftype: str, hand: bool = False) -> bool:
        """Whether a form alone is weak evidence. Hand-written forms (gazetteer,
        press) are flagged by their authors, except the length rules."""
        if ftype == "hangul":
            return not hand and len("".join(surface.split())) <= 2
        if ftype == "acronym":
            compact = re.sub(r"[^A-Za-z0-9]", "", surface)
            mixed = any(c.islower() for c in compact)
            return len(compact) <= 3 or (not hand and not mixed and self._is_word(compact))
        words = content_words(surface)
        if len(words) <= 1:
            # one-word titles from the lists: Nature, Cell, Autophagy, Sensors; a hand-written
            # one (Interspeech) only when it is also an English word (Radiology)
            return not hand or self._is_word(words[0] if words else surface)
        if ftype == "abbr" and "." in surface:
            return False
        # Generic phrases of dictionary words (Machine Learning, Big Data); not Nat Commun.
        return not is_distinctive(surface, self._is_word)

    # -- forms --------------------------------------------------------------

    def title_variants(self, title: str, kind: str) -> list[str]:
        """Other spellings of a title the press uses: no leading "The", no
        parenthetical or Medline subtitle, & ↔ and; for a conference, the core name without
        "International Conference on" and the like (3+ content words only)."""
        out = []
        base = _SUBTITLE.split(_PAREN.sub("", title), maxsplit=1)[0].strip()
        for t in (base, re.sub(r"^the\s+", "", base, flags=re.IGNORECASE)):
            out.append(t)
            if "&" in t:
                out.append(re.sub(r"\s*&\s*", " and ", t))
            elif re.search(r"\band\b", t):
                out.append(re.sub(r"\band\b", "&", t))
        if kind == "conference":
            core = _CONF_TAIL.sub("", _CONF_LEAD.sub("", base)).strip()
            if core and core != base and len(content_words(core)) >= 3:
                out.append(core)
        return [t for t in dict.fromkeys(out) if t and t != title]

    def hangul_forms(self, title: str) -> list[str]:
        """Hangul transcriptions of a distinctive title of 2 to 6 words (distinct
        after folding, at most ``hangul_per_title``); [] otherwise."""
        if self.pron is None:
            return []
        cached = self._translit_cache.get(title)
        if cached is not None:
            return cached
        original, forms = title, []
        title = _SUBTITLE.split(_PAREN.sub("", title), maxsplit=1)[0].strip()
        title = re.sub(r"^the\s+", "", title, flags=re.IGNORECASE)
        words = title_words(title)
        if (is_distinctive(title, self._is_word) and 2 <= len(words) <= self.hangul_max_words
                and sum(1 for w in words if w.isupper()) <= 1):
            seen = set()
            for form in transliterate_title(title, self.pron, max_forms=12):
                key = match_key(form)
                if key not in seen:
                    seen.add(key)
                    forms.append(form)
                if len(forms) >= self.hangul_per_title:
                    break
            self.stats["titles_transcribed" if forms else "titles_not_transcribed"] += 1
        self._translit_cache[original] = forms
        return forms

    def venue_forms(self, group: Sequence[Record]) -> tuple[str, str, str | None, list[tuple[VenueForm, int]]]:
        """canonical, kind, gazetteer id, and (form, priority) pairs of one merged group."""
        group = sorted(group, key=lambda r: (r.priority, _SOURCE_ORDER.index(r.source)))
        top = group[0]
        kind = top.kind
        titles_all = [t for r in group for t in r.titles if r.source not in ("gazetteer", "press")]
        if top.source in ("gazetteer", "press"):
            canonical = top.canonical
        elif kind == "conference" and any(r.canonical for r in group):
            canonical = next(r.canonical for r in group if r.canonical)
        else:
            canonical = _best_title(titles_all or [t for r in group for t in r.titles])
        hand_ambiguous = {a for r in group for a in r.ambiguous}
        forms: list[tuple[VenueForm, int]] = []

        def add(surface: str, ftype: str, priority: int) -> None:
            surface = _clean(surface)
            if not surface or not match_key(surface):
                return
            hand = priority <= _P_PRESS
            if not hand:
                alnum = re.sub(r"[^\w]|_", "", surface)
                if ftype in ("title", "abbr") and re.fullmatch(r"[A-Z][A-Z0-9&\-]+", surface):
                    ftype = "acronym"  # a one-word title in capitals (DNA, BETA) reads as an acronym
                if len(alnum) < 4 or sum(map(str.isalpha, alnum)) < 3:
                    self.stats["forms_dropped_too_short"] += 1  # KR, AI, FC, DNA, ':'
                    return
                if ftype == "acronym" and not any(c.islower() for c in surface) and self._is_word(alnum):
                    self.stats["forms_dropped_acronym_is_word"] += 1  # BETA, FAST, SODA
                    return
                if ftype == "acronym" and kind == "journal":
                    # Journal acronyms from the lists (TSMC, TOCS) clash with company and product
                    # names; the press's own (PNAS, JACS, TPAMI) come from the hand-kept forms.
                    self.stats["forms_dropped_journal_acronym"] += 1
                    return
            amb = surface in hand_ambiguous or self.ambiguous(surface, ftype, hand)
            forms.append((VenueForm(surface, ftype, amb), priority))

        for rec in group:
            hand = rec.source in ("gazetteer", "press")
            for t in rec.titles:
                if hand or not _PAREN.search(t):  # Nature (London): only its variant without the place
                    add(t, "title", rec.priority)
                for v in self.title_variants(t, rec.kind):
                    add(v, "title", rec.priority if hand else _P_DERIVED)
            for a in rec.abbrs:
                # One-token abbreviations (Nat, Sci, Lancet) are the title itself or too short to trust.
                a = _PAREN.sub("", a).strip()
                if len([w for w in re.split(r"[\s.]+", a) if w]) >= 2:
                    add(a, "abbr", _P_DERIVED)
            for a in rec.acronyms:
                if len(re.sub(r"[^A-Za-z0-9]", "", a)) >= 2:
                    prio = rec.priority if hand else _P_CONF_ACRONYM if rec.link_acronyms else _P_DERIVED
                    add(a, "acronym", prio)
            for h in rec.hangul:
                add(h, "hangul", rec.priority)
        if kind == "journal":
            for t in dict.fromkeys(t for r in group for t in r.titles):
                for h in self.hangul_forms(t):
                    add(h, "hangul", _P_AUTO_HANGUL)
        return canonical, kind, top.id if top.source == "gazetteer" else None, forms


def _slug(name: str) -> str:
    ascii_ = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_.lower()).strip("-")
    if not slug:
        slug = "v-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]
    return slug[:80].rstrip("-")


def build_venues(records: Sequence[Record], pronouncer: Pronouncer | None,
                 not_venues: set[str] = frozenset()) -> tuple[list[Venue], Counter]:
    """Merge the records, type and flag every form, give each match key to one
    venue, and return the venues sorted by id (with build statistics).

    Args:
        records: every source's records (:func:`read_jabref` and friends).
        pronouncer: pronunciations for the Hangul transcriptions; None for none.
        not_venues: :func:`title_identity` keys of titles to leave out
            (list records only; the gazetteer and press forms are kept).
    """
    builder = Builder(pronouncer)
    if not_venues:
        kept = [r for r in records
                if r.source in ("gazetteer", "press") or not any(title_identity(t) in not_venues for t in r.titles)]
        builder.stats["records_not_venues"] = len(records) - len(kept)
        records = kept
    groups = merge_records(records)
    staged = []  # (canonical, kind, gid, forms, sources)
    for group in groups:
        canonical, kind, gid, forms = builder.venue_forms(group)
        sources = sorted({r.source for r in group}, key=_SOURCE_ORDER.index)
        staged.append((canonical, kind, gid, forms, sources))
    stats = builder.stats
    # Every match key goes to one venue: the best priority wins; a tie between
    # venues drops the key from all of them ("Ann. Phys." of two journals).
    owners: dict[str, dict[int, int]] = defaultdict(dict)
    for vi, (_, _, _, forms, _) in enumerate(staged):
        for form, prio in forms:
            key = match_key(form.surface)
            best = owners[key].get(vi)
            owners[key][vi] = prio if best is None else min(best, prio)
    winner: dict[str, int] = {}
    for key, by_venue in owners.items():
        top = min(by_venue.values())
        best = [vi for vi, p in by_venue.items() if p == top]
        if len(best) == 1:
            winner[key] = best[0]
            stats["keys_won_on_priority"] += len(by_venue) > 1
        else:
            stats["keys_dropped_as_ambiguous"] += 1
    # ids: the gazetteer's, else a slug of the canonical name; clashes get -2, -3 in canonical order
    used_ids: set[str] = {gid for (_, _, gid, _, _) in staged if gid}
    order = sorted(range(len(staged)), key=lambda i: (staged[i][0], staged[i][1]))
    venues: list[Venue] = []
    for vi in order:
        canonical, kind, gid, forms, sources = staged[vi]
        kept: list[VenueForm] = []
        seen: dict[tuple[str, str], int] = {}
        for form, prio in forms:
            key = match_key(form.surface)
            if winner.get(key) != vi:
                continue
            # One spelling per key and type: the hand-written one, else the best capitalised
            # (Lancet Oncology, not "The lancet oncology"); unambiguous if any reading is.
            ident = (key, form.type)
            if ident in seen:
                k, kprio = seen[ident]
                better = (prio, -_capitals(form.surface)) < (kprio, -_capitals(kept[k].surface))
                surface = form.surface if better else kept[k].surface
                kept[k] = VenueForm(surface, form.type, kept[k].ambiguous and form.ambiguous)
                if better:
                    seen[ident] = (k, prio)
                continue
            seen[ident] = (len(kept), prio)
            kept.append(form)
        if not kept:
            stats["venues_without_forms"] += 1
            continue
        vid = gid
        if vid is None:
            base = _slug(canonical)
            vid, n = base, 2
            while vid in used_ids:
                vid, n = f"{base}-{n}", n + 1
            used_ids.add(vid)
        venues.append(Venue(vid, canonical, kind, tuple(kept), tuple(sources)))
    venues.sort(key=lambda v: v.id)
    return venues, stats


# ---------------------------------------------------------------------------
# Outputs

_LICENSE_SOURCES = (
    ("JabRef journal abbreviation lists", "jabref_journals/LICENSE.md",
     "https://github.com/JabRef/abbrv.jabref.org", "CC0 1.0 Universal: titles and abbreviations."),
    ("ccf-deadlines", "ccf_deadlines/LICENSE", "https://github.com/ccfddl/ccf-deadlines",
     "MIT: conference acronyms and full names."),
    ("CCFrank4dblp", "ccf_rank/LICENSE", "https://github.com/WenyanLiu/CCFrank4dblp",
     "MIT: CCF-ranked conference and journal acronyms and full names."),
    ("ai-deadlines (Hugging Face)", "hf_ai_deadlines/LICENSE", "https://github.com/huggingface/ai-deadlines",
     "MIT: AI conference acronyms and full names."),
    ("CMU Pronouncing Dictionary", "cmudict/LICENSE", "https://github.com/cmusphinx/cmudict",
     "BSD-style: pronunciations used to generate the Hangul transcriptions of English titles "
     "(the dictionary itself is not shipped)."),
)


def licenses_text(venues_dir: Path) -> str:
    parts = [
        "# Licences of the venue knowledge base sources",
        "",
        "`venues.jsonl.gz` is derived from the lists below (built by `python -m pipeline.build_venue_kb`).",
        "Their licence notices follow, as their licences require. `press_forms.jsonl` and the entries",
        "taken from `corpora/gazetteer/venues.jsonl` are this project's own (Apache-2.0).",
        "",
    ]
    for name, rel, url, what in _LICENSE_SOURCES:
        path = venues_dir / rel
        try:
            text = path.read_text(encoding="utf-8").strip()
        except OSError as e:
            raise DataFileError(Errors.E073.format(path=path, detail=e)) from e
        parts += [f"## {name}", "", f"Source: {url}. Used: {what}", "", "```text", text, "```", ""]
    return "\n".join(parts)


def counts(venues: Sequence[Venue]) -> dict[str, int]:
    c = Counter()
    for v in venues:
        c[v.kind + "s"] += 1
        for f in v.forms:
            c["forms"] += 1
            c[f"forms_{f.type}"] += 1
            c["forms_ambiguous"] += f.ambiguous
    return dict(sorted(c.items()))


def build(shared: Path, out: Path, *, gazetteer: Path | None = None, press: Path | None = None,
          not_venues: Path | None = None, log=print) -> dict:
    """Read the sources under ``shared``, build the KB and write it (with
    ``LICENSES.md``) into ``out``.

    Args:
        shared: the folder holding ``corpora/venues/`` (``../shared``).
        out: the output folder (``corpora/venues``).
        gazetteer: the hand gazetteer (default ``corpora/gazetteer/venues.jsonl``).
        press: the press forms (default ``corpora/venues/press_forms.jsonl``).
        not_venues: titles to leave out (default ``corpora/venues/not_venues.txt``).

    Returns:
        dict: counts, sizes and timings.

    Raises:
        DataFileError: ``[E073]`` for a missing source, ``[E074]``/``[E003]``
            for a malformed row or line.
    """
    t0 = time.perf_counter()
    venues_dir = Path(shared) / "corpora" / "venues"
    if not venues_dir.is_dir():
        raise DataFileError(Errors.E073.format(path=venues_dir, detail="not a folder"))
    gazetteer = Path(gazetteer) if gazetteer else corpora_dir() / "gazetteer" / "venues.jsonl"
    press = Path(press) if press else corpora_dir() / "venues" / "press_forms.jsonl"
    not_venues = Path(not_venues) if not_venues else corpora_dir() / "venues" / "not_venues.txt"
    records = read_gazetteer(gazetteer) + read_press_forms(press)
    records += read_jabref(venues_dir / "jabref_journals") + read_conferences(venues_dir)
    pron = read_cmudict(venues_dir / "cmudict" / "cmudict.dict")
    venues, stats = build_venues(records, pron, read_not_venues(not_venues))
    out = Path(out)
    c = counts(venues)
    size = write_kb(out / "venues.jsonl.gz", venues, {"counts": c})
    (out / "LICENSES.md").write_text(licenses_text(venues_dir), encoding="utf-8")
    report = {"records": len(records), **c, **dict(sorted(stats.items())), "kb_bytes": size,
              "seconds": round(time.perf_counter() - t0, 2)}
    log(" ".join(f"{k}={v}" for k, v in report.items()))
    return report


def check(kb_path: Path, texts_path: Path, log=print) -> dict:
    """Load the KB (timed, with the resident-memory growth) and match every
    text of a JSON Lines file (``{"text": ..., "title": ...}``), listing the hits:
    the false-positive review on a corpus that is mostly not about science.

    Example:
        python -m pipeline.build_venue_kb --check ../shared/corpora/news/wikinews_ko.jsonl
    """
    import json

    import psutil

    from models.venues.kb import load_venue_kb

    proc = psutil.Process()
    rss0, t0 = proc.memory_info().rss, time.perf_counter()
    kb = load_venue_kb(kb_path)
    load_s, rss = time.perf_counter() - t0, proc.memory_info().rss - rss0
    texts = []
    with Path(texts_path).open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                obj = json.loads(line)
                texts.append((obj.get("title") or "") + "\n" + (obj.get("text") or ""))
    t0 = time.perf_counter()
    hits = [(i, h) for i, text in enumerate(texts) for h in kb.find(text)]
    match_s = time.perf_counter() - t0
    chars = sum(map(len, texts))
    for i, h in hits:
        ctx = texts[i][max(0, h.start - 20):h.end + 20].replace("\n", " ")
        log(f"{i}\t{h.start}\t{h.surface}\t{h.canonical}\t{h.form_type}\t{'ambiguous' if h.ambiguous else ''}\t{ctx}")
    report = {"venues": len(kb), "keys": kb.key_count, "load_seconds": round(load_s, 2),
              "rss_mib": round(rss / 2**20), "texts": len(texts), "chars": chars,
              "chars_per_second": round(chars / match_s) if match_s else None, "hits": len(hits),
              "unambiguous_hits": sum(not h.ambiguous for _, h in hits)}
    log(" ".join(f"{k}={v}" for k, v in report.items()))
    return report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.build_venue_kb", description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder holding corpora/venues/")
    parser.add_argument("--out", type=Path, default=ROOT / "corpora" / "venues", help="output folder")
    parser.add_argument("--gazetteer", type=Path, default=None, help="hand gazetteer of venues (JSONL)")
    parser.add_argument("--press", type=Path, default=None, help="press short forms (JSONL)")
    parser.add_argument("--not-venues", type=Path, default=None, help="titles to leave out (one a line)")
    parser.add_argument("--check", type=Path, default=None, metavar="TEXTS.jsonl",
                        help="do not build: load OUT/venues.jsonl.gz and list its hits in these texts")
    args = parser.parse_args(argv)
    try:
        if args.check is not None:
            check(args.out / "venues.jsonl.gz", args.check)
        else:
            build(args.shared, args.out, gazetteer=args.gazetteer, press=args.press, not_venues=args.not_venues)
    except DataFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
