"""The flows' typed parameters, validated by Prefect (pydantic); every default is defined here once.

``run``, ``serve``, ``reprocess`` and ``tag`` read their analysis options from
:class:`AnalysisConfig`, and the CLI builds their shared options from its fields
(:func:`pipeline.cli.analysis_options`), so a default or a help text changes in
one place.
"""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Literal, Optional

import click
from pydantic import BaseModel, ConfigDict, Field, field_validator

from models import corpora_dir
from models.defaults import DEFAULT_BATCH_SIZE, DEFAULT_MAX_ARTICLE_CHARS, DEFAULT_NER, DEFAULT_WINDOW_CHARS
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


def shipped_models() -> dict[Path, str]:
    """The model folders shipped in the package, by resolved path: ``{path: --ner name}``."""
    from models.ner.backends import accurate_dir, default_weights_dir

    from models.orgdecision import DECISION_PATH

    return {default_weights_dir().resolve(): "default", accurate_dir().resolve(): "accurate",
            DECISION_PATH.parent.resolve(): "default (organization decision)"}


def train_out(out_dir: Optional[str], backend: str, replace_shipped: bool = False,
              now: Optional[datetime] = None) -> Path:
    """Where ``kornews train`` writes: ``out_dir``, else a new ``runs/ner-BACKEND-YYYYmmdd-HHMMSS`` folder.

    Raises:
        click.UsageError: ``[E087]`` ``out_dir`` is a shipped model folder and
            ``replace_shipped`` is not set.
    """
    if out_dir is None:
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        return Path("runs") / f"ner-{backend}-{stamp}"
    name = shipped_models().get(Path(out_dir).resolve())
    if name is not None and not replace_shipped:
        raise click.UsageError(Errors.E087.format(path=out_dir, name=f"--ner {name}"))
    return Path(out_dir)


class AnalysisConfig(BaseModel):
    """How articles are analysed: the options every flow shares (run, serve, reprocess, tag).

    Every field is documented in the docstring beneath it, as kiwipiepy's
    ``KiwiConfig`` does.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    tokenizer: Optional[str] = None
    """Tokenizer backend (kiwi, mecab, okt, komoran, kkma, hannanum, konlpy-mecab). Default: the one the
    NER model was trained on (mecab for the shipped model), else kiwi. A spaCy model refuses any other."""

    ner: str = DEFAULT_NER
    """Statistical NER: default (the shipped model), accurate, none, spacy:PATH or hf:PATH."""

    device: Optional[Literal["cpu", "cuda"]] = None
    """Where a transformer NER (--ner accurate, hf:PATH) runs; default: CUDA when available, else CPU."""

    batch_size: int = Field(DEFAULT_BATCH_SIZE, ge=1, le=10_000)
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
            from .ingest import IngestConfig

            IngestConfig(field_map=v)  # raises E013 naming the unknown key and the valid ones
        return v

    @property
    def out_path(self) -> Path:
        return Path(self.out)


class ReprocessConfig(PipelineConfig):
    """Configuration of one ``kornews reprocess``: a :class:`PipelineConfig` plus parallelism."""

    workers: int = Field(default_factory=lambda: os.cpu_count() or 1, ge=1, le=512)
    """Local worker processes (ignored with ``dask_address``: the cluster's threads count)."""

    dask_address: Optional[str] = None
    """Scheduler of an existing Dask cluster, e.g. ``tcp://127.0.0.1:8786``. None: local processes."""

    chunk_size: int = Field(200, ge=1, le=10_000)
    """Articles per task (one unit of parallel work)."""

    max_in_flight: Optional[int] = Field(None, ge=1)
    """Chunks submitted but not yet written; default ``2 × workers``. Bounds the driver's memory."""

    flush_articles: int = Field(2000, ge=1)
    """Articles buffered in the driver before a write (fewer, larger Parquet files)."""


#: Default back-off between the tries of one fetch, in seconds.
DEFAULT_RETRY_DELAYS = [2.0, 10.0, 30.0]


class ServeConfig(AnalysisConfig):
    """Configuration of one ``kornews-ingest`` run (the flow's single typed parameter)."""

    inbox: list[str] = Field(default_factory=list)
    """Inbox folders (searched recursively), files or globs; each file is read once."""

    feeds: list[str] = Field(default_factory=list)
    """RSS 2.0 or Atom feed URLs (http/https)."""

    out: str = "out"
    """Output folder; state is kept in ``out/_state``."""

    min_interval: float = Field(1.0, ge=0)
    """Seconds between two requests to the same host (robots.txt ``Crawl-delay`` wins when longer)."""

    timeout: float = Field(10.0, gt=0)
    """Seconds for connecting and for each read of one request."""

    fetch_retries: int = Field(3, ge=0, le=20)
    """Retries of a feed or page fetch that failed for a reason that may pass."""

    retry_delays: list[float] = Field(default_factory=lambda: list(DEFAULT_RETRY_DELAYS))
    """Seconds before each retry; the last one repeats. Default 2, 10, 30."""

    max_page_failures: int = Field(3, ge=1)
    """Runs a failing page is tried in before it is given up (its quarantine row stays)."""

    settle_seconds: float = Field(2.0, ge=0)
    """Inbox files modified less than this long ago wait for the next run (still being copied)."""

    respect_robots: bool = True
    """Fetch article pages only where robots.txt allows ``kornews/<version>``."""

    allow_hosts: list[str] = Field(default_factory=list)
    """Hosts a feed's links may point to at any address (an intranet site). Default: none."""

    allow_private_links: bool = False
    """Fetch a feed's links at loopback, private and link-local addresses too. Default: off."""

    @field_validator("feeds")
    @classmethod
    def _http_feeds(cls, v: list[str]) -> list[str]:
        for url in v:
            if not url.lower().startswith(("http://", "https://")):
                raise ValueError(Errors.E013.format(value=url, option="feed", valid="http:// or https:// URLs"))
        return v

    def fetch_config(self):
        """The :class:`pipeline.feeds.FetchConfig` of this configuration."""
        from .feeds import FetchConfig

        return FetchConfig(min_interval=self.min_interval, timeout=self.timeout, respect_robots=self.respect_robots,
                           allow_hosts=tuple(self.allow_hosts), allow_private_links=self.allow_private_links)
