"""Remove press boilerplate from Korean articles, keeping every article sentence intact.

Scraped Korean news text carries more than the article: navigation crumbs
(``본문 바로가기``, ``댓글``), bylines (``[김철수 기자 abc@mk.co.kr]``, ``(서울=연합뉴스)
김철수 기자 =``), copyright lines (``<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>``),
company footers (address, Tel, 등록번호), ``관련기사`` lists and photo credits
(``[사진 제공 = 네이버]``). :func:`clean_text` removes them and returns a
:class:`CleanArticle` whose ``body`` is what every later offset indexes.

The rules are data, not code: ``corpora/patterns/boilerplate.jsonl`` holds one
regular expression per line with its ``kind`` (what it removes, see :data:`KINDS`),
its ``scope`` (how it is applied, see :data:`SCOPES`) and optionally ``where`` it
applies (:data:`ZONES`). ``corpora/gazetteer/publishers.jsonl`` maps outlet names,
aliases, company names, English names and site/e-mail domains to one publisher
name. Both are validated on load; a bad line raises :class:`DataFileError`
naming ``path:line`` and the expected format.

What is removed is always a whole line, or the boilerplate part of a line: a
dateline prefix (the sentence after it stays), a copyright notice glued to the
end of the last sentence, a photo credit inside a caption. Characters of the
kept text are never rewritten beyond one normal form (:func:`normalize_text`):
Unicode NFC, one kind of newline and of space, no zero-width characters,
fullwidth ASCII folded to ASCII; trailing spaces of lines are stripped and at
most one blank line is left between paragraphs. The stored ``body`` is that
normal form, so every offset points into what was analysed.

Example:
    >>> art = clean_text("삼성전자가 새 칩을 공개했다고 10일 밝혔다.\\n"
    ...                  "<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>")
    >>> art.body, art.publisher
    ('삼성전자가 새 칩을 공개했다고 10일 밝혔다.', '서울경제')
"""
from __future__ import annotations

import dataclasses
from datetime import datetime

import functools
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional, Sequence

from . import corpora_dir
from .datafiles import bad_line, read_jsonl
from .dates import parse_published_at
from .schema import RawArticle

#: What a removed piece was. ``headline`` is the title taken out of a ``txt`` body.
KINDS = ("copyright", "footer", "byline", "related", "photo_credit", "navigation", "caption_credit", "headline")

#: How a boilerplate pattern is applied to a line (``line`` is the line without
#: surrounding spaces for ``line``/``token``/``section``/``item``, as is otherwise).
SCOPES = {
    "line": "the whole line matches: the line is dropped",
    "contains": "the line contains a match: the line is dropped",
    "token": "navigation token: a line made only of tokens (and | · / , separators) is dropped",
    "prefix": "a match at the start of the line is cut; the rest of the line stays",
    "tail": "a match that runs to the end of the line is cut; the text before it stays",
    "inline": "every match is cut out of the line",
    "section": "a heading: the line and the list of headlines under it are dropped",
    "item": "marks a list item under a section heading (the start of the line)",
}

#: Where a pattern applies: anywhere, only above the article's first sentence, or
#: only below its last one (footers: an address or phone number inside the story stays).
ZONES = ("any", "top", "bottom")

