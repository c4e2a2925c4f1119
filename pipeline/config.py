"""The flow's single typed parameter, validated by Prefect (pydantic)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import corpora_dir
from models.tokenize import BACKENDS


def default_inputs() -> list[str]:
    """The sample corpus shipped in ``corpora/samples`` (the default input of ``kornews run``)."""
    return [str(corpora_dir() / "samples")]


class AnalysisConfig(BaseModel):
    """How articles are analysed: the options every flow shares (run, serve, reprocess).

    Every field is documented in the docstring beneath it, as kiwipiepy's
    ``KiwiConfig`` does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tokenizer: str = "kiwi"
    """Tokenizer backend: kiwi, mecab, okt, komoran, kkma, hannanum, konlpy-mecab."""

    ner: str = "default"
    """Statistical NER: default, none, spacy, spacy:PATH or hf:PATH."""

    batch_size: int = Field(64, ge=1, le=10_000)
    """Articles analysed and written per batch (one task run and one file per table each)."""

    errors: Literal["quarantine", "raise"] = "quarantine"
    """Per-article failures: quarantine (row in ``quarantine``, run goes on) or raise."""

    @field_validator("tokenizer")
    @classmethod
    def _known_tokenizer(cls, v: str) -> str:
        if v not in BACKENDS:
            raise ValueError(f"Invalid value '{v}' for tokenizer. Valid values: {', '.join(BACKENDS)}")
        return v

    @field_validator("ner")
    @classmethod
    def _known_ner(cls, v: str) -> str:
        if v in ("default", "none", "gazetteer", "spacy") or v.startswith(("spacy:", "hf:")):
            return v
        raise ValueError(f"Invalid value '{v}' for ner. Valid values: default, none, spacy, spacy:PATH, hf:PATH")


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

    @property
    def out_path(self) -> Path:
        return Path(self.out)
