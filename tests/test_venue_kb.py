"""Tests for the venue knowledge base: the build script, the Hangul
transcription and folding, the compiled matcher, and the shipped KB.

All Korean sentences and Hangul spellings here are written for these tests.
"""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("ahocorasick")

from models.errors import DataFileError  # noqa: E402
from models.venues import (  # noqa: E402
    Venue,
    VenueForm,
    VenueKB,
    fold_hangul,
    hangul_variants,
    load_venue_kb,
    match_key,
    read_kb,
    transliterate_title,
    write_kb,
)
from models.venues.translit import Pronouncer, arpabet_to_hangul, transliterate_word  # noqa: E402
from pipeline.build_venue_kb import build  # noqa: E402

# ARPAbet pronunciations (CMUdict style) of the words the tests transcribe.
PRONS = {
    "nature": "N EY1 CH ER0", "science": "S AY1 AH0 N S", "letters": "L EH1 T ER0 Z",
    "physical": "F IH1 Z IH0 K AH0 L", "review": "R IY2 V Y UW1", "applied": "AH0 P L AY1 D",
    "physics": "F IH1 Z IH0 K S", "advanced": "AH0 D V AE1 N S T", "functional": "F AH1 NG K SH AH0 N AH0 L",
    "materials": "M AH0 T IH1 R IY0 AH0 L Z", "journal": "JH ER1 N AH0 L", "power": "P AW1 ER0",
    "sources": "S AO1 R S AH0 Z", "robotics": "R OW2 B AA1 T IH0 K S", "photon": "F OW1 T AA0 N",
    "membrane": "M EH1 M B R EY2 N", "machine": "M AH0 SH IY1 N", "learning": "L ER1 N IH0 NG",
    "energy": "EH1 N ER0 JH IY0", "reports": "R IH0 P AO1 R T S", "medicine": "M EH1 D AH0 S AH0 N",
    "chemical": "K EH1 M IH0 K AH0 L", "pattern": "P AE1 T ER0 N", "recognition": "R EH2 K AH0 G N IH1 SH AH0 N",
    "computer": "K AH0 M P Y UW1 T ER0", "vision": "V IH1 ZH AH0 N", "communications":
    "K AH0 M Y UW2 N AH0 K EY1 SH AH0 N Z",
}


@pytest.fixture(scope="module")
def pron() -> Pronouncer:
    return Pronouncer({w: [p.split()] for w, p in PRONS.items()})


# ---------------------------------------------------------------------------
# Transcription


@pytest.mark.parametrize("phones, hangul", [
    ("N EY1 CH ER0", "네이처"),            # [ʧ] before a vowel
    ("S AY1 AH0 N S", "사이언스"),          # final [s] 스
    ("L EH1 T ER0 Z", "레터즈"),            # post-vocalic r dropped, final [z] 즈
    ("F IH1 Z IH0 K AH0 L", "피지컬"),
    ("R IY2 V Y UW1", "리뷰"),              # [vj] glide
    ("B UH1 K", "북"),                      # voiceless stop after a short vowel: final
    ("AE1 K T", "액트"),                    # ... before a consonant other than l r m n
    ("K AE1 T S", "캐츠"),                  # [ts] 츠
    ("S L AY1 D", "슬라이드"),              # [l] after a consonant before a vowel: ㄹㄹ
    ("F IH1 L M", "필름"),                  # [l] before a final nasal: ㄹㄹ
    ("F L AE1 SH", "플래시"),               # final [ʃ] 시
    ("K W AO1 R T ER0", "쿼터"),            # [kw] one syllable
    ("P AW1 ER0", "파워"),                  # [au] + [ə]
    ("Y UW1 N Y AH0 N", "유니언"),          # [nj] before a schwa: 니어
    ("F AH1 NG K SH AH0 N AH0 L", "펑셔널"),  # [ŋkʃ]
    ("EH2 N JH AH0 N IH1 R IH0 NG", "엔저니어링"),  # [ɪər]
    ("K AH0 M P Y UW1 T ER0", "컴퓨터"),
])
def test_arpabet_to_hangul(phones, hangul):
    assert arpabet_to_hangul(phones.split()) == hangul


def test_arpabet_rejects_unknown_symbols():
    with pytest.raises(ValueError, match="not ARPAbet"):
        arpabet_to_hangul(["N", "XX1"])


