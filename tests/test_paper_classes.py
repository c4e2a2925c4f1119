"""Paper counts in their article: the error classes of issue 15, item 1.

Each case is a short passage written for this test in the style of Korean tech
press (real organizations and venues, invented facts), run through the library
(``Analyzer("kiwi", "none")``: gazetteer + rules) and compared with the exact
records ``(org canonical, sorted venues, year, count)``.

* A: venue/year/org named in the headline or an earlier sentence;
* B: counts that belong to no organization (conference totals, a country, citations);
* C: lists — one record per organization, a split count gives only its total;
* D: counts in words and 건/개/편 after 논문, 연구, 성과;
* E: a venue nested in a longer conference title is no venue of its own.
"""
from __future__ import annotations

from datetime import datetime

import pytest

PUB = datetime(2024, 6, 10)


@pytest.fixture(scope="module")
def analyzer():
    pytest.importorskip("kiwipiepy")
    from models.analyse import Analyzer

    return Analyzer("kiwi", "none", errors="raise")


def _adoc(analyzer, text: str, title: str | None = None):
    from models.document import ArticleDoc

    adoc = analyzer.analyse_text(text, published_at=PUB)
    return ArticleDoc(adoc.doc, adoc.published_at, title) if title is not None else adoc


def _records(analyzer, text: str, title: str | None = None):
    from models.extract.papers import extract_paper_counts

    return extract_paper_counts(_adoc(analyzer, text, title))


def _facts(found) -> list[tuple]:
    return [(p.org.canonical if p.org else None, tuple(sorted(v.canonical or v.text for v in p.venues)), p.year,
             p.count) for p in found]


CASES = [
    # --- A: the count sentence leans on the headline or an earlier sentence -------------
    ("A-headline-line",
     "네이버, CVPR 2024서 논문 9편 채택\n\n네이버는 미국 시애틀에서 열리는 컴퓨터비전 학회에 참가한다고 10일 밝혔다. "
     "올해 학회에서 선보이는 논문은 9편이다.",
     None, [("네이버", ("CVPR",), 2024, 9)]),
    ("A-title-restated",
     "카카오브레인은 오스트리아 빈에서 열리는 머신러닝 학회에서 연구 성과를 공개한다고 10일 밝혔다. "
     "이번에 채택된 논문은 모두 5편이다.",
     "카카오브레인, ICML 2024 논문 5편 채택", [("카카오브레인", ("ICML",), 2024, 5)]),
    ("A-earlier-sentence",
     "삼성전자가 NeurIPS 2023에 참가한다. 삼성전자는 이번 학회에서 논문 7편을 발표한다.",
     None, [("삼성전자", ("NeurIPS",), 2023, 7)]),
    ("A-org-from-title",
     "인공지능 연구자들이 오스트리아 빈에 모였다. 이번 학회에서 발표하는 논문은 모두 6편이다.",
     "LG AI연구원, ICLR 2024서 논문 6편 발표", [("LG AI연구원", ("ICLR",), 2024, 6)]),
    ("A-ambiguous-pointer",  # "이번 학회" cannot point into a list of two venues
     "네이버는 올해 ICML과 ICLR에 참가했다. 이번 학회에서 논문 4편을 발표했다.",
     None, [("네이버", (), None, 4)]),
    # --- B: counts of no organization ------------------------------------------------------
    ("B-totals-country-citations",
     "올해 학회에는 9천여 편이 접수됐다. 전체 채택 논문은 2,000편이다. 한국은 모두 40편의 논문을 발표했다. "
     "네이버 논문의 인용 횟수는 3000회를 넘었다. 카이스트 논문은 피인용 500건을 기록했다.",
     "CVPR 2024 개막…역대 최대 규모", []),
    ("B-total-then-org-part",
     "올해 CVPR에는 1만1천여 편의 논문이 제출돼 2,700편이 채택됐다. 이 가운데 네이버는 12편을 발표했다.",
     None, [("네이버", ("CVPR",), 2024, 12)]),
    ("B-total-after-org-record",
     "삼성전자는 올해 NeurIPS에서 논문 5편을 발표했다. 이번 학회에는 전 세계에서 1만2천여 편이 제출됐고 "
     "이 가운데 3,500편이 채택됐다.",
     None, [("삼성전자", ("NeurIPS",), 2024, 5)]),
    # --- C: lists -----------------------------------------------------------------------------
    ("C-two-counts",
     "이번 ICML 2024에서 네이버가 10편, 카카오가 4편의 논문을 발표했다.",
     None, [("네이버", ("ICML",), 2024, 10), ("카카오", ("ICML",), 2024, 4)]),
    ("C-each",
     "네이버와 카카오가 각각 3편의 논문을 NeurIPS 2023에서 발표했다.",
     None, [("네이버", ("NeurIPS",), 2023, 3), ("카카오", ("NeurIPS",), 2023, 3)]),
    ("C-ssik",
     "카이스트와 포스텍은 ICML 2024에서 논문을 2편씩 발표했다.",
     None, [("KAIST", ("ICML",), 2024, 2), ("POSTECH", ("ICML",), 2024, 2)]),
    ("C-part-of-total",
     "네이버는 본 세션 3편을 포함해 논문 5편을 ICLR 2024에서 발표했다.",
     None, [("네이버", ("ICLR",), 2024, 5)]),
    # --- D: counts in words, 건/개/편 after 논문, 연구, 성과 -------------------------------
    ("D-words",
     "카이스트는 ICML 2024에서 논문 세 편을 발표했다. 서울대는 논문 두 건이 채택됐다. "
     "포스텍은 열 편의 논문을 학술지에 게재했다.",
     None, [("KAIST", ("ICML",), 2024, 3), ("서울대학교", (), None, 2), ("POSTECH", (), None, 10)]),
    ("D-nouns",
     "LG AI연구원은 올해 주요 학회에서 논문 12건을 발표했다. 삼성전자는 연구 성과 4건을 NeurIPS 2023에 게재했다. "
     "네이버는 CVPR 2024에서 연구 5건을 발표했다.",
     None, [("LG AI연구원", (), 2024, 12), ("삼성전자", ("NeurIPS",), 2023, 4), ("네이버", ("CVPR",), 2024, 5)]),
    ("D-not-papers",
     "카카오는 지난해 연구 과제 12건을 수행했다. 특허 성과 4건을 냈다.",
     None, []),
    # --- E: nested venue titles ---------------------------------------------------------------
    ("E-full-title-with-acronym",
     "네이버는 'Computer Vision and Pattern Recognition(CVPR) 2024'에서 논문 4편을 발표했다.",
     None, [("네이버", ("CVPR",), 2024, 4)]),
    ("E-full-title-alone",
     "서울대 연구팀은 Computer Vision and Pattern Recognition 학회에서 논문 2편을 발표했다.",
     None, [("서울대학교", ("CVPR",), None, 2)]),
]


