"""The venue knowledge base: file format, loading, and a compiled venue matcher.

The KB lives in ``corpora/venues/venues.jsonl.gz`` (built by
``python -m pipeline.build_venue_kb``). It is gzip-compressed JSON Lines; the
first line is a header, every other line one venue::

    {"format": "kornews.venue_kb.v1", "venues": 51234, "forms": 212345}
    {"id": "nature-communications", "canonical": "Nature Communications", "kind": "journal",
     "src": ["gazetteer", "jabref"],
     "forms": [["Nature Communications", "title", 0], ["Nat. Commun.", "abbr", 0],
               ["네이처 커뮤니케이션즈", "hangul", 0]]}

``kind`` is ``journal`` or ``conference``. Each form is ``[surface, type,
ambiguous]`` with ``type`` one of :data:`FORM_TYPES`:

* ``title``: an English name, matched case-insensitively on word boundaries,
  but its capitalised words must be capitalised in the text (``Nature
  Communications``, not ``nature communications``; long titles only need the
  first), and a one-word title does not match in capitals (``ECHOES``).
* ``abbr``: an ISO4/Medline abbreviation; dots are optional (``Phys. Rev. B`` =
  ``Phys Rev B``), otherwise as ``title``.
* ``acronym``: one token, matched case-sensitively (``PNAS``, ``NeurIPS``; an
  all-capital spelling of a mixed-case acronym, ``NEURIPS``, also counts;
  ``D.C.`` is not ``DC``).
* ``hangul``: a Korean form (transcription or translation). Matched after
  :func:`~models.venues.translit.fold_hangul` folding (ㅓ/ㅔ/ㅐ, 즈/스, 드/트,
  ㅂ/ㅍ, 리/뤼 … alike), with or without spaces, and also with a dropped plural
  스 or 츠 → 트 (:func:`~models.venues.translit.hangul_variants`; such a variant
  of a two-word title is ambiguous: 에너지 리포트). Forms of up to
  :data:`STRICT_HANGUL_MAX` syllables and ambiguous forms must match exactly
  (네이처 is not 나이차).

``ambiguous`` (0/1) marks a form that is also an ordinary word or name (Nature,
Science, Cell, 셀, every one-word title, generic titles such as Machine
Learning, acronyms of three letters such as ACL): a hit through it has
:attr:`VenueHit.ambiguous` set, and the caller should ask for publication
context (게재, 발표, 논문, 학회) before believing it.

Matching (:meth:`VenueKB.find`) runs one Aho-Corasick automaton (pyahocorasick)
over a *view* of the text: lower-cased, Hangul folded, whitespace and dots
removed, with a map back to the original offsets. Every raw hit is then checked
on the original text:

* word boundaries: nothing word-like before; after a Latin-final name no Latin
  letter or digit; after a Hangul-final name a non-Hangul character or a run
  of particles and venue nouns (:data:`VENUE_SUFFIXES`: 에, 에서, 지에, 최신호…),
  or a tokenizer boundary;
* the case rules above, and no URL or e-mail around the name;
* an English title followed by another capitalised word names something longer
  (``Social Science Research Network``) and is dropped;
* an ambiguous English hit is dropped when it is part of another name or
  phrase: capitalised words around it across of/for/on (``Springer Nature``,
  ``Issues of Takeshima``), glued by - & + (``F-Cell``), followed by a
  lower-case word (``Life is``), inside a longer quoted title, or glossing a
  Korean word in parentheses that is no venue (``국제 우주 정거장(ISS)``);
* an ambiguous Hangul hit followed by another Hangul word is dropped unless
  that word is a venue word (``사이언스 센터`` no, ``네이처 최신호`` yes).

Overlaps are then resolved longest first, so a venue inside a longer venue's
name is dropped (``Computer Vision and Pattern Recognition`` gives CVPR, not
``Pattern Recognition``).
"""
from __future__ import annotations

import pickle

import os

import hashlib

import functools
import gzip
import io
import json
import operator
import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from .. import corpora_dir
from ..errors import BackendError, DataFileError, Errors
from ..gazetteer import SUFFIXES
from .translit import FOLD_TABLE, hangul_variants, is_hangul

KB_FORMAT = "kornews.venue_kb.v1"
#: Venue kinds in the KB.
KINDS = ("journal", "conference")
#: Form types in the KB (see the module docs).
FORM_TYPES = ("title", "abbr", "acronym", "hangul")
_TYPE_CODE = {t: i for i, t in enumerate(FORM_TYPES)}
_TITLE, _ABBR, _ACRONYM, _HANGUL = range(4)

KB_EXPECTED = ('first line {"format": "' + KB_FORMAT + '", "venues": int, "forms": int}; then one venue a line: '
               '{"id": str, "canonical": str, "kind": "journal"|"conference", "src": [str], '
               '"forms": [[surface: str, type: ' + "|".join(FORM_TYPES) + ', ambiguous: 0|1], ...]}')

