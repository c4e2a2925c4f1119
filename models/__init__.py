"""kornews models: what understands text. Cleaning, Korean tokenization, the spaCy
document, gazetteers, NER, extractors, records and the table schema.

It reads only its own data files (``corpora/``, ``models/ner/weights``) and imports
nothing from ``pipeline/`` nor any orchestration, CLI, network, lock or Parquet
dataset library; ``tests/test_architecture.py`` keeps it so.
"""
from pathlib import Path
import os
import sys

__version__ = "0.1.0"


def _thinc_without_torch() -> None:
    """Import thinc (spaCy's machine-learning layer) without letting it import torch.

    thinc imports torch at start-up whenever it is installed (1.5 s here) although
    kornews' spaCy pipeline never runs a torch layer; the transformers tier imports
    torch itself when it loads (:mod:`models.ner.hf`). ``KORNEWS_THINC_TORCH=1`` keeps
    thinc's own torch support for pipelines that need it.
    """
    if os.environ.get("KORNEWS_THINC_TORCH") or "thinc" in sys.modules or "torch" in sys.modules:
        return
    sys.modules["torch"] = None  # thinc's optional `import torch` fails fast
    try:
        import thinc.compat  # noqa: F401
    except ImportError:
        pass
    finally:
        del sys.modules["torch"]


_thinc_without_torch()


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
