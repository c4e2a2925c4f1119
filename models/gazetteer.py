"""Gazetteer of organizations and venues: loading, validation, lookup and matching.

The names live in ``corpora/gazetteer/orgs.jsonl`` and ``venues.jsonl``, one JSON
object per line (data, not code)::

    {"id": "neurips", "canonical": "NeurIPS", "kind": "conference",
     "aliases_ko": ["뉴립스"], "aliases_en": ["Neural Information Processing Systems"],
     "abbreviations": ["NIPS"], "parent": null, "field": "ML"}

``kind`` is one of :data:`KINDS`; conferences and journals get the label ``VENUE``,
everything else ``ORG``. ``parent`` names the *canonical* of another entry. The
optional ``ambiguous_aliases`` lists surfaces that are also ordinary words or
other things (라인, 애플, MS, LG) and are matched more strictly (see below).
``corpora/patterns/not_orgs.jsonl`` lists names that look like organizations but
are products, models, benchmarks, data sets or events
(``{"pattern": "하이퍼클로바", "label": "MODEL"}``).

Canonical names: Korean organizations and all universities use the name the
Korean press uses (네이버, 서울대학교, 튀빙겐대학교), or the acronym where that is
the name in use (KAIST, POSTECH, GIST, UNIST, DGIST, MIT, UCLA); foreign
companies, labs and agencies use their English short name (Google, Meta,
OpenAI, Max Planck Institute); venues use their English name or acronym
(NeurIPS, ICLR, Nature). Every other common form is an alias.

Normalization (:func:`normalize_alias`): NFC, lower case, all whitespace removed,
so ``lookup("네이버클로바")`` and ``lookup("NAVER  clova")`` find 네이버 클로바.

Matching policy of :meth:`Gazetteer.find` (character level, offsets are Python
``str`` offsets into the text, end exclusive):

* Latin letters match case-insensitively; whitespace in an alias matches any run
  of spaces/tabs or nothing (네이버 클로바 = 네이버클로바 = 네이버  클로바).
* Left boundary: the character before a match is not a Hangul syllable/jamo nor a
  Latin letter or digit, so 라인 is not found in 온라인 or 가이드라인, nor ACL in
  ORACLE.
* Right boundary, alias ending in a Latin letter or digit: the next character is
  not a Latin letter or digit (ACL not in ACLU; ICLR서, ICLR에서 match).
* Right boundary, alias ending in Hangul: the next character is not Hangul, or the
  Hangul run that follows splits completely into particles, copula endings and a
  few suffix nouns (:data:`SUFFIXES`: 에서, 와, 도, 이다, 측, 등 ...; 서울대와도 →
  서울대), or ``boundaries`` (morpheme offsets from the tokenizer) contains the
  end offset. 라인업 does not match 라인; 라인과 does.
* Ambiguous aliases (``ambiguous_aliases``) match only when followed by a
  non-Hangul character or a particle run (the tokenizer ``boundaries`` do not
  rescue them, and a Latin one needs this too: LG전자 is not LG), and their
  Latin letters must match the data's case exactly (MS, not ms; Snap, not snap).
* Venue editions: a VENUE alias followed by an optional space, hyphen or
  apostrophe and a year 19xx/20xx (``ICLR 2022``, ``EMNLP2021``, ``NeurIPS-2021``)
  or an apostrophe and two digits (``NeurIPS'21`` → 2021) has ``year`` set and
  its span extended over the year. ``2019년 ICCV`` sets ``year`` 2019 but keeps
  the span on ICCV.
* Names inside a URL or e-mail address (www.naver.com, kim@kaist.ac.kr) are skipped.
* Overlaps are resolved longest-first (ties: leftmost), as spaCy's
  ``filter_spans`` does: 네이버랩스유럽 wins over 네이버랩스 and 네이버.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from . import corpora_dir
from .datafiles import bad_line, read_jsonl

#: Allowed ``kind`` values.
KINDS = ("conference", "journal", "company", "university", "lab", "agency")
#: Kinds labelled ``VENUE``; all other kinds are ``ORG``.
VENUE_KINDS = frozenset({"conference", "journal"})
#: Allowed labels in ``not_orgs.jsonl``.
NOT_ORG_LABELS = ("PRODUCT", "MODEL", "BENCHMARK", "DATASET", "EVENT", "TERM")

GAZETTEER_EXPECTED = (
    '{"id": str, "canonical": str, "kind": one of ' + "|".join(KINDS) + ', "aliases_ko": [str], '
    '"aliases_en": [str], "abbreviations": [str], "parent": canonical name of another entry or null, '
    'optional "field": str, optional "ambiguous_aliases": [str]}'
)
NOT_ORGS_EXPECTED = (
    '{"pattern": str, "label": one of ' + "|".join(NOT_ORG_LABELS) + ', optional "id": str, optional "note": str}'
)

_LIST_KEYS = ("aliases_ko", "aliases_en", "abbreviations")
_REQUIRED_KEYS = ("id", "canonical", "kind", *_LIST_KEYS, "parent")
_OPTIONAL_KEYS = ("field", "ambiguous_aliases")

#: Particles, copula endings and suffix nouns that may follow a Hangul-final name
#: directly. A following Hangul run must split *completely* into these, so 라인도로
#: would pass (도+로) but 라인업, 라인도시, 애플리케이션 do not.
SUFFIXES = frozenset("""
이 가 은 는 을 를 의 에 에서 에게 에게서 한테 께 께서 와 과 도 로 으로 만 까지 부터 보다 처럼 같이
마저 조차 랑 이랑 하고 나 이나 든 이든 든지 이든지 야 이야 로서 으로서 로써 으로써 로부터 으로부터
서 선 엔 에선 에겐 만큼 뿐 마다 밖에 이라 라 라는 이라는 란 이란 라고 이라고 며 이며 고 이고 다 이다
였 이었 었 으며 지만 이지만 자 이자 인 임 입니다 이고요 요 이죠 죠 데 인데 로는 으로는 측 등 내 간 들 사 쪽 팀
""".split())
_MAX_SUFFIX_RUN = 10
# Backtracking alternation = "splits completely into suffixes"; runs are short.
_SUFFIX_RUN = re.compile("(?:" + "|".join(sorted(SUFFIXES, key=len, reverse=True)) + ")*")
_HANGUL_RUN = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]{0,%d}" % (_MAX_SUFFIX_RUN + 1))

_YEAR_AFTER = re.compile(r"[ \t]?[-–]?[ \t]?((?:19|20)\d\d)(?!\d)|[ \t]?['’‘]((?:19|20)\d\d|\d\d)(?!\d)")
_YEAR_BEFORE = re.compile(r"((?:19|20)\d\d)년[ \t]?$")
_SPACE_IN_NAME = frozenset(" \t\u00a0\u3000")  # no newline: a name does not run across lines
_CORP_MARKERS = re.compile(r"\(주\)|（주）|㈜|주식회사")
_CORP_SUFFIX = re.compile(r"[\s,]*(?:inc\.?|corp\.?|co\.,?\s*ltd\.?|ltd\.?|llc)$", re.IGNORECASE)
_PAREN = re.compile(r"^(.+?)\s*[(（]\s*(.+?)\s*[)）]$")
_URLISH = re.compile(r"https?://|www\.|@|\.(?:com|net|org|edu|gov|kr|io|ai|jp|cn|co)(?![A-Za-z])", re.IGNORECASE)
_NO_WORD_BEFORE = r"(?<![\uac00-\ud7a3\u1100-\u11ff\u3130-\u318fA-Za-z0-9\u00c0-\u024f])"


# ---------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class GazEntry:
    """One organization or venue.

    ``label`` is ``VENUE`` for conferences and journals, else ``ORG``.
    ``ambiguous_aliases`` are surfaces matched strictly (see the module docs).
    """

    id: str
    canonical: str
    kind: str
    aliases_ko: tuple[str, ...]
    aliases_en: tuple[str, ...]
    abbreviations: tuple[str, ...]
    parent: str | None
    label: str
    field: str | None = None
    ambiguous_aliases: tuple[str, ...] = ()

    @property
    def surfaces(self) -> tuple[str, ...]:
        """The canonical name followed by every alias and abbreviation."""
        return (self.canonical, *self.aliases_ko, *self.aliases_en, *self.abbreviations)


@dataclass(frozen=True)
class GazMatch:
    """A gazetteer name found in a text: ``text[start:end]`` (end exclusive).

    ``year`` is the venue edition when the name came with one (ICLR 2022,
    2019년 ICCV); else None.
    """

    start: int
    end: int
    text: str
    entry: GazEntry
    year: int | None = None


# ---------------------------------------------------------------------------
# Character classes and normalization


def normalize_alias(surface: str) -> str:
    """Return the lookup key of a name: NFC, lower-cased, whitespace removed.

    >>> normalize_alias("NAVER  Clova") == normalize_alias("naverclova")
    True
    >>> normalize_alias("네이버 클로바")
    '네이버클로바'
    """
    return "".join(unicodedata.normalize("NFC", surface).lower().split())


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_latin_or_digit(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    return "\u00c0" <= ch <= "\u024f" and ch.isalpha()


def _suffix_ok(text: str, end: int) -> bool:
    """True when the Hangul run starting at ``end`` splits into :data:`SUFFIXES`."""
    run = _HANGUL_RUN.match(text, end).group()
    return len(run) <= _MAX_SUFFIX_RUN and _SUFFIX_RUN.fullmatch(run) is not None


def _inside_url(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is part of a URL or e-mail (www.naver.com, x@kaist.ac.kr)."""
    if not ((start and text[start - 1] in "./@:") or (end < len(text) and text[end] in "./@:")):
        return False
    s, e = start, end
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    while e < len(text) and not text[e].isspace():
        e += 1
    # Only the rest of the token counts, so a name that is itself a domain (Amazon.com) survives.
    return bool(_URLISH.search(text[s:start] + " " + text[end:e]))


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # A few characters (İ) lower-case to two; keep offsets aligned char by char.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# ---------------------------------------------------------------------------
# Matching trie


