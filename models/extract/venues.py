"""Venues: conferences and journals, with editions.

Known venues come from the gazetteer (``corpora/gazetteer/venues.jsonl``) with
transliterations (뉴립스 → NeurIPS, 데뷰 → DEVIEW) and editions (ICLR 2022,
2019년 ICCV). Venues nobody listed are found by their frame
(:func:`models.candidates.find_venue_patterns`).

Longest match wins: a known English title found *inside* a longer English
title is not a venue of its own. "Computer Vision and Pattern Recognition"
gives no "Pattern Recognition" (a journal); when the longer title ends a known
venue's English name ("Conference on Computer Vision and Pattern
Recognition"), it is that venue (CVPR).
"""
from __future__ import annotations

import bisect
import re
from typing import Optional

from ..document import ArticleDoc
from ..gazetteer import load_gazetteer
from ..mention import Mention

#: connectors inside an English title: "Computer Vision *and* Pattern Recognition"
_CONNECTORS = {"of", "on", "and", "for", "in", "the", "&"}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9&+\-/]*|&")
#: capitalised words (with connectors) right before a mention, on the same line
_RUN_BEFORE_RE = re.compile(r"(?:(?:[A-Z][A-Za-z0-9&+\-/]*|of|on|and|for|in|the|&)[ \t]+)+$")
#: capitalised words (with connectors) right after a mention: "Pattern Recognition *Letters*"
_RUN_AFTER_RE = re.compile(r"(?:[ \t]+(?:of|on|and|for|in|the|&))*[ \t]+[A-Z][A-Za-z0-9&+\-/]*"
                           r"(?:[ \t]+(?:[A-Z][A-Za-z0-9&+\-/]*|of|on|and|for|in|the|&))*")
_TRAILING_YEAR_RE = re.compile(r"\s?['’]?(?:19|20)\d{2}$")


def _is_title(text: str) -> bool:
    """A multi-word English title (Pattern Recognition, Nature Communications), not an acronym."""
    words = _WORD_RE.findall(_TRAILING_YEAR_RE.sub("", text))
    return len(words) >= 2 and all(w in _CONNECTORS or w[0].isupper() for w in words) and text[:1].isascii()


def _capitalised(run: str) -> bool:
    """The run holds a capitalised word, not only connectors."""
    return any(w not in _CONNECTORS for w in _WORD_RE.findall(run))


def _covered(spans: list[Mention], starts: list[int], lo: int, hi: int) -> bool:
    """Some other mention lies in ``[lo, hi)`` ("AAAI and IJCAI": a list, not one title)."""
    i = bisect.bisect_left(starts, lo)
    return i < len(spans) and spans[i].start < hi


def _enclosing_venue(title: str) -> Optional[str]:
    """The known venue whose English name ends with ``title`` (case and spaces ignored),
    when exactly one does: "Computer Vision and Pattern Recognition" → CVPR."""
    key = " ".join(title.split()).casefold()
    found = {e.canonical for e in load_gazetteer() if e.label == "VENUE"
             for a in e.aliases_en if " ".join(a.split()).casefold().endswith(key)}
    return found.pop() if len(found) == 1 else None


def venue_mentions(adoc: ArticleDoc) -> list[Mention]:
    """VENUE mentions of an article with nested titles resolved (see the module docstring).

    A multi-word English venue title with capitalised words glued before or after it
    on the same line (not another mention) is part of a longer title: it is dropped,
    or replaced by the venue that longer title names. Computed once per article.
    """
    cached = adoc.__dict__.get("_venue_mentions")
    if cached is not None:
        return cached
    text = adoc.text
    others = [m for m in adoc.mentions if m.label in ("VENUE", "ORG")]
    starts = [m.start for m in others]
    out: list[Mention] = []
    for m in adoc.by_label("VENUE"):
        if not _is_title(m.text):
            out.append(m)
            continue
        line_start = text.rfind("\n", 0, m.start) + 1
        before = _RUN_BEFORE_RE.search(text, line_start, m.start)
        after = _RUN_AFTER_RE.match(text, m.end)
        lo = before.start() if before and _capitalised(before.group()) else m.start
        hi = after.end() if after and not _TRAILING_YEAR_RE.fullmatch(after.group().strip()) else m.end
        if (lo == m.start and hi == m.end) or _covered(others, starts, lo, m.start) \
                or _covered(others, starts, m.end, hi):
            out.append(m)
            continue
        canonical = _enclosing_venue(text[lo:hi])
        if canonical is not None and canonical != m.canonical:
            out.append(Mention(lo, hi, text[lo:hi], "VENUE", m.source, canonical, None, None, m.year, m.norm,
                               None, m.edition))
    adoc._venue_mentions = out
    return out


def extract_venues(adoc: ArticleDoc) -> list[Mention]:
    """VENUE mentions of an analysed article (gazetteer and frame patterns), in text order,
    a venue nested in a longer title dropped (:func:`venue_mentions`)."""
    return venue_mentions(adoc)
