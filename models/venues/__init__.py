"""Venue knowledge base: tens of thousands of journals and conferences, with
English titles, ISO4 abbreviations, acronyms and Hangul forms, and a compiled
matcher over them.

The KB file ``corpora/venues/venues.jsonl.gz`` is built from public lists by
``python -m pipeline.build_venue_kb`` (see ``corpora/venues/README.md``); this
package only reads it. Typical use::

    from models.venues import load_venue_kb
    kb = load_venue_kb()                       # cached, compiled once
    for hit in kb.find("연구는 국제학술지 '네이처 커뮤니케이션즈'에 게재됐다"):
        hit.start, hit.end, hit.canonical, hit.kind, hit.ambiguous, hit.year
    kb.lookup("Nat. Commun.").canonical      # 'Nature Communications'

Modules: :mod:`models.venues.kb` (file format, :class:`VenueKB`),
:mod:`models.venues.translit` (English → Hangul transcription and folding).
"""
from .kb import (
    FORM_TYPES,
    KB_FORMAT,
    KINDS,
    Venue,
    VenueForm,
    VenueHit,
    VenueKB,
    default_kb_path,
    find_venues,
    load_venue_kb,
    match_key,
    read_kb,
    write_kb,
)
from .translit import Pronouncer, fold_hangul, hangul_variants, transliterate_title

__all__ = [
    "FORM_TYPES", "KB_FORMAT", "KINDS", "Venue", "VenueForm", "VenueHit", "VenueKB", "default_kb_path",
    "find_venues", "load_venue_kb", "match_key", "read_kb", "write_kb",
    "Pronouncer", "fold_hangul", "hangul_variants", "transliterate_title",
]
