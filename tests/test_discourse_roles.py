"""Roles read across sentences: each construction of issue 24 on short passages of our own.

Korean drops subjects. An investor, an organization, a venue or a year may come from the
sentence before or from the headline; "never invented" means never an organization the
passage does not give for that role. Every passage here was written for this test.
"""
from __future__ import annotations

import pytest

from models.extract.investment import extract_investments
from models.extract.money import find_money
from models.extract.papers import extract_paper_counts


def _inv(analyzer, text, title=None):
    adoc = analyzer.analyse_text(text)
    if title is not None:
        adoc.title = title
    return [(i.money.text, i.investor.text if i.investor else None) for i in extract_investments(adoc)]


def _pc(analyzer, text):
    adoc = analyzer.analyse_text(text)
    return [(p.org.text if p.org else None, tuple(v.canonical or v.text for v in p.venues), p.year, p.count)
            for p in extract_paper_counts(adoc)]


# --- investments --------------------------------------------------------------------------
@pytest.mark.parametrize("text,expected", [
    # a dropped subject: the topic of the sentence before invests
    ("삼성전자는 로봇 사업을 키우고 있다. 그 일환으로 지난달 캐나다 스타트업에 5000만 달러를 투자했다.",
     [("5000만 달러", "삼성전자")]),
    # a genitive names the investor
    ("카카오의 두나무 500억원 투자는 업계의 관심을 모았다.", [("500억원", "카카오")]),
    # 로부터 + 받다: the source invests, the subject receives
    ("업스테이지는 기업가치를 인정받고 한국투자파트너스로부터 300억원의 투자를 받았다.",
     [("300억원", "한국투자파트너스")]),
    # a round that lists its investors with their amounts in parentheses
    ("이번 라운드에는 산업은행(100억원), 스마일게이트인베스트먼트(20억원) 등이 참여했다.",
     [("100억원", "산업은행"), ("20억원", "스마일게이트인베스트먼트")]),
    # the participants named in the next sentence: the first named leads the record
    ("리벨리온은 300억원 규모의 시리즈B 투자를 유치했다. 이번 투자에는 KT, 산업은행, 미래에셋벤처투자가 참여했다.",
     [("300억원", "KT")]),
    # the outlet that reports the plan is not its investor
    ("한빛반도체가 인디애나주에 40억 달러(약 5조3620억 원)를 투입할 계획이라고 월스트리트저널(WSJ)이 26일 보도했다.",
     [("40억 달러(약 5조3620억 원)", "한빛반도체")]),
    # each raised amount has the source nearest before it, 로부터 or 에서
    ("한빛마켓은 새봄캐피탈로부터 1억달러, 블랙록에서 3억달러를 유치했다.",
     [("1억달러", "새봄캐피탈"), ("3억달러", "블랙록")]),
    # a list of contributors, each right before its amount, after bullets and stock codes
    ("출자자는 △한국산업기술진흥원 150억 원 △동국제강(460860) 200억 원으로 구성된다.",
     [("150억 원", "한국산업기술진흥원"), ("200억 원", "동국제강")]),
    ("사업비는 산업부가 15억원, 삼성전자가 7억5000만원을 투자한다.",
     [("15억원", "산업부"), ("7억5000만원", "삼성전자")]),
    # a subject inside a relative clause is the recipient, not the investor
    ("구글이 카카오모빌리티가 추진하는 지분투자에 사모펀드와 손잡고 약 3000억원을 투입한다.",
     [("약 3000억원", "구글")]),
    # a subject the tagger missed, glossed in parentheses; a model ORG that opens with a country
    ("한빛금융 산하 라이온엑스벤처스(LionX Ventures)는 600만달러(약 84억원) 투자를 결정했다.",
     [("600만달러(약 84억원)", "라이온엑스벤처스")]),
    ("쿠팡은 미국 블랙록으로부터 3억달러를 유치했다.", [("3억달러", "블랙록")]),
    # one amount that 각각 gives to each name of the subject chain
    ("SK하이닉스와 삼성전자는 각각 5억원을 투자한다.", [("5억원", "SK하이닉스"), ("5억원", "삼성전자")]),
    # the subject of a relative clause contributes the amount, also a fund's
    ("삼성물산과 삼성바이오로직스가 출자한 1500억원 규모의 펀드가 운용된다.", [("1500억원", "삼성물산")]),
    # a foreign amount restated without its conversion by a name of the same investor is one fact
    ("쿠팡이 소프트뱅크로부터 20억달러(약 2조2570억원) 규모의 투자를 유치했다. "
     "쿠팡은 소프트뱅크 비전펀드로부터 20억달러를 투자 받게 됐다.", [("20억달러(약 2조2570억원)", "소프트뱅크")]),
    # a name the tagger splits ("…베스트먼트") is the whole word
    ("메디치인베스트먼트가 30억원을 투자했다.", [("30억원", "메디치인베스트먼트")]),
])
def test_investor_roles(analyzer, text, expected):
    assert _inv(analyzer, text) == expected


