"""Tokenizer backends keep exact offsets; surface tokens tile the text."""
from __future__ import annotations

import pytest

from models.errors import BackendError
from models.tokenize import (BACKENDS, Morph, align_forms, create_tokenizer, java_available,
                             surface_tokens)

TEXTS = [
    "네이버 클로바가 올해 66건의 정규 논문을 발표했다.",
    "뉴립스에서 카이스트와 할 것을 논의했다.\n\n둘째 문단  은 공백이 두 칸이다.",
    "Z홀딩스는 5000억엔(약 5조3000억원) 규모의 투자를 실시한다.",
    "'ICLR 2022'에서 채택된 논문 ①번 ~ ③번…",
    "",
    "   ",
]


def _check_offsets(text, morphs):
    for m in morphs:
        assert 0 <= m.start <= m.end <= len(text)
    toks = surface_tokens(text, morphs)
    pos = 0
    for t in toks:
        assert t.end > t.start
        assert text[pos:t.start].strip() == ""  # only whitespace between tokens
        pos = t.end
    assert text[pos:].strip() == ""


@pytest.mark.parametrize("text", TEXTS)
def test_kiwi_offsets_tile_text(kiwi_tokenizer, text):
    _check_offsets(text, kiwi_tokenizer.morphs(text))


@pytest.mark.parametrize("text", TEXTS)
def test_mecab_offsets_tile_text(mecab_tokenizer, text):
    morphs = mecab_tokenizer.morphs(text)
    for m in morphs:
        assert text[m.start:m.end] == m.form  # mecab forms are surface strings
    _check_offsets(text, morphs)


@pytest.mark.parametrize("text", TEXTS + ["☃︎ 🤖 ㈜네이버 ①②", "\u200b네이버\u00a0랩스", "a\r\nb  c\t", "ᄀᄂ 했다"])
def test_mecab_fast_surface_equals_general_path(mecab_tokenizer, text):
    fast = [(t.start, t.end, t.tag, t.lemma) for t in mecab_tokenizer.surface(text)]
    general = [(t.start, t.end, t.tag, t.lemma) for t in surface_tokens(text, mecab_tokenizer.morphs(text))]
    assert fast == general


def test_mecab_fast_surface_tags_contracted_node():
    pytest.importorskip("mecab_ko")
    toks = create_tokenizer("mecab").surface("발표했다")
    assert [("발표했다"[t.start:t.end], t.tag) for t in toks] == [("발표", "NNG"), ("했", "XSV+EP"), ("다", "EC")]


def test_kiwi_merges_jamo_and_contracted_morphemes(kiwi_tokenizer):
    text = "발표했다. 할 것"
    toks = [(text[t.start:t.end], t.tag) for t in surface_tokens(text, kiwi_tokenizer.morphs(text))]
    assert toks == [("발표", "NNG"), ("했", "XSV+EP"), ("다", "EF"), (".", "SF"), ("할", "VV+ETM"), ("것", "NNB")]


def test_kiwi_keeps_clova_whole_mecab_splits_it(kiwi_tokenizer, mecab_tokenizer):
    text = "네이버 클로바가 발표했다"
    assert [m.form for m in kiwi_tokenizer.morphs(text)][:3] == ["네이버", "클로바", "가"]
    assert [m.form for m in mecab_tokenizer.morphs(text)][:4] == ["네이버", "클로", "바", "가"]


def test_kiwi_batch_equals_single(kiwi_tokenizer):
    batch = kiwi_tokenizer.morphs_batch(TEXTS[:3])
    assert batch == [kiwi_tokenizer.morphs(t) for t in TEXTS[:3]]


def test_surface_tokens_zero_length_and_uncovered():
    text = "가나 다"
    morphs = [Morph("가", "NNG", 0, 1), Morph("ᆫ", "ETM", 1, 1), Morph("나", "NNG", 1, 2)]
    toks = surface_tokens(text, morphs)
    assert [(t.start, t.end, t.tag) for t in toks] == [(0, 1, "NNG+ETM"), (1, 2, "NNG"), (3, 4, "UNK")]


@pytest.mark.parametrize("text,pairs,expected", [
    ("했다", [("하", "VV"), ("었", "EP"), ("다", "EF")], [(0, 1), (0, 1), (1, 2)]),
    ("할 것", [("하", "VV"), ("ㄹ", "ETM"), ("것", "NNB")], [(0, 1), (0, 1), (2, 3)]),
    ("네이버가 발표", [("네이버", "NNP"), ("가", "JKS"), ("발표", "NNG")], [(0, 3), (3, 4), (5, 7)]),
    ("갔다", [("가", "VV"), ("았", "EP"), ("다", "EF")], [(0, 1), (0, 1), (1, 2)]),
    ("먹었어", [("먹", "VV"), ("었", "EP"), ("어", "EF")], [(0, 1), (1, 2), (2, 3)]),
])
def test_align_forms(text, pairs, expected):
    assert [(m.start, m.end) for m in align_forms(text, pairs)] == expected


def test_unknown_backend_lists_valid_ones():
    with pytest.raises(BackendError, match=r"Unknown tokenizer backend 'foo'.*kiwi, mecab"):
        create_tokenizer("foo")


@pytest.mark.parametrize("name", ["okt", "komoran", "kkma", "hannanum"])
def test_konlpy_backends(name):
    """Each konlpy backend gives tiling offsets when Java is there, else a clear error."""
    pytest.importorskip("konlpy")
    if not java_available():
        with pytest.raises(BackendError, match="needs a Java runtime"):
            create_tokenizer(name)
        pytest.skip(f"no JVM: {name} reports how to install Java")
    tok = create_tokenizer(name)
    for text in TEXTS[:3]:
        _check_offsets(text, tok.morphs(text))
    morphs = tok.morphs("네이버가 논문을 발표했다.")
    assert morphs[0].start == 0 and "네이버" in morphs[0].form


