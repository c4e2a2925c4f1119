"""The records of one run as a Prefect markdown artifact: what was extracted, with its evidence.

``kornews run`` and ``kornews reprocess`` publish it (key ``kornews-records``)
beside the counters table, so the Prefect UI (``kornews ui``) shows the top
organizations, the paper counts and the investments of each run, each record
with its evidence sentence, and where the HTML report is (``kornews report``).

The tables are aggregated by DuckDB over the run's own Parquet files (the
``run_id`` is in their names), so the cost does not grow with the folder's
history nor, per row, in Python.
"""
from __future__ import annotations

from pathlib import Path

from .store import table_dir

#: Markdown table cells: a pipe or a line break would end the cell or the row.
_CELL_ESCAPES = str.maketrans({"|": "\\|", "\n": " ", "\r": " "})


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value) or "–"
    return str(value).translate(_CELL_ESCAPES)


def _table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _listing(header: list[str], rows: list[tuple], max_records: int, cells) -> str:
    """A table of the first ``max_records`` rows (each ending in the total count), and how many there are."""
    if not rows:
        return "None found."
    total = rows[0][-1]
    shown = rows[:max_records]
    text = _table(header, [cells(r[:-1]) for r in shown]) if shown else ""
    if total > len(shown):
        text += f"\n\n{len(shown)} of {total:,} shown."
    return text.strip()


def _won(value) -> str:
    if value is None:
        return "–"
    value = float(value)
    if value >= 1e12:
        return f"{value / 1e12:,.2f}조원"
    if value >= 1e8:
        return f"{value / 1e8:,.1f}억원"
    return f"{value:,.0f}원"


def _files(out_dir: Path, table: str, run_id: str) -> list[str]:
    return sorted(str(p) for p in table_dir(out_dir, table).rglob(f"part-{run_id}-*.parquet"))


def facts_markdown(out_dir: Path, top: int = 10) -> str:
    """The most reported facts of the whole output folder, conflicts marked, each with
    its sources as links (the ``facts`` table; empty when it has none)."""
    from .facts import read_facts

    facts = sorted(read_facts(Path(out_dir)).to_pylist(), key=lambda f: (-f["n_sources"], f["fact_id"]))
    if not facts:
        return "## Facts\n\nNone yet."
    lines = [f"## Facts ({len(facts):,}; the most reported first)", ""]
    for f in facts[:top]:
        if f["kind"] == "paper_count":
            what = f"{f['org']} · {', '.join(f['venues']) or 'no venue'} · {f['year'] or 'year unresolved'}"
        else:
            what = f"{f['investor'] or 'investor not named'} → {f['recipient'] or '?'} · {f['month'] or 'undated'}"
        links = ", ".join(f"[{i + 1}]({u})" for i, u in enumerate(f["urls"][:5])) or ", ".join(f["publishers"])
        flag = " **conflict**" if f["conflict"] else ""
        lines.append(f"- {_cell(what)}: {_cell(f['value_text'])}{flag} — {f['n_sources']} source(s) {links}".rstrip())
    return "\n".join(lines)


def records_markdown(out_dir: Path | str, run_id: str, top: int = 10, max_records: int = 20) -> str:
    """A markdown summary of the records run ``run_id`` wrote to ``out_dir``.

    Args:
        out_dir: the run's output folder.
        run_id: the run whose files are read (``part-RUN_ID-*.parquet``).
        top: how many organizations are listed.
        max_records: how many paper counts and investments are listed (the
            rest are counted).

    Returns:
        Markdown with three sections (organizations, paper counts,
        investments) and the path of the HTML report.

    Example:
        >>> print(records_markdown("없는-폴더", "r1").splitlines()[0])
        # kornews run r1: 0 articles
    """
    import duckdb

    out_dir = Path(out_dir)
    con = duckdb.connect()

    def rows(table: str, select: str) -> list[tuple]:
        files = _files(out_dir, table, run_id)
        if not files:
            return []
        return con.execute(select.format(src=f"read_parquet({files!r}, hive_partitioning=false)")).fetchall()

    n_articles = rows("articles", "SELECT count(*) FROM {src}")
    n_articles = n_articles[0][0] if n_articles else 0
    orgs = rows("entities", f"""
        SELECT coalesce(canonical, text) AS org, count(*) AS mentions, count(DISTINCT article_id) AS articles
        FROM {{src}} WHERE label = 'ORG' GROUP BY 1 ORDER BY mentions DESC, org LIMIT {int(top)}""")
    # only the rows listed reach Python; the window count (taken before LIMIT) says how many there are
    limit = max(int(max_records), 1)
    papers = rows("paper_counts", f"""
        SELECT org, venues, year, count, evidence, count(*) OVER () AS total FROM {{src}}
        ORDER BY count DESC, org NULLS LAST, article_id, start LIMIT {limit}""")
    investments = rows("investments", f"""
        SELECT investor, recipient, amount_text, amount_krw_low, evidence, count(*) OVER () AS total FROM {{src}}
        ORDER BY amount_krw_low DESC NULLS LAST, article_id, start LIMIT {limit}""")
    n_quarantined = rows("quarantine", "SELECT count(*) FROM {src}")

    parts = [f"# kornews run {run_id}: {n_articles:,} articles"]
    if n_quarantined and n_quarantined[0][0]:
        parts.append(f"{n_quarantined[0][0]:,} inputs quarantined (table `quarantine`).")
    parts.append(facts_markdown(out_dir, top))
    parts.append("## Top organizations\n\n" + (_table(
        ["organization", "mentions", "articles"], orgs) if orgs else "None found."))
    parts.append("## Paper counts\n\n" + _listing(
        ["organization", "venues", "year", "papers", "evidence"], papers, max_records, lambda r: r))
    parts.append("## Investments\n\n" + _listing(
        ["investor", "recipient", "amount", "KRW", "evidence"], investments, max_records,
        lambda r: (r[0], r[1], r[2], _won(r[3]), r[4])))
    report = out_dir.resolve() / "report.html"
    parts.append(f"HTML report: `{report}`" + ("" if report.exists() else
                                                  f" (write it with `kornews report --out {out_dir}`)"))
    return "\n\n".join(parts) + "\n"