#: Words after a Hangul venue name that still end it: the gazetteer's particles
#: plus nouns the press glues to a venue (네이처지에, 사이언스 최신호).
VENUE_SUFFIXES = frozenset(SUFFIXES | {
    "지", "온라인판", "최신호", "학회", "학술지", "학술대회", "저널", "논문", "표지", "특집호", "호", "판",
    "컨퍼런스", "콘퍼런스", "에선", "에서도", "에도",
})
_SUFFIX_RUN = re.compile("(?:" + "|".join(sorted(VENUE_SUFFIXES, key=len, reverse=True)) + ")*")
_HANGUL_RUN = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]{0,12}")

#: English words that do not need a capital inside a title.
FUNCTION_WORDS = frozenset(
    "of the and for on in at to a an with from by de des der die das du la le les et und y e di del della & "
    "its into".split())

# Dashes fold to "-", and Hangul syllables to their variant class, in the view.
_VIEW_TABLE = dict(FOLD_TABLE)
_VIEW_TABLE.update({ord(c): "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212"})
_KEEP = re.compile(r"[^\s.]+")
_SPLIT = re.compile(r"[\s.]+")
#: A word of an English name (on lower-cased text); "&" counts as one.
_LATIN_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+|&")
_HAS_HANGUL = re.compile(r"[\uac00-\ud7a3]")
#: A stretch of English words (on lower-cased text): letters, "&", digits, and the
#: spaces and light punctuation that may sit inside a name.
_LATIN_SPAN = re.compile(r"[0-9]*[a-z\u00c0-\u024f&][0-9a-z\u00c0-\u024f& \t\u00a0.,:;/'’()\-–]*")
_DROP = re.compile(r"[\s.]+")
_DROP_ONE = re.compile(r"[\s.]")
_SPACE = re.compile(r"\s")
_YEAR_AFTER = re.compile(r"[ \t]?[-–]?[ \t]?((?:19|20)\d\d)(?!\d)|[ \t]?['’‘]((?:19|20)\d\d|\d\d)(?!\d)")
_YEAR_BEFORE = re.compile(r"((?:19|20)\d\d)년[ \t]?$")
_URLISH = re.compile(r"https?://|www\.|@|\.(?:com|net|org|edu|gov|kr|io|ai|jp|cn|co|uk|de)(?![A-Za-z])",
                     re.IGNORECASE)
_CAP_WORD = re.compile(r"[A-Z][A-Za-z'\-]*")
_LOWER_WORD = re.compile(r"[a-z][a-z'\-]*")
_NEXT_LOWER_WORD = re.compile(r"[ \t]+([a-z][a-z'\-]*)")
_CONTINUES_NAME = re.compile(r"[ \t]+(?!(?:of|the|and|for|on|in|at|to|a|an|with|from|by|de|des|der|la|le|et|und)\b)"
                             r"[A-Z][a-z]")
_HANGUL_WORD_AFTER = re.compile(r"[ \t]+[\uac00-\ud7a3]")
_VENUE_CONTEXT_AFTER = re.compile(
    r"[ \t]+(?:최신호|최근호|온라인판|인터넷판|온라인|표지|자매지|논문|게재|발표|편집|저널|학술지|학회|"
    r"지에|지는|지의|지가|지를|지도|지와|에|에서|은|는|이|가|을|를|와|과|의|도|등|측|측은)")
#: Lower-case words that may precede a bare venue name in English (published in Nature).
_PUBLISHED_IN = frozenset({"in", "and", "or", "by", "at", "from", "journal", "conference"})
#: Words that join a name to a longer one (Issues of Takeshima).
_LINKING = frozenset({"of", "for", "on", "de", "the"})
_VENUE_NOUN_BEFORE = re.compile(r"(?:학회|학술대회|학술지|저널|컨퍼런스|콘퍼런스|심포지엄|워크숍|워크샵|誌)$")


# ---------------------------------------------------------------------------
# Records


@dataclass(frozen=True, slots=True)
class VenueForm:
    """One name of a venue: ``surface`` of type ``type`` (:data:`FORM_TYPES`)."""

    surface: str
    type: str
    ambiguous: bool = False


