"""kornews models: what understands text. Cleaning, Korean tokenization, the spaCy
document, gazetteers, NER, extractors, records and the table schema.

It reads only its own data files (``corpora/``, ``models/ner/weights``) and imports
nothing from ``pipeline/`` nor any orchestration, CLI, network, lock or Parquet
dataset library; ``tests/test_architecture.py`` keeps it so.
"""
from pathlib import Path
import os

__version__ = "0.1.0"


_BUNDLED_CORPORA = Path(__file__).resolve().parent.parent / "corpora"


def corpora_dir() -> Path:
    """Return the ``corpora/`` folder (gazetteers, patterns, samples).

    ``KORNEWS_CORPORA`` overrides it; by default it is the folder beside the
    installed (editable) packages.
    """
    env = os.environ.get("KORNEWS_CORPORA")
    if env:
        return Path(env)
    return _BUNDLED_CORPORA
