"""Paper counts: how many papers an organization published or had accepted, where.

A COUNT becomes a paper count only when the sentence ties it to papers:

* ``66건의 정규 논문``, ``총 17의 논문``, ``25개 논문`` — the count modifies 논문;
* ``논문 12개가``, ``카카오브레인 논문 1건이`` — 논문 right before the count;
* ``발표한 논문은 112건에 달한다`` — 논문 is the clause's subject;
* ``185개 논문을 등재하고 이중 112개가 … 채택`` — 이중/그중 refers back to papers;

and a publication verb (발표, 채택, 등재, 게재 …) closes the clause. Units must
count things (건, 개, 편, 본); 명, 곳, 회, 위, 대, % never do, and citation
counts (55회 피인용, 피인용 횟수 총 1102건) are skipped.

Attribution:

* **org**: "X 논문 N건" → X; else the nearest ORG with a topic/subject particle
  before the count in the sentence, skipping parts being added ("라인까지
  포함하면", "라인 등을 포함해"); a list "네이버·NLE·라인에서는" stands for its
  head; else the topic carried over from earlier sentences (카카오는 … . … 45건);
  else the article's main organization.
* **venues**: venues between the previous count (or the clause start) and the
  count — "ICLR, 뉴립스(…), ICML(3위), AAAI(4위)에서 총 22개" — else venues after
  the count in its clause ("2건이 올해 AAAI에 게재될 예정").
* **year**: the venue's edition (ICLR 2022), else 올해/지난해/2021년 in the clause
  resolved against the published date.

Context (a count sentence that leans on what came before): when the sentence
names no venue but points at one ("올해 학회에서 선보이는 논문은 9편이다", "이번
학회에서", "이번에 채택된"), or restates a count the headline or an earlier
sentence gave with its venue ("네이버, CVPR 2024서 논문 9편 채택" … "9편이다"), the
venues (and their year) come from the nearest earlier sentence of the same
paragraph that names one venue, else the headline (``ArticleDoc.title``), else
the nearest earlier sentence of the article. An org not named in the sentence
comes from the topic, the headline, then the article's main organization.
Whatever came from context is said at the end of ``evidence``
(``[venue, year from headline: "CVPR 2024"]``) and in
:attr:`PaperCountMention.context`.

No record (see :func:`_aggregate_owner`) for counts that belong to no
organization: conference-wide totals ("올해 학회에는 9천여 편이 접수됐다",
"전체 채택 논문은 2,000편", "1만여 편이 제출돼 2,700편이 채택"), a country's
count ("한국은 모두 40편"); those stay antecedents for "이 가운데 네이버는 12편".
Parts of a total named in the same sentence ("본 세션 3편을 포함해 5편") give
only the total. "A와 B가 각각 3편" gives one record per organization.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Optional

from ..candidates import gazetteer_mentions, load_locations, rule_mentions
from ..document import ArticleDoc
from ..gazetteer import load_gazetteer
from ..mention import Mention
from .context import (chain_head, clause_of, distribute_each, group_topic_org, has_subject_particle, headline_org,
                      is_included_part, main_org, relative_year, SUBJECT_PARTICLES, TOPIC_PARTICLES, topic_org)
from .venues import venue_mentions

PAPER_UNITS = {"건", "개", "편", "본", ""}

_PAPER_NOUN = r"(?:논문|연구\s?성과|페이퍼)"
#: nouns that count papers only in a publication context: "연구 12건", "성과 4건"
_WEAK_NOUN_BEFORE_RE = re.compile(r"(?:연구|성과)\s*(?:총|모두|약)?\s*$")
#: count + (의) + up to two modifiers + 논문: "66건의 정규 논문", "25개 논문", "17의 논문"
_AFTER_RE = re.compile(r"^\s*(?:의\s*)?(?:[가-힣A-Za-z0-9]+\s+){0,2}?" + _PAPER_NOUN)
#: 논문 right before the count: "논문 12개가", "논문을 2편씩"
_BEFORE_RE = re.compile(_PAPER_NOUN + r"(?:을|를)?\s*(?:총|모두|약|각각)?\s*$")
#: 논문 as the clause subject before the count: "논문은 112건에 달한다", "논문이 수십개에"
_SUBJ_RE = re.compile(_PAPER_NOUN + r"(?:은|는|이|가|도)\s+(?:\S+\s+){0,2}$")
#: anaphora: "이중 112개가", "그중 31건이"
_ANAPHOR_RE = re.compile(r"(?:이\s?중|그\s?중|이 가운데|그 가운데|이 중에서)\s*$")
_ANAPHOR_ANY_RE = re.compile(r"이\s?중|그\s?중|이 가운데|그 가운데")
_ANAPHOR_START_RE = re.compile(r"(?:이\s?중|그\s?중|이 가운데|그 가운데|이 중에서)\s")
_VERB_RE = re.compile(r"발표|채택|선보|등재|게재|선정|통과|승인|수록|실리|실렸|실은|실었|싣|냈|내놓|내고|내며|낸다|내왔|올리|올렸|올려|"
                      r"달하|달한|달해|이른|이르|기록|거뒀|accepted")
_CITATION_RE = re.compile(r"인용|횟수|조회|다운로드")
#: "…된 것은 네이버가 처음이다" restates a count, it doesn't report one
_RESTATE_RE = re.compile(r"것은\s")
#: submissions are papers but not accepted ones: "논문 30건을 제출해", "6000편이 넘는 논문이 제출됐다"
_SUBMIT_RE = re.compile(r"제출|투고|접수|응모")
_VENUE_LOC_RE = re.compile(r"(?:\s?['’\"”]?\s?(?:19|20)\d{2})?['’\"”)]?\s?(?:에서도|에서는|에서|에도|에는|에|서)\s*(?:총|모두|각각|약)?\s*")
#: 논문 as a distant subject of a copula: "게재 예정인 논문은 CVPR, ICML 등을 합쳐 총 21편이다"
_SUBJ_FAR_RE = re.compile(_PAPER_NOUN + r"(?:은|는|이|가)\s+(?:\S+\s+){0,6}$")
_COPULA_RE = re.compile(r"^\s*(?:이다|였다|이었다|에 달한다|에 달했다|에 이른다|다\.)")
#: "네이버와 함께 쓴 논문": 네이버 is a partner, not the owner
_PARTNER_RE = re.compile(r"\s?(?:와|과)\s?(?:함께|공동|같이|협력)")
_PUBLICATION_CONTEXT_RE = re.compile(r"학회|학술지|저널|논문|컨퍼런스|콘퍼런스|워크숍|워크샵")
#: a count that is part of a total named later in the sentence: "본 세션 3편을 포함해 5편"
_PART_RE = re.compile(r"\s*(?:을|를|이|가|과|와|까지|도)?\s*(?:포함|합쳐|합친|합하|더해|더한|더하면|합산)")
#: a count of everyone's papers that a later count is a part of: "2,000편 중 12편", "2,700편 가운데"
_PARTITIVE_RE = re.compile(r"\s*(?:의\s*)?(?:논문\s*)?(?:중|가운데|중에서)\s")
#: the owner of a count is the whole field, a country or region, not an organization
_AGGREGATE_WORDS = frozenset({"전체", "전세계", "세계", "국내", "해외", "국가", "나라", "역대", "모든", "전", "총",
                              "학회", "대회", "학술대회", "콘퍼런스", "컨퍼런스", "주최측"})
#: a word with its particle: 한국|은, 국내|에서는, 전체
_WORD_PARTICLE_RE = re.compile(r"([가-힣]+?)(은|는|이|가|도|에서는|에선|에는|의)?$")
#: the word marked as what the clause is about: 한국은, 국내에서는
_OWNER_PARTICLES = ("은", "는", "이", "가", "도", "에서는", "에선")
#: up to two modifiers of a paper noun that is the subject: "전체 채택 논문은", "국내 기관의 논문이"
_PAPER_SUBJ_MODS_RE = re.compile(r"((?:\S+\s+){0,2})(?:\S*\s)?" + _PAPER_NOUN + r"\s?(?:수)?(?:은|는|이|가)?\s")
#: a venue (or 학회) as the clause topic: "올해 CVPR에는", "학회에는"
_VENUE_TOPIC_RE = re.compile(r"['’\"”)]?\s?(?:[0-9]{4})?\s?(?:에는|에선|은|는)\s")
_FIELD_TOPIC_RE = re.compile(r"(?:학회|학술대회|콘퍼런스|컨퍼런스|대회)(?:에는|에선|은|는)\s")
#: a field-wide figure: submissions, acceptance rate, competition
_FIELD_FIGURE_RE = re.compile(r"제출|접수|투고|채택률|경쟁률|응모")
#: "각각 3편": one count for each of the organizations before it
_EACH_BEFORE_RE = re.compile(r"(?:각각|각자|저마다)\s*(?:논문\s*)?(?:총\s*|모두\s*)?$")
#: the sentence points at a venue it does not name: "올해 학회에서", "이번 대회", "이번에 채택된"
_VENUE_DEIXIS_RE = re.compile(r"(?:이번|올해|올|해당|같은|동|본|당|이|그)\s?(?:학회|학술대회|콘퍼런스|컨퍼런스|대회|행사|"
                              r"워크숍|워크샵|학술지|저널)(?![가-힣]*\s?(?:와|과)\s?(?:함께|별도))|이번에\s")


@dataclass(frozen=True)
class PaperCountMention:
    start: int
    end: int
    count: Optional[int]
    count_text: str
    qualifier: str
    org: Optional[Mention]
    venues: tuple[Mention, ...]
    year: Optional[int]
    sent_idx: int
    evidence: str
    #: the org was named in the sentence (True) or carried from context (False)
    org_explicit: bool = True
    #: what came from outside the sentence and whence: ("venue: headline", "year: headline",
    #: "org: sentence 2") — also said at the end of ``evidence``
    context: tuple[str, ...] = ()


def _is_tied(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], c: Mention, antecedent: bool) -> bool:
    """True when the sentence ties count ``c`` to papers (see module docstring)."""
    text = adoc.text
    before = text[max(sent[0], c.start - 20):c.start]
    after = text[c.end:clause[1]]
    return bool(
        _AFTER_RE.match(after)
        or _BEFORE_RE.search(before)
        or _SUBJ_RE.search(text[clause[0]:c.start])
        or (_COPULA_RE.match(after) and _SUBJ_FAR_RE.search(text[clause[0]:c.start]))
        or (antecedent and _ANAPHOR_RE.search(before))
        or (antecedent and _anaphor_org(adoc, sent, c) is not None)
        or (c.payload.unit in ("편", "건") and _after_venue(adoc, c))
        or (_WEAK_NOUN_BEFORE_RE.search(before) and _publication_context(adoc, sent))
        # "크래프톤이 발표한 AI 논문은 … 글로벌 학회에 총 28편이 채택됐다": the paper noun is the
        # sentence's topic however long the phrase before the count, and the count is accepted
        or (_PAPER_TOPIC_RE.search(text, sent[0], c.start) is not None and (
            _ACCEPTED_AFTER_RE.match(after) is not None
            or (_SERIES_AFTER_RE.match(text, c.end) is not None and _CHANGE_VERB_RE.search(text, c.end, sent[1]))))
        or _in_paper_list(adoc, sent, clause, c)
    )


#: after a count in a list or a ranking: "275건으로", "139건,", "879건이고", "270건 순이다", "17편의 실적"
_LIST_AFTER_RE = re.compile(r"\s*\)?\s*(?:$|…|·|\s?채택|\s?[가-힣]{1,4}\s?\d+\s?위|으로|로|이고|이며|이다|이었다|였다|,|\s?순(?:이다|이었다|으로|이며|이고)|의\s(?:역대\s\S+\s)?(?:실적|성과|기록))")
#: a count that modifies another noun: "30건의 특허", "3편의 영화"
_OTHER_NOUN_AFTER_RE = re.compile(r"\s*의\s(?!" + _PAPER_NOUN + r"|논문|역대|실적|성과|기록|정규|연구)")
_PAPER_WORD_RE = re.compile(r"논문|SCI|학술지|학회|학술대회|저널")


def _in_paper_list(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], c: Mention) -> bool:
    """A count in a list or ranking of organizations' papers: "ETRI가 275건으로 가장 많은
    논문을 발표했다", "지질자원연구원 139건, 한의학연구원 122건, 기계연구원이 112건을
    발표했다", "KIST로 879건이고, 생명연 330건 순이다", "서울대가 17편의 실적을 거뒀다". The
    count is in 건 or 편, an organization stands right before it, and papers are what this
    sentence or the one before counts; or the clause ends in a publication verb."""
    if c.payload.unit not in ("건", "편"):
        return False
    text = adoc.text
    after = text[c.end:clause[1]]
    if _OTHER_NOUN_AFTER_RE.match(after):
        return False
    si = adoc.sent_idx(c.start)
    prev = adoc.sentences[si - 1] if si > 0 else sent
    if not (_PAPER_WORD_RE.search(text, sent[0], sent[1]) or _PAPER_WORD_RE.search(text, prev[0], prev[1])
            or adoc.in_range("VENUE", prev[0], sent[1])):
        return False
    orgs = adoc.in_range("ORG", sent[0], c.start)
    org_before = bool(orgs) and _ORG_COUNT_GAP_RE.fullmatch(text, orgs[-1].end, c.start) is not None
    if org_before and (_LIST_AFTER_RE.match(after) or _VERB_RE.search(after)):
        return True
    # "각각 322건, 298건, 289건을 발표했다", "2017년에는 170건으로 줄며": the clause publishes
    return bool(re.match(r"\s*(?:을|를|이|가)?\s*(?:발표|게재|등재|채택)", after)) or bool(
        org_before is False and re.match(r"\s*(?:,|과|와)", after) and _VERB_RE.search(text, c.end, sent[1]))


#: 논문 as the topic or subject of the sentence: "발표한 AI 논문은", "논문이"
_PAPER_TOPIC_RE = re.compile(_PAPER_NOUN + r"(?:\s?수|\s?건수|\s?편수)?(?:은|는|이|가)\s")
#: a series of counts that changes: "논문 수가 2011년 3건에서 2015년 5건, … 19건으로 늘었다"
_SERIES_AFTER_RE = re.compile(r"\s?(?:에서|으로|로|,|과|와)")
_CHANGE_VERB_RE = re.compile(r"늘|증가|줄|감소|확대|성장|급증|두\s?배")
#: the count is what was accepted or published: "28편이 채택됐다", "5건이 실렸다"
_ACCEPTED_AFTER_RE = re.compile(r"\s?(?:이|가|을|를)?\s?(?:\S+\s)?(?:채택|게재|등재|발표|선정|실리|실렸|통과)")


def _publication_context(adoc: ArticleDoc, sent: tuple[int, int]) -> bool:
    """The sentence is about publishing: a venue, 학회, 학술지, 논문 … (for "연구 12건", "성과 4건")."""
    return bool(_PUBLICATION_CONTEXT_RE.search(adoc.text, sent[0], sent[1]) or _venues_between(adoc, *sent))


def _anaphor_org(adoc: ArticleDoc, sent: tuple[int, int], c: Mention) -> Optional[Mention]:
    """"이 가운데 네이버는 12편을": the organization between an anaphor and the count."""
    text = adoc.text
    ana = [a.end() for a in _ANAPHOR_ANY_RE.finditer(text, max(sent[0], c.start - 40), c.start)]
    if not ana:
        return None
    orgs = [m for m in adoc.in_range("ORG", ana[-1], c.start)
            if re.fullmatch(r"(?:은|는|이|가|도|의|에서는|에선|에서)?\s*(?:논문\s*)?(?:은|는|이|가)?\s*"
                            r"(?:총|모두|약)?\s*", text[m.end:c.start])]
    return orgs[-1] if orgs else None


def _after_venue(adoc: ArticleDoc, c: Mention) -> bool:
    """"CVPR 2023에 3편", "2022년 EMNLP에서도 3건을": a count of papers at a venue."""
    return any(_VENUE_LOC_RE.fullmatch(adoc.text, v.end, c.start) for v in _venues_ending_in(adoc, c.start - 12, c.start))


def _venue_index(adoc: ArticleDoc) -> tuple[list[int], list[int], list[Mention]]:
    """Starts, ends and the venue mentions (nested titles resolved, :func:`venue_mentions`)."""
    cached = adoc.__dict__.get("_paper_venue_index")
    if cached is None:
        ms = venue_mentions(adoc)
        cached = adoc._paper_venue_index = ([m.start for m in ms], [m.end for m in ms], ms)
    return cached


def _venues_in(adoc: ArticleDoc, lo: int, hi: int) -> list[Mention]:
    """Venue mentions lying inside ``[lo, hi)``, in text order."""
    starts, ends, ms = _venue_index(adoc)
    i = bisect.bisect_left(starts, lo)
    j = bisect.bisect_left(ends, hi + 1)
    return ms[i:max(i, j)]


def _venues_ending_in(adoc: ArticleDoc, lo: int, hi: int) -> list[Mention]:
    """Venue mentions whose end lies in ``[lo, hi]``."""
    _, ends, ms = _venue_index(adoc)
    return ms[bisect.bisect_left(ends, lo):bisect.bisect_right(ends, hi)]


#: 연구 as a word ("45건의 연구 성과"), not inside a name (한의학연구원, 연구소, 연구진)
_RESEARCH_WORD_RE = re.compile(r"(?<![가-힣])연구(?![원소실진팀단])")


def _classify(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], c: Mention, antecedent: bool,
              tied_next: bool) -> Optional[str]:
    """``"paper"``, ``"submitted"`` (papers, but submissions: an antecedent for 이중,
    not a record) or None."""
    text = adoc.text
    count = c.payload
    if count.unit not in PAPER_UNITS and count.qualifier != "vague":
        return None
    if re.search(r"\d\.\d", c.text):
        return None  # "연평균 8.4편": an average, not a number of papers
    before = text[max(sent[0], c.start - 20):c.start]
    after = text[c.end:clause[1]]
    if _CITATION_RE.search(before[-8:]):
        return None
    if not (_is_tied(adoc, sent, clause, c, antecedent) or tied_next):
        return None
    if _RESTATE_RE.search(after):
        return None
    if _in_paper_list(adoc, sent, clause, c) and not _SUBMIT_RE.search(after[:40]):
        return "paper"
    if _PAPER_TOPIC_RE.search(text, sent[0], c.start) and _SERIES_AFTER_RE.match(text, c.end) \
            and _CHANGE_VERB_RE.search(text, c.end, sent[1]):
        return "paper"  # one count of a series that grows: "2011년 3건에서 … 19건으로 늘었다"
    if _RESEARCH_WORD_RE.search(after[:12]) and "논문" not in after[:12] and not _PUBLICATION_CONTEXT_RE.search(
            text[sent[0]:sent[1]].replace(after[:12], "")):
        return None  # "45건의 연구 성과" counts only in a publication context
    if _SUBMIT_RE.search(after[:40]):
        return "submitted"
    if _VERB_RE.search(after) or _VERB_RE.search(text[c.start:sent[1]]):
        return "paper"
    # a count coordinated with the next one shares its predicate: "2011년 3건, 2015년 5건이었다"
    if tied_next and _COPULA_END_RE.search(text, c.end, sent[1]) and _VERB_RE.search(text, sent[0], sent[1]):
        return "paper"
    # copula: "ICLR 2024 채택 논문은 모두 12편이다"
    if _COPULA_RE.match(after) and _VERB_RE.search(text[clause[0]:c.start]):
        return "paper"
    return None


_COPULA_END_RE = re.compile(r"(?:이었다|였다|이다|에 달한다|에 달했다|에 이른다|에 이르렀다)")


def _coordinated_with_next(text: str, c: Mention, nxt: Optional[Mention]) -> bool:
    """"ICCV 2023에 4편, CVPR 2023에 3편의 논문": 4편 shares the tie of 3편."""
    if nxt is None or nxt.payload.unit != c.payload.unit:
        return False
    gap = text[c.end:nxt.start]
    return len(gap) <= 30 and bool(re.match(r"^\s*(?:,|와|과|및|씩,)", gap))


_ORG_COUNT_GAP_RE = re.compile(r"\s*(?:은|는|이|가|도|으로|로|에서|에서는|에서도|이\s?총|가\s?총|,)?\s*(?:총|모두|약|각각)?\s*"
                               # "마이크로소프트(2762건)", "텐센트(5위·948건)": the count glosses the name
                               r"(?:\(\s?(?:\d+\s?위\s?[·,]\s?)?)?")


_RELATIVE_OWNER_RE = re.compile(r"\s?(?:의\s?논문)?(?:이|가)\s?(?:\S+\s)?(?:채택|게재|등재|발표|선정|수록)(?:된|됐던|한|되는)\s")


def _choose_org(adoc: ArticleDoc, sent: tuple[int, int], c: Mention, lo: int,
                carry: Optional[Mention]) -> tuple[Optional[Mention], bool]:
    """The organization a count belongs to (see module docstring), and whether the
    text names it for this count (False when only inferred from context)."""
    text = adoc.text
    s, e = sent
    orgs = adoc.in_range("ORG", s, e)
    # "카카오브레인 논문 1건", "카카오브레인의 논문 2편"
    for m in orgs:
        if m.end <= c.start and re.fullmatch(r"(?:의)?\s*" + _PAPER_NOUN + r"(?:은|는|이|가)?\s*", text[m.end:c.start]):
            return m, True
    # the organization the count's relative clause describes: "3위는 8편이 채택된 인텔이 차지했다"
    rel = _RELATIVE_OWNER_RE.match(text, c.end)
    if rel:
        owner = [m for m in orgs if m.start == rel.end()]
        if owner:
            return owner[0], True
    # a list of organizations each with its count: "ETRI가 275건, 지질자원연구원 139건", "KIST로 879건"
    near = [m for m in orgs if m.end <= c.start]
    if near and _ORG_COUNT_GAP_RE.fullmatch(text, near[-1].end, c.start) and not _PARTNER_RE.match(text, near[-1].end):
        return near[-1], True
    before = [m for m in orgs if lo <= m.start and m.end <= c.start and not _org_is_part(adoc, m, c.start)]
    for i in range(len(before) - 1, -1, -1):
        if has_subject_particle(text, before[i], SUBJECT_PARTICLES):
            return before[chain_head(text, before, i)], True
    clause = clause_of(adoc, sent, c.start)
    after = [m for m in orgs if c.end <= m.start and m.end <= clause[1]
             and has_subject_particle(text, m, ("이", "가", "은", "는"))]
    if after:
        return after[0], True
    # partners ("네이버와 함께 쓴 논문") are not owners
    owners = [m for m in before if not _PARTNER_RE.match(text, m.end)]
    if owners:
        return owners[chain_head(text, owners, len(owners) - 1)], True
    group = group_topic_org(adoc, sent, c.start)
    if group is not None:
        return group, True
    return topic_org(adoc, s) or carry or headline_org(adoc) or main_org(adoc), False


_YEAR_RE = re.compile(r"((?:19|20)\d{2})년")
_CLAUSE_YEAR_RE = re.compile(r"(?:19|20)\d{2}년|재작년|지난해|작년|전년|내년")


def _year_before(adoc: ArticleDoc, clause: tuple[int, int], c: Mention) -> Optional[int]:
    """The year written nearest before the count in its clause: "2011년 3건, 2015년 5건".
    Years coordinated before 각각 pair with the counts after it in order: "2017년과 2018년에는
    각각 12건과 19건" gives 12 to 2017 and 19 to 2018."""
    text = adoc.text
    years = list(_YEAR_RE.finditer(text, clause[0], c.start))
    if not years:
        return None
    each = _EACH_WORD_RE.search(text, years[-1].end(), c.start)
    if each and len(years) > 1:
        # the coordinated years are those after the last count before 각각
        counts_before = adoc.in_range("COUNT", clause[0], each.start(), contained=False)
        floor = counts_before[-1].end if counts_before else clause[0]
        group = [y for y in years if y.start() >= floor]
        after = adoc.in_range("COUNT", each.end(), c.end, contained=False)
        idx = len(after) - 1
        if 0 <= idx < len(group):
            return int(group[idx].group(1))
    return int(years[-1].group(1))


