"""Korean clause and particle helpers shared by the extractors.

Korean marks grammatical roles with particles glued to the noun: 네이버**는**
(topic), 네이버**가** (subject), 서울대**와** (with), 라인**까지 포함하면**
(including). Extractors read them from the characters right after a mention,
so they work the same whatever tokenizer ran.
"""
from __future__ import annotations

import bisect
import functools
import re
from typing import Optional, Sequence

from ..document import ArticleDoc
from ..mention import Mention

#: Topic/subject particles: the mention is what the clause is about.
SUBJECT_PARTICLES = ("은", "는", "이", "가", "도", "에서는", "에선", "측은", "측이", "측도")
TOPIC_PARTICLES = ("은", "는", "이", "가", "도")

#: Words after a mention that make it a *part* being added to another's total
#: ("라인까지 포함하면", "라인 등을 포함해", "…과 합산").
_INCLUDED_RE = re.compile(r"^(?:[^.?!\n]{0,12}?)(?:포함|합치|합쳐|합산|더하면|더해)")

#: Coordination between names: 네이버·NLE·라인, 서울대, 카이스트와, A 및 B.
_COORD_RE = re.compile(r"^\s*(?:[·ㆍ,/]|및|와|과|와의|과의|그리고)\s*$")

_HANGUL_RUN = re.compile(r"[가-힣]+")


#: a short parenthetical right after a name: an alias or a note, not part of the sentence
_ASIDE_RE = re.compile(r"\([^()\n]{1,30}\)")


def particle_after(text: str, end: int) -> str:
    """The Hangul run glued to the end of a mention: 네이버|가 → "가", KAIST|와 → "와".

    >>> particle_after("네이버는 발표했다", 3)
    '는'
    >>> particle_after("ICLR 2022에서", 4)
    ''
    >>> particle_after("마이크로소프트(MS)가 투자한다", 7)
    '가'
    """
    aside = _ASIDE_RE.match(text, end)  # 마이크로소프트(MS)가, 카카오브레인(대표 김일두)은
    m = _HANGUL_RUN.match(text, aside.end() if aside else end)
    return m.group() if m else ""


#: "네이버 및 관계사에서", "카카오와 계열사는": the named head speaks for its group;
#: "서울대 연구팀이", "포스텍 연구진은": a group noun between the name and its particle
_GROUP_RE = re.compile(r"\s?(?:및|와|과)\s?(?:관계사|계열사|자회사|그룹사)|"
                       r"\s?(?:공동\s?)?(?:연구팀|연구진|연구소|연구원|연구실|팀|측|컨소시엄)(?:은|는|이|가|도)(?![가-힣])")


def has_subject_particle(text: str, m: Mention, particles: Sequence[str] = SUBJECT_PARTICLES) -> bool:
    """True when the mention is marked as topic/subject (네이버**는**, 네이버 **및 관계사에서**)."""
    p = particle_after(text, m.end)
    return p in particles or bool(_GROUP_RE.match(text, m.end))


def is_included_part(text: str, m: Mention, limit: int) -> bool:
    """True when the mention is a part being added ("라인까지 포함하면", "라인 등을 포함해")."""
    return bool(_INCLUDED_RE.match(text[m.end:limit]))


def chain_head(text: str, mentions: Sequence[Mention], idx: int) -> int:
    """Index of the first mention of the coordination chain ending at ``mentions[idx]``.

    "네이버·NLE·라인에서는" → 네이버: a list's head is the group it stands for.
    """
    i = idx
    while i > 0:
        prev, cur = mentions[i - 1], mentions[i]
        if prev.label != "ORG" or not _COORD_RE.match(text[prev.end:cur.start]):
            break
        i -= 1
    return i


#: Connective endings that close a clause: …하며, …하고, …했지만, …였는데, …하면서.
#: Serial 어/아/여 endings (포함해, 관련해서) do not: the clause goes on.
CONNECTIVES = {"며", "으며", "고", "지만", "는데", "은데", "ᆫ데", "ㄴ데", "으나", "나", "면서", "으면서", "는데도"}


def clause_breaks(adoc: ArticleDoc) -> list[int]:
    """Sorted character offsets where a clause ends, from the morpheme tags (EC)."""
    cached = getattr(adoc, "_clause_breaks", None)
    if cached is None:
        cached = []
        for t in adoc.doc:
            last_tag = t.tag_.rsplit("+", 1)[-1]
            if (last_tag == "EC" and t.lemma_.rsplit("+", 1)[-1] in CONNECTIVES) or t.text == ";":
                cached.append(t.idx + len(t.text))
        adoc._clause_breaks = cached
    return cached


