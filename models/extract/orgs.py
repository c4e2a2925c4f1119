"""Organizations: the ORG mentions the document resolved.

Gazetteer matches carry a canonical name and a parent (클로바 → 네이버 클로바,
parent 네이버). Model and rule ORGs were filtered once, as candidates
(:func:`models.candidates.is_plausible_org`: not a generic noun, place, event or
venue); products and models (하이퍼클로바, GPT-3) were blocked before resolution.
"""
from __future__ import annotations

from ..document import ArticleDoc
from ..mention import Mention


def extract_orgs(adoc: ArticleDoc) -> list[Mention]:
    """ORG mentions of an analysed article, in text order."""
    return adoc.by_label("ORG")