_EACH_WORD_RE = re.compile(r"각각|각자|저마다")


def _edition_year(adoc: ArticleDoc, venues: tuple[Mention, ...], before: int) -> Optional[int]:
    """The edition the article names for the count's venue elsewhere: a count over "CVPR" in
    an article about "CVPR 2021" is a 2021 count. The nearest edition before the count,
    else the headline's, else the first after it; None when the venues disagree."""
    if not venues:
        return None
    names = {v.canonical or v.text for v in venues}
    found: set[int] = set()
    for name in names:
        eds = [m for m in adoc.by_label("VENUE") if (m.canonical or m.text) == name and m.year is not None]
        head = _headline(adoc)
        heads = [v for v in (head.venues if head else ()) if (v.canonical or v.text) == name and v.year is not None]
        prior = [m for m in eds if m.end <= before]
        pick = prior[-1] if prior else (heads[0] if heads else (eds[0] if eds else None))
        if pick is not None:
            found.add(pick.year)
    return found.pop() if len(found) == 1 else None


def _org_is_part(adoc: ArticleDoc, m: Mention, limit: int) -> bool:
    """The org is a part being added ("라인까지 포함하면"), unless a count right after it
    is that part ("네이버는 본 세션 3편을 포함해": the count, not 네이버)."""
    if not is_included_part(adoc.text, m, limit):
        return False
    return not adoc.in_range("COUNT", m.end, min(limit, m.end + 14), contained=False)


