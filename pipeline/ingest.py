"""Ingest: turn files, folders, globs and archives into a stream of raw articles.

``iter_articles`` is the one entry point. It yields :class:`~models.schema.RawArticle`
for every article it could read and :class:`~models.schema.QuarantineRecord` for
every input, archive member, JSON line or record it could not. It never raises for
bad input and never drops an input silently; the only things skipped without a
record are, inside folders, globs and archives, hidden entries (``.DS_Store``,
``__MACOSX/._x``) and files whose extension no reader handles (``.md``, ``.png``).

Memory is bounded by the largest single unit, never by the input: archives are
read member by member as streams (zip members with ``ZipFile.open``, tars in
``r|*`` streaming mode), JSONL files line by line, and every read is capped (see
:class:`IngestConfig`) so a lying size header or a compression bomb cannot blow
memory. Nothing from an archive is ever written to disk, so a ``../evil.txt``
member (zip slip) cannot escape; it is quarantined anyway, so the user sees it.

Sources name where an article came from, down to the line:
``a.zip!dir/x.txt`` (archive member), ``x.jsonl:3`` (1-based line),
``a.zip!dir/x.jsonl:3``, and ``x.json#2`` (1-based position in a JSON list).

Nested archives (a ``.zip`` inside a ``.tar.gz``) are quarantined as
``NestedArchive`` rather than opened: one level keeps the size caps easy to reason
about, and a nested archive is rare enough that extracting it by hand is fine.

Why trafilatura for HTML: it is actively maintained and widely used for news
crawling, its extraction is boilerplate-aware (navigation, footers, related-article
lists and comments are dropped, paragraphs are kept as lines), and it reads the
page's metadata (``og:title``, ``og:site_name``, ``article:published_time``,
canonical URL) in the same pass. Its date comes back day-precise and its site
name falls back to the host name, so explicit meta tags, read with the stdlib
``html.parser``, take precedence for those two fields.
"""
from __future__ import annotations

import codecs
import contextlib
import errno
import glob
import gzip
import io
import json
import lzma
import os
import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, NamedTuple, Optional, Sequence, Union

from models.dates import date_from_value, parse_published_at
from models.errors import DecodeError, Errors
from models.schema import QuarantineRecord, RawArticle


#: Our field → the JSON keys tried for it, in order; the first non-empty wins (for
#: ``publisher``, the first that is not a URL: dumps such as Wikinews keep the
#: article's URL under ``source`` and the outlet under ``publisher``). The
#: ``RawArticle.source`` is always the location the record was read from.
DEFAULT_FIELD_MAP: dict[str, list[str]] = {
    "title": ["title", "headline", "제목"],
    "text": ["text", "body", "content", "article", "본문"],
    "published_at": ["date", "published_at", "published", "pub_date", "datetime", "날짜"],
    "url": ["url", "link"],
    "publisher": ["publisher", "press", "언론사", "source"],
}

#: Field names a ``field_map`` may also use for one of ours: ``source`` (the old
#: name of ``publisher``).
FIELD_ALIASES = {"source": "publisher"}

_MB = 1024 * 1024

#: File-name endings → reader, longest first so ``x.jsonl.gz`` is not taken for ``.gz``.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".jsonl.gz", "jsonl.gz"),
    (".json.gz", "json.gz"),
    (".tar.gz", "tar"),
    (".tar.bz2", "tar"),
    (".tar.xz", "tar"),
    (".tgz", "tar"),
    (".tbz2", "tar"),
    (".txz", "tar"),
    (".tar", "tar"),
    (".zip", "zip"),
    (".jsonl", "jsonl"),
    (".json", "json"),
    (".html", "html"),
    (".htm", "html"),
    (".txt", "txt"),
)

#: Every file-name ending ``iter_articles`` reads (case-insensitive).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(suffix for suffix, _ in _SUFFIXES)

_ARCHIVE_FORMATS = frozenset({"zip", "tar"})
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class IngestConfig:
    """Options of :func:`iter_articles`; the defaults suit press dumps of any size.

    Raises:
        ValueError: ``[E013]`` for an unknown ``field_map`` key or a cap that is
            not a positive integer.

    Example:
        >>> IngestConfig(field_map={"text": ["본문"], "title": ["제목"]}).keys_for("text")
        ['본문']
    """

    field_map: dict[str, list[str]] = field(default_factory=lambda: {k: list(v) for k, v in DEFAULT_FIELD_MAP.items()})
    """Our field → candidate JSON keys, tried in order. Fields left out keep their
    defaults (:data:`DEFAULT_FIELD_MAP`), so ``{"text": ["본문"]}`` only changes
    where the text is looked for. Valid fields: title, text, published_at, url,
    publisher (``source`` is accepted as its old name)."""

    max_member_bytes: int = 50 * _MB
    """Largest archive member read, uncompressed (default 50 MB). A member whose
    declared or actual size is larger is quarantined as ``TooLarge``; reads stop
    at this many bytes plus one, so a lying header cannot exhaust memory. Also
    caps a compressed ``.jsonl.gz``/``.json.gz`` member once decompressed."""

    max_archive_bytes: int = 2 * 1024 * _MB
    """Largest total, uncompressed, read from one archive (default 2 GB). Once
    passed, the archive is quarantined as ``ArchiveTooLarge`` and its remaining
    members are not read. A zip counts the members it reads; a tar counts every
    regular member, skipped ones included, because streaming a tar means
    decompressing past them. A top-level ``.jsonl.gz`` counts its decompressed
    bytes."""

    max_file_bytes: int = 200 * _MB
    """Largest unit read whole into memory outside archives (default 200 MB): a
    ``.txt``/``.html``/``.json`` file (a ``.json.gz`` once decompressed), or one
    JSONL line. Larger ones are quarantined as ``TooLarge``; JSONL files
    themselves are streamed and may be of any size."""

    def __post_init__(self) -> None:
        unknown = sorted(set(self.field_map) - set(DEFAULT_FIELD_MAP) - set(FIELD_ALIASES))
        if unknown:
            raise ValueError(Errors.E013.format(
                value=", ".join(unknown), option="IngestConfig.field_map",
                valid=", ".join(DEFAULT_FIELD_MAP)))
        for name, keys in self.field_map.items():
            if not isinstance(keys, list) or not keys or not all(isinstance(k, str) and k for k in keys):
                raise ValueError(Errors.E013.format(
                    value=keys, option=f"IngestConfig.field_map[{name!r}]",
                    valid='a non-empty list of JSON keys, e.g. ["본문"]'))
        for name in ("max_member_bytes", "max_archive_bytes", "max_file_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValueError(Errors.E013.format(
                    value=value, option=f"IngestConfig.{name}", valid="a positive number of bytes"))

    def keys_for(self, name: str) -> list[str]:
        """Return the JSON keys tried for our field ``name`` (configured, else default).

        Args:
            name: One of title, text, published_at, url, publisher.

        Returns:
            The candidate keys, in the order they are tried.

        Example:
            >>> IngestConfig().keys_for("publisher")
            ['publisher', 'press', '언론사', 'source']
        """
        for alias, field_name in FIELD_ALIASES.items():
            if field_name == name and alias in self.field_map and name not in self.field_map:
                return list(self.field_map[alias])
        return list(self.field_map.get(name, DEFAULT_FIELD_MAP[name]))