class _Term:
    __slots__ = ("entry", "ambiguous", "exact_forms")

    def __init__(self, entry: GazEntry, ambiguous: bool, form: str):
        self.entry = entry
        self.ambiguous = ambiguous
        self.exact_forms = {form} if ambiguous else set()

    def add(self, ambiguous: bool, form: str) -> None:
        # The same key reached by a plain and an ambiguous variant: the plain one wins.
        if not ambiguous:
            self.ambiguous = False
            self.exact_forms.clear()
        elif self.ambiguous:
            self.exact_forms.add(form)


class _Node:
    __slots__ = ("children", "space_ok", "term")

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.space_ok = False
        self.term: _Term | None = None


def _strip_ws(s: str) -> str:
    return "".join(s.split())


class Gazetteer:
    """Organizations and venues with normalized lookup and fast text matching.

    Build it with :func:`load_gazetteer`; the constructor trusts its entries
    (the loader validates them).

    Args:
        entries: the gazetteer entries. When two entries share a normalized
            alias, the first one keeps it.
    """

    def __init__(self, entries: Iterable[GazEntry]):
        self.entries: tuple[GazEntry, ...] = tuple(entries)
        self._by_canonical: dict[str, GazEntry] = {}
        self._by_key: dict[str, GazEntry] = {}
        self._root = _Node()
        for entry in self.entries:
            self._by_canonical.setdefault(entry.canonical, entry)
            ambiguous = set(entry.ambiguous_aliases)
            for surface in entry.surfaces:
                key = normalize_alias(surface)
                if not key or self._by_key.setdefault(key, entry) is not entry:
                    continue
                self._insert(surface, entry, surface in ambiguous)
        self._by_canonical_key = {normalize_alias(e.canonical): e for e in reversed(self.entries)}
        firsts = "".join(sorted(self._root.children))
        self._starts = re.compile(_NO_WORD_BEFORE + "[" + "".join(re.escape(c) for c in firsts) + "]")

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self) -> Iterator[GazEntry]:
        return iter(self.entries)

    def _insert(self, surface: str, entry: GazEntry, ambiguous: bool) -> None:
        node = self._root
        for ch in unicodedata.normalize("NFC", surface).strip():
            if ch.isspace():
                node.space_ok = True
                continue
            low = ch.lower()
            ch = low if len(low) == 1 else ch
            node = node.children.setdefault(ch, _Node())
        if node.term is None:
            node.term = _Term(entry, ambiguous, _strip_ws(surface))
        elif node.term.entry is entry:
            node.term.add(ambiguous, _strip_ws(surface))

    # -- lookup -------------------------------------------------------------

    def by_canonical(self, name: str) -> GazEntry | None:
        """Return the entry whose canonical name is ``name`` (exact, then normalized).

        >>> load_gazetteer().by_canonical("KAIST").kind
        'university'
        """
        entry = self._by_canonical.get(name)
        if entry is None:
            entry = self._by_canonical_key.get(normalize_alias(name))
        return entry

    def lookup(self, surface: str) -> GazEntry | None:
        """Return the entry one of whose names is ``surface``, or None.

        Matching is on :func:`normalize_alias` keys (case and spaces ignored).
        When that fails, press decorations are tried away: corporate markers
        ((주), ㈜, 주식회사, Inc., Corp.), a trailing 사 (社: 오픈AI사), and a
        parenthesised gloss (마이크로소프트(MS) → 마이크로소프트, then MS).

        >>> load_gazetteer().lookup("네이버클로바").canonical
        '네이버 클로바'
        >>> load_gazetteer().lookup("마이크로소프트(MS)").canonical
        'Microsoft'
        """
        return self._lookup(surface, depth=0)

    def _lookup(self, surface: str, depth: int) -> GazEntry | None:
        key = normalize_alias(surface)
        if not key:
            return None
        entry = self._by_key.get(key)
        if entry is not None or depth > 2:
            return entry
        text = unicodedata.normalize("NFC", surface).strip()
        variants = []
        m = _PAREN.match(text)
        if m:
            variants += [m.group(1), m.group(2)]
        stripped = _CORP_SUFFIX.sub("", _CORP_MARKERS.sub("", text)).strip()
        if stripped and stripped != text:
            variants.append(stripped)
        if len(key) > 2 and key.endswith("사"):
            variants.append(text[:-1])
        for variant in variants:
            entry = self._lookup(variant, depth + 1)
            if entry is not None:
                return entry
        return None

    # -- matching -----------------------------------------------------------

    def find(self, text: str, boundaries: set[int] | None = None) -> list[GazMatch]:
        """Find gazetteer names in ``text``: non-overlapping, longest first, sorted by start.

        See the module docstring for the boundary, ambiguity and venue-year rules.

        Args:
            text: the text to search; offsets index it as given.
            boundaries: optional morpheme start/end character offsets from a
                tokenizer. A Hangul-final name also matches when its end offset
                is one of them (네이버랑은 when 랑 is not in :data:`SUFFIXES`).

        Returns:
            list[GazMatch]: matches sorted by ``start``.

        >>> [(m.text, m.entry.canonical, m.year) for m in load_gazetteer().find("카이스트와 'ICLR 2022'에서 발표")]
        [('카이스트', 'KAIST', None), ('ICLR 2022', 'ICLR', 2022)]
        """
        if not text:
            return []
        low = _lower_same_length(text)
        n = len(text)
        candidates: list[tuple[int, int, GazEntry, int | None]] = []
        root = self._root
        spaces = _SPACE_IN_NAME
        accept = self._accept
        for m in self._starts.finditer(low):
            start = i = m.start()
            node = root
            while i < n:
                ch = low[i]
                child = node.children.get(ch)
                if child is None:
                    if ch not in spaces or not node.space_ok:
                        break
                    while i < n and low[i] in spaces:
                        i += 1
                    continue
                node = child
                i += 1
                if node.term is not None:
                    cand = accept(text, start, i, node.term, boundaries)
                    if cand is not None:
                        candidates.append(cand)
        candidates.sort(key=lambda c: (-(c[1] - c[0]), c[0]))
        taken: list[tuple[int, int, GazEntry, int | None]] = []
        occupied = bytearray(n)
        for cand in candidates:
            s, e = cand[0], cand[1]
            if occupied.find(1, s, e) < 0:
                taken.append(cand)
                occupied[s:e] = b"\x01" * (e - s)
        taken.sort(key=lambda c: c[0])
        return [GazMatch(s, e, text[s:e], entry, year) for s, e, entry, year in taken]

    def _accept(self, text: str, start: int, end: int, term: _Term,
                boundaries: set[int] | None) -> tuple[int, int, GazEntry, int | None] | None:
        entry = term.entry
        if term.ambiguous and _strip_ws(text[start:end]) not in term.exact_forms:
            return None
        if entry.label == "VENUE":
            m = _YEAR_AFTER.match(text, end)
            if m is not None:
                digits = m.group(1) or m.group(2)
                year = int(digits) if len(digits) == 4 else 2000 + int(digits)
                if ((m.end() >= len(text) or not _is_latin_or_digit(text[m.end()]))
                        and not _inside_url(text, start, m.end())):
                    return (start, m.end(), entry, year)
        if not self._right_ok(text, end, term, boundaries) or _inside_url(text, start, end):
            return None
        year = None
        if entry.label == "VENUE":
            m = _YEAR_BEFORE.search(text, max(0, start - 6), start)
            if m is not None:
                year = int(m.group(1))
        return (start, end, entry, year)

    @staticmethod
    def _right_ok(text: str, end: int, term: _Term, boundaries: set[int] | None) -> bool:
        if end >= len(text):
            return True
        nxt = text[end]
        last = text[end - 1]
        if _is_latin_or_digit(last) and _is_latin_or_digit(nxt):
            return False
        if not _is_hangul(nxt):
            return True
        if term.ambiguous:
            return _suffix_ok(text, end)
        if not _is_hangul(last):
            return True  # ICLR서, 오픈AI사: a Latin-final name may run into Hangul
        return _suffix_ok(text, end) or (boundaries is not None and end in boundaries)


