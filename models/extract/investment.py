"""Investments: money that is invested, funded or committed, with who and for what.

A MONEY mention is an investment when its clause says the money is put in:
투자, 연구비, 투입, 출자, 유치, 지원, 펀딩, 조성, 집행, 쏟 — "수백억원 규모의 투자를
통해", "연구비로 200억원 이상을 투자할 계획", "자금 수백억원을 네이버가 투자하고",
"5000억엔(약 5조3000억원) 규모의 투자를 실시". Revenue, profits, prices, fines,
market sizes and valuations are not investments (매출 3조원, 시장 규모 20조원).

* **investor**: the ORG with a topic/subject particle nearest the money in its
  sentence (either side: "자금 수백억원을 네이버가 투자"; a coordinated subject
  "A와 B는" is led by A); an anaphoric subject (회사는, 이 회사는, 동사는) stands for
  the topic organization of the sentences before; else none: an investor is never
  taken from another sentence otherwise, nor from the article's main organization. For 유치 (raising money) the subject is the *recipient* and the
  investor is the ORG marked "…로부터"/"…에서" when there is one; when the money
  is the subject of a passive verb ("485억원이 투입되면서") only an ORG marked
  "…로부터"/"…에 의해" invests.
* **not investments**: prices ("40억원에 팔았다"), fines and 추징금, donations
  and political funds, bribes, fund and market sizes, budgets as totals, loans
  and aid, revenue, and estimates of effects.
* **recipient**: another ORG in the clause marked 에/에게/와/과/에 대한, or the
  purpose noun phrase before "에 투자".
* **period**: "향후 5년간", "3년간", "2025년까지".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..document import ArticleDoc
from ..mention import Mention
from .context import (chain_head, clause_of, distribute_each, has_subject_particle, headline_org, is_included_part,
                      particle_after, proper_name_subject, topic_org, INVESTOR_SUFFIX_RE)

#: An investing or funding event. Not 기부/출연 (donations), 조성 (a fund's size),
#: 인수 (a purchase price) nor 집행유예 (a suspended sentence).
_INVEST_RE = re.compile(r"투자(?![자가])|연구비|투입|출자|유치|지원|펀딩|집행(?!유예)|쏟아|쏟|베팅")
#: Money that is not invested: results, prices and values, pay, penalties, gifts,
#: bribes, funds and budgets as totals, loans and aid, estimates of effects.
_NOT_INVEST_RE = re.compile(
    r"매출|영업이익|순이익|이익|손실|적자|흑자|시장\s?규모|시장은|시장이|가격|값|몸값|시가총액|시총|기업가치|가치|"
    r"연봉|급여|벌금|과징금|과태료|추징금|배상|보상|매각|판매|수출|예산안|세수|부채|자산|수익|거래액|거래대금|주가|"
    r"공모가|환율|뇌물|기부|후원|헌금|정치자금|기금|모금|상당|어치|융자|대출|차관|구호|손해|피해|효과|비용\s?절감"
)
#: the amount is the size of a fund or a budget ("3000억원 규모의 펀드를 결성"), not money put in
_SIZE_HEAD_RE = re.compile(r"(?:[가-힣]{0,4}\s?)?(?:펀드|기금|예산)(?!을 투입|를 투입)")
#: "40억원에 팔았다": an amount in 에 is a price, unless it measures something (에 달하는 투자)
_PRICE_RE = re.compile(r"\s?에(?!\s?(?:달하|달한|이르|육박|가까|해당|불과|그치|머물|맞먹|버금))")
#: the money is the subject of a passive investing verb: "1328억원이 투입된다", "국비가 투자되며";
#: its agent is not in the clause
_PASSIVE_RE = re.compile(r"[^.。]{0,24}?(?:투입|투자|지원|출자|집행)\s?(?:되|돼|됐|될|된)")
_PERIOD_RE = re.compile(r"(?:향후|앞으로|오는|지난)?\s?\d+\s?(?:년|개월|달)\s?(?:간|동안)|(?:19|20)\d{2}년\s?까지|(?:향후|앞으로)\s?[가-힣]+\s?해\s?(?:간|동안)")
_RECIPIENT_PARTICLES = ("에", "에게", "와", "과", "와의", "과의", "에도", "에만", "에게도")
#: a subject that points back to an organization named before: 회사는, 이 회사는, 동사는, 그룹은
_ANAPHOR_RE = re.compile(r"(?:^|(?<=\s)|(?<=[\"'“‘(]))(?:이\s|해당\s|같은\s)?(?:회사|동사|그룹|업체|기업|은행|재단)(?:은|는|이|가|도)\s")
#: a recipient is an organization or a project, never a date, a time span or a headcount
_NOT_RECIPIENT_RE = re.compile(
    r"\d+\s?(?:년|월|일|분기|시|명|개월)|(?:올해|내년|지난해|작년|금년|이달|다음\s?달|상반기|하반기|연말|연초)$|"
    r"^(?:오는|지난|이번|당시|현재|최근)"
)
_FROM_RE = re.compile(r"(?:\s?등)?(?:으로부터|로부터|에게서)")
#: the subject receives the money: 유치, 투자를 받았다
_RAISING_RE = re.compile(r"유치|받았|받는|받아|받을|받기|받은|받으|받고|받게")
#: the lead of a round the subject raised: "KT가 주도한 시리즈B 투자 라운드에서"
_LEAD_RE = re.compile(r"(?:이|가)\s?(?:주도|리드|이끈|이끄는)")


@dataclass(frozen=True)
class InvestmentMention:
    start: int
    end: int
    money: Mention
    investor: Optional[Mention]
    recipient: Optional[str]
    period: Optional[str]
    sent_idx: int
    evidence: str


def _is_investment(text: str, clause: tuple[int, int], sent: tuple[int, int], m: Mention) -> bool:
    # words tied to the money: up to the clause end after it, a few words before it
    after = text[m.end:min(clause[1], m.end + 30)]
    before = text[max(sent[0], m.start - 14):m.start]
    # the noun the amount measures: "8000억달러의 기금", "5300만원 상당의 물품", "1억원(추징금)"
    head = re.sub(r"^\s*[)(]?\s*(?:의|규모의|규모|가량의|정도의)?\s*", "", after)
    if _NOT_INVEST_RE.search(before[-8:]) or _NOT_INVEST_RE.match(head[:6] or " ") or _SIZE_HEAD_RE.match(head):
        return False
    if _PRICE_RE.match(after) or re.match(r"\s?(?:을|를)\s?(?:모금|모아|모았|걷)", after):
        return False
    if re.search(r"(?:을|를|이|가)\s*(?:기록|달성|돌파|냈|올렸|벌)", after[:10]):
        return False
    return bool(_INVEST_RE.search(after) or _INVEST_RE.search(before))


def _investor(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], m: Mention,
              raising: bool) -> Optional[Mention]:
    """The agent of the investing event, named in the money's own sentence, else ``None``.

    Never taken from another sentence nor from the article's main organization:
    "이 지역에는 5조원을 지원할 계획이다" names no funder, and "485억원이
    투입되면서" (the money is the subject of a passive verb) names no investor.
    """
    text = adoc.text
    s, e = sent
    orgs = adoc.in_range("ORG", s, e)
    if _PASSIVE_RE.match(text, m.end, clause[1]):
        # the agent of a passive event is marked 으로부터 / 에 의해, if at all
        for i, o in enumerate(orgs):
            if _FROM_RE.match(text, o.end) or text.startswith("에 의해", o.end):
                return orgs[chain_head(text, orgs, i)]
        return None
    if raising:
        # "엔비디아와 인텔 등으로부터 … 투자를 받았다": the first named source invests;
        # with no source named the investor is unknown (the subject is the recipient)
        # "세쿼이어캐피탈로부터 1억달러, 블랙록으로부터 3억달러를 유치": the source nearest
        # before each amount, else the first one after it
        # "소프트뱅크에서 10억달러의 투자를 유치했다": 에서 marks the source of raised money too
        sources = [i for i, o in enumerate(orgs) if _FROM_RE.match(text, o.end)
                   or (particle_after(text, o.end) in ("에서", "에서도") and o.end <= m.start)]
        before = [i for i in sources if orgs[i].end <= m.start]
        if before or sources:
            i = before[-1] if before else sources[0]
            return orgs[chain_head(text, orgs, i)]
        for o in orgs:
            if _LEAD_RE.match(text, o.end):
                return o
        # a source the tagger did not label: "세쿼이아캐피털에서 1억달러"
        return proper_name_subject(adoc, max(s, m.start - 40), m.start, _SOURCE_PARTICLES)
    subj = [o for o in orgs if has_subject_particle(text, o) and not is_included_part(text, o, e)
            and not _is_reporter(text, o, e) and not _RELATIVE_SUBJECT_RE.match(text, o.end)]
    # the topic (은/는) is the main clause's subject; a 가-subject may sit in a relative
    # clause ("카카오는 카카오벤처스가 조성하는 펀드에 출자")
    topics = [o for o in subj if particle_after(text, o.end) in ("은", "는")]
    pool = topics or subj
    if not pool and orgs and orgs[0].start - s <= 2 and text.startswith(",", orgs[0].end):
        # a headline's topic is marked with a comma: "LG, 2027년까지 AI에 1조8천억원 투자"
        return orgs[chain_head(text, orgs, 0)]
    if not pool:
        # a name the tagger missed, marked as the subject: "TPG는 … 5000억원을 투자했다"
        name = proper_name_subject(adoc, s, m.start)
        if name is not None:
            return name
        # "회사는 … 700억원을 투입할 예정이다": an anaphoric subject stands for the topic
        # the article carries from the sentences before
        if _ANAPHOR_RE.search(text, s, m.start):
            return topic_org(adoc, s)
        return None
    best = min(pool, key=lambda o: abs(o.start - m.start) + (0 if o.start < m.start else 5))
    # "한국농어촌공사와 농림축산식품부는 … 투입한": a coordinated subject is led by its first name
    return orgs[chain_head(text, orgs, orgs.index(best))]


#: "KB인베스트먼트(155억원)": the amount in parentheses right after the name is that investor's share
_PAREN_OPEN_RE = re.compile(r"\s?[(（]\s?(?:약\s?)?$")
#: "카카오의 500억원 투자", "○○의 △△엔터 500억 투자": a genitive names who invests
_GENITIVE_RE = re.compile(r"의\s")
#: "이번 투자에는 A, B가 참여했다": the participants of a round
_PARTICIPATE_RE = re.compile(r"참여|참가|공동\s?투자|주도|리드")
#: a sentence about a round: "□□은행(100억원), ○○벤처스(20억원) 등이 참여했다"
_ROUND_RE = re.compile(r"투자|라운드|참여|출자|펀딩")


#: a quotative ending: "…투입할 계획이라고 월스트리트저널이 보도했다", "…라며 전했다"
_QUOTATIVE_RE = re.compile(r"(?:다고|라고|이라며|라며|다며)\s")
_REPORT_VERB_RE = re.compile(r"보도|전했|인용|외신|알렸")


def _is_reporter(text: str, o: Mention, sent_end: int) -> bool:
    """The organization reports the event, it does not invest: the subject of a reporting
    verb after a quoted clause ("…투자할 계획이라고 ○○일보가 보도했다"), or a source
    ("○○에 따르면")."""
    if text.startswith("에 따르면", o.end) or text.startswith(" 보도에 따르면", o.end):
        return True
    tail = text[o.end:sent_end]
    head = text[max(0, o.start - 12):o.start]
    return bool(_REPORT_VERB_RE.search(tail[:40]) and (_QUOTATIVE_RE.search(head) or "보도" in tail[:40]))


def _each_shares(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> list[Mention]:
    """"테스, 오로스테크놀로지, 넥스틴은 각각 1억원": one amount that 각각 gives to every
    organization of the subject chain before it (one amount after 각각, two or more names)."""
    text = adoc.text
    each = re.search(r"각각\s*(?:약\s*)?$", text[max(sent[0], m.start - 12):m.start])
    if not each:
        return []
    nxt = [x for x in adoc.in_range("MONEY", m.end, sent[1], contained=False) if x.payload is not None]
    if nxt and _LIST_NEXT_RE.match(text, m.end):
        return []  # "각각 4억원, 2억원": distribute_each pairs them
    orgs = adoc.in_range("ORG", sent[0], m.start)
    for i in range(len(orgs) - 1, -1, -1):
        if has_subject_particle(text, orgs[i]):
            head = chain_head(text, orgs, i)
            return orgs[head:i + 1] if i > head else []
    return []


def _paren_investor(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> Optional[Mention]:
    """The organization whose parenthesis holds the amount: "□□은행(100억원), ○○벤처스(20억원)".
    A name the tagger missed counts when it is written like an investor (``…투자``, ``…캐피탈``,
    ``…벤처스``, ``…파트너스``, ``…은행`` …)."""
    text = adoc.text
    for o in reversed(adoc.in_range("ORG", sent[0], m.start)):
        if _PAREN_OPEN_RE.search(text[o.end:m.start]) and len(text[o.end:m.start]) <= 5:
            return o
        break
    word = _NAME_BEFORE_PAREN_RE.search(text, max(sent[0], m.start - 40), m.start)
    if word and INVESTOR_SUFFIX_RE.search(word.group(1)):
        return Mention(word.start(1), word.end(1), word.group(1), "ORG", "rule")
    return None


#: the word right before "(" that holds an amount: "에이스투자금융(24억원)"
_NAME_BEFORE_PAREN_RE = re.compile(r"(?:^|(?<=[\s,·▲△■□◆●]))([가-힣A-Za-z0-9&]{2,30})\s?[(（]\s?(?:약\s?)?$")
#: a name right before its amount in a list: "현대자동차 8,020억원, 현대모비스 3,240억원"
_NAME_AMOUNT_GAP_RE = re.compile(r"\s*(?:\([^()]{1,20}\))?\s*(?:이|가|은|는|도)?\s*(?:총|약|각각)?\s*")


def _listed_investor(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> Optional[Mention]:
    """"산업부가 15억원, 삼성전자가 7억5,000만원, SK하이닉스는 5억원을 부담한다": in a list of
    amounts, each organization stands right before its own."""
    text = adoc.text
    if not _LIST_SEP_RE.search(text, m.end, min(sent[1], m.end + 3)) and not _LIST_SEP_RE.search(
            text, max(sent[0], m.start - 40), m.start):
        return None
    before = adoc.in_range("ORG", sent[0], m.start)
    if before and _NAME_AMOUNT_GAP_RE.fullmatch(text, before[-1].end, m.start):
        return before[-1]
    name = proper_name_subject(adoc, max(sent[0], m.start - 30), m.start)
    if name is not None and _NAME_AMOUNT_GAP_RE.fullmatch(text, name.end, m.start):
        return name
    return None


_LIST_SEP_RE = re.compile(r"[,·△▲■□◆●•]")
#: the amount is a price: "…5억원의 … 기업에 팔았다"
_SELL_RE = re.compile(r"팔았|팔아|팔기|판매|매각|매도|넘겼")
_SOURCE_PARTICLES = ("에서", "에서도", "로부터", "으로부터")
_LIST_NEXT_RE = re.compile(r"\s?[,·△▲■□◆●•]")
#: a subject inside a relative clause: "카카오모빌리티가 추진하는 … 투자에"
_RELATIVE_SUBJECT_RE = re.compile(r"(?:이|가)\s[가-힣]{1,10}(?:하는|한|된|되는|던|인)\s")


#: "삼성물산과 삼성바이오로직스가 출자한 1500억원": the subject of the relative clause invests
_RELATIVE_INVEST_RE = re.compile(r"(?:이|가)\s?(?:\S+\s)?(?:출자|투자|투입|출연)(?:한|했던|하는|할)\s*(?:총\s*|약\s*)?$")


def _relative_investor(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> Optional[Mention]:
    text = adoc.text
    orgs = adoc.in_range("ORG", sent[0], m.start)
    if orgs and _RELATIVE_INVEST_RE.fullmatch(text, orgs[-1].end, m.start):
        return orgs[chain_head(text, orgs, len(orgs) - 1)]
    return None


def _genitive_investor(adoc: ArticleDoc, clause: tuple[int, int], m: Mention) -> Optional[Mention]:
    """"카카오의 500억 투자": an ORG in the genitive before the money, with at most a short
    noun phrase (the recipient) between, and an investing noun right after the money."""
    text = adoc.text
    # "네이버웹툰의 에이투지 투자(400억원)": the amount in parentheses after the investing noun
    in_paren = re.search(r"(?:투자|출자)\s?[(（]\s?(?:약\s?)?$", text[max(clause[0], m.start - 8):m.start])
    if not in_paren and not re.match(r"\s?(?:규모의\s?|규모\s?)?(?:투자|출자|지분\s?투자)", text[m.end:m.end + 12]):
        return None
    limit = 24 if in_paren else 16
    for o in reversed(adoc.in_range("ORG", clause[0], m.start)):
        gap = text[o.end:m.start]
        if _GENITIVE_RE.match(gap) and len(gap) <= limit and not re.search(r"[은는이가]\s", gap):
            return o
    return None


def _participants(adoc: ArticleDoc, si: int, lo: int) -> Optional[Mention]:
    """The first named participant of the round, in the money's sentence after ``lo`` or
    in the two sentences after it: "이번 투자에는 A, B, C가 참여했다" -> A."""
    text = adoc.text
    for k in range(si, min(si + 3, len(adoc.sentences))):
        s, e = adoc.sentences[k]
        start = lo if k == si else s
        pm = _PARTICIPATE_RE.search(text, start, e)
        if not pm:
            continue
        orgs = [o for o in adoc.in_range("ORG", start, pm.start())
                if particle_after(text, o.end) not in ("에", "에게", "로", "으로")]
        if orgs:
            return orgs[0]
    return None


def _context_investor(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> Optional[Mention]:
    """The investor of a clause whose subject is dropped: "○○전자는 … . 그 일환으로 지난달
    … 5천만 달러를 투자했다". Only when the money's sentence names no subject of its own
    before the money (a topic noun such as "투자는", "시장은" is a subject: a statistic);
    then the topic carried from the sentences before, else the headline's organization."""
    text = adoc.text
    head = text[sent[0]:m.start]
    for w in re.finditer(r"([가-힣A-Za-z0-9]+)(은|는|이|가)\s", head):
        word = w.group(1)
        if not re.fullmatch(r"(?:올해|지난해|작년|내년|이번|최근|현재|당시|앞서|이어|또|특히|한편|이|그|올|"
                            r"\d+(?:년|월|일|분기)|[상하]반기|회사|동사|이\s?회사)", word):
            return None
    topic = topic_org(adoc, sent[0])
    if topic is not None:
        return topic
    return headline_org(adoc)


