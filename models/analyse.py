"""From raw articles to output records: clean → analyse → extract.

:class:`Analyzer` holds the (expensive) spaCy pipeline, built once, and turns
batches of :class:`models.schema.RawArticle` into rows of every output table.
Per-article failures follow an ``errors=`` policy, as sqlite-utils does:
``"raise"`` (tests) or ``"quarantine"`` (flows: the article becomes a
``quarantine`` row with the error, the run goes on). Nothing is dropped silently.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Optional, Sequence

from . import __version__
from .clean import CleanArticle, clean_article
from .document import ArticleDoc, Mention, build_nlp
from .errors import Errors, IngestError
from .extract.investment import extract_investments
from .extract.orgs import extract_orgs
from .extract.papers import extract_paper_counts
from .extract.venues import extract_venues
from .ner.backends import ner_model_name
from .schema import Article, Entity, Investment, PaperCount, QuarantineRecord, RawArticle
from .store import article_id, partition_month
from .tokenize import DEFAULT_BACKEND

ERROR_POLICIES = ("raise", "quarantine")

#: Articles per spaCy batch inside one analysis call.
PIPE_BATCH_ARTICLES = 8


@dataclass
class Records:
    """Rows for every output table, accumulated over a batch."""

    articles: list[Article] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    paper_counts: list[PaperCount] = field(default_factory=list)
    investments: list[Investment] = field(default_factory=list)
    quarantine: list[QuarantineRecord] = field(default_factory=list)
    #: articles skipped because they were already written (or repeated in the batch)
    skipped: int = 0

    def as_tables(self) -> dict[str, list]:
        return {"articles": self.articles, "entities": self.entities, "paper_counts": self.paper_counts,
                "investments": self.investments, "quarantine": self.quarantine}

    def extend(self, other: "Records") -> None:
        for name, rows in other.as_tables().items():
            getattr(self, name).extend(rows)
        self.skipped += other.skipped

    def counts(self) -> dict[str, int]:
        return {name: len(rows) for name, rows in self.as_tables().items()}


def _canon(m: Optional[Mention]) -> Optional[str]:
    return None if m is None else (m.canonical or m.text)


def mention_dict(m: Mention) -> dict:
    """A mention in the ``kornews tag`` output format."""
    return {"start": m.start, "end": m.end, "label": m.label, "text": m.text,
            "canonical": m.canonical, "norm": m.norm}


class Analyzer:
    """Cleans and analyses articles with one pipeline built once.

    Args:
        tokenizer: tokenizer backend name (see :mod:`models.tokenize`).
        ner: ``--ner`` value (see :mod:`models.ner.backends`).
        errors: ``"raise"`` or ``"quarantine"`` for per-article failures.
    """

    def __init__(self, tokenizer: str = DEFAULT_BACKEND, ner: str = "default", errors: str = "quarantine"):
        if errors not in ERROR_POLICIES:
            raise ValueError(Errors.E013.format(value=errors, option="errors", valid=", ".join(ERROR_POLICIES)))
        self.nlp = build_nlp(tokenizer, ner)
        self.errors = errors
        self.tokenizer_name = getattr(self.nlp.tokenizer, "backend", None)
        self.versions = {
            "kornews": __version__,
            "tokenizer": getattr(self.tokenizer_name, "registry_name", str(tokenizer)),
            "ner_model": ner_model_name(ner),
            "pipeline": ",".join(self.nlp.pipe_names),
        }

    # -- text level (``kornews tag``) -------------------------------------------------
    def analyse_text(self, text: str, published_at: Optional[datetime] = None) -> ArticleDoc:
        return ArticleDoc(self.nlp(text), published_at)

    def tag(self, texts: Sequence[str]) -> list[list[dict]]:
        """Entities of each text, in the ``kornews tag`` format."""
        return [[mention_dict(m) for m in doc._.mentions or []]
                for doc in self.nlp.pipe(texts, batch_size=PIPE_BATCH_ARTICLES * 8)]

    # -- article level (flows) ----------------------------------------------------------
    def process(self, raws: Iterable[RawArticle], run_id: str, ingested_at: datetime,
                known: Optional[Callable[[str], bool]] = None) -> Records:
        """Clean, analyse and extract a batch of raw articles into output rows.

        Args:
            known: ``article_id -> bool``; articles it knows are skipped (counted
                in ``Records.skipped``), so reruns cost no analysis.
        """
        out = Records()
        cleaned: list[tuple[RawArticle, CleanArticle]] = []
        seen: set[str] = set()
        for raw in raws:
            try:
                clean = clean_article(raw)
                if not clean.body.strip():
                    raise IngestError(Errors.E012.format(source=raw.source))
                aid = article_id(clean.body)
                if aid in seen or (known is not None and known(aid)):
                    out.skipped += 1  # the same article again: its rows exist already
                    continue
                seen.add(aid)
                cleaned.append((raw, clean))
            except Exception as e:  # noqa: BLE001 - policy decides; nothing is swallowed
                self._fail(out, raw.source, e, run_id, ingested_at)
        # small NER batches: the CNN's activations for a batch of whole articles are
        # held at once (spaCy's default batch of 1000 articles costs gigabytes)
        docs = self.nlp.pipe([c.body for _, c in cleaned], batch_size=PIPE_BATCH_ARTICLES)
        for (raw, clean), doc in zip(cleaned, docs):
            try:
                out.extend(self._records(raw, clean, doc, run_id, ingested_at))
            except Exception as e:  # noqa: BLE001
                self._fail(out, raw.source, e, run_id, ingested_at)
        return out

    def _fail(self, out: Records, source: str, e: Exception, run_id: str, ingested_at: datetime) -> None:
        if self.errors == "raise":
            raise e
        out.quarantine.append(QuarantineRecord(source, type(e).__name__, str(e) or repr(e), run_id, ingested_at,
                                               partition_month(None, ingested_at)))

    def _records(self, raw: RawArticle, clean: CleanArticle, doc, run_id: str, ingested_at: datetime) -> Records:
        published_at = raw.published_at or clean.published_at
        adoc = ArticleDoc(doc, published_at, clean.title)
        aid = article_id(clean.body)
        part = partition_month(published_at, ingested_at)
        rec = Records()
        rec.articles.append(Article(
            aid, raw.source, clean.title, clean.publisher or raw.publisher, published_at, clean.body, run_id,
            ingested_at, raw.url, clean.byline, tuple(clean.reporter_emails), len(clean.removed), part,
        ))
        orgs = extract_orgs(adoc)
        keep = {id(m) for m in orgs} | {id(m) for m in extract_venues(adoc)}
        for m in adoc.mentions:
            if m.label == "ORG" and id(m) not in keep:
                continue
            rec.entities.append(Entity(
                aid, adoc.sent_idx(m.start), m.start, m.end, m.text, m.label, m.canonical, m.source, run_id,
                m.kind, m.parent, m.year, m.norm_json(), part,
            ))
        for p in extract_paper_counts(adoc):
            rec.paper_counts.append(PaperCount(
                aid, p.sent_idx, p.start, p.end, _canon(p.org), p.org.text if p.org else None,
                tuple(v.canonical or v.text for v in p.venues), p.year, p.count, p.count_text, p.qualifier,
                p.evidence, run_id, part,
            ))
        for inv in extract_investments(adoc):
            money = inv.money.payload
            rec.investments.append(Investment(
                aid, inv.sent_idx, inv.start, inv.end, _canon(inv.investor),
                inv.investor.text if inv.investor else None, inv.recipient, inv.money.text, money.currency,
                money.amount if money.amount is not None else None, money.krw_low, money.krw_high,
                money.qualifier, inv.evidence, run_id, inv.period, part,
            ))
        return rec


@functools.lru_cache(maxsize=4)
def get_analyzer(tokenizer: str = DEFAULT_BACKEND, ner: str = "default", errors: str = "quarantine") -> Analyzer:
    """One :class:`Analyzer` per configuration per process (models load once)."""
    return Analyzer(tokenizer, ner, errors)