@pytest.mark.parametrize("word, expected", [
    ("Robotics", {"로바틱스", "로보틱스"}),        # [ɑ] written o: 로보틱스
    ("Chemical", {"케미컬", "케미칼"}),
    ("Communications", {"커뮤니케이션즈"}),        # the reduced i spelled 이
    ("Medicine", {"메디신"}),
    ("Sources", {"소시즈"}),                       # -es after a sibilant: 시즈
])
def test_transliterate_word_has_the_press_spelling(pron, word, expected):
    assert expected <= set(transliterate_word(word, pron))


def test_pronouncer_falls_back_on_suffixes_and_prefixes(pron):
    assert pron("photonics") == [["F", "OW1", "T", "AA0", "N", "IH0", "K", "S"]]
    assert pron("nanophotonics")[0][:4] == ["N", "AE1", "N", "OW0"]
    assert pron("zyxwv") == []


def test_cmudict_lines_parse():
    pr = Pronouncer.from_cmudict_lines(["nature N EY1 CH ER0", "nature(2) N EY1 CH UH0 R # variant", ";;; x"])
    assert pr("Nature") == [["N", "EY1", "CH", "ER0"], ["N", "EY1", "CH", "UH0", "R"]]


@pytest.mark.parametrize("title, press_spelling", [
    ("Advanced Functional Materials", "어드밴스드 펑셔널 머티리얼스"),
    ("Journal of Power Sources", "져널 오브 파워 소시즈"),
    ("Applied Physics Letters", "어플라이드 피직스 레터"),
    ("Physical Review Applied", "피지칼 리뷰 어플라이드"),
    ("Science Robotics", "싸이언스 로보틱스"),
    ("Journal of Membrane Science", "저널오브멤브레인사이언스"),
])
def test_title_transcriptions_match_press_spellings(pron, title, press_spelling):
    """Some transcription of the title, or its dropped-plural variant, folds to the press spelling."""
    keys = {match_key(v) for form in transliterate_title(title, pron) for v in hangul_variants(form)}
    assert match_key(press_spelling) in keys


def test_title_transcription_keeps_capitals_and_skips_unknown_words(pron):
    assert transliterate_title("IEEE Letters", pron)[0] == "IEEE 레터즈"
    assert transliterate_title("Physical Review X", pron)[0] == "피지컬 리뷰 X"
    assert transliterate_title("Zorbic Letters", pron) == []


# ---------------------------------------------------------------------------
# Folding


@pytest.mark.parametrize("a, b", [
    ("레터스", "레터즈"),            # 스/즈
    ("리포츠", "리포스"),            # 츠/스
    ("어드밴스드", "어드밴스트"),    # 드/트
    ("머티리얼즈", "머티리엘즈"),    # ㅓ/ㅔ
    ("매터", "메터"),                # ㅐ/ㅔ
    ("피지컬", "피지칼"),            # ㅓ/ㅏ
    ("저널", "져널"),                # 져/저
    ("리뷰", "뤼뷰"),                # 리/뤼
    ("펩타이드", "벱타이드"),        # ㅂ/ㅍ
    ("셀", "쎌"),                    # tense consonants
])
def test_fold_merges_press_variants(a, b):
    assert fold_hangul(a) == fold_hangul(b)


@pytest.mark.parametrize("a, b", [("셀", "실"), ("네이처", "네이티"), ("로보틱스", "로보틱")])
def test_fold_keeps_other_words_apart(a, b):
    assert fold_hangul(a) != fold_hangul(b)


def test_fold_is_one_to_one_in_length():
    text = "Nature 네이처 커뮤니케이션즈, 2023년!"
    assert len(fold_hangul(text)) == len(text)
    assert fold_hangul(text)[:7] == "Nature "


def test_hangul_variants():
    assert hangul_variants("사이언티픽 리포츠") == ["사이언티픽 리포츠", "사이언티픽 리포", "사이언티픽 리포트"]
    assert hangul_variants("네이처 머티리얼즈") == ["네이처 머티리얼즈", "네이처 머티리얼"]
    assert hangul_variants("셀") == ["셀"]


# ---------------------------------------------------------------------------
# Matching (a KB made in memory)


def _venue(vid, canonical, kind, *forms):
    return Venue(vid, canonical, kind, tuple(VenueForm(s, t, bool(a)) for s, t, a in forms))


