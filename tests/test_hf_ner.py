"""The Hugging Face NER backend (``--ner hf:PATH``) and its trainer, on a tiny random BERT.

The checkpoint and its WordPiece tokenizer are built here from our own
sentences: nothing is downloaded. A random model's predictions are random, so
offsets are checked with forced predictions: a classifier bias that makes one
tag win everywhere, or a stand-in model whose logits follow the token ids.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from types import SimpleNamespace

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from models.errors import BackendError  # noqa: E402
from models.ner.hf import (HfTokenClassifier, decode_spans, map_hf_label, merge_windows,  # noqa: E402
                           split_hf_label)

KLUE_TAGS = ["B-DT", "I-DT", "B-LC", "I-LC", "B-OG", "I-OG", "B-PS", "I-PS", "B-QT", "I-QT", "B-TI", "I-TI", "O"]
CONTRACT = {"ORG", "VENUE", "PER", "LOC", "DATE", "MONEY", "COUNT"}

ORGS = ["삼성전자", "네이버", "카카오", "한국과학기술원", "서울대학교", "현대자동차"]
PERS = ["김민수", "이지은", "박서준", "최유리", "정하늘"]
LOCS = ["부산", "대전", "판교", "제주", "광주"]
DATES = ["2023년 5월", "지난해 가을", "올해 3월", "2021년"]
MONEYS = ["100억원", "3조원", "2천억원", "50억원"]
# {slot} fields are filled from the lists above; the label is the KMOU tag
TEMPLATES = [
    ("{org}는 {date} {loc}에 새 연구소를 열었다.", {"org": "ORG", "date": "DAT", "loc": "LOC"}),
    ("{per} 대표는 {org}가 {money}을 투자한다고 말했다.", {"per": "PER", "org": "ORG", "money": "MNY"}),
    ("{loc}시는 {date} {org}와 협약을 맺고 {money} 규모의 펀드를 만든다.",
     {"loc": "LOC", "date": "DAT", "org": "ORG", "money": "MNY"}),
    ("{org} 연구진을 이끈 {per} 교수는 오후 3시 발표에 나섰다.", {"org": "ORG", "per": "PER"}),
]


def make_sentence(i: int) -> tuple[str, list[list]]:
    """The i-th synthetic sentence and its KMOU-tagged entities (exact offsets)."""
    template, slots = TEMPLATES[i % len(TEMPLATES)]
    values = {"org": ORGS[i % len(ORGS)], "per": PERS[i % len(PERS)], "loc": LOCS[i % len(LOCS)],
              "date": DATES[i % len(DATES)], "money": MONEYS[i % len(MONEYS)]}
    text, ents, pos = "", [], 0
    for m in re.finditer(r"\{(\w+)\}", template):
        text += template[pos:m.start()]
        value = values[m.group(1)]
        ents.append([len(text), len(text) + len(value), slots[m.group(1)]])
        text += value
        pos = m.end()
    text += template[pos:]
    if "오후 3시" in text:
        s = text.index("오후 3시")
        ents.append([s, s + 5, "TIM"])  # a dropped tag: taught as O
    return text, sorted(ents)


SENTENCES = [make_sentence(i) for i in range(32)]
LONG_UNIT = "삼성전자가 네이버에 100억원을 투자했다. 🙂 김민수 교수는  판교로 갔다.\n"


def _build_tokenizer(path):
    chars = sorted({c for text, _ in SENTENCES for c in text + LONG_UNIT if not c.isspace()} - {"🙂"})
    words = ["삼성", "##전자", "네이버", "김민수", "##대학교", "##과학기술원"]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words + chars + [f"##{c}" for c in chars]
    path.mkdir(parents=True, exist_ok=True)
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizerFast(vocab_file=str(path / "vocab.txt"), do_lower_case=False,
                                         strip_accents=False, tokenize_chinese_chars=False, model_max_length=128)
    return tok


@pytest.fixture(scope="session")
def hf_root(tmp_path_factory):
    torch.set_num_threads(1)
    return tmp_path_factory.mktemp("hf")


@pytest.fixture(scope="session")
def klue_checkpoint(hf_root):
    """A random tiny BERT token classifier with KLUE-NER tags and its own tokenizer."""
    path = hf_root / "klue-tiny"
    tok = _build_tokenizer(path)
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=64, max_position_embeddings=128,
                                     id2label=dict(enumerate(KLUE_TAGS)),
                                     label2id={t: i for i, t in enumerate(KLUE_TAGS)})
    transformers.BertForTokenClassification(config).save_pretrained(path)
    tok.save_pretrained(path)
    return path


def _forced(src, dst, tag):
    """Copy of checkpoint ``src`` whose classifier predicts ``tag`` for every token."""
    if not dst.exists():
        model = transformers.AutoModelForTokenClassification.from_pretrained(src, local_files_only=True)
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.fill_(-10.0)
            model.classifier.bias[model.config.label2id[tag]] = 10.0
        model.save_pretrained(dst)
        transformers.AutoTokenizer.from_pretrained(src, local_files_only=True).save_pretrained(dst)
    return dst


@pytest.fixture(scope="session")
def all_i_og(hf_root, klue_checkpoint):
    return _forced(klue_checkpoint, hf_root / "all-i-og", "I-OG")


@pytest.fixture(scope="session")
def all_b_ps(hf_root, klue_checkpoint):
    return _forced(klue_checkpoint, hf_root / "all-b-ps", "B-PS")


@pytest.fixture(scope="session")
def train_jsonl(hf_root):
    path = hf_root / "train.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i, (text, ents) in enumerate(SENTENCES):
            f.write(json.dumps({"id": f"doc{i // 4:02d}_NER_{i % 4}", "text": text, "entities": ents,
                                "corpus": "test"}, ensure_ascii=False) + "\n")
    return path


class RuleModel(torch.nn.Module):
    """Stands in for the checkpoint: each token id has a fixed tag, whatever its context."""

    def __init__(self, config, tag_of_id: dict[int, int], outside: int):
        super().__init__()
        self.config = config
        self.tag_of_id, self.outside = tag_of_id, outside

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        n = len(self.config.id2label)
        ids = [[self.tag_of_id.get(t, self.outside) for t in row] for row in input_ids.tolist()]
        return SimpleNamespace(logits=torch.nn.functional.one_hot(torch.tensor(ids), n).float())


@pytest.fixture
def rule_classifier(klue_checkpoint):
    """A classifier tagging 삼성|##전자 and 네이버 as B-OG/I-OG and 김민수 as B-PS; the rest O."""

    def make(max_length=32, stride=8):
        clf = HfTokenClassifier(klue_checkpoint, device="cpu", max_length=max_length, stride=stride, batch_size=4)
        vocab, l2i = clf.tokenizer.get_vocab(), clf.model.config.label2id
        tags = {vocab["삼성"]: l2i["B-OG"], vocab["##전자"]: l2i["I-OG"], vocab["네이버"]: l2i["B-OG"],
                vocab["김민수"]: l2i["B-PS"]}
        clf.model = RuleModel(clf.model.config, tags, l2i["O"])
        return clf

    return make


