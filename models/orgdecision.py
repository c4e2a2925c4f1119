"""Organizations as a reader would list them: one learned decision per article.

The statistical tagger calls many unfamiliar nouns ORG (그래핀, 미토콘드리아, 아르테미스).
Every ORG candidate of an article (the model's spans, gazetteer names, rule and
apposition names) is grouped by name, described by features, and scored by one small
logistic regression. A name whose score is under the threshold is not an organization:
its mentions leave the document, so the same decision feeds the ``entities`` table,
the org slots of paper counts and investments, and the report.

Features of a name in its article (:func:`name_features`):

* where it came from: gazetteer, model, rule; whether it has a canonical name;
* its shape: length, words, Hangul, Latin case, digits, a glossing parenthesis;
* how it ends: an organization suffix class (…대학교, …연구원, …재단, …센터, …부/청/처,
  …그룹, …전자, …은행, …벤처스, ㈜, Inc ...);
* mecab-ko's part of speech of its first morpheme (NNP, NNG, SL) and its share of
  common-noun morphemes;
* the particles after its mentions (subject, genitive, locative, object, with);
* cue words around its mentions (소속, 연구팀, 관계자, 측은, 에 따르면, 와 협약 …);
* how often it recurs, whether the headline names it, whether it is a place.

The weights are data (``models/orgs/decision.json``), trained by
``kornews train --backend orgs`` on our own article gold (:mod:`pipeline.orgtrain`).
Without that file every candidate is kept, as before.
"""
from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path
from typing import Optional

from .extract.context import particle_after, tags_in
from .mention import Mention

DECISION_PATH = Path(__file__).resolve().parent / "orgs" / "decision.json"

_ORG_SUFFIX_RE = re.compile(
    r"(?:대학교|대학원|대학|대|연구원|연구소|연구단|연구실|연구센터|연구회|재단|센터|병원|의료원|학회|협회|위원회|공사|공단|"
    r"진흥원|은행|증권|보험|캐피탈|캐피털|벤처스|투자|인베스트먼트|파트너스|자산운용|운용|그룹|홀딩스|지주|전자|화학|"
    r"제약|바이오|바이오로직스|테크|테크놀로지|랩|랩스|소프트|모빌리티|엔터테인먼트|엔터|통신|텔레콤|네트웍스|시스템즈|"
    r"부|청|처|원|실|국|과|당|청와대|법원|검찰청|경찰청|㈜|\(주\)|Inc\.?|Corp\.?|Co\.?|Ltd\.?|Lab|Labs|University|"
    r"Institute|Group|Bank|Capital|Ventures|Partners|AI)$")
_ORG_PREFIX_RE = re.compile(r"^(?:㈜|\(주\)|주식회사|재단법인|사단법인|국립|한국|대한)")
_CUE_ORG_RE = re.compile(r"소속|연구팀|연구진|관계자|측은|측이|측에|대표|회장|사장|총장|원장|교수|협약|업무협약|MOU|"
                         r"에 따르면|밝혔다|설립|인수|투자|출자|계열사|자회사|본사|주가|상장|발표했다")
_CUE_TERM_RE = re.compile(r"물질|소재|세포|질환|치료|분석|구조|현상|효과|입자|단백질|유전자|기술을|원리|성분|반응|"
                          r"미션|탐사|제품|모델|시리즈|출시|족")
_PARTICLES = {"subj": ("은", "는", "이", "가", "도"), "gen": ("의",), "loc": ("에서", "에서는", "에", "에는", "으로", "로"),
              "obj": ("을", "를"), "with": ("와", "과", "와의", "과의", "및")}
_HANGUL_RE = re.compile(r"[가-힣]")
_LATIN_RE = re.compile(r"[A-Za-z]")


def name_key(m: Mention) -> str:
    """The name a mention stands for in its article: its canonical name, else its surface."""
    return "".join((m.canonical or m.text).split()).casefold()


def group_names(mentions: list[Mention]) -> dict[str, list[Mention]]:
    """ORG mentions grouped by :func:`name_key`, in text order."""
    groups: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.label == "ORG":
            groups.setdefault(name_key(m), []).append(m)
    return groups


def _particle_class(text: str, end: int) -> str:
    p = particle_after(text, end)
    for name, ps in _PARTICLES.items():
        if p in ps or any(p.startswith(x) for x in ps if len(x) > 1):
            return name
    return "none"


