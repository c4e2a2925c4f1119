"""One fact, many articles: merging the mention rows that report the same fact.

A paper-count fact is an organization's count at a set of venues in a year; an
investment fact is an investor's amount in a month. Several outlets report one fact,
often with small differences, and each report is a row of ``paper_counts`` or
``investments``. :func:`build_facts` merges them:

* **paper counts** are keyed by organization (canonical), venue set and year. The
  year is the edition or 올해/지난해 resolved against the article's own date by the
  extractor; a row with no year is *unresolved* and stays a fact of its own.
* **investments** are keyed by investor (canonical), month (the article's ``pub_month``)
  and amount: amounts in KRW within :data:`AMOUNT_TOLERANCE` of each other are one
  fact. Undated reports share the month ``unknown`` (they are never merged with dated
  ones); a row with no investor or no KRW value stays a fact of its own.

Each fact carries the value most sources give, every value with its sources, the
article ids, urls and publishers, the first and last report dates, and ``conflict``
when its sources disagree (another count; amounts further apart than the tolerance
allows within the fact; or qualifiers that differ, 이상 against 약).

The functions here take and return plain dicts; reading and writing the Parquet
table is :mod:`pipeline.facts`.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import Iterable, Optional

#: Two KRW amounts are one investment when they differ by at most this share.
AMOUNT_TOLERANCE = 0.05

FACT_KINDS = ("paper_count", "investment")


def _fact_id(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:16]


def _krw(row: dict) -> Optional[float]:
    lo, hi = row.get("amount_krw_low"), row.get("amount_krw_high")
    if lo is not None and hi is not None:
        return (lo + hi) / 2
    if lo is not None:
        return float(lo)
    if hi is not None:
        return float(hi)
    return None


def paper_key(row: dict) -> tuple:
    """The fact a paper-count row reports: (org, venues, year), or its own key when the
    year is unresolved or the organization unknown."""
    venues = tuple(sorted(row.get("venues") or ()))
    if row.get("year") is None or not row.get("org"):
        return ("paper_count", "unresolved", row["article_id"], row["start"])
    return ("paper_count", row["org"], venues, int(row["year"]))


def investment_group(row: dict) -> tuple:
    """The group an investment row is clustered in by amount: (investor, month), or its
    own key when the investor or the date is unknown or the amount has no KRW value."""
    month = row.get("pub_month")
    if not row.get("investor") or _krw(row) is None:
        return ("investment", "unresolved", row["article_id"], row["start"])
    # undated reports of one investor's amount are one fact too, in their own month "unknown"
    return ("investment", row["investor"], month or "unknown")


def _cluster_amounts(rows: list[dict]) -> list[list[dict]]:
    """Rows of one (investor, month) group, clustered: sorted by amount, a row joins the
    cluster whose smallest amount is within the tolerance of it."""
    clusters: list[list[dict]] = []
    for row in sorted(rows, key=lambda r: (_krw(r), r["article_id"], r["start"])):
        v = _krw(row)
        if clusters and v <= _krw(clusters[-1][0]) * (1 + AMOUNT_TOLERANCE):
            clusters[-1].append(row)
        else:
            clusters.append([row])
    return clusters


def investment_keys(rows: Iterable[dict]) -> dict[tuple, tuple]:
    """``{(article_id, start): fact key}`` for investment rows, amounts clustered per group."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(investment_group(r), []).append(r)
    out: dict[tuple, tuple] = {}
    for g, rs in groups.items():
        if g[1] == "unresolved":
            out[(rs[0]["article_id"], rs[0]["start"])] = g
            continue
        for cluster in _cluster_amounts(rs):
            key = (*g, round(_krw(cluster[0])))
            for r in cluster:
                out[(r["article_id"], r["start"])] = key
    return out


def _sources(rows: list[dict], articles: dict[str, dict]) -> dict:
    ids = sorted({r["article_id"] for r in rows})
    arts = [articles.get(i, {}) for i in ids]
    dates = sorted(a["published_at"] for a in arts if a.get("published_at") is not None)
    return {
        "n_sources": len(ids),
        "article_ids": ids,
        "urls": sorted({a["url"] for a in arts if a.get("url")}),
        "publishers": sorted({a["publisher"] for a in arts if a.get("publisher")}),
        "first_reported": dates[0] if dates else None,
        "last_reported": dates[-1] if dates else None,
    }


