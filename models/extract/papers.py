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
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from ..document import ArticleDoc
from ..mention import Mention
from .context import (chain_head, clause_of, distribute_each, group_topic_org, has_subject_particle,
                      is_included_part, main_org, relative_year, SUBJECT_PARTICLES, topic_org)

PAPER_UNITS = {"건", "개", "편", "본", ""}

_PAPER_NOUN = r"(?:논문|연구\s?성과|페이퍼)"
#: count + (의) + up to two modifiers + 논문: "66건의 정규 논문", "25개 논문", "17의 논문"
_AFTER_RE = re.compile(r"^\s*(?:의\s*)?(?:[가-힣A-Za-z0-9]+\s+){0,2}?" + _PAPER_NOUN)
#: 논문 right before the count: "논문 12개가"
_BEFORE_RE = re.compile(_PAPER_NOUN + r"\s*(?:총|모두|약|각각)?\s*$")
#: 논문 as the clause subject before the count: "논문은 112건에 달한다", "논문이 수십개에"
_SUBJ_RE = re.compile(_PAPER_NOUN + r"(?:은|는|이|가|도)\s+(?:\S+\s+){0,2}$")
#: anaphora: "이중 112개가", "그중 31건이"
_ANAPHOR_RE = re.compile(r"(?:이\s?중|그\s?중|이 가운데|그 가운데|이 중에서)\s*$")
_ANAPHOR_ANY_RE = re.compile(r"이\s?중|그\s?중|이 가운데|그 가운데")
_ANAPHOR_START_RE = re.compile(r"(?:이\s?중|그\s?중|이 가운데|그 가운데|이 중에서)\s")
_VERB_RE = re.compile(r"발표|채택|등재|게재|선정|통과|승인|수록|실리|실렸|실은|실었|싣|냈|내놓|내고|내며|낸다|내왔|올리|올렸|올려|"
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
        or (c.payload.unit in ("편", "건") and _after_venue(adoc, c))
    )


def _after_venue(adoc: ArticleDoc, c: Mention) -> bool:
    """"CVPR 2023에 3편", "2022년 EMNLP에서도 3건을": a count of papers at a venue."""
    return any(_VENUE_LOC_RE.fullmatch(adoc.text, v.end, c.start)
               for v in adoc.ending_in("VENUE", c.start - 12, c.start))


def _classify(adoc: ArticleDoc, sent: tuple[int, int], clause: tuple[int, int], c: Mention, antecedent: bool,
              tied_next: bool) -> Optional[str]:
    """``"paper"``, ``"submitted"`` (papers, but submissions: an antecedent for 이중,
    not a record) or None."""
    text = adoc.text
    count = c.payload
    if count.unit not in PAPER_UNITS and count.qualifier != "vague":
        return None
    before = text[max(sent[0], c.start - 20):c.start]
    after = text[c.end:clause[1]]
    if _CITATION_RE.search(before[-8:]):
        return None
    if not (_is_tied(adoc, sent, clause, c, antecedent) or tied_next):
        return None
    if _RESTATE_RE.search(after):
        return None
    if "연구" in after[:12] and "논문" not in after[:12] and not _PUBLICATION_CONTEXT_RE.search(
            text[sent[0]:sent[1]].replace(after[:12], "")):
        return None  # "45건의 연구 성과" counts only in a publication context
    if _SUBMIT_RE.search(after[:40]):
        return "submitted"
    if _VERB_RE.search(after) or _VERB_RE.search(text[c.start:sent[1]]):
        return "paper"
    # copula: "ICLR 2024 채택 논문은 모두 12편이다"
    if _COPULA_RE.match(after) and _VERB_RE.search(text[clause[0]:c.start]):
        return "paper"
    return None


def _coordinated_with_next(text: str, c: Mention, nxt: Optional[Mention]) -> bool:
    """"ICCV 2023에 4편, CVPR 2023에 3편의 논문": 4편 shares the tie of 3편."""
    if nxt is None or nxt.payload.unit != c.payload.unit:
        return False
    gap = text[c.end:nxt.start]
    return len(gap) <= 30 and bool(re.match(r"^\s*(?:,|와|과|및|씩,)", gap))


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
    before = [m for m in orgs if lo <= m.start and m.end <= c.start and not is_included_part(text, m, c.start)]
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
    return topic_org(adoc, s) or carry or main_org(adoc), False


def _venues_between(adoc: ArticleDoc, lo: int, hi: int) -> tuple[Mention, ...]:
    seen, out = set(), []
    for v in adoc.in_range("VENUE", lo, hi):
        key = v.canonical or v.text
        if key not in seen:
            seen.add(key)
            out.append(v)
    return tuple(out)