def _venues_between(adoc: ArticleDoc, lo: int, hi: int) -> tuple[Mention, ...]:
    """Distinct venues (by canonical name) in ``[lo, hi)``, first mention of each."""
    seen, out = set(), []
    for v in _venues_in(adoc, lo, hi):
        key = v.canonical or v.text
        if key not in seen:
            seen.add(key)
            out.append(v)
    return tuple(out)


def _venues_for(adoc: ArticleDoc, sent: tuple[int, int], c: Mention, prev_end: int) -> tuple[Mention, ...]:
    clause = clause_of(adoc, sent, c.start)
    # a headline's "…" closes a clause: "삼성전자 20편…인터스피치에도 두 자릿수 채택"
    lo = max(prev_end, clause[0], adoc.text.rfind("…", clause[0], c.start) + 1)
    hi = adoc.text.find("…", c.end, clause[1])
    return (_venues_between(adoc, lo, c.start)
            or _venues_between(adoc, c.end, hi if hi >= 0 else clause[1]))


def _each_groups(adoc: ArticleDoc, sent: tuple[int, int], cs: list[Mention]) -> dict[int, Mention]:
    """"A와 B는 … 각각 7편, 3편": the i-th count belongs to the i-th organization."""
    return distribute_each(adoc, sent, cs)


