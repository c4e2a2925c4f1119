"""Test helpers: generated articles and row-exact comparison of output folders."""
from __future__ import annotations

import json
from pathlib import Path

from models.schema import TABLES
from pipeline.store import read_table

#: columns that differ between two runs of the same input by design
RUN_COLUMNS = ("run_id", "ingested_at")

ORGS = ["네이버", "카카오브레인", "삼성전자", "LG AI연구원", "업스테이지", "서울대", "KAIST", "SK텔레콤"]
VENUES = ["NeurIPS", "ICLR", "ICML", "CVPR", "ACL", "뉴립스"]


def make_articles(folder: Path, n: int) -> Path:
    """Write ``n`` small distinct Korean articles (txt) into ``folder``, plus one exact duplicate.

    Article ``i`` names an organization, a venue with a paper count and an
    investment, so every table gets rows. Returns ``folder``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        org, other = ORGS[i % len(ORGS)], ORGS[(i * 3 + 1) % len(ORGS)]
        venue = VENUES[i % len(VENUES)]
        body = (f"{org}, {venue} {2015 + i % 10}에서 논문 {i % 9 + 1}편 채택\n\n"
                f"{org}는 {venue} {2015 + i % 10}에서 논문 {i % 9 + 1}편이 채택됐다고 {i % 28 + 1}일 밝혔다. "
                f"{other}은 {org}에 {i % 90 + 10}억원을 투자했다. 기사 번호 {i}번.\n")
        (folder / f"a{i:04d}.txt").write_text(body, encoding="utf-8")
    if n:
        (folder / "zz-duplicate.txt").write_text((folder / "a0000.txt").read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def table_rows(out: Path, table: str, drop: tuple = RUN_COLUMNS) -> list[str]:
    """Rows of one table, without ``drop`` columns, as sorted canonical JSON strings."""
    t = read_table(out, table)
    t = t.drop_columns([c for c in drop if c in t.column_names])
    return sorted(json.dumps(r, sort_keys=True, ensure_ascii=False, default=str) for r in t.to_pylist())


def all_rows(out: Path) -> dict[str, list[str]]:
    """:func:`table_rows` of every contract table."""
    return {t: table_rows(out, t) for t in TABLES}


def assert_same_rows(a: Path, b: Path) -> None:
    """Every table of ``a`` has exactly the rows of ``b`` (ignoring run_id/ingested_at), no duplicates."""
    for table in TABLES:
        ra, rb = table_rows(a, table), table_rows(b, table)
        assert ra == rb, f"{table}: {len(ra)} rows vs {len(rb)}"
    arts = read_table(a, "articles", ["article_id"]).column("article_id").to_pylist()
    assert len(arts) == len(set(arts)), "duplicate articles"