def _venues_for(adoc: ArticleDoc, sent: tuple[int, int], c: Mention, prev_end: int) -> tuple[Mention, ...]:
    clause = clause_of(adoc, sent, c.start)
    return (_venues_between(adoc, max(prev_end, clause[0]), c.start)
            or _venues_between(adoc, c.end, clause[1]))


def _each_groups(adoc: ArticleDoc, sent: tuple[int, int], cs: list[Mention]) -> dict[int, Mention]:
    """"A와 B는 … 각각 7편, 3편": the i-th count belongs to the i-th organization."""
    return distribute_each(adoc, sent, cs)


@dataclass
class _Antecedent:
    """The last count that papers were counted by (a record or submissions), for 이중/그중."""

    org: Optional[Mention]
    venues: tuple[Mention, ...]
    year: Optional[int]


def extract_paper_counts(adoc: ArticleDoc) -> list[PaperCountMention]:
    """Paper counts of one analysed article (see module docstring for the rules).

    Returns:
        Records in text order; ``count`` is None for vague counts (두 자릿수, 수십 편,
        매년 1~2건), whose text stays in ``count_text``.
    """
    text = adoc.text
    pub_year = adoc.published_at.year if adoc.published_at else None
    out: list[PaperCountMention] = []
    carry: Optional[Mention] = None
    antecedent: Optional[_Antecedent] = None
    seen: set[tuple] = set()
    for si, sent in enumerate(adoc.sentences):
        in_sent = [m for m in adoc.in_range("COUNT", sent[0], sent[1], contained=False) if m.payload is not None]
        if not in_sent:
            continue
        each = _each_groups(adoc, sent, in_sent)
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
            clause = clause_of(adoc, sent, c.start)
            kind = _classify(adoc, sent, clause, c, antecedent is not None, c.start in coordinated)
            if kind is None:
                continue
            before = text[max(sent[0], c.start - 8):c.start]
            anaphoric = antecedent is not None and bool(
                _ANAPHOR_RE.search(before) or (_ANAPHOR_START_RE.match(text, sent[0]) and c.start - sent[0] < 40))
            venues = _venues_for(adoc, sent, c, prev_end)
            named = True
            if c.start in each:
                org = each[c.start]
            elif anaphoric:
                # "이중 삼성전자 논문은 7건": an org named after the anaphor owns the subset
                ana = [a.end() for a in _ANAPHOR_ANY_RE.finditer(text, sent[0], c.start)]
                lo = ana[-1] if ana else c.start
                explicit = adoc.in_range("ORG", lo, c.start)
                org = explicit[-1] if explicit else antecedent.org
            else:
                org, named = _choose_org(adoc, sent, c, sent[0], carry)
            if not venues and anaphoric:
                venues = antecedent.venues
            if not venues and first_venues:
                venues = first_venues  # "EMNLP 2023에서 A는 6편이, B는 4편이": the shared venue
            years = {v.year for v in venues}
            year = years.pop() if len(years) == 1 and None not in years else (
                relative_year(text, clause[0], clause[1], pub_year)
                or relative_year(text, sent[0], c.start, pub_year)
                or (antecedent.year if anaphoric else None))
            if not first_venues and venues and venues[0].end <= c.start:
                first_venues = venues
            antecedent = _Antecedent(org, venues, year)
            if kind == "submitted":
                continue
            count = c.payload
            value = count.value if count.qualifier not in ("vague", "range") else None
            prev_end = c.end
            # a fact repeated (sub-headline, then body) is one record
            key = (org.canonical or org.text if org else None, value, tuple(v.canonical for v in venues), c.text)
            if key in seen:
                continue
            seen.add(key)
            out.append(PaperCountMention(
                c.start, c.end, value, c.text, count.qualifier, org, venues, year, si,
                text[sent[0]:sent[1]][:300], named,
            ))
            carry = org or carry
    return _drop_restatements(out)


def _drop_restatements(found: list[PaperCountMention]) -> list[PaperCountMention]:
    """Drop a count whose org was only inferred when the same count and venues are
    stated elsewhere with a named org: a sub-headline ("ICML·뉴립스·ECCV서 9편 채택")
    restates the body's "네이버랩스는 … 총 9편 채택"."""
    def key(p: PaperCountMention) -> tuple:
        return (p.count, p.count_text if p.count is None else None, frozenset(v.canonical for v in p.venues))

    named = {key(p) for p in found if p.org_explicit}
    return [p for p in found if p.org_explicit or key(p) not in named]
