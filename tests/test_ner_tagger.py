"""Tests of the BILUO tagger NER component (models/ner/tagger.py).

All sentences here are written for these tests.
"""
from __future__ import annotations

import numpy
import pytest
from spacy.tokens import Doc
from spacy.training import Example

from models.ner.tagger import BiluoNer, decode_biluo

# tag ids with labels (ORG, PER): O=0, B-ORG=1, I-ORG=2, L-ORG=3, U-ORG=4, B-PER=5, I-PER=6, L-PER=7, U-PER=8


@pytest.mark.parametrize("ids, spans", [
    ([], []),
    ([0, 0, 0], []),
    ([4], [(0, 1, 0)]),
    ([1, 3], [(0, 2, 0)]),
    ([1, 2, 2, 3, 0], [(0, 4, 0)]),
    ([4, 4, 8], [(0, 1, 0), (1, 2, 0), (2, 3, 1)]),
    # lenient: an I or L with nothing open starts an entity
    ([0, 2, 3, 0], [(1, 3, 0)]),
    ([0, 3, 0], [(1, 2, 0)]),
    # an entity left open ends at the next O, or at the end of the doc
    ([1, 2, 0, 5, 6], [(0, 2, 0), (3, 5, 1)]),
    # a label change or a new B closes the open entity
    ([1, 6, 7], [(0, 1, 0), (1, 3, 1)]),
    ([1, 1, 3], [(0, 1, 0), (1, 3, 0)]),
    # U inside an open entity: the open one ends before it
    ([1, 2, 4, 0], [(0, 2, 0), (2, 3, 0)]),
])
def test_decode_biluo(ids, spans):
    assert decode_biluo(numpy.array(ids, dtype="i")) == spans


@pytest.fixture(scope="module")
def tagger_nlp():
    pytest.importorskip("mecab_ko")
    from models.ner.train import ner_config
    from models.nlp import blank_korean

    nlp = blank_korean("mecab", user_words=False)
    factory, config = ner_config(width=16, depth=1, arch="tagger")
    ner = nlp.add_pipe(factory, name="ner", config=config)
    for label in ("ORG", "PER"):
        ner.add_label(label)
    return nlp


def _example(nlp, text: str, ents: list[tuple[str, str]], missing: str = "") -> Example:
    pred = nlp.make_doc(text)
    ref = Doc(pred.vocab, words=[t.text for t in pred], spaces=[bool(t.whitespace_) for t in pred])
    spans = [ref.char_span(text.index(s), text.index(s) + len(s), label=lab) for s, lab in ents]
    miss = [ref.char_span(text.index(missing), text.index(missing) + len(missing))] if missing else []
    ref.set_ents(spans, missing=miss, default="outside")
    return Example(pred, ref)


def test_tags_are_laid_out_per_label(tagger_nlp):
    ner = tagger_nlp.get_pipe("ner")
    assert isinstance(ner, BiluoNer)
    assert ner.tags == ("O", "B-ORG", "I-ORG", "L-ORG", "U-ORG", "B-PER", "I-PER", "L-PER", "U-PER")


def test_loss_gives_no_gradient_for_missing_tokens(tagger_nlp):
    ner = tagger_nlp.get_pipe("ner")
    eg = _example(tagger_nlp, "한빛전자가 김도윤 대표를 선임했다", [("한빛전자", "ORG")], missing="김도윤")
    tagger_nlp.initialize(lambda: [eg])
    scores = ner.model.predict([eg.predicted])
    loss, d_scores = ner.get_loss([eg], scores)
    grads = ner.model.ops.to_numpy(d_scores[0])
    words = [t.text for t in eg.predicted]
    missing_row = words.index("김도윤") if "김도윤" in words else words.index("김")
    assert not grads[missing_row].any()
    org_row = [i for i, t in enumerate(eg.predicted) if t.idx == 0][0]
    assert grads[org_row].any() and loss > 0


def test_labels_cannot_change_after_initialize(tagger_nlp):
    ner = tagger_nlp.get_pipe("ner")
    eg = _example(tagger_nlp, "한빛전자가 문을 열었다", [("한빛전자", "ORG")])
    tagger_nlp.initialize(lambda: [eg])
    with pytest.raises(ValueError, match="already initialized"):
        ner.add_label("LOC")


def test_tagger_learns_and_round_trips(tmp_path):
    """A few updates on two sentences, then the saved pipeline predicts the same spans."""
    pytest.importorskip("mecab_ko")
    from models.ner.model import load_ner, ner_spans
    from models.ner.train import ner_config
    from models.nlp import blank_korean

    nlp = blank_korean("mecab", user_words=False)
    factory, config = ner_config(width=32, depth=1, arch="tagger")
    nlp.add_pipe(factory, name="ner", config=config)
    egs = [_example(nlp, "한빛전자가 새 공장을 지었다", [("한빛전자", "ORG")]),
           _example(nlp, "김도윤 대표가 말했다", [("김도윤", "PER")])]
    optimizer = nlp.initialize(lambda: egs)
    for _ in range(60):
        nlp.update(egs, sgd=optimizer, drop=0.0)
    text = "한빛전자가 새 공장을 지었다"
    assert ner_spans(nlp, text) == [(0, 4, "ORG")]
    nlp.to_disk(tmp_path / "m")
    again = load_ner(tmp_path / "m")
    assert again.get_pipe("ner").labels == ("ORG", "PER")
    assert ner_spans(again, text) == [(0, 4, "ORG")]
    assert ner_spans(again, "김도윤 대표가 말했다") == [(0, 3, "PER")]