# ---------------------------------------------------------------------------
# Loading and validation


def default_gazetteer_paths() -> tuple[Path, ...]:
    """``corpora/gazetteer/orgs.jsonl`` and ``venues.jsonl``."""
    base = corpora_dir() / "gazetteer"
    return (base / "orgs.jsonl", base / "venues.jsonl")


def default_not_orgs_path() -> Path:
    """``corpora/patterns/not_orgs.jsonl``."""
    return corpora_dir() / "patterns" / "not_orgs.jsonl"


def _nonempty_str(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def entry_names(path: Path, lineno: int, obj: dict) -> tuple[str, ...]:
    """An entry line's canonical name, aliases and abbreviations (in
    :attr:`GazEntry.surfaces` order), checked: the canonical a non-empty string,
    each name list (absent: empty) a list of non-empty strings. The NER lexicon
    reads entries through this, without the rest of :func:`_parse_entry`.

    Raises:
        DataFileError: E003 naming ``path:line``.
    """
    if not _nonempty_str(obj.get("canonical")):
        raise bad_line(path, lineno, f"'canonical' must be a non-empty string, found {obj.get('canonical')!r}",
                       GAZETTEER_EXPECTED)
    for key in _LIST_KEYS:
        _check_name_list(path, lineno, obj, key)
    return (obj["canonical"], *(name for key in _LIST_KEYS for name in obj.get(key, [])))


def _check_name_list(path: Path, lineno: int, obj: dict, key: str) -> None:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(_nonempty_str(v) for v in value):
        raise bad_line(path, lineno, f"'{key}' must be a list of non-empty strings, found {value!r}",
                       GAZETTEER_EXPECTED)


def _parse_entry(path: Path, lineno: int, obj: dict) -> GazEntry:
    exp = GAZETTEER_EXPECTED
    missing = [k for k in _REQUIRED_KEYS if k not in obj]
    if missing:
        raise bad_line(path, lineno, f"missing key(s) {', '.join(missing)}", exp)
    unknown = sorted(set(obj) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS))
    if unknown:
        raise bad_line(path, lineno, f"unknown key(s) {', '.join(unknown)}", exp)
    for key in ("id", "kind"):
        if not _nonempty_str(obj[key]):
            raise bad_line(path, lineno, f"'{key}' must be a non-empty string, found {obj[key]!r}", exp)
    entry_names(path, lineno, obj)
    if obj["kind"] not in KINDS:
        raise bad_line(path, lineno, f"unknown kind '{obj['kind']}' (valid: {', '.join(KINDS)})", exp)
    if obj["parent"] is not None and not _nonempty_str(obj["parent"]):
        raise bad_line(path, lineno, f"'parent' must be a canonical name or null, found {obj['parent']!r}", exp)
    _check_name_list(path, lineno, obj, "ambiguous_aliases")
    if "field" in obj and not _nonempty_str(obj["field"]):
        raise bad_line(path, lineno, f"'field' must be a non-empty string, found {obj['field']!r}", exp)
    surfaces = {obj["canonical"], *obj["aliases_ko"], *obj["aliases_en"], *obj["abbreviations"]}
    stray = [a for a in obj.get("ambiguous_aliases", []) if a not in surfaces]
    if stray:
        raise bad_line(path, lineno, f"ambiguous_aliases {stray} are not names of entry '{obj['id']}'", exp)
    return GazEntry(
        id=obj["id"], canonical=obj["canonical"], kind=obj["kind"],
        aliases_ko=tuple(obj["aliases_ko"]), aliases_en=tuple(obj["aliases_en"]),
        abbreviations=tuple(obj["abbreviations"]), parent=obj["parent"],
        label="VENUE" if obj["kind"] in VENUE_KINDS else "ORG",
        field=obj.get("field"), ambiguous_aliases=tuple(obj.get("ambiguous_aliases", [])),
    )