class _CapExceeded(Exception):
    """A capped read went past its cap; ``size`` is how many bytes were seen."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


# ---------------------------------------------------------------------------
# Formats and input expansion
# ---------------------------------------------------------------------------

def detect_format(name: str) -> Optional[str]:
    """Return the reader for a file name by its ending, or None when unsupported.

    Args:
        name: A file or archive member name; only its ending is looked at.

    Returns:
        One of ``txt``, ``html``, ``json``, ``jsonl``, ``json.gz``, ``jsonl.gz``,
        ``zip``, ``tar``; None for anything else.

    Example:
        >>> detect_format("기사/2024/연합.JSONL.GZ")
        'jsonl.gz'
    """
    lowered = name.lower()
    for suffix, fmt in _SUFFIXES:
        if lowered.endswith(suffix):
            return fmt
    return None


def _quarantine(source: str, error_type: str, error: str) -> QuarantineRecord:
    return QuarantineRecord(source=source, error_type=error_type, error=error)


def _unsupported(source: str) -> QuarantineRecord:
    return _quarantine(source, "UnsupportedFormat",
                       Errors.E002.format(source=source, formats=", ".join(SUPPORTED_SUFFIXES)))


def _is_hidden(parts: Sequence[str]) -> bool:
    return any(part.startswith(".") and part not in (".", "..") for part in parts)


def source_name(path: Union[str, Path]) -> str:
    """A path as text that can be written anywhere: valid UTF-8, nothing lost.

    POSIX file names are bytes; Python decodes those that are not UTF-8 with
    surrogate escapes, which no UTF-8 writer (Parquet, JSON) accepts. Those bytes
    are written as ``\\xNN`` instead, so the name stays recognisable and exact.

    >>> source_name(os.fsdecode(b"caf\\xe9.txt"))
    'caf\\\\xe9.txt'
    """
    text = os.fspath(path)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")


def _link_problem(path: str, exc: OSError) -> QuarantineRecord:
    source = source_name(path)
    if exc.errno == errno.ELOOP:
        kind, detail = "SymlinkLoop", "it is part of a loop of symbolic links"
    elif exc.errno == errno.ENOENT:
        kind, detail = "DanglingLink", "its target does not exist"
    else:
        kind, detail = "Unreadable", _os_detail(exc)
    return _quarantine(source, kind, Errors.E046.format(source=source, detail=detail))


def _os_detail(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _not_a_file(path: str) -> QuarantineRecord:
    source = source_name(path)
    return _quarantine(source, "UnsupportedFormat", Errors.E014.format(
        source=source, detail="not a regular file or folder"))


def _walk_folder(folder: Path, visited: Optional[set] = None) -> Iterator[Union[Path, QuarantineRecord]]:
    """Yield the readable files under ``folder``, and a record for each problem, sorted by path parts.

    Sorting by parts rather than by the joined string compares folder ``a`` with
    file ``a.txt`` by name, not by the code point of the separator, so the order
    is the same on every platform (``a/z.txt`` before ``a.txt``). Links are
    followed; a link back to a folder being read is a ``DirectoryLoop`` record, a
    dangling link or a loop of links a ``DanglingLink``/``SymlinkLoop`` record,
    and a folder that cannot be listed an ``Unlistable`` record. Hidden entries
    and files no reader handles are skipped.
    """
    try:
        st = os.stat(folder)
    except OSError as exc:
        yield _link_problem(os.fspath(folder), exc)
        return
    key = (st.st_dev, st.st_ino)
    visited = set() if visited is None else visited
    if key in visited:
        return
    visited.add(key)
    yield from _walk_listed(os.fspath(folder), [key], visited)


def _walk_listed(folder: str, ancestors: list, visited: set) -> Iterator[Union[Path, QuarantineRecord]]:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        source = source_name(folder)
        yield _quarantine(source, "Unlistable", Errors.E047.format(source=source, detail=_os_detail(exc)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            st = os.stat(entry.path)  # follows links
        except OSError as exc:
            if entry.is_symlink():
                if detect_format(entry.name) is not None or exc.errno == errno.ELOOP:
                    yield _link_problem(entry.path, exc)
                continue
            source = source_name(entry.path)
            yield _quarantine(source, "Unreadable", Errors.E014.format(source=source, detail=_os_detail(exc)))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                source = source_name(entry.path)
                yield _quarantine(source, "DirectoryLoop", Errors.E048.format(
                    source=source, target=source_name(os.path.realpath(entry.path))))
            elif key not in visited:  # a folder reached twice through links is read once
                visited.add(key)
                yield from _walk_listed(entry.path, [*ancestors, key], visited)
        elif detect_format(entry.name) is None:
            continue
        elif stat.S_ISREG(st.st_mode):
            yield Path(entry.path)
        else:
            yield _not_a_file(entry.path)


def _expand_one(item: Union[str, Path]) -> Iterator[Union[Path, QuarantineRecord]]:
    path = Path(item)
    text = source_name(item)
    try:
        os.lstat(path)
    except OSError:
        if _GLOB_CHARS.search(text):
            yield from _expand_glob(os.fspath(item))
        else:
            yield _quarantine(text, "NotFound", Errors.E009.format(source=text))
        return
    try:
        st = os.stat(path)
    except OSError as exc:
        yield _link_problem(os.fspath(path), exc)
        return
    if stat.S_ISREG(st.st_mode):
        # Named explicitly, so an unreadable kind is reported, not skipped.
        yield path if detect_format(path.name) is not None else _unsupported(text)
    elif stat.S_ISDIR(st.st_mode):
        yield from _walk_folder(path)
    else:
        yield _not_a_file(os.fspath(path))


def _expand_glob(pattern: str) -> Iterator[Union[Path, QuarantineRecord]]:
    matches = sorted(glob.glob(pattern, recursive=True))
    if not matches:
        text = source_name(pattern)
        yield _quarantine(text, "NotFound", Errors.E009.format(source=text))
    for match in matches:
        match_path = Path(match)
        if match_path.is_dir():
            yield from _walk_folder(match_path)
        elif detect_format(match_path.name) is None:
            continue
        elif match_path.is_file():
            yield match_path
        else:
            try:
                os.stat(match_path)
            except OSError as exc:
                yield _link_problem(match, exc)
                continue
            yield _not_a_file(match)


def expand_inputs(inputs: Sequence[Union[str, Path]]) -> Iterator[Union[Path, QuarantineRecord]]:
    """Expand files, folders and glob patterns into the files to read, in order.

    Files named explicitly are yielded as given; an unsupported one becomes an
    ``UnsupportedFormat`` record. Folders are searched recursively, sorted by path,
    skipping hidden entries and unsupported extensions. Glob patterns (``*``,
    ``?``, ``[``, ``**``) are expanded sorted; their unsupported matches are
    skipped like a folder's. A missing input, or a pattern matching nothing, is a
    ``NotFound`` record. A file reached twice (a folder and a file in it) is
    yielded once, at its first position.

    Args:
        inputs: Paths or patterns; a single str/Path is taken as one input.

    Returns:
        An iterator of ``Path`` (to read) and ``QuarantineRecord`` (to report).

    Example:
        >>> list(expand_inputs(["없는/기사.txt"]))[0].error_type
        'NotFound'
    """
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    seen: set[str] = set()
    for item in inputs:
        for found in _expand_one(item):
            if isinstance(found, Path):
                key = os.path.realpath(found)  # never raises, even for a loop
                if key in seen:
                    continue
                seen.add(key)
            yield found


# ---------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------

_KOREAN_CHARSETS = frozenset({
    "euc-kr", "euckr", "euc_kr", "cp949", "ms949", "uhc", "x-windows-949", "windows-949",
    "ks_c_5601-1987", "ks_c_5601-1989", "ks_c_5601", "ksc5601", "ksc_5601", "korean",
})
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _common_hangul() -> str:
    """The 2,350 KS X 1001 syllables: what real Korean text is almost entirely made of.

    CP949's extension adds 8,822 rare syllables; random bytes decode mostly to
    those and to Hanja, which is what the plausibility check keys on.
    """
    chars = []
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes((lead, trail)).decode("euc-kr"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


@lru_cache(maxsize=1)
def _implausible_char() -> re.Pattern:
    """Characters that are neither ASCII, common Hangul, Hanja nor press punctuation."""
    allowed = (
        "\t\n\r\f\v\x20-\x7e"
        "\u00a0-\u00ff"      # · × ° ± and other Latin-1 signs
        "\u0370-\u03ff"      # α β μ in science articles
        "\u2000-\u22ff"      # quotes, dashes, …, ※, ℃, Ⅰ, arrows, math
        "\u2460-\u27bf"      # ① ─ ■ ○ ★
        "\u3000-\u303f"      # 「」《》〈〉
        "\u3131-\u318e"      # compatibility jamo (ㄱ, ㅋㅋ)
        "\u3200-\u33ff"      # ㈜ ㎞ ㎡
        "\uff00-\uffef"      # fullwidth forms
        "\u4e00-\u9fff"      # Hanja, limited separately
    )
    return re.compile(f"[^{allowed}{_common_hangul()}]")


_HANJA = re.compile("[\u4e00-\u9fff]")


def _is_plausible_korean(text: str) -> bool:
    """Return whether CP949-decoded ``text`` reads as Korean rather than noise.

    Strict CP949 accepts most pairs of high bytes, so decoding alone proves little.
    Real text has common Hangul, few rare syllables or odd scripts (≤ 5 %, and
    always two, so a short title with one 똠 passes), and Hanja only sparingly
    (≤ 20 %; headlines use 美·中·與).
    """
    if not text or not re.search(f"[{_common_hangul()}]", text):
        return False
    odd = len(_implausible_char().findall(text))
    hanja = len(_HANJA.findall(text))
    return odd <= max(2, 0.05 * len(text)) and hanja <= 0.2 * len(text)


def _declared_charset(data: bytes) -> Optional[str]:
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


#: Byte-order marks of the UTF-16/32 encodings, longest first (the UTF-32 LE mark
#: starts with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"), (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"))

#: Share of a text's bytes that may be damaged (undecodable sequences replaced by
#: U+FFFD, counted) before the input is quarantined instead.
MAX_DAMAGED_SHARE = 0.005
#: ... and the fewest readable characters a damaged text must still have.
_MIN_READABLE_CHARS = 20


class Decoded(NamedTuple):
    """A decoded input: its text, the encoding used and how many byte sequences were replaced."""

    text: str
    encoding: str
    replaced: int = 0


def _decode_counting(data: bytes, encoding: str) -> tuple[str, int]:
    """Decode with every undecodable sequence replaced by U+FFFD; return the text and how many."""
    pieces: list[str] = []
    bad, pos, n = 0, 0, len(data)
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    while pos < n:
        try:
            pieces.append(decoder.decode(data[pos:], final=True))
            break
        except UnicodeDecodeError as exc:
            pieces.append(decoder.decode(data[pos:pos + exc.start], final=True))
            pieces.append("\ufffd")
            bad += 1
            pos += exc.end
            decoder.reset()
    return "".join(pieces), bad


def decode_text(data: bytes, source: str) -> Decoded:
    """Decode an input's bytes: strictly when possible, else repaired when only lightly damaged.

    Order: a UTF-32/UTF-16 byte-order mark decodes as that; then strict UTF-8
    (BOM or not), then strict CP949 (see :func:`decode_bytes`). When neither
    decodes strictly, a text with at most :data:`MAX_DAMAGED_SHARE` of its bytes
    damaged (a few bad sequences in a long UTF-8 or CP949 text) is decoded with
    each bad sequence replaced by U+FFFD, and the count is returned; more damage
    than that is an error.

    Args:
        data: The raw bytes of a file, archive member or JSONL line.
        source: Where they came from, named in the error.

    Returns:
        The text, the encoding (``utf-8``, ``utf-8-sig``, ``cp949``, ``utf-16``,
        ``utf-32``) and the number of replaced sequences (0 when strict).

    Raises:
        DecodeError: ``[E001]`` no encoding fits; ``[E049]`` too much damage.

    Example:
        >>> decode_text("기사 본문".encode("utf-16"), "a.txt")
        Decoded(text='기사 본문', encoding='utf-16', replaced=0)
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text, bad = _decode_counting(data[len(bom):], codec)
            return _accept_damaged(text, name, bad, len(data), source, f"{name} with a byte-order mark")
    try:
        return Decoded(*decode_bytes(data, source))
    except DecodeError as strict:
        candidates = []
        for codec in ("utf-8", "cp949"):
            text, bad = _decode_counting(data[3:] if codec == "utf-8" and data.startswith(codecs.BOM_UTF8) else data,
                                         codec)
            if codec == "utf-8" or _is_plausible_korean(text.replace("\ufffd", "")):
                candidates.append((bad, codec, text))
        bad, codec, text = min(candidates)
        if bad > _NOT_TEXT_SHARE * len(data):
            raise  # not a damaged text but another kind of bytes: the strict error says what was tried
        return _accept_damaged(text, codec, bad, len(data), source, str(strict).rsplit(" (", 1)[-1].rstrip(".)"))


#: Beyond this share of bad sequences the bytes are not a damaged text at all.
_NOT_TEXT_SHARE = 0.05


def _accept_damaged(text: str, encoding: str, bad: int, size: int, source: str, detail: str) -> Decoded:
    if bad == 0:
        return Decoded(text, encoding)
    readable = len(text) - text.count("\ufffd") - sum(1 for ch in text if ch.isspace())
    if bad > MAX_DAMAGED_SHARE * size or readable < _MIN_READABLE_CHARS:
        raise DecodeError(Errors.E049.format(source=source, bad=bad, size=size, share=bad / max(1, size),
                                             limit=MAX_DAMAGED_SHARE, detail=detail))
    return Decoded(text, encoding, bad)


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode an input's bytes strictly as UTF-8 (BOM or not), else CP949.

    UTF-8 is tried before CP949 even when an HTML page declares ``euc-kr``: real
    CP949 Korean is never valid UTF-8, while pages re-saved as UTF-8 often keep a
    stale declaration. The declaration is honoured where it matters: a page that
    declares a Korean charset (euc-kr, ks_c_5601-1987, cp949 ...) and decodes as
    CP949 is accepted without the plausibility check undeclared bytes must pass.
    Pure ASCII is UTF-8. Nothing is decoded with replacement here (see
    :func:`decode_text` for lightly damaged inputs).

    Args:
        data: The raw bytes of a file, archive member or JSONL line.
        source: Where they came from, named in the error.

    Returns:
        ``(text, encoding)`` with encoding ``utf-8-sig``, ``utf-8`` or ``cp949``;
        a BOM is not part of the text.

    Raises:
        DecodeError: ``[E001]`` naming ``source`` when no encoding decodes the
            bytes strictly into plausible text.

    Example:
        >>> decode_bytes("한국어 기사".encode("cp949"), "a.txt")
        ('한국어 기사', 'cp949')
    """
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise DecodeError(Errors.E001.format(
                source=source, detail=f"UTF-8 BOM, then {exc.reason} at byte {exc.start}")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_detail = f"UTF-8: {exc.reason} at byte {exc.start}"
    try:
        text = data.decode("cp949")
    except UnicodeDecodeError as exc:
        raise DecodeError(Errors.E001.format(
            source=source, detail=f"{utf8_detail}; CP949: {exc.reason} at byte {exc.start}")) from exc
    if _declared_charset(data) in _KOREAN_CHARSETS or _is_plausible_korean(text):
        return text, "cp949"
    raise DecodeError(Errors.E001.format(
        source=source, detail=f"{utf8_detail}; CP949 decodes to rare syllables, Hanja or symbols, not Korean text"))


# ---------------------------------------------------------------------------
# Readers: bytes of one unit → articles
# ---------------------------------------------------------------------------

def _read_txt(data: bytes, source: str) -> Union[RawArticle, QuarantineRecord]:
    text, encoding, replaced = decode_text(data, source)
    if not text.strip():
        return _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))
    return RawArticle(source=source, text=text, format="txt", encoding=encoding, replaced=replaced)


class _HeadMetaParser(HTMLParser):
    """Collects ``<meta>`` contents by property/name/itemprop and the canonical link."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, Optional[str]]]) -> None:
        values = {key.lower(): (value or "").strip() for key, value in attrs}
        if tag == "meta":
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            if key and values.get("content"):
                self.meta.setdefault(key, values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and values.get("href"):
            self.meta.setdefault("canonical", values["href"])


def read_html_meta(html: str) -> dict[str, str]:
    """Return a page's meta tags (``og:site_name``, ``article:published_time`` ...).

    Only the ``<head>`` is parsed (or the first 64 KB when it has no ``</head>``):
    meta tags live there, and a body can be megabytes. The first value of a key wins.

    Args:
        html: The decoded page.

    Returns:
        Lower-cased property/name/itemprop → content, plus ``canonical`` → href.

    Example:
        >>> read_html_meta('<meta property="og:site_name" content="한빛일보">')
        {'og:site_name': '한빛일보'}
    """
    end = html.lower().find("</head>")
    parser = _HeadMetaParser()
    try:
        parser.feed(html[: end if end >= 0 else 65536])
        parser.close()
    except (AssertionError, ValueError):
        pass  # malformed markup: the tags read before it are still good fallbacks
    return parser.meta


_DATE_META_KEYS = ("article:published_time", "og:article:published_time", "datepublished",
                   "pubdate", "publishdate", "date", "dc.date.issued", "dc.date")
_URL_META_KEYS = ("og:url", "canonical")


def _first(*values: Optional[str]) -> Optional[str]:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


@lru_cache(maxsize=1)
def _trafilatura():
    # Imported on first HTML only: it takes about a second and most runs are JSONL.
    import trafilatura

    return trafilatura


def read_html(data: bytes, source: str) -> Union[RawArticle, QuarantineRecord]:
    html, encoding, replaced = decode_text(data, source)
    meta = read_html_meta(html)
    try:
        # the date only from the page's markup (meta, <time>, JSON-LD): htmldate's extensive
        # search reads years out of the text ("2018년", a copyright line) and would date an
        # undated article that its plain-text form leaves undated
        doc = _trafilatura().bare_extraction(html, with_metadata=True, include_comments=False,
                                             date_extraction_params={"extensive_search": False,
                                                                     "original_date": True})
    except Exception as exc:  # noqa: BLE001 - a parser bug on one page must not end the run
        return _quarantine(source, "ParseError", Errors.E014.format(source=source, detail=repr(exc)))
    body = (doc.text or "").strip() if doc is not None else ""
    if not body:
        return _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))
    published = next((d for d in (parse_published_at(meta[k]) for k in _DATE_META_KEYS if k in meta) if d), None)
    if published is None and doc.date:
        published = parse_published_at(doc.date)
    return RawArticle(
        source=source,
        text=body,
        title=_first(doc.title, meta.get("og:title")),
        published_at=published,
        url=_first(*(meta.get(k) for k in _URL_META_KEYS), doc.url),
        publisher=_first(meta.get("og:site_name"), doc.sitename),
        format="html",
        encoding=encoding,
        replaced=replaced,
    )