@pytest.fixture(scope="module")
def kb() -> VenueKB:
    return VenueKB([
        _venue("cvpr", "CVPR", "conference", ("CVPR", "acronym", 0),
               ("Computer Vision and Pattern Recognition", "title", 0)),
        _venue("pr", "Pattern Recognition", "journal", ("Pattern Recognition", "title", 1),
               ("Pattern Recognit.", "abbr", 0)),
        _venue("nature", "Nature", "journal", ("Nature", "title", 1), ("네이처", "hangul", 1)),
        _venue("natcomm", "Nature Communications", "journal", ("Nature Communications", "title", 0),
               ("Nat. Commun.", "abbr", 0), ("네이처 커뮤니케이션즈", "hangul", 0)),
        _venue("cell", "Cell", "journal", ("Cell", "title", 1), ("셀", "hangul", 1)),
        _venue("afm", "Advanced Functional Materials", "journal", ("Advanced Functional Materials", "title", 0),
               ("Adv. Funct. Mater.", "abbr", 0), ("어드밴스트 펑셔널 머티리얼즈", "hangul", 0)),
        _venue("apl", "Applied Physics Letters", "journal", ("Applied Physics Letters", "title", 0),
               ("어플라이드 피직스 레터즈", "hangul", 0)),
        _venue("pnas", "PNAS", "journal", ("PNAS", "acronym", 0), ("미국국립과학원회보", "hangul", 0)),
        _venue("neurips", "NeurIPS", "conference", ("NeurIPS", "acronym", 0), ("뉴립스", "hangul", 0)),
        _venue("iclr", "ICLR", "conference", ("ICLR", "acronym", 0)),
        _venue("acl", "ACL", "conference", ("ACL", "acronym", 1)),
        _venue("dc", "Distributed Computing", "journal", ("DC", "acronym", 1)),
        _venue("ml", "Machine Learning", "journal", ("Machine Learning", "title", 1)),
        _venue("jms", "Journal of Membrane Science", "journal", ("Journal of Membrane Science", "title", 0),
               ("저널 오브 멤브레인 사이언스", "hangul", 0)),
    ])


def _hits(kb, text):
    return [(h.start, h.end, h.surface, h.canonical, h.ambiguous) for h in kb.find(text)]


def test_offsets_are_exact(kb):
    text = "연구는 Nature Communications에 실렸고, 이어 PNAS와 ICLR에서 발표됐다."
    hits = kb.find(text)
    assert [(h.surface, h.canonical, h.kind) for h in hits] == [
        ("Nature Communications", "Nature Communications", "journal"),
        ("PNAS", "PNAS", "journal"), ("ICLR", "ICLR", "conference")]
    for h in hits:
        assert text[h.start:h.end] == h.surface


def test_longest_match_wins(kb):
    assert _hits(kb, "Nature Communications 최신호") == [
        (0, 21, "Nature Communications", "Nature Communications", False)]


def test_nested_title_is_dropped(kb):
    hits = kb.find("이 논문은 Computer Vision and Pattern Recognition 학회에서 발표됐다.")
    assert [(h.surface, h.canonical) for h in hits] == [("Computer Vision and Pattern Recognition", "CVPR")]


@pytest.mark.parametrize("text, surface, ambiguous", [
    ("국제학술지 네이처에 게재됐다", "네이처", True),
    ("국제학술지 'Nature'에 게재됐다", "Nature", True),
    ("셀(Cell)에 실렸다", "셀", True),
    ("Machine Learning 저널에 실렸다", "Machine Learning", True),
    ("ACL 2023에서 발표", "ACL", True),
    ("Pattern Recognit. 2021", "Pattern Recognit", False),
    ("뉴립스에서 발표", "뉴립스", False),
])
def test_bare_ambiguous_flag(kb, text, surface, ambiguous):
    hit = kb.find(text)[0]
    assert (hit.surface, hit.ambiguous) == (surface, ambiguous)


