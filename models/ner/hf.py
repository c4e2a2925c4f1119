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

import bisect
import functools
import json
import logging
import unicodedata
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


# ---------------------------------------------------------------- morpheme pre-split

#: Marks a pre-split position inside a word: a Unicode noncharacter (reserved for
#: internal use, never in a piece vocabulary). ``Split(marker, "removed")`` in the
#: tokenizer's pre-tokenizer cuts there without a ``▁`` word-start.
PRESPLIT_MARKER = "\ufdd0"

#: Pre-split rules: split a word before a morpheme whose (first) tag starts with
#: one of these prefixes; ``"morphemes"`` splits at every morpheme boundary.
PRESPLIT_RULES: dict[str, tuple[str, ...] | None] = {
    "particles": ("J",),
    "functional": ("J", "VCP", "E", "XS"),
    "functional+bound": ("J", "VCP", "E", "XS", "NNB"),
    "morphemes": None,
}

#: The kornews settings file written beside a checkpoint's config.json.
KORNEWS_JSON = "kornews.json"


class Presplitter:
    """Morpheme boundaries inside words where a SentencePiece tokenizer must cut.

    SentencePiece fuses a name's end with its particle (환경부는 → ``▁환경`` ``부는``),
    so a span cannot end between 부 and 는. Cutting the text at mecab-ko morpheme
    boundaries first (환경부 | 는) makes those edges token edges; the pieces after
    a cut get no ``▁`` (the encoder sees near-normal input).

    Args:
        rule: a :data:`PRESPLIT_RULES` name.
        backend: the morphological tokenizer (``mecab``, as in training).
    """

    def __init__(self, rule: str = "functional", backend: str = "mecab"):
        if rule not in PRESPLIT_RULES:
            raise BackendError(Errors.E013.format(value=rule, option="presplit rule",
                                                  valid=", ".join(PRESPLIT_RULES)))
        from ..tokenize import create_tokenizer

        self.rule, self.backend = rule, backend
        self._prefixes = PRESPLIT_RULES[rule]
        self._tok = create_tokenizer(backend)

    def points(self, text: str) -> list[int]:
        """Sorted positions ``p`` (``0 < p < len(text)``) with non-space characters on both sides."""
        out = []
        prev_end = -1
        for m in self._tok.morphs(text):
            s = m.start
            if (s == prev_end and 0 < s < len(text) and not text[s - 1].isspace() and not text[s].isspace()
                    and (self._prefixes is None or m.tag.startswith(self._prefixes))):
                out.append(s)
            prev_end = m.end
        return out

    def settings(self) -> dict:
        return {"rule": self.rule, "tokenizer": self.backend, "marker": f"U+{ord(PRESPLIT_MARKER):04X}"}


def insert_markers(text: str, points: Sequence[int]) -> str:
    """``text`` with :data:`PRESPLIT_MARKER` before each position in ``points`` (sorted).

    A marker already in ``text`` becomes U+FFFD (same length: offsets stay).
    """
    text = text.replace(PRESPLIT_MARKER, "\ufffd")
    if not points:
        return text
    parts, last = [], 0
    for p in points:
        parts.append(text[last:p])
        last = p
    parts.append(text[last:])
    return PRESPLIT_MARKER.join(parts)


def unshift_offsets(offsets: Sequence[Sequence[int]], points: Sequence[int]) -> list[tuple[int, int]]:
    """Offsets into the marked text → offsets into the original (markers removed)."""
    if not points:
        return [(int(s), int(e)) for s, e in offsets]
    marked = [p + i for i, p in enumerate(points)]  # marker positions in the marked text
    out = []
    for s, e in offsets:
        out.append((s - bisect.bisect_left(marked, s), e - bisect.bisect_left(marked, e)))
    return out


