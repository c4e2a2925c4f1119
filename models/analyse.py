"""From raw articles to output records: clean → analyse → extract.

:class:`Analyzer` holds the (expensive) spaCy pipeline, built once, and turns
batches of :class:`models.schema.RawArticle` into rows of every output table.

Isolation. An article goes through five stages, and a failure in any of them
costs that article only: ``clean`` (boilerplate removal, length cap),
``tokenize`` (morphemes → ``Doc``), ``ner`` (the statistical model and its
features), ``rules`` (gazetteer, money/count rules, resolution) and ``extract``
(organizations, venues, paper counts, investments → rows). The pipeline runs
component by component over a small batch of documents; when a component raises
for the batch, it is run again one document at a time, so the documents that
work keep their results and the one that fails is named. Per-article failures
follow an ``errors=`` policy, as sqlite-utils does: ``"raise"`` (tests) or
``"quarantine"`` (flows: the article becomes a ``quarantine`` row naming the
stage and the error; the run goes on). Nothing is dropped silently.

Long articles. A body longer than ``window_chars`` is analysed in windows cut
at sentence ends (else at a space), each window through the whole pipeline,
and the windows' documents are joined back into one ``Doc`` whose offsets
index the whole body. A body longer than ``max_chars`` is quarantined with a
coded error (``TooLong``) that states its length and the cap.
"""
from __future__ import annotations

import dataclasses
import functools
import re
import warnings
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable, Iterator, Optional, Sequence, Union

from spacy.tokens import Doc

from . import __version__
from .clean import NORMAL_FORM_FOLD, CleanArticle, clean_article, normalize_with_offsets
from .defaults import DEFAULT_MAX_ARTICLE_CHARS, DEFAULT_WINDOW_CHARS
from .document import ArticleDoc, build_nlp, resolve_tokenizer
from .mention import Mention
from .orgdecision import apply_decision
from .errors import Errors, IngestError, KornewsError, TooLongError
from .extract.investment import extract_investments
from .extract.orgs import extract_orgs
from .extract.papers import extract_paper_counts
from .extract.venues import extract_venues
from .ner.backends import ner_model_name
from .nlp import _TEXT_KEY, doc_text
from .schema import (Article, Entity, Investment, PaperCount, QuarantineRecord, RawArticle, article_id, ingest_month,
                     partition_month)

ERROR_POLICIES = ("raise", "quarantine")

#: The stages an article passes through, in order; a quarantine row names one.
STAGES = ("clean", "tokenize", "ner", "rules", "extract")

#: Pipeline components whose failure is a ``rules`` failure; any other is the NER's.
RULE_COMPONENTS = frozenset({"kornews_candidates", "kornews_resolve"})

#: Articles per spaCy batch inside one analysis call: the CNN's activations for a
#: batch of whole articles are held at once (spaCy's default of 1000 costs gigabytes).
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


@dataclass(frozen=True)
class StageFailure:
    """What :meth:`Analyzer.analyse_texts` gives for a text that failed: where and why."""

    stage: str
    error: BaseException


def _canon(m: Optional[Mention]) -> Optional[str]:
    return None if m is None else (m.canonical or m.text)


def mention_dict(m: Mention) -> dict:
    """A mention in the ``kornews tag`` output format."""
    return {"start": m.start, "end": m.end, "label": m.label, "text": m.text,
            "canonical": m.canonical, "norm": m.norm}


def _in_original(d: dict, raw: str, norm: str, starts: list[int]) -> dict:
    """An entity found in the normal form ``norm``, with offsets and text in ``raw``."""
    if raw == norm:
        return d
    start, end = starts[d["start"]], starts[d["end"]]
    while end > start and not raw[end - 1].translate(NORMAL_FORM_FOLD).strip():
        end -= 1  # a zero-width or space character right after the entity is not part of it
    return {**d, "start": start, "end": end, "text": raw[start:end]}