@dataclass(frozen=True, slots=True)
class Venue:
    """A journal or conference of the KB.

    ``canonical`` is the name written to ``entities.canonical`` and
    ``paper_counts.venues``: the gazetteer's name where the gazetteer knows the
    venue (NeurIPS, Nature, PNAS), else the acronym of a conference, else the
    journal's full title.
    """

    id: str
    canonical: str
    kind: str
    forms: tuple[VenueForm, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class VenueHit:
    """A venue mention: ``text[start:end] == surface`` (Python ``str`` offsets, end exclusive).

    ``ambiguous`` is True when the surface alone is weak evidence (a bare
    common word such as Nature, Science, Cell, 셀; a generic title such as
    Neural Networks; a short acronym such as ACL): ask for publication context.
    ``year`` is a conference's edition when a year follows (``ICLR 2022``,
    ``NeurIPS'21``) or precedes (``2019년 ICCV``) the name; ``year_end`` is then
    the end of the ``ICLR 2022`` span when the year follows, else None.
    """

    start: int
    end: int
    surface: str
    canonical: str
    kind: str
    ambiguous: bool
    form_type: str
    venue_id: str
    year: int | None = None
    year_end: int | None = None


# ---------------------------------------------------------------------------
# Keys


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_KEY_TABLE = dict(_VIEW_TABLE)
_KEY_TABLE.update({ord(c): None for c in ". \t\n\r\f\v\u00a0\u3000\u2009\u200b"})


def _fast_key(nfc_surface: str) -> str:
    key = _lower_same_length(nfc_surface).translate(_KEY_TABLE)
    return "".join(_KEEP.findall(key)) if _SPACE.search(key) else key


def match_key(surface: str) -> str:
    """The key a form is matched under: NFC, lower case, Hangul folded, dashes
    unified, whitespace and dots removed.

    >>> match_key("Phys. Rev. B") == match_key("phys rev b")
    True
    >>> match_key("네이처 커뮤니케이션즈") == match_key("네이쳐커뮤니케이션스")
    True
    """
    return _fast_key(unicodedata.normalize("NFC", surface))


def _tokens(surface: str) -> list[str]:
    return [t for t in _SPLIT.split(surface) if t]


#: Hangul forms with a key this short (or ambiguous ones) must match exactly,
#: spaces included: folded, 네이처 would also be 나이차 and 나 이제.
STRICT_HANGUL_MAX = 3


def _exact_form(form: VenueForm, key_len: int) -> str | None:
    """The exact surface a strict form must show in the text, or None when it matches fuzzily."""
    if form.type == "acronym":
        return _strip_compact(form.surface)
    if form.type == "hangul" and (form.ambiguous or key_len <= STRICT_HANGUL_MAX):
        return _hangul_exact(form.surface, key_len)
    return None


def _hangul_exact(surface: str, key_len: int) -> str:
    # Short forms keep their spaces (나 이제 is not 나이제); longer ones may be spaced freely.
    return " ".join(surface.split()) if key_len <= STRICT_HANGUL_MAX else "".join(surface.split())


def _strip_compact(surface: str) -> str:
    """The surface without whitespace (dots kept: D.C. is not the acronym DC)."""
    return _SPACE.sub("", unicodedata.normalize("NFC", surface))


# ---------------------------------------------------------------------------
# Reading and writing the KB file


def default_kb_path() -> Path:
    """``corpora/venues/venues.jsonl.gz``."""
    return corpora_dir() / "venues" / "venues.jsonl.gz"


def _bad(path, line: int, detail: str) -> DataFileError:
    return DataFileError(Errors.E070.format(path=path, line=line, detail=detail, expected=KB_EXPECTED))


def _parse_venue(path, lineno: int, obj) -> Venue:
    if not isinstance(obj, dict):
        raise _bad(path, lineno, f"expected a JSON object, found {type(obj).__name__}")
    missing = [k for k in ("id", "canonical", "kind", "forms") if k not in obj]
    if missing:
        raise _bad(path, lineno, f"missing key(s) {', '.join(missing)}")
    unknown = sorted(set(obj) - {"id", "canonical", "kind", "forms", "src"})
    if unknown:
        raise _bad(path, lineno, f"unknown key(s) {', '.join(unknown)}")
    for key in ("id", "canonical"):
        if not isinstance(obj[key], str) or not obj[key].strip():
            raise _bad(path, lineno, f"'{key}' must be a non-empty string, found {obj[key]!r}")
    if obj["kind"] not in KINDS:
        raise _bad(path, lineno, f"unknown kind {obj['kind']!r} (valid: {', '.join(KINDS)})")
    src = obj.get("src", [])
    if not isinstance(src, list) or not all(isinstance(s, str) for s in src):
        raise _bad(path, lineno, f"'src' must be a list of strings, found {src!r}")
    forms = obj["forms"]
    if not isinstance(forms, list) or not forms:
        raise _bad(path, lineno, f"'forms' must be a non-empty list, found {forms!r}")
    parsed = []
    for form in forms:
        if (not isinstance(form, list) or len(form) != 3 or not isinstance(form[0], str) or not form[0].strip()
                or form[1] not in FORM_TYPES or form[2] not in (0, 1, True, False)):
            raise _bad(path, lineno, f"bad form {form!r}")
        parsed.append(VenueForm(form[0], form[1], bool(form[2])))
    return Venue(obj["id"], obj["canonical"], obj["kind"], tuple(parsed), tuple(src))


def read_kb(path: str | Path) -> list[Venue]:
    """Read and validate a KB file (gzip or plain JSON Lines).

    Raises:
        DataFileError: ``[E071]`` when the file is missing or unreadable;
            ``[E070]`` naming ``path:line`` for a malformed line, a wrong
            header or a duplicate id.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        text = raw.decode("utf-8-sig")
    except FileNotFoundError as e:
        raise DataFileError(Errors.E071.format(path=path, detail="no such file")) from e
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as e:
        raise DataFileError(Errors.E071.format(path=path, detail=e)) from e
    venues: list[Venue] = []
    seen: dict[str, int] = {}
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise _bad(path, lineno, f"invalid JSON ({e.msg} at column {e.colno})") from None
        if not header_seen:
            if not isinstance(obj, dict) or obj.get("format") != KB_FORMAT:
                found = obj.get("format") if isinstance(obj, dict) else obj
                raise _bad(path, lineno, f"header format {found!r}, expected {KB_FORMAT!r}")
            header_seen = True
            continue
        venue = _parse_venue(path, lineno, obj)
        if venue.id in seen:
            raise _bad(path, lineno, f"duplicate id {venue.id!r} (first at line {seen[venue.id]})")
        seen[venue.id] = lineno
        venues.append(venue)
    if not header_seen:
        raise _bad(path, 1, "empty file: no header line")
    return venues


def write_kb(path: str | Path, venues: Sequence[Venue], extra_header: dict | None = None) -> int:
    """Write ``venues`` as a KB file; gzip when the name ends in ``.gz``.

    The bytes depend only on ``venues`` (gzip without name or time stamp), so
    a rebuild from the same sources gives the same file.

    Returns:
        int: the number of bytes written.
    """
    path = Path(path)
    header = {"format": KB_FORMAT, "venues": len(venues), "forms": sum(len(v.forms) for v in venues)}
    header.update(extra_header or {})
    lines = [json.dumps(header, ensure_ascii=False, sort_keys=True)]
    for v in venues:
        lines.append(json.dumps({
            "id": v.id, "canonical": v.canonical, "kind": v.kind, "src": list(v.sources),
            "forms": [[f.surface, f.type, int(f.ambiguous)] for f in v.forms],
        }, ensure_ascii=False))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    if path.name.endswith(".gz"):
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
            gz.write(data)
        data = buf.getvalue()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(data)


# ---------------------------------------------------------------------------
# The matcher


def _load_automaton_module():
    try:
        import ahocorasick
    except ImportError as e:  # pragma: no cover - the dependency is declared
        raise BackendError(Errors.E072.format(detail=e)) from e
    return ahocorasick


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_latin_or_digit(ch: str) -> bool:
    if ch.isascii():
        return ch.isalnum()
    return "\u00c0" <= ch <= "\u024f" and ch.isalpha()


def _inside_url(text: str, start: int, end: int) -> bool:
    if not ((start and text[start - 1] in "./@:") or (end < len(text) and text[end] in "./@:")):
        return False
    s, e = start, end
    while s > 0 and not text[s - 1].isspace():
        s -= 1
    while e < len(text) and not text[e].isspace():
        e += 1
    return bool(_URLISH.search(text[s:start] + " " + text[end:e]))


class _LazyVenues(Sequence):
    """The KB's venues as plain tuples, a :class:`Venue` built when one is asked for: a
    cached KB loads in a fraction of the time that 40k frozen dataclasses take."""

    def __init__(self, rows: tuple):
        self._rows = rows
        self._built: dict[int, Venue] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return tuple(self[j] for j in range(*i.indices(len(self))))
        v = self._built.get(i)
        if v is None:
            vid, canonical, kind, forms, sources = self._rows[i]
            v = self._built[i] = Venue(vid, canonical, kind, tuple(VenueForm(*f) for f in forms), sources)
        return v


class VenueKB:
    """Venues with a compiled matcher. Build it with :func:`load_venue_kb`.

    Compiling the shipped KB (about 40k venues, 190k match keys) takes a few
    seconds and some 150 MiB, so :func:`load_venue_kb` caches one instance per
    file. :meth:`find` keeps no state between calls: one instance can serve
    several threads.

    Args:
        venues: the KB's venues. When two venues share a match key, the earlier
            venue keeps it (the build script gives every key to one venue).
    """

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["venues"] = tuple((v.id, v.canonical, v.kind, tuple((f.surface, f.type, f.ambiguous) for f in v.forms),
                                 v.sources) for v in self.venues)
        return state

    def __setstate__(self, state: dict) -> None:
        state["venues"] = _LazyVenues(state["venues"])
        self.__dict__.update(state)

    def __init__(self, venues: Iterable[Venue]):
        ac = _load_automaton_module()
        self.venues: tuple[Venue, ...] = tuple(venues)
        self._by_id = {v.id: i for i, v in enumerate(self.venues)}
        self._by_canonical: dict[str, int] = {}
        for i, v in enumerate(self.venues):
            self._by_canonical.setdefault(v.canonical, i)
        # One entry per key: parallel arrays keep memory low (no object per key).
        self._venue = array("i")
        self._type = bytearray()
        self._ambiguous = bytearray()
        self._keylen = array("i")
        self._surface: list[str] = []
        self._exact: dict[int, set[str]] = {}  # entry -> accepted compact surfaces (short Hangul, acronyms)
        # English names are matched word by word (a trie of word ids is far smaller
        # than one of characters); Hangul names character by character, spaces ignored.
        self._vocab: dict[str, int] = {}
        keys: dict[str | tuple[int, ...], int] = {}
        variant_owner: dict[str, int] = {}
        clashed: set[str] = set()

        def add(key, vi: int, form: VenueForm, primary: bool) -> None:
            exact = _exact_form(form, len(key))
            entry = keys.get(key)
            if entry is not None:
                if self._venue[entry] != vi:
                    if not primary and key in variant_owner:
                        clashed.add(key)  # a variant spelling of two venues: neither gets it
                    return
                # same venue, another form with this key: the stronger reading wins
                if not form.ambiguous:
                    self._ambiguous[entry] = 0
                if self._type[entry] == _ACRONYM and form.type in ("title", "abbr"):
                    self._type[entry] = _TYPE_CODE[form.type]
                    self._surface[entry] = form.surface
                    self._exact.pop(entry, None)
                elif entry in self._exact:
                    if exact is None and form.type == "hangul":
                        del self._exact[entry]  # a fuzzy Hangul form of the same key
                    elif exact is not None:
                        self._exact[entry].add(exact)
                return
            entry = len(self._surface)
            keys[key] = entry
            if not primary:
                variant_owner[key] = vi
            self._venue.append(vi)
            self._type.append(_TYPE_CODE[form.type])
            self._ambiguous.append(1 if form.ambiguous else 0)
            self._keylen.append(len(key))
            self._surface.append(form.surface)
            if exact is not None:
                self._exact[entry] = {exact}

        vocab = self._vocab
        # Forms read by read_kb are NFC already (json keeps what the build wrote).
        for vi, venue in enumerate(self.venues):
            for form in venue.forms:
                if form.type == "hangul":
                    key = _fast_key(form.surface)
                else:
                    key = tuple(vocab.setdefault(t, len(vocab) + 1)
                                for t in _LATIN_TOKEN.findall(_lower_same_length(form.surface)))
                if key:
                    add(key, vi, form, True)
        for vi, venue in enumerate(self.venues):
            for form in venue.forms:
                if form.type != "hangul" or _exact_form(form, len(_fast_key(form.surface))) is not None:
                    continue
                # A shortened two-word title is often an ordinary phrase (에너지 리포트 for
                # Energy Reports): such variants are ambiguous.
                short_title = len(form.surface.split()) <= 2
                for variant in hangul_variants(form.surface)[1:]:
                    key = _fast_key(variant)
                    if len(key) > STRICT_HANGUL_MAX:
                        add(key, vi, VenueForm(variant, "hangul", form.ambiguous or short_title), False)
        self._latin = ac.Automaton(ac.STORE_INTS, ac.KEY_SEQUENCE)
        self._hangul = ac.Automaton(ac.STORE_INTS)
        for key, entry in keys.items():
            if key in clashed:
                continue
            (self._latin if isinstance(key, tuple) else self._hangul).add_word(key, entry)
        self._keys_count = len(keys) - len(clashed)
        for automaton in (self._latin, self._hangul):
            if len(automaton):
                automaton.make_automaton()

    def __len__(self) -> int:
        return len(self.venues)

    @property
    def key_count(self) -> int:
        """How many match keys the automaton holds."""
        return self._keys_count

    # -- lookup -------------------------------------------------------------

    def by_id(self, venue_id: str) -> Venue | None:
        """The venue with this id, or None."""
        i = self._by_id.get(venue_id)
        return None if i is None else self.venues[i]

    def by_canonical(self, name: str) -> Venue | None:
        """The venue whose canonical name is ``name`` (exact), or None."""
        i = self._by_canonical.get(name)
        return None if i is None else self.venues[i]

    def lookup(self, surface: str) -> Venue | None:
        """The venue one of whose forms is ``surface`` (compared by :func:`match_key`:
        case, spaces, dots and Hangul spelling variants ignored), or None.

        Unlike :meth:`find`, no case or context rule applies: use it to resolve
        a name found by other means (a frame regex, the NER).

        >>> load_venue_kb().lookup("네이쳐 커뮤니케이션스").canonical
        'Nature Communications'
        """
        surface = unicodedata.normalize("NFC", surface)
        if any(is_hangul(c) for c in surface):
            key = _fast_key(surface)
            entry = self._hangul.get(key, -1) if key and len(self._hangul) else -1
        else:
            key = tuple(self._vocab.get(t, 0) for t in _LATIN_TOKEN.findall(_lower_same_length(surface)))
            entry = self._latin.get(key, -1) if key and 0 not in key and len(self._latin) else -1
        return None if entry < 0 else self.venues[self._venue[entry]]

    # -- matching -----------------------------------------------------------

    def find(self, text: str, boundaries: set[int] | None = None) -> list[VenueHit]:
        """Find venue mentions in ``text``: non-overlapping, longest first, sorted by start.

        Args:
            text: the text (NFC, as the cleaner leaves it); offsets index it as given.
            boundaries: optional morpheme start/end offsets from a tokenizer; a
                non-ambiguous Hangul name also ends where one of them is
                (네이처 커뮤니케이션즈랑), besides before a particle run.

        Returns:
            list[VenueHit]: hits sorted by ``start``.

        >>> hits = load_venue_kb().find("연구는 네이처 커뮤니케이션즈에 실렸다.")
        >>> [(h.start, h.end, h.surface, h.canonical, h.ambiguous) for h in hits]
        [(4, 15, '네이처 커뮤니케이션즈', 'Nature Communications', False)]
        """
        if not text or not self._keys_count:
            return []
        low = _lower_same_length(text)
        cands: list[tuple[int, int, int, int | None, int | None]] = []
        keylen = self._keylen
        accept = self._accept
        if len(self._latin):
            # English: the words of each Latin stretch as vocabulary ids; 0 between
            # stretches and for unknown words breaks a name.
            ids, starts, ends = [], [], []
            vocab_get = self._vocab.get
            for span in _LATIN_SPAN.finditer(low):
                if ids:
                    ids.append(0)
                    starts.append(span.start())
                    ends.append(span.start())
                for m in _LATIN_TOKEN.finditer(low, span.start(), span.end()):
                    ids.append(vocab_get(m.group(), 0))
                    starts.append(m.start())
                    ends.append(m.end())
            if ids:
                for end_i, entry in self._latin.iter(tuple(ids)):
                    start = starts[end_i - keylen[entry] + 1]
                    if start and _is_word_char(text[start - 1]):
                        continue
                    hit = accept(text, start, ends[end_i], entry, boundaries)
                    if hit is not None:
                        cands.append(hit)
        if len(self._hangul) and _HAS_HANGUL.search(text):
            folded = low.translate(_VIEW_TABLE)
            view = _DROP.sub("", folded)
            shift: list[int] | None = None  # view index -> original index, computed on the first hit

            def orig(j: int) -> int:
                return j + bisect_right(shift, j)

            for end_v, entry in self._hangul.iter(view):
                if shift is None:
                    # q_i = (position of the i-th dropped character) - i is non-decreasing, and a
                    # view index j sits at j + #(q_i <= j) in the text.
                    dropped = [m.start() for m in _DROP_ONE.finditer(folded)]
                    shift = list(map(operator.sub, dropped, range(len(dropped))))
                start = orig(end_v - keylen[entry] + 1)
                if start and _is_word_char(text[start - 1]):
                    continue
                hit = accept(text, start, orig(end_v) + 1, entry, boundaries)
                if hit is not None:
                    cands.append(hit)
        # Longest first; at equal length the leftmost, then the unambiguous reading.
        cands.sort(key=lambda c: (-(c[1] - c[0]), c[0], self._ambiguous[c[2]]))
        occupied = bytearray(len(text))
        taken = []
        for cand in cands:
            s, e = cand[0], cand[1]
            if occupied.find(1, s, e) < 0:
                taken.append(cand)
                occupied[s:e] = b"\x01" * (e - s)
        taken.sort(key=lambda c: c[0])
        ends = {c[1] for c in taken}
        out = []
        for s, e, entry, year, year_end in taken:
            if self._ambiguous[entry] and self._type[entry] != _HANGUL and _is_gloss(text, s, e, ends):
                continue
            venue = self.venues[self._venue[entry]]
            out.append(VenueHit(s, e, text[s:e], venue.canonical, venue.kind, bool(self._ambiguous[entry]),
                                FORM_TYPES[self._type[entry]], venue.id, year, year_end))
        return out

    def _accept(self, text: str, start: int, end: int, entry: int, boundaries: set[int] | None):
        surface = text[start:end]
        kind = self._type[entry]
        ambiguous = bool(self._ambiguous[entry])
        exact = self._exact.get(entry)
        if kind == _HANGUL:
            if exact is not None and _hangul_exact(surface, self._keylen[entry]) not in exact:
                return None
            if not self._right_ok_hangul(text, end, ambiguous, boundaries):
                return None
        else:
            if end < len(text) and _is_latin_or_digit(text[end - 1]) and _is_latin_or_digit(text[end]):
                return None
            if kind == _ACRONYM:
                if any(c.isspace() for c in surface):
                    return None  # acronyms are one token: "A CL" is not ACL
                compact = _strip_compact(surface)
                if compact not in exact and not (compact.isupper() and compact in {x.upper() for x in exact}):
                    return None
            elif not self._title_ok(surface, self._surface[entry]):
                return None
            if ambiguous:
                if (self._inside_longer_name(text, start, end) or _inside_longer_quote(text, start, end)
                        or _in_english_phrase(text, start, end)):
                    return None
            elif kind != _ACRONYM and _CONTINUES_NAME.match(text, end):
                return None  # Social Science Research Network: a longer name than the title
        if _inside_url(text, start, end):
            return None
        year = year_end = None
        if self.venues[self._venue[entry]].kind == "conference":
            m = _YEAR_AFTER.match(text, end)
            if m is not None and (m.end() >= len(text) or not _is_latin_or_digit(text[m.end()])):
                digits = m.group(1) or m.group(2)
                year = int(digits) if len(digits) == 4 else 2000 + int(digits)
                year_end = m.end()
            else:
                m = _YEAR_BEFORE.search(text, max(0, start - 6), start)
                if m is not None:
                    year = int(m.group(1))
        return (start, end, entry, year, year_end)

    @staticmethod
    def _right_ok_hangul(text: str, end: int, ambiguous: bool, boundaries: set[int] | None) -> bool:
        if end >= len(text):
            return True
        nxt = text[end]
        if _is_latin_or_digit(text[end - 1]):
            return not _is_latin_or_digit(nxt)
        if not (is_hangul(nxt) or "\u1100" <= nxt <= "\u11ff" or "\u3130" <= nxt <= "\u318f"):
            if ambiguous and nxt in " \t" and _HANGUL_WORD_AFTER.match(text, end):
                # 사이언스 센터, 셀 타워: a bare word in a compound, unless a venue word follows (네이처 최신호)
                return bool(_VENUE_CONTEXT_AFTER.match(text, end))
            return True
        run = _HANGUL_RUN.match(text, end).group()
        if len(run) <= 10 and _SUFFIX_RUN.fullmatch(run) is not None:
            return True
        return not ambiguous and boundaries is not None and end in boundaries

    @staticmethod
    @functools.lru_cache(maxsize=65536)
    def _form_tokens(form: str) -> tuple[tuple[str, ...], tuple[bool, ...]]:
        toks = _tokens(form)
        return (tuple(t.lower() for t in toks),
                tuple(t[0].isupper() and t.lower() not in FUNCTION_WORDS for t in toks))

    def _title_ok(self, surface: str, form: str) -> bool:
        """Same words as the form (dots and spacing aside), and the form's capitals kept."""
        toks = _tokens(surface)
        want, caps = self._form_tokens(form)
        if tuple(t.lower() for t in toks) != want:
            return False
        letters = [c for c in surface if c.isalpha()]
        if letters and all(c.isupper() for c in letters):
            if len(toks) > 1:
                return True  # NATURE COMMUNICATIONS
            if not form.isupper():
                return False  # ECHOES, PRISM: a one-word title in capitals is something else
        required = [k for k, cap in enumerate(caps) if cap]
        if len(required) > 3:
            required = required[:1]  # long titles: the press may lower-case later words
        return all(toks[k][0].isupper() for k in required)

    @staticmethod
    def _inside_longer_name(text: str, start: int, end: int) -> bool:
        """A capitalised Latin word before or after, across spaces and linking
        words (of, for, on, the): part of another name (Springer Nature, Cell
        Press, Samsung Electronics, Service for Human Rights, Issues of Takeshima)."""
        i = start
        while True:
            j = i
            while j > 0 and text[j - 1] in " \t":
                j -= 1
            if j == i or j == 0:
                break
            k = j
            while k > 0 and ((text[k - 1].isalpha() and text[k - 1].isascii()) or text[k - 1] in "-'’"):
                k -= 1
            word = text[k:j]
            if not word:
                break
            if word.lower() in _LINKING:
                i = k
                continue
            if word[0].isupper() and word.lower() not in FUNCTION_WORDS:
                return True
            if word[0].islower() and word not in _PUBLISHED_IN:
                return True  # "to Hospital": the tail of an English phrase
            break
        i = end
        while True:
            j = i
            while j < len(text) and text[j] in " \t":
                j += 1
            if j == i:
                break
            m = _CAP_WORD.match(text, j) or _LOWER_WORD.match(text, j)
            if m is None:
                break
            word = m.group()
            if word.lower() in _LINKING:
                i = m.end()
                continue
            if word[0].isupper() and word.lower() not in FUNCTION_WORDS:
                return True
            break
        return False


def _in_english_phrase(text: str, start: int, end: int) -> bool:
    """Glued to other Latin words (F-Cell, Health&Beauty) or followed by a
    lower-case English word (Life is happy, Culture diary, Hospital to Hospital)."""
    if start >= 2 and text[start - 1] in "-&+/_" and _is_latin_or_digit(text[start - 2]):
        return True
    if end + 1 < len(text) and text[end] in "-&+/_" and _is_latin_or_digit(text[end + 1]):
        return True
    m = _NEXT_LOWER_WORD.match(text, end)
    return m is not None and m.group(1) not in ("and", "or")


_OPEN_QUOTES = "'\"‘“「『《〈<"
_CLOSE_QUOTES = "'\"’”」』》〉>"


def _inside_longer_quote(text: str, start: int, end: int) -> bool:
    """The name sits in a quoted English title with more words
    ('ImageNet: Past, Present, and Future' 워크샵): the quote names something else."""
    lo = max(0, start - 80)
    opening = max(text.rfind(q, lo, start) for q in _OPEN_QUOTES)
    if opening < 0 or any(text.find(q, opening + 1, start) >= 0 for q in _CLOSE_QUOTES if q not in _OPEN_QUOTES):
        return False
    hi = min(len(text), end + 80)
    closes = [i for i in (text.find(q, end, hi) for q in _CLOSE_QUOTES) if i >= 0]
    if not closes:
        return False
    inside = text[opening + 1:min(closes)]
    if "\n" in inside:
        return False
    rest = inside[: start - opening - 1] + " " + inside[end - opening - 1:]
    return bool(re.search(r"[A-Za-z]{2,}", rest))


def _is_gloss(text: str, start: int, end: int, hit_ends: set[int]) -> bool:
    """``text[start:end]`` glosses the Korean word before it in parentheses
    (국제 우주 정거장(ISS), 새로운 지평(New Horizons)), and that word is neither
    a venue hit nor a venue noun (학회, 학술지…): then the English names that
    word, not a venue."""
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] not in "(（":
        return False
    j = i - 1
    while j > 0 and text[j - 1] in " \t'’\"”」』>〉":
        j -= 1
    if j == 0 or not is_hangul(text[j - 1]):
        return False
    if any(e in hit_ends for e in range(j - 2, i)):
        return False  # 네이처(Nature), 네이처지(Nature), '사이언스'(Science)
    return not _VENUE_NOUN_BEFORE.search(text, max(0, j - 6), j)