@dataclass
class _Antecedent:
    """The last count that papers were counted by (a record or submissions), for 이중/그중."""

    org: Optional[Mention]
    venues: tuple[Mention, ...]
    year: Optional[int]
    #: where the count ends
    end: int = 0


def extract_paper_counts(adoc: ArticleDoc) -> list[PaperCountMention]:
    """Paper counts of one analysed article (see module docstring for the rules).

    Returns:
        Records in text order; ``count`` is None for vague counts (두 자릿수, 수십 편,
        매년 1~2건), whose text stays in ``count_text``. A count that "A와 B가 각각"
        share gives one record per organization.
    """
    text = adoc.text
    pub_year = adoc.published_at.year if adoc.published_at else None
    out: list[PaperCountMention] = []
    carry: Optional[Mention] = None
    antecedent: Optional[_Antecedent] = None
    seen: dict[tuple, int] = {}  # record key → index in ``out``
    for si, sent in enumerate(adoc.sentences):
        in_sent = [m for m in adoc.in_range("COUNT", sent[0], sent[1], contained=False) if m.payload is not None]
        if not in_sent:
            continue
        each = _each_groups(adoc, sent, in_sent)
        parts = _parts_of_total(adoc, sent, in_sent)
        prev_end = sent[0]
        first_venues: tuple[Mention, ...] = ()
        coordinated: set[int] = set()  # counts tied to papers through the count after them
        tied_next = False
        for i in range(len(in_sent) - 1, -1, -1):  # coordination ties flow right to left
            c = in_sent[i]
            nxt = in_sent[i + 1] if i + 1 < len(in_sent) else None
            if tied_next and _coordinated_with_next(text, c, nxt):
                coordinated.add(c.start)
            tied_next = c.start in coordinated or _is_tied(adoc, sent, clause_of(adoc, sent, c.start), c, True)
        for c in in_sent:
            if c.start in parts:
                continue  # "본 세션 3편을 포함해 5편": only the total is a record
            clause = clause_of(adoc, sent, c.start)
            kind = _classify(adoc, sent, clause, c, antecedent is not None, c.start in coordinated)
            if kind is None:
                continue
            before = text[max(sent[0], c.start - 8):c.start]
            anaphoric = antecedent is not None and bool(
                _ANAPHOR_RE.search(before) or (_ANAPHOR_START_RE.match(text, sent[0]) and c.start - sent[0] < 40)
                or _anaphor_org(adoc, sent, c) is not None)
            venues = _venues_for(adoc, sent, c, prev_end)
            named = True
            shared = _shared_each(adoc, sent, c) if c.start not in each else []
            if c.start in each:
                org = each[c.start]
            elif shared:
                org = shared[0]
            elif anaphoric:
                # "이중 삼성전자 논문은 7건": an org named after the anaphor owns the subset
                ana = [a.end() for a in _ANAPHOR_ANY_RE.finditer(text, sent[0], c.start)]
                lo = ana[-1] if ana else c.start
                explicit = adoc.in_range("ORG", lo, c.start)
                org = explicit[-1] if explicit else antecedent.org
                if org is None and adoc.in_range("ORG", antecedent.end, lo):
                    # "8000편이 제출됐다. 카카오브레인이 발표한 논문은 … 이 중 1편은": the org
                    # named after the total is what 이 중 refers to
                    org, named = _choose_org(adoc, sent, c, sent[0], carry)
                elif org is None:
                    kind = "total"  # a part of a conference-wide total is no organization's either
            else:
                org, named = _choose_org(adoc, sent, c, sent[0], carry)
            if not venues and anaphoric:
                venues = antecedent.venues
            if not venues and first_venues:
                venues = first_venues  # "EMNLP 2023에서 A는 6편이, B는 4편이": the shared venue
            context: list[str] = []
            notes: list[str] = []
            from_context: Optional[_Source] = None
            if not venues:
                from_context = _context_venues(adoc, si, sent, c, org if named else None, out)
                if from_context is not None:
                    venues = from_context.venues
            years = {v.year for v in venues}
            if not any(v.edition for v in venues) and _CLAUSE_YEAR_RE.search(text, clause[0], c.start):
                years = set()  # "지난해 CVPR에서 1편": the clause's own year beats an edition carried over
            year = years.pop() if len(years) == 1 and None not in years else (
                _year_before(adoc, clause, c)
                or relative_year(text, clause[0], clause[1], pub_year)
                or relative_year(text, sent[0], c.start, pub_year)
                or (antecedent.year if anaphoric else None)
                or (from_context.year if from_context is not None else None)
                or _edition_year(adoc, venues, c.start))
            if from_context is not None:
                said = "venue, year" if year is not None and year in {v.year for v in venues} else "venue"
                context.extend(f"{k}: {from_context.where}" for k in said.split(", "))
                notes.append(f'{said} from {from_context.where}: "{from_context.text}"')
            if not first_venues and venues and venues[0].end <= c.start:
                first_venues = venues
            if kind in ("paper", "submitted") and c.start not in each and not shared and \
                    _aggregate_owner(adoc, sent, clause, c, named and not anaphoric):
                kind = "total"
            if kind == "paper" and not named and not anaphoric and c.start not in each and not shared and \
                    _unowned_total(adoc, sent, c):
                kind = "total"
            antecedent = _Antecedent(org if kind != "total" else None, venues, year, c.end)
            if kind in ("submitted", "total"):
                continue
            count = c.payload
            value = count.value if count.qualifier not in ("vague", "range") else None
            prev_end = c.end
            if not named and org is not None:
                where = _org_source(adoc, org)
                context.append(f"org: {where}")
                notes.append(f'org from {where}: "{org.text}"')
            evidence = text[sent[0]:sent[1]][:300]
            if notes:
                evidence += " [" + "; ".join(notes) + "]"
            for owner in (shared or [org]):
                rec = PaperCountMention(c.start, c.end, value, c.text, count.qualifier, owner, venues, year, si,
                                        evidence, named, tuple(context))
                # a fact repeated (sub-headline, then body) is one record: the one naming its org
                key = (owner.canonical or owner.text if owner else None, value, tuple(v.canonical for v in venues),
                       c.text)
                if key in seen:
                    if named and not out[seen[key]].org_explicit:
                        out[seen[key]] = rec
                    continue
                seen[key] = len(out)
                out.append(rec)
            carry = org or carry
    out.sort(key=lambda p: p.start)  # a restated fact may have taken the place of its earlier copy
    return _drop_restatements(out)