def enable_presplit(tokenizer) -> None:
    """Make a fast SentencePiece-style tokenizer cut at :data:`PRESPLIT_MARKER`.

    Prepends ``Split(marker, "removed")`` to its pre-tokenizer and turns a
    ``Metaspace`` prepend scheme to ``"first"`` (only the text start gets ``▁``),
    so a text without markers tokenizes as before.
    """
    from tokenizers import Regex, pre_tokenizers

    backend = tokenizer.backend_tokenizer
    spec = json.loads(backend.to_str()).get("pre_tokenizer")
    steps = (spec.get("pretokenizers") if spec and spec.get("type") == "Sequence" else [spec] if spec else [])
    if any(st.get("type") == "Split" and PRESPLIT_MARKER in json.dumps(st.get("pattern"), ensure_ascii=False)
           for st in steps):
        return
    rebuilt = []
    for st in steps:
        if st.get("type") == "Metaspace":
            st = {**st, "prepend_scheme": "first"}
        rebuilt.append(_pre_tokenizer_from_json(st))
    backend.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Split(Regex(PRESPLIT_MARKER), behavior="removed")] + rebuilt)


def _pre_tokenizer_from_json(spec: dict):
    from tokenizers import Tokenizer, models

    tok = Tokenizer(models.WordLevel({"a": 0}, unk_token="a"))
    full = json.loads(tok.to_str())
    full["pre_tokenizer"] = spec
    return Tokenizer.from_str(json.dumps(full)).pre_tokenizer


def read_kornews_settings(path: str | Path) -> dict:
    """``kornews.json`` beside a checkpoint (``{}`` when absent: older checkpoints)."""
    p = Path(path) / KORNEWS_JSON
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except ValueError as e:
        raise BackendError(Errors.E022.format(path=path, detail=f"{KORNEWS_JSON}: {e}")) from None


def encode_texts(tokenizer, texts: Sequence[str], presplitter: Presplitter | None, **kwargs):
    """Tokenize ``texts`` (optionally pre-split) with offsets into the *original* texts.

    ``kwargs`` go to the tokenizer call (``truncation``, ``stride``,
    ``return_overflowing_tokens`` ...); ``return_offsets_mapping`` is forced.
    Offsets skip leading whitespace (a ``▁word`` token covers the space before
    the word). A token whose characters start the next token too (the bare
    ``▁`` piece at the text start, the first pieces of a character expanded by
    normalization: ㈜ → ``(`` ``주`` ``)``) gets the empty offsets ``(s, s)``, so
    only the last token carries those characters and they are never read twice.
    """
    texts = [_mask_leading_controls(t) for t in texts]
    points = [presplitter.points(t) for t in texts] if presplitter else [[] for _ in texts]
    inputs = [insert_markers(t, p) for t, p in zip(texts, points)] if presplitter else texts
    enc = tokenizer(inputs, return_offsets_mapping=True, **kwargs)
    sample_of = enc["overflow_to_sample_mapping"] if "overflow_to_sample_mapping" in enc else range(len(texts))
    fixed = []
    for w, offsets in enumerate(enc["offset_mapping"]):
        text = texts[sample_of[w]]
        offs = unshift_offsets(offsets, points[sample_of[w]])
        for j, (s, e) in enumerate(offs):  # "▁word" covers the space before the word: trim it
            while s < e and text[s].isspace():
                s += 1
            offs[j] = (s, e)
        for j in range(len(offs) - 1):
            s, e = offs[j]
            ns, ne = offs[j + 1]
            if e > s and ns == s and ne >= e:  # shares its characters with the next token
                offs[j] = (s, s)
        fixed.append(offs)
    enc["offset_mapping"] = fixed
    return enc


def _mask_leading_controls(text: str) -> str:
    # tokenizers' offsets are one off after a control character dropped at the very start
    # (U+0001 ...): such characters become spaces there (same length, same tokens)
    i = 0
    while i < len(text) and unicodedata.category(text[i]) == "Cc" and text[i] not in "\t\n\r":
        i += 1
    return " " * i + text[i:] if i else text


# ---------------------------------------------------------------- constrained decoding