def clause_of(adoc: ArticleDoc, sent: tuple[int, int], offset: int) -> tuple[int, int]:
    """The clause ``(start, end)`` of sentence ``sent`` that contains ``offset``."""
    s, e = sent
    breaks = clause_breaks(adoc)
    i = bisect.bisect_right(breaks, offset)
    start = max(s, breaks[i - 1]) if i > 0 else s
    end = min(e, breaks[i]) if i < len(breaks) else e
    return start, end


_EACH_RE = re.compile(r"각각|각자|저마다")


def distribute_each(adoc: ArticleDoc, sent: tuple[int, int], items: Sequence[Mention]) -> dict[int, Mention]:
    """Pair coordinated subjects with coordinated amounts: "A와 B는 각각 7편, 3편".

    Returns ``{item.start: org}`` for the items of the first "각각" group of the
    sentence whose subject chain (A와 B는, A·B는) has as many organizations as
    there are items after 각각; empty otherwise.
    """
    text = adoc.text
    m = _EACH_RE.search(text, sent[0], sent[1])
    if not m:
        return {}
    after = [it for it in items if it.start >= m.end()]
    orgs = adoc.in_range("ORG", sent[0], m.start())
    if len(after) < 2 or len(orgs) < 2:
        return {}
    # the subject chain: the last topic-marked org and the coordinated orgs before it
    for i in range(len(orgs) - 1, -1, -1):
        if has_subject_particle(text, orgs[i], TOPIC_PARTICLES + ("에서", "에서는", "에선")):
            head = chain_head(text, orgs, i)
            chain = orgs[head:i + 1]
            if len(chain) == len(after[:len(chain)]) and len(chain) >= 2:
                return {it.start: org for it, org in zip(after, chain)}
            return {}
    return {}


def topic_org(adoc: ArticleDoc, before: int, max_sents: int = 8) -> Optional[Mention]:
    """The nearest ORG with a topic/subject particle before ``before``, looking back
    through at most ``max_sents`` sentences: Korean keeps a topic across sentences
    ("카카오는 … . 지난해에는 … 45건의 연구 성과를 냈다")."""
    text = adoc.text
    si = adoc.sent_idx(before)
    lo = adoc.sentences[max(0, si - max_sents)][0] if adoc.sentences else 0
    cands = adoc.in_range("ORG", lo, before)
    for m in reversed(cands):
        if has_subject_particle(text, m, TOPIC_PARTICLES) and not is_included_part(text, m, before):
            return m
        # a cleft names the topic too: "가장 활발하게 투자하는 곳은 리가켐바이오다."
        if _CLEFT_RE.match(text, m.end):
            return m
    return None


_CLEFT_RE = re.compile(r"(?:이)?다\.")


_GROUP_TOPIC_RE = re.compile(r"(?:이|그|같은|해당|동)?\s?(연구실|연구팀|연구진|연구소|연구원|센터|랩)(?:은|는|이|가|도)\s")


#: ORG mentions :func:`group_topic_org` looks back through.
GROUP_LOOKBACK = 200


def group_topic_org(adoc: ArticleDoc, sent: tuple[int, int], before: int) -> Optional[Mention]:
    """The organization a bare group-noun topic stands for.

    "서울대 … 연구실이 … 발표했다. … 연구실은 ICTC에서도 3편을 발표할 예정이다":
    the second 연구실 is the 서울대 one, the last ORG that the same noun followed.
    """
    text = adoc.text
    m = _GROUP_TOPIC_RE.search(text, sent[0], before)
    if not m:
        return None
    noun = m.group(1)
    # the nearest earlier organizations only: a name far back does not anchor the noun,
    # and an unbounded look-back made every count cost a pass over the article
    for o in reversed(adoc.in_range("ORG", 0, sent[0])[-GROUP_LOOKBACK:]):
        own_sent_end = adoc.sentences[adoc.sent_idx(o.start)][1]
        if noun in text[o.end:min(o.end + 30, own_sent_end)]:
            return o
    return None


def main_org(adoc: ArticleDoc) -> Optional[Mention]:
    """The article's most frequent organization (first mention of it); computed once per article."""
    if "_main_org" not in adoc.__dict__:
        adoc._main_org = _most_frequent_org(adoc)
    return adoc._main_org


def _most_frequent_org(adoc: ArticleDoc) -> Optional[Mention]:
    counts: dict[str, int] = {}
    first: dict[str, Mention] = {}
    for m in adoc.mentions:
        if m.label == "ORG":
            key = m.canonical or m.text
            counts[key] = counts.get(key, 0) + 1
            first.setdefault(key, m)
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].start))
    return first[best]


