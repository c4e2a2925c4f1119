"""Tests of the NER lexicon feature (models/ner/lexicon.py).

All names and sentences here are written for these tests.
"""
from __future__ import annotations

import json

import pytest

from models.errors import BackendError, DataFileError
from models.ner.lexicon import Lexicon, default_lexicon_paths, load_names


@pytest.fixture(scope="module")
def nlp():
    pytest.importorskip("mecab_ko")
    from models.nlp import blank_korean

    return blank_korean("mecab", user_words=False)


def _lexicon(nlp, names):
    lex = Lexicon()
    lex.initialize(names=names)
    return lex


def _features(doc):
    return [(t.text, str(t.morph)) for t in doc if str(t.morph)]


def test_load_names_reads_txt_and_gazetteer_jsonl(tmp_path):
    txt = tmp_path / "orgs.txt"
    txt.write_text("# 주석\n## 방송\n한빛방송  # 끝 주석\n\n푸른 돌고래단\n가\n", encoding="utf-8")
    gaz = tmp_path / "gaz.jsonl"
    gaz.write_text(json.dumps({"canonical": "새솔연구소", "aliases_ko": ["새솔랩"], "aliases_en": ["Saesol Lab"],
                               "abbreviations": ["SSL"]}, ensure_ascii=False) + "\n", encoding="utf-8")
    places = tmp_path / "places.txt"
    places.write_text("달빛시\n한빛방송\n", encoding="utf-8")
    names = load_names({"ORG": [txt, gaz], "LOC": [places]})
    assert names == {
        "한빛방송": "ORG",  # listed as ORG and LOC: ORG wins
        "푸른 돌고래단": "ORG",
        "새솔연구소": "ORG", "새솔랩": "ORG", "Saesol Lab": "ORG", "SSL": "ORG",
        "달빛시": "LOC",
    }  # the one-character 가 is skipped


def test_load_names_missing_file_is_e016(tmp_path):
    with pytest.raises(BackendError, match=r"E016.*nowhere\.txt.*lexicon file not found"):
        load_names({"ORG": [tmp_path / "nowhere.txt"]})


