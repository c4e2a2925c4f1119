"""NER training data: reading, label mapping, document split, spaCy docs.

The training corpus is JSONL, one sentence a line::

    {"id": "00003_NER_1", "text": "...", "entities": [[0, 5, "ORG"], ...], "corpus": "kmou"}

Offsets are Python ``str`` character offsets, end exclusive. Two tag sets
occur (KMOU and klp2016); :data:`LABEL_MAP` maps both onto the contract labels.
Tags with no contract label (times, durations, counts, quantities, percents)
are *dropped*: their characters are taught as ``O``.

Tokens are surface morphemes (네이버가 → 네이버 | 가), so a gold span lines up
with token boundaries exactly when its edges fall between morphemes. Spans that
do not line up are never snapped to a wider or narrower token span (that would
teach the model to swallow particles or cut names); their tokens are marked
*missing* instead, so the model gets no signal from them either way.
"""
from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import DataFileError, Errors, IngestError

#: Contract labels the NER model predicts.
NER_LABELS = ("ORG", "PER", "LOC", "DATE", "MONEY")

#: Corpus tag → contract label; ``None`` means "not a contract label, taught as O".
LABEL_MAP: dict[str, str | None] = {
    # KMOU
    "PER": "PER", "ORG": "ORG", "LOC": "LOC", "DAT": "DATE", "MNY": "MONEY",
    "TIM": None, "DUR": None, "NOH": None, "POH": None, "PNT": None,
    # klp2016
    "PS": "PER", "OG": "ORG", "LC": "LOC", "DT": "DATE", "TI": None,
    # contract labels themselves (silver data labelled by a teacher model)
    "DATE": "DATE", "MONEY": "MONEY",
}


def map_label(label: str) -> str | None:
    """Map a KMOU/klp2016 tag to a contract label.

    Args:
        label: the corpus tag, e.g. ``"OG"`` or ``"MNY"``.

    Returns:
        ``"ORG"``, ``"PER"``, ``"LOC"``, ``"DATE"``, ``"MONEY"``, or ``None`` for
        tags that are dropped (TIM TI DUR NOH POH PNT).

    Raises:
        ValueError: an unknown tag (lists the valid ones).

    >>> map_label("OG"), map_label("MNY"), map_label("NOH")
    ('ORG', 'MONEY', None)
    """
    try:
        return LABEL_MAP[label]
    except KeyError:
        raise ValueError(Errors.E013.format(value=label, option="NER corpus label",
                                            valid=", ".join(LABEL_MAP))) from None


def load_examples(path: str | Path) -> list[dict]:
    """Read the NER JSONL corpus, validating every line.

    Returns:
        A list of ``{"id", "text", "entities": [(start, end, label)], "corpus"}``
        dicts with the *original* corpus labels (map them with :func:`map_label`).

    Raises:
        IngestError: the file does not exist.
        DataFileError: a malformed line (names ``path:line``).
    """
    path = Path(path)
    if not path.exists():
        raise IngestError(Errors.E009.format(source=path))
    expected = '{"id": str, "text": str, "entities": [[start, end, label], ...], "corpus": str}'
    out: list[dict] = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                text = rec["text"]
                ents = [(int(s), int(e), str(lab)) for s, e, lab in rec.get("entities", [])]
            except (ValueError, KeyError, TypeError) as e:
                raise DataFileError(Errors.E003.format(path=path, line=lineno, detail=e,
                                                       expected=expected)) from None
            for s, e, lab in ents:
                if not (0 <= s < e <= len(text)):
                    raise DataFileError(Errors.E003.format(
                        path=path, line=lineno, detail=f"entity offsets ({s}, {e}) outside the text",
                        expected=expected))
            out.append({"id": str(rec.get("id", f"{path.name}:{lineno}")), "text": text,
                        "entities": ents, "corpus": rec.get("corpus", "")})
    return out


def document_id(record_id: str) -> str:
    """The document a sentence belongs to: its id before the last ``_``.

    >>> document_id("00003_NER_12"), document_id("klp2016_train_00001")
    ('00003_NER', 'klp2016_train')
    """
    return record_id.rsplit("_", 1)[0]