_BOILERPLATE_FORMAT = (
    '{"kind": one of ' + "|".join(KINDS) + ', "scope": one of ' + "|".join(SCOPES)
    + ', "pattern": "<regex>", "where": "any"|"top"|"bottom" (optional), "id": "<name>" (optional)}'
)
_PUBLISHER_FORMAT = (
    '{"name": "메트로신문", "aliases": ["(주)메트로미디어", ...], "domains": ["metroseoul.co.kr", ...], '
    '"english": ["Metro", ...]} (aliases/domains/english optional lists of non-empty strings)'
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DOMAIN = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DOMAIN_SHAPE = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
# A line that carries an article sentence: long enough and with a sentence-final mark.
# Digits are left out on purpose: "Tel : 02. 721. 9800" is not a sentence.
_PROSE = re.compile(r"[가-힣%)\]」』’”'\"][.!?。](?:[\"'”’」』)\]]*)(?:\s|$)")
_PROSE_MIN_CHARS = 15
_HEADLINE_MAX_CHARS = 80
# Headlines end in 다 (짓는다, 뽑혔다) without a period; a period marks a sentence.
_SENTENCE_PERIOD = re.compile(r"[.。]['\"’”」』)]*$")
_PREDICATE_END = re.compile(r"(?:다|요|죠)['\"’”」』)]*$")
# Lines whose removal says the most about the publisher (see detect_publisher).
_STRONG_CUE = re.compile(r"저작권|무단|재배포|[Aa]ll\s+[Rr]ights|Copyright|COPYRIGHT|제\s*호\s*[:：]")
_WEAK_CUE = re.compile(
    r"[ⓒ©]|\([cC]\)|webmaster|문의\s*메일|(?i:\btel\b|\bfax\b|\bwww\.)|등록\s*번호|발행인|편집인|주식회사|\(주\)|㈜"
    r"|주소\s*[:：]|전화|팩스"
)
_FULL_NOTICE = re.compile(r"무단|금지|금합니다|[Rr]eserved|저작권")
_OUTLET_TAG = re.compile(r"\s*[\[【]\s*([^\]】\n]{1,20}?)\s*[\]】]\s*")
_LEAD_BRACKET = re.compile(r"\s*[\[(（【<]([^\])）】>\n]{1,40})[\])）】>]")


# ---------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Removed:
    """One removed piece of boilerplate, kept for audit and debugging.

    Args:
        kind: one of :data:`KINDS`, e.g. ``"copyright"``.
        text: the removed text without surrounding spaces,
            e.g. ``"<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>"``.
    """

    kind: str
    text: str


@dataclass(frozen=True)
class CleanArticle:
    """An article after boilerplate removal.

    Args:
        body: the cleaned text; every later character offset indexes this string.
        title: the given title, or the headline taken from the body, or None.
        publisher: canonical outlet name from ``publishers.jsonl`` (e.g. ``"매일경제"``).
        byline: reporter names and role without e-mail, e.g. ``"김철수/이영희 기자"``.
        reporter_emails: e-mails found in bylines, in text order, without duplicates.
        removed: the removed pieces in text order.
        published_at: the date of the article's own dateline ("입력 2023.03.15 10:12",
            "2023/12/12 09:30 송고", "[서울=뉴스] 2023-03-15"; see :func:`find_dateline`),
            never an outlet's registration date or a copyright year; or None.
    """

    body: str
    title: Optional[str]
    publisher: Optional[str]
    byline: Optional[str]
    reporter_emails: tuple[str, ...]
    removed: tuple[Removed, ...]
    published_at: Optional[datetime] = None
    #: why the text was kept although the rules would have cut more of it, or None
    note: Optional[str] = None


@dataclass(frozen=True)
class BoilerplatePattern:
    """One line of ``boilerplate.jsonl``, compiled."""

    kind: str
    scope: str
    regex: re.Pattern
    where: str = "any"
    id: str = ""


@dataclass(frozen=True)
class Publisher:
    """One line of ``publishers.jsonl``: a canonical name and what points to it."""

    name: str
    aliases: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    english: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Hit:
    """A removed piece with its position (line index, column) for ordering."""

    line: int
    col: int
    kind: str
    text: str
    groups: tuple[tuple[str, str], ...] = field(default=())


# ---------------------------------------------------------------------------
# Data files


def _check_keys(obj: dict, required: set[str], optional: set[str], path: str, number: int, expected: str) -> None:
    missing = sorted(required - obj.keys())
    if missing:
        raise bad_line(path, number, f"missing key(s) {', '.join(missing)}", expected)
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        raise bad_line(path, number, f"unknown key(s) {', '.join(unknown)}", expected)


def _parse_pattern(obj: dict, path: str, number: int) -> BoilerplatePattern:
    """Validate and compile one ``boilerplate.jsonl`` object."""
    expected = _BOILERPLATE_FORMAT
    _check_keys(obj, {"kind", "scope", "pattern"}, {"where", "id"}, path, number, expected)
    kind, scope, where = obj["kind"], obj["scope"], obj.get("where", "any")
    if kind not in KINDS:
        raise bad_line(path, number, f"unknown kind {kind!r}; valid kinds: {', '.join(KINDS)}", expected)
    if scope not in SCOPES:
        raise bad_line(path, number, f"unknown scope {scope!r}; valid scopes: {', '.join(SCOPES)}", expected)
    if where not in ZONES:
        raise bad_line(path, number, f"unknown where {where!r}; valid values: {', '.join(ZONES)}", expected)
    pattern = obj["pattern"]
    if not isinstance(pattern, str) or not pattern:
        raise bad_line(path, number, "pattern must be a non-empty string", expected)
    try:
        regex = re.compile(pattern)
    except re.error as e:
        raise bad_line(path, number, f"invalid regex ({e})", expected) from e
    if regex.match("") is not None and scope not in ("line", "token"):
        # An empty match would "remove" nothing forever and hide real matches.
        raise bad_line(path, number, "pattern matches the empty string", expected)
    return BoilerplatePattern(kind=kind, scope=scope, regex=regex, where=where, id=str(obj.get("id", "")))


def load_boilerplate(path: str | Path | None = None) -> tuple[BoilerplatePattern, ...]:
    """Load and validate the boilerplate patterns (cached per path).

    Args:
        path: a JSONL file; defaults to ``corpora/patterns/boilerplate.jsonl``.
            One object per line, e.g.
            ``{"kind": "copyright", "scope": "tail", "pattern": "[ⓒ©][^\\\\n]*$"}``.

    Returns:
        The compiled patterns in file order (order breaks ties between rules).

    Raises:
        DataFileError: a line is not valid JSON, misses a key, names an unknown
            kind/scope/where or has an invalid regex; the message names ``path:line``.
    """
    return _load_boilerplate(str(path if path is not None else corpora_dir() / "patterns" / "boilerplate.jsonl"))


@functools.lru_cache(maxsize=8)
def _load_boilerplate(path: str) -> tuple[BoilerplatePattern, ...]:
    return tuple(_parse_pattern(obj, path, number) for number, obj in read_jsonl(path, _BOILERPLATE_FORMAT))


def _string_list(obj: dict, key: str, path: str, number: int) -> tuple[str, ...]:
    value = obj.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise bad_line(path, number, f"{key!r} must be a list of non-empty strings", _PUBLISHER_FORMAT)
    return tuple(v.strip() for v in value)


def _parse_publisher(obj: dict, path: str, number: int) -> Publisher:
    """Validate one ``publishers.jsonl`` object."""
    _check_keys(obj, {"name"}, {"aliases", "domains", "english"}, path, number, _PUBLISHER_FORMAT)
    name = obj["name"]
    if not isinstance(name, str) or not name.strip():
        raise bad_line(path, number, "'name' must be a non-empty string", _PUBLISHER_FORMAT)
    domains = tuple(d.lower() for d in _string_list(obj, "domains", path, number))
    for d in domains:
        if not _DOMAIN_SHAPE.fullmatch(d):
            raise bad_line(path, number, f"domain {d!r} is not a bare host name like 'mk.co.kr'", _PUBLISHER_FORMAT)
    return Publisher(
        name=name.strip(),
        aliases=_string_list(obj, "aliases", path, number),
        domains=domains,
        english=_string_list(obj, "english", path, number),
    )


def load_publishers(path: str | Path | None = None) -> tuple[Publisher, ...]:
    """Load and validate the publisher table (cached per path).

    Args:
        path: a JSONL file; defaults to ``corpora/gazetteer/publishers.jsonl``. One
            object per line, e.g. ``{"name": "매일경제", "aliases": ["매경"],
            "domains": ["mk.co.kr", "mkinternet.com"], "english": ["Maeil Business"]}``.

    Returns:
        The publishers in file order.

    Raises:
        DataFileError: a malformed line, or a name/alias/domain claimed by two
            publishers (lookups would be ambiguous); the message names ``path:line``.
    """
    return _load_publishers(str(path if path is not None else corpora_dir() / "gazetteer" / "publishers.jsonl"))


@functools.lru_cache(maxsize=8)
def _load_publishers(path: str) -> tuple[Publisher, ...]:
    owners: dict[str, str] = {}
    out = []
    for number, obj in read_jsonl(path, _PUBLISHER_FORMAT):
        pub = _parse_publisher(obj, path, number)
        for key in (pub.name, *pub.aliases, *pub.english, *pub.domains):
            owner = owners.setdefault(key.casefold(), pub.name)
            if owner != pub.name:
                raise bad_line(path, number, f"{key!r} already belongs to {owner!r}", _PUBLISHER_FORMAT)
        out.append(pub)
    return tuple(out)


@dataclass(frozen=True)
class _PublisherIndex:
    surfaces: dict[str, str]  # casefolded name/alias/english -> canonical name
    surface_re: Optional[re.Pattern]
    domains: tuple[tuple[str, str], ...]  # (domain, name), longest domain first


@functools.lru_cache(maxsize=8)
def _publisher_index(path: Optional[str] = None) -> _PublisherIndex:
    pubs = load_publishers(path)
    surfaces = {s.casefold(): p.name for p in pubs for s in (p.name, *p.aliases, *p.english)}
    # Longest first, so 연합뉴스TV wins over 연합뉴스 and 코리아헤럴드 over 헤럴드.
    alts = sorted(surfaces, key=len, reverse=True)
    surface_re = None
    if alts:
        body = "|".join(re.escape(a) for a in alts)
        # ASCII neighbours block English matches inside words (Metro in metroseoul).
        surface_re = re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)
    domains = tuple(sorted(((d, p.name) for p in pubs for d in p.domains), key=lambda x: len(x[0]), reverse=True))
    return _PublisherIndex(surfaces=surfaces, surface_re=surface_re, domains=domains)


