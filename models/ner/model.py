"""Load the shipped NER pipeline and tag text with contract labels.

The weights in ``models/ner/weights`` are an ``nlp.to_disk`` directory whose
tokenizer is ``kornews.ko_tokenizer.v1`` over **mecab-ko** morphemes (the backend
is read from its config), so entities end before particles: 네이버가 → 네이버.
Rebuild them with ``kornews train`` / ``python -m models.ner.train``.
"""
from __future__ import annotations

import functools
from pathlib import Path

from spacy.language import Language
from spacy.util import load_config

from ..errors import BackendError, Errors

#: Versioned name of the shipped model, written to Parquet metadata.
NER_MODEL_NAME = "kornews.ner.spacy_ko_news.v3"
#: Where the shipped pipeline lives.
DEFAULT_MODEL_DIR = Path(__file__).parent / "weights"
#: Tokenizer backend the shipped model was trained on (and must be run with).
NER_BACKEND = "mecab"


def load_ner(path: Path | str | None = None) -> Language:
    """Load a trained NER pipeline (the shipped one by default, cached).

    Args:
        path: an ``nlp.to_disk`` directory; ``None`` loads :data:`DEFAULT_MODEL_DIR`
            once per process.

    Returns:
        A spaCy ``Language`` whose ``doc.ents`` carry ORG PER LOC DATE MONEY.

    Raises:
        BackendError: E016 when the directory or its files are missing.
    """
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _load_default() -> Language:
    return _load(DEFAULT_MODEL_DIR)


def _load(path: Path) -> Language:
    from ..nlp import KoreanNews  # registers "kornews.ko_tokenizer.v1"
    from . import lexicon, tagger  # noqa: F401  (register "kornews_lexicon", "kornews_biluo_ner")

    if not path.is_dir():
        raise BackendError(Errors.E016.format(path=path, detail="no such directory"))
    for need in ("config.cfg", "meta.json", "ner"):
        if not (path / need).exists():
            raise BackendError(Errors.E016.format(path=path, detail=f"{need} not found"))
    config = load_config(path / "config.cfg")
    nlp = KoreanNews.from_config(config)
    return nlp.from_disk(path)


def ner_spans(nlp: Language, text: str) -> list[tuple[int, int, str]]:
    """Tag ``text`` and return its entities as character spans.

    Args:
        nlp: from :func:`load_ner`.
        text: any text (an article, a sentence).

    Returns:
        ``[(start, end, label)]`` with Python character offsets into ``text``, end
        exclusive, labels ORG PER LOC DATE MONEY.

    Example:
        >>> ner_spans(load_ner(), "네이버가 100억원을 투자했다.")  # doctest: +SKIP
        [(0, 3, 'ORG'), (5, 10, 'MONEY')]
    """
    return [(e.start_char, e.end_char, e.label_) for e in nlp(text).ents]