def bio_constraints(id2label: dict[int, str]):
    """``(allowed_start, allowed_transition)`` boolean arrays for a BIO tag set, or ``None``.

    ``I-X`` may follow only ``B-X`` or ``I-X`` and may not start a text. Tag sets
    with other prefixes (IOBES, bare tags) give ``None`` (decode by argmax).
    """
    import numpy as np

    n = max(id2label) + 1 if id2label else 0
    parts = [split_hf_label(id2label.get(i, "O")) for i in range(n)]
    if not parts or any(p not in ("O", "B", "I") for p, _ in parts):
        return None
    start = np.array([p != "I" for p, _ in parts])
    trans = np.ones((n, n), dtype=bool)
    for j, (pj, tj) in enumerate(parts):
        if pj == "I":
            for i, (pi, ti) in enumerate(parts):
                trans[i, j] = pi in ("B", "I") and ti == tj
    return start, trans


def viterbi_tags(scores, start, trans) -> list[int]:
    """Best tag ids for ``scores`` (tokens × tags log-probabilities) under the constraints."""
    import numpy as np

    neg = -1e9
    t_pen = np.where(trans, 0.0, neg)
    best = scores[0] + np.where(start, 0.0, neg)
    back = []
    for row in scores[1:]:
        cand = best[:, None] + t_pen
        arg = cand.argmax(0)
        back.append(arg)
        best = cand[arg, np.arange(len(row))] + row
    tags = [int(best.argmax())]
    for arg in reversed(back):
        tags.append(int(arg[tags[-1]]))
    return tags[::-1]


# ---------------------------------------------------------------- the classifier