# --- context: the headline and earlier sentences -------------------------------------


@dataclass(frozen=True)
class _Headline:
    """What the headline (``ArticleDoc.title``, not part of the body) names.

    Offsets of its mentions index the title, not the body.
    """

    text: str
    orgs: tuple[Mention, ...]
    venues: tuple[Mention, ...]
    #: paper counts the headline states ("논문 9편 채택")
    counts: frozenset


def _headline(adoc: ArticleDoc) -> Optional[_Headline]:
    """The article's headline, read with the gazetteer and the count rules; computed once."""
    if "_paper_headline" in adoc.__dict__:
        return adoc._paper_headline
    head = None
    title = (adoc.title or "").strip()
    if title:
        ms = gazetteer_mentions(title, load_gazetteer())
        counts = frozenset(m.payload.value for m in rule_mentions(title)
                           if m.label == "COUNT" and m.payload.unit in PAPER_UNITS and m.payload.value is not None
                           and re.search(_PAPER_NOUN, title))
        head = _Headline(title, tuple(m for m in ms if m.label == "ORG"),
                         _distinct(m for m in ms if m.label == "VENUE"), counts)
    adoc._paper_headline = head
    return head


def _org_source(adoc: ArticleDoc, org: Mention) -> str:
    """Where an org not named in its sentence came from, for ``context``."""
    head = _headline(adoc)
    if head is not None and any(org is m for m in head.orgs):
        return "headline"
    if org is headline_org(adoc) and not any(org is m for m in adoc.by_label("ORG")):
        return "headline"  # the headline's organization, which the body never names
    return f"sentence {adoc.sent_idx(org.start)}"


