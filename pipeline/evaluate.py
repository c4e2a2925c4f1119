"""Score a kornews output folder against a gold file (``seeds/gold.json`` format).

Matching rules (the gold file's "about" field):

* **organizations / venues**: a prediction matches a gold entry when its
  canonical name or surface form is among the entry's aliases (venues: its
  name), case-insensitive, spaces ignored. Venues also match on ``year``
  (``null`` = no edition named). One prediction per distinct canonical name.
* **paper counts**: ``count`` equal, venue sets equal, org among the aliases.
* **investments**: KRW ``low``/``high`` agree within 1% and the investor matches.
* entries marked ``optional`` are neither required nor penalised: a prediction
  that matches only an optional entry is not counted at all.
* ``not_paper_counts``: no predicted paper count may overlap these strings;
  ``boilerplate_must_not_yield``: these strings must not be left in the body.

Gold articles are found in the run by ``articles.source``: the gold ``file`` is
the source's file name (``x.txt``), archive member (``a.zip!x.txt``) or JSONL
line (``articles.jsonl:3``).
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Optional

from models.errors import DataFileError, Errors, KornewsError

from .store import read_table

KINDS = ("organizations", "venues", "paper_counts", "investments")


def norm(s: Optional[str]) -> str:
    return "".join((s or "").split()).casefold()


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def load_gold(path: Path) -> dict:
    try:
        gold = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise DataFileError(Errors.E003.format(path=path, line=getattr(e, "lineno", 1), detail=str(e),
                                               expected='{"articles": [{"file": ..., ...}]}')) from e
    if not isinstance(gold, dict) or not isinstance(gold.get("articles"), list):
        raise DataFileError(Errors.E003.format(path=path, line=1, detail="no 'articles' list",
                                               expected='{"articles": [{"file": ..., ...}]}'))
    return gold


def _source_matches(source: str, file: str) -> bool:
    return source == file or source.endswith("/" + file) or source.endswith("!" + file) or \
        source.endswith("!" + file.split("/")[-1])


def _match(preds: list, golds: list, ok) -> tuple[int, int, int, list, list]:
    """Greedy one-to-one matching. Returns tp, fp, fn, unmatched preds, missed golds."""
    used: set[int] = set()
    tp = fp = 0
    unmatched = []
    for p in preds:
        hit = next((i for i, g in enumerate(golds) if i not in used and not g.get("optional") and ok(p, g)), None)
        if hit is None:
            hit_opt = next((i for i, g in enumerate(golds) if i not in used and g.get("optional") and ok(p, g)), None)
            if hit_opt is not None:
                used.add(hit_opt)
                continue
            if any(ok(p, g) for g in golds):  # a duplicate of something already matched: not an error
                continue
            fp += 1
            unmatched.append(p)
            continue
        used.add(hit)
        tp += 1
    missed = [g for i, g in enumerate(golds) if not g.get("optional") and i not in used]
    return tp, fp, len(missed), unmatched, missed


def _alias_hit(values: Iterable[Optional[str]], aliases: Iterable[str]) -> bool:
    al = {norm(a) for a in aliases}
    return any(v and norm(v) in al for v in values)


def _close(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.01 * max(abs(a), abs(b))


def _amount_match(p: dict, g: dict) -> bool:
    """KRW ranges agree within 1%; a gold foreign amount that the text gives no KRW
    conversion for (``amount_krw_low`` and ``high`` null) matches on its own currency."""
    if g.get("amount_krw_low") is None and g.get("amount_krw_high") is None and g.get("amount_original") is not None:
        return p["currency"] == g.get("currency") and _close(p["amount"], float(g["amount_original"]))
    return _close(p["amount_krw_low"], g.get("amount_krw_low")) and _close(p["amount_krw_high"], g.get("amount_krw_high"))


def _occurrences(body: str, s: str) -> Iterable[int]:
    start = body.find(s) if s else -1
    while start >= 0:
        yield start
        start = body.find(s, start + 1)


class EvalError(KornewsError):
    """A run cannot be scored against a gold file."""


def evaluate(gold_path: Path, pred_dir: Path) -> dict:
    """Score ``pred_dir`` against ``gold_path``. Returns per-kind P/R/F1, coverage and details.

    A gold article the run does not hold counts its records as misses, and
    ``coverage`` says how many of the gold's articles the run holds.

    Raises:
        EvalError: ``[E088]`` the run holds none of the gold's articles.
        DataFileError: ``[E003]`` the gold file is malformed.
    """
    gold = load_gold(gold_path)
    arts = read_table(pred_dir, "articles", ["article_id", "source", "body"]).to_pylist()
    tables = {t: defaultdict(list) for t in ("entities", "paper_counts", "investments")}
    for t in tables:
        for row in read_table(pred_dir, t).to_pylist():
            tables[t][row["article_id"]].append(row)
    totals = {k: [0, 0, 0] for k in KINDS}
    forbidden_hits: list[dict] = []
    forbidden_inv: list[dict] = []
    strict = bool(gold.get("strict"))
    boiler_hits: list[dict] = []
    per_article = []
    missing_articles = []
    for ga in gold["articles"]:
        art = next((a for a in arts if _source_matches(a["source"], ga["file"])), None)
        if art is None:
            missing_articles.append(ga["file"])
            for k in KINDS:
                totals[k][2] += sum(1 for g in ga.get(k, []) if not g.get("optional"))
            continue
        aid, body = art["article_id"], art["body"]
        ents = tables["entities"][aid]
        detail = {"file": ga["file"]}

        groups: dict[str, dict] = {}
        for e in ents:
            if e["label"] == "ORG":
                key = norm(e["canonical"] or e["text"])
                g = groups.setdefault(key, {"canonical": e["canonical"], "surfaces": set()})
                g["surfaces"].add(e["text"])
        org_preds = list(groups.values())
        res = _match(org_preds, ga.get("organizations", []),
                     lambda p, g: _alias_hit([p["canonical"], *p["surfaces"]], g["aliases"]))
        _add(totals["organizations"], res, detail, "organizations",
             lambda p: p["canonical"] or sorted(p["surfaces"])[0], lambda g: g["aliases"][0])

        venue_preds = sorted({(e["canonical"] or e["text"], e["year"]) for e in ents if e["label"] == "VENUE"},
                             key=str)
        res = _match(venue_preds, ga.get("venues", []),
                     lambda p, g: norm(p[0]) == norm(g["name"]) and p[1] == g.get("year"))
        _add(totals["venues"], res, detail, "venues", lambda p: f"{p[0]} {p[1] or ''}".strip(),
             lambda g: f"{g['name']} {g.get('year') or ''}".strip())

        pcs = tables["paper_counts"][aid]
        res = _match(pcs, ga.get("paper_counts", []), lambda p, g: (
            p["count"] == g.get("count")
            and {norm(v) for v in p["venues"] or []} == {norm(v) for v in g.get("venues") or []}
            and _alias_hit([p["org"], p["org_text"]], g.get("org") or [])
            and (not strict or p["year"] == g.get("year"))))
        _add(totals["paper_counts"], res, detail, "paper_counts",
             lambda p: f"{p['org']} {p['count']} {list(p['venues'] or [])} {p['year']} «{p['count_text']}»",
             lambda g: f"{(g.get('org') or ['?'])[0]} {g.get('count')} {g.get('venues')} {g.get('year')} «{g.get('evidence', '')}»")

        invs = tables["investments"][aid]
        res = _match(invs, ga.get("investments", []), lambda p, g: _amount_match(p, g) and (
            _alias_hit([p["investor"], p["investor_text"]], g.get("investor") or [])
            if g.get("investor") or not strict else p["investor"] is None))
        _add(totals["investments"], res, detail, "investments",
             lambda p: f"{p['investor']} {p['amount_text']} {p['amount_krw_low']}..{p['amount_krw_high']}",
             lambda g: f"{(g.get('investor') or ['?'])[0]} {g.get('amount_krw_low')}..{g.get('amount_krw_high')}")

        for s in ga.get("not_paper_counts", []):
            start = body.find(s)
            while start >= 0:
                end = start + len(s)
                for p in pcs:
                    if p["start"] < end and start < p["end"]:
                        forbidden_hits.append({"file": ga["file"], "text": s, "count_text": p["count_text"]})
                start = body.find(s, start + 1)
        for s in ga.get("not_investments", []):
            for start in _occurrences(body, s):
                for p in invs:
                    if p["start"] < start + len(s) and start < p["end"]:
                        forbidden_inv.append({"file": ga["file"], "text": s, "amount_text": p["amount_text"]})
        for s in ga.get("boilerplate_must_not_yield", []):
            if s in body:
                boiler_hits.append({"file": ga["file"], "text": s})
        per_article.append(detail)
    n_gold = len(gold["articles"])
    if n_gold and len(missing_articles) == n_gold:
        raise EvalError(Errors.E088.format(pred=pred_dir, n=n_gold, gold=gold_path, folder=Path(gold_path).parent))
    scores = {k: _prf(*totals[k]) for k in KINDS}
    return {"gold": str(gold_path), "pred": str(pred_dir), "scores": scores,
            "coverage": {"articles_in_run": n_gold - len(missing_articles), "gold_articles": n_gold},
            "forbidden_counts_extracted": forbidden_hits, "forbidden_investments_extracted": forbidden_inv,
            "boilerplate_left": boiler_hits,
            "missing_articles": missing_articles, "articles": per_article}


def _add(total: list, res, detail: dict, kind: str, show_pred, show_gold) -> None:
    tp, fp, fn, unmatched, missed = res
    total[0] += tp
    total[1] += fp
    total[2] += fn
    detail[kind] = {"tp": tp, "fp": [show_pred(p) for p in unmatched], "fn": [show_gold(g) for g in missed]}


def format_report(report: dict, details: bool = False) -> str:
    """A human-readable table of the scores (and misses with ``details``)."""
    lines = [f"{'kind':14} {'P':>7} {'R':>7} {'F1':>7} {'tp':>5} {'fp':>5} {'fn':>5}"]
    for k, s in report["scores"].items():
        lines.append(f"{k:14} {s['precision']:7.3f} {s['recall']:7.3f} {s['f1']:7.3f} {s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")
    cov = report["coverage"]
    lines.append(f"coverage: {cov['articles_in_run']}/{cov['gold_articles']} gold articles in the run")
    lines.append(f"forbidden counts extracted: {len(report['forbidden_counts_extracted'])}")
    lines.append(f"forbidden investments extracted: {len(report.get('forbidden_investments_extracted', []))}")
    lines.append(f"boilerplate left in bodies: {len(report['boilerplate_left'])}")
    if report["missing_articles"]:
        lines.append(f"gold articles not in the run: {', '.join(report['missing_articles'])}")
    if details:
        for a in report["articles"]:
            for k in KINDS:
                d = a.get(k)
                if d and (d["fp"] or d["fn"]):
                    lines.append(f"{a['file']} {k}: FP {d['fp']}  FN {d['fn']}")
        for h in report["forbidden_counts_extracted"]:
            lines.append(f"{h['file']} forbidden count extracted: {h['text']} («{h['count_text']}»)")
        for h in report.get("forbidden_investments_extracted", []):
            lines.append(f"{h['file']} forbidden investment extracted: {h['text']} («{h['amount_text']}»)")
    return "\n".join(lines)