def failure_record(source: str, stage: Optional[str], error: BaseException, run_id: str = "",
                   ingested_at: Optional[datetime] = None) -> QuarantineRecord:
    """The quarantine row of an input that failed at ``stage``.

    A kornews error keeps its own coded message; any other exception is wrapped
    in ``[E042]``, which names the input, the stage and the exception.
    """
    message = str(error) if isinstance(error, KornewsError) else Errors.E042.format(
        source=source, stage=stage, error=f"{type(error).__name__}: {error}".rstrip(": "))
    return QuarantineRecord(source, type(error).__name__, message, run_id, ingested_at,
                            ingest_month(ingested_at) if ingested_at else "", stage)


_WINDOW_CUT = re.compile(r"(?<=[.?!。])[\"'”’」』)\]]*\s|\n")


def text_windows(text: str, size: int) -> list[tuple[int, int]]:
    """Cut ``text`` into ``(start, end)`` windows of at most ``size`` characters that tile it.

    Each cut falls at the last sentence end (or line break) in the second half of
    the window, else at its last space, else at ``size`` characters.

    >>> text_windows("가나다. 라마바. 사아자.", 10)
    [(0, 10), (10, 14)]
    """
    if size < 2:
        raise ValueError(Errors.E013.format(value=size, option="window_chars", valid="an integer ≥ 2"))
    out, pos, n = [], 0, len(text)
    while n - pos > size:
        lo, hi = pos + size // 2, pos + size
        cut = None
        for m in _WINDOW_CUT.finditer(text, lo, hi):
            cut = m.end()
        if cut is None:
            space = max(text.rfind(" ", lo, hi), text.rfind("\t", lo, hi))
            cut = space + 1 if space >= lo else hi
        out.append((pos, cut))
        pos = cut
    out.append((pos, n))
    return out


#: Tokens the NER gets at once (it holds ~8 kB of activations per token): 8 articles
#: of ordinary length, or one window of a long one.
PIPE_BATCH_TOKENS = 12_000


def _token_batches(indexes: Sequence[int], docs: Sequence) -> Iterator[list[int]]:
    """Consecutive groups of ``indexes`` of at most :data:`PIPE_BATCH_ARTICLES` docs and,
    unless one doc alone is more, :data:`PIPE_BATCH_TOKENS` tokens."""
    chunk: list[int] = []
    tokens = 0
    for k in indexes:
        n = len(docs[k])
        if chunk and (len(chunk) >= PIPE_BATCH_ARTICLES or tokens + n > PIPE_BATCH_TOKENS):
            yield chunk
            chunk, tokens = [], 0
        chunk.append(k)
        tokens += n
    if chunk:
        yield chunk


def _shift(m: Mention, offset: int) -> Mention:
    return dataclasses.replace(m, start=m.start + offset, end=m.end + offset)