#: a number of organizations: "23개사", "9곳", "216개 소부장 기업", "기업 5곳"
_ORG_COUNT_RE = re.compile(r"\d[\d,]*\s?(?:개사|곳|개\s?(?:[가-힣]+\s)?(?:기업|업체|회사|스타트업|사))|(?:기업|업체|스타트업)\s?\d+\s?(?:곳|개)")
#: amounts that are tallied: "…으로 집계됐다", "…으로 나타났다", "순위", "1위"
_TALLY_RE = re.compile(r"집계|나타났|조사됐|\d+\s?위(?:[다는를에로]|이다|였)|순위|통계|누적|합계")
#: an amount that describes a kind of company: "300억 원 이상 투자를 유치한 기업이"
_THRESHOLD_RE = re.compile(r"\s?(?:이상|이하|미만|넘는|초과)?\s?(?:의\s)?(?:투자를?\s)?(?:유치한|받은|유치하는)\s(?:기업|업체|스타트업|회사)")
#: a year before each amount of a series: "2017년 107억원, 2018년 174억원"
_YEAR_SERIES_RE = re.compile(r"(?:19|20)\d{2}년(?:엔|에는|에)?\s?$")


def _is_aggregate(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> bool:
    """Money that no single event puts in: a sum over a number of companies ("23개사에 총
    309억 원", "9곳, 502억원으로 집계"), a tally or a ranking ("378억원을 유치한 고려대학교가
    1위다"), a threshold describing companies ("300억 원 이상 투자를 유치한 기업이"), or one
    year of a series of totals ("2017년 107억원, 2018년 174억원이 투자됐다")."""
    text = adoc.text
    s, e = sent
    c0, c1 = clause_of(adoc, sent, m.start)
    if _ORG_COUNT_RE.search(text, c0, c1) or _TALLY_RE.search(text, c0, c1):
        return True
    if _THRESHOLD_RE.match(text, m.end):
        return True
    before = text[max(s, m.start - 12):m.start]
    series = len(re.findall(r"(?:19|20)\d{2}년", text[s:e])) >= 2
    return bool(series and _YEAR_SERIES_RE.search(before) and _PASSIVE_RE.search(text, m.end, e))


def _raiser(adoc: ArticleDoc, sent: tuple[int, int], m: Mention) -> bool:
    """True when an organization raises the money: a subject ORG of the sentence, or the
    topic carried from before ("퓨리오사AI는 … . 이번에 300억원을 유치했다")."""
    text = adoc.text
    if any(has_subject_particle(text, o) for o in adoc.in_range("ORG", sent[0], sent[1])):
        return True
    return topic_org(adoc, sent[0]) is not None or headline_org(adoc) is not None


def _recipient(adoc: ArticleDoc, clause: tuple[int, int], investor: Optional[Mention], m: Mention) -> Optional[str]:
    text = adoc.text
    for o in adoc.in_range("ORG", clause[0], clause[1], contained=False):
        if o is investor:
            continue
        if investor is not None and (o.canonical or o.text) == (investor.canonical or investor.text):
            continue
        if particle_after(text, o.end) in _RECIPIENT_PARTICLES and not text.startswith("따르", o.end + 2):
            return o.canonical or o.text
    # purpose: "AI 연구에 투자", "인재 양성에 500억원을 투입"
    for pm in re.finditer(r"([가-힣A-Za-z0-9·]{2,}(?:\s[가-힣A-Za-z0-9·]+){0,2})(?:을 위해|을 위한|를 위해|를 위한|에)\s",
                          text[clause[0]:m.start]):
        words = pm.group(1)
        # a purpose is a noun phrase: no subject/topic-marked word, not the investor itself
        if re.search(r"규모|총|약|업계|따르|관계자|이를|이에|그를", words) or re.search(r"[은는이가]\s", words + " ") \
                or (investor is not None and investor.text in words) or _NOT_RECIPIENT_RE.search(words):
            continue
        return words
    return None


def extract_investments(adoc: ArticleDoc) -> list[InvestmentMention]:
    """Investment records of one analysed article (see module docstring).

    Returns:
        One record per invested MONEY mention, in text order.
    """
    text = adoc.text
    out: list[InvestmentMention] = []
    # only normalised amounts can be investments (a model MONEY the rules cannot read has no value)
    moneys = [m for m in adoc.by_label("MONEY") if m.payload is not None]
    pairs: dict[int, dict] = {}  # per sentence, computed once: a sentence may hold thousands of amounts
    for m in moneys:
        si = adoc.sent_idx(m.start)
        sent = adoc.sentences[si]
        if si not in pairs:
            pairs[si] = distribute_each(adoc, sent, [x for x in adoc.in_range("MONEY", sent[0], sent[1],
                                                                              contained=False)
                                                     if x.payload is not None])
        each = pairs[si]
        clause = clause_of(adoc, sent, m.start)
        if _is_aggregate(adoc, sent, m):
            continue
        paren = _paren_investor(adoc, sent, m) or _relative_investor(adoc, sent, m)
        # "산업부가 15억원, 삼성전자가 7억원을 투자한다", "출자자는 △A 150억 원 △B 200억 원으로":
        # an amount listed after its own investor shares the list's investing word
        listed = _listed_investor(adoc, sent, m)
        if not (_is_investment(text, clause, sent, m)
                or (paren is not None and _ROUND_RE.search(text, sent[0], sent[1]))
                or (listed is not None and _INVEST_RE.search(text, sent[0], sent[1])
                    and not _SELL_RE.search(text, m.end, sent[1]))):
            continue
        raising = bool(_RAISING_RE.search(text, m.end, sent[1]))
        shared = _each_shares(adoc, sent, m) if m.start not in each else []
        if len(shared) > 1:
            for o in shared:
                out.append(InvestmentMention(m.start, m.end, m, o, _recipient(adoc, clause, o, m), None, si,
                                             text[sent[0]:sent[1]][:300]))
            continue
        investor = (each.get(m.start) or paren or _genitive_investor(adoc, clause, m)
                    or listed or _investor(adoc, sent, clause, m, raising))
        passive = bool(_PASSIVE_RE.match(text, m.end, clause[1]))
        if investor is None and raising:
            investor = _participants(adoc, si, sent[0])
        elif investor is None and not passive:  # a passive's agent is unnamed
            investor = _context_investor(adoc, sent, m)
        if investor is None and not passive and not (raising and _raiser(adoc, sent, m)):
            # nobody puts the money in and nobody raises it: a statistic, a total or a budget
            continue
        pm = _PERIOD_RE.search(text, clause[0], clause[1]) or _PERIOD_RE.search(text, sent[0], sent[1])
        out.append(InvestmentMention(
            m.start, m.end, m, investor, _recipient(adoc, clause, investor, m),
            pm.group().strip() if pm else None, si, text[sent[0]:sent[1]][:300],
        ))
    return _dedupe(out)


def _dedupe(found: list[InvestmentMention]) -> list[InvestmentMention]:
    """One record per investor and amount: a sub-headline ("100억엔 투자") and the body
    ("100억엔(약 930억원)을 투자") state one fact; the fuller statement (with a KRW
    conversion and a period) is kept, at its own position."""
    best: dict[tuple, InvestmentMention] = {}
    for inv in found:
        money = inv.money.payload
        who = inv.investor.canonical or inv.investor.text if inv.investor else None
        key = (who, money.currency, money.amount, money.low, money.high)
        old = best.get(key)
        score = (money.krw_low is not None, inv.period is not None, inv.recipient is not None)
        if old is None or score > (old.money.payload.krw_low is not None, old.period is not None,
                                   old.recipient is not None):
            best[key] = inv
    # one amount, one record: a restatement that names no investor adds nothing
    named = {key[1:] for key in best if key[0] is not None}
    keep = {id(v) for key, v in best.items() if key[0] is not None or key[1:] not in named}
    kept = [inv for inv in found if id(inv) in keep]
    # "소프트뱅크로부터 20억달러(약 2조2570억원)" … "비전펀드로부터 20억달러를": a foreign amount
    # restated without its conversion, by the same investor or a name of it, is one fact
    converted = [inv for inv in kept if inv.money.payload.currency != "KRW" and inv.money.payload.krw_low is not None]
    return [inv for inv in kept if not (
        inv.money.payload.currency != "KRW" and inv.money.payload.krw_low is None
        and any(o.money.payload.currency == inv.money.payload.currency
                and o.money.payload.amount == inv.money.payload.amount and _same_party(o.investor, inv.investor)
                for o in converted))]


def _same_party(a: Optional[Mention], b: Optional[Mention]) -> bool:
    """Two investors that may be one: the same name, one inside the other (소프트뱅크 /
    소프트뱅크 비전펀드 / 비전펀드), or one of them unnamed."""
    if a is None or b is None:
        return True
    names_a = {n for n in (a.canonical, a.text) if n}
    names_b = {n for n in (b.canonical, b.text) if n}
    return any(x == y or x in y or y in x for x in names_a for y in names_b)