def name_features(adoc, ms: list[Mention], places: frozenset = frozenset()) -> dict[str, float]:
    """Features of one name (all its ORG mentions ``ms``) in its article ``adoc``."""
    text = adoc.text
    surface = max((m.text for m in ms), key=len)
    first = ms[0]
    tags = tags_in(adoc, first.start, first.end)
    written_counts = _written(adoc)
    f: dict[str, float] = {
        "src_gazetteer": float(any(m.source == "gazetteer" for m in ms)),
        "src_model": float(any(m.source == "model" for m in ms)),
        "src_rule": float(any(m.source == "rule" for m in ms)),
        "has_canonical": float(any(m.canonical for m in ms)),
        "n_mentions": math.log1p(len(ms)),
        "len_chars": min(len(surface), 30) / 10,
        "n_words": min(len(surface.split()), 6) / 3,
        "suffix_org": float(bool(_ORG_SUFFIX_RE.search(surface))),
        "prefix_org": float(bool(_ORG_PREFIX_RE.search(surface))),
        "has_hangul": float(bool(_HANGUL_RE.search(surface))),
        "latin_only": float(bool(_LATIN_RE.search(surface)) and not _HANGUL_RE.search(surface)),
        "latin_allcaps": float(surface.isascii() and surface.replace(" ", "").isupper()),
        "latin_lower": float(surface.isascii() and surface.islower()),
        "has_digit": float(any(c.isdigit() for c in surface)),
        "pos_nnp": float(bool(tags) and tags[0] == "NNP"),
        "pos_nng": float(bool(tags) and tags[0] == "NNG"),
        "pos_sl": float(bool(tags) and tags[0] == "SL"),
        "share_nng": (sum(t == "NNG" for t in tags) / len(tags)) if tags else 0.0,
        "is_place": float(surface in places),
        "in_title": float(bool(adoc.title) and any(m.text in adoc.title for m in ms)),
        "first_pos": first.start / max(1, len(text)),
        "gloss": float(any(re.match(r"\s?\([A-Za-z가-힣][^()]{0,30}\)", text[m.end:m.end + 32]) for m in ms)),
        # a listed company's stock code: "동국제강(460860)", "(KS:005930)"
        "stock_code": float(any(re.match(r"\s?\((?:[A-Z]{2,6}\s?:\s?)?\d{6}\)", text[m.end:m.end + 20]) for m in ms)),
    }
    # do its mentions agree? a name is tagged wherever it is written; a common noun the
    # tagger took for a name here and there is written far more often than it is tagged
    written = max(len(ms), sum(written_counts.get(t, 0) for t in {m.text for m in ms}))
    f["tagged_share"] = len(ms) / written
    f["single_nng"] = float(len(tags) == 1 and tags[0] == "NNG")
    counts = {k: 0 for k in (*_PARTICLES, "none")}
    cue_org = cue_term = 0
    for m in ms:
        counts[_particle_class(text, m.end)] += 1
        window = text[max(0, m.start - 12):m.end + 14]
        cue_org += bool(_CUE_ORG_RE.search(window))
        cue_term += bool(_CUE_TERM_RE.search(window))
    for k, v in counts.items():
        f[f"particle_{k}"] = v / len(ms)
    f["cue_org"] = cue_org / len(ms)
    f["cue_term"] = cue_term / len(ms)
    return f


def _written(adoc) -> dict[str, int]:
    """How often each ORG surface of the article is written in it, in one pass over the
    text (pyahocorasick), whatever the number of names."""
    if "_org_written" not in adoc.__dict__:
        import ahocorasick

        surfaces = {m.text for m in adoc.mentions if m.label == "ORG" and m.text}
        counts = dict.fromkeys(surfaces, 0)
        if surfaces:
            automaton = ahocorasick.Automaton()
            for t in surfaces:
                automaton.add_word(t, t)
            automaton.make_automaton()
            for _, t in automaton.iter(adoc.text):
                counts[t] += 1
        adoc._org_written = counts
    return adoc._org_written


@functools.lru_cache(maxsize=2)
def load_decision(path: Optional[str] = None) -> Optional[dict]:
    """The trained weights, or None when no decision was trained (every candidate is kept)."""
    p = Path(path) if path else DECISION_PATH
    if not p.exists():
        return None
    return json.loads(p.read_text(encoding="utf-8"))


def score(weights: dict, features: dict[str, float]) -> float:
    """The probability that a name is an organization, from a logistic model's weights."""
    z = weights["intercept"] + sum(w * features.get(name, 0.0) for name, w in zip(weights["features"],
                                                                                    weights["coef"]))
    return 1 / (1 + math.exp(-max(-40.0, min(40.0, z))))


def decide(adoc, weights: Optional[dict] = None) -> dict[str, float]:
    """Score every ORG name of an article: ``{name_key: probability}``."""
    weights = weights if weights is not None else load_decision()
    if weights is None:
        return {}
    from .candidates import load_locations

    places = load_locations()
    return {k: score(weights, name_features(adoc, ms, places)) for k, ms in group_names(adoc.mentions).items()}


def apply_decision(adoc, weights: Optional[dict] = None) -> set[str]:
    """Remove from ``adoc`` the ORG mentions of names scored under the threshold.

    Returns:
        The names removed.
    """
    weights = weights if weights is not None else load_decision()
    if weights is None:
        return set()
    scores = decide(adoc, weights)
    rejected = {k for k, p in scores.items() if p < weights["threshold"]}
    if rejected:
        adoc.doc._.mentions = [m for m in adoc.mentions if m.label != "ORG" or name_key(m) not in rejected]
        adoc.__dict__.pop("_by_label", None)
        adoc.__dict__.pop("_main_org", None)
    return rejected
