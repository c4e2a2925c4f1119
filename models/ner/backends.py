"""Choosing the statistical NER behind ``--ner``.

=================  ===========================================================
``--ner``          pipeline
=================  ===========================================================
``default``        the shipped spaCy model (``models/ner/weights``) when it is
                   there, else gazetteer + rules only
``none``           gazetteer + rules only (alias: ``gazetteer``)
``spacy``          the shipped spaCy model; an error when it is missing
``spacy:PATH``     a spaCy pipeline directory trained by ``kornews train``
``hf:PATH``        a local Hugging Face token-classification checkpoint
=================  ===========================================================
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from ..errors import BackendError, Errors
from ..nlp import blank_korean

NER_CHOICES = ("default", "none", "gazetteer", "spacy", "spacy:PATH", "hf:PATH")


def _shipped_dir() -> Path:
    return Path(__file__).resolve().parent / "weights"


def _has_model(path: Path) -> bool:
    return (path / "config.cfg").exists() and (path / "ner").exists()


def ner_model_name(spec: str) -> str:
    """The versioned model name written to Parquet metadata for an ``--ner`` value."""
    if spec in ("none", "gazetteer") or (spec == "default" and not _has_model(_shipped_dir())):
        return "none"
    if spec.startswith("hf:"):
        return f"hf:{Path(spec[3:]).name}"
    path = _shipped_dir() if spec in ("default", "spacy") else Path(spec.split(":", 1)[1])
    try:
        from .model import NER_MODEL_NAME
    except ImportError:  # pragma: no cover - model module is optional
        NER_MODEL_NAME = "kornews.ner.spacy"
    return NER_MODEL_NAME if path == _shipped_dir() else f"spacy:{path.name}"


def attach_ner(spec: str, tokenizer: str) -> Language:
    """Return a ``Language`` with the tokenizer and the statistical NER chosen by ``spec``.

    Raises:
        BackendError: unknown ``spec`` (E015) or a missing model directory (E016).
    """
    if spec in ("none", "gazetteer"):
        return blank_korean(tokenizer)
    if spec == "default":
        if _has_model(_shipped_dir()):
            return _load_spacy(_shipped_dir())
        return blank_korean(tokenizer)
    if spec == "spacy" or spec.startswith("spacy:"):
        path = _shipped_dir() if spec == "spacy" else Path(spec.split(":", 1)[1])
        return _load_spacy(path)
    if spec.startswith("hf:"):
        from .hf import add_hf_ner

        nlp = blank_korean(tokenizer)
        add_hf_ner(nlp, Path(spec[3:]))
        return nlp
    raise BackendError(Errors.E015.format(name=spec))


def _load_spacy(path: Path) -> Language:
    if not _has_model(path):
        raise BackendError(Errors.E016.format(path=path, detail="no config.cfg or ner/ inside"))
    from .model import load_ner

    return load_ner(path)  # a fresh pipeline: callers add components to it