# ---------------------------------------------------------------------------
# Publisher detection


def _domain_publisher(host: str, index: _PublisherIndex) -> Optional[str]:
    """Map a host (``news.mk.co.kr``) to a publisher by its longest known domain suffix."""
    host = host.lower().rstrip(".")
    for domain, name in index.domains:
        if host == domain or host.endswith("." + domain):
            return name
    return None


def _line_publisher(line: str, index: _PublisherIndex) -> Optional[str]:
    """Return the publisher named earliest in a line, by name/alias/English name or domain.

    >>> _line_publisher("Copyright ⓒ 메트로신문 & metroseoul.co.kr", _publisher_index())
    '메트로신문'
    """
    hits: list[tuple[int, str]] = []
    if index.surface_re is not None:
        m = index.surface_re.search(line)
        if m:
            hits.append((m.start(), index.surfaces[m.group().casefold()]))
    for m in _DOMAIN.finditer(line):
        name = _domain_publisher(m.group(), index)
        if name:
            hits.append((m.start(), name))
            break
    return min(hits)[1] if hits else None


def detect_publisher(text: str, emails: Sequence[str] = ()) -> Optional[str]:
    """Find the outlet that published a text from its boilerplate.

    Evidence, strongest first: copyright and masthead lines (``<저작권자 ⓒ 서울경제``,
    ``Copyright ⓒ 메트로신문``, ``제호 : 메트로신문``); a dateline or bracketed byline
    (``(서울=연합뉴스)``, ``[헤럴드경제=김철수 기자]``); reporter e-mail domains
    (``@mk.co.kr`` → 매일경제, ``@techm.kr`` → 테크M); other footer lines (ⓒ credits,
    ``(주)메트로미디어``, ``webmaster@…``); a line that is only an outlet name.
    Article sentences are not searched: a story *about* an outlet does not make
    it the publisher.

    Args:
        text: raw article text, or the removed boilerplate joined by newlines.
        emails: reporter e-mails found elsewhere (checked before the text's own).

    Returns:
        The canonical publisher name from ``publishers.jsonl``, or None.

    Example:
        >>> detect_publisher("본문.\\n[ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지]")
        '매일경제'
        >>> detect_publisher("", emails=["reporter@techm.kr"])
        '테크M'
    """
    index = _publisher_index()
    lines = [ln.strip() for ln in unicodedata.normalize("NFC", text).splitlines() if ln.strip()]
    for line in lines:
        if _STRONG_CUE.search(line):
            name = _line_publisher(line, index)
            if name:
                return name
    for line in lines:
        m = _LEAD_BRACKET.match(line)
        if m and ("=" in m.group(1) or "기자" in m.group(1) or m.group(1).strip().casefold() in index.surfaces):
            name = _line_publisher(m.group(1), index)
            if name:
                return name
    for email in (*emails, *(m.group() for line in lines for m in _EMAIL.finditer(line))):
        name = _domain_publisher(email.rsplit("@", 1)[-1], index)
        if name:
            return name
    for line in lines:
        if _WEAK_CUE.search(line):
            name = _line_publisher(line, index)
            if name:
                return name
    for line in lines:
        if line.casefold() in index.surfaces:
            return index.surfaces[line.casefold()]
    return None


# ---------------------------------------------------------------------------
# Line rules


def _rules(scope: str, where: str = "any") -> tuple[BoilerplatePattern, ...]:
    """The default patterns of one scope and zone, in file order."""
    # os.path.join, not pathlib: this runs for every line of every article
    return _rules_in(os.path.join(corpora_dir(), "patterns", "boilerplate.jsonl"), scope, where)


@functools.lru_cache(maxsize=64)
def _rules_in(path: str, scope: str, where: str) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in load_boilerplate(path) if p.scope == scope and p.where == where)


def _groups(m: re.Match) -> tuple[tuple[str, str], ...]:
    return tuple((k, v) for k, v in m.groupdict().items() if v)


def _is_token_line(s: str, tokens: Sequence[BoilerplatePattern]) -> bool:
    """True when a line is made only of navigation tokens and separators.

    The longest token wins at each position, so ``댓글 첫 댓글을 작성해보세요``
    reads as two tokens rather than failing on ``첫``.

    >>> _is_token_line("댓글 첫 댓글을 작성해보세요", _rules("token"))
    True
    >>> _is_token_line("댓글 수가 늘었다.", _rules("token"))
    False
    """
    pos, n, seen = 0, len(s), False
    while pos < n:
        if s[pos] in " \t|ㅣ·/,":
            pos += 1
            continue
        best = max((m.end() for t in tokens if (m := t.regex.match(s, pos)) and m.end() > pos), default=pos)
        if best == pos:
            return False
        pos, seen = best, True
    return seen