def test_konlpy_without_java_reports_install_hint(monkeypatch):
    monkeypatch.delenv("JAVA_HOME", raising=False)
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(BackendError, match=r"\[E005\].*apt-get install default-jre-headless"):
        create_tokenizer("okt")


def test_backend_registry_names():
    assert "kiwi" in BACKENDS and "mecab" in BACKENDS


@pytest.mark.parametrize("text", ["  앞 공백", "네이버가  두 칸\n\n줄바꿈 \t탭 끝 ", "하나", " "])
def test_spacy_doc_keeps_text_and_offsets(text):
    from models.nlp import blank_korean

    doc = blank_korean("mecab", user_words=False)(text)
    assert doc.text == text
    for tok in doc:
        assert text[tok.idx:tok.idx + len(tok.text)] == tok.text


def _doc_rows(doc):
    return [(t.idx, t.text, t.whitespace_, t.tag_, t.lemma_, t.is_sent_start) for t in doc]


def test_mecab_doc_words_exact():
    """The one-pass mecab path: one space rides on the token before it, other
    whitespace is a ``_SP`` token, a contracted node keeps its joined tags."""
    pytest.importorskip("mecab_ko")
    text = "네이버가 발표했다.\n\n 삼성  전자"
    words, spaces, tags = create_tokenizer("mecab").doc_words(text)
    assert list(zip(words, spaces, tags)) == [
        ("네이버", False, "NNP"), ("가", True, "JKS"), ("발표", False, "NNG"), ("했", False, "XSV+EP"),
        ("다", False, "EF"), (".", False, "SF"), ("\n\n ", False, "_SP"), ("삼성", True, "NNP"),
        (" ", False, "_SP"), ("전자", False, "NNG")]


@pytest.mark.parametrize("text", TEXTS + ["☃︎ 🤖 ㈜네이버 ①②", "\u200b네이버\u00a0랩스", "a\r\nb  c\t", "ᄀᄂ 했다",
                                  "\n\n네이버\n \n가 ", "  앞 공백. 둘째 문장! 셋째", ""])
def test_mecab_fast_doc_equals_surface_token_path(text):
    """The tokenizer's one-pass Doc (tags, lemmas and sentence starts set as
    arrays) is token for token the Doc built from :meth:`surface` tokens."""
    pytest.importorskip("mecab_ko")
    from models.nlp import blank_korean

    nlp = blank_korean("mecab", user_words=False)
    fast = nlp.make_doc(text)
    slow = nlp.tokenizer.doc_from_tokens(text, nlp.tokenizer.backend.surface(text))
    assert fast.text == text
    assert _doc_rows(fast) == _doc_rows(slow)


def test_mecab_doc_falls_back_when_a_surface_is_not_in_the_text(monkeypatch):
    """mecab rows that do not match the text (never seen, but offsets must stay
    honest) send the tokenizer down the general morpheme path."""
    pytest.importorskip("mecab_ko")
    from models.nlp import blank_korean

    nlp = blank_korean("mecab", user_words=False)
    backend = nlp.tokenizer.backend
    real_parse = backend._tagger.parse

    class Tagger:  # "했" comes back as a form that is not in the text
        @staticmethod
        def parse(line):
            return real_parse(line).replace("했\t", "하었\t")

    monkeypatch.setattr(backend, "_tagger", Tagger())
    assert backend.doc_words("발표했다") is None
    doc = nlp.make_doc("발표했다")
    assert doc.text == "발표했다"
    assert [(t.idx, t.text) for t in doc][0] == (0, "발표")


def test_kiwi_doc_lemmas_are_the_morpheme_forms(kiwi_tokenizer):
    from models.nlp import KoreanTokenizer
    from spacy.vocab import Vocab

    doc = KoreanTokenizer(Vocab(), kiwi_tokenizer)("발표했다. 새 문장")
    assert [(t.text, t.lemma_, t.is_sent_start) for t in doc][:4] == [
        ("발표", "발표", True), ("했", "하+었", False), ("다", "다", False), (".", ".", False)]
    assert [t.is_sent_start for t in doc if t.text == "새"] == [True]


@pytest.mark.parametrize("backend", ["mecab", "kiwi"])
def test_long_runs_are_analysed_in_pieces_with_exact_offsets(backend):
    """A 2,000-character run without a space is cut into 256-character pieces (linear cost)."""
    pytest.importorskip("kiwipiepy" if backend == "kiwi" else "mecab_ko")
    from models.tokenize import MAX_RUN, create_tokenizer, split_long_runs

    text = "네이버가 발표했다. " + "ⓒ" * 2000 + " 카카오는 " + "A" * 700
    pieces = split_long_runs(text)
    assert [len(p) for _, p in pieces] == [11] + [MAX_RUN] * 7 + [208, 6] + [MAX_RUN] * 2 + [188]
    assert "".join(p for _, p in pieces) == text and all(text[o:o + len(p)] == p for o, p in pieces)
    for m in create_tokenizer(backend).morphs(text):
        assert 0 <= m.start <= m.end <= len(text)
    tok = create_tokenizer(backend)
    assert [(m.form, m.start) for m in tok.morphs("네이버가 발표했다.")][:1] == [("네이버", 0)]
