"""Train the article-level organization decision (:mod:`models.orgdecision`).

Examples are the ORG names of articles with our own organization gold: the tuning part
of the real-press development set (``corpora/dev/gold_tune.json``, texts from the cache)
and the hand-annotated Wikinews articles (``corpora/gold/wikinews_orgs.json``, texts from
``../shared/corpora/news/wikinews_ko.jsonl``). A name is positive when its canonical name
or a surface is among a gold organization's aliases, negative when it matches none;
names that only match an ``optional`` entry are left out. The test part of the
development set is never read here.

``kornews train --backend orgs`` runs :func:`train_org_decision`.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator, Optional

from models.clean import clean_article
from models.document import ArticleDoc
from models.orgdecision import DECISION_PATH, group_names, name_features
from models.schema import RawArticle

from .devset import DEV_DIR
from .evaluate import norm

ROOT = Path(__file__).resolve().parent.parent
WIKINEWS_GOLD = ROOT / "corpora" / "gold" / "wikinews_orgs.json"
WIKINEWS = ROOT.parent / "shared" / "corpora" / "news" / "wikinews_ko.jsonl"


def _gold_articles(dev: Path = DEV_DIR, wikinews: Path = WIKINEWS) -> Iterator[tuple[RawArticle, list[dict]]]:
    gold = json.loads((dev / "gold_tune.json").read_text(encoding="utf-8"))
    for a in gold["articles"]:
        path = dev / "cache" / a["file"]
        if path.exists():
            yield RawArticle(source=a["file"], text=path.read_text(encoding="utf-8")), a.get("organizations", [])
    if wikinews.exists():
        wg = json.loads(WIKINEWS_GOLD.read_text(encoding="utf-8"))
        wanted = {a["id"]: a for a in wg["articles"]}
        with open(wikinews, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if r["id"] in wanted:
                    orgs = [{"aliases": o["aliases"] + o.get("names", []), "optional": o.get("optional", False)}
                            for o in wanted[r["id"]]["organizations"]]
                    yield RawArticle(source=r["id"], text=r["text"], title=r.get("title")), orgs


def _label(ms, orgs: list[dict]) -> Optional[int]:
    names = {norm(n) for m in ms for n in (m.canonical, m.text) if n}
    hit = [o for o in orgs if names & {norm(a) for a in o["aliases"]}]
    if not hit:
        return 0
    return None if all(o.get("optional") for o in hit) else 1


def build_examples(analyzer, log: Callable[[str], None] = print) -> tuple[list[dict], list[int], list[str]]:
    """Features, labels and (article, name) ids of every ORG name in the training gold."""
    from models.candidates import load_locations

    places = load_locations()
    xs, ys, ids = [], [], []
    raws = list(_gold_articles())
    for i, (raw, orgs) in enumerate(raws):
        clean = clean_article(raw)
        doc = next(analyzer.analyse_texts([clean.body]))
        adoc = ArticleDoc(doc, raw.published_at or clean.published_at, clean.title)
        for key, ms in group_names(adoc.mentions).items():
            y = _label(ms, orgs)
            if y is None:
                continue
            xs.append(name_features(adoc, ms, places))
            ys.append(y)
            ids.append(f"{raw.source}\t{ms[0].text}")
        if (i + 1) % 50 == 0:
            log(f"{i + 1}/{len(raws)} articles")
    return xs, ys, ids


def train_org_decision(out: Path = DECISION_PATH, log: Callable[[str], None] = print, seed: int = 0) -> dict:
    """Fit the logistic regression, choose the threshold by 5-fold cross-validation (best
    F1 of the pooled out-of-fold scores), and write the weights to ``out``."""
    import numpy
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    from models.analyse import Analyzer

    analyzer = Analyzer(None, "default", errors="raise")
    xs, ys, _ = build_examples(analyzer, log)
    names = sorted({k for x in xs for k in x})
    X = numpy.array([[x.get(k, 0.0) for k in names] for x in xs])
    y = numpy.array(ys)
    model = LogisticRegression(C=1.0, max_iter=2000, random_state=seed)
    oof = cross_val_predict(model, X, y, cv=5, method="predict_proba")[:, 1]
    best = max(((t, _f1(oof >= t, y)) for t in numpy.arange(0.2, 0.81, 0.02)), key=lambda p: p[1])
    model.fit(X, y)
    weights = {"features": names, "coef": [round(float(c), 6) for c in model.coef_[0]],
               "intercept": round(float(model.intercept_[0]), 6), "threshold": round(float(best[0]), 2),
               "cv_f1": round(float(best[1]), 4), "n_names": int(len(y)), "n_positive": int(y.sum()),
               "trained_on": ["corpora/dev/gold_tune.json", "corpora/gold/wikinews_orgs.json"],
               "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%d")}
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(weights, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"{len(y)} names ({int(y.sum())} organizations); 5-fold CV F1 {best[1]:.3f} at threshold {best[0]:.2f}")
    return weights


def _f1(pred, y) -> float:
    tp = float((pred & (y == 1)).sum())
    fp = float((pred & (y == 0)).sum())
    fn = float((~pred & (y == 1)).sum())
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0