def _cut_prefix(s: str, rules: Sequence[BoilerplatePattern]) -> tuple[str, list[tuple[int, BoilerplatePattern, re.Match]]]:
    """Cut datelines/bylines at the start of a line: ``(서울=연합뉴스) 김철수 기자 = 본문``."""
    cuts = []
    offset = 0
    changed = True
    while changed and s:
        changed = False
        for rule in rules:
            m = rule.regex.match(s)
            if m and m.group().strip():
                cuts.append((offset + m.start(), rule, m))
                offset += m.end()
                s = s[m.end():]
                changed = True
                break
    return s, cuts


#: Longest piece a tail rule may cut from a line: a notice, credit or byline is short.
#: A ⓒ in a photo caption of a text stored as one line must not take the story after it.
MAX_TAIL_CUT = 300
_PROSE_SENTENCE = re.compile(r"[가-힣]{2,}(?:다|요)[\"'”’」』)\]]*[.!?。]")


def _footer_like(cut: str) -> bool:
    """True when a tail cut holds only boilerplate: short, and no sentence of prose
    (a notice's own "…재배포를 금합니다." is not prose)."""
    if len(cut) > MAX_TAIL_CUT:
        return False
    return all(_FULL_NOTICE.search(cut, max(0, m.start() - 40), m.end()) for m in _PROSE_SENTENCE.finditer(cut))


def _cut_tail(s: str, rules: Sequence[BoilerplatePattern]) -> tuple[str, list[tuple[int, BoilerplatePattern, re.Match]]]:
    """Cut boilerplate that runs to the end of a line (``…말했다.<저작권자 ⓒ …>``).

    Of the rules that match up to the end, the one starting earliest is cut (the
    most boilerplate), ties going to the earlier rule in the file; repeated until
    none matches, so a glued byline before a glued copyright goes too. A match
    that is not footer-like (:func:`_footer_like`: long, or with prose in it) is
    never cut: what follows a mark such as ⓒ must be a footer for the line to end there.
    """
    cuts = []
    while s.strip():
        best = None
        # a cut is at most MAX_TAIL_CUT long, so only the line's end is searched (a
        # 20-million-character line costs no more than a short one)
        start = max(0, len(s) - MAX_TAIL_CUT)
        for rule in rules:
            m = rule.regex.search(s, start)
            while m is not None and not (m.end() == len(s) and _footer_like(m.group())):
                m = rule.regex.search(s, m.start() + 1)
            if m and m.group().strip() and (best is None or m.start() < best[1].start()):
                best = (rule, m)
        if best is None:
            break
        rule, m = best
        cuts.append((m.start(), rule, m))
        s = s[: m.start()].rstrip()
    return s, cuts


def _cut_inline(s: str, rules: Sequence[BoilerplatePattern]) -> tuple[str, list[tuple[int, BoilerplatePattern, re.Match]]]:
    """Cut bracketed photo credits such as ``[사진 제공 = 네이버]`` out of a line."""
    cuts = []
    for rule in rules:
        pieces, pos = [], 0
        for m in rule.regex.finditer(s):
            if not m.group().strip():
                continue
            cuts.append((m.start(), rule, m))
            pieces.append(s[pos: m.start()])
            pos = m.end()
        if pieces:
            pieces.append(s[pos:])
            joined = "".join(pieces)
            # A credit at the start of a caption leaves the space that followed it.
            s = joined.lstrip() if not pieces[0] else joined
    return s, cuts


def _is_notice_stub(left: str, cut: str) -> bool:
    """True when what a tail cut left is part of the notice, not article text.

    ``※ ⓒ SBS …`` leaves ``※``; ``GoodNews paper ⓒ 국민일보 … 무단전재 금지`` leaves a
    slogan. A short remainder without a sentence end goes with a full notice
    (무단/금지/reserved); after a bare credit (``본사 전경 ⓒ뉴스1``) the caption stays.
    """
    left = left.strip()
    if not left:
        return False  # nothing left: the line is dropped anyway
    if not re.search(r"\w", left):
        return True
    return bool(_FULL_NOTICE.search(cut)) and len(left) <= 20 and not _PROSE.search(left)


def _edit_line(number: int, s: str) -> tuple[Optional[str], list[_Hit]]:
    """Apply the zone-independent rules to one line.

    Returns:
        The kept text (None when the whole line was boilerplate) and the hits.
    """
    stripped = s.strip()
    if not stripped:
        return s, []
    if _is_token_line(stripped, _rules("token")):
        return None, [_Hit(number, 0, "navigation", stripped)]
    for rule in _rules("line"):
        m = rule.regex.fullmatch(stripped)
        if m:
            return None, [_Hit(number, 0, rule.kind, stripped, _groups(m))]
    for rule in _rules("contains"):
        if rule.regex.search(s):
            return None, [_Hit(number, 0, rule.kind, stripped)]
    hits: list[_Hit] = []
    m = _OUTLET_TAG.match(s)
    if m and m.group(1).strip().casefold() in _publisher_index().surfaces:
        # "[파이낸셜뉴스] 본문…": an outlet tag opening the lead, like a dateline.
        hits.append(_Hit(number, 0, "byline", m.group().strip()))
        s = s[m.end():]
    s, cuts = _cut_prefix(s, _rules("prefix"))
    hits += [_Hit(number, col, r.kind, m.group().strip(), _groups(m)) for col, r, m in cuts]
    s, cuts = _cut_tail(s, _rules("tail"))
    hits += [_Hit(number, col + 10_000, r.kind, m.group().strip(), _groups(m)) for col, r, m in cuts]
    if cuts and _is_notice_stub(s, cuts[-1][2].group()):
        hits.append(_Hit(number, 0, cuts[-1][1].kind, s.strip()))
        s = ""
    s, cuts = _cut_inline(s, _rules("inline"))
    hits += [_Hit(number, col + 5_000, r.kind, m.group().strip(), _groups(m)) for col, r, m in cuts]
    s = s.rstrip()
    return (s if s.strip() else None), hits