@pytest.mark.parametrize("text", [
    "올해 상반기 국내 스타트업 투자는 3조5000억원으로 집계됐다.",
    "국내 벤처투자 시장은 지난해 6조원을 넘어섰다.",
    "누적 투자액은 1200억원에 이른다.",
    # sums over a number of companies, tallies and rankings, thresholds, series of yearly totals
    "지원사업은 241개 지원 기업 중 23개사에 총 309억 원의 벤처투자를 유치했다.",
    "국내 바이오기업의 3월 외부 투자유치가 9곳, 502억원으로 집계됐다.",
    "2020년 기준 378억원을 유치한 한빛대학교가 1위다.",
    "중소벤처기업부는 300억 원 이상 투자를 유치한 기업이 5곳으로 늘었다고 밝혔다.",
    "2017년 107억원, 2018년 174억원, 2019년엔 122억원이 투자됐다.",
])
def test_statistics_are_not_investments(analyzer, text):
    assert _inv(analyzer, text) == []


@pytest.mark.parametrize("text", [
    # a listed amount that is a price, or a fund's yearly size, is no investment
    "한빛텔레콤이 위성 2호는 40억원에, 위성 3호는 5억 3천만원의 해외 기업에 팔았다고 주장했다.",
    "기금은 2020년까지 연간 1억달러, 총 8000억달러를 조성해 개발도상국 사업에 지원할 계획이다.",
])
def test_listed_amounts_need_their_own_investor_and_no_sale(analyzer, text):
    assert _inv(analyzer, text) == []


def test_the_genitive_with_the_amount_in_parentheses(analyzer):
    assert _inv(analyzer, "네이버웹툰의 에이투지 투자(400억원)가 대표적이다.") == [("400억원", "네이버웹툰")]


def test_raising_without_a_named_investor_has_no_investor(analyzer):
    # the round's investors are not named: the record stays, its investor is empty, never invented
    assert _inv(analyzer, "퓨리오사AI는 이번에 800억원 규모의 투자를 유치했다고 밝혔다.") == [("800억원", None)]


def test_a_conversion_at_the_time():
    m = find_money("앤트로픽에 1억 달러(당시 약 1300억 원)를 투자했다")[0]
    assert (m.currency, m.amount, m.krw_low, m.qualifier) == ("USD", 100000000.0, 130000000000, "approx")


def test_bound_after_a_conversion_holds_for_the_won_amount():
    m = find_money("우버는 1억 달러(1150억원) 이상을 투자한다")[0]
    assert (m.text, m.qualifier, m.krw_low, m.krw_high) == ("1억 달러(1150억원) 이상", "at_least", 115000000000, None)


# --- paper counts -------------------------------------------------------------------------
def test_series_of_years_each_with_its_count_and_the_venues_before(analyzer):
    text = ("카이스트는 NeurIPS와 ICML에서 꾸준히 성과를 냈다. "
            "카이스트의 채택 논문은 2011년 3건, 2015년 5건이었다.")
    assert _pc(analyzer, text) == [("카이스트", ("NeurIPS", "ICML"), 2011, 3),
                                   ("카이스트", ("NeurIPS", "ICML"), 2015, 5)]


def test_years_coordinated_before_each(analyzer):
    text = "카이스트는 NeurIPS에서 성과를 냈다. 2017년과 2018년에는 각각 12건과 19건의 논문이 채택됐다."
    assert [(p[2], p[3]) for p in _pc(analyzer, text)] == [(2017, 12), (2018, 19)]


def test_a_far_paper_topic_ties_the_count(analyzer):
    text = ("한빛게임즈가 발표한 AI 논문은 세계 최고 권위를 가진 뉴립스(NeurIPS), 국제머신러닝학회(ICML)를 "
            "포함한 글로벌 학회에 총 28편이 채택됐다.")
    assert [(p[1], p[3]) for p in _pc(analyzer, text)] == [(("NeurIPS", "ICML"), 28)]


def test_a_new_topic_takes_no_venue_from_another_organizations_sentence(analyzer):
    text = "카이스트는 ICML 2024에서 논문 3편을 발표했다. 서울대는 논문 2건이 채택됐다."
    assert _pc(analyzer, text) == [("카이스트", ("ICML",), 2024, 3), ("서울대", (), None, 2)]


def test_a_count_over_many_venues_takes_no_venue_from_context(analyzer):
    text = "카카오브레인은 CVPR에서 성과를 냈다. 카카오브레인은 올해 글로벌 10개 학회에 총 15건의 논문을 등재했다."
    assert [(p[1], p[3]) for p in _pc(analyzer, text)] == [((), 15)]


