"""The analysed article: spaCy ``Doc`` + resolved entity mentions.

:func:`build_nlp` assembles the Korean pipeline::

    tokenizer (Kiwi / mecab-ko surface morphemes)
      → ner                  statistical model (optional; ``--ner``)
      → kornews_candidates   gazetteer ORG/VENUE, rule MONEY/COUNT, not-org blockers
      → kornews_resolve      one non-overlapping set of mentions → ``doc.ents``

Gazetteer matches win over rules and rules over the model (known names are
precise; the model brings recall for names nobody listed). Resolved mentions
live in ``doc._.mentions`` with exact character offsets; ``doc.ents`` carries the
same spans for spaCy users (displacy, ``Span._.canonical`` …).
"""
from __future__ import annotations

import dataclasses

import bisect
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional, Sequence

from spacy.language import Language
from spacy.tokens import Doc

from . import candidates as _candidates  # noqa: F401  (registers "kornews_candidates", which build_nlp adds)
from .errors import BackendError, Errors
from .mention import Mention
from .nlp import doc_text, sentence_spans
from .tokenize import DEFAULT_BACKEND

_PRIORITY = {"gazetteer": 3, "rule": 2, "model": 1}

class _Containment:
    """Answers "does a blocker span contain ``[start, end)``?" in O(log n) per question.

    Blockers sorted by start, with the running maximum of their ends: some blocker
    starting at or before ``start`` reaches ``end`` exactly when that maximum does.
    """

    def __init__(self, spans: Sequence[tuple[int, int]]):
        ordered = sorted(spans)
        self.starts = [s for s, _ in ordered]
        self.max_end: list[int] = []
        reach = -1
        for _, e in ordered:
            reach = max(reach, e)
            self.max_end.append(reach)
        self.spans = set(ordered)

    def contains(self, start: int, end: int, strictly_longer: bool = False) -> bool:
        if not strictly_longer:
            i = bisect.bisect_right(self.starts, start)
            return i > 0 and self.max_end[i - 1] >= end
        # a longer container starts earlier, or starts here and ends later
        i = bisect.bisect_left(self.starts, start)
        if i > 0 and self.max_end[i - 1] >= end:
            return True
        j = bisect.bisect_right(self.starts, start)
        return j > i and self.max_end[j - 1] > end


