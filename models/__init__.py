"""kornews models: ingest, cleaning, Korean tokenization, NER and extractors.

Nothing in this package imports Prefect: the flows in ``pipeline/`` are thin
wrappers over these functions, so every piece runs and tests without the engine.
"""
from pathlib import Path
import os

__version__ = "0.1.0"

#: Registry-style names of the swappable components; written to Parquet metadata.
COMPONENT_VERSIONS = {
    "kornews": __version__,
}


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