def load_fast_tokenizer(path: str | Path, transformers=None):
    """``AutoTokenizer.from_pretrained(path)``, fast, local files only.

    ``fix_mistral_regex=False`` silences transformers 4.57's warning about a
    Mistral regex, which it gives for any local checkpoint saved by 4.57.3+.
    """
    if transformers is None:
        _, transformers = _import_hf()
    kwargs = {"use_fast": True, "local_files_only": True}
    try:
        return transformers.AutoTokenizer.from_pretrained(path, fix_mistral_regex=False, **kwargs)
    except TypeError:  # a transformers without that keyword
        return transformers.AutoTokenizer.from_pretrained(path, **kwargs)


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
    """``None``/``"auto"``: CUDA when available, else CPU; ``"cuda"``/``"cuda:N"`` checked (E055)."""
    if device is None or device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    device = str(device)
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            raise BackendError(Errors.E055.format(device=device, detail="torch sees no CUDA device "
                                                  f"(torch {torch.__version__})"))
        index = device.partition(":")[2]
        if index and (not index.isdigit() or int(index) >= torch.cuda.device_count()):
            raise BackendError(Errors.E055.format(device=device, detail=f"{torch.cuda.device_count()} CUDA "
                                                  "device(s) visible"))
    elif device != "cpu":
        raise BackendError(Errors.E013.format(value=device, option="--device", valid="cpu, cuda, cuda:N, auto"))
    return device


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
        decode: ``"viterbi"`` (default): for checkpoints whose tags are all
            ``O``/``B-X``/``I-X``, the best tag sequence in which ``I-X`` only
            follows ``B-X`` or ``I-X``, from the tokens' log-probabilities;
            ``"argmax"``: each token's best tag (always used for other tag sets).

    Checkpoints with a ``kornews.json`` naming a ``presplit`` rule (written by
    ``kornews train --backend transformers`` with a pre-split) are tokenized
    with that morpheme pre-split (:class:`Presplitter`); others as before.

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
                 stride: int = 128, batch_size: int = 8, decode: str = "viterbi"):
        torch, transformers = _import_hf()
        path = Path(path)
        settings = read_kornews_settings(path) if path.is_dir() else {}
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
            model = transformers.AutoModelForTokenClassification.from_pretrained(
                path, local_files_only=True)
        except ValueError as e:
            raise BackendError(Errors.E023.format(path=path, detail=_first_line(e))) from None
        except OSError as e:
            raise BackendError(Errors.E022.format(path=path, detail=_first_line(e))) from None
        try:
            tokenizer = load_fast_tokenizer(path, transformers)
        except Exception as e:  # noqa: BLE001 - a missing vocab surfaces as OSError, TypeError or ImportError
            raise BackendError(Errors.E024.format(path=path, detail=_first_line(e))) from None
        presplit = settings.get("presplit")
        presplitter = Presplitter(presplit["rule"], presplit.get("tokenizer", "mecab")) if presplit else None
        self._setup(model, tokenizer, path=path, device=device, max_length=max_length, stride=stride,
                    batch_size=batch_size, presplit=presplitter, decode=decode)

    @classmethod
    def from_model(cls, model, tokenizer, *, device: str | None = None, max_length: int = 512,
                   stride: int = 128, batch_size: int = 8, path: str | Path = "<in memory>",
                   presplit: Presplitter | None = None, decode: str = "viterbi") -> "HfTokenClassifier":
        """Wrap an already loaded model and fast tokenizer (used while training)."""
        self = cls.__new__(cls)
        self._setup(model, tokenizer, path=Path(path), device=device, max_length=max_length,
                    stride=stride, batch_size=batch_size, presplit=presplit, decode=decode)
        return self

    def _setup(self, model, tokenizer, *, path: Path, device, max_length: int, stride: int,
               batch_size: int, presplit: Presplitter | None = None, decode: str = "viterbi") -> None:
        torch, _ = _import_hf()
        self.path = path
        self.presplit = presplit
        if presplit is not None:
            enable_presplit(tokenizer)
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
        self._allowed = bio_constraints(id2label) if decode == "viterbi" else None
        self.decode = "viterbi" if self._allowed is not None else "argmax"
        self.labels = sorted({lab for lab in map(map_hf_label, id2label.values()) if lab})
        self.max_length = max_length
        self.stride = stride
        self.batch_size = batch_size
        self.device = _resolve_device(device, torch)
        self.tokenizer = tokenizer
        if not self.device.startswith("cuda") and getattr(model, "dtype", torch.float32) in (torch.float16,
                                                                                               torch.bfloat16):
            model = model.float()  # half-precision weights (fp16 files) compute in float32 on the CPU
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
        enc = encode_texts(self.tokenizer, [texts[i] for i in todo], self.presplit, truncation=True,
                           max_length=self.max_length, stride=self.stride, return_overflowing_tokens=True,
                           return_special_tokens_mask=True, padding=False)
        sample_of = enc["overflow_to_sample_mapping"]
        n_windows = len(enc["input_ids"])
        label_ids: list[list[int]] = [[] for _ in range(n_windows)]
        torch = self._torch
        keys = [k for k in ("input_ids", "attention_mask", "token_type_ids") if k in enc]
        pad_id = self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else 0
        # windows of similar length batch together (less padding); results go back in order
        order = sorted(range(n_windows), key=lambda r: len(enc["input_ids"][r]))
        with torch.inference_mode():
            for b in range(0, n_windows, self.batch_size):
                rows = order[b:b + self.batch_size]
                width = max(len(enc["input_ids"][r]) for r in rows)
                batch = {}
                for k in keys:
                    fill = pad_id if k == "input_ids" else 0
                    batch[k] = torch.tensor([enc[k][r] + [fill] * (width - len(enc[k][r])) for r in rows],
                                            dtype=torch.long, device=self.device)
                logits = self.model(**batch).logits.float()
                if self._allowed is None:
                    for r, row in zip(rows, logits.argmax(-1).tolist()):
                        label_ids[r] = row
                else:
                    scores = torch.log_softmax(logits, -1).cpu().numpy()
                    for r, row in zip(rows, scores):
                        label_ids[r] = row
        per_text: dict[int, list[list[tuple[int, int, object]]]] = {}
        for w in range(n_windows):
            toks = [(s, e, label_ids[w][j]) for j, ((s, e), sp) in
                    enumerate(zip(enc["offset_mapping"][w], enc["special_tokens_mask"][w])) if not sp and e > s]
            per_text.setdefault(todo[sample_of[w]], []).append(toks)
        for i, windows in per_text.items():
            merged = merge_windows(windows)
            if self._allowed is not None and merged:
                import numpy as np

                tags = viterbi_tags(np.stack([lab for _, _, lab in merged]), *self._allowed)
                merged = [(s, e, t) for (s, e, _), t in zip(merged, tags)]
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
