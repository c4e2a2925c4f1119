"""The ``facts`` table: what several articles report as one fact, rebuilt from the mention tables.

``OUT/facts/facts.parquet`` is one file, replaced atomically (written beside, renamed),
derived from ``paper_counts``, ``investments``, ``articles`` and ``entities`` (for the
organizations' parents) by :func:`models.facts.build_facts`.

* :func:`update_facts` runs at the end of ``run``, ``serve`` and ``reprocess``: it
  recomputes only the facts that the run's new rows touch (their paper-count keys and
  their investors' months) and keeps every other fact as it was. A rerun that writes no
  row changes nothing.
* :func:`rebuild_facts` (``kornews facts --out DIR --rebuild``) recomputes them all; it
  gives the same rows as the incremental path (``tests/test_facts.py``).

Columns (see :data:`FACTS_SCHEMA`): ``fact_id``, ``kind`` (paper_count | investment),
``org``, ``org_parent``, ``venues``, ``year``, ``year_resolved``, ``investor``,
``recipient``, ``month``, ``value`` (the count, or the amount in KRW), ``value_text``,
``values`` (JSON: every value with its article ids), ``conflict``, ``n_sources``,
``article_ids``, ``urls``, ``publishers``, ``first_reported``, ``last_reported``.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

import pyarrow as pa
import pyarrow.parquet as pq

from models.facts import build_facts, investment_group, paper_key
from models.schema import TS

from .store import read_table

FACTS_SCHEMA = pa.schema([
    ("fact_id", pa.string()), ("kind", pa.string()), ("org", pa.string()), ("org_parent", pa.string()),
    ("venues", pa.list_(pa.string())), ("year", pa.int16()), ("year_resolved", pa.bool_()),
    ("investor", pa.string()), ("recipient", pa.string()), ("month", pa.string()),
    ("value", pa.float64()), ("value_text", pa.string()), ("values", pa.string()), ("conflict", pa.bool_()),
    ("n_sources", pa.int32()), ("article_ids", pa.list_(pa.string())), ("urls", pa.list_(pa.string())),
    ("publishers", pa.list_(pa.string())), ("first_reported", TS), ("last_reported", TS),
])

FACTS_TABLE = "facts"

_PC_COLUMNS = ["article_id", "start", "org", "org_text", "venues", "year", "count", "count_text", "qualifier",
               "run_id"]
_INV_COLUMNS = ["article_id", "start", "investor", "investor_text", "recipient", "amount_text", "amount_krw_low",
                "amount_krw_high", "qualifier", "pub_month", "run_id"]


def facts_path(out: Path) -> Path:
    return Path(out) / FACTS_TABLE / "facts.parquet"


def read_facts(out: Path) -> pa.Table:
    """The facts table, or an empty one with its schema."""
    path = facts_path(out)
    if not path.exists():
        return FACTS_SCHEMA.empty_table()
    return pq.read_table(path, schema=FACTS_SCHEMA)


def _write(out: Path, rows: list[dict]) -> None:
    path = facts_path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(pa.Table.from_pylist(sorted(rows, key=lambda f: f["fact_id"]), schema=FACTS_SCHEMA), tmp,
                       compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _inputs(out: Path) -> tuple[list[dict], list[dict], list[dict], dict[str, str]]:
    pcs = read_table(out, "paper_counts", _PC_COLUMNS).to_pylist()
    invs = read_table(out, "investments", _INV_COLUMNS).to_pylist()
    arts = read_table(out, "articles", ["article_id", "url", "publisher", "published_at"]).to_pylist()
    ents = read_table(out, "entities", ["label", "canonical", "parent"]).to_pylist()
    parents = {e["canonical"]: e["parent"] for e in ents if e["label"] == "ORG" and e["canonical"] and e["parent"]}
    return pcs, invs, arts, parents


def rebuild_facts(out: Path) -> int:
    """Recompute every fact of ``out`` from its mention tables. Returns how many."""
    pcs, invs, arts, parents = _inputs(out)
    facts = build_facts(pcs, invs, arts, parents)
    _write(out, facts)
    return len(facts)


def update_facts(out: Path, run_id: str) -> Optional[int]:
    """Recompute the facts that the rows of run ``run_id`` touch; keep the others.

    Returns:
        How many facts were recomputed, or None when the run wrote no row (nothing changes).
    """
    if not facts_path(out).exists():
        return rebuild_facts(out)  # a folder written before facts existed: all of them, once
    pcs, invs, arts, parents = _inputs(out)
    new_pc = {paper_key(r) for r in pcs if r["run_id"] == run_id}
    new_inv = {investment_group(r) for r in invs if r["run_id"] == run_id}
    if not new_pc and not new_inv:
        return None
    touched_pc = [r for r in pcs if paper_key(r) in new_pc]
    touched_inv = [r for r in invs if investment_group(r) in new_inv]
    # the facts these groups held before this run: their rows without the run's own
    before = build_facts([r for r in touched_pc if r["run_id"] != run_id],
                         [r for r in touched_inv if r["run_id"] != run_id], arts, parents)
    stale = {f["fact_id"] for f in before}
    kept = [f for f in read_facts(out).to_pylist() if f["fact_id"] not in stale]
    fresh = build_facts(touched_pc, touched_inv, arts, parents)
    _write(out, kept + fresh)
    return len(fresh)
