"""Statistical NER (ORG PER LOC DATE MONEY) over mecab-ko surface morphemes.

* :mod:`models.ner.data` — corpus reading, KMOU/klp2016 → contract label map,
  document-level split, alignment of gold spans to morpheme tokens.
* :mod:`models.ner.train` — ``train_ner`` (used by ``kornews train``).
* :mod:`models.ner.model` — ``load_ner`` / ``ner_spans`` and the versioned
  :data:`NER_MODEL_NAME` written to Parquet metadata.

Training needs only spaCy (plus ``floret`` for the static vectors). Importing
this package loads neither spaCy nor the model: the names from
:mod:`models.ner.model` are imported on first use, so the CLI can read the
training choices below at startup.
"""
from __future__ import annotations

#: NER architectures: a BILUO softmax tagger (fast, the default) or spaCy's
#: transition-based ``ner`` (its greedy state machine costs as much as the CNN).
ARCHITECTURES = ("tagger", "parser")
#: Checkpoint selection scores (see :func:`models.ner.train.selection_score`).
SELECTIONS = ("org_money", "micro")

_FROM_MODEL = ("DEFAULT_MODEL_DIR", "NER_BACKEND", "NER_MODEL_NAME", "load_ner", "ner_spans")

__all__ = ["ARCHITECTURES", "SELECTIONS", *_FROM_MODEL]


def __getattr__(name: str):
    if name in _FROM_MODEL:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