def _load(paths: Sequence[Path]) -> Gazetteer:
    exp = GAZETTEER_EXPECTED
    entries: list[GazEntry] = []
    where: dict[str, tuple[Path, int]] = {}  # id -> (path, line)
    ids: dict[str, str] = {}
    canonicals: dict[str, str] = {}
    keys: dict[str, str] = {}  # normalized alias -> id
    for path in paths:
        path = Path(path)
        for lineno, obj in read_jsonl(path, exp):
            entry = _parse_entry(path, lineno, obj)
            if entry.id in ids:
                p, ln = where[entry.id]
                raise bad_line(path, lineno, f"duplicate id '{entry.id}' (first at {p}:{ln})", exp)
            if entry.canonical in canonicals:
                raise bad_line(path, lineno, f"canonical '{entry.canonical}' of '{entry.id}' is also the canonical "
                                         f"of '{canonicals[entry.canonical]}'", exp)
            for surface in entry.surfaces:
                key = normalize_alias(surface)
                if not key:
                    raise bad_line(path, lineno, f"empty alias {surface!r} in '{entry.id}'", exp)
                other = keys.setdefault(key, entry.id)
                if other != entry.id:
                    p, ln = where[other]
                    raise bad_line(path, lineno, f"alias '{surface}' of '{entry.id}' is already a name of '{other}' "
                                             f"({p}:{ln}); one alias cannot name two entries", exp)
            ids[entry.id] = entry.canonical
            canonicals[entry.canonical] = entry.id
            where[entry.id] = (path, lineno)
            entries.append(entry)
    by_canonical = {e.canonical: e for e in entries}
    for entry in entries:
        if entry.parent is None:
            continue
        path, lineno = where[entry.id]
        if entry.parent not in by_canonical:
            raise bad_line(path, lineno, f"parent '{entry.parent}' of '{entry.id}' is not the canonical name of any "
                                     "entry", exp)
        seen = {entry.canonical}
        parent = by_canonical[entry.parent]
        while parent is not None:
            if parent.canonical in seen:
                raise bad_line(path, lineno, f"parent chain of '{entry.id}' loops back to '{parent.canonical}'", exp)
            seen.add(parent.canonical)
            parent = by_canonical.get(parent.parent) if parent.parent else None
    return Gazetteer(entries)


