"""Venues: conferences and journals, with editions.

Known venues come from the gazetteer (``corpora/gazetteer/venues.jsonl``) with
transliterations (뉴립스 → NeurIPS, 데뷰 → DEVIEW) and editions (ICLR 2022,
2019년 ICCV). Venues nobody listed are found by their frame
(:func:`models.candidates.find_venue_patterns`).
"""
from __future__ import annotations

from ..document import ArticleDoc
from ..mention import Mention


def extract_venues(adoc: ArticleDoc) -> list[Mention]:
    """VENUE mentions of an analysed article (gazetteer and frame patterns), in text order."""
    return adoc.by_label("VENUE")

