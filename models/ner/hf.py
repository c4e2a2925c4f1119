"""Hugging Face token-classification checkpoints as the statistical NER (``--ner hf:PATH``).

Any local ``*ForTokenClassification`` checkpoint with a fast tokenizer works, for
example a KLUE-RoBERTa fine-tune on KLUE-NER or a checkpoint written by
``kornews train --backend transformers``. Nothing is downloaded: every
``from_pretrained`` call is ``local_files_only``.

Labels. The checkpoint's ``config.id2label`` tags are mapped onto the contract
labels by :func:`map_hf_label`: the prefix (``B-``/``I-``/``E-``/``S-``/``L-``/
``U-``, or a ``-B``/``_B`` suffix) gives the span boundaries, the rest the label:

=====================================  =========  ===============================
checkpoint tag                         kornews    why
=====================================  =========  ===============================
PS PER PERSON                          PER
OG ORG ORGANIZATION                    ORG
LC LOC LOCATION GPE                    LOC
DT DAT DATE                            DATE
MNY MONEY                              MONEY
VENUE / COUNT                          VENUE / COUNT   our own checkpoints may add them
TI TIM TIME                            dropped    the contract has no TIME; 오후 3시 is not a DATE
QT (KLUE quantity)                     dropped    QT mixes money, percents, ages and counts; the
                                                  MONEY/COUNT rules are precise, a QT span is not
DUR NOH POH PNT MISC CARDINAL ...      dropped    no contract label
=====================================  =========  ===============================

A dropped tag reads as ``O``. Tags nobody knows are dropped too; a checkpoint
none of whose tags maps (``LABEL_0``, ``LABEL_1`` of an untrained head) is an error.

Offsets. Text longer than ``max_length`` tokens is cut into windows that
overlap by ``stride`` tokens (the fast tokenizer's ``return_overflowing_tokens``).
Every token takes its prediction from the window where it sits most centrally,
so each token is predicted with the most context on both sides. Token
predictions are decoded (BIO/IOBES, or bare IO tags) into character spans from
the tokenizer's ``offset_mapping``, whitespace trimmed at both edges: offsets
are Python ``str`` offsets into the text, end exclusive, for texts of any length.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from .. import nlp as _registers_span_extensions  # noqa: F401  (Span._.source)
from ..errors import BackendError, Errors

log = logging.getLogger(__name__)

#: Versioned name of the component's behaviour (window merge + decoding).
HF_NER_NAME = "kornews.ner.hf.v1"

#: Bare checkpoint tag (upper case) → contract label; ``None``: dropped (read as O).
HF_LABEL_MAP: dict[str, str | None] = {
    # ours (contract labels)
    "PER": "PER", "ORG": "ORG", "LOC": "LOC", "DATE": "DATE", "MONEY": "MONEY",
    "VENUE": "VENUE", "COUNT": "COUNT",
    # KLUE-NER and klp2016
    "PS": "PER", "OG": "ORG", "LC": "LOC", "DT": "DATE", "TI": None, "QT": None,
    # KMOU
    "DAT": "DATE", "MNY": "MONEY", "TIM": None, "DUR": None, "NOH": None, "POH": None, "PNT": None,
    # CoNLL / OntoNotes style names some multilingual checkpoints use
    "PERSON": "PER", "ORGANIZATION": "ORG", "LOCATION": "LOC", "GPE": "LOC",
    "TIME": None, "MISC": None, "QUANTITY": None, "CARDINAL": None, "ORDINAL": None,
    "PERCENT": None, "NORP": None, "FAC": None, "PRODUCT": None, "EVENT": None,
    "WORK_OF_ART": None, "LAW": None, "LANGUAGE": None,
}

_OUTSIDE = {"O", "OUTSIDE", ""}
_PADDED_POSITIONS = {"roberta", "xlm-roberta", "camembert", "xlm-roberta-xl"}
_PREFIXES = ("B", "I", "E", "S", "L", "U")


def split_hf_label(label: str) -> tuple[str, str]:
    """Split a checkpoint tag into ``(prefix, bare tag)``.

    Args:
        label: e.g. ``"B-OG"``, ``"I_PER"``, ``"PER-B"``, ``"ORG"`` or ``"O"``.

    Returns:
        ``(prefix, tag)`` with prefix one of ``B I E S L U``, ``""`` for a bare
        tag, or ``"O"`` for outside (then tag is ``""``).

    >>> split_hf_label("B-OG"), split_hf_label("PER_I"), split_hf_label("DATE")
    (('B', 'OG'), ('I', 'PER'), ('', 'DATE'))
    """
    lab = label.strip().upper()
    if lab in _OUTSIDE:
        return "O", ""
    if len(lab) > 2 and lab[0] in _PREFIXES and lab[1] in "-_":
        return lab[0], lab[2:]
    if len(lab) > 2 and lab[-1] in _PREFIXES and lab[-2] in "-_":
        return lab[-1], lab[:-2]
    return "", lab


def map_hf_label(label: str) -> str | None:
    """Map a checkpoint tag to a contract label, ignoring its BIO/IOBES prefix.

    Args:
        label: a ``config.id2label`` value: KLUE (``B-PS``, ``I-OG``), KMOU
            (``B-MNY``), IOBES (``S-LOC``, ``L-ORG``), ours (``B-MONEY``), bare
            tags (``DATE``) or ``O``. Case does not matter.

    Returns:
        ``PER``/``ORG``/``LOC``/``DATE``/``MONEY``/``VENUE``/``COUNT``, or
        ``None`` for ``O``, dropped tags (TI, QT, TIM, DUR, MISC ...) and
        unknown tags. See the module docstring for the table and the reasons.

    >>> [map_hf_label(x) for x in ("B-PS", "I-OG", "S-LOC", "MNY", "B-TI", "O")]
    ['PER', 'ORG', 'LOC', 'MONEY', None, None]
    """
    prefix, tag = split_hf_label(label)
    if prefix == "O":
        return None
    return HF_LABEL_MAP.get(tag)


# ---------------------------------------------------------------- window merge + decoding


def merge_windows(windows: Iterable[Sequence[tuple[int, int, int]]]) -> list[tuple[int, int, int]]:
    """Merge per-window token predictions into one prediction per token.

    Args:
        windows: for each window, its content tokens in order as
            ``(char_start, char_end, label_id)``; special tokens left out.

    Returns:
        ``[(char_start, char_end, label_id)]`` sorted by offset, one per token
        (tokens are identified by their offsets). A token seen in several
        windows keeps the prediction of the window where it is most central,
        i.e. where ``min(tokens before it, tokens after it)`` is largest; ties
        go to the earlier window.
    """
    best: dict[tuple[int, int], tuple[int, int]] = {}
    for toks in windows:
        n = len(toks)
        for j, (s, e, lab) in enumerate(toks):
            centrality = min(j, n - 1 - j)
            prev = best.get((s, e))
            if prev is None or centrality > prev[0]:
                best[(s, e)] = (centrality, lab)
    return [(s, e, lab) for (s, e), (_, lab) in sorted(best.items())]


def decode_spans(text: str, tokens: Sequence[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Decode token tags into character spans with contract labels.

    Args:
        text: the text the offsets index.
        tokens: ``(char_start, char_end, checkpoint_tag)`` in text order.

    Returns:
        ``[(start, end, label)]``, end exclusive, whitespace trimmed at both
        edges, non-overlapping, in order. ``B``/``S``/``U`` start a span,
        ``I``/``E``/``L`` and bare tags continue a span of the same label (or
        start one: lenient IOB1), ``E``/``L``/``S``/``U`` end it; ``O``, dropped
        and unknown tags end it.
    """
    spans: list[tuple[int, int, str]] = []
    cur: list | None = None  # [start, end, label]

    def close() -> None:
        nonlocal cur
        if cur is not None:
            s, e, lab = cur
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e, lab))
            cur = None

    for s, e, tag in tokens:
        prefix, _ = split_hf_label(tag)
        label = map_hf_label(tag)
        if label is None:
            close()
            continue
        if prefix in ("B", "S", "U") or cur is None or cur[2] != label:
            close()
            cur = [s, e, label]
        else:
            cur[1] = max(cur[1], e)
        if prefix in ("E", "L", "S", "U"):
            close()
    close()
    return spans