@pytest.mark.parametrize("text, surface", [
    ("어드밴스드 펑셔널 머티리얼스에 게재", "어드밴스드 펑셔널 머티리얼스"),   # 드/트, 스/즈
    ("어드밴스트펑셔널머티리얼즈에 게재", "어드밴스트펑셔널머티리얼즈"),       # no spaces
    ("어드밴스드 펑셔널 머티리엘즈지에 게재", "어드밴스드 펑셔널 머티리엘즈"),  # ㅓ/ㅔ, 지 (誌)
    ("어플라이드 피직스 레터에 실렸다", "어플라이드 피직스 레터"),               # dropped plural
    ("아플라이드 삐직스 레터스 최신호", "아플라이드 삐직스 레터스"),             # ㅓ/ㅏ, ㅍ/ㅃ
    ("네이쳐 커뮤니케이션스'에 실렸다", "네이쳐 커뮤니케이션스"),              # 쳐/처
    ("져널 오브 멤브레인 싸이언스에", "져널 오브 멤브레인 싸이언스"),
])
def test_hangul_variant_tolerance(kb, text, surface):
    hits = kb.find(text)
    assert [h.surface for h in hits] == [surface]
    assert text[hits[0].start:hits[0].end] == surface


@pytest.mark.parametrize("text", [
    "셀프 카메라로 찍었다",            # 셀 inside a longer word
    "배터리 셀 타워를 세웠다",          # bare ambiguous word before another noun
    "나이차가 크다",                    # folds like 네이처 but short forms match exactly
    "Springer Nature와 계약했다",       # an ambiguous title inside a longer name
    "Life is happy. Nature is great",  # English sentence
    "워싱턴 D.C.에서 열렸다",           # D.C. is not the acronym DC
    "ORACLE과 ACLU",                    # no acronym inside a word
    "www.nature.com/ncomms 참조",       # URL
    "nature communications",            # lower-case title
    "machine learning 기술",
])
def test_no_false_hit(kb, text):
    assert kb.find(text) == []


def test_hangul_name_needs_a_particle_or_boundary(kb):
    assert kb.find("뉴립스트로 가는 길") == []
    assert [h.surface for h in kb.find("뉴립스에서도")] == ["뉴립스"]
    text = "뉴립스용 논문"  # 용 is no particle of the list: a tokenizer boundary rescues it
    assert kb.find(text) == []
    assert [h.surface for h in kb.find(text, boundaries={3})] == ["뉴립스"]


def test_gloss_in_parentheses(kb):
    assert [h.surface for h in kb.find("국제 행사(ACL)에 참석")] == []
    assert [h.surface for h in kb.find("전산언어학회(ACL)에서")] == ["ACL"]
    assert [h.surface for h in kb.find("네이처(Nature)에 실렸다")] == ["네이처", "Nature"]


def test_conference_year(kb):
    text = "ICLR 2022와 NeurIPS'21, 2019년 CVPR"
    got = [(h.surface, h.year, text[h.start:h.year_end] if h.year_end else None) for h in kb.find(text)]
    assert got == [("ICLR", 2022, "ICLR 2022"), ("NeurIPS", 2021, "NeurIPS'21"), ("CVPR", 2019, None)]


def test_acronym_case(kb):
    assert [h.surface for h in kb.find("NEURIPS 2020")] == ["NEURIPS"]
    assert kb.find("neurips 2020") == [] and kb.find("Pnas에") == []


def test_abbreviation_with_or_without_dots(kb):
    for text in ("Adv. Funct. Mater. 2020", "Adv Funct Mater 2020"):
        assert [h.canonical for h in kb.find(text)] == ["Advanced Functional Materials"]


def test_lookup(kb):
    assert kb.lookup("네이쳐커뮤니케이션스").id == "natcomm"
    assert kb.lookup("Nat Commun").id == "natcomm"
    assert kb.lookup("Unknown Journal") is None
    assert kb.by_canonical("PNAS").id == "pnas" and kb.by_id("cell").canonical == "Cell"


# ---------------------------------------------------------------------------
# KB file


def test_kb_roundtrip_is_deterministic(tmp_path, kb):
    a, b = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl.gz"
    write_kb(a, kb.venues)
    write_kb(b, read_kb(a))
    assert a.read_bytes() == b.read_bytes()
    assert read_kb(a) == list(kb.venues)


def _write_gz(path: Path, lines: list[str]) -> Path:
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))
    return path


HEADER = json.dumps({"format": "kornews.venue_kb.v1", "venues": 1, "forms": 1})
GOOD = json.dumps({"id": "x", "canonical": "X Letters", "kind": "journal", "forms": [["X Letters", "title", 0]]})