def resolve(candidates: Sequence[Mention], blockers: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """Choose one non-overlapping set of mentions.

    Higher source priority first (gazetteer and rule MONEY > other rules > model),
    then longer spans.
    A model ORG that overlaps a known product/model name (하이퍼클로바, KoGPT) is
    dropped.

    Cost is linear in the candidates and the characters they cover (plus a sort):
    an article with 100k mentions resolves as fast per mention as one with 10.
    """
    contain = _Containment(blockers)

    def blocked(m: Mention) -> bool:
        # a model ORG inside a product or term name is dropped; a known name only when it
        # is part of a longer product name (클로바 in "클로바 케어콜")
        if m.label != "ORG" or not contain.starts:
            return False
        return contain.contains(m.start, m.end, strictly_longer=m.source == "gazetteer")

    def priority(m: Mention) -> int:
        # a money expression is as certain as a known name, and longer: the 한화 in
        # "10억 유로(한화 약 1조4000억원)" is not the company
        return _PRIORITY["gazetteer"] if m.label == "MONEY" and m.source == "rule" else _PRIORITY.get(m.source, 0)

    ranked = sorted((m for m in candidates if not blocked(m)),
                    key=lambda m: (-priority(m), -(m.end - m.start), m.start))
    taken: list[Mention] = []
    occupied = bytearray(max((m.end for m in ranked), default=0))
    for m in ranked:
        if occupied.find(1, m.start, m.end) != -1:
            continue
        taken.append(m)
        occupied[m.start:m.end] = b"\x01" * (m.end - m.start)
    return _propagate_editions(sorted(taken, key=lambda m: m.start))


_YEAR_BEFORE_RE = re.compile(
    r"((?:19|20)\d{2})년\s?(?:[가-힣]{1,6}\s){0,2}(?:국제\s?)?(?:콘퍼런스|컨퍼런스|학회|학술대회|학술지|저널)?\s?['‘\"“]?$")


#: "뉴립스(NeurIPS) 2023", "'데뷰(DEVIEW) 2023'": an edition after a glossed name
_YEAR_AFTER_RE = re.compile(r"(?:\s?\([^()]{1,30}\))?\)?\s?['’]?((?:19|20)\d{2})(?![\d년])")


#: "‘2021 국제 컴퓨터 비전 및 패턴인식 학술대회(Computer Vision …, CVPR)’": an edition year
#: that opens the name the parenthesis glosses
_GLOSSED_YEAR_RE = re.compile(r"(?:^|['‘\"“\s])((?:19|20)\d{2})\s(?:[^\s()]+\s){0,8}[^\s()]*$")


def _glossed_edition(text: str, m: Mention) -> Optional[int]:
    """The edition of a venue written inside the parenthesis that glosses a name opening
    with a year: "2021 국제 … 학술대회(…, CVPR)" is CVPR 2021."""
    lo = max(0, m.start - 80)
    opening = text.rfind("(", lo, m.start)
    if opening < 0 or ")" in text[opening:m.start]:
        return None
    hit = _GLOSSED_YEAR_RE.search(text[max(0, opening - 60):opening])
    return int(hit.group(1)) if hit else None


def _venue_year(text: str, m: Mention) -> Mention:
    """Editions the gazetteer's "VENUE YYYY" form misses.

    "뉴립스(NeurIPS) 2023" is an edition (propagated to bare mentions);
    "2019년 기술 콘퍼런스 '데뷰'" names a year but not an edition.
    """
    if m.label != "VENUE" or m.year is not None:
        return m
    after = _YEAR_AFTER_RE.match(text, m.end)
    glossed = _glossed_edition(text, m)
    if after:
        y, edition = int(after.group(1)), True
    elif glossed is not None:
        y, edition = glossed, True
    else:
        before = _YEAR_BEFORE_RE.search(text[max(0, m.start - 24):m.start])
        if not before:
            return m
        y, edition = int(before.group(1)), False
    return Mention(m.start, m.end, m.text, m.label, m.source, m.canonical, m.kind, m.parent, y, {"year": y},
                   m.payload, edition)


def _propagate_editions(mentions: list[Mention]) -> list[Mention]:
    """Give bare venue mentions the article's edition year.

    After "ICLR 2022" an article's later "이번 ICLR" means the same edition; a
    historical "2018년 CVPR" is not an edition and is not propagated.
    """
    editions: dict[str, int] = {}
    for m in mentions:
        if m.label == "VENUE" and m.edition and m.canonical and m.canonical not in editions:
            editions[m.canonical] = m.year
    if not editions:
        return mentions
    out = []
    for m in mentions:
        if m.label == "VENUE" and m.year is None and m.canonical in editions:
            y = editions[m.canonical]
            m = Mention(m.start, m.end, m.text, m.label, m.source, m.canonical, m.kind, m.parent, y,
                        {"year": y}, m.payload, False)
        out.append(m)
    return out


#: letters and digits a name is written in; a name never starts in the middle of a run of them
_WORD_CHAR_RE = re.compile(r"[가-힣A-Za-z0-9&]")


def _whole_word_start(text: str, m: Mention) -> Mention:
    """A model ORG that starts inside a word grows back to the word's start: the tagger's
    "베스트먼트" in "메디치인베스트먼트가" is "메디치인베스트먼트", never a fragment of it.
    Korean glues particles to the *end* of a word, never to its start, so the letters
    before a name in the same word are part of the name."""
    if m.label != "ORG" or m.source != "model":
        return m
    start = m.start
    while start > 0 and _WORD_CHAR_RE.match(text, start - 1):
        start -= 1
    if start == m.start:
        return m
    return dataclasses.replace(m, start=start, text=text[start:m.end])


def _without_place(text: str, m: Mention) -> Mention:
    """A model ORG that opens with a place name is the organization after it: "미국 블랙록"
    is 블랙록 (in 미국), "일본 소프트뱅크" is 소프트뱅크. Only a whole first word that is
    a known place (``corpora/patterns/locations.txt``) is taken off."""
    if m.label != "ORG" or m.source != "model":
        return m
    first, sep, rest = m.text.partition(" ")
    if not sep or not rest.strip() or first not in _candidates.load_locations():
        return m
    start = m.start + len(first) + 1
    while start < m.end and text[start] == " ":
        start += 1
    return dataclasses.replace(m, start=start, text=text[start:m.end])


#: a unit inside an organization: "○○대학교 비전지능연구실", "△△전자 AI센터"
_UNIT_RE = re.compile(r"(?:연구실|연구팀|연구단|연구소|연구센터|랩|Lab|학과|학부|대학원|센터|사업부|본부|연구진)$")
#: a name that units belong to: a university, an institute, a company with a known name
_HOST_RE = re.compile(r"(?:대학교|대학|대|과학기술원|연구원|병원|의료원|그룹|전자|㈜|KAIST|POSTECH|UNIST|GIST|DGIST)$")
#: corporate decorations that are not part of a name
_DECORATION_RE = re.compile(r"^(?:㈜|\(주\)|주식회사)\s?|\s?(?:㈜|\(주\)|주식회사|Inc\.?|Corp\.?|Co\.,? Ltd\.?|Ltd\.?)$")


def canonical_orgs(text: str, mentions: list[Mention]) -> list[Mention]:
    """One canonical name per organization.

    * A unit written after the organization it belongs to is one organization with a
      parent: "한빛과학기술대학교 비전지능연구실" (two spans from the tagger) is the lab,
      parent 한빛과학기술대학교; its counts are never split between the two.
    * An ORG no list knows gets its name without corporate decorations as its canonical
      name (㈜누리인베스트먼트 → 누리인베스트먼트), so ``entities.canonical`` is never null
      for an organization and the variants of one name count once.
    """
    out: list[Mention] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if (m.label == "ORG" and nxt is not None and nxt.label == "ORG" and text[m.end:nxt.start] == " "
                and nxt.canonical is None and _UNIT_RE.search(nxt.text)
                and (m.canonical is not None or _HOST_RE.search(m.text))):
            host = m.canonical or m.text
            out.append(Mention(m.start, nxt.end, text[m.start:nxt.end], "ORG", nxt.source,
                               canonical=f"{host} {nxt.text}", parent=host))
            i += 2
            continue
        if m.label == "ORG" and m.canonical is None:
            name = _DECORATION_RE.sub("", m.text).strip() or m.text
            parent = m.parent
            first, sep, rest = m.text.partition(" ")
            if sep and _UNIT_RE.search(rest) and _HOST_RE.search(first):
                parent = first
            m = dataclasses.replace(m, canonical=name, parent=parent)
        out.append(m)
        i += 1
    return out


@Language.component("kornews_resolve")
def resolve_component(doc: Doc) -> Doc:
    """Resolve candidates into ``doc._.mentions`` and ``doc.ents``."""
    cands, blockers = doc._.candidates or ([], [])
    text = doc_text(doc)
    mentions = canonical_orgs(text, resolve(
        [_venue_year(text, _without_place(text, _whole_word_start(text, m))) for m in cands], blockers))
    doc._.mentions = mentions
    spans = []
    last_end = -1
    for m in mentions:
        span = doc.char_span(m.start, m.end, label=m.label, alignment_mode="expand")
        if span is None or span.start < last_end:
            continue
        span._.canonical, span._.source, span._.kind = m.canonical, m.source, m.kind
        span._.parent, span._.year, span._.norm = m.parent, m.year, m.norm
        spans.append(span)
        last_end = span.end
    doc.ents = spans
    return doc


def build_nlp(tokenizer: str = DEFAULT_BACKEND, ner: str = "default") -> Language:
    """Assemble the pipeline.

    Args:
        tokenizer: tokenizer backend (``kiwi``, ``mecab``, konlpy names); ignored
            when a spaCy NER model is loaded, which brings the tokenizer it was
            trained on.
        ner: ``default`` (the shipped spaCy model when present, else none),
            ``none``/``gazetteer`` (gazetteer and rules only), ``spacy`` /
            ``spacy:PATH``, or ``hf:PATH`` (a local Hugging Face checkpoint).
    """
    from .ner.backends import attach_ner

    nlp = attach_ner(ner, tokenizer)
    nlp.add_pipe("kornews_candidates")
    nlp.add_pipe("kornews_resolve")
    return nlp


def model_tokenizer(ner: str) -> Optional[str]:
    """The tokenizer backend a ``--ner`` choice needs, or None when any will do.

    A spaCy model runs on the tokenizer it was trained with, named in its
    ``config.cfg`` (``[nlp.tokenizer] backend``): mecab-ko for the shipped model.
    """
    from .ner.backends import _has_model, default_weights_dir

    if ner in ("default", "spacy"):
        path = default_weights_dir()
        if not _has_model(path):
            return None
    elif ner.startswith("spacy:"):
        path = Path(ner.split(":", 1)[1])
    else:
        return None
    try:
        from spacy.util import load_config

        return load_config(path / "config.cfg")["nlp"]["tokenizer"].get("backend", DEFAULT_BACKEND)
    except (OSError, KeyError, ValueError):
        return None  # a broken model directory is reported when it is loaded


def resolve_tokenizer(ner: str, tokenizer: Optional[str]) -> str:
    """The tokenizer to run: the one given, else the model's own, else Kiwi.

    Raises:
        BackendError: ``[E044]`` when ``tokenizer`` is not the one the model needs.

    Example:
        >>> resolve_tokenizer("none", None)
        'kiwi'
    """
    need = model_tokenizer(ner)
    if tokenizer is None:
        return need or DEFAULT_BACKEND
    if need is not None and tokenizer != need:
        raise BackendError(Errors.E044.format(ner=ner, need=need, given=tokenizer))
    return tokenizer


@dataclass
class ArticleDoc:
    """An analysed article body with its metadata (what extractors take)."""

    doc: Doc
    published_at: Optional[datetime] = None
    title: Optional[str] = None

    def __post_init__(self) -> None:
        self.text = doc_text(self.doc)

    @property
    def mentions(self) -> list[Mention]:
        return self.doc._.mentions or []

    @property
    def sentences(self) -> list[tuple[int, int]]:
        if not hasattr(self, "_sents"):
            self._sents = sentence_spans(self.text)
            self._sent_ends = [e for _, e in self._sents]
        return self._sents

    def sent_idx(self, offset: int) -> int:
        """Index of the sentence containing character ``offset`` (the next one for a gap)."""
        sents = self.sentences
        i = bisect.bisect_right(self._sent_ends, offset)
        return min(i, max(0, len(sents) - 1))

    def by_label(self, *labels: str) -> list[Mention]:
        return [m for m in self.mentions if m.label in labels]

    def _index(self, label: str) -> tuple[list[int], list[int], list[Mention]]:
        cache = self.__dict__.setdefault("_by_label", {})
        if label not in cache:
            ms = self.by_label(label)  # resolved mentions never overlap: starts and ends both ascend
            cache[label] = ([m.start for m in ms], [m.end for m in ms], ms)
        return cache[label]

    def in_range(self, label: str, start: int, end: int, *, contained: bool = True) -> list[Mention]:
        """Mentions of ``label`` in ``[start, end)``, in text order, found by bisection.

        Args:
            contained: True: the whole mention lies inside; False: it starts inside.

        Extractors ask this once per count or amount; a scan over all mentions
        there made an article with many mentions cost quadratic time.
        """
        starts, ends, ms = self._index(label)
        lo = bisect.bisect_left(starts, start)
        hi = bisect.bisect_left(ends, end + 1) if contained else bisect.bisect_left(starts, end)
        return ms[lo:max(lo, hi)]

    def ending_in(self, label: str, lo: int, hi: int) -> list[Mention]:
        """Mentions of ``label`` whose end lies in ``[lo, hi]``, in text order."""
        _, ends, ms = self._index(label)
        return ms[bisect.bisect_left(ends, lo):bisect.bisect_right(ends, hi)]