def _distinct(ms) -> tuple[Mention, ...]:
    seen, out = set(), []
    for v in ms:
        key = v.canonical or v.text
        if key not in seen:
            seen.add(key)
            out.append(v)
    return tuple(out)


@dataclass(frozen=True)
class _Source:
    """Venues a count sentence took from context, and whence."""

    venues: tuple[Mention, ...]
    year: Optional[int]
    #: "headline" or "sentence N"
    where: str
    text: str


def _one_venue(venues: tuple[Mention, ...]) -> bool:
    """Exactly one venue: "이번 학회" cannot point into a list of several."""
    return len({v.canonical or v.text for v in venues}) == 1


def _context_venues(adoc: ArticleDoc, si: int, sent: tuple[int, int], c: Mention, org: Optional[Mention],
                    found: list[PaperCountMention]) -> Optional[_Source]:
    """Venues for a count whose sentence names none (see the module docstring).

    * a restatement: an earlier record (of the same org when the sentence names one)
      or the headline gave the same count with venues → those venues;
    * a pointer ("올해 학회에서", "이번 대회", "이번에 채택된"): the nearest earlier
      sentence of the same paragraph naming one venue, else the headline's one
      venue, else the nearest earlier sentence of the article naming one venue.
    """
    text = adoc.text
    pub_year = adoc.published_at.year if adoc.published_at else None
    value = c.payload.value if c.payload.qualifier not in ("vague", "range") else None
    head = _headline(adoc)
    if value is not None:
        for p in reversed(found):
            if p.count == value and p.venues and _is_headline_line(adoc, p.sent_idx) and (org is None or p.org is None
                                                   or (p.org.canonical or p.org.text) == (org.canonical or org.text)):
                return _Source(p.venues, p.year, f"sentence {p.sent_idx}", ", ".join(v.text for v in p.venues))
        if head is not None and head.venues and value in head.counts:
            return _Source(head.venues, _head_year(head, pub_year), "headline", ", ".join(v.text for v in head.venues))
    if not _VENUE_DEIXIS_RE.search(text, sent[0], sent[1]):
        return _carried_venues(adoc, si, sent, pub_year, org)
    para_start = text.rfind("\n", 0, sent[0]) + 1
    earlier = range(si - 1, -1, -1)
    for k in earlier:
        s = adoc.sentences[k]
        if s[1] <= para_start:
            break
        venues = _venues_between(adoc, s[0], s[1])
        if venues:
            return _sentence_source(adoc, k, venues, pub_year) if _one_venue(venues) else None
    if head is not None and head.venues:
        if not _one_venue(head.venues):
            return None
        return _Source(head.venues, _head_year(head, pub_year), "headline", head.venues[0].text)
    for k in earlier:
        s = adoc.sentences[k]
        if s[1] > para_start:
            continue
        venues = _venues_between(adoc, s[0], s[1])
        if venues:
            return _sentence_source(adoc, k, venues, pub_year) if _one_venue(venues) else None
    return None