def _expected_rule_spans(text):
    out = [(m.start(), m.end(), "ORG") for m in re.finditer("삼성전자|네이버", text)]
    out += [(m.start(), m.end(), "PER") for m in re.finditer("김민수", text)]
    return sorted(out)


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize("label, expected", [
    ("B-PS", "PER"), ("I-PS", "PER"), ("B-OG", "ORG"), ("I-LC", "LOC"), ("B-DT", "DATE"),
    ("B-TI", None), ("I-QT", None), ("O", None),                                  # KLUE
    ("B-PER", "PER"), ("I-DAT", "DATE"), ("B-MNY", "MONEY"), ("B-POH", None), ("I-TIM", None),  # KMOU
    ("S-LOC", "LOC"), ("E-ORG", "ORG"), ("L-PER", "PER"), ("U-MONEY", "MONEY"),    # IOBES / BILOU
    ("B-ORG", "ORG"), ("I-MONEY", "MONEY"), ("B-VENUE", "VENUE"), ("B-COUNT", "COUNT"),  # ours
    ("ORG", "ORG"), ("DATE", "DATE"), ("PER_B", "PER"), ("b-og", "ORG"), ("B_LOC", "LOC"),
    ("B-PERSON", "PER"), ("I-GPE", "LOC"), ("B-MISC", None), ("LABEL_0", None),
])
def test_map_hf_label(label, expected):
    assert map_hf_label(label) == expected