# ---------------------------------------------------------------- the classifier


def _import_hf():
    try:
        import torch
        import transformers
    except ImportError as e:
        raise BackendError(Errors.E021.format(detail=e)) from None
    return torch, transformers


def _first_line(e: BaseException) -> str:
    lines = [line for line in str(e).splitlines() if line.strip()]
    return lines[0] if lines else type(e).__name__


def _resolve_device(device, torch) -> str:
    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return str(device)


class HfTokenClassifier:
    """A local Hugging Face token-classification checkpoint that returns character spans.

    Args:
        path: the checkpoint directory (``config.json``, weights, tokenizer).
        device: ``"cpu"``, ``"cuda"``, ``"cuda:1"``; ``None`` picks CUDA when
            available.
        max_length: tokens per window, special tokens included.
        stride: tokens shared by consecutive windows (less than ``max_length``
            minus the special tokens).
        batch_size: windows per forward pass.

    Raises:
        BackendError: E021 (torch/transformers missing), E022 (no checkpoint at
            ``path``), E023 (not a token-classification model), E024 (no fast
            tokenizer), E025 (no tag maps to a contract label).

    Example:
        >>> clf = HfTokenClassifier("klue-roberta-ner")          # doctest: +SKIP
        >>> clf.predict("삼성전자가 네이버에 100억원을 투자했다.")   # doctest: +SKIP
        [(0, 4, 'ORG'), (6, 9, 'ORG')]
    """

    def __init__(self, path: str | Path, device: str | None = None, max_length: int = 512,
                 stride: int = 128, batch_size: int = 8):
        torch, transformers = _import_hf()
        path = Path(path)
        if not path.is_dir() or not (path / "config.json").exists():
            raise BackendError(Errors.E022.format(path=path, detail="no such directory" if not path.is_dir()
                                                  else "config.json not found"))
        try:
            config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
        except Exception as e:  # noqa: BLE001 - transformers raises many kinds here
            raise BackendError(Errors.E022.format(path=path, detail=f"config.json: {e}")) from None
        archs = getattr(config, "architectures", None) or []
        if archs and not any(a.endswith("ForTokenClassification") for a in archs):
            raise BackendError(Errors.E023.format(path=path, detail=f"architectures: {', '.join(archs)}"))
        try:
            model = transformers.AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
        except ValueError as e:
            raise BackendError(Errors.E023.format(path=path, detail=_first_line(e))) from None
        except OSError as e:
            raise BackendError(Errors.E022.format(path=path, detail=_first_line(e))) from None
        try:
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, use_fast=True, local_files_only=True)
        except Exception as e:  # noqa: BLE001 - a missing vocab surfaces as OSError, TypeError or ImportError
            raise BackendError(Errors.E024.format(path=path, detail=_first_line(e))) from None
        self._setup(model, tokenizer, path=path, device=device, max_length=max_length, stride=stride,
                    batch_size=batch_size)

    @classmethod
    def from_model(cls, model, tokenizer, *, device: str | None = None, max_length: int = 512,
                   stride: int = 128, batch_size: int = 8, path: str | Path = "<in memory>") -> "HfTokenClassifier":
        """Wrap an already loaded model and fast tokenizer (used while training)."""
        self = cls.__new__(cls)
        self._setup(model, tokenizer, path=Path(path), device=device, max_length=max_length,
                    stride=stride, batch_size=batch_size)
        return self

    def _setup(self, model, tokenizer, *, path: Path, device, max_length: int, stride: int,
               batch_size: int) -> None:
        torch, _ = _import_hf()
        self.path = path
        if not getattr(tokenizer, "is_fast", False):
            raise BackendError(Errors.E024.format(path=path, detail=f"{type(tokenizer).__name__} is a slow tokenizer"))
        id2label = {int(k): str(v) for k, v in model.config.id2label.items()}
        if not any(map_hf_label(v) for v in id2label.values()):
            known = ", ".join(sorted(HF_LABEL_MAP))
            raise BackendError(Errors.E025.format(path=path, labels=", ".join(id2label.values()), known=known))
        unknown = sorted({split_hf_label(v)[1] for v in id2label.values()} - set(HF_LABEL_MAP) - {""})
        if unknown:
            log.warning("%s: tags %s map to no kornews label and are read as O", path, ", ".join(unknown))
        specials = tokenizer.num_special_tokens_to_add(pair=False)
        if max_length <= specials + 1:
            raise BackendError(Errors.E013.format(value=max_length, option="max_length",
                                                  valid=f"an integer above {specials + 1}"))
        if not 0 <= stride < max_length - specials:
            raise BackendError(Errors.E013.format(value=stride, option="stride",
                                                  valid=f"an integer in [0, {max_length - specials})"))
        # RoBERTa-style models keep two position rows for padding: 514 positions hold 512 tokens
        limit = getattr(model.config, "max_position_embeddings", None) or max_length
        if getattr(model.config, "pad_token_id", None) is not None and model.config.model_type in _PADDED_POSITIONS:
            limit -= model.config.pad_token_id + 1
        tok_limit = getattr(tokenizer, "model_max_length", None)
        if isinstance(tok_limit, int) and 0 < tok_limit < 10**6:
            limit = min(limit, tok_limit)
        if max_length > limit:
            # the checkpoint holds fewer positions than asked: shrink the window, and the
            # stride with it when it no longer fits (a quarter of the window)
            max_length = max(limit, specials + 2)
            if stride >= max_length - specials:
                stride = (max_length - specials) // 4
        self.id2label = id2label
        self.labels = sorted({lab for lab in map(map_hf_label, id2label.values()) if lab})
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.device = _resolve_device(device, torch)
        self.tokenizer = tokenizer
        self.model = model.to(self.device).eval()
        self._torch = torch

    def predict(self, text: str) -> list[tuple[int, int, str]]:
        """Tag one text.

        Args:
            text: any length; offsets index it as a Python ``str``.

        Returns:
            ``[(start, end, label)]`` in text order, end exclusive, contract labels.
        """
        return self.predict_many([text])[0]

    def predict_many(self, texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
        """Tag several texts, batching their windows together.

        Returns:
            One span list per text, as :meth:`predict` gives.
        """
        texts = list(texts)
        out: list[list[tuple[int, int, str]]] = [[] for _ in texts]
        todo = [i for i, t in enumerate(texts) if t.strip()]
        if not todo:
            return out
        enc = self.tokenizer([texts[i] for i in todo], truncation=True, max_length=self.max_length,
                             stride=self.stride, return_overflowing_tokens=True, return_offsets_mapping=True,
                             return_special_tokens_mask=True, padding=False)
        sample_of = enc["overflow_to_sample_mapping"]
        n_windows = len(enc["input_ids"])
        label_ids: list[list[int]] = []
        torch = self._torch
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        with torch.inference_mode():
            for b in range(0, n_windows, self.batch_size):
                rows = range(b, min(b + self.batch_size, n_windows))
                width = max(len(enc["input_ids"][r]) for r in rows)
                batch = {}
                for k in keys:
                    fill = pad_id if k == "input_ids" else 0
                    batch[k] = torch.tensor([enc[k][r] + [fill] * (width - len(enc[k][r])) for r in rows],
                                            dtype=torch.long, device=self.device)
                logits = self.model(**batch).logits
                label_ids.extend(logits.argmax(-1).tolist())
        per_text: dict[int, list[list[tuple[int, int, int]]]] = {}
        for w in range(n_windows):
            toks = [(s, e, label_ids[w][j]) for j, ((s, e), sp) in
                    enumerate(zip(enc["offset_mapping"][w], enc["special_tokens_mask"][w])) if not sp and e > s]
            per_text.setdefault(todo[sample_of[w]], []).append(toks)
        for i, windows in per_text.items():
            merged = merge_windows(windows)
            out[i] = decode_spans(texts[i], [(s, e, self.id2label.get(lab, "O")) for s, e, lab in merged])
        return out


@functools.lru_cache(maxsize=4)
def load_hf_classifier(path: str, device: str | None = None, max_length: int = 512, stride: int = 128,
                       batch_size: int = 8) -> HfTokenClassifier:
    """One :class:`HfTokenClassifier` per checkpoint and settings per process."""
    return HfTokenClassifier(path, device=device, max_length=max_length, stride=stride, batch_size=batch_size)


# ---------------------------------------------------------------- spaCy component


@Language.factory("kornews_hf_ner", default_config={"path": "", "device": None, "max_length": 512,
                                                     "stride": 128, "batch_size": 8, "trim_particles": True})
def make_hf_ner(nlp: Language, name: str, path: str, device: str | None, max_length: int, stride: int,
                batch_size: int, trim_particles: bool):
    return HfNer(load_hf_classifier(str(Path(path).resolve()), device, max_length, stride, batch_size),
                 trim_particles=trim_particles)


class HfNer:
    """Pipeline component: sets ``doc.ents`` from an :class:`HfTokenClassifier`.

    The checkpoint's subword spans are laid on our morpheme tokens with
    ``doc.char_span(..., alignment_mode="contract")`` (the tokens wholly inside
    the span), falling back to ``"expand"`` when no token is wholly inside (a
    span that cuts one morpheme). With ``trim_particles``, trailing particle
    morphemes (tags ``J*``: 가, 는, 에서 …) are dropped, because a subword may
    hold a word with its particle while contract entities end before particles
    (네이버가 → 네이버). Overlapping results keep the longest.
    """

    def __init__(self, classifier: HfTokenClassifier, trim_particles: bool = True):
        self.classifier = classifier
        self.trim_particles = trim_particles

    def __call__(self, doc: Doc) -> Doc:
        return self._set(doc, self.classifier.predict(doc.text))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 32) -> Iterable[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._pipe_batch(batch)
                batch = []
        if batch:
            yield from self._pipe_batch(batch)

    def _pipe_batch(self, docs: list[Doc]) -> Iterable[Doc]:
        for doc, spans in zip(docs, self.classifier.predict_many([d.text for d in docs])):
            yield self._set(doc, spans)

    def _set(self, doc: Doc, char_spans: Sequence[tuple[int, int, str]]) -> Doc:
        ents: list[Span] = []
        for s, e, label in char_spans:
            span = doc.char_span(s, e, label=label, alignment_mode="contract")
            if span is None or not len(span):
                span = doc.char_span(s, e, label=label, alignment_mode="expand")
            if span is None or not len(span):
                continue
            end = span.end
            if self.trim_particles:
                while end - 1 > span.start and (doc[end - 1].tag_.startswith("J") or doc[end - 1].is_space):
                    end -= 1
            span = Span(doc, span.start, end, label=label)
            span._.source = "model"
            ents.append(span)
        doc.ents = filter_spans(ents)
        return doc


def add_hf_ner(nlp: Language, path: str | Path, **config) -> Language:
    """Add the ``kornews_hf_ner`` component for the checkpoint at ``path`` to ``nlp``.

    Args:
        nlp: a Korean pipeline from :func:`models.nlp.blank_korean`.
        path: a local token-classification checkpoint directory.
        **config: overrides of the factory config (``device``, ``max_length``,
            ``stride``, ``batch_size``, ``trim_particles``).

    Returns:
        ``nlp``, with the component added last. The checkpoint loads once per
        process (:func:`load_hf_classifier`).

    Raises:
        BackendError: see :class:`HfTokenClassifier`.
    """
    nlp.add_pipe("kornews_hf_ner", config={"path": str(Path(path).resolve()), **config})
    return nlp