def test_ner_config_architectures():
    from models.errors import BackendError
    from models.ner.train import ner_config

    factory, config = ner_config(arch="parser")
    assert factory == "ner" and config["model"]["@architectures"] == "spacy.TransitionBasedParser.v2"
    factory, config = ner_config(arch="tagger")
    assert factory == "kornews_biluo_ner" and config["model"]["@architectures"] == "spacy.Tagger.v2"
    assert config["model"]["tok2vec"]["encode"]["width"] == 64
    with pytest.raises(BackendError, match="E013.*crf"):
        ner_config(arch="crf")


def test_ner_config_maxout_pieces():
    from models.ner.train import ner_config

    _, config = ner_config()
    assert config["model"]["tok2vec"]["encode"]["maxout_pieces"] == 3
    _, config = ner_config(pieces=2)
    assert config["model"]["tok2vec"]["encode"]["maxout_pieces"] == 2


@pytest.mark.parametrize("average", [False, True])
def test_training_optimizer_keeps_weight_averages_only_on_request(tagger_nlp, average):
    from models.ner.train import training_optimizer

    eg = _example(tagger_nlp, "한빛전자가 김도윤 대표를 선임했다", [("한빛전자", "ORG"), ("김도윤", "PER")])
    optimizer = tagger_nlp.initialize(lambda: [eg], sgd=training_optimizer(average))
    ner = tagger_nlp.get_pipe("ner")
    for _ in range(3):
        tagger_nlp.update([eg], sgd=optimizer, drop=0.0)
    if not average:
        assert optimizer.averages is None
        return
    raw = ner.model.predict([eg.predicted])[0].copy()
    with tagger_nlp.use_params(optimizer.averages):
        averaged = ner.model.predict([eg.predicted])[0].copy()
    assert len(optimizer.averages) > 0
    assert not numpy.allclose(raw, averaged)  # the averages are not the last weights
    numpy.testing.assert_array_equal(ner.model.predict([eg.predicted])[0], raw)  # and are swapped back


def test_shipped_tagger_handles_empty_docs_in_a_batch():
    pytest.importorskip("mecab_ko")
    from models.ner.model import load_ner

    nlp = load_ner()
    docs = list(nlp.pipe(["", "네이버가 120억원을 투자했다.", " ", "\n\n"]))
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs] == [
        [], [(0, 3, "ORG"), (5, 10, "MONEY")], [], []]


def test_viterbi_forces_outside_tokens_to_o():
    from models.ner.tagger import viterbi_biluo

    # O, B-ORG, I-ORG, L-ORG, U-ORG: the best path is B L, but token 0 must be O
    logits = numpy.log(numpy.array([[.01, .6, .1, .2, .09], [.01, .1, .1, .7, .09]], dtype="f"))
    assert viterbi_biluo(logits).tolist() == [1, 3]
    assert viterbi_biluo(logits, outside=numpy.array([True, False])).tolist() == [0, 4]


def _brute_force_best_valid(logits):
    """The best valid BILUO path by enumeration (tiny tables only)."""
    import itertools

    from models.ner.tagger import _transitions

    n_tokens, n_tags = logits.shape
    logp = logits - numpy.log(numpy.exp(logits).sum(axis=1, keepdims=True))
    trans, start, end = _transitions((n_tags - 1) // 4)
    best, best_path = -numpy.inf, None
    for path in itertools.product(range(n_tags), repeat=n_tokens):
        score = start[path[0]] + end[path[-1]] + sum(logp[i, t] for i, t in enumerate(path))
        score += sum(trans[a, b] for a, b in zip(path, path[1:]))
        if score > best:
            best, best_path = score, list(path)
    return best_path


def test_viterbi_equals_enumeration_whether_or_not_the_best_tags_are_valid():
    from models.ner.tagger import _bad_steps, _transitions, viterbi_biluo

    rng = numpy.random.default_rng(7)
    trans, _, _ = _transitions(2)
    valid_argmax = 0
    for case in range(150):
        n = int(rng.integers(1, 5))
        logits = rng.normal(0, 3, size=(n, 9)).astype("float32")  # O + BILU for two labels
        valid_argmax += not _bad_steps(logits.argmax(axis=1), trans).any()
        # certain=1.0: no token is fixed to O, so the search is the exact global one
        assert viterbi_biluo(logits, certain=1.0).tolist() == _brute_force_best_valid(logits), case
    assert 15 < valid_argmax < 135  # both the shortcut and the search were exercised


def test_shipped_tagger_never_starts_an_entity_on_a_paragraph_break():
    pytest.importorskip("mecab_ko")
    from models.ner.model import load_ner

    nlp = load_ner()  # the cached shipped pipeline: restore its decoder whatever happens
    try:
        for text in ["기사 끝.\n\n정해린 연구원은 말했다.", "첫 문단\n\n연구원들은 LG AI연구원 소속이다."]:
            for decode in ("viterbi", "greedy"):
                nlp.get_pipe("ner").decode = decode
                ents = list(nlp(text).ents)
                assert all(e.text == e.text.strip() and "\n" not in e.text for e in ents), (decode, ents)
    finally:
        nlp.get_pipe("ner").decode = "viterbi"
    assert [(e.text, e.label_) for e in nlp("기사 끝.\n\n정해린 연구원은 말했다.").ents] == [("정해린", "PER")]


def test_selection_score():
    from models.errors import BackendError
    from models.ner.train import selection_score

    scores = {"ORG": {"f": 0.7}, "MONEY": {"f": 0.9}, "PER": {"f": 0.1}, "micro": {"f": 0.6}}
    assert selection_score(scores, "org_money") == pytest.approx(0.8)
    assert selection_score(scores, "micro") == 0.6
    with pytest.raises(BackendError, match="E013.*--select"):
        selection_score(scores, "per")