# ---------------------------------------------------------------------------
# Block rules


def _is_headline_like(s: str) -> bool:
    """A short line without a sentence-final period (a headline or a list title)."""
    return len(s) <= _HEADLINE_MAX_CHARS and not _SENTENCE_PERIOD.search(s)


def _drop_sections(lines: list[Optional[str]]) -> tuple[list[Optional[str]], list[_Hit]]:
    """Drop ``관련기사``-style headings and the headline list under each.

    The list runs over items (``-``, ``·``, ``▶`` … or short headline-like lines)
    up to the next blank line; a blank line followed by another marked item
    continues it. A sentence ends it: the article's own text is never a list item.
    """
    headings, items = _rules("section"), _rules("item")
    out, hits = list(lines), []
    n, i = len(out), 0

    def is_item(s: str) -> bool:
        return any(r.regex.match(s) for r in items)

    while i < n:
        s = (out[i] or "").strip()
        if not s or not any(r.regex.fullmatch(s) for r in headings):
            i += 1
            continue
        hits.append(_Hit(i, 0, "related", s))
        out[i] = None
        j = i + 1
        while j < n and out[j] is not None and not out[j].strip():
            j += 1
        while j < n:
            t = (out[j] or "").strip()
            if out[j] is None:
                j += 1
                continue
            if not t:
                k = j
                while k < n and not (out[k] or "").strip():
                    k += 1
                if k < n and is_item(out[k].strip()):
                    j = k
                    continue
                break
            if not (is_item(t) or _is_headline_like(t)):
                break
            hits.append(_Hit(j, 0, "related", t))
            out[j] = None
            j += 1
        i = j
    return out, hits


def _is_prose(s: Optional[str]) -> bool:
    return bool(s) and len(s.strip()) >= _PROSE_MIN_CHARS and bool(_PROSE.search(s))


def _zones(lines: Sequence[Optional[str]]) -> tuple[range, range]:
    """Return the line ranges above the first and below the last article sentence.

    With no sentence at all both are empty: zoned rules (footer, date crumbs)
    are too weak to apply without knowing where the article is.
    """
    prose = [i for i, s in enumerate(lines) if _is_prose(s)]
    if not prose:
        return range(0), range(0)
    return range(0, prose[0]), range(prose[-1] + 1, len(lines))


def _drop_zoned(lines: list[Optional[str]], zone: range, where: str) -> tuple[list[Optional[str]], list[_Hit]]:
    """Apply ``where: top|bottom`` rules, outlet-name lines and the footer block to a zone.

    Below the article, everything after the first footer line is footer too (the
    company block: a name line, address, phone, registration, officers).
    """
    index = _publisher_index()
    line_rules, contains_rules = _rules("line", where), _rules("contains", where)
    out, hits = list(lines), []
    in_footer = False
    for i in zone:
        s = (out[i] or "").strip()
        if not s:
            continue
        kind = None
        if any(r.regex.fullmatch(s) for r in line_rules):
            kind = next(r.kind for r in line_rules if r.regex.fullmatch(s))
        elif any(r.regex.search(s) for r in contains_rules):
            kind = next(r.kind for r in contains_rules if r.regex.search(s))
        elif s.casefold() in index.surfaces:
            kind = "navigation"  # a lone outlet-name crumb such as "매일경제"
        elif in_footer:
            kind = "footer"
        if kind == "footer" and not in_footer:
            hits += _footer_lead(out, i, zone)
        if kind:
            in_footer = in_footer or kind == "footer"
            hits.append(_Hit(i, 0, kind, s))
            out[i] = None
    return out, hits


def _footer_lead(lines: list[Optional[str]], first: int, zone: range) -> list[_Hit]:
    """Drop the lines of the footer's paragraph above its first cue (the company-name line).

    Mutates ``lines``; returns the hits.
    """
    hits = []
    i = first - 1
    while i >= zone.start and (lines[i] is None or lines[i].strip()):
        if lines[i] is not None:
            hits.append(_Hit(i, 0, "footer", lines[i].strip()))
            lines[i] = None
        i -= 1
    return hits


def _take_headline(
    lines: list[Optional[str]], title: Optional[str], detect: bool
) -> tuple[list[Optional[str]], Optional[str], list[_Hit]]:
    """Take the headline off the top of the body.

    A given title is removed when the first line repeats it. Otherwise, with
    ``detect``, the first line is the headline when it is short (≤ 80 chars), has
    no sentence-final period, and more text follows; a line ending in 다/요 counts
    only when a blank line follows it (``…짓는다`` headline vs. a lead sentence).
    Sub-headlines under it stay in the body.
    """
    out = list(lines)
    present = [i for i, s in enumerate(out) if s is not None and s.strip()]
    if not present:
        return out, title, []
    i = present[0]
    first = out[i].strip()
    if title is not None:
        if " ".join(first.split()) == " ".join(title.split()):
            out[i] = None
            return out, title, [_Hit(i, 0, "headline", first)]
        return out, title, []
    if not detect or len(present) < 2 or not _is_headline_like(first):
        return out, None, []
    following = next((s for s in out[i + 1:] if s is not None), "")
    if _PREDICATE_END.search(first) and following.strip():
        return out, None, []
    out[i] = None
    return out, first, [_Hit(i, 0, "headline", first)]


def _assemble(lines: Sequence[Optional[str]]) -> str:
    """Join kept lines, leaving at most one blank line between paragraphs."""
    body = "\n".join(s for s in lines if s is not None)
    return re.sub(r"\n{3,}", "\n\n", body).strip("\n")


def _byline(hits: Sequence[_Hit]) -> Optional[str]:
    """The first byline's names and role: ``김철수/이영희 기자`` (e-mail dropped)."""
    for h in hits:
        g = dict(h.groups)
        if h.kind == "byline" and g.get("names") and g.get("role"):
            return f"{' '.join(g['names'].split())} {' '.join(g['role'].split())}"
    return None