def test_organizations_listed_each_with_a_count(analyzer):
    text = "출연연 가운데 ETRI가 275건, 한국과학기술연구원 139건의 논문을 발표했다."
    assert [(p[0], p[3]) for p in _pc(analyzer, text)] == [("ETRI", 275), ("한국과학기술연구원", 139)]


def test_rankings_and_lists_with_copulas(analyzer):
    text = ("국내 논문 건수가 가장 많은 곳은 한국항공우주연구원으로 187건이다. "
            "2016년에는 ETRI가 275건으로 가장 많은 논문을 발표했다.")
    assert [(p[0], p[2], p[3]) for p in _pc(analyzer, text)] == [("한국항공우주연구원", None, 187), ("ETRI", 2016, 275)]


def test_a_series_that_grows(analyzer):
    text = ("KAIST는 NeurIPS와 ICML에서 출판한 논문 수가 2011년 3건에서 2015년 5건, "
            "2017년과 2018년에는 각각 12건과 19건으로 해마다 늘고 있다.")
    assert [(p[2], p[3]) for p in _pc(analyzer, text)] == [(2011, 3), (2015, 5), (2017, 12), (2018, 19)]


def test_sentences_glued_without_a_space_after_the_period(analyzer):
    text = "연세대는 ‘2021 국제 컴퓨터 비전 및 패턴인식 학술대회(CVPR)’에 논문 20편이 채택됐다.CVPR은 권위 있는 학회다."
    adoc = analyzer.analyse_text(text)
    assert len(adoc.sentences) == 2
    assert _pc(analyzer, text) == [("연세대", ("CVPR",), 2021, 20)]


def test_a_ranking_with_counts_in_parentheses_and_a_relative_clause_owner(analyzer):
    text = "AI 논문을 가장 많이 낸 기업은 알파벳이었고 마이크로소프트(2762건), 텐센트(5위·948건) 순이었다."
    assert [(p[0], p[3]) for p in _pc(analyzer, text)] == [("마이크로소프트", 2762), ("텐센트", 948)]
    text = ("KAIST가 ISSCC에서 가장 많은 13편의 논문을 발표한다. "
            "삼성전자는 9편으로 2위에 올랐으며 3위는 8편이 채택된 인텔이 차지했다.")
    assert _pc(analyzer, text) == [("KAIST", ("ISSCC",), None, 13), ("삼성전자", ("ISSCC",), None, 9),
                                   ("인텔", ("ISSCC",), None, 8)]


@pytest.mark.parametrize("headline,expected", [
    ("뉴립스 2023서 카카오브레인, 19편 채택…업스테이지, 5편", [("카카오브레인", 19), ("업스테이지", 5)]),
    ("ISSCC 2022 논문 삼성전자 16편 기관 1위·KAIST 10편 대학 1위", [("삼성전자", 16), ("KAIST", 10)]),
])
def test_headline_lists_of_organizations_and_counts(analyzer, headline, expected):
    assert [(p[0], p[3]) for p in _pc(analyzer, headline)] == expected


def test_edition_year_from_elsewhere_in_the_article(analyzer):
    text = "CVPR 2021이 막을 내렸다. 서울대 연구진은 CVPR에서 논문 17편을 발표했다."
    assert _pc(analyzer, text) == [("서울대", ("CVPR",), 2021, 17)]


@pytest.mark.parametrize("text", [
    "올해 학회에는 5150편의 논문이 제출됐지만 그 중 26%인 1360편만 채택됐다.",
    "이번 행사에서는 651편의 논문이 제출돼 200편의 논문이 채택됐다.",
    "카이스트 연구진은 지난 10년간 연평균 8.4편의 논문을 ISSCC에 발표했다.",
])
def test_totals_shares_and_averages_are_no_organizations_count(analyzer, text):
    assert _pc(analyzer, text) == []


# --- one canonical name per organization --------------------------------------------------
def test_a_unit_after_its_university_is_one_organization_with_a_parent(analyzer):
    text = "한빛과학기술대학교 비전지능연구실은 CVPR 2024에서 논문 3편을 발표했다. 이 연구실은 ICCV에서도 2편이 채택됐다."
    adoc = analyzer.analyse_text(text)
    assert [(m.text, m.canonical, m.parent) for m in adoc.by_label("ORG")] == [
        ("한빛과학기술대학교 비전지능연구실", "한빛과학기술대학교 비전지능연구실", "한빛과학기술대학교")]
    assert {p[0] for p in _pc(analyzer, text)} == {"한빛과학기술대학교 비전지능연구실"}


def test_an_unlisted_name_has_its_undecorated_name_as_canonical(analyzer):
    adoc = analyzer.analyse_text("㈜누리인베스트먼트는 딥픽셀랩스에 20억원을 투자했다.")
    assert [(m.text, m.canonical) for m in adoc.by_label("ORG")][:1] == [("㈜누리인베스트먼트", "누리인베스트먼트")]