@pytest.mark.parametrize("label, expected", [
    ("B-OG", ("B", "OG")), ("I_PER", ("I", "PER")), ("PER-E", ("E", "PER")), ("DATE", ("", "DATE")),
    ("O", ("O", "")), ("BE", ("", "BE")),
])
def test_split_hf_label(label, expected):
    assert split_hf_label(label) == expected


# ---------------------------------------------------------------- decoding and window merge


def test_decode_spans_bio_iobes_and_whitespace():
    text = "삼성 전자와 김민수, 부산"
    tokens = [(0, 2, "B-OG"), (2, 6, "I-OG"), (6, 7, "O"), (7, 8, "B-PS"), (8, 10, "I-PS"),
              (10, 11, "I-LC"), (12, 14, "S-LC")]
    # "삼성 전자" spans the token gap; " 전자" carries the space, trimmed at the edge
    assert decode_spans(text, [(0, 2, "B-OG"), (2, 5, "I-OG")]) == [(0, 5, "ORG")]
    assert decode_spans(text, tokens) == [(0, 6, "ORG"), (7, 10, "PER"), (10, 11, "LOC"), (12, 14, "LOC")]


@pytest.mark.parametrize("tags, expected", [
    (["B-OG", "B-OG"], [(0, 1, "ORG"), (1, 2, "ORG")]),   # B starts a new span
    (["I-OG", "I-OG"], [(0, 2, "ORG")]),                  # IOB1: I after O starts one
    (["I-OG", "I-PS"], [(0, 1, "ORG"), (1, 2, "PER")]),   # label change splits
    (["E-OG", "I-OG"], [(0, 1, "ORG"), (1, 2, "ORG")]),   # E ends a span
    (["B-TI", "I-TI"], []),                               # dropped tags read as O
    (["B-QT", "I-OG"], [(1, 2, "ORG")]),
])
def test_decode_spans_prefixes(tags, expected):
    assert decode_spans("가나", [(0, 1, tags[0]), (1, 2, tags[1])]) == expected


def test_merge_windows_takes_most_central_prediction():
    # token (4, 5) is the last of window 1 (centrality 0) and central in window 2 (centrality 1)
    w1 = [(0, 1, 0), (1, 2, 0), (2, 3, 0), (3, 4, 7), (4, 5, 7)]
    w2 = [(3, 4, 1), (4, 5, 1), (5, 6, 1)]
    assert merge_windows([w1, w2]) == [(0, 1, 0), (1, 2, 0), (2, 3, 0), (3, 4, 7), (4, 5, 1), (5, 6, 1)]


def test_viterbi_forbids_inside_after_outside():
    import numpy as np

    from models.ner.hf import bio_constraints, viterbi_tags

    id2label = {0: "O", 1: "B-ORG", 2: "I-ORG", 3: "B-PER", 4: "I-PER"}
    start, trans = bio_constraints(id2label)
    assert not start[2] and trans[1, 2] and trans[2, 2] and not trans[0, 2] and not trans[3, 2]
    log = np.log
    # argmax would read O, I-ORG, I-ORG (a span starting with I); the best allowed path is B-ORG I-ORG there
    scores = log(np.array([[0.9, 0.02, 0.02, 0.03, 0.03],
                           [0.3, 0.25, 0.4, 0.025, 0.025],
                           [0.1, 0.05, 0.8, 0.025, 0.025],
                           [0.4, 0.05, 0.05, 0.1, 0.4]]))
    assert viterbi_tags(scores, start, trans) == [0, 1, 2, 0]
    assert bio_constraints({0: "O", 1: "S-ORG", 2: "E-ORG"}) is None  # IOBES: argmax decoding


def test_decode_modes(klue_checkpoint):
    assert HfTokenClassifier(klue_checkpoint, device="cpu").decode == "viterbi"
    assert HfTokenClassifier(klue_checkpoint, device="cpu", decode="argmax").decode == "argmax"


def test_encode_texts_offsets_skip_spaces_and_shared_pieces(klue_checkpoint):
    from models.ner.hf import encode_texts

    tok = transformers.AutoTokenizer.from_pretrained(klue_checkpoint, local_files_only=True)
    text = "\x01삼성전자 네이버"
    enc = encode_texts(tok, [text], None, add_special_tokens=False)
    assert [text[s:e] for s, e in enc["offset_mapping"][0]] == ["삼성", "전자", "네이버"]


# ---------------------------------------------------------------- prediction offsets


