"""Lexicon features for the NER: known organization and place names as a token feature.

A CNN over morphemes learns names it has seen and the shapes of names (…협회,
…일보), but a broadcaster (JTBC), a party (국민의힘) or a team (두산 베어스) that the
training sentences never mention looks like any other noun. The
``kornews_lexicon`` component marks tokens that a known name covers with a
``Lex`` morphological feature (``Lex=OrgB`` on the first token, ``Lex=OrgI`` on
the rest; ``LocB``/``LocI`` for places), and the NER's tok2vec embeds ``MORPH``
beside the other token features. The lexicon is a *hint*: the model learns how
far to trust it from the training data (미국 is a place in one sentence and a
government in the next), which a post-hoc gazetteer override cannot do.

Names come from files written by hand from general knowledge (never extracted
from the training corpus, whose dev split would otherwise leak into the hint):

* ``corpora/lexicon/orgs.txt``: broadcasters, newspapers, ministries, parties,
  companies, teams, groups, universities, international bodies (ORG);
* ``corpora/gazetteer/orgs.jsonl``: the extraction gazetteer's canonical names
  and aliases (ORG);
* ``corpora/patterns/locations.txt``: countries, regions and cities (LOC).

The component stores its names in the pipeline directory (``lexicon.json``), so
a trained model is self-contained and keeps the lexicon it was trained with.

Matching is exact over whole tokens: a name matches a run of tokens whose
text (with its single spaces) equals the name or the name without spaces.
Longest match first, left to right, no overlaps. Particles are their own
tokens, so KBS가 marks KBS.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Callable, Dict, Iterable, Mapping, Optional

from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc

from .. import corpora_dir
from ..datafiles import read_jsonl, read_name_list
from ..errors import BackendError, Errors
from ..gazetteer import GAZETTEER_EXPECTED, entry_names
from ..nlp import doc_text

#: Lexicon labels and the feature values they set (first token, other tokens).
FEATURES = {"ORG": ("OrgB", "OrgI"), "LOC": ("LocB", "LocI")}
#: A name longer than this many tokens is never matched (keeps the scan bounded).
MAX_TOKENS = 8


def default_lexicon_paths() -> dict[str, tuple[Path, ...]]:
    """The files :func:`load_names` reads by default, by label (under :func:`models.corpora_dir`)."""
    corpora = corpora_dir()
    return {"ORG": (corpora / "lexicon" / "orgs.txt", corpora / "gazetteer" / "orgs.jsonl"),
            "LOC": (corpora / "patterns" / "locations.txt",)}


def _read_names(path: Path) -> Iterable[str]:
    """Names in a ``.txt`` (one a line, ``#`` comments) or a gazetteer ``.jsonl``
    (each line's canonical name, aliases and abbreviations, checked by
    :func:`models.gazetteer.entry_names`; the other fields of an entry are not
    needed here and not checked).

    Raises:
        BackendError: E016 when the file does not exist.
        DataFileError: E003 naming ``path:line`` for a line that is not a JSON
            object with a non-empty ``canonical`` name and lists of names.
    """
    if not path.exists():
        raise BackendError(Errors.E016.format(path=path, detail="lexicon file not found"))
    if path.suffix != ".jsonl":
        yield from read_name_list(path)
        return
    for lineno, obj in read_jsonl(path, GAZETTEER_EXPECTED):
        yield from entry_names(path, lineno, obj)


def load_names(paths: Mapping[str, Iterable[Path]] | None = None) -> dict[str, str]:
    """``{name: label}`` from the lexicon files; a name listed under two labels keeps ORG.

    Names shorter than two characters are skipped (one syllable is too ambiguous
    a hint); runs of whitespace inside a name become one space.
    """
    paths = default_lexicon_paths() if paths is None else paths
    names: dict[str, str] = {}
    for label in ("LOC", "ORG"):  # ORG last: it wins a name listed twice
        for path in paths.get(label, ()):
            for name in _read_names(Path(path)):
                name = " ".join(name.split())
                if len(name) < 2:
                    continue
                names[name] = label
    return names


class Lexicon:
    """spaCy component: set ``Lex=…`` on tokens covered by a known name (see module doc)."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        self.set_names(names or {})

    def set_names(self, names: Mapping[str, str]) -> None:
        """Use ``{name: label}``; a name with spaces also matches without them
        (두산 베어스, 두산베어스), unless that spelling is listed itself."""
        bad = {lab for lab in names.values() if lab not in FEATURES}
        if bad:
            raise ValueError(f"[kornews] lexicon labels must be {', '.join(FEATURES)}, not {sorted(bad)}")
        self.names = {" ".join(n.split()): lab for n, lab in names.items()}
        for name, lab in list(self.names.items()):
            self.names.setdefault(name.replace(" ", ""), lab)
        self._prefixes = {name[:i] for name in self.names for i in range(1, len(name) + 1)}
        self._first_chars = frozenset(name[0] for name in self.names)

    def initialize(self, get_examples: Optional[Callable] = None, *, nlp: Optional[Language] = None,
                   names: Optional[Dict[str, str]] = None) -> None:
        self.set_names(load_names() if names is None else names)

    def matches(self, doc: Doc) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start_token, end_token, label)`` matches, longest first."""
        if not len(doc):
            return []
        names, prefixes, first_chars = self.names, self._prefixes, self._first_chars
        text = doc_text(doc)
        idx = doc.to_array(IDX)
        starts = idx.tolist()
        ends = (idx + doc.to_array(LENGTH)).tolist()
        out = []
        n = len(starts)
        i = 0
        while i < n:
            start = starts[i]
            best = None
            if text[start] in first_chars:
                # text[start:ends[j]] is tokens i..j with the text's own spacing
                for j in range(i, min(n, i + MAX_TOKENS)):
                    s = text[start:ends[j]]
                    if s not in prefixes:
                        break
                    if s in names:
                        best = (j + 1, names[s])
            if best is None:
                i += 1
            else:
                out.append((i, best[0], best[1]))
                i = best[0]
        return out

    def __call__(self, doc: Doc) -> Doc:
        return self.annotate(doc)

    def annotate(self, doc: Doc, drop: float = 0.0, rng: Optional[random.Random] = None) -> Doc:
        """Set the features. ``drop`` (training only: ``--lexicon-drop``, 0 for the
        shipped model) leaves each match unmarked with that probability, drawn
        from ``rng``, so that names are also learnt without the hint."""
        for start, end, label in self.matches(doc):
            if drop and (rng or random).random() < drop:
                continue
            first, rest = FEATURES[label]
            doc[start].set_morph(f"Lex={first}")
            for k in range(start + 1, end):
                doc[k].set_morph(f"Lex={rest}")
        return doc

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = dict(sorted(self.names.items()))
        (path / "lexicon.json").write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n",
                                           encoding="utf-8")

    def from_disk(self, path, *, exclude=()) -> "Lexicon":
        file = Path(path) / "lexicon.json"
        if not file.exists():
            raise BackendError(Errors.E016.format(path=file.parent, detail="lexicon.json not found"))
        self.set_names(json.loads(file.read_text(encoding="utf-8")))
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        return json.dumps(self.names, ensure_ascii=False).encode("utf-8")

    def from_bytes(self, data: bytes, *, exclude=()) -> "Lexicon":
        self.set_names(json.loads(data.decode("utf-8")))
        return self


@Language.factory("kornews_lexicon")
def make_lexicon(nlp: Language, name: str) -> Lexicon:
    """An empty lexicon; ``nlp.initialize()`` fills it from the corpora files and
    ``from_disk`` from a trained pipeline's ``lexicon.json``."""
    return Lexicon()