@pytest.mark.parametrize("text,title,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_paper_class(analyzer, text, title, expected):
    assert _facts(_records(analyzer, text, title)) == expected


def test_context_is_said(analyzer):
    """What came from outside the sentence is named in ``context`` and ``evidence``."""
    (rec,) = _records(analyzer, CASES[1][1], CASES[1][2])
    assert rec.context == ("venue: headline", "year: headline", "org: sentence 0")
    assert rec.evidence.startswith("이번에 채택된 논문은 모두 5편이다.")
    assert '[venue, year from headline: "ICML 2024"; org from sentence 0: "카카오브레인"]' in rec.evidence
    (rec,) = _records(analyzer, CASES[2][1])
    assert rec.context == ("venue: sentence 0", "year: sentence 0")
    (rec,) = _records(analyzer, CASES[3][1], CASES[3][2])
    assert "org: headline" in rec.context


def test_sentence_venue_needs_no_context(analyzer):
    (rec,) = _records(analyzer, "카카오는 ICLR 2024에서 논문 3편을 발표했다.")
    assert rec.context == () and "[" not in rec.evidence


def test_nested_venue_dropped_and_resolved(analyzer):
    from models.extract.venues import extract_venues

    names = [(v.text, v.canonical) for v in extract_venues(_adoc(analyzer, CASES[-2][1]))]
    assert ("Pattern Recognition", "Pattern Recognition") not in names and ("CVPR", "CVPR") in names
    names = [v.canonical for v in extract_venues(_adoc(analyzer, CASES[-1][1]))]
    assert names == ["CVPR"]
    # the journal on its own is still a venue
    alone = _adoc(analyzer, "카이스트 연구팀의 논문이 국제학술지 Pattern Recognition에 게재됐다.")
    assert [v.canonical for v in extract_venues(alone)] == ["Pattern Recognition"]
    # two venues side by side are a list, not one title
    both = _adoc(analyzer, "삼성전자는 AAAI와 IJCAI에서 논문 6편을 발표했다. Nature Communications에도 실렸다.")
    assert [v.canonical for v in extract_venues(both)] == ["AAAI", "IJCAI", "Nature Communications"]