def test_predict_exact_offsets(rule_classifier):
    clf = rule_classifier(max_length=64, stride=16)
    text = "삼성전자가 네이버에 100억원을 투자했다고 김민수 교수가 말했다."
    spans = clf.predict(text)
    assert spans == [(0, 4, "ORG"), (6, 9, "ORG"), (24, 27, "PER")]
    assert [text[s:e] for s, e, _ in spans] == ["삼성전자", "네이버", "김민수"]


def test_predict_long_text_windows(rule_classifier):
    text = LONG_UNIT * 50
    assert len(text) > 2000
    clf = rule_classifier(max_length=32, stride=8)
    enc = clf.tokenizer(text, truncation=True, max_length=32, stride=8, return_overflowing_tokens=True)
    assert len(enc["input_ids"]) > 50  # many windows
    assert clf.predict(text) == _expected_rule_spans(text)


def test_predict_many_matches_predict(rule_classifier):
    clf = rule_classifier(max_length=32, stride=8)
    texts = [LONG_UNIT * 3, "", "   ", "네이버"]
    assert clf.predict_many(texts) == [_expected_rule_spans(LONG_UNIT * 3), [], [], [(0, 3, "ORG")]]


def test_forced_inside_covers_whole_long_text(all_i_og):
    text = LONG_UNIT * 40
    clf = HfTokenClassifier(all_i_og, device="cpu", max_length=32, stride=8)
    assert clf.predict(text) == [(0, len(text.rstrip()), "ORG")]


def test_forced_begin_gives_one_exact_span_per_token(all_b_ps):
    text = LONG_UNIT * 40
    clf = HfTokenClassifier(all_b_ps, device="cpu", max_length=32, stride=8)
    spans = clf.predict(text)
    tokens = [(s, e) for s, e in clf.tokenizer(text, return_offsets_mapping=True,
                                               add_special_tokens=False)["offset_mapping"]]
    assert [(s, e) for s, e, _ in spans] == tokens
    assert {lab for *_, lab in spans} == {"PER"}
    covered = "".join(text[s:e] for s, e, _ in spans)
    assert covered == "".join(text.split())  # every non-space character, once, in order
    assert "🙂" in covered


# ---------------------------------------------------------------- errors


def test_missing_checkpoint(tmp_path):
    with pytest.raises(BackendError, match=r"\[E022\].*missing or unreadable"):
        HfTokenClassifier(tmp_path / "nope")


def test_not_token_classification(hf_root, klue_checkpoint):
    path = hf_root / "mlm"
    if not path.exists():
        config = transformers.BertConfig.from_pretrained(klue_checkpoint)
        transformers.BertForMaskedLM(config).save_pretrained(path)
    with pytest.raises(BackendError, match=r"\[E023\].*BertForMaskedLM"):
        HfTokenClassifier(path)


def test_no_tokenizer(hf_root, klue_checkpoint):
    path = hf_root / "no-tokenizer"
    if not path.exists():
        path.mkdir()
        for name in ("config.json", "model.safetensors"):
            shutil.copy(klue_checkpoint / name, path / name)
    with pytest.raises(BackendError, match=r"\[E024\]"):
        HfTokenClassifier(path)


def test_labels_that_map_to_nothing(hf_root, klue_checkpoint):
    path = hf_root / "generic-labels"
    if not path.exists():
        shutil.copytree(klue_checkpoint, path)
        config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        config["id2label"] = {str(i): f"LABEL_{i}" for i in range(len(KLUE_TAGS))}
        config["label2id"] = {f"LABEL_{i}": i for i in range(len(KLUE_TAGS))}
        (path / "config.json").write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(BackendError, match=r"\[E025\].*LABEL_0, LABEL_1"):
        HfTokenClassifier(path)


def test_stride_too_large(klue_checkpoint):
    with pytest.raises(BackendError, match=r"\[E013\].*stride"):
        HfTokenClassifier(klue_checkpoint, max_length=32, stride=30)


# ---------------------------------------------------------------- spaCy component and CLI