@pytest.mark.parametrize("lines, line, message", [
    ([HEADER, GOOD, "{not json"], 3, "invalid JSON"),
    ([HEADER, GOOD.replace('"journal"', '"magazine"')], 2, "unknown kind 'magazine'"),
    ([HEADER, GOOD.replace('"title"', '"nickname"')], 2, "bad form"),
    ([HEADER, GOOD, GOOD], 3, "duplicate id 'x'"),
    ([HEADER, json.dumps({"id": "y", "canonical": "Y"})], 2, "missing key"),
    ([GOOD], 1, "header format"),
])
def test_malformed_kb_line_names_path_and_line(tmp_path, lines, line, message):
    path = _write_gz(tmp_path / "kb.jsonl.gz", lines)
    with pytest.raises(DataFileError, match=rf"\[E070\].*kb\.jsonl\.gz:{line}: .*{message}"):
        read_kb(path)


def test_missing_kb_file(tmp_path):
    with pytest.raises(DataFileError, match=r"\[E071\].*build_venue_kb"):
        load_venue_kb(tmp_path / "nope.jsonl.gz")


# ---------------------------------------------------------------------------
# Build script (tiny fixture lists)

MIT = "MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted ..."


@pytest.fixture(scope="module")
def tiny_sources(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("venue_sources")
    v = root / "shared" / "corpora" / "venues"
    (v / "jabref_journals").mkdir(parents=True)
    (v / "jabref_journals" / "LICENSE.md").write_text("# CC0 1.0 Universal\n...", encoding="utf-8")
    (v / "jabref_journals" / "journal_abbreviations_a.csv").write_text(
        '"Journal of Power Sources","J. Power Sources"\n'
        '"Advanced Functional Materials","Adv. Funct. Mater."\n'
        '"The Journal of Power Sources","J Power Sources"\n'
        '"Machine Learning","Mach. Learn."\n'
        '"Nature","Nature"\n'
        '"DNA","DNA"\n'
        '"Nature Communications","Nat. Commun."\n'
        '"Wall Street Journal","WSJ"\n', encoding="utf-8")
    (v / "jabref_journals" / "journal_abbreviations_aea.csv").write_text(
        '"Journal of Money, Credit, and Banking","J. Money"," Credit"," Banking"\n', encoding="utf-8")
    (v / "jabref_journals" / "journal_abbreviations_ieee_strings.csv").write_text(
        '"Computer","#IEEE_M_C#"\n', encoding="utf-8")
    for sub, name, text in [
        ("ccf_deadlines", "ccf_deadlines_conferences.csv",
         "acronym,full_name,sub\nCVPR,IEEE/CVF Conference on Computer Vision and Pattern Recognition,AI\n"),
        ("hf_ai_deadlines", "hf_ai_deadlines_conferences.csv",
         "acronym,full_name,sub,years,file\nICLR,International Conference on Learning Representations,,2025,x\n"),
        ("ccf_rank", "ccf_rank_list.csv",
         "ccf_rank,acronym,full_name,dblp_key,dblp_stream,kind\n"
         "A,CVPR,IEEE/CVF Computer Vision and Pattern Recognition Conference,/c,/c,conference\n"
         "B,PR,Pattern Recognition,/j,/j,journal\nA,TSMC,Some Transactions,/t,/t,journal\n"),
    ]:
        (v / sub).mkdir()
        (v / sub / name).write_text(text, encoding="utf-8")
        (v / sub / "LICENSE").write_text(MIT.replace("Someone", sub), encoding="utf-8")
    (v / "cmudict").mkdir()
    (v / "cmudict" / "LICENSE").write_text("Copyright (C) 1993-2015 Carnegie Mellon University.", encoding="utf-8")
    (v / "cmudict" / "cmudict.dict").write_text(
        "\n".join(f"{w} {p}" for w, p in sorted(PRONS.items())) + "\n", encoding="utf-8")
    gaz = root / "venues.jsonl"
    gaz.write_text(json.dumps({
        "id": "natcomm", "canonical": "Nature Communications", "kind": "journal",
        "aliases_ko": ["네이처 커뮤니케이션즈"], "aliases_en": [], "abbreviations": [], "parent": None},
        ensure_ascii=False) + "\n", encoding="utf-8")
    press = root / "press_forms.jsonl"
    press.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in [
        {"canonical": "Nature", "kind": "journal", "forms": ["Nature", "네이처"], "ambiguous": ["Nature", "네이처"]},
        {"canonical": "CVPR", "kind": "conference", "forms": ["씨브이피알"]},
    ]) + "\n", encoding="utf-8")
    not_venues = root / "not_venues.txt"
    not_venues.write_text("# newspapers\nWall Street Journal\n", encoding="utf-8")
    return {"shared": root / "shared", "gazetteer": gaz, "press": press, "not_venues": not_venues, "root": root}