#: Bumped when :class:`VenueKB`'s compiled state changes: older cache files are ignored.
MATCHER_CACHE_VERSION = 1


def matcher_cache_path(path: Path) -> Path:
    """Where the compiled matcher of KB file ``path`` is cached: beside it, named by the
    SHA-256 of the file and :data:`MATCHER_CACHE_VERSION`, so a changed KB (or matcher
    code) never reads a stale cache. ``KORNEWS_CACHE`` moves it to another folder (use it
    when the package folder is read-only)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    folder = Path(os.environ["KORNEWS_CACHE"]) if os.environ.get("KORNEWS_CACHE") else path.parent
    return folder / f".{path.name}.{digest}.v{MATCHER_CACHE_VERSION}.pickle"


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path) -> VenueKB:
    """The compiled KB of ``path``: from its cache file when there is one (a few tenths of
    a second), else compiled (a few seconds) and cached for the next process. A cache that
    cannot be written (a read-only folder) only costs the compile next time."""
    try:
        cache = matcher_cache_path(path)
    except OSError:
        return VenueKB(read_kb(path))  # read_kb raises the coded error for a missing file
    if cache.exists():
        try:
            with open(cache, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # noqa: BLE001 - a damaged cache is rebuilt, never trusted
            pass
    kb = VenueKB(read_kb(path))
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            pickle.dump(kb, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
        for old in cache.parent.glob(f".{path.name}.*.pickle"):  # caches of earlier KB files
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)
    return kb


def load_venue_kb(path: str | Path | None = None) -> VenueKB:
    """Load the venue KB and compile its matcher, once per process and file.

    Args:
        path: a KB file; None loads ``corpora/venues/venues.jsonl.gz``
            (``KORNEWS_CORPORA`` moves ``corpora/``).

    Raises:
        DataFileError: ``[E071]`` when the file is missing or unreadable,
            ``[E070]`` naming ``path:line`` for a malformed line.
        BackendError: ``[E072]`` when pyahocorasick is not installed.

    >>> load_venue_kb().lookup("뉴립스").canonical
    'NeurIPS'
    """
    return _load_cached(Path(path).resolve() if path is not None else default_kb_path().resolve())


def find_venues(text: str, boundaries: set[int] | None = None) -> list[VenueHit]:
    """:meth:`VenueKB.find` with the shipped KB.

    >>> [(h.surface, h.canonical, h.year) for h in find_venues("ICLR 2022와 PNAS에 실렸다")]
    [('ICLR', 'ICLR', 2022), ('PNAS', 'PNAS', None)]
    """
    return load_venue_kb().find(text, boundaries)