def _doc_hash(doc_id: str, seed: int) -> float:
    digest = hashlib.sha1(f"{seed}:{doc_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def split_by_document(records: Sequence[dict], dev_fraction: float = 0.1,
                      seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Split sentences into train and dev by document, deterministically.

    Every document (see :func:`document_id`) goes wholly to one side: a document
    is dev when ``sha1(f"{seed}:{doc}")`` read as a number in [0, 1) is below
    ``dev_fraction``. The result depends only on the ids and the seed, not on
    the record order or the machine.

    Returns:
        ``(train, dev)`` lists of records, each in input order.
    """
    if not 0.0 <= dev_fraction < 1.0:
        raise ValueError(Errors.E013.format(value=dev_fraction, option="dev_fraction",
                                            valid="a number in [0, 1)"))
    train, dev = [], []
    for rec in records:
        (dev if _doc_hash(document_id(rec["id"]), seed) < dev_fraction else train).append(rec)
    return train, dev


def join_paragraphs(records: Sequence[dict], share: float = 0.3, seed: int = 0) -> list[dict]:
    r"""Join some pairs of consecutive sentences of a document into one record
    with a paragraph break (``"\n\n"`` or ``"\n"``) between them.

    The corpus has one sentence a line and no line breaks, but the pipeline tags
    whole article bodies, whose paragraphs the tokenizer keeps as whitespace
    tokens. Without examples of that context the model misreads the first
    words of a paragraph (a person's name right after ``\n\n`` went untagged).
    Each selected pair becomes one record (``id`` of the first + ``+``), so the
    data keeps its size and every annotation; entity offsets of the second
    sentence are shifted.

    Args:
        records: training records in corpus order.
        share: probability that a sentence starts a joined pair.
        seed: the random choices' seed.
    """
    rng = random.Random(seed)
    out: list[dict] = []
    i = 0
    while i < len(records):
        a = records[i]
        b = records[i + 1] if i + 1 < len(records) else None
        if b is not None and document_id(a["id"]) == document_id(b["id"]) and rng.random() < share:
            sep = rng.choice(("\n\n", "\n"))
            shift = len(a["text"]) + len(sep)
            out.append({**a, "id": a["id"] + "+", "text": a["text"] + sep + b["text"],
                        "entities": list(a["entities"]) + [(s + shift, e + shift, lab)
                                                           for s, e, lab in b["entities"]]})
            i += 2
        else:
            out.append(a)
            i += 1
    return out


def mapped_entities(record: dict) -> list[tuple[int, int, str]]:
    """The record's entities with contract labels; dropped tags removed."""
    out = []
    for s, e, lab in record["entities"]:
        mapped = map_label(lab)
        if mapped is not None:
            out.append((s, e, mapped))
    return out


def to_docs(nlp, records: Iterable[dict]):
    """Tokenize records and attach their (mapped) entities as ``doc.ents``.

    Spans whose edges fall inside a token are counted and their tokens set to
    *missing* (neither entity nor O). Overlapping spans keep the first, longest.

    Args:
        nlp: a Korean pipeline from :func:`models.nlp.blank_korean` (only its
            tokenizer is used).
        records: from :func:`load_examples`.

    Returns:
        ``(docs, stats)``: docs with gold ``ents``; stats counts ``spans``,
        ``aligned``, ``misaligned``, ``overlapping``, ``dropped_label``, and the
        per-label ``aligned_by_label``/``misaligned_by_label``.
    """
    records = list(records)
    stats: Counter = Counter()
    by_label_ok: Counter = Counter()
    by_label_bad: Counter = Counter()
    docs = []
    for rec in records:
        doc = nlp.make_doc(rec["text"])
        spans = []
        missing = []
        dropped = sum(1 for *_, lab in rec["entities"] if map_label(lab) is None)
        stats["dropped_label"] += dropped
        taken = [False] * len(doc)
        for s, e, lab in sorted(mapped_entities(rec), key=lambda x: (x[0], -(x[1] - x[0]))):
            stats["spans"] += 1
            # gold spans sometimes carry outer whitespace; it is never part of a token
            while s < e and rec["text"][s].isspace():
                s += 1
            while e > s and rec["text"][e - 1].isspace():
                e -= 1
            span = doc.char_span(s, e, label=lab, alignment_mode="strict")
            if span is None:
                stats["misaligned"] += 1
                by_label_bad[lab] += 1
                wide = doc.char_span(s, e, alignment_mode="expand")
                if wide is not None:
                    missing.append(wide)
                continue
            if any(taken[i] for i in range(span.start, span.end)):
                stats["overlapping"] += 1
                continue
            for i in range(span.start, span.end):
                taken[i] = True
            stats["aligned"] += 1
            by_label_ok[lab] += 1
            spans.append(span)
        missing = [m for m in missing if not any(taken[i] for i in range(m.start, m.end))]
        # missing spans may overlap one another; set_ents wants disjoint ones
        miss_tokens = sorted({i for m in missing for i in range(m.start, m.end)})
        doc.set_ents(spans, missing=[doc[i:i + 1] for i in miss_tokens], default="outside")
        docs.append(doc)
    stats_out = {k: stats[k] for k in ("spans", "aligned", "misaligned", "overlapping", "dropped_label")}
    stats_out["aligned_rate"] = round(stats["aligned"] / max(1, stats["spans"]), 4)
    stats_out["aligned_by_label"] = dict(by_label_ok)
    stats_out["misaligned_by_label"] = dict(by_label_bad)
    return docs, stats_out


def score_char_spans(gold: Sequence[Sequence[tuple[int, int, str]]],
                     pred: Sequence[Sequence[tuple[int, int, str]]]) -> dict:
    """Entity-level P/R/F1 on exact character spans, per label and micro-averaged.

    Returns:
        ``{label: {"p", "r", "f", "support"}, ..., "micro": {...}}`` for
        :data:`models.ner.data.NER_LABELS`.
    """
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p in zip(gold, pred):
        g, p = set(g), set(p)
        for *_, lab in p & g:
            tp[lab] += 1
        for *_, lab in p - g:
            fp[lab] += 1
        for *_, lab in g - p:
            fn[lab] += 1

    def prf(t, p, n):
        pr = t / (t + p) if t + p else 0.0
        rc = t / (t + n) if t + n else 0.0
        f = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        return {"p": round(pr, 4), "r": round(rc, 4), "f": round(f, 4), "support": t + n}

    out = {lab: prf(tp[lab], fp[lab], fn[lab]) for lab in NER_LABELS}
    out["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return out


def unlabeled_texts(sentences: str | Path | None = None, articles: str | Path | None = None, *,
                    exclude_ids: Iterable[str] = (), max_chars: int = 400) -> list[dict]:
    """Unlabeled Korean texts for a teacher to label (distillation): ``[{"id", "text", "corpus"}]``.

    Args:
        sentences: a text file, one sentence a line (``unlabeled/klue_ner_train_sentences.txt``).
        articles: a news JSONL with ``id`` and ``text`` (``news/wikinews_ko.jsonl``); each
            article is cut into its paragraphs (line breaks), and a paragraph longer
            than ``max_chars`` into its sentences (:func:`models.nlp.sentence_spans`)
            packed into chunks of at most ``max_chars`` (a longer sentence stays whole).
        exclude_ids: article ids left out (e.g. those of an evaluation set).

    Ids: ``klue:LINE`` (1-based) and ``ARTICLE_ID:PARAGRAPH.CHUNK``. Blank lines are skipped.
    """
    from ..nlp import sentence_spans

    out: list[dict] = []
    if sentences:
        with Path(sentences).open(encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                text = line.strip()
                if text:
                    out.append({"id": f"{Path(sentences).stem}:{lineno}", "text": text, "corpus": "sentences"})
    skip = set(exclude_ids)
    if articles:
        with Path(articles).open(encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                art = json.loads(line)
                if art.get("id") in skip:
                    continue
                for k, para in enumerate(p.strip() for p in str(art.get("text", "")).split("\n")):
                    if not para:
                        continue
                    chunks = [para]
                    if len(para) > max_chars:
                        chunks, cur = [], ""
                        for s, e in sentence_spans(para):
                            sent = para[s:e]
                            if cur and len(cur) + 1 + len(sent) > max_chars:
                                chunks.append(cur)
                                cur = sent
                            else:
                                cur = f"{cur} {sent}" if cur else sent
                        if cur:
                            chunks.append(cur)
                    out.extend({"id": f"{art['id']}:{k}.{j}", "text": c, "corpus": "articles"}
                               for j, c in enumerate(chunks))
    return out