@pytest.fixture(scope="module")
def tiny_kb(tiny_sources) -> tuple[Path, dict]:
    out = tiny_sources["root"] / "out"
    report = build(tiny_sources["shared"], out, gazetteer=tiny_sources["gazetteer"], press=tiny_sources["press"],
                   not_venues=tiny_sources["not_venues"], log=lambda *a: None)
    return out, report


def test_build_output(tiny_kb):
    out, report = tiny_kb
    venues = {v.canonical: v for v in read_kb(out / "venues.jsonl.gz")}
    assert report["journals"] == len([v for v in venues.values() if v.kind == "journal"])
    # The Journal of Power Sources and Journal of Power Sources merge; both abbreviations kept
    jps = venues["Journal of Power Sources"]
    assert {f.surface for f in jps.forms if f.type == "abbr"} == {"J. Power Sources"}  # dotless = same key
    assert any(f.type == "hangul" and match_key(f.surface) == match_key("저널 오브 파워 소시즈") for f in jps.forms)
    # conferences: canonical acronym, lists merged, press Hangul form attached
    cvpr = venues["CVPR"]
    assert cvpr.kind == "conference" and set(cvpr.sources) == {"press", "ccf_deadlines", "ccf_rank"}
    assert {"CVPR", "씨브이피알", "Computer Vision and Pattern Recognition"} <= {f.surface for f in cvpr.forms}
    # gazetteer canonical and id win; its Hangul form is kept
    nc = venues["Nature Communications"]
    assert nc.id == "natcomm" and ("네이처 커뮤니케이션즈", "hangul", False) in [
        (f.surface, f.type, f.ambiguous) for f in nc.forms]
    # ambiguity: one-word titles and generic titles; no Hangul for generic titles
    assert all(f.ambiguous for f in venues["Nature"].forms)
    ml = venues["Machine Learning"]
    assert [(f.surface, f.ambiguous) for f in ml.forms if f.type == "title"] == [("Machine Learning", True)]
    assert not [f for f in ml.forms if f.type == "hangul"]
    # the AEA list's split abbreviation is joined back; IEEE macro strings are ignored
    assert "J. Money, Credit, Banking" in {f.surface for f in venues["Journal of Money, Credit, and Banking"].forms}
    assert "Computer" not in venues
    # dropped: too-short forms (DNA), list journal acronyms (TSMC), newspapers
    assert "DNA" not in venues and "Wall Street Journal" not in venues
    assert not any(f.surface == "TSMC" for v in venues.values() for f in v.forms)


def test_build_writes_licences(tiny_kb):
    out, _ = tiny_kb
    text = (out / "LICENSES.md").read_text(encoding="utf-8")
    for notice in ("CC0 1.0 Universal", "Copyright (c) 2024 ccf_deadlines", "Copyright (c) 2024 ccf_rank",
                   "Copyright (c) 2024 hf_ai_deadlines", "Carnegie Mellon University"):
        assert notice in text


def test_build_is_deterministic(tiny_sources, tiny_kb, tmp_path):
    out, _ = tiny_kb
    build(tiny_sources["shared"], tmp_path, gazetteer=tiny_sources["gazetteer"], press=tiny_sources["press"],
          not_venues=tiny_sources["not_venues"], log=lambda *a: None)
    assert (tmp_path / "venues.jsonl.gz").read_bytes() == (out / "venues.jsonl.gz").read_bytes()
    assert (tmp_path / "LICENSES.md").read_bytes() == (out / "LICENSES.md").read_bytes()


def test_built_kb_matches(tiny_kb):
    out, _ = tiny_kb
    kb = load_venue_kb(out / "venues.jsonl.gz")
    text = "져널 오브 파워 소시즈와 CVPR 2024, 그리고 씨브이피알에서"
    assert [(h.surface, h.canonical, h.year) for h in kb.find(text)] == [
        ("져널 오브 파워 소시즈", "Journal of Power Sources", None), ("CVPR", "CVPR", 2024),
        ("씨브이피알", "CVPR", None)]


def test_build_missing_sources(tmp_path):
    with pytest.raises(DataFileError, match=r"\[E073\]"):
        build(tmp_path / "nowhere", tmp_path / "out", log=lambda *a: None)