def _lookup(record: dict, keys: Sequence[str]) -> Any:
    for key in keys:
        value = record.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def _optional_str(value: Any) -> Optional[str]:
    return (value.strip() or None) if isinstance(value, str) else None


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid_text(value: Any) -> tuple[Any, int]:
    """A JSON string with lone surrogates (``"\\ud800"`` is valid JSON, not valid
    text: no UTF-8 writer takes it) replaced by U+FFFD, and how many."""
    if not isinstance(value, str) or value.isascii():
        return value, 0
    return _LONE_SURROGATE.subn("\ufffd", value)


def record_to_article(record: Any, source: str, fmt: str, encoding: Optional[str],
                      config: IngestConfig, replaced: int = 0) -> Union[RawArticle, QuarantineRecord]:
    """Map one JSON record to a RawArticle using ``config.field_map``.

    Args:
        record: The parsed JSON value; must be an object.
        source: Where it was read (``x.jsonl:3``, ``x.json#2``).
        fmt: ``json`` or ``jsonl``, stored as ``RawArticle.format``.
        encoding: How its bytes were decoded.
        config: Supplies the candidate keys of each field.

    Returns:
        The article; or a ``InvalidJSON`` record (not an object, or a text that is
        neither a string nor a list of strings), ``MissingText`` (``[E010]``, lists
        the keys looked for) or ``EmptyArticle``. A date that cannot be parsed
        leaves ``published_at`` None rather than losing the article. A publisher
        value that is a URL is taken as the article's URL instead; when the mapped
        keys give no name, the record's own ``publisher`` field is used. The
        publisher read here wins over the one cleaning detects in the text.

    Example:
        >>> record_to_article({"본문": "네이버가 투자했다."}, "a.jsonl:1", "jsonl", "utf-8",
        ...                   IngestConfig()).text
        '네이버가 투자했다.'
    """
    if not isinstance(record, dict):
        return _quarantine(source, "InvalidJSON", Errors.E011.format(
            source=source, detail=f"expected an object, got {type(record).__name__}"))
    text_keys = config.keys_for("text")
    text = _lookup(record, text_keys)
    if text is None:
        return _quarantine(source, "MissingText", Errors.E010.format(source=source, keys=", ".join(text_keys)))
    if isinstance(text, list) and all(isinstance(part, str) for part in text):
        text = "\n".join(text)  # some dumps store the body as a list of paragraphs
    if not isinstance(text, str):
        return _quarantine(source, "InvalidJSON", Errors.E011.format(
            source=source, detail=f"the text field is a {type(text).__name__}, expected a string"))
    if not text.strip():
        return _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))
    url = _optional_str(_lookup(record, config.keys_for("url")))
    publisher = None
    publisher_keys = config.keys_for("publisher")
    # A record's own "publisher" field is its outlet even when a field map (such as
    # the old {"source": ["source"]}) names only keys that hold URLs.
    for key in [*publisher_keys, *(["publisher"] if "publisher" not in publisher_keys else [])]:
        value = _optional_str(record.get(key))
        if value is None:
            continue
        if value.lower().startswith(("http://", "https://")):
            # Dumps such as Wikinews put the article's URL under "source": it is no publisher name.
            url = url or value
        elif publisher is None:
            publisher = value
    text, bad = _valid_text(text)
    title, bad_title = _valid_text(_optional_str(_lookup(record, config.keys_for("title"))))
    url, _ = _valid_text(url)
    publisher, _ = _valid_text(publisher)
    return RawArticle(
        source=source,
        text=text,
        title=title,
        published_at=date_from_value(_lookup(record, config.keys_for("published_at"))),
        url=url,
        publisher=publisher,
        format=fmt,
        encoding=encoding,
        replaced=replaced + bad + bad_title,
    )