@functools.lru_cache(maxsize=4)
def _load_default(base: Path) -> Gazetteer:
    # ``base`` is only the cache key, so KORNEWS_CORPORA changes are honoured.
    return _load(default_gazetteer_paths())


def load_gazetteer(paths: Sequence[Path] | None = None) -> Gazetteer:
    """Load and validate gazetteer files into one :class:`Gazetteer`.

    Args:
        paths: JSONL files; None loads ``corpora/gazetteer/orgs.jsonl`` and
            ``venues.jsonl`` once per process (cached per corpora folder).
            Parents and alias clashes are checked across all files together.

    Returns:
        Gazetteer: the entries in file order.

    Raises:
        DataFileError: ``[E003]`` naming ``path:line`` for invalid JSON, a missing
            or unknown key, a kind outside :data:`KINDS`, a duplicate id or
            canonical, a parent that is no entry's canonical (or a parent loop),
            or an alias that already names another entry (both ids reported).

    Example:
        >>> load_gazetteer().lookup("뉴립스").canonical
        'NeurIPS'
    """
    if paths is None:
        return _load_default(corpora_dir())
    return _load([Path(p) for p in paths])


@functools.lru_cache(maxsize=4)
def _load_not_orgs(path: Path) -> dict[str, str]:
    exp = NOT_ORGS_EXPECTED
    out: dict[str, str] = {}
    first: dict[str, int] = {}
    for lineno, obj in read_jsonl(path, exp):
        missing = [k for k in ("pattern", "label") if k not in obj]
        if missing:
            raise bad_line(path, lineno, f"missing key(s) {', '.join(missing)}", exp)
        unknown = sorted(set(obj) - {"pattern", "label", "note", "id"})
        if unknown:
            raise bad_line(path, lineno, f"unknown key(s) {', '.join(unknown)}", exp)
        if not _nonempty_str(obj["pattern"]):
            raise bad_line(path, lineno, f"'pattern' must be a non-empty string, found {obj['pattern']!r}", exp)
        if obj["label"] not in NOT_ORG_LABELS:
            raise bad_line(path, lineno, f"unknown label {obj['label']!r} (valid: {', '.join(NOT_ORG_LABELS)})", exp)
        key = normalize_alias(obj["pattern"])
        if key in out and out[key] != obj["label"]:
            raise bad_line(path, lineno, f"pattern '{obj['pattern']}' is labelled {out[key]} at line {first[key]} "
                                     f"and {obj['label']} here", exp)
        out.setdefault(key, obj["label"])
        first.setdefault(key, lineno)
    return out