def _emails(hits: Sequence[_Hit]) -> tuple[str, ...]:
    found = [m.group() for h in hits if h.kind == "byline" for m in _EMAIL.finditer(h.text)]
    return tuple(dict.fromkeys(found))


# ---------------------------------------------------------------------------
# Public API


#: Characters that are a space however the web writes them: no-break space (U+00A0,
#: ``&nbsp;``), the Unicode spaces U+2000..U+200A, narrow and medium math spaces,
#: the Ogham space and the ideographic (fullwidth) space U+3000.
_SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
#: Invisible characters that carry no text: zero-width space, non-joiner and joiner,
#: word joiner and the other invisible operators, a BOM inside the text, the soft
#: hyphen, the Mongolian vowel separator, and the bidirectional marks and embeddings.
_INVISIBLE = ("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u180e"
              "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Line separators other than CR/LF: NEL, LINE and PARAGRAPH SEPARATOR.
_LINE_BREAKS = "\u0085\u2028\u2029"
_FOLD = str.maketrans({**{c: " " for c in _SPACES}, **{c: None for c in _INVISIBLE},
                       **{c: "\n" for c in _LINE_BREAKS},
                       # fullwidth ASCII (！ .. ～) is ASCII: ２０２２ -> 2022, ＩＣＬＲ -> ICLR
                       **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}})
