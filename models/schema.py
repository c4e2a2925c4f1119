"""Records and the Parquet schema of every output table, in one place.

Each table has a frozen dataclass (what the library produces) and a pyarrow
schema (what is written). ``tests/test_schema.py`` asserts their fields agree,
so a schema change is always a deliberate diff of this file.

Offsets: every ``start``/``end`` is a Python ``str`` character offset into the
cleaned ``articles.body``, end exclusive. Money: ``amount`` is in the units of
``currency`` (원 for KRW, 엔 for JPY ...); ``amount_krw_low``/``amount_krw_high`` are
whole 원.
"""
from __future__ import annotations

import dataclasses
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Optional

import pyarrow as pa

#: Bumped on any incompatible change of a table; written to file metadata.
SCHEMA_VERSION = "1"

#: Hive partition column shared by every table: ``YYYY-MM`` of the article's
#: published date, or :data:`UNKNOWN_MONTH` when the published date is unknown.
#: Quarantine rows have no article date: they go by their ingest month.
PARTITION_COLUMN = "pub_month"

#: The partition of rows whose article has no known published date (and of the
#: zero-row file a run writes for an empty table).
UNKNOWN_MONTH = "unknown"

TS = pa.timestamp("us", tz="UTC")


def article_id(body: str) -> str:
    """Stable id of an article: SHA-256 of its NFC-normalised cleaned body, 16 hex chars.

    >>> article_id("네이버가 발표했다.") == article_id("네이버가 발표했다.")
    True
    """
    norm = unicodedata.normalize("NFC", body).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def partition_month(published_at: Optional[datetime]) -> str:
    """The ``pub_month`` of an article's rows: ``YYYY-MM`` of its published date, else ``unknown``.

    The ingest month is never borrowed: an undated article would otherwise look
    published in the month it was read.

    >>> partition_month(datetime(2023, 3, 15)), partition_month(None)
    ('2023-03', 'unknown')
    """
    if published_at is None:
        return UNKNOWN_MONTH
    return f"{published_at.year:04d}-{published_at.month:02d}"


def ingest_month(ingested_at: datetime) -> str:
    """The ``pub_month`` of a quarantine row: ``YYYY-MM`` of its ingest.

    A quarantined input has no published date; it is filed by when it was read.

    >>> ingest_month(datetime(2024, 5, 1))
    '2024-05'
    """
    return f"{ingested_at.year:04d}-{ingested_at.month:02d}"


@dataclass(frozen=True)
class RawArticle:
    """An article as read from an input, before cleaning."""

    source: str
    text: str
    title: Optional[str] = None
    published_at: Optional[datetime] = None
    url: Optional[str] = None
    publisher: Optional[str] = None
    #: Which reader produced it (``txt``, ``html``, ``json`` ...).
    format: str = "txt"
    encoding: Optional[str] = None
    #: Damaged byte sequences (or lone surrogates in JSON) replaced by U+FFFD when decoding.
    replaced: int = 0


@dataclass(frozen=True)
class QuarantineRecord:
    source: str
    error_type: str
    error: str
    run_id: str = ""
    ingested_at: Optional[datetime] = None
    pub_month: str = ""
    #: where analysis failed (clean, tokenize, ner, rules, extract); None for inputs that could not be read
    stage: Optional[str] = None


@dataclass(frozen=True)
class Article:
    article_id: str
    source: str
    title: Optional[str]
    publisher: Optional[str]
    published_at: Optional[datetime]
    body: str
    run_id: str
    ingested_at: datetime
    url: Optional[str] = None
    byline: Optional[str] = None
    reporter_emails: tuple[str, ...] = ()
    removed_boilerplate: int = 0
    pub_month: str = ""
    #: why cleaning kept text it would otherwise have cut (see ``models.clean``), or None
    cleaning_note: Optional[str] = None
    #: damaged byte sequences replaced by U+FFFD when the input was decoded (0: decoded strictly)
    decode_replacements: int = 0


@dataclass(frozen=True)
class Entity:
    article_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    label: str
    canonical: Optional[str]
    source: str
    run_id: str = ""
    kind: Optional[str] = None
    parent: Optional[str] = None
    year: Optional[int] = None
    norm: Optional[str] = None  # JSON of the tag ``norm`` object
    pub_month: str = ""


@dataclass(frozen=True)
class PaperCount:
    article_id: str
    sent_idx: int
    start: int
    end: int
    org: Optional[str]
    org_text: Optional[str]
    venues: tuple[str, ...]
    year: Optional[int]
    count: Optional[int]
    count_text: str
    qualifier: str
    evidence: str
    run_id: str = ""
    pub_month: str = ""


@dataclass(frozen=True)
class Investment:
    article_id: str
    sent_idx: int
    start: int
    end: int
    investor: Optional[str]
    investor_text: Optional[str]
    recipient: Optional[str]
    amount_text: str
    currency: str
    amount: Optional[float]
    amount_krw_low: Optional[int]
    amount_krw_high: Optional[int]
    qualifier: str
    evidence: str
    run_id: str = ""
    period: Optional[str] = None
    pub_month: str = ""


_S, _I32, _I16, _I64, _F64 = pa.string(), pa.int32(), pa.int16(), pa.int64(), pa.float64()

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", _S), ("source", _S), ("title", _S), ("publisher", _S),
        ("published_at", TS), ("body", _S), ("run_id", _S), ("ingested_at", TS),
        ("url", _S), ("byline", _S), ("reporter_emails", pa.list_(_S)),
        ("removed_boilerplate", _I32), ("cleaning_note", _S), ("decode_replacements", _I32), (PARTITION_COLUMN, _S),
    ]),
    "entities": pa.schema([
        ("article_id", _S), ("sent_idx", _I32), ("start", _I32), ("end", _I32),
        ("text", _S), ("label", _S), ("canonical", _S), ("source", _S), ("run_id", _S),
        ("kind", _S), ("parent", _S), ("year", _I16), ("norm", _S), (PARTITION_COLUMN, _S),
    ]),
    "paper_counts": pa.schema([
        ("article_id", _S), ("sent_idx", _I32), ("start", _I32), ("end", _I32),
        ("org", _S), ("org_text", _S), ("venues", pa.list_(_S)), ("year", _I16),
        ("count", _I32), ("count_text", _S), ("qualifier", _S), ("evidence", _S),
        ("run_id", _S), (PARTITION_COLUMN, _S),
    ]),
    "investments": pa.schema([
        ("article_id", _S), ("sent_idx", _I32), ("start", _I32), ("end", _I32),
        ("investor", _S), ("investor_text", _S), ("recipient", _S), ("amount_text", _S),
        ("currency", _S), ("amount", _F64), ("amount_krw_low", _I64), ("amount_krw_high", _I64),
        ("qualifier", _S), ("evidence", _S), ("run_id", _S), ("period", _S), (PARTITION_COLUMN, _S),
    ]),
    "quarantine": pa.schema([
        ("source", _S), ("error_type", _S), ("error", _S), ("run_id", _S),
        ("ingested_at", TS), ("stage", _S), (PARTITION_COLUMN, _S),
    ]),
}

RECORD_TYPES = {
    "articles": Article,
    "entities": Entity,
    "paper_counts": PaperCount,
    "investments": Investment,
    "quarantine": QuarantineRecord,
}

TABLES = tuple(SCHEMAS)


def to_row(record) -> dict:
    """Return a record as a dict ready for ``pa.Table.from_pylist`` (tuples → lists)."""
    row = {}
    for f in dataclasses.fields(record):
        v = getattr(record, f.name)
        row[f.name] = list(v) if isinstance(v, tuple) else v
    return row