class Analyzer:
    """Cleans and analyses articles with one pipeline built once.

    Args:
        tokenizer: tokenizer backend name (see :mod:`models.tokenize`); None: the
            one the NER model needs (mecab-ko for the shipped model), else Kiwi.
        ner: ``--ner`` value (see :mod:`models.ner.backends`).
        errors: ``"raise"`` or ``"quarantine"`` for per-article failures.
        max_chars: longest cleaned body analysed; longer ones fail with ``TooLong``.
        window_chars: longest body analysed in one piece.

    Raises:
        BackendError: a tokenizer the NER model cannot run on (E044), or a model
            that cannot be loaded.
    """

    def __init__(self, tokenizer: Optional[str] = None, ner: str = "default", errors: str = "quarantine",
                 max_chars: int = DEFAULT_MAX_ARTICLE_CHARS, window_chars: int = DEFAULT_WINDOW_CHARS):
        if errors not in ERROR_POLICIES:
            raise ValueError(Errors.E013.format(value=errors, option="errors", valid=", ".join(ERROR_POLICIES)))
        for name, value in (("max_chars", max_chars), ("window_chars", window_chars)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 2:
                raise ValueError(Errors.E013.format(value=value, option=name, valid="an integer ≥ 2"))
        tokenizer = resolve_tokenizer(ner, tokenizer)
        self.nlp = build_nlp(tokenizer, ner)
        self.errors = errors
        self.max_chars = max_chars
        self.window_chars = window_chars
        #: (stage, component name, component) in pipeline order; tests wrap entries to inject failures
        self.stages: list[tuple[str, str, Callable]] = [
            ("rules" if name in RULE_COMPONENTS else "ner", name, proc) for name, proc in self.nlp.pipeline]
        backend = getattr(self.nlp.tokenizer, "backend", None)
        self.versions = {
            "kornews": __version__,
            "tokenizer": getattr(backend, "registry_name", str(tokenizer)),
            "ner_model": ner_model_name(ner),
            "pipeline": ",".join(self.nlp.pipe_names),
        }

    # -- analysis with isolation --------------------------------------------------------
    def analyse_texts(self, texts: Iterable[str]) -> Iterator[Union[Doc, StageFailure]]:
        """Run the pipeline over each text; yield its ``Doc``, or where it failed.

        Texts are taken :data:`PIPE_BATCH_ARTICLES` at a time, so memory is bounded
        by a few documents whatever the input; results come in input order.
        """
        batch: list[str] = []
        for text in texts:
            batch.append(text)
            if len(batch) >= PIPE_BATCH_ARTICLES:
                yield from self._analyse_batch(batch)
                batch = []
        if batch:
            yield from self._analyse_batch(batch)

    def _analyse_batch(self, texts: Sequence[str]) -> list[Union[Doc, StageFailure]]:
        units: list[tuple[int, int, int]] = []  # (text index, window start, window end)
        for i, text in enumerate(texts):
            units.extend((i, s, e) for s, e in text_windows(text, self.window_chars))
        docs: list[Union[Doc, StageFailure]] = []
        for i, s, e in units:
            try:
                docs.append(self.nlp.tokenizer(texts[i][s:e]))
            except Exception as exc:  # noqa: BLE001 - isolated: this text fails, the batch goes on
                docs.append(StageFailure("tokenize", exc))
        for stage, _, proc in self.stages:
            self._run_component(stage, proc, docs)
        out: list[Union[Doc, StageFailure]] = []
        for i, text in enumerate(texts):
            parts = [(s, docs[k]) for k, (j, s, _) in enumerate(units) if j == i]
            failed = next((d for _, d in parts if isinstance(d, StageFailure)), None)
            if failed is not None:
                out.append(failed)
            elif len(parts) == 1:
                out.append(parts[0][1])
            else:
                try:
                    out.append(self._join_windows(text, parts))
                except Exception as exc:  # noqa: BLE001
                    out.append(StageFailure("rules", exc))
        return out

    @staticmethod
    def _run_component(stage: str, proc: Callable, docs: list) -> None:
        """Apply one component to the live docs in place; failures replace their doc."""
        live = [k for k, d in enumerate(docs) if isinstance(d, Doc)]
        for chunk in _token_batches(live, docs):
            try:
                if hasattr(proc, "pipe"):
                    done = list(proc.pipe([docs[k] for k in chunk], batch_size=len(chunk)))
                else:
                    done = [proc(docs[k]) for k in chunk]
            except Exception:  # noqa: BLE001 - find the doc that failed: one at a time
                for k in chunk:
                    try:
                        docs[k] = proc(docs[k])
                    except Exception as exc:  # noqa: BLE001
                        docs[k] = StageFailure(stage, exc)
                continue
            for k, d in zip(chunk, done):
                docs[k] = d

    @staticmethod
    def _join_windows(text: str, parts: Sequence[tuple[int, Doc]]) -> Doc:
        """One ``Doc`` over the whole text from its windows' docs; mentions shifted."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W101: doc-level extensions are set below
            doc = Doc.from_docs([d for _, d in parts], ensure_whitespace=False)
        doc.user_data[_TEXT_KEY] = text
        doc._.mentions = [_shift(m, s) for s, d in parts for m in (d._.mentions or [])]
        if doc_text(doc) != text or doc.text != text:  # pragma: no cover - windows tile the text
            raise AssertionError("windowed analysis did not reproduce the text")
        return doc

    # -- text level (``kornews tag``) -------------------------------------------------
    def analyse_text(self, text: str, published_at: Optional[datetime] = None) -> ArticleDoc:
        """Analyse one text; failures raise whatever the policy."""
        result = next(self.analyse_texts([text]))
        if isinstance(result, StageFailure):
            raise result.error
        adoc = ArticleDoc(result, published_at)
        apply_decision(adoc)
        return adoc

    def tag(self, texts: Sequence[str]) -> list[Union[list[dict], StageFailure]]:
        """Entities of each text in the ``kornews tag`` format, or where it failed.

        Each text is analysed in its normal form (:func:`models.clean.normalize_text`:
        the same records whatever spaces, zero-width or fullwidth characters it was
        written with); offsets and ``text`` are given back in the text as written.
        """
        forms = [normalize_with_offsets(t) for t in texts]
        out: list[Union[list[dict], StageFailure]] = []
        for raw, (norm, starts), r in zip(texts, forms, self.analyse_texts([f[0] for f in forms])):
            if isinstance(r, StageFailure):
                out.append(r)
                continue
            out.append([_in_original(mention_dict(m), raw, norm, starts) for m in r._.mentions or []])
        return out

    # -- article level (flows) ----------------------------------------------------------
    def process(self, raws: Iterable[RawArticle], run_id: str, ingested_at: datetime,
                known: Optional[Callable[[str], bool]] = None) -> Records:
        """Clean, analyse and extract a batch of raw articles into output rows.

        Args:
            known: ``article_id -> bool``; articles it knows are skipped (counted
                in ``Records.skipped``), so reruns cost no analysis.
        """
        out = Records()
        cleaned: list[tuple[RawArticle, CleanArticle, str]] = []
        seen: set[str] = set()
        for raw in raws:
            try:
                clean = clean_article(raw)
                if not clean.body.strip():
                    raise IngestError(Errors.E012.format(source=raw.source))
                if len(clean.body) > self.max_chars:
                    raise TooLongError(Errors.E043.format(source=raw.source, length=len(clean.body),
                                                          cap=self.max_chars))
            except Exception as e:  # noqa: BLE001 - policy decides; nothing is swallowed
                self._fail(out, raw.source, "clean", e, run_id, ingested_at)
                continue
            aid = article_id(clean.body)
            if aid in seen or (known is not None and known(aid)):
                out.skipped += 1  # the same article again: its rows exist already
                continue
            seen.add(aid)
            cleaned.append((raw, clean, aid))
        results = self.analyse_texts(c.body for _, c, _ in cleaned)
        for (raw, clean, aid), doc in zip(cleaned, results):
            if isinstance(doc, StageFailure):
                self._fail(out, raw.source, doc.stage, doc.error, run_id, ingested_at)
                continue
            try:
                out.extend(self._records(raw, clean, aid, doc, run_id, ingested_at))
            except Exception as e:  # noqa: BLE001
                self._fail(out, raw.source, "extract", e, run_id, ingested_at)
        return out

    def _fail(self, out: Records, source: str, stage: str, e: BaseException, run_id: str,
              ingested_at: datetime) -> None:
        if self.errors == "raise":
            raise e
        out.quarantine.append(failure_record(source, stage, e, run_id, ingested_at))

    def _records(self, raw: RawArticle, clean: CleanArticle, aid: str, doc: Doc, run_id: str,
                 ingested_at: datetime) -> Records:
        published_at = raw.published_at or clean.published_at
        adoc = ArticleDoc(doc, published_at, clean.title)
        apply_decision(adoc)  # names that are not organizations leave the document before extraction
        part = partition_month(published_at)
        rec = Records()
        rec.articles.append(Article(
            aid, raw.source, clean.title, raw.publisher or clean.publisher, published_at, clean.body, run_id,
            ingested_at, raw.url, clean.byline, tuple(clean.reporter_emails), len(clean.removed), part,
            clean.note, raw.replaced,
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
def get_analyzer(tokenizer: Optional[str] = None, ner: str = "default", errors: str = "quarantine",
                 max_chars: int = DEFAULT_MAX_ARTICLE_CHARS, window_chars: int = DEFAULT_WINDOW_CHARS) -> Analyzer:
    """One :class:`Analyzer` per configuration per process (models load once)."""
    return Analyzer(tokenizer, ner, errors, max_chars, window_chars)