#: a count over many or unnamed venues, or over a period: it takes no venue from context
_BROAD_SCOPE_RE = re.compile(r"학회들|\d+\s?개\s?(?:학회|학술대회|저널|학술지)|여러\s?학회|국내외|국제\s?학회|학술지|저널|"
                             r"한\s?해|지금까지|누적|그동안|매년|연간|통산|전체|모두\s?합|최근\s?\d+\s?년|"
                             # unnamed venues: "글로벌 톱티어 학회에", "주요 국제 학회에서"
                             r"(?:글로벌|국제|해외|주요|최고|톱티어|탑티어|세계|유수)\s?(?:\S+\s)?(?:학회|학술대회|콘퍼런스|컨퍼런스)")


_RANK_RE = re.compile(r"\d+\s?위(?:에|를|로|는|의|권|였|이)?(?![가-힣])|순위")


def _same_frame(orgs, org: Optional[Mention]) -> bool:
    """A count that names its own organization takes venues only from a sentence about
    the same organization (or about none): "카이스트는 ICML에서 3편을 냈다. 서울대는 2건"
    gives 서울대 no ICML."""
    if org is None:
        return True
    names = {o.canonical or o.text for o in orgs} | {o.text for o in orgs}
    own = {org.canonical or org.text, org.text}
    # a unit and its parent are one frame: 네이버 클로바 … 네이버는
    return not names or any(a == b or a.startswith(b) or b.startswith(a) for a in own for b in names)


def _carried_venues(adoc: ArticleDoc, si: int, sent: tuple[int, int], pub_year: Optional[int],
                    org: Optional[Mention] = None) -> Optional[_Source]:
    """Venues a count sentence that names none carries from the discourse, as Korean
    carries a dropped topic: "카이스트는 NeurIPS와 ICML에서 성과를 냈다. 2011년 3건, …".
    The nearest of the two sentences before it in its paragraph that names venues, else
    the headline's venues, else the article's one venue so far. None for a count over
    many, unnamed venues or a period ("글로벌 10개 학회에 총 15건", "지금까지 총 234편")."""
    text = adoc.text
    if _BROAD_SCOPE_RE.search(text, sent[0], sent[1]):
        return None
    if _RANK_RE.search(text, sent[0], sent[1]):
        org = None  # a ranking goes on about the same event whoever is ranked: "삼성전자는 9편으로 2위"
    para_start = text.rfind("\n", 0, sent[0]) + 1
    for k in range(si - 1, max(-1, si - 3), -1):
        s = adoc.sentences[k]
        if s[1] <= para_start:
            break
        venues = _venues_between(adoc, s[0], s[1])
        if venues:
            if not _same_frame(adoc.in_range("ORG", s[0], s[1]), org):
                return None
            return _sentence_source(adoc, k, venues, pub_year)
    head = _headline(adoc)
    if head is not None and head.venues:
        if not _same_frame(head.orgs, org):
            return None
        return _Source(head.venues, _head_year(head, pub_year), "headline", ", ".join(v.text for v in head.venues))
    so_far = _venues_between(adoc, 0, sent[0])
    if _one_venue(so_far):
        k = adoc.sent_idx(so_far[0].start)
        s = adoc.sentences[k]
        if not _same_frame(adoc.in_range("ORG", s[0], s[1]), org):
            return None
        return _sentence_source(adoc, k, so_far, pub_year)
    return None


def _is_headline_line(adoc: ArticleDoc, k: int) -> bool:
    """Sentence ``k`` is a headline left in the body (a sub-headline, "…서 논문 9편 채택"):
    a line that does not end like a sentence."""
    s, e = adoc.sentences[k]
    line = adoc.text[s:e].rstrip()
    return bool(line) and not re.search(r"(?:[.!?。]|다|요)['’\"”)]*$", line)


def _sentence_source(adoc: ArticleDoc, k: int, venues: tuple[Mention, ...], pub_year: Optional[int]) -> _Source:
    s = adoc.sentences[k]
    years = {v.year for v in venues}
    year = years.pop() if len(years) == 1 and None not in years else relative_year(adoc.text, s[0], s[1], pub_year)
    return _Source(venues, year, f"sentence {k}", ", ".join(v.text for v in venues))


