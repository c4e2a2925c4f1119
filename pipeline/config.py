"""The flows' typed parameters, validated by Prefect (pydantic); every default is defined here once.

``run``, ``serve``, ``reprocess`` and ``tag`` read their analysis options from
:class:`AnalysisConfig`, and the CLI builds their shared options from its fields
(:func:`pipeline.cli.analysis_options`), so a default or a help text changes in
one place.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import corpora_dir
from models.analyse import DEFAULT_MAX_ARTICLE_CHARS, DEFAULT_WINDOW_CHARS
from models.errors import Errors
from models.tokenize import BACKENDS

#: ``--ner`` values that name no path.
NER_NAMES = ("default", "none", "gazetteer", "spacy", "accurate")


def default_inputs() -> list[str]:
    """The sample corpus shipped in ``corpora/samples`` (the default input of ``kornews run``)."""
    return [str(corpora_dir() / "samples")]


def check_ner(value: str) -> str:
    """Validate an ``--ner`` value (a name, ``spacy:PATH`` or ``hf:PATH``).

    Raises:
        ValueError: ``[E013]`` listing the valid values.
    """
    if value in NER_NAMES or (value.startswith(("spacy:", "hf:")) and len(value.split(":", 1)[1]) > 0):
        return value
    raise ValueError(Errors.E013.format(value=value, option="ner",
                                        valid=", ".join(NER_NAMES) + ", spacy:PATH, hf:PATH"))


class AnalysisConfig(BaseModel):
    """How articles are analysed: the options every flow shares (run, serve, reprocess, tag).

    Every field is documented in the docstring beneath it, as kiwipiepy's
    ``KiwiConfig`` does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tokenizer: Optional[str] = None
    """Tokenizer backend (kiwi, mecab, okt, komoran, kkma, hannanum, konlpy-mecab). Default: the one the
    NER model was trained on (mecab for the shipped model), else kiwi. A spaCy model refuses any other."""

    ner: str = "default"
    """Statistical NER: default (the shipped model), accurate, none, spacy:PATH or hf:PATH."""

    device: Optional[Literal["cpu", "cuda"]] = None
    """Where a transformer NER (--ner accurate, hf:PATH) runs; default: CUDA when available, else CPU."""

    batch_size: int = Field(64, ge=1, le=10_000)
    """Articles analysed and written per batch (one task run and one file per table each)."""

    errors: Literal["quarantine", "raise"] = "quarantine"
    """Per-article failures: quarantine (row in ``quarantine``, run goes on) or raise."""

    max_article_chars: int = Field(DEFAULT_MAX_ARTICLE_CHARS, ge=2)
    """Longest cleaned article analysed (characters); longer ones are quarantined as TooLong."""

    window_chars: int = Field(DEFAULT_WINDOW_CHARS, ge=2)
    """Longest text analysed in one piece; longer ones are analysed in sentence-aligned windows."""

    @field_validator("tokenizer")
    @classmethod
    def _known_tokenizer(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and v not in BACKENDS:
            raise ValueError(Errors.E013.format(value=v, option="tokenizer", valid=", ".join(BACKENDS)))
        return v

    @field_validator("ner")
    @classmethod
    def _known_ner(cls, v: str) -> str:
        return check_ner(v)

    def analyzer_key(self) -> tuple:
        """The arguments of :func:`models.analyse.get_analyzer` (hashable: one analyzer per key)."""
        return (self.tokenizer, self.ner, self.errors, self.max_article_chars, self.window_chars)


class PipelineConfig(AnalysisConfig):
    """Configuration of one ``kornews run``: inputs, output and the analysis options."""

    inputs: list[str] = Field(default_factory=default_inputs)
    """Files, folders (recursive), globs or archives to read. Default: ``corpora/samples``."""

    out: str = "out"
    """Output folder; one hive-partitioned Parquet dataset per table under it."""

    field_map: Optional[dict[str, list[str]]] = None
    """JSON/JSONL key mapping, e.g. ``{"text": ["본문"], "title": ["제목"]}``; merged over the defaults."""

    max_member_bytes: int = Field(50 * 1024 * 1024, gt=0)
    """Largest archive member read; larger ones are quarantined (zip bombs)."""

    max_archive_bytes: int = Field(2 * 1024 ** 3, gt=0)
    """Largest total uncompressed size read from one archive."""

    progress: bool = True
    """Show a progress bar on the terminal."""

    @field_validator("field_map")
    @classmethod
    def _known_fields(cls, v: Optional[dict]) -> Optional[dict]:
        if v is not None:
            from models.ingest import IngestConfig

            IngestConfig(field_map=v)  # raises E013 naming the unknown key and the valid ones
        return v

    @property
    def out_path(self) -> Path:
        return Path(self.out)
