"""Investments: money that is invested, funded or committed, with who and for what.

A MONEY mention is an investment when its clause says the money is put in:
투자, 연구비, 투입, 출자, 유치, 지원, 펀딩, 조성, 집행, 쏟 — "수백억원 규모의 투자를
통해", "연구비로 200억원 이상을 투자할 계획", "자금 수백억원을 네이버가 투자하고",
"5000억엔(약 5조3000억원) 규모의 투자를 실시". Revenue, profits, prices, fines,
market sizes and valuations are not investments (매출 3조원, 시장 규모 20조원).

* **investor**: the ORG with a topic/subject particle nearest the money in its
  sentence (either side: "자금 수백억원을 네이버가 투자"), else the topic carried
  from earlier sentences, else the article's main organization. For 유치 (raising
  money) the subject is the *recipient* and the investor is the ORG marked
  "…로부터"/"…에서" when there is one.
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
from .context import (chain_head, clause_of, distribute_each, has_subject_particle, is_included_part, main_org,
                      particle_after, topic_org)

_INVEST_RE = re.compile(r"투자|연구비|투입|출자|유치|지원|펀딩|조성|집행|쏟아|쏟|베팅|출연|기부|인수")
_NOT_INVEST_RE = re.compile(
    r"매출|영업이익|순이익|이익|손실|적자|흑자|시장\s?규모|시장은|시장이|가격|값|몸값|시가총액|시총|기업가치|가치|"
    r"연봉|급여|벌금|과징금|배상|매각|판매|수출|예산안|세수|부채|자산|수익|거래액|거래대금|주가|공모가|환율"
)
_PERIOD_RE = re.compile(r"(?:향후|앞으로|오는|지난)?\s?\d+\s?(?:년|개월|달)\s?(?:간|동안)|(?:19|20)\d{2}년\s?까지|(?:향후|앞으로)\s?[가-힣]+\s?해\s?(?:간|동안)")
_RECIPIENT_PARTICLES = ("에", "에게", "와", "과", "와의", "과의", "에도", "에만", "에게도")
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
    if _NOT_INVEST_RE.search(before[-8:]) or _NOT_INVEST_RE.match(after.strip()[:6] or " "):
        return False
    if re.search(r"(?:을|를|이|가)\s*(?:기록|달성|돌파|냈|올렸|벌)", after[:10]):
        return False
    return bool(_INVEST_RE.search(after) or _INVEST_RE.search(before))


def _investor(adoc: ArticleDoc, sent: tuple[int, int], m: Mention, raising: bool) -> Optional[Mention]:
    text = adoc.text
    s, e = sent
    orgs = adoc.in_range("ORG", s, e)
    if raising:
        # "엔비디아와 인텔 등으로부터 … 투자를 받았다": the first named source invests;
        # with no source named the investor is unknown (the subject is the recipient)
        for i, o in enumerate(orgs):
            if _FROM_RE.match(text, o.end):
                return orgs[chain_head(text, orgs, i)]
        for o in orgs:
            if _LEAD_RE.match(text, o.end):
                return o
        return None
    subj = [o for o in orgs if has_subject_particle(text, o) and not is_included_part(text, o, e)]
    # the topic (은/는) is the main clause's subject; a 가-subject may sit in a relative
    # clause ("카카오는 카카오벤처스가 조성하는 펀드에 출자")
    topics = [o for o in subj if particle_after(text, o.end) in ("은", "는")]
    pool = topics or subj
    if pool:
        return min(pool, key=lambda o: abs(o.start - m.start) + (0 if o.start < m.start else 5))
    return topic_org(adoc, s) or (orgs[0] if orgs else None) or main_org(adoc)


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
                or (investor is not None and investor.text in words):
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
        if not _is_investment(text, clause, sent, m):
            continue
        raising = bool(_RAISING_RE.search(text, m.end, sent[1]))
        investor = each.get(m.start) if m.start in each else _investor(adoc, sent, m, raising)
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
    keep = {id(v) for v in best.values()}
    return [inv for inv in found if id(inv) in keep]