_YEAR_WORDS = {"올해": 0, "금년": 0, "올": 0, "지난해": -1, "작년": -1, "전년": -1, "내년": 1, "재작년": -2}
_YEAR_WORD_RE = re.compile(r"(재작년|지난해|작년|전년|올해|금년|내년|(?<![가-힣])올(?=\s))")
_ABS_YEAR_RE = re.compile(r"((?:19|20)\d{2})년")


def relative_year(text: str, start: int, end: int, published_year: Optional[int]) -> Optional[int]:
    """Year named in ``text[start:end]``: "2021년", or 올해/지난해/작년 against the published year."""
    m = _ABS_YEAR_RE.search(text, start, end)
    if m:
        return int(m.group(1))
    m = _YEAR_WORD_RE.search(text, start, end)
    if m and published_year:
        return published_year + _YEAR_WORDS[m.group(1)]
    return None


def headline_org(adoc: ArticleDoc) -> Optional[Mention]:
    """The headline's first organization (gazetteer), as its first mention in the body when
    the body names it; the headline (``ArticleDoc.title``) carries the topic of an article
    whose sentences drop it. Computed once per article."""
    if "_headline_org" in adoc.__dict__:
        return adoc._headline_org
    from ..candidates import gazetteer_mentions
    from ..gazetteer import load_gazetteer

    found = None
    title = (adoc.title or "").strip()
    if title:
        orgs = [m for m in gazetteer_mentions(title, load_gazetteer()) if m.label == "ORG"]
        if orgs:
            first = orgs[0]
            key = first.canonical or first.text
            found = next((m for m in adoc.by_label("ORG") if (m.canonical or m.text) == key), first)
    adoc._headline_org = found
    return found


#: how an investor's name ends: a fund, a bank, a venture capital or an investment house
INVESTOR_SUFFIX_RE = re.compile(r"(?<=[가-힣A-Za-z0-9&]{2})(?:투자|투자금융|투자증권|증권|캐피탈|캐피털|벤처스|벤처투자|인베스트먼트|인베스트|파트너스|"
                                 r"자산운용|운용|은행|금융|펀드|홀딩스|Capital|Ventures|Partners|Investment)$")
#: morpheme tags of a proper name's first morpheme: proper noun (NNP) or foreign letters (SL)
_NAME_TAGS = ("NNP", "SL")


def token_index(adoc: ArticleDoc) -> tuple[list[int], list[str]]:
    """Start offsets and first-morpheme tags of the article's non-space tokens, built once."""
    if "_token_index" not in adoc.__dict__:
        toks = [t for t in adoc.doc if not t.is_space]
        adoc._token_index = ([t.idx for t in toks], [t.tag_.split("+")[0] for t in toks])
    return adoc._token_index


def tags_in(adoc: ArticleDoc, start: int, end: int) -> list[str]:
    """First-morpheme tags of the tokens that start in ``[start, end)``, found by
    bisection: callers ask for thousands of spans, never a pass over the tokens each."""
    starts, tags = token_index(adoc)
    return tags[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]


@functools.lru_cache(maxsize=8)
def _word_with_particle_re(particles: tuple[str, ...]) -> re.Pattern:
    """A word (optionally glossed in parentheses) followed by one of ``particles``."""
    return re.compile(r"(?<![가-힣A-Za-z0-9&])([가-힣A-Za-z0-9&]{2,30}?)(?:\([^()]{1,30}\))?("
                      + "|".join(sorted(particles, key=len, reverse=True)) + r")(?=\s)")


def proper_name_subject(adoc: ArticleDoc, start: int, end: int,
                        particles: Sequence[str] = ("은", "는", "이", "가")) -> Optional[Mention]:
    """The nearest subject or topic before ``end`` that is a proper name the tagger did not
    label: a word whose first morpheme is a proper noun or foreign letters, marked with
    은/는/이/가 ("TPG는", "칼라일이", "지큐엘은"). Generic nouns (회사는, 정부가) are not names.
    Returns a rule ``Mention`` of the word without its particle, or None."""
    text = adoc.text
    best = None
    word_re = _word_with_particle_re(tuple(particles))
    for w in word_re.finditer(text, start, end):
        tags = tags_in(adoc, w.start(1), w.start(1) + 1)
        named = (tags[:1] and tags[0] in _NAME_TAGS) or INVESTOR_SUFFIX_RE.search(w.group(1))
        if named and not adoc.in_range("ORG", w.start(1), w.end(1), contained=False):
            best = w
    if best is None:
        return None
    return Mention(best.start(1), best.end(1), best.group(1), "ORG", "rule")
