"""Organizations: gazetteer names canonicalised, model names filtered.

Gazetteer matches carry a canonical name and a parent (클로바 → 네이버 클로바,
parent 네이버). Model ORGs are kept when they look like names: not a generic
noun (정부, 업계, 연구진), not a product or model (하이퍼클로바, GPT-3 are
blocked before resolution), at least two characters, not just digits.
"""
from __future__ import annotations

import re

from ..document import ArticleDoc, Mention

#: Generic nouns the statistical model sometimes tags as ORG.
_GENERIC = {
    "정부", "업계", "학계", "연구진", "연구팀", "회사", "기업", "대학", "당국", "국내", "해외", "글로벌",
    "관계사", "계열사", "자회사", "본사", "양측", "양사", "협회", "학회", "센터", "연구소", "AI", "IT",
    "팀", "측", "사", "그룹", "위원회", "국회", "법원", "검찰", "경찰",
}
_JUNK_RE = re.compile(r"^[\d\W_]+$")


def is_plausible_org(m: Mention) -> bool:
    """False for generic nouns and junk the model may tag as ORG."""
    t = m.text.strip()
    if m.source == "gazetteer":
        return True
    if len(t) < 2 or t in _GENERIC or _JUNK_RE.match(t):
        return False
    return True


def extract_orgs(adoc: ArticleDoc) -> list[Mention]:
    """ORG mentions of an analysed article, in text order."""
    return [m for m in adoc.by_label("ORG") if is_plausible_org(m)]
