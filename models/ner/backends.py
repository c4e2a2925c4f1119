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
``accurate``       the shipped accurate tier (``models/ner/accurate``):
                   multilingual-e5-small fine-tuned on Korean news NER, run
                   through the ``hf`` component (CPU or CUDA, ``device``)
=================  ===========================================================
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language

from ..errors import BackendError, Errors
from ..nlp import blank_korean


#: Versioned name of the accurate tier (``--ner accurate``), written to Parquet metadata.
ACCURATE_MODEL_NAME = "kornews.ner.e5_small_ko_news.v1"

#: ``device`` values for the Hugging Face components (``None``/``auto``: CUDA when available).
DEVICES = ("auto", "cpu", "cuda")


def default_weights_dir() -> Path:
    """The shipped spaCy model folder, ``models/ner/weights`` (``--ner default``)."""
    return Path(__file__).resolve().parent / "weights"


def accurate_dir() -> Path:
    """The shipped accurate-tier checkpoint folder, ``models/ner/accurate``."""
    return Path(__file__).resolve().parent / "accurate"


def _accurate_name(path: Path) -> str:
    try:
        import json

        return json.loads((path / "kornews.json").read_text(encoding="utf-8")).get("model_name") or ACCURATE_MODEL_NAME
    except (OSError, ValueError):
        return ACCURATE_MODEL_NAME


def _has_model(path: Path) -> bool:
    return (path / "config.cfg").exists() and (path / "ner").exists()


def ner_model_name(spec: str) -> str:
    """The versioned model name written to Parquet metadata for an ``--ner`` value."""
    if spec in ("none", "gazetteer") or (spec == "default" and not _has_model(default_weights_dir())):
        return "none"
    if spec.startswith("hf:"):
        return f"hf:{Path(spec[3:]).name}"
    if spec == "accurate":
        return _accurate_name(accurate_dir())
    path = default_weights_dir() if spec in ("default", "spacy") else Path(spec.split(":", 1)[1])
    try:
        from .model import NER_MODEL_NAME
    except ImportError:  # pragma: no cover - model module is optional
        NER_MODEL_NAME = "kornews.ner.spacy"
    return NER_MODEL_NAME if path == default_weights_dir() else f"spacy:{path.name}"


def attach_ner(spec: str, tokenizer: str, device: str | None = None) -> Language:
    """Return a ``Language`` with the tokenizer and the statistical NER chosen by ``spec``.

    Args:
        spec: an ``--ner`` value (see the module table).
        tokenizer: the morphological tokenizer backend of the pipeline.
        device: for ``hf:PATH`` and ``accurate``: ``"cpu"``, ``"cuda"``
            (``"cuda:1"``), or ``None``/``"auto"`` for CUDA when available;
            ignored by the other backends.

    Raises:
        BackendError: unknown ``spec`` (E015), a missing model directory
            (E016), missing accurate weights (E054), or the Hugging Face
            loading errors (E021-E025).
    """
    if spec in ("none", "gazetteer"):
        return blank_korean(tokenizer)
    if spec == "default":
        if _has_model(default_weights_dir()):
            return _load_spacy(default_weights_dir())
        return blank_korean(tokenizer)
    if spec == "spacy" or spec.startswith("spacy:"):
        path = default_weights_dir() if spec == "spacy" else Path(spec.split(":", 1)[1])
        return _load_spacy(path)
    if spec.startswith("hf:") or spec == "accurate":
        from .hf import add_hf_ner

        if spec == "accurate":
            path = accurate_dir()
            missing = [n for n in ("config.json", "model.safetensors", "tokenizer.json") if not (path / n).exists()]
            if missing:
                raise BackendError(Errors.E054.format(path=path, detail="no " + ", ".join(missing)))
        else:
            path = Path(spec[3:])
        nlp = blank_korean(tokenizer)
        add_hf_ner(nlp, path, device=None if device in (None, "auto") else device)
        return nlp
    raise BackendError(Errors.E015.format(name=spec))


def _load_spacy(path: Path) -> Language:
    if not _has_model(path):
        raise BackendError(Errors.E016.format(path=path, detail="no config.cfg or ner/ inside"))
    from .model import load_ner

    return load_ner(path)  # a fresh pipeline: callers add components to it
