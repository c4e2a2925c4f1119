"""Tests for models.gazetteer: data validation, lookup, matching and Kiwi user words.

All Korean sentences here are written for these tests.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from models.errors import DataFileError
from models.gazetteer import (
    KINDS,
    NOT_ORG_LABELS,
    VENUE_KINDS,
    Gazetteer,
    default_gazetteer_paths,
    kiwi_user_words,
    load_gazetteer,
    load_not_orgs,
    normalize_alias,
)

@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    return load_gazetteer()


def _entry(id_, canonical, kind="company", ko=(), en=(), abbr=(), parent=None, **extra):
    d = {"id": id_, "canonical": canonical, "kind": kind, "aliases_ko": list(ko), "aliases_en": list(en),
         "abbreviations": list(abbr), "parent": parent}
    d.update(extra)
    return json.dumps(d, ensure_ascii=False)


def _write(tmp_path: Path, lines: list[str], name: str = "x.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = [_entry("a", "가나다"), _entry("b", "라마바", ko=["라마"])]


# ---------------------------------------------------------------------------
# Validation


def test_valid_small_file_loads(tmp_path):
    gaz = load_gazetteer([_write(tmp_path, GOOD + [_entry("c", "사아자", kind="journal", parent="가나다")])])
    assert [e.id for e in gaz.entries] == ["a", "b", "c"]
    assert gaz.by_canonical("사아자").label == "VENUE"
    assert gaz.by_canonical("가나다").label == "ORG"


@pytest.mark.parametrize("bad_line, message", [
    ('{"id": "c", "canonical": ', "invalid JSON"),
    ('["a", "list"]', "expected a JSON object"),
    (json.dumps({"id": "c", "canonical": "차카타", "kind": "company"}), "missing key"),
    (_entry("c", "차카타", aliasses=["x"]), "unknown key"),
    (_entry("c", "차카타", kind="startup"), "unknown kind 'startup'"),
    (_entry("c", "", kind="company"), "'canonical' must be a non-empty string"),
    (_entry("c", "차카타", ko=["ok", 3]), "'aliases_ko' must be a list"),
    (_entry("c", "차카타", parent="없는회사"), "parent '없는회사'"),
    (_entry("c", "차카타", ko=["라마"]), "already a name of 'b'"),
    (_entry("c", "차카타", en=["라 마"]), "already a name of 'b'"),
    (_entry("a", "차카타"), "duplicate id 'a'"),
    (_entry("c", "가나다"), "canonical '가나다'"),
    (_entry("c", "차카타", ambiguous_aliases=["파하"]), "ambiguous_aliases"),
])
def test_malformed_line_reports_path_and_line(tmp_path, bad_line, message):
    path = _write(tmp_path, GOOD + [bad_line])
    with pytest.raises(DataFileError, match="x.jsonl:3") as exc:
        load_gazetteer([path])
    assert message in str(exc.value)
    assert "[E003]" in str(exc.value)
    assert "Expected format" in str(exc.value)


def test_alias_clash_names_both_ids(tmp_path):
    path = _write(tmp_path, GOOD + [_entry("clash", "차카타", abbr=["가나다"])])
    with pytest.raises(DataFileError, match="x.jsonl:3") as exc:
        load_gazetteer([path])
    assert "'clash'" in str(exc.value) and "'a'" in str(exc.value)


def test_alias_clash_across_files(tmp_path):
    first = _write(tmp_path, GOOD, "orgs.jsonl")
    second = _write(tmp_path, [_entry("v", "ABC", kind="conference"), _entry("w", "DEF", kind="journal", en=["Gana"]),
                               _entry("z", "GHI", kind="journal", ko=["가나다"])], "venues.jsonl")
    with pytest.raises(DataFileError, match="venues.jsonl:3"):
        load_gazetteer([first, second])


def test_parent_defined_later_or_in_other_file_is_fine(tmp_path):
    first = _write(tmp_path, [_entry("kid", "자식", parent="부모")], "a.jsonl")
    second = _write(tmp_path, [_entry("mom", "부모")], "b.jsonl")
    assert load_gazetteer([first, second]).by_canonical("자식").parent == "부모"


def test_parent_loop_is_rejected(tmp_path):
    path = _write(tmp_path, [_entry("p", "가가", parent="나나"), _entry("q", "나나", parent="가가")])
    with pytest.raises(DataFileError, match="x.jsonl:1"):
        load_gazetteer([path])


def test_blank_lines_are_skipped_and_numbering_kept(tmp_path):
    path = _write(tmp_path, [GOOD[0], "", _entry("c", "차카타", kind="planet")])
    with pytest.raises(DataFileError, match="x.jsonl:3"):
        load_gazetteer([path])


@pytest.mark.parametrize("bad_line, message", [
    ('{"pattern": "x"', "invalid JSON"),
    ('{"label": "MODEL"}', "missing key"),
    ('{"pattern": "엑스", "label": "GADGET"}', "unknown label"),
    ('{"pattern": "엑스", "label": "MODEL", "kind": "x"}', "unknown key"),
    ('{"pattern": "하이퍼 클로바", "label": "PRODUCT"}', "labelled MODEL"),
])
def test_not_orgs_validation(tmp_path, bad_line, message):
    path = _write(tmp_path, ['{"pattern": "하이퍼클로바", "label": "MODEL"}', '{"pattern": "GPT-4", "label": "MODEL"}',
                             bad_line])
    with pytest.raises(DataFileError, match="x.jsonl:3") as exc:
        load_not_orgs(path)
    assert message in str(exc.value)


def test_not_orgs_keys_are_normalized(tmp_path):
    path = _write(tmp_path, ['{"pattern": "ChatGPT", "label": "PRODUCT"}', '{"pattern": "클로바 노트", "label": "PRODUCT"}'])
    assert load_not_orgs(path) == {"chatgpt": "PRODUCT", "클로바노트": "PRODUCT"}


# ---------------------------------------------------------------------------
# Shipped data


def test_shipped_data_sizes_and_kinds(gaz):
    orgs_path, venues_path = default_gazetteer_paths()
    orgs = load_gazetteer([orgs_path])
    venues = [e for e in gaz.entries if e.label == "VENUE"]
    assert len(orgs) >= 250 and all(e.kind not in VENUE_KINDS for e in orgs.entries)
    assert len(venues) >= 60 and all(e.kind in VENUE_KINDS for e in venues)
    assert {e.kind for e in gaz.entries} == set(KINDS)


def test_default_gazetteer_is_cached():
    assert load_gazetteer() is load_gazetteer()


def test_shipped_not_orgs_do_not_collide_with_gazetteer(gaz):
    not_orgs = load_not_orgs()
    assert len(not_orgs) >= 40
    assert set(not_orgs.values()) <= set(NOT_ORG_LABELS)
    assert {"하이퍼클로바", "gpt-3", "chatgpt", "kogpt", "민달리", "klue", "이미지넷", "빙"} <= set(not_orgs)
    clashes = [k for k in not_orgs if gaz.lookup(k) is not None]
    assert clashes == []


@pytest.mark.parametrize("canonical, parent", [
    ("네이버 클로바", "네이버"), ("네이버랩스유럽", "네이버랩스"), ("제록스리서치센터유럽", "Xerox"),
    ("파파고", "네이버"), ("KAIST AI대학원", "KAIST"), ("서울대학교 AI연구원", "서울대학교"),
    ("카카오브레인", "카카오"), ("Google Brain", "Google"),
])
def test_parents(gaz, canonical, parent):
    assert gaz.by_canonical(canonical).parent == parent
    assert gaz.by_canonical(parent) is not None


# ---------------------------------------------------------------------------
# lookup


@pytest.mark.parametrize("surface, canonical", [
    ("네이버클로바", "네이버 클로바"),
    ("네이버 클로바", "네이버 클로바"),
    ("naver  clova", "네이버 클로바"),
    ("카이스트", "KAIST"),
    ("kaist", "KAIST"),
    ("한국과학기술원", "KAIST"),
    ("뉴립스", "NeurIPS"),
    ("NIPS", "NeurIPS"),
    ("페이스북", "Meta"),
    ("구글브레인", "Google Brain"),
    ("튀빙겐 대학교", "튀빙겐대학교"),
    ("University of Tübingen", "튀빙겐대학교"),
    ("네이버(주)", "네이버"),
    ("㈜카카오", "카카오"),
    ("마이크로소프트(MS)", "Microsoft"),
    ("Z홀딩스(Z Holdings)", "Z홀딩스"),
    ("오픈AI사", "OpenAI"),
    ("Snap Inc.", "Snap"),
    ("Yahoo! JAPAN", "야후재팬"),
    ("XRCE", "제록스리서치센터유럽"),
    ("if kakao", "if(kakao)"),
])
def test_lookup_normalizes(gaz, surface, canonical):
    assert gaz.lookup(surface).canonical == canonical


@pytest.mark.parametrize("surface", ["", "   ", "회사", "arXiv", "라인업", "하이퍼클로바"])
def test_lookup_unknown(gaz, surface):
    assert gaz.lookup(surface) is None


def test_by_canonical(gaz):
    assert gaz.by_canonical("NeurIPS").id == "neurips"
    assert gaz.by_canonical("neurips").id == "neurips"
    assert gaz.by_canonical("뉴립스") is None  # an alias, not a canonical


def test_normalize_alias():
    assert normalize_alias(" NAVER LABS\tEurope ") == "naverlabseurope"


# ---------------------------------------------------------------------------
# find


FIND_CASES = [
    ("올해 뉴립스에서 논문 다섯 편이 채택됐다.", [("뉴립스", "NeurIPS", None)]),
    ("카이스트와 공동 연구를 진행한다.", [("카이스트", "KAIST", None)]),
    ("네이버클로바가 새 음성 모델을 내놨다.", [("네이버클로바", "네이버 클로바", None)]),
    ("네이버  클로바 연구진", [("네이버  클로바", "네이버 클로바", None)]),
    ("연구팀은 'ICLR 2022'에서 성과를 공개했다.", [("ICLR 2022", "ICLR", 2022)]),
    ("2019년 ICCV에서 처음 소개된 기법이다.", [("ICCV", "ICCV", 2019)]),
    ("이 논문은 EMNLP2021 본회의에 채택됐다.", [("EMNLP2021", "EMNLP", 2021)]),
    ("NeurIPS'21 워크숍을 함께 열었다.", [("NeurIPS'21", "NeurIPS", 2021)]),
    ("2021년 뉴립스에서도 발표가 이어졌다.", [("뉴립스", "NeurIPS", 2021)]),
    ("데뷰 2020에서 로봇을 시연했다.", [("데뷰 2020", "DEVIEW", 2020)]),
    ("ACL 2023에 두 편이 실렸다.", [("ACL 2023", "ACL", 2023)]),
    ("ICLR서 주목받은 연구", [("ICLR", "ICLR", None)]),
    ("행사는 온라인으로 열렸고 새 가이드라인도 나왔다.", []),
    ("회사는 신제품 라인업을 공개했다.", []),
    ("라인과 야후재팬이 경영을 통합했다.", [("라인", "라인", None), ("야후재팬", "야후재팬", None)]),
    ("ORACLE 출신 개발자가 합류했다.", [("ORACLE", "Oracle", None)]),
    ("ACLU 관계자는 말을 아꼈다.", []),
    ("이 과제에는 서울대와도 협약을 맺었다.", [("서울대", "서울대학교", None)]),
    ("구글 브레인 출신 연구자가 합류했다.", [("구글 브레인", "Google Brain", None)]),
    ("프랑스의 NAVER LABS Europe 연구진이 참여했다.", [("NAVER LABS Europe", "네이버랩스유럽", None)]),
    ("네이버랩스유럽은 네이버랩스 산하이고 네이버의 손자회사다.",
     [("네이버랩스유럽", "네이버랩스유럽", None), ("네이버랩스", "네이버랩스", None), ("네이버", "네이버", None)]),
    ("네이버랩스 유럽 연구소", [("네이버랩스 유럽", "네이버랩스유럽", None)]),
    ("네이버·NLE·라인에서 낸 논문", [("네이버", "네이버", None), ("NLE", "네이버랩스유럽", None), ("라인", "라인", None)]),
    ("카카오브레인의 이미지 생성 연구", [("카카오브레인", "카카오브레인", None)]),
    ("카카오톡 새 기능이 나왔다.", []),
    ("LG전자와 LG AI연구원이 손잡았다.", [("LG전자", "LG전자", None), ("LG AI연구원", "LG AI연구원", None)]),
    ("LG는 계열사 전체에 도입한다.", [("LG", "LG", None)]),
    ("MS는 지연 시간을 10 ms 단위로 줄였다.", [("MS", "Microsoft", None)]),
    ("애플리케이션을 내놓은 애플이 웃었다.", [("애플", "Apple", None)]),
    ("메타버스 사업을 접은 메타의 전략", [("메타", "Meta", None)]),
    ("튀빙겐 대학과 공동으로 워크숍을 열었다.", [("튀빙겐 대학", "튀빙겐대학교", None)]),
    ("홍콩과기대(HKUST) 연구진", [("홍콩과기대", "홍콩과학기술대학교", None), ("HKUST", "홍콩과학기술대학교", None)]),
    ("오픈AI사가 새 서비스를 공개했다.", [("오픈AI", "OpenAI", None)]),
    ("자세한 내용은 www.naver.com 에서 확인할 수 있다.", []),
    ("하이퍼클로바를 만든 클로바는", [("클로바", "네이버 클로바", None)]),
    ("Nature와 Science에 실렸고 nature 다큐도 나왔다.", [("Nature", "Nature", None), ("Science", "Science", None)]),
    ("사이언스타임즈 기사", []),
    ("마이크로소프트(MS)와 협력한다.", [("마이크로소프트", "Microsoft", None), ("MS", "Microsoft", None)]),
    ("서울대병원 의료진", [("서울대병원", "서울대학교병원", None)]),
    ("세종대왕 동상", []),
    ("SK하이닉스와 SK텔레콤(SKT)이 참여했다.",
     [("SK하이닉스", "SK하이닉스", None), ("SK텔레콤", "SK텔레콤", None), ("SKT", "SK텔레콤", None)]),
    ("네이버 클로바 CIC가 발표했다.", [("네이버 클로바 CIC", "네이버 클로바", None)]),
    ("KAIST 김재철AI대학원 교수진", [("KAIST 김재철AI대학원", "KAIST AI대학원", None)]),
    ("카카오측과 카이스트 측은 입장을 냈다.", [("카카오", "카카오", None), ("카이스트", "KAIST", None)]),
]


@pytest.mark.parametrize("text, expected", FIND_CASES)
def test_find(gaz, text, expected):
    got = [(m.text, m.entry.canonical, m.year) for m in gaz.find(text)]
    assert got == expected
    for m in gaz.find(text):
        assert text[m.start:m.end] == m.text


def test_oracle_is_not_acl(gaz):
    assert "ACL" not in {m.entry.canonical for m in gaz.find("ORACLE과 ORACLES")}


def test_find_labels(gaz):
    labels = {m.entry.canonical: m.entry.label for m in gaz.find("카카오브레인이 ICML에 논문을 냈다.")}
    assert labels == {"카카오브레인": "ORG", "ICML": "VENUE"}


def test_longest_match_wins(gaz):
    assert [m.text for m in gaz.find("네이버랩스유럽")] == ["네이버랩스유럽"]
    assert [m.text for m in gaz.find("네이버랩스가")] == ["네이버랩스"]
    assert [m.text for m in gaz.find("네이버가")] == ["네이버"]


def test_year_only_on_venues(gaz):
    assert [(m.text, m.year) for m in gaz.find("카카오 2022 보고서")] == [("카카오", None)]


def test_boundaries_rescue_unlisted_suffix(gaz):
    text = "네이버표 검색"
    assert gaz.find(text) == []
    assert [m.text for m in gaz.find(text, boundaries={0, 3, 4})] == ["네이버"]


def test_boundaries_do_not_rescue_ambiguous_alias(gaz):
    assert gaz.find("라인업 공개", boundaries={0, 2, 3}) == []


def test_find_on_empty_text(gaz):
    assert gaz.find("") == []


# ---------------------------------------------------------------------------
# Kiwi user words


def test_kiwi_user_words_shape(gaz):
    words = kiwi_user_words(gaz)
    forms = {w for w, _, _ in words}
    assert all(tag == "NNP" and isinstance(score, float) for _, tag, score in words)
    assert {"카카오브레인", "튀빙겐대학교", "뉴립스", "삼성SDS", "네이버랩스유럽"} <= forms
    assert not {"라인", "애플", "메타"} & forms  # ambiguous aliases stay out
    assert all(" " not in w and len(w) >= 2 for w in forms)
    assert "NeurIPS" not in forms and "네이버(주)" not in forms


@pytest.fixture(scope="session")
def kiwi_with_gazetteer():
    pytest.importorskip("kiwipiepy")
    from models.tokenize import KiwiTokenizer

    return KiwiTokenizer(user_words=kiwi_user_words())


@pytest.mark.parametrize("text, name", [
    ("카카오브레인이 새 모델을 공개했다.", "카카오브레인"),
    ("튀빙겐대학교와 공동 연구를 한다.", "튀빙겐대학교"),
])
def test_kiwi_keeps_names_whole(kiwi_with_gazetteer, text, name):
    morphs = kiwi_with_gazetteer.morphs(text)
    start = text.index(name)
    hits = [m for m in morphs if m.start == start and m.end == start + len(name)]
    assert hits and hits[0].tag == "NNP" and hits[0].form == name


@pytest.mark.parametrize("text, plausible", [
    ("미·중", False), ("한·미·일", False), ("美中", True), ("미국 올랜도", False), ("미국", False),
    ("한·미 연합사령부", True), ("한빛전자", True), ("정부", False), ("multimodal", False),
])
def test_model_org_plausibility(text, plausible):
    from models.mention import Mention
    from models.candidates import is_plausible_org

    assert is_plausible_org(Mention(0, len(text), text, "ORG", "model")) is plausible