NORMAL_FORM_FOLD = _FOLD
#: ``&nbsp;`` written out in a text that was saved from HTML without decoding it
_NBSP_ENTITY_RE = re.compile(r"&(?:nbsp|#160|#x0*a0);", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """The one normal form every text is analysed and stored in.

    The same article saved by different tools gives the same characters:

    * Unicode NFC (decomposed Hangul from macOS becomes precomposed syllables);
    * ``\\r\\n``, ``\\r`` and the Unicode line separators become ``\\n``;
    * every kind of space (no-break, ``&nbsp;``, thin, ideographic ...) becomes U+0020;
    * zero-width and formatting characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft
      hyphen, bidi marks) are removed;
    * fullwidth ASCII is folded to ASCII (``ＩＣＬＲ ２０２２`` -> ``ICLR 2022``).

    NFKC's other foldings are deliberately *not* applied: ``㈜``, ``①``, ``㎞``,
    compatibility jamo (``ㅋㅋ``) and the fullwidth won sign ``￦`` keep their form,
    because press text uses them as written (㈜ marks a company; gazetteers and the
    money rules read them).

    >>> normalize_text("ＩＣＬＲ\u00a0２０２２에\u200b 논문")
    'ICLR 2022에 논문'
    """
    text = _NBSP_ENTITY_RE.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n")).translate(_FOLD)
    return unicodedata.normalize("NFC", text)


def _is_starter(ch: str) -> bool:
    """A character that starts a new NFC segment: not a combining mark, nor a Hangul
    conjoining vowel or final consonant (which compose with the syllable before)."""
    o = ord(ch)
    return unicodedata.combining(ch) == 0 and not (0x1160 <= o <= 0x11FF or 0xD7B0 <= o <= 0xD7FF)


def normalize_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`normalize_text` and, for every character of the result, the offset in
    ``text`` it came from (one more entry for the end), so that offsets found in the
    normal form can be given back in the original: ``orig[starts[i]:starts[j]]``.

    >>> norm, starts = normalize_with_offsets("네\u200b이버\u00a0클로바")
    >>> norm, starts[:4], starts[-1]
    ('네이버 클로바', [0, 2, 3, 4], 8)
    """
    chars: list[str] = []
    origin: list[int] = []
    i, n = 0, len(text)
    while i < n:
        m = _NBSP_ENTITY_RE.match(text, i) if text[i] == "&" else None
        if m:
            chars.append(" ")
            origin.append(i)
            i = m.end()
            continue
        if text[i] == "\r":
            chars.append("\n")
            origin.append(i)
            i += 2 if text.startswith("\r\n", i) else 1
            continue
        folded = text[i].translate(_FOLD)
        if folded:
            chars.append(folded)
            origin.append(i)
        i += 1
    # NFC segment by segment: a starter and the marks or jamo that compose with it
    out: list[str] = []
    starts: list[int] = []
    k = 0
    while k < len(chars):
        j = k + 1
        while j < len(chars) and not _is_starter(chars[j]):
            j += 1
        seg = unicodedata.normalize("NFC", "".join(chars[k:j]))
        out.append(seg)
        starts.extend([origin[k]] * len(seg))
        k = j
    starts.append(n)
    return "".join(out), starts


def _normalize(text: str) -> list[str]:
    """:func:`normalize_text`, no trailing spaces; returns the lines."""
    return [line.rstrip() for line in normalize_text(text).split("\n")]


def clean_text(
    text: str,
    *,
    title: Optional[str] = None,
    publisher: Optional[str] = None,
    detect_headline: bool = False,
) -> CleanArticle:
    """Remove press boilerplate from an article text.

    Args:
        text: the article as scraped (any newline style).
        title: the known title; when the body's first line repeats it, that line
            is removed (``Removed(kind="headline")``).
        publisher: the known publisher; kept as is. When None it is detected
            from the removed boilerplate (:func:`detect_publisher`).
        detect_headline: when no title is given, take a headline-shaped first
            line as the title and remove it from the body.

    Returns:
        A :class:`CleanArticle`; ``body`` keeps every article sentence verbatim.

    Example:
        >>> art = clean_text("(서울=연합뉴스) 홍길동 기자 = 카카오가 새 모델을 공개했다.\\n"
        ...                  "[홍길동 기자 gildong@yna.co.kr]")
        >>> art.body, art.byline, art.reporter_emails, art.publisher
        ('카카오가 새 모델을 공개했다.', '홍길동 기자', ('gildong@yna.co.kr',), '연합뉴스')
    """
    lines: list[Optional[str]] = list(_normalize(text))
    lines, hits = _drop_sections(lines)
    for i, s in enumerate(lines):
        if s is not None:
            lines[i], line_hits = _edit_line(i, s)
            hits += line_hits
    top, bottom = _zones(lines)
    lines, zone_hits = _drop_zoned(lines, top, "top")
    hits += zone_hits
    lines, zone_hits = _drop_zoned(lines, bottom, "bottom")
    hits += zone_hits
    norm_title = normalize_text(title) if title is not None else None
    lines, out_title, head_hits = _take_headline(lines, norm_title, detect_headline)
    hits = sorted(hits + head_hits, key=lambda h: (h.line, h.col))
    emails = _emails(hits)
    if publisher is None:
        publisher = detect_publisher("\n".join(h.text for h in hits if h.kind != "headline"), emails)
    body = _assemble(lines)
    note = _overcut_note(text, body)
    if note is not None:
        # rules meant for footers would take a large part of a long text: keep it all, and say so
        body, out_title, hits = _assemble(_normalize(text)), norm_title, []
    return CleanArticle(
        body=body,
        title=out_title,
        publisher=publisher,
        byline=_byline(hits),
        reporter_emails=emails if hits else (),
        removed=tuple(Removed(h.kind, h.text) for h in hits),
        note=note,
    )


#: A text at least this long (non-space characters) ...
OVERCUT_MIN_CHARS = 20_000
#: ... of which cleaning would remove more than this share is kept whole.
OVERCUT_SHARE = 0.2


def _overcut_note(text: str, body: str) -> Optional[str]:
    """Why a body must not be used: the rules removed too much of a long text.

    Footers, bylines and related-article lists are a few hundred characters; when
    they would take more than :data:`OVERCUT_SHARE` of a text of at least
    :data:`OVERCUT_MIN_CHARS` characters, something that is not boilerplate matched.
    """
    before = len(text) - sum(text.count(ch) for ch in " \t\r\n\ufeff")
    if before < OVERCUT_MIN_CHARS:
        return None
    after = len(body) - sum(body.count(ch) for ch in " \t\n")
    share = 1 - after / before
    if share <= OVERCUT_SHARE:
        return None
    return (f"kept whole: the boilerplate rules would have removed {share:.0%} of {before:,} characters "
            f"(more than {OVERCUT_SHARE:.0%} of a long text is not boilerplate)")


def clean_article(raw: RawArticle) -> CleanArticle:
    """Clean a :class:`RawArticle`.

    The headline is detected only for plain-text inputs without a title (HTML
    and JSON readers give the title separately). ``raw.publisher`` (a record's
    own publisher field, an HTML page's site name) is kept when set, else the
    publisher is detected from the boilerplate. ``published_at`` is set from the
    text's dateline (:func:`find_dateline`) only when ``raw`` carries no date.

    Args:
        raw: the article as read, e.g. ``RawArticle(source="a.txt", text="…")``.

    Returns:
        The :class:`CleanArticle`.

    Example:
        >>> clean_article(RawArticle(source="a.txt", text="네이버, AI 센터 연다\\n\\n네이버가 센터를 연다고 밝혔다.")).title
        '네이버, AI 센터 연다'
    """
    clean = clean_text(
        raw.text,
        title=raw.title,
        publisher=raw.publisher,
        detect_headline=raw.format == "txt" and raw.title is None,
    )
    if raw.published_at is None:
        when = find_dateline(raw.text)
        if when is not None:
            clean = dataclasses.replace(clean, published_at=when)
    return clean


# ---------------------------------------------------------------------------
# Datelines

#: A date as datelines write it: ``2023.03.15 10:12``, ``2023. 3. 15. 오후 3:05``,
#: ``2023-03-15T10:12:00+09:00``, ``2023/03/15 (수) 10:12``, ``2023년 3월 15일 15시 5분``.
_DATE_RE = re.compile(
    r"(?<![\d.])(?:19|20)\d{2}"
    r"(?:\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}(?![\d:])\.?|\s*년\s*\d{1,2}\s*월\s*\d{1,2}\s*일)"
    r"(?:\s*\(\s*[월화수목금토일]\s*\))?"
    r"(?:(?:\s*|T)(?:(?:오전|오후|[AaPp][Mm])\s*)?\d{1,2}(?::\d{2}(?::\d{2})?(?!\d)|\s*시(?:\s*\d{1,2}\s*분)?)"
    r"(?:Z|[+-]\d{2}:?\d{2})?)?"
)
#: Labels of the first publication (``입력``) and of a later edit (``수정``).
_PUBLISHED_LABEL = r"최초\s*입력|기사\s*입력|기사\s*등록|입력|송고|승인|등록|발행|게재|게시|작성|보도"
_MODIFIED_LABEL = r"최종\s*(?:수정|업데이트)|기사\s*수정|수정|업데이트|갱신"
#: Labels that also name other dates: an outlet's 등록일, a print edition's 발행일,
#: a permit's 승인. They count only outside prose and away from a masthead.
_AMBIGUOUS_LABELS = frozenset({"등록", "승인", "발행", "게재", "게시", "작성", "보도"})
_LABEL_BEFORE = re.compile(
    rf"(?<![가-힣])(?P<label>{_PUBLISHED_LABEL}|{_MODIFIED_LABEL})"
    r"\s*(?:일시|일자|시각|시간|날짜|일)?\s*[:：]?\s*[\[(]?\s*$"
)
_LABEL_AFTER = re.compile(
    rf"\s*[\])]?\s*(?P<label>{_PUBLISHED_LABEL}|{_MODIFIED_LABEL})(?:\s*(?:일시|일자|시각|시간|일))?(?![가-힣])"
)
_MODIFIED_RE = re.compile(rf"(?:{_MODIFIED_LABEL})")
#: A news agency's dateline right before the date: ``[서울=뉴스] 2023-03-15``, ``(서울=연합뉴스) 2023.03.15``.
_AGENCY_BEFORE = re.compile(r"[\[(（【]\s*[가-힣A-Za-z·\s]{1,12}=\s*[^\])）】\n=]{1,20}[\])）】]\s*[-–—|]?\s*$")
#: An outlet's masthead: registration, officers, business and contact lines.
_MASTHEAD = re.compile(
    r"등록\s*번호|발행\s*(?:인|처|소)|편집\s*(?:인|국장)|사업자|청소년\s*보호|통신\s*판매|제\s*호\s*[:：]"
    r"|주\s*소\s*[:：]|대표\s*(?:전화|이사)|(?i:\btel\b|\bfax\b)|팩스|전화\s*[:：]?\s*0\d"
)
#: A copyright notice (``ⓒ 2015``, ``Copyright 2019``): its year is not the article's.
_COPYRIGHT = re.compile(r"[ⓒ©]|\([cC]\)|(?i:copyright)|[Aa]ll\s+[Rr]ights|저작권|무단\s*(?:전재|복제|배포)|재배포")
_HAS_TIME = re.compile(r"\d\s*(?::|시)")
_LIST_ITEM = re.compile(r"^\s*(?:[-·•▶▷△▲■□◆◇○●*]|\d{1,2}[.)]\s)")
_BYLINE_WORD = re.compile(r"기자|특파원|통신원|에디터")
_BYLINE_ZONE_LINES = 4
#: How far before a date its label or agency dateline is looked for (characters).
_LABEL_REACH = 48
_UNLABELLED_REST_MAX = 40


def _dated_candidates(line: str) -> list[tuple[str, Optional[str], re.Match]]:
    """The dates of one line with how each is labelled.

    Returns ``(kind, label, match)`` per date: kind ``label`` (a dateline word
    before or after it), ``agency`` (right after ``[서울=뉴스]``) or ``bare``.
    When a date has a label on both sides (``입력 2023.03.15 10:12 수정 2023.03.16``
    vs. ``2023.03.15 10:12 입력 | 2023.03.16 수정``), the line's style decides: labels
    after dates when its first date has a label after it and none before.
    """
    found = []
    for m in _DATE_RE.finditer(line):
        before = _LABEL_BEFORE.search(line, max(0, m.start() - _LABEL_REACH), m.start())
        after = _LABEL_AFTER.match(line, m.end())
        found.append((m, before, after))
    if not found:
        return []
    _, first_before, first_after = found[0]
    labels_after = first_after is not None and first_before is None
    out = []
    for m, before, after in found:
        label = (after or before) if labels_after else (before or after)
        if label is not None:
            out.append(("label", re.sub(r"\s+", "", label.group("label")), m))
        elif _AGENCY_BEFORE.search(line, max(0, m.start() - _LABEL_REACH), m.start()):
            out.append(("agency", None, m))
        else:
            out.append(("bare", None, m))
    return out


def _is_byline_rest(rest: str) -> bool:
    """Whether what a line holds beside a bare date is only a byline, an outlet name or nothing."""
    rest = _EMAIL.sub(" ", rest)
    rest = re.sub(r"[\[\](){}<>|/·:,=\-–—]", " ", rest).strip()
    if not rest:
        return True
    if len(rest) > _UNLABELLED_REST_MAX or _PROSE.search(rest + " "):
        return False
    return bool(_BYLINE_WORD.search(rest)) or rest.casefold() in _publisher_index().surfaces


def find_dateline(text: str) -> Optional[datetime]:
    """The publication date of the article's own dateline, KST when no zone; None when it has none.

    A dateline is a date labelled as the article's (``입력``, ``기사입력``, ``송고``,
    ``승인``, ``등록`` ... before or after it; ``수정`` only when nothing else is found),
    a date right after an agency's ``[서울=뉴스]``, or a date alone on a line
    above the article or in its byline (``홍길동 기자 2023-03-15``). Dates in
    an outlet's masthead (``등록번호 … 등록일 2010.01.01 | 발행인 …``) and copyright
    notices (``ⓒ 2015``) are never taken; words that also name other dates
    (``등록``, ``발행``, ``승인`` ...) and bare dates count only above the first
    sentence or in the byline below the last one, outside prose (and below it
    only with a time: an outlet's registration date has none). The first
    publication date wins over an edit's, then the earliest line.

    Args:
        text: the article as scraped.

    Returns:
        An aware datetime, or None.

    Example:
        >>> find_dateline("김가영 기자 입력 2023/03/15 10:12").isoformat()
        '2023-03-15T10:12:00+09:00'
        >>> find_dateline("본문이다. 가상기업이 새 제품을 냈다고 밝혔다.\\n"
        ...               "등록번호 서울 아00000 | 등록일 2010.01.01 | 발행인 홍길동") is None
        True
    """
    lines = _normalize(text)
    masthead = [bool(_MASTHEAD.search(s)) for s in lines]
    cue = [m or bool(_COPYRIGHT.search(s)) for m, s in zip(masthead, lines)]
    is_prose = [_is_prose(s) for s in lines]
    prose = [i for i, p in enumerate(is_prose) if p and not cue[i]]
    head_end = prose[0] if prose else len(lines)
    byline = set()
    if prose:
        for i in range(prose[-1] + 1, len(lines)):
            if cue[i] or len(byline) >= _BYLINE_ZONE_LINES:
                break
            if lines[i].strip():
                byline.add(i)
    best: Optional[tuple[int, int, int, datetime]] = None
    for i, line in enumerate(lines):
        if masthead[i] or not line.strip():
            continue
        near_masthead = any(masthead[max(0, i - 2):i + 3])
        in_zone = i < head_end or i in byline
        for kind, label, m in _dated_candidates(line):
            if kind == "agency" or (kind == "label" and label not in _AMBIGUOUS_LABELS):
                rank = 2 if label is not None and _MODIFIED_RE.fullmatch(label) else 0
            elif cue[i] or not in_zone or is_prose[i] or (near_masthead and not _HAS_TIME.search(m.group())):
                continue
            elif kind == "bare":
                if (len(line) - len(m.group()) > 2 * _UNLABELLED_REST_MAX or _LIST_ITEM.match(line)
                        or not _is_byline_rest(line[:m.start()] + " " + line[m.end():])):
                    continue
                rank = 1
            elif i >= head_end and not _HAS_TIME.search(m.group()):
                continue  # below the article, "등록일 2010.01.01" without a time is the outlet's
            else:
                rank = 0
            if best is not None and (rank, i, m.start()) >= best[:3]:
                continue
            when = parse_published_at(m.group())
            if when is not None:
                best = (rank, i, m.start(), when)
        if best is not None and best[0] == 0:
            break  # a first-publication dateline: no later line can win
    return best[3] if best else None
