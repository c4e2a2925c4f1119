"""Tests for models/clean.py: boilerplate removal, metadata, data-file validation.

All Korean texts below are written for these tests (made-up companies such as
가나전자, fake addresses and phone numbers); only the *shape* of real press
boilerplate is imitated. The seed tests at the end read the shared seed
articles at run time and never copy their sentences.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from models.clean import (
    KINDS,
    CleanArticle,
    Removed,
    clean_article,
    clean_text,
    detect_publisher,
    load_boilerplate,
    load_publishers,
)
from models.errors import DataFileError
from models.schema import RawArticle

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "seeds"

P1 = "가나전자가 차세대 반도체 설계 도구를 공개했다고 12일 밝혔다."
P2 = "회사는 이 도구로 설계 기간을 절반으로 줄일 수 있다고 설명했다."
P3 = "업계에서는 연내 상용화 여부에 관심이 쏠린다."


def kinds(art: CleanArticle) -> list[str]:
    return [r.kind for r in art.removed]


# ---------------------------------------------------------------------------
# Boilerplate kinds: (text, expected body, expected metadata)

CASES = [
    # copyright
    pytest.param(
        f"{P1}\n{P2}<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>",
        f"{P1}\n{P2}",
        {"publisher": "서울경제", "removed": [Removed("copyright", "<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>")]},
        id="copyright-glued-to-last-sentence",
    ),
    pytest.param(
        f"{P1}\n\n[ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지]",
        P1,
        {"publisher": "매일경제", "removed": [Removed("copyright", "[ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지]")]},
        id="copyright-bracket-line",
    ),
    pytest.param(
        f"{P1}\n{P2}\nCopyright ⓒ 블로터. All rights reserved.\n"
        "(주)블로터앤미디어의 모든 콘텐츠에 대한 무단 전재ㆍ복사ㆍ배포를 금합니다.",
        f"{P1}\n{P2}",
        {"publisher": "블로터", "kinds": ["copyright", "copyright"]},
        id="copyright-all-rights-and-geumhamnida",
    ),
    pytest.param(
        f"{P1}\nⓒ 한겨레신문사 : 무단전재 및 재배포 금지",
        P1,
        {"publisher": "한겨레", "kinds": ["copyright"]},
        id="copyright-sign-line",
    ),
    pytest.param(
        f"{P1}ⓒ 뉴스1코리아(news1.kr), 무단 전재 및 재배포 금지",
        P1,
        {"publisher": "뉴스1", "kinds": ["copyright"]},
        id="copyright-sign-glued",
    ),
    # company footer
    pytest.param(
        f"{P1}\n{P2}\n\n"
        "주식회사 가나미디어 · 서울특별시 중구 세종대로 999 ㅣ Tel : 02-000-0000 / Fax : 02-000-0001\n"
        "문의메일 : webmaster@example.kr ㅣ 대표이사 · 발행인 · 편집인 : 홍길동\n"
        "인터넷신문 등록번호 : 서울, 아00000 ㅣ 등록일 : 2020년 1월 1일 ㅣ 제호 : 디지털타임스\n"
        "사업자등록번호 : 000-00-00000 ISSN : 0000-0000 ㅣ 청소년 보호책임자 : 김영희",
        f"{P1}\n{P2}",
        {"publisher": "디지털타임스", "kinds": ["footer"] * 4, "byline": None, "reporter_emails": ()},
        id="footer-block",
    ),
    pytest.param(
        f"{P1}\n\n가나미디어\n주소 : 서울특별시 마포구 월드컵로 999 | 전화 02-000-0000 | www.etnews.com",
        P1,
        {"publisher": "전자신문", "kinds": ["footer", "footer"]},
        id="footer-domain-only",
    ),
    # bylines and e-mails
    pytest.param(
        f"{P1}\n{P2}\n\n[홍길동 기자 gildong@mk.co.kr]",
        f"{P1}\n{P2}",
        {"byline": "홍길동 기자", "reporter_emails": ("gildong@mk.co.kr",), "publisher": "매일경제"},
        id="byline-bracketed-email",
    ),
    pytest.param(
        f"{P1}\n홍길동 기자 gildong@techm.kr",
        P1,
        {"byline": "홍길동 기자", "reporter_emails": ("gildong@techm.kr",), "publisher": "테크M"},
        id="byline-email",
    ),
    pytest.param(
        f"{P1}\n\n홍길동/김영희 기자",
        P1,
        {"byline": "홍길동/김영희 기자", "reporter_emails": (), "publisher": None},
        id="byline-two-reporters",
    ),
    pytest.param(
        f"(서울=연합뉴스) 홍길동 기자 = {P1}\n{P2}",
        f"{P1}\n{P2}",
        {"byline": "홍길동 기자", "publisher": "연합뉴스",
         "removed": [Removed("byline", "(서울=연합뉴스) 홍길동 기자 =")]},
        id="byline-dateline-prefix",
    ),
    pytest.param(
        f"(워싱턴=연합뉴스) 김영희 특파원 = {P1}",
        P1,
        {"byline": "김영희 특파원", "publisher": "연합뉴스"},
        id="byline-correspondent",
    ),
    pytest.param(
        f"[헤럴드경제=홍길동 기자] {P1}",
        P1,
        {"byline": "홍길동 기자", "publisher": "헤럴드경제"},
        id="byline-bracket-prefix",
    ),
    pytest.param(
        f"[서울=뉴시스]홍길동 기자 = {P1}",
        P1,
        {"byline": "홍길동 기자", "publisher": "뉴시스"},
        id="byline-newsis-prefix",
    ),
    pytest.param(
        f"{P1} 홍길동 기자 gildong@etnews.com",
        P1,
        {"byline": "홍길동 기자", "reporter_emails": ("gildong@etnews.com",), "publisher": "전자신문"},
        id="byline-glued-tail",
    ),
    pytest.param(
        f"{P1}\ngildong@hankyung.com",
        P1,
        {"byline": None, "reporter_emails": ("gildong@hankyung.com",), "publisher": "한국경제"},
        id="email-only-line",
    ),
    # related-article sections
    pytest.param(
        f"{P1}\n{P2}\n\n관련기사\n- 가나전자, 설계 도구 '9종' 공개\n- 다라소프트, 3년간 500억 투자했다",
        f"{P1}\n{P2}",
        {"kinds": ["related"] * 3},
        id="related-dash-list",
    ),
    pytest.param(
        f"{P1}\n\n함께 볼만한 기사\n▶ 가나전자 주가 급등\n▶ 설계 자동화 시장 커진다\n\n{P3}",
        f"{P1}\n\n{P3}",
        {"kinds": ["related"] * 3},
        id="related-arrow-list-then-text",
    ),
    pytest.param(
        f"{P1}\n\n많이 본 뉴스\n1. 가나전자, 논문 12건 채택\n2. 다라소프트 200억 유치",
        P1,
        {"kinds": ["related"] * 3},
        id="related-numbered",
    ),
    pytest.param(
        f"{P1}\n\n[관련 기사]\n가나전자, 설계 도구 공개\n다라소프트, AI 칩 개발 착수\n",
        P1,
        {"kinds": ["related"] * 3},
        id="related-unmarked-headlines",
    ),
    pytest.param(
        f"{P1}\n▶ 관련기사: 가나전자, 설계 도구 공개",
        P1,
        {"kinds": ["related"]},
        id="related-inline-link",
    ),
    # photo credits
    pytest.param(
        f"가나전자 본사 전경. [사진 제공 = 가나전자]\n\n{P1}",
        f"가나전자 본사 전경.\n\n{P1}",
        {"removed": [Removed("photo_credit", "[사진 제공 = 가나전자]")]},
        id="photo-credit-bracket",
    ),
    pytest.param(
        f"(사진=연합뉴스) 가나전자 연구원이 시제품을 살펴보고 있다.\n{P1}",
        f"가나전자 연구원이 시제품을 살펴보고 있다.\n{P1}",
        {"removed": [Removed("photo_credit", "(사진=연합뉴스)")], "byline": None},
        id="photo-credit-paren-first",
    ),
    pytest.param(
        f"가나전자 연구원들이 시제품을 시연하고 있다. /사진=뉴시스\n{P1}",
        f"가나전자 연구원들이 시제품을 시연하고 있다.\n{P1}",
        {"kinds": ["photo_credit"]},
        id="photo-credit-slash",
    ),
    pytest.param(
        f"사진 제공=가나전자\n{P1}",
        P1,
        {"kinds": ["photo_credit"]},
        id="photo-credit-line",
    ),
    pytest.param(
        f"가나전자 연구원들이 새 설계 도구를 시연하고 있다. 가나전자 제공\n\n{P1}",
        f"가나전자 연구원들이 새 설계 도구를 시연하고 있다.\n\n{P1}",
        {"removed": [Removed("caption_credit", "가나전자 제공")]},
        id="caption-credit-keeps-caption",
    ),
    pytest.param(
        f"가나전자 본사 전경 (가나전자 제공)\n{P1}",
        f"가나전자 본사 전경\n{P1}",
        {"kinds": ["photo_credit"]},
        id="photo-credit-paren-provided",
    ),
    # navigation and widgets
    pytest.param(
        f"본문 바로가기\n\n05.11 (토)\n\n가나전자, 설계 자동화 도구 공개\n\n댓글 첫 댓글을 작성해보세요\n"
        f"주소복사가 완료되었습니다\n한국경제\n\n{P1}\n\n{P2}\n\n"
        "기사가 속한 카테고리는 언론사가 분류합니다.\n언론사는 한 기사를 두 개 이상의 카테고리로 분류할 수 있습니다.",
        f"{P1}\n\n{P2}",
        {"title": "가나전자, 설계 자동화 도구 공개", "publisher": "한국경제",
         "kinds": ["navigation", "navigation", "headline", "navigation", "navigation", "navigation",
                   "navigation", "navigation"]},
        id="navigation-portal-page",
    ),
    pytest.param(
        f"입력 2024.05.11 09:30 | 수정 2024.05.11 10:02\n공유하기 | 글자크기 | 프린트 | 스크랩\n{P1}\n좋아요 3\n구독",
        P1,
        {"kinds": ["navigation"] * 4},
        id="navigation-widgets",
    ),
    # normalisation
    pytest.param(
        f"{P1}   \r\n\r\n\r\n\r\n{P2}\n\n\n",
        f"{P1}\n\n{P2}",
        {"removed": []},
        id="normalize-blank-lines-and-trailing-spaces",
    ),
    pytest.param(
        unicodedata.normalize("NFD", P1),
        P1,
        {"removed": []},
        id="normalize-nfc",
    ),
]


@pytest.mark.parametrize("text,body,meta", CASES)
def test_clean_text_cases(text, body, meta):
    art = clean_text(text, detect_headline="title" in meta)
    assert art.body == body
    for key, value in meta.items():
        if key == "kinds":
            assert kinds(art) == value
        elif key == "removed":
            assert list(art.removed) == value
        else:
            assert getattr(art, key) == value, key


OUTLET_SHAPES = [
    (f"[서울=뉴시스] 홍길동 기자 = {P1}\n◎공감언론 뉴시스 gildong@newsis.com\n"
     "<저작권자ⓒ 공감언론 뉴시스통신사. 무단전재-재배포 금지.>",
     P1, "뉴시스", "홍길동 기자", ("gildong@newsis.com",)),
    (f"[아시아경제 홍길동 기자] {P1}\n<ⓒ경제를 보는 눈, 세계를 보는 창 아시아경제 무단전재 배포금지>",
     P1, "아시아경제", "홍길동 기자", ()),
    (f"{P1}\n홍길동 기자(gildong@sbs.co.kr)\n※ ⓒ SBS & SBS Digital News Lab. : 무단복제 및 재배포 금지",
     P1, "SBS", "홍길동 기자", ("gildong@sbs.co.kr",)),
    (f"{P1}\nGoodNews paper ⓒ 국민일보(www.kmib.co.kr), 무단전재 및 수집, 재배포금지", P1, "국민일보", None, ()),
    (f"[파이낸셜뉴스] {P1}\n홍길동 기자", P1, "파이낸셜뉴스", "홍길동 기자", ()),
    (f"{P1}\n지디넷코리아 홍길동 기자(gildong@zdnet.co.kr)", P1, "ZDNet Korea", "홍길동 기자", ("gildong@zdnet.co.kr",)),
    (f"{P1}\ngildong@yna.co.kr\n<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>\n2024/05/11 09:30 송고",
     P1, "연합뉴스", None, ("gildong@yna.co.kr",)),
    (f"가나전자 본사 전경 ⓒ뉴스1\n{P1}", f"가나전자 본사 전경\n{P1}", "뉴스1", None, ()),
    (f"[연합뉴스 자료사진]\n{P1} [게티이미지뱅크]", P1, None, None, ()),
    (f"[단독] {P1}", f"[단독] {P1}", None, None, ()),
]


@pytest.mark.parametrize("text,body,publisher,byline,emails", OUTLET_SHAPES)
def test_outlet_boilerplate_shapes(text, body, publisher, byline, emails):
    art = clean_text(text)
    assert (art.body, art.publisher, art.byline, art.reporter_emails) == (body, publisher, byline, emails)


# ---------------------------------------------------------------------------
# Headline


@pytest.mark.parametrize(
    "text,title,body",
    [
        (f"가나전자, 설계 도구 9종 공개\n\n설계 기간 절반으로 단축\n연내 상용화 목표\n\n{P1}",
         "가나전자, 설계 도구 9종 공개", f"설계 기간 절반으로 단축\n연내 상용화 목표\n\n{P1}"),
        (f"가나전자, 설계 도구 공개한다\n\n{P1}", "가나전자, 설계 도구 공개한다", P1),
        (f"{P1}\n{P2}", None, f"{P1}\n{P2}"),
        (f"가나전자가 새 도구를 공개한다\n{P1}", None, f"가나전자가 새 도구를 공개한다\n{P1}"),
        (f"가나전자, 설계 도구 공개", None, "가나전자, 설계 도구 공개"),
    ],
    ids=["headline-with-subheads", "headline-ending-da-then-blank", "lead-sentence",
         "da-line-glued-to-text", "single-line"],
)
def test_detect_headline(text, title, body):
    art = clean_text(text, detect_headline=True)
    assert (art.title, art.body) == (title, body)
    assert kinds(art) == (["headline"] if title else [])


def test_headline_not_detected_by_default():
    text = f"가나전자, 설계 도구 공개\n\n{P1}"
    assert clean_text(text).body == text


def test_given_title_repeated_in_body_is_removed():
    art = clean_text(f"가나전자, 설계 도구 공개\n\n{P1}", title="가나전자, 설계 도구 공개")
    assert (art.title, art.body, kinds(art)) == ("가나전자, 설계 도구 공개", P1, ["headline"])


def test_given_title_not_in_body_keeps_body():
    art = clean_text(f"설계 기간 절반으로\n\n{P1}", title="가나전자, 설계 도구 공개", detect_headline=True)
    assert (art.title, art.body) == ("가나전자, 설계 도구 공개", f"설계 기간 절반으로\n\n{P1}")


# ---------------------------------------------------------------------------
# Nothing of the article is lost


PROSE = [
    "가나대 연구진은 관련 연구를 국제 학회에 발표했다고 밝혔다.",
    "관련 기사에 따르면 가나전자는 지난해 설계 인력을 두 배로 늘렸다.",
    "회사는 사진 촬영 장비를 연구소에 무상으로 제공했다.",
    "이 서비스는 사진 한 장으로 3D 모델을 만들어 준다.",
    "홍길동 기자가 현장에서 질문하자 대표는 웃으며 답했다.",
    "음원 저작권자 단체는 AI 학습 데이터 사용에 반발했다.",
    "댓글 기능은 다음 달부터 종료된다고 회사는 공지했다.",
    "그는 서울특별시 중구 세종대로 일대에서 시연회를 열었다.",
    "문의는 전화 02-000-0000 또는 help@example.com으로 하면 된다.",
    "구독자 수는 지난해보다 40% 늘었다.",
    "가나전자 관계자는 \"(c) 항목은 아직 검토 중\"이라고 말했다.",
    "무단 전재를 막는 기술도 함께 공개됐다.",
]


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_with_boilerplate_words_is_kept(sentence):
    art = clean_text(sentence, detect_headline=True)
    assert (art.body, art.removed, art.title) == (sentence, (), None)


@pytest.mark.parametrize("sentence", PROSE)
def test_prose_with_boilerplate_words_is_kept_inside_an_article(sentence):
    text = f"(서울=연합뉴스) 홍길동 기자 = {P1}\n\n{sentence}\n\n{P2}\n\n<저작권자 ⓒ 연합뉴스, 무단 전재 및 재배포 금지>"
    assert clean_text(text).body == f"{P1}\n\n{sentence}\n\n{P2}"


FULL_ARTICLE = f"""본문 바로가기
05.11 (토)