def _tag(tmp_path, ner, texts):
    from click.testing import CliRunner

    from pipeline.cli import cli

    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                           for i, t in enumerate(texts)), encoding="utf-8")
    result = CliRunner().invoke(cli, ["tag", "--input", str(src), "--output", str(dst), "--tokenizer", "mecab",
                                      "--ner", f"hf:{ner}"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == list(range(len(texts)))
    for row, text in zip(rows, texts):
        for ent in row["entities"]:
            assert text[ent["start"]:ent["end"]] == ent["text"]
            assert ent["label"] in CONTRACT
    return rows


def test_component_aligns_to_morphemes(all_i_og):
    pytest.importorskip("mecab_ko")
    from models.ner.hf import add_hf_ner
    from models.nlp import blank_korean

    nlp = add_hf_ner(blank_korean("mecab"), all_i_og)
    doc = nlp("네이버가 발표했다")
    # every subword is I-OG: one ORG over the whole text, on morpheme boundaries
    assert [(e.start_char, e.end_char, e.label_) for e in doc.ents] == [(0, 9, "ORG")]
    doc = nlp("카카오가")
    # a trailing particle (가/JKS) is dropped: entities end before particles
    assert [(e.text, e.label_) for e in doc.ents] == [("카카오", "ORG")]


def test_tag_cli_with_klue_checkpoint(tmp_path, all_b_ps):
    pytest.importorskip("mecab_ko")
    texts = ["김민수 교수는 부산에서 강연했다.", LONG_UNIT * 8]
    rows = _tag(tmp_path, all_b_ps, texts)
    assert any(e["label"] == "PER" for e in rows[0]["entities"])


# ---------------------------------------------------------------- fine-tuning


def test_train_hf_then_tag(tmp_path, hf_root, klue_checkpoint, train_jsonl):
    pytest.importorskip("mecab_ko")
    from models.ner.train_hf import HF_TAGS, train_hf

    out = tmp_path / "ner-hf"
    logs = []
    metrics = train_hf(train_jsonl, klue_checkpoint, out, epochs=2, max_steps=3, batch_size=8, lr=1e-3,
                       dev_fraction=0.3, seed=0, max_length=32, stride=8, device="cpu", log=logs.append)
    assert metrics["steps"] == 3
    assert metrics["n_train_sentences"] + metrics["n_dev_sentences"] == len(SENTENCES)
    assert metrics["n_dev_sentences"] > 0 and set(metrics["dev"]) >= {"ORG", "PER", "micro"}
    assert json.loads((out / "metrics.json").read_text(encoding="utf-8"))["steps"] == 3
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert [config["id2label"][str(i)] for i in range(len(HF_TAGS))] == list(HF_TAGS)
    assert HF_TAGS[:3] == ("O", "B-ORG", "I-ORG")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ner-hf.")]  # temp dir renamed away
    _tag(tmp_path, out, [t for t, _ in SENTENCES[:4]] + [LONG_UNIT * 5])


def test_token_tags_first_token_is_b():
    from models.ner.train_hf import HF_TAGS, token_tags

    # [CLS] 삼성 ##전자 ##가 [SEP]; 삼성전자 is ORG at (0, 4)
    tags = token_tags([(0, 0), (0, 2), (2, 4), (4, 5), (0, 0)], [1, 0, 0, 0, 1], [(0, 4, "ORG")])
    assert [HF_TAGS[t] if t >= 0 else t for t in tags] == [-100, "B-ORG", "I-ORG", "O", -100]


def test_tag_cli_missing_checkpoint(tmp_path):
    pytest.importorskip("mecab_ko")
    from click.testing import CliRunner

    from pipeline.cli import cli

    src = tmp_path / "in.jsonl"
    src.write_text('{"id": 1, "text": "네이버가 발표했다."}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["tag", "--input", str(src), "--output", str(tmp_path / "out.jsonl"),
                                      "--tokenizer", "mecab", "--ner", f"hf:{tmp_path / 'nope'}"])
    assert result.exit_code == 1
    assert "[E022]" in result.output


def test_device_choices(monkeypatch):
    from models.errors import BackendError
    from models.ner.hf import _resolve_device

    assert _resolve_device("cpu", torch) == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert _resolve_device(None, torch) == "cpu" and _resolve_device("auto", torch) == "cpu"
    with pytest.raises(BackendError, match=r"\[E055\].*--device cuda.*no CUDA"):
        _resolve_device("cuda", torch)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    assert _resolve_device("cuda:0", torch) == "cuda:0" and _resolve_device(None, torch) == "cuda"
    with pytest.raises(BackendError, match=r"\[E055\].*cuda:3.*1 CUDA"):
        _resolve_device("cuda:3", torch)
    with pytest.raises(BackendError, match=r"\[E013\]"):
        _resolve_device("tpu", torch)