@pytest.mark.parametrize("line, detail", [
    ("{oops", r"invalid JSON"),
    ('["새솔연구소"]', r"expected a JSON object, found list"),
    ('{"aliases_ko": ["새솔랩"]}', r"'canonical' must be a non-empty string, found None"),
    ('{"canonical": "새솔랩", "aliases_ko": "새솔"}', r"'aliases_ko' must be a list of non-empty strings"),
])
def test_load_names_bad_jsonl_names_the_line(tmp_path, line, detail):
    gaz = tmp_path / "gaz.jsonl"
    gaz.write_text('{"canonical": "새솔연구소"}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"E003\] Malformed line in .*gaz\.jsonl:2: " + detail):
        load_names({"ORG": [gaz]})


def test_bad_label_is_rejected():
    with pytest.raises(ValueError, match="PER"):
        Lexicon({"김도윤": "PER"})


def test_marks_first_and_inner_tokens_and_leaves_particles(nlp):
    lex = _lexicon(nlp, {"한빛방송": "ORG", "푸른 돌고래단": "ORG", "달빛시": "LOC"})
    doc = lex(nlp.make_doc("한빛방송이 달빛시에서 푸른 돌고래단을 만났다."))
    words = [t.text for t in doc]
    assert "이" in words and "을" in words  # particles are their own tokens
    feats = _features(doc)
    assert feats[0] == ("한빛방송", "Lex=OrgB") or feats[:2] == [("한빛", "Lex=OrgB"), ("방송", "Lex=OrgI")]
    assert ("이", "") not in feats
    loc = [f for t, f in feats if f.startswith("Lex=Loc")]
    assert loc[0] == "Lex=LocB" and set(loc[1:]) <= {"Lex=LocI"}
    org_text = "".join(t.text_with_ws for t in doc if str(t.morph).startswith("Lex=Org"))
    assert org_text.replace(" ", "") == "한빛방송푸른돌고래단"
    for t in doc:
        if t.text in ("이", "에서", "을", "만났", "다", "."):
            assert str(t.morph) == ""


def test_matches_are_longest_first_and_do_not_overlap(nlp):
    lex = _lexicon(nlp, {"한빛": "LOC", "한빛 전자": "ORG", "전자 상가": "ORG"})
    doc = nlp.make_doc("한빛 전자 상가")
    assert [t.text for t in doc] == ["한빛", "전자", "상가"]
    assert lex.matches(doc) == [(0, 2, "ORG")]
    lex(doc)
    assert [str(t.morph) for t in doc] == ["Lex=OrgB", "Lex=OrgI", ""]


def test_spaced_name_matches_unspaced_text(nlp):
    lex = _lexicon(nlp, {"푸른 돌고래단": "ORG"})
    doc = nlp.make_doc("푸른돌고래단")
    (start, end, label), = lex.matches(doc)
    assert (doc[start:end].text, label) == ("푸른돌고래단", "ORG")
    assert lex.names == {"푸른 돌고래단": "ORG", "푸른돌고래단": "ORG"}


def test_name_must_cover_whole_tokens(nlp):
    # 한빛 is a name, but here it is only part of the one token 한빛나
    lex = _lexicon(nlp, {"한빛": "ORG"})
    doc = nlp.make_doc("한빛나")
    if [t.text for t in doc] == ["한빛나"]:
        assert lex.matches(doc) == []
    assert lex.matches(nlp.make_doc("")) == []


def test_round_trips_through_disk_and_bytes(nlp, tmp_path):
    lex = _lexicon(nlp, {"한빛방송": "ORG", "달빛시": "LOC"})
    lex.to_disk(tmp_path / "lex")
    assert json.loads((tmp_path / "lex" / "lexicon.json").read_text(encoding="utf-8")) == {
        "달빛시": "LOC", "한빛방송": "ORG"}
    assert Lexicon().from_disk(tmp_path / "lex").names == lex.names
    assert Lexicon().from_bytes(lex.to_bytes()).names == lex.names
    with pytest.raises(BackendError, match="lexicon.json not found"):
        Lexicon().from_disk(tmp_path / "empty")


def test_default_files_exist_and_give_both_labels():
    for paths in default_lexicon_paths().values():
        for p in paths:
            assert p.exists(), p
    names = load_names()
    assert names["JTBC"] == "ORG" and names["국민의힘"] == "ORG" and names["두산 베어스"] == "ORG"
    assert names["미국"] == "LOC"
    assert names["네이버 클로바"] == "ORG"  # from the extraction gazetteer
    assert all(len(n) >= 2 for n in names)


def test_ner_config_embeds_morph_only_with_the_lexicon():
    from models.ner.train import ner_config

    _, plain = ner_config()
    _, lex = ner_config(lexicon=True)
    embed = lambda c: c["model"]["tok2vec"]["embed"]  # noqa: E731
    assert "MORPH" not in embed(plain)["attrs"]
    assert embed(lex)["attrs"][-1] == "MORPH"
    assert len(embed(lex)["attrs"]) == len(embed(lex)["rows"]) == len(embed(plain)["rows"]) + 1


def test_tagger_with_lexicon_learns_and_round_trips(tmp_path):
    """A pipeline trained with the lexicon saves it and applies it after loading."""
    pytest.importorskip("mecab_ko")
    from spacy.tokens import Doc
    from spacy.training import Example

    from models.ner.model import load_ner, ner_spans
    from models.ner.train import _pred_doc, ner_config
    from models.nlp import blank_korean

    nlp = blank_korean("mecab", user_words=False)
    lex = nlp.add_pipe("kornews_lexicon", name="lexicon")
    lex.initialize(names={"한빛방송": "ORG"})
    factory, config = ner_config(width=32, depth=1, arch="tagger", lexicon=True)
    nlp.add_pipe(factory, name="ner", config=config)
    text = "한빛방송이 새 건물을 지었다"
    gold = nlp.make_doc(text)
    gold = Doc(gold.vocab, words=[t.text for t in gold], spaces=[bool(t.whitespace_) for t in gold])
    gold.set_ents([gold.char_span(0, 4, label="ORG")], default="outside")
    eg = Example(_pred_doc(nlp, gold), gold)
    assert str(eg.predicted[0].morph) == "Lex=OrgB"
    optimizer = nlp.initialize(lambda: [eg])
    lex.set_names({"한빛방송": "ORG"})  # nlp.initialize reloads the default files
    for _ in range(60):
        nlp.update([eg], sgd=optimizer, drop=0.0)
    assert ner_spans(nlp, text) == [(0, 4, "ORG")]
    nlp.to_disk(tmp_path / "m")
    again = load_ner(tmp_path / "m")
    assert again.pipe_names == ["lexicon", "ner"]
    assert again.get_pipe("lexicon").names == {"한빛방송": "ORG"}
    assert ner_spans(again, text) == [(0, 4, "ORG")]


def test_annotate_drop_leaves_matches_unmarked(nlp):
    import random

    lex = _lexicon(nlp, {"한빛방송": "ORG", "달빛시": "LOC"})
    text = " ".join(["한빛방송과 달빛시"] * 20)
    marked = lambda doc: sum(str(t.morph).endswith("B") for t in doc)  # noqa: E731
    assert marked(lex.annotate(nlp.make_doc(text), drop=0.0)) == 40
    assert marked(lex.annotate(nlp.make_doc(text), drop=1.0)) == 0
    half = marked(lex.annotate(nlp.make_doc(text), drop=0.5, rng=random.Random(0)))
    assert 0 < half < 40
    assert marked(lex.annotate(nlp.make_doc(text), drop=0.5, rng=random.Random(0))) == half
