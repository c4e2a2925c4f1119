"""Defaults of the analysis that the flows and the CLI share, defined once (no heavy imports here)."""

#: Longest body analysed in one piece; longer ones are analysed in windows. The NER holds
#: ~8 kB of activations per token while it runs (~40 MB for a 20,000-character window).
DEFAULT_WINDOW_CHARS = 20_000

#: Longest body analysed at all (2 M characters, ~100 windows); longer ones are quarantined.
DEFAULT_MAX_ARTICLE_CHARS = 2_000_000

#: ``--ner`` when none is given: the shipped CNN.
DEFAULT_NER = "default"

#: Articles analysed and written per batch by ``run`` and ``serve``.
DEFAULT_BATCH_SIZE = 64