def _head_year(head: _Headline, pub_year: Optional[int]) -> Optional[int]:
    years = {v.year for v in head.venues}
    if len(years) == 1 and None not in years:
        return years.pop()
    return relative_year(head.text, 0, len(head.text), pub_year)


# --- lists, parts and totals -----------------------------------------------------------


def _shared_each(adoc: ArticleDoc, sent: tuple[int, int], c: Mention) -> list[Mention]:
    """"네이버와 카카오가 각각 3편", "A·B는 3편씩": the coordinated organizations that
    each have the count (empty when the count is not shared)."""
    text = adoc.text
    each = _EACH_BEFORE_RE.search(text, max(sent[0], c.start - 14), c.start)
    if each is None and not text.startswith("씩", c.end):
        return []
    hi = each.start() if each is not None else c.start
    orgs = adoc.in_range("ORG", sent[0], hi)
    for i in range(len(orgs) - 1, -1, -1):
        if has_subject_particle(text, orgs[i], TOPIC_PARTICLES):
            head = chain_head(text, orgs, i)
            chain = orgs[head:i + 1]
            return list(chain) if len(chain) >= 2 else []
    return []


def _parts_of_total(adoc: ArticleDoc, sent: tuple[int, int], cs: list[Mention]) -> set[int]:
    """Starts of counts that are parts of a later count of the sentence: "본 세션 3편을
    포함해 논문 5편", "워크숍 논문 2편까지 더하면 7편"."""
    text = adoc.text
    out = set()
    for i, c in enumerate(cs[:-1]):
        if c.payload.unit in PAPER_UNITS and _PART_RE.match(text, c.end) and any(
                d.payload.unit in PAPER_UNITS for d in cs[i + 1:]):
            out.add(c.start)
    return out


def _aggregate_owner(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], c: Mention,
                     named: bool) -> bool:
    """True when the count belongs to no organization (see the module docstring):

    * the words after the sentence's last organization make a country, region or
      the whole field the owner: "한국은 모두 40편", "국내에서는", "전체 채택 논문은
      2,000편", "국내 기관의 논문이";
    * with no organization named for it: the venue or 학회 is the topic next to a
      field-wide figure or a count no single organization reaches ("올해 CVPR에는
      1만여 편이 제출돼 2,700편이 채택됐다"), or a later part is taken out of it
      ("2,000편 가운데").
    """
    text = adoc.text
    orgs_before = adoc.in_range("ORG", sent[0], c.start)
    lo = max(clause[0], orgs_before[-1].end if orgs_before else sent[0])
    window = text[lo:c.start]
    places = load_locations()
    owners = _AGGREGATE_WORDS - {"학회", "대회", "학술대회", "콘퍼런스", "컨퍼런스"}
    for w in window.split():
        m = _WORD_PARTICLE_RE.fullmatch(w.strip("'\"‘’“”(),·"))
        if m and m.group(2) in _OWNER_PARTICLES and (m.group(1) in places or m.group(1) in owners):
            return True
    subj = None
    for subj in _PAPER_SUBJ_MODS_RE.finditer(window):
        pass
    if subj is not None:
        for w in subj.group(1).split():
            m = _WORD_PARTICLE_RE.fullmatch(w.strip("'\"‘’“”(),·"))
            if m and m.group(2) in (None, "의") and (m.group(1) in places or m.group(1) in owners):
                return True
    if named:
        return False
    if _PARTITIVE_RE.match(text, c.end):
        return True
    # the topic may sit in an earlier clause: "이번 학회에는 … 제출됐고 이 가운데 3,500편이"
    lo = orgs_before[-1].end if orgs_before else sent[0]
    topic = _FIELD_TOPIC_RE.search(text, lo, c.start) or any(
        _VENUE_TOPIC_RE.match(text, v.end) for v in _venues_in(adoc, lo, c.start))
    value = c.payload.value or 0
    return bool(topic) and (value >= 300 or bool(_FIELD_FIGURE_RE.search(text, sent[0], sent[1])))


#: a share of a whole: "그 중 26%인 1360편"
_SHARE_RE = re.compile(r"\d+(?:\.\d+)?\s?%\s?(?:인|에 해당하는|가량인)\s?$")
#: one organization's papers at one venue in one year are far fewer than this
FIELD_TOTAL_MIN = 500


def _unowned_total(adoc: ArticleDoc, sent: tuple[int, int], c: Mention) -> bool:
    """A count whose sentence names no organization is the event's, not an inferred
    organization's, when it is about submissions ("651편이 제출돼 200편이 채택"), a share
    of a whole ("26%인 1360편"), or too large for one organization (>= FIELD_TOTAL_MIN)."""
    text = adoc.text
    if adoc.in_range("ORG", sent[0], sent[1]):
        return False
    value = c.payload.value
    return bool(_FIELD_FIGURE_RE.search(text, sent[0], sent[1]) or _SHARE_RE.search(text, sent[0], c.start)
                or (value is not None and value >= FIELD_TOTAL_MIN))


def _drop_restatements(found: list[PaperCountMention]) -> list[PaperCountMention]:
    """Drop a count whose org was only inferred when the same count and venues are
    stated elsewhere with a named org: a sub-headline ("ICML·뉴립스·ECCV서 9편 채택")
    restates the body's "네이버랩스는 … 총 9편 채택"."""
    def key(p: PaperCountMention) -> tuple:
        return (p.count, p.count_text if p.count is None else None, frozenset(v.canonical for v in p.venues))

    named = {key(p) for p in found if p.org_explicit}
    kept = [p for p in found if p.org_explicit or key(p) not in named]
    # "논문 28편 글로벌 학회 채택" (a sub-headline) and "… ICLR를 포함한 학회에 총 28편이 채택됐다":
    # the same organization's same count, once without its venues, is one fact
    org_key = lambda p: p.org.canonical or p.org.text if p.org else None  # noqa: E731
    placed = {(org_key(p), p.count) for p in kept if p.venues and p.count is not None}
    return [p for p in kept if p.venues or p.count is None or (org_key(p), p.count) not in placed]
