"""Statistical NER (ORG PER LOC DATE MONEY) over mecab-ko surface morphemes.

* :mod:`models.ner.data` — corpus reading, KMOU/klp2016 → contract label map,
  document-level split, alignment of gold spans to morpheme tokens.
* :mod:`models.ner.train` — ``train_ner`` (used by ``kornews train``).
* :mod:`models.ner.model` — ``load_ner`` / ``ner_spans`` and the versioned
  :data:`NER_MODEL_NAME` written to Parquet metadata.

Training needs only spaCy (plus ``floret`` for the static vectors); importing
this package does not load the model.
"""
from .model import DEFAULT_MODEL_DIR, NER_BACKEND, NER_MODEL_NAME, load_ner, ner_spans

__all__ = ["DEFAULT_MODEL_DIR", "NER_BACKEND", "NER_MODEL_NAME", "load_ner", "ner_spans"]