def load_not_orgs(path: Path | str | None = None) -> dict[str, str]:
    """Load names that look like organizations but are not (products, models, ...).

    Args:
        path: a JSONL file of ``{"pattern": str, "label": str}`` lines; None
            loads ``corpora/patterns/not_orgs.jsonl``.

    Returns:
        dict[str, str]: :func:`normalize_alias` key → label, e.g.
        ``{"하이퍼클로바": "MODEL", "chatgpt": "PRODUCT"}``. Compare candidate
        surfaces after :func:`normalize_alias` (a fresh copy each call).

    Raises:
        DataFileError: ``[E003]`` naming ``path:line`` for invalid JSON, missing or
            unknown keys, a label outside :data:`NOT_ORG_LABELS`, or one pattern
            with two labels.
    """
    return dict(_load_not_orgs(Path(path) if path is not None else default_not_orgs_path()))


def kiwi_user_words(gazetteer: Gazetteer | None = None, score: float = 0.0) -> list[tuple[str, str, float]]:
    """Kiwi user words that keep gazetteer names whole (카카오브레인, 뉴립스, 튀빙겐대학교).

    Every name of two or more characters that contains Hangul, has no spaces and
    consists of Hangul, Latin letters and digits only (삼성SDS, 오픈AI) becomes
    ``(name, "NNP", score)``. Ambiguous aliases (라인, 애플) are left out so
    that ordinary words are not forced into proper nouns.

    Args:
        gazetteer: defaults to :func:`load_gazetteer` ``()``.
        score: the Kiwi user-word score.

    Returns:
        list[tuple[str, str, float]]: sorted, without duplicates; pass it to
        ``KiwiTokenizer(user_words=...)``.
    """
    gaz = gazetteer if gazetteer is not None else load_gazetteer()
    words: set[str] = set()
    for entry in gaz.entries:
        ambiguous = set(entry.ambiguous_aliases)
        for surface in entry.surfaces:
            surface = unicodedata.normalize("NFC", surface)
            if (len(surface) >= 2 and surface not in ambiguous and any(_is_hangul(c) for c in surface)
                    and all(_is_hangul(c) or _is_latin_or_digit(c) for c in surface)):
                words.add(surface)
    return [(w, "NNP", score) for w in sorted(words)]