def _loads(text: str, source: str) -> tuple[Any, Optional[QuarantineRecord]]:
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        detail = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        detail = str(exc) or type(exc).__name__
    return None, _quarantine(source, "InvalidJSON", Errors.E011.format(source=source, detail=detail))


def _iter_json(data: bytes, source: str, config: IngestConfig) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    text, encoding, replaced = decode_text(data, source)
    if not text.strip():
        yield _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))
        return
    value, error = _loads(text, source)
    if error is not None:
        yield error
        return
    if isinstance(value, dict):
        wrapped = next((value[k] for k in ("articles", "items", "data") if isinstance(value.get(k), list)), None)
        if wrapped is None:
            yield record_to_article(value, source, "json", encoding, config, replaced)
            return
        value = wrapped
    if not isinstance(value, list):
        yield _quarantine(source, "InvalidJSON", Errors.E011.format(
            source=source, detail=f"expected an object or a list of objects, got {type(value).__name__}"))
        return
    if not value:
        yield _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))
    for index, record in enumerate(value, start=1):
        yield record_to_article(record, f"{source}#{index}", "json", encoding, config, replaced)


def _iter_lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, Optional[bytes]]]:
    """Yield ``(line number, line)``; the line is None when longer than ``limit`` bytes."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):  # drain the overlong line, chunk by chunk
                line = stream.readline(limit + 1)
            yield number, None
            continue
        yield number, line


def _iter_jsonl(stream: BinaryIO, source: str, config: IngestConfig) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    any_line = False
    for number, line in _iter_lines(stream, config.max_file_bytes):
        line_source = f"{source}:{number}"
        if line is None:
            any_line = True
            yield _quarantine(line_source, "TooLarge", Errors.E019.format(
                source=line_source, size=f"more than {config.max_file_bytes}", cap=config.max_file_bytes))
            continue
        try:
            text, encoding, replaced = decode_text(line, line_source)
        except DecodeError as exc:
            any_line = True
            yield _quarantine(line_source, "DecodeError", str(exc))
            continue
        if not text.strip():
            continue
        any_line = True
        value, error = _loads(text, line_source)
        yield error if error is not None else record_to_article(value, line_source, "jsonl", encoding, config,
                                                                replaced)
    if not any_line:
        yield _quarantine(source, "EmptyArticle", Errors.E012.format(source=source))


def _read_capped(stream: BinaryIO, cap: int) -> bytes:
    """Read a stream to its end, raising ``_CapExceeded`` past ``cap`` bytes (reads ≤ cap+1)."""
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = stream.read(min(_MB, cap + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > cap:
            raise _CapExceeded(total)


_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def _iter_unit(data: bytes, source: str, fmt: str, config: IngestConfig,
               gunzip_cap: int) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    """Read one file or archive member already in memory, by its format.

    ``gunzip_cap`` bounds a ``.json.gz``/``.jsonl.gz`` unit once decompressed.
    """
    try:
        if fmt in ("json.gz", "jsonl.gz"):
            try:
                data = _read_capped(gzip.GzipFile(fileobj=io.BytesIO(data)), gunzip_cap)
            except _CapExceeded as exc:
                yield _quarantine(source, "TooLarge", Errors.E019.format(
                    source=source, size=f"{exc.size} or more", cap=gunzip_cap))
                return
            except _GZIP_ERRORS as exc:
                yield _quarantine(source, "CorruptArchive", Errors.E014.format(source=source, detail=repr(exc)))
                return
            fmt = fmt[: -len(".gz")]
        if fmt == "txt":
            yield _read_txt(data, source)
        elif fmt == "html":
            yield read_html(data, source)
        elif fmt == "json":
            yield from _iter_json(data, source, config)
        elif fmt == "jsonl":
            yield from _iter_jsonl(io.BytesIO(data), source, config)
        else:
            yield _unsupported(source)
    except DecodeError as exc:
        yield _quarantine(source, "DecodeError", str(exc))


# ---------------------------------------------------------------------------
# Archives
# ---------------------------------------------------------------------------

def _member_status(name: str) -> str:
    """Classify an archive member name: ``unsafe``, ``skip``, or its format."""
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "unsafe"
    if _is_hidden(parts):
        return "skip"
    return detect_format(parts[-1]) or "skip"


def _unsafe(member: str, archive: str) -> QuarantineRecord:
    return _quarantine(f"{archive}!{member}", "UnsafePath", Errors.E008.format(member=member, source=archive))


def _not_regular(member: str, archive: str, kind: str) -> QuarantineRecord:
    return _quarantine(f"{archive}!{member}", "UnsafePath",
                       Errors.E020.format(member=member, source=archive, kind=kind))


def _too_large(member: str, archive: str, size: Union[int, str], cap: int) -> QuarantineRecord:
    return _quarantine(f"{archive}!{member}", "TooLarge",
                       Errors.E006.format(member=member, source=archive, size=size, cap=cap))


def _archive_too_large(member: str, archive: str, size: int, cap: int) -> QuarantineRecord:
    return _quarantine(archive, "ArchiveTooLarge",
                       Errors.E007.format(source=archive, size=size, cap=cap, member=member))


def _corrupt(source: str, exc: BaseException) -> QuarantineRecord:
    return _quarantine(source, "CorruptArchive", Errors.E014.format(source=source, detail=repr(exc)))


def _nested(member: str, archive: str) -> QuarantineRecord:
    return _quarantine(f"{archive}!{member}", "NestedArchive", Errors.E018.format(member=member, source=archive))


def _zip_is_symlink(info: zipfile.ZipInfo) -> bool:
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


_ZIP_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, lzma.LZMAError)


def _iter_zip(path: Path, config: IngestConfig) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    archive = source_name(path)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        yield _corrupt(archive, exc)
        return
    with zf:
        total = 0
        for info in zf.infolist():
            name = info.filename
            if info.is_dir():
                continue
            status = _member_status(name)
            if status == "unsafe":
                yield _unsafe(name, archive)
                continue
            if _zip_is_symlink(info):
                yield _not_regular(name, archive, "symbolic link")
                continue
            if status == "skip":
                continue
            if status in _ARCHIVE_FORMATS:
                yield _nested(name, archive)
                continue
            if info.file_size > config.max_member_bytes:
                yield _too_large(name, archive, info.file_size, config.max_member_bytes)
                continue
            if total + info.file_size > config.max_archive_bytes:
                yield _archive_too_large(name, archive, total + info.file_size, config.max_archive_bytes)
                return
            try:
                with zf.open(info) as member:
                    data = _read_capped(member, config.max_member_bytes)
            except _CapExceeded as exc:
                yield _too_large(name, archive, f"{exc.size} or more", config.max_member_bytes)
                continue
            except _ZIP_MEMBER_ERRORS as exc:
                # Zip members are independent, so one bad CRC does not doom the rest.
                yield _corrupt(f"{archive}!{name}", exc)
                continue
            total += len(data)
            yield from _iter_unit(data, f"{archive}!{name}", status, config, config.max_member_bytes)


def _tar_kind(member: tarfile.TarInfo) -> str:
    if member.issym():
        return "symbolic link"
    if member.islnk():
        return "hard link"
    if member.ischr() or member.isblk():
        return "device"
    if member.isfifo():
        return "FIFO"
    return "special entry"


_TAR_ERRORS = (tarfile.TarError, OSError, EOFError, zlib.error, lzma.LZMAError)


def _iter_tar(path: Path, config: IngestConfig) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    archive = source_name(path)
    try:
        # Streaming mode: one forward pass, no seeking and no member index in memory.
        tf = tarfile.open(path, mode="r|*")
    except _TAR_ERRORS as exc:
        yield _corrupt(archive, exc)
        return
    with tf:
        total = 0
        members = iter(tf)
        while True:
            try:
                member = next(members)
            except StopIteration:
                return
            except _TAR_ERRORS as exc:
                yield _corrupt(archive, exc)
                return
            name = source_name(member.name)  # tar names are bytes: keep undecodable ones readable
            if member.isdir():
                continue
            status = _member_status(name)
            if status == "unsafe":
                yield _unsafe(name, archive)
                continue
            if not member.isfile():
                yield _not_regular(name, archive, _tar_kind(member))
                continue
            total += member.size
            if total > config.max_archive_bytes:
                yield _archive_too_large(name, archive, total, config.max_archive_bytes)
                return
            if status == "skip":
                continue
            if status in _ARCHIVE_FORMATS:
                yield _nested(name, archive)
                continue
            if member.size > config.max_member_bytes:
                yield _too_large(name, archive, member.size, config.max_member_bytes)
                continue
            try:
                data = _read_capped(tf.extractfile(member), config.max_member_bytes)
            except _CapExceeded as exc:
                yield _too_large(name, archive, f"{exc.size} or more", config.max_member_bytes)
                continue
            except _TAR_ERRORS as exc:
                # A tar stream cannot resynchronise after bad data, so stop here.
                yield _corrupt(f"{archive}!{name}", exc)
                return
            yield from _iter_unit(data, f"{archive}!{name}", status, config, config.max_member_bytes)


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------

class InputMeter:
    """How many bytes of the input files :func:`iter_articles` has consumed, of how many.

    ``total`` is the size on disk of every file the inputs expand to (measured
    once, up front, by :meth:`measure`); ``position`` the bytes consumed: the
    files finished plus the read position in the current one (a JSONL file,
    compressed or not, advances line by line; other files and archives count
    once they are read). Compressed inputs count their compressed size, so the
    ratio is an estimate of the work left, not an exact one.

    Example:
        >>> meter = InputMeter.measure(["없는/기사.txt"])
        >>> meter.total, meter.position
        (0, 0)
    """

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self._done = 0
        self._current: Optional[Callable[[], int]] = None

    @classmethod
    def measure(cls, inputs: Sequence[Union[str, Path]]) -> "InputMeter":
        """A meter whose total is the size of the files ``inputs`` expand to."""
        total = 0
        for item in expand_inputs(inputs):
            if isinstance(item, Path):
                with contextlib.suppress(OSError):
                    total += item.stat().st_size
        return cls(total)

    @property
    def position(self) -> int:
        """Bytes consumed so far (never more than ``total`` when the files did not grow)."""
        current = 0
        if self._current is not None:
            with contextlib.suppress(OSError, ValueError):
                current = self._current()
        return self._done + current

    def follow(self, tell: Callable[[], int]) -> None:
        """Count the file being read up to ``tell()``, its read position (a JSONL stream)."""
        self._current = tell

    @contextlib.contextmanager
    def reading(self, path: Path) -> Iterator[None]:
        """Count ``path`` as being read, then, whatever became of it, as done."""
        self._current = None
        try:
            yield
        finally:
            self._current = None
            with contextlib.suppress(OSError):
                self._done += path.stat().st_size


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------

class _CappedLines:
    """A readline-only view of a stream that raises ``_CapExceeded`` past ``cap`` bytes."""

    def __init__(self, stream: BinaryIO, cap: int) -> None:
        self._stream = stream
        self._cap = cap
        self.read_bytes = 0
        self.lines_read = 0

    def readline(self, size: int = -1) -> bytes:
        line = self._stream.readline(size)
        self.read_bytes += len(line)
        self.lines_read += 1
        if self.read_bytes > self._cap:
            raise _CapExceeded(self.read_bytes)
        return line


def _iter_jsonl_file(path: Path, fmt: str, config: IngestConfig,
                     meter: InputMeter) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    source = source_name(path)
    try:
        handle = open(path, "rb")
    except OSError as exc:
        yield _quarantine(source, "Unreadable", Errors.E014.format(source=source, detail=repr(exc)))
        return
    with handle:
        meter.follow(handle.tell)
        stream: Union[BinaryIO, _CappedLines] = handle
        if fmt == "jsonl.gz":
            stream = _CappedLines(gzip.GzipFile(fileobj=handle), config.max_archive_bytes)
        try:
            yield from _iter_jsonl(stream, source, config)
        except _CapExceeded as exc:
            yield _archive_too_large(f"line {stream.lines_read - 1}", source, exc.size, config.max_archive_bytes)
        except _GZIP_ERRORS as exc:
            # Lines before the damage were already yielded; the record says where it stopped.
            yield (_corrupt(source, exc) if fmt == "jsonl.gz" else
                   _quarantine(source, "Unreadable", Errors.E014.format(source=source, detail=repr(exc))))


def _read_file(path: Path, config: IngestConfig, meter: InputMeter) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    source = source_name(path)
    fmt = detect_format(path.name)
    if fmt in ("jsonl", "jsonl.gz"):
        yield from _iter_jsonl_file(path, fmt, config, meter)
        return
    if fmt == "zip":
        yield from _iter_zip(path, config)
        return
    if fmt == "tar":
        yield from _iter_tar(path, config)
        return
    try:
        size = path.stat().st_size
        if size > config.max_file_bytes:
            yield _quarantine(source, "TooLarge", Errors.E019.format(
                source=source, size=size, cap=config.max_file_bytes))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield _quarantine(source, "Unreadable", Errors.E014.format(source=source, detail=repr(exc)))
        return
    yield from _iter_unit(data, source, fmt or "", config, config.max_file_bytes)


def iter_articles(inputs: Sequence[Union[str, Path]], config: IngestConfig = IngestConfig(),
                  meter: Optional[InputMeter] = None) -> Iterator[Union[RawArticle, QuarantineRecord]]:
    """Stream the articles of files, folders, globs and archives, with quarantine records.

    Dispatches on the (case-insensitive) ending: ``.txt``, ``.html``/``.htm``,
    ``.json``, ``.json.gz``, ``.jsonl``, ``.jsonl.gz``, ``.zip``, ``.tar``,
    ``.tar.gz``/``.tgz`` (also ``.tar.bz2``, ``.tar.xz``). Archive members are
    dispatched the same way by their own names. Lazy: nothing is read until the
    iterator is advanced, and at most one unit (file, member, line) is in memory.

    Args:
        inputs: Paths, folders or glob patterns (see :func:`expand_inputs`).
        config: Field mapping and size caps.
        meter: counts the bytes consumed, for progress (see :class:`InputMeter`).

    Returns:
        An iterator of ``RawArticle`` and ``QuarantineRecord`` in input order.
        ``error_type`` is one of NotFound, UnsupportedFormat, Unreadable,
        DecodeError, EmptyArticle, InvalidJSON, MissingText, ParseError,
        TooLarge, ArchiveTooLarge, CorruptArchive, UnsafePath, NestedArchive.

    Example:
        >>> [a.text for a in iter_articles(["기사.txt"])]  # doctest: +SKIP
        ['네이버가 AI 스타트업에 100억원을 투자했다.']
    """
    meter = meter if meter is not None else InputMeter()
    for item in expand_inputs(inputs):
        if isinstance(item, QuarantineRecord):
            yield item
        else:
            with meter.reading(item):
                yield from _read_file(item, config, meter)