def _values(rows: list[dict], value_of) -> tuple[object, str, bool]:
    """The value most sources give (ties: the larger), every value with its sources, and
    whether the sources disagree."""
    by_value: dict[object, set] = {}
    for r in rows:
        by_value.setdefault(value_of(r), set()).add(r["article_id"])
    ranked = sorted(by_value.items(), key=lambda kv: (-len(kv[1]), -(kv[0] if isinstance(kv[0], (int, float))
                                                                      else 0)))
    listing = json.dumps([{"value": v, "n": len(a), "article_ids": sorted(a)} for v, a in ranked],
                         ensure_ascii=False)
    return ranked[0][0], listing, len(by_value) > 1


def _text_of(rows: list[dict], value, value_of, field: str) -> Optional[str]:
    """The surface of a row that gives the fact's value: "12편", "약 300억원"."""
    return next((r.get(field) for r in rows if value_of(r) == value), rows[0].get(field))


def build_facts(paper_counts: Iterable[dict], investments: Iterable[dict], articles: Iterable[dict],
                parents: Optional[dict[str, str]] = None) -> list[dict]:
    """Facts from mention rows (each with ``article_id``, ``start`` and its table's columns;
    investments also with ``pub_month``), sorted by ``fact_id``.

    Args:
        articles: rows with ``article_id``, ``url``, ``publisher``, ``published_at``.
        parents: canonical organization -> its parent organization (네이버 클로바 -> 네이버).
    """
    arts = {a["article_id"]: a for a in articles}
    parents = parents or {}
    facts: list[dict] = []
    pcs: dict[tuple, list[dict]] = {}
    for r in paper_counts:
        pcs.setdefault(paper_key(r), []).append(r)
    for key, rows in pcs.items():
        value, listing, differ = _values(rows, lambda r: r.get("count"))
        quals = {r.get("qualifier") for r in rows}
        org = rows[0].get("org") or rows[0].get("org_text")
        facts.append({
            "fact_id": _fact_id(*key), "kind": "paper_count", "org": org, "org_parent": parents.get(org),
            "venues": list(key[2]) if key[1] != "unresolved" else sorted(rows[0].get("venues") or []),
            "year": key[3] if key[1] != "unresolved" else rows[0].get("year"),
            "year_resolved": key[1] != "unresolved",
            "investor": None, "recipient": None, "month": None,
            "value": float(value) if value is not None else None,
            "value_text": _text_of(rows, value, lambda r: r.get("count"), "count_text"),
            "values": listing, "conflict": differ or len(quals) > 1, **_sources(rows, arts),
        })
    inv_rows = list(investments)
    keys = investment_keys(inv_rows)
    groups: dict[tuple, list[dict]] = {}
    for r in inv_rows:
        groups.setdefault(keys[(r["article_id"], r["start"])], []).append(r)
    for key, rows in groups.items():
        value, listing, _ = _values(rows, lambda r: _krw(r))
        amounts = [_krw(r) for r in rows if _krw(r) is not None]
        spread = bool(amounts) and max(amounts) > min(amounts) * (1 + AMOUNT_TOLERANCE)
        quals = {r.get("qualifier") for r in rows}
        recipients = Counter(r.get("recipient") for r in rows if r.get("recipient"))
        investor = rows[0].get("investor") or rows[0].get("investor_text")
        facts.append({
            "fact_id": _fact_id(*key), "kind": "investment", "org": None, "org_parent": None, "venues": [],
            "year": None, "year_resolved": key[1] != "unresolved",
            "investor": investor, "recipient": recipients.most_common(1)[0][0] if recipients else None,
            "month": key[2] if key[1] != "unresolved" and key[2] != "unknown" else None,
            "value": float(value) if value is not None else None,
            "value_text": _text_of(rows, value, _krw, "amount_text"),
            "values": listing, "conflict": spread or len(quals) > 1, **_sources(rows, arts),
        })
    return sorted(facts, key=lambda f: f["fact_id"])


def fact_keys_of(paper_counts: Iterable[dict], investments: Iterable[dict]) -> set[str]:
    """The ``fact_id`` of every fact the given rows report (investments clustered among
    themselves: pass every row of the touched (investor, month) groups)."""
    ids = {_fact_id(*paper_key(r)) for r in paper_counts}
    ids |= {_fact_id(*k) for k in investment_keys(list(investments)).values()}
    return ids