def test_build_malformed_press_line(tiny_sources, tmp_path):
    press = tmp_path / "press.jsonl"
    press.write_text('{"canonical": "X", "kind": "journal", "forms": ["X"]}\n'
                     '{"canonical": "Y", "kind": "newspaper", "forms": []}\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"\[E003\].*press\.jsonl:2: unknown kind 'newspaper'"):
        build(tiny_sources["shared"], tmp_path, gazetteer=tiny_sources["gazetteer"], press=press,
              log=lambda *a: None)


# ---------------------------------------------------------------------------
# The shipped KB


@pytest.fixture(scope="module")
def shipped() -> VenueKB:
    return load_venue_kb()


@pytest.mark.parametrize("text, canonical", [
    ("연구 결과는 Nature Communications에 실렸다", "Nature Communications"),
    ("국제학술지 '네이처 커뮤니케이션스'에 게재", "Nature Communications"),
    ("Physical Review B에 발표", "Physical Review B"),
    ("피지컬 리뷰 B에 발표", "Physical Review B"),
    ("Phys. Rev. B 101", "Physical Review B"),
    ("뉴립스 2023에서 발표", "NeurIPS"),
    ("미국국립과학원회보(PNAS)에 실렸다", "PNAS"),
    ("JACS에 게재", "JACS"),
    ("어드밴스드 펑셔널 머티리얼즈에 게재", "Advanced Functional Materials"),
    ("IEEE Transactions on Pattern Analysis and Machine Intelligence에", "TPAMI"),
    ("사이언스 로보틱스에 실렸다", "Science Robotics"),
    ("CVPR 2024에서", "CVPR"),
])
def test_shipped_kb_resolves_well_known_venues(shipped, text, canonical):
    assert shipped.find(text)[0].canonical == canonical


def test_shipped_kb_is_large_and_licensed(shipped):
    assert len(shipped) > 30000
    assert sum(v.kind == "conference" for v in shipped.venues) > 300
    licences = (Path(__file__).resolve().parents[1] / "corpora" / "venues" / "LICENSES.md").read_text(encoding="utf-8")
    assert "CC0" in licences and licences.count("MIT License") >= 3 and "Carnegie Mellon" in licences


def test_shipped_kb_has_every_gazetteer_venue(shipped):
    from models.gazetteer import load_gazetteer

    missing = [e.canonical for e in load_gazetteer().entries
               if e.kind in ("journal", "conference") and shipped.by_canonical(e.canonical) is None]
    assert not missing, f"corpora/venues is stale, rebuild it with `python -m pipeline.build_venue_kb`: {missing}"


# --- the compiled matcher's cache -------------------------------------------------------------
def test_the_compiled_matcher_is_cached_beside_its_kb_and_rebuilt_when_it_changes(tmp_path):
    from models.venues import kb as kbmod

    path = tmp_path / "kb.jsonl.gz"
    write_kb(path, [_venue("v1", "NeurIPS", "conference", ("NeurIPS", "acronym", 0), ("뉴립스", "hangul", 0))])
    kbmod._load_cached.cache_clear()
    first = load_venue_kb(path)
    cache = kbmod.matcher_cache_path(path.resolve())
    assert cache.exists() and cache.parent == tmp_path and cache.name.startswith(".kb.jsonl.gz.")
    kbmod._load_cached.cache_clear()
    again = load_venue_kb(path)  # from the cache file
    assert again is not first and again.lookup("뉴립스").canonical == "NeurIPS"
    assert [(h.surface, h.canonical) for h in again.find("뉴립스에 실렸다")] == [("뉴립스", "NeurIPS")]
    # a changed KB gets a cache of its own; the stale one is removed
    write_kb(path, [_venue("v2", "ICLR", "conference", ("ICLR", "acronym", 0))])
    kbmod._load_cached.cache_clear()
    changed = load_venue_kb(path)
    assert changed.lookup("ICLR").canonical == "ICLR" and changed.lookup("뉴립스") is None
    assert not cache.exists() and kbmod.matcher_cache_path(path.resolve()).exists()
    # a damaged cache is rebuilt, never trusted
    kbmod.matcher_cache_path(path.resolve()).write_bytes(b"not a pickle")
    kbmod._load_cached.cache_clear()
    assert load_venue_kb(path).lookup("ICLR").canonical == "ICLR"
    kbmod._load_cached.cache_clear()