가나전자, 설계 자동화 도구 공개

댓글 첫 댓글을 작성해보세요
전자신문

가나전자 연구소 전경. [사진 제공 = 가나전자]

(서울=전자신문) 홍길동 기자 = {P1}

{P2} 관련 연구는 가나대와 함께 진행했다.

{P3}

홍길동 기자 gildong@etnews.com

관련기사
- 가나전자, 설계 인력 2배로
- 다라소프트, 4년간 300억 투자했다

Copyright ⓒ 전자신문. All rights reserved.
주식회사 가나미디어 · 서울특별시 중구 세종대로 999 ㅣ Tel : 02-000-0000
인터넷신문 등록번호 : 서울, 아00000
기사가 속한 카테고리는 언론사가 분류합니다."""


def test_every_article_sentence_survives_verbatim():
    art = clean_text(FULL_ARTICLE, detect_headline=True)
    assert art.body == f"가나전자 연구소 전경.\n\n{P1}\n\n{P2} 관련 연구는 가나대와 함께 진행했다.\n\n{P3}"
    assert (art.title, art.publisher, art.byline, art.reporter_emails) == (
        "가나전자, 설계 자동화 도구 공개", "전자신문", "홍길동 기자", ("gildong@etnews.com",))
    assert set(kinds(art)) == set(KINDS) - {"caption_credit"}


# ---------------------------------------------------------------------------
# Publisher detection


@pytest.mark.parametrize(
    "email,publisher",
    [
        ("a@mk.co.kr", "매일경제"), ("a@mkinternet.com", "매일경제"), ("a@techm.kr", "테크M"),
        ("a@biz.chosun.com", "조선비즈"), ("a@chosun.com", "조선일보"), ("a@yna.co.kr", "연합뉴스"),
        ("a@seoul.co.kr", "서울신문"), ("a@metroseoul.co.kr", "메트로신문"), ("a@news.mt.co.kr", "머니투데이"),
        ("a@gmail.com", None),
    ],
)
def test_detect_publisher_from_email(email, publisher):
    assert detect_publisher("", [email]) == publisher


@pytest.mark.parametrize(
    "text,publisher",
    [
        ("Copyright ⓒ 메트로신문 & metroseoul.co.kr", "메트로신문"),
        ("(주)메트로미디어의 모든 기사 또는 컨텐츠에 대한 무단 전재ㆍ복사ㆍ배포를 금합니다.", "메트로신문"),
        ("인터넷신문 등록번호 : 서울, 아00000 ㅣ 제호 : 메트로신문", "메트로신문"),
        ("<저작권자 ⓒ 서울경제, 무단 전재 및 재배포 금지>", "서울경제"),
        ("(서울=뉴스1) 홍길동 기자 = 본문", "뉴스1"),
        ("매일경제", "매일경제"),
        (f"{P1} 조선일보 보도에 따르면 협상은 결렬됐다.", None),
    ],
)
def test_detect_publisher_from_text(text, publisher):
    assert detect_publisher(text) == publisher


def test_given_publisher_is_kept():
    art = clean_text(f"{P1}\n[ⓒ 매일경제 & mk.co.kr, 무단전재 및 재배포 금지]", publisher="테크M")
    assert art.publisher == "테크M"


def test_clean_article_uses_raw_fields():
    text = f"가나전자, 설계 도구 공개\n\n{P1}\n홍길동 기자 gildong@mk.co.kr"
    art = clean_article(RawArticle(source="a.txt", text=text))
    assert (art.title, art.body, art.publisher) == ("가나전자, 설계 도구 공개", P1, "매일경제")
    art = clean_article(RawArticle(source="a.json", text=text, format="json", publisher="가상일보"))
    assert (art.title, art.body, art.publisher) == (None, f"가나전자, 설계 도구 공개\n\n{P1}", "가상일보")
    art = clean_article(RawArticle(source="a.txt", text=text, title="가나전자, 설계 도구 공개"))
    assert (art.title, art.body) == ("가나전자, 설계 도구 공개", P1)


# ---------------------------------------------------------------------------
# Data files


def test_shipped_data_files_load():
    patterns = load_boilerplate()
    assert {p.kind for p in patterns} >= set(KINDS) - {"headline"}
    publishers = load_publishers()
    assert len(publishers) >= 40
    names = {p.name for p in publishers}
    assert {"연합뉴스", "메트로신문", "테크M", "매일경제", "서울경제", "한국경제", "ZDNet Korea", "YTN"} <= names


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD_PATTERN = json.dumps({"kind": "copyright", "scope": "tail", "pattern": "ⓒ.*$"}, ensure_ascii=False)


@pytest.mark.parametrize(
    "bad,detail",
    [
        ("{not json", "invalid JSON"),
        ('["copyright"]', "expected a JSON object"),
        ('{"kind": "copyright", "scope": "tail"}', "missing key"),
        ('{"kind": "ads", "scope": "tail", "pattern": "x"}', "unknown kind 'ads'"),
        ('{"kind": "copyright", "scope": "page", "pattern": "x"}', "unknown scope 'page'"),
        ('{"kind": "copyright", "scope": "tail", "pattern": "x", "where": "middle"}', "unknown where"),
        ('{"kind": "copyright", "scope": "tail", "pattern": "(ⓒ"}', "invalid regex"),
        ('{"kind": "copyright", "scope": "tail", "pattern": "x*"}', "matches the empty string"),
        ('{"kind": "copyright", "scope": "tail", "pattern": "x", "label": "y"}', "unknown key"),
    ],
)
def test_bad_boilerplate_file_names_path_and_line(tmp_path, bad, detail):
    path = _write(tmp_path, [GOOD_PATTERN, "", bad])
    with pytest.raises(DataFileError, match=rf"\[E003\].*bad\.jsonl:3: .*{re.escape(detail)}.*Expected format"):
        load_boilerplate(path)


GOOD_PUBLISHER = json.dumps({"name": "가상일보", "aliases": ["가상"], "domains": ["gasang.kr"]}, ensure_ascii=False)


@pytest.mark.parametrize(
    "bad,detail",
    [
        ('{"aliases": []}', "missing key(s) name"),
        ('{"name": ""}', "'name' must be a non-empty string"),
        ('{"name": "나상일보", "aliases": "나상"}', "'aliases' must be a list"),
        ('{"name": "나상일보", "domains": ["https://nasang.kr"]}', "is not a bare host name"),
        ('{"name": "나상일보", "aliases": ["가상"]}', "'가상' already belongs to '가상일보'"),
        ('{"name": "나상일보", "domains": ["gasang.kr"]}', "'gasang.kr' already belongs"),
    ],
)
def test_bad_publisher_file_names_path_and_line(tmp_path, bad, detail):
    path = _write(tmp_path, [GOOD_PUBLISHER, bad])
    with pytest.raises(DataFileError, match=rf"bad\.jsonl:2: .*{re.escape(detail)}.*Expected format"):
        load_publishers(path)


def test_missing_data_file(tmp_path):
    with pytest.raises(DataFileError, match=r"\[E014\].*nope\.jsonl"):
        load_boilerplate(tmp_path / "nope.jsonl")


# ---------------------------------------------------------------------------
# Seed articles (evaluation only: expectations are read from the files)


def _seed_gold() -> dict[str, dict]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed corpus not found at {SEEDS}")
    gold = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
    return {a["file"]: a for a in gold["articles"]}


def _seed_files() -> list[str]:
    return sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS.is_dir() else ["<no seeds>"]


_BOILERPLATE_CUES = ("ⓒ", "무단", "카테고리", "언론사", "Copyright", "@", "등록번호")
# Must not survive cleaning in any seed.
_FORBIDDEN = ("무단", "ⓒ", "Copyright", "Tel", "Fax", "등록번호", "ISSN", "관련기사", "바로가기", "댓글",
              "카테고리", "사진 제공", "@", "주소복사", "재배포", "webmaster")


def _article_sentences(raw: str) -> list[str]:
    """Sentences ending in 다. from the raw lines that are article prose (no boilerplate cue).

    A line can end with a caption credit (``… 참석했다. OOO 제공``); the credit is
    not a sentence, so only the pieces ending in 다. are checked.
    """
    out = []
    for ln in raw.splitlines():
        ln = ln.strip()
        if len(ln) < 40 or ln.startswith("-") or any(c in ln for c in _BOILERPLATE_CUES):
            continue
        out += [s for s in re.split(r"(?<=다\.)\s+", ln) if s.endswith("다.")]
    return out


@pytest.mark.seeds
@pytest.mark.parametrize("name", _seed_files())
def test_seed_cleaning(name):
    gold = _seed_gold()[name]
    raw = (SEEDS / name).read_text(encoding="utf-8")
    art = clean_text(raw, detect_headline=True)
    # 002 ends with a bare byline and has no copyright, footer or e-mail:
    # its publisher (한국경제) cannot be told from the text.
    has_evidence = bool(re.search(r"ⓒ|©|Copyright|저작권|@|제호", raw))
    assert art.publisher == (gold["publisher"] if has_evidence else None)
    for s in _FORBIDDEN:
        assert s not in art.body, s
    for s in gold.get("boilerplate_must_not_yield", []):
        assert s not in art.body, s
    kept = _article_sentences(raw)
    assert len(kept) >= 5, "the seed should have article sentences"
    missing = [s[:40] for s in kept if s not in art.body]
    assert not missing
    # First and last article sentences are still there, verbatim.
    assert kept[0] in art.body and kept[-1] in art.body


# -- a copyright mark ends the body only where a footer follows -------------------------------------------

STORY = ("한빛전자는 새 반도체 공장을 짓는다고 3일 밝혔다. 공장은 내년 가동을 목표로 한다. "
         "회사 관계자는 연구 인력도 늘린다고 말했다.")


@pytest.mark.parametrize("text,body", [
    # one-line text (JSONL dumps keep whole articles on a line): the credit stays, the story after it stays
    (f"공장 조감도 ⓒ한빛전자 {STORY}", f"공장 조감도 ⓒ한빛전자 {STORY}"),
    # a bracketed photo credit is cut out of the line; the story on both sides stays
    (STORY.replace(". ", ". [사진=한빛전자 ⓒ 무단 전재 금지] ", 1), STORY),
    # a caption line with a credit in the middle of the article: every later paragraph stays
    (f"{STORY}\n\n공장 조감도 ⓒ 한빛전자 제공 자료에 따르면 규모는 업계 최대다. 착공은 다음 달이다.\n\n{STORY}",
     f"{STORY}\n\n공장 조감도 ⓒ 한빛전자 제공 자료에 따르면 규모는 업계 최대다. 착공은 다음 달이다.\n\n{STORY}"),
    # a real footer still goes, glued or on its own line
    (f"{STORY}<저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지>", STORY),
    (f"{STORY}\nⓒ 한빛일보. 무단 전재 및 재배포를 금합니다.", STORY),
])
def test_copyright_mark_cuts_only_a_footer(text, body):
    assert clean_text(text).body == body


def test_a_long_one_line_text_is_not_cut_at_its_first_mark():
    text = "ⓒ 사진 " + STORY * 2000  # ~230k characters on one line
    art = clean_text(text)
    assert art.body == text and art.note is None


def test_cleaning_that_would_remove_much_of_a_long_text_keeps_it_and_says_why():
    story_lines = "\n".join(f"{i}번째 문단에서 한빛전자는 새 공장 계획을 자세히 설명했다." for i in range(900))
    # lines shaped like bylines would all be removed: 40% of the text
    byline_lines = "\n".join(f"홍길{chr(0xAC00 + i % 50)} 기자 reporter{i}@hanbit.co.kr" for i in range(1200))
    text = f"{story_lines}\n{byline_lines}"
    art = clean_text(text)
    assert art.body == text and art.removed == () and art.byline is None
    assert art.note.startswith("kept whole: the boilerplate rules would have removed ")
    assert "(more than 20% of a long text is not boilerplate)" in art.note
    # the same lines in a short article are removed as usual
    short = clean_text("한빛전자는 새 공장 계획을 자세히 설명했다.\n홍길동 기자 reporter@hanbit.co.kr")
    assert short.body == "한빛전자는 새 공장 계획을 자세히 설명했다." and short.note is None
