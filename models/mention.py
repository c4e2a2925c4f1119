"""An entity mention with exact character offsets: what candidate finding, resolution and extractors share."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from spacy.tokens import Doc

#: Contract entity labels.
LABELS = ("ORG", "VENUE", "PER", "LOC", "DATE", "MONEY", "COUNT")


@dataclass(frozen=True)
class Mention:
    """An entity mention. ``text == body[start:end]`` always holds.

    ``source`` is ``gazetteer``, ``rule`` or ``model``; ``payload`` keeps the rule
    object (a :class:`models.extract.money.Money` or ``Count``) for extractors.
    """

    start: int
    end: int
    text: str
    label: str
    source: str
    canonical: Optional[str] = None
    kind: Optional[str] = None
    parent: Optional[str] = None
    year: Optional[int] = None
    norm: Optional[dict] = None
    payload: object = field(default=None, compare=False, repr=False)
    #: the venue edition came from the "VENUE YYYY" form (ICLR 2022), not "2019년 ICCV"
    edition: bool = False

    def norm_json(self) -> Optional[str]:
        return json.dumps(self.norm, ensure_ascii=False, sort_keys=True) if self.norm else None


if not Doc.has_extension("mentions"):
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("candidates"):
    Doc.set_extension("candidates", default=None)
