"""Offsets round-trip on every seed and sample article: ``body[start:end] == text``."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from pipeline.ingest import iter_articles
from models.schema import RawArticle

from conftest import SAMPLES

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _raws(folder) -> list[RawArticle]:
    return [r for r in iter_articles([str(folder)]) if isinstance(r, RawArticle)]


def _check(records) -> None:
    bodies = {a.article_id: a.body for a in records.articles}
    assert records.entities, "no entities at all"
    for e in records.entities:
        assert bodies[e.article_id][e.start:e.end] == e.text, e
        assert e.text == e.text.strip() and "\n" not in e.text, e  # no span over a paragraph break
    for p in records.paper_counts:
        assert bodies[p.article_id][p.start:p.end] == p.count_text, p
    for i in records.investments:
        assert bodies[i.article_id][i.start:i.end] == i.amount_text, i


@pytest.mark.parametrize("which", ["rules", "default"])
def test_sample_offsets_round_trip(which, rules_analyzer, analyzer):
    a = rules_analyzer if which == "rules" else analyzer
    raws = _raws(SAMPLES)
    assert len(raws) >= 12
    records = a.process(raws, "t", T0)
    assert len(records.articles) == len(raws) and not records.quarantine
    _check(records)


@pytest.mark.seeds
@pytest.mark.parametrize("which", ["rules", "default"])
def test_seed_offsets_round_trip(which, seeds_dir, rules_analyzer, analyzer):
    a = rules_analyzer if which == "rules" else analyzer
    raws = _raws(seeds_dir / "*.txt")
    assert len(raws) == 5
    records = a.process(raws, "t", T0)
    assert len(records.articles) == 5
    _check(records)
    # nothing is extracted from related-article lists or footers: they are not in the body
    for art in records.articles:
        for marker in ("관련기사", "무단", "ⓒ", "등록번호", "바로가기"):
            assert marker not in art.body
