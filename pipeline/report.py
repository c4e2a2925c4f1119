"""``kornews report``: one self-contained HTML page over an output folder.

The page shows the runs and their inputs, the quarantine, the top organizations,
paper counts by organization × venue × year and investments over time (KRW, log
scale), and for each listed record its evidence sentence with the span
highlighted and a link to an in-page card of its article.

Two steps, both usable without the CLI:

* :func:`collect_report` aggregates the Parquet tables with DuckDB (never per row
  in Python over all rows: only the capped listings reach Python) into a
  :class:`ReportData`;
* :func:`write_report` renders it to HTML with the charts drawn here as inline
  SVG, and writes the file atomically (a dot-named temporary file in the target
  folder, then :func:`os.replace`).

:func:`build_report` does both. The page fetches nothing: no script, no external
style, font or image, and a Content-Security-Policy that forbids any fetch; the
only external URLs are the articles' own (``http``/``https`` only), as links.

Dates are shown in Korean time (KST, UTC+9), as the articles' months
(``pub_month``) are. Amounts of money are whole 원 (KRW).
"""
from __future__ import annotations

import hashlib
import html
import json
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable, Sequence
from urllib.parse import unquote

import click
import pyarrow as pa
import pyarrow.parquet as pq

from models import __version__
from models.errors import Errors, KornewsError
from models.schema import PARTITION_COLUMN, SCHEMAS, TABLES

from .store import is_kornews_output

KST = timezone(timedelta(hours=9))
DEFAULT_NAME = "report.html"
_MONTH_RE = re.compile(r"^\d{4}-\d{2}$")
_PART_RE = re.compile(r"^part-(?P<run>.+)-\d+\.parquet$")


class ReportError(KornewsError):
    """An output folder cannot be reported on, or the report cannot be written."""


@dataclass(frozen=True)
class Limits:
    """How much of each listing the page carries; the page says how many it shows of how many."""

    #: Organizations in the chart and table (by ORG mentions).
    top_orgs: int = 25
    #: Publishers in the chart; the rest are summed in one "others" bar.
    top_publishers: int = 20
    #: Organization × venue × year rows in the chart (the table has up to ``table_rows``).
    paper_chart_rows: int = 30
    #: Paper-count and investment records listed with their evidence sentence (the largest first).
    evidence: int = 500
    #: Investments drawn in the chart (the largest in KRW first).
    plot_points: int = 2000
    #: Rows of the aggregate tables (paper counts by org × venue × year, inputs).
    table_rows: int = 500
    #: Runs listed (the latest first).
    runs: int = 100


@dataclass
class ReportData:
    """Everything the page shows, already aggregated (small: capped by :class:`Limits`)."""

    out_dir: Path
    limits: Limits
    #: Rows per table (0 for an absent table).
    totals: dict[str, int]
    #: Tables with no folder or no Parquet file.
    missing_tables: list[str]
    runs: list[dict]
    runs_total: int
    inputs: list[dict]
    inputs_total: int
    #: ``(pub_month, articles)``: dates in order, then non-date values (e.g. ``unknown``).
    months: list[tuple[str, int]]
    #: ``(publisher, articles)``, the top ones, then ``("(others: N publishers)", n)`` when any.
    publishers: list[tuple[str, int]]
    quarantine: list[dict]
    orgs: list[dict]
    orgs_total: int
    paper_groups: list[dict]
    paper_groups_total: int
    paper_records: list[dict]
    investments: list[dict]
    #: Investments with a KRW value (plottable) in all, and those drawn.
    investments_krw_total: int
    #: The investments drawn: the largest, then an even sample of the others (``krw_rank`` > ``top``).
    investment_points: list[dict]
    #: Investments without any KRW value (not plotted), listed apart.
    unplotted: list[dict]
    unplotted_total: int
    unplotted_foreign_total: int
    #: Cards of the articles the listings link to, by article_id.
    articles: dict[str, dict] = field(default_factory=dict)
    #: The most reported facts (``facts`` table), and how many there are.
    facts: list[dict] = field(default_factory=list)
    facts_total: int = 0

    def summary(self) -> str:
        """One line for the CLI."""
        t = self.totals
        runs = f"{self.runs_total:,} run" + ("" if self.runs_total == 1 else "s")
        return (f"{t['articles']:,} articles, {t['entities']:,} entities, {t['paper_counts']:,} paper counts "
                f"({len(self.paper_records):,} listed), {t['investments']:,} investments "
                f"({len(self.investments) + len(self.unplotted):,} listed), {t['quarantine']:,} quarantined, {runs}")


# --------------------------------------------------------------------------- reading


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _table_files(folder: Path) -> tuple[list[str], list[str]]:
    """Parquet files of one table: under ``pub_month=…/`` folders, and directly in the table folder.

    They are read apart because DuckDB refuses one hive-partitioned scan over files at
    different depths. Dot-names (files being written) are skipped.
    """
    if not folder.is_dir():
        return [], []
    partitioned = sorted(str(p) for p in folder.glob(f"{PARTITION_COLUMN}=*/*.parquet")
                         if not p.name.startswith("."))
    top = sorted(str(p) for p in folder.glob("*.parquet") if not p.name.startswith("."))
    return partitioned, top


def _connect(out_dir: Path):
    import duckdb

    con = duckdb.connect()
    # an uncompacted output has thousands of small files: read each footer once
    con.execute("SET parquet_metadata_cache = true")
    files: dict[str, list[str]] = {}
    missing = []
    for table in TABLES:
        partitioned, top = _table_files(out_dir / table)
        files[table] = partitioned + top
        if not files[table]:
            missing.append(table)
        # every column of our schema, typed, even when no file has it (older outputs, absent tables)
        con.register(f"_empty_{table}", SCHEMAS[table].empty_table())
        parts = [f"SELECT * FROM _empty_{table}"]
        if partitioned:
            parts.append(f"SELECT * FROM read_parquet([{', '.join(map(_sql_str, partitioned))}], "
                         f"hive_partitioning=true, union_by_name=true, hive_types={{'{PARTITION_COLUMN}': 'VARCHAR'}})")
        if top:
            parts.append(f"SELECT * FROM read_parquet([{', '.join(map(_sql_str, top))}], "
                         "hive_partitioning=false, union_by_name=true)")
        try:
            con.execute(f'CREATE TEMP VIEW "src_{table}" AS ' + " UNION ALL BY NAME ".join(parts))
        except duckdb.Error as e:
            raise ReportError(Errors.E062.format(table=table, path=out_dir, detail=_one_line(e))) from None
    return con, files, missing


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())[:500]


class _Query:
    """Runs SQL on the report's connection; DuckDB errors become :class:`ReportError` naming the table."""

    def __init__(self, con, out_dir: Path):
        self.con = con
        self.out_dir = out_dir

    def __call__(self, table: str, sql: str, params: Sequence | dict | None = None) -> list[dict]:
        import duckdb

        try:
            cur = self.con.execute(sql, params or [])
            names = [d[0] for d in cur.description]
            return [dict(zip(names, row)) for row in cur.fetchall()]
        except duckdb.Error as e:
            raise ReportError(Errors.E062.format(table=table, path=self.out_dir, detail=_one_line(e))) from None


def _check_output(out_dir: Path) -> None:
    if not out_dir.is_dir():
        detail = "it is not a folder" if out_dir.exists() else "no such folder"
        raise ReportError(Errors.E060.format(path=out_dir, detail=detail))
    if not is_kornews_output(out_dir):
        raise ReportError(Errors.E061.format(path=out_dir, tables=", ".join(f"{t}/" for t in TABLES)))


def _run_metadata(files: Iterable[str]) -> dict[str, dict]:
    """The kornews file metadata (tokenizer, NER model ...) of one file per run, from the file names."""
    first: dict[str, str] = {}
    for f in files:
        m = _PART_RE.match(os.path.basename(f))
        if m and m["run"] not in first:
            first[m["run"]] = f
    meta = {}
    for run, f in first.items():
        try:
            raw = (pq.read_schema(f).metadata or {}).get(b"kornews")
            meta[run] = json.loads(raw) if raw else {}
        except (OSError, ValueError, pa.ArrowException):
            meta[run] = {}
    return meta


#: The input an article came from: a URL's host, an archive or JSON(L) file, else the file's folder.
_INPUT_SQL = r"""
    CASE
      WHEN regexp_matches(source, '^[a-zA-Z][a-zA-Z0-9+.-]*://') THEN regexp_extract(source, '^[^:]+://[^/?#]+')
      WHEN contains(source, '!') THEN split_part(source, '!', 1)
      WHEN regexp_matches(source, '[#:][0-9]+$') THEN regexp_replace(source, '[#:][0-9]+$', '')
      WHEN contains(source, '/') THEN regexp_replace(source, '/[^/]*$', '/')
      ELSE source
    END"""

_ORG_NAME_SQL = "coalesce(nullif(trim(canonical), ''), text)"
_KRW_SQL = "coalesce(amount_krw_high, amount_krw_low)"


def collect_report(out_dir: Path | str, limits: Limits = Limits()) -> ReportData:
    """Aggregate an output folder's tables for the report.

    Args:
        out_dir: the folder given to ``kornews run --out``.
        limits: caps of the listings (:class:`Limits`).

    Returns:
        ReportData: counts, chart series and the capped record listings, with the
        cards (and bodies) of the articles those listings name.

    Raises:
        ReportError: ``out_dir`` is not a folder (``E060``), holds no kornews table
            (``E061``), or a table cannot be read (``E062``).
    """
    out_dir = Path(out_dir)
    _check_output(out_dir)
    con, files, missing = _connect(out_dir)
    q = _Query(con, out_dir)
    try:
        data = _collect(q, out_dir, files, missing, limits)
    finally:
        con.close()
    from .facts import read_facts

    facts = sorted(read_facts(out_dir).to_pylist(), key=lambda f: (-f["n_sources"], -f["conflict"], f["fact_id"]))
    data.facts, data.facts_total = facts[:FACTS_SHOWN], len(facts)
    return data


#: Facts listed at the top of the report, the most reported first.
FACTS_SHOWN = 30


#: Columns of ``articles`` left on disk until the cards are built (the bodies are most of the bytes).
_HEAVY_ARTICLE_COLUMNS = ("body", "byline", "reporter_emails")


def _materialize(q: _Query) -> None:
    """Scan each table once into memory, only what the report needs: the article rows without
    their bodies, the ORG mentions, and the small record tables whole. Every later query runs
    on these instead of reopening thousands of files."""
    q("articles", f"CREATE TEMP TABLE articles AS SELECT * EXCLUDE ({', '.join(_HEAVY_ARTICLE_COLUMNS)}) "
                  "FROM src_articles")
    for t in ("paper_counts", "investments", "quarantine"):
        q(t, f"CREATE TEMP TABLE {t} AS SELECT * FROM src_{t}")
    q("entities", f"""CREATE TEMP TABLE org_mentions AS
        SELECT {_ORG_NAME_SQL} AS name, article_id, sent_idx, start, "end", text, {PARTITION_COLUMN}
        FROM src_entities WHERE label = 'ORG'""")
    q("entities", """CREATE TEMP TABLE entity_runs AS
        SELECT run_id, count(*) AS n, NULL::BIGINT AS first, NULL::BIGINT AS last FROM src_entities GROUP BY run_id""")


def _collect(q: _Query, out_dir: Path, files: dict, missing: list, limits: Limits) -> ReportData:
    _materialize(q)
    totals = {t: q(t, f'SELECT count(*) AS n FROM "{t}"')[0]["n"] for t in TABLES if t != "entities"}
    totals["entities"] = q("entities", "SELECT coalesce(sum(n), 0)::BIGINT AS n FROM entity_runs")[0]["n"]
    totals = {t: totals[t] for t in TABLES}

    # runs: rows per table and the ingest times, per run id
    per_run: dict[str, dict] = {}
    for t in TABLES:
        times = "min(epoch_us(ingested_at)) AS first, max(epoch_us(ingested_at)) AS last" \
            if t in ("articles", "quarantine") else "NULL AS first, NULL AS last"
        sql = "SELECT * FROM entity_runs" if t == "entities" else \
            f'SELECT run_id, count(*) AS n, {times} FROM "{t}" GROUP BY run_id'
        for r in q(t, sql):
            run = per_run.setdefault(r["run_id"] or "", {"run_id": r["run_id"] or "", "first": None, "last": None,
                                                         **{x: 0 for x in TABLES}})
            run[t] = r["n"]
            for k, pick in (("first", min), ("last", max)):
                if r[k] is not None:
                    run[k] = r[k] if run[k] is None else pick(run[k], r[k])
    runs = sorted(per_run.values(), key=lambda r: (r["last"] or 0, r["run_id"]), reverse=True)
    runs_total = len(runs)
    runs = runs[:limits.runs]
    meta = _run_metadata(files["articles"] + files["quarantine"])
    for r in runs:
        r["meta"] = meta.get(r["run_id"], {})

    inputs = q("articles", f"""
        WITH s AS (SELECT {_INPUT_SQL} AS input, 1 AS a, 0 AS qn FROM articles
                   UNION ALL SELECT {_INPUT_SQL} AS input, 0, 1 FROM quarantine)
        SELECT input, sum(a)::BIGINT AS articles, sum(qn)::BIGINT AS quarantined, count(*) OVER () AS total
        FROM s GROUP BY input ORDER BY articles + quarantined DESC, input LIMIT ?""", [limits.table_rows])
    inputs_total = inputs[0]["total"] if inputs else 0

    months = [(r["m"], r["n"]) for r in q("articles", f"""
        SELECT coalesce({PARTITION_COLUMN}, '(none)') AS m, count(*) AS n FROM articles GROUP BY 1""")]
    months.sort(key=lambda mn: (0, mn[0]) if _MONTH_RE.match(mn[0]) else (1, mn[0]))

    pubs = q("articles", """
        SELECT coalesce(nullif(trim(publisher), ''), '(unknown)') AS p, count(*) AS n FROM articles
        GROUP BY 1 ORDER BY n DESC, p""")
    publishers = [(r["p"], r["n"]) for r in pubs[:limits.top_publishers]]
    rest = pubs[limits.top_publishers:]
    if rest:
        publishers.append((f"(others: {len(rest):,} publishers)", sum(r["n"] for r in rest)))

    quarantine = q("quarantine", """
        SELECT coalesce(error_type, '(none)') AS error_type, count(*) AS n,
               list_sort(list_distinct(list(source)))[1:3] AS examples, min(error) AS error
        FROM quarantine GROUP BY 1 ORDER BY n DESC, error_type""")

    orgs = q("entities", """
        SELECT name, count(*) AS mentions, count(DISTINCT article_id) AS articles, count(*) OVER () AS total
        FROM org_mentions GROUP BY 1 ORDER BY mentions DESC, articles DESC, name LIMIT ?""",
               [limits.top_orgs])
    orgs_total = orgs[0]["total"] if orgs else 0
    if orgs:
        q.con.register("_top_orgs", pa.table({"name": [o["name"] for o in orgs]}))
        first = {r["name"]: r for r in q("entities", f"""
            WITH e AS (SELECT * FROM org_mentions WHERE name IN (SELECT name FROM _top_orgs)),
                 a AS (SELECT article_id, min(published_at) AS published_at FROM articles
                       WHERE article_id IN (SELECT article_id FROM e) GROUP BY article_id)
            SELECT e.*, epoch_us(a.published_at) AS published_us FROM e LEFT JOIN a USING (article_id)
            QUALIFY row_number() OVER (PARTITION BY name ORDER BY a.published_at NULLS LAST,
                                       e.{PARTITION_COLUMN}, e.article_id, e.start) = 1""")}
        for o in orgs:
            o["first"] = first.get(o["name"])

    paper_groups = q("paper_counts", """
        WITH p AS (SELECT coalesce(org, org_text, '(unknown)') AS org,
                          array_to_string(list_sort(coalesce(venues, []::VARCHAR[])), ' + ') AS venues,
                          year, count, article_id FROM paper_counts)
        SELECT org, venues, year, max(count) AS max_count, min(count) AS min_count, count(*) AS records,
               count(DISTINCT article_id) AS articles, (count(*) - count(count))::BIGINT AS vague,
               count(*) OVER () AS total
        FROM p GROUP BY org, venues, year
        ORDER BY max_count DESC NULLS LAST, records DESC, org, venues, year NULLS LAST LIMIT ?""",
                     [limits.table_rows])
    paper_groups_total = paper_groups[0]["total"] if paper_groups else 0

    paper_records = q("paper_counts", """
        SELECT p.*, epoch_us(a.published_at) AS published_us FROM paper_counts p
        LEFT JOIN (SELECT article_id, min(published_at) AS published_at FROM articles GROUP BY 1) a USING (article_id)
        ORDER BY p.count DESC NULLS LAST, p.article_id, p.start LIMIT ?""", [limits.evidence])

    inv_select = f"""SELECT i.*, {_KRW_SQL.replace('amount_krw', 'i.amount_krw')} AS krw,
               epoch_us(a.published_at) AS published_us FROM investments i
        LEFT JOIN (SELECT article_id, min(published_at) AS published_at FROM articles GROUP BY 1) a
        USING (article_id)"""
    investments = q("investments", f"""{inv_select}
        WHERE i.amount_krw_low IS NOT NULL OR i.amount_krw_high IS NOT NULL
        ORDER BY krw DESC, i.amount DESC NULLS LAST, i.article_id, i.start LIMIT ?""", [limits.evidence])
    # over the cap: the largest (those listed with their evidence) and an even, repeatable
    # sample of the rest, so that the chart still shows how amounts spread over time
    top = min(limits.evidence, limits.plot_points)
    investment_points = q("investments", f"""
        WITH k AS ({inv_select} WHERE i.amount_krw_low IS NOT NULL OR i.amount_krw_high IS NOT NULL),
             r AS (SELECT *, row_number() OVER (ORDER BY krw DESC, amount DESC NULLS LAST, article_id, start)
                             AS krw_rank FROM k)
        (SELECT * FROM r WHERE krw_rank <= $top)
        UNION ALL
        (SELECT * FROM r WHERE krw_rank > $top ORDER BY hash(article_id, start, "end"), krw_rank LIMIT $rest)""",
                          {"top": top, "rest": limits.plot_points - top})
    investments_krw_total = q("investments", """SELECT count(*) AS n FROM investments
        WHERE amount_krw_low IS NOT NULL OR amount_krw_high IS NOT NULL""")[0]["n"]
    unplotted = q("investments", f"""{inv_select}
        WHERE i.amount_krw_low IS NULL AND i.amount_krw_high IS NULL
        ORDER BY i.currency = 'KRW', i.currency, i.amount DESC NULLS LAST, i.article_id, i.start LIMIT ?""",
                  [limits.evidence])
    counts = q("investments", """SELECT count(*) AS n, count(*) FILTER (WHERE currency IS DISTINCT FROM 'KRW') AS f
        FROM investments WHERE amount_krw_low IS NULL AND amount_krw_high IS NULL""")[0]

    data = ReportData(
        out_dir=out_dir, limits=limits, totals=totals, missing_tables=missing, runs=runs, runs_total=runs_total,
        inputs=inputs, inputs_total=inputs_total, months=months, publishers=publishers, quarantine=quarantine,
        orgs=orgs, orgs_total=orgs_total, paper_groups=paper_groups, paper_groups_total=paper_groups_total,
        paper_records=paper_records, investments=investments, investments_krw_total=investments_krw_total,
        investment_points=investment_points, unplotted=unplotted, unplotted_total=counts["n"],
        unplotted_foreign_total=counts["f"],
    )
    ids = {r["article_id"] for r in paper_records + investments + unplotted}
    ids |= {o["first"]["article_id"] for o in orgs if o.get("first")}
    if ids:
        q.con.register("_ids", pa.table({"article_id": sorted(i for i in ids if i is not None)}))
        for r in q("articles", f"""
                SELECT article_id, title, publisher, epoch_us(published_at) AS published_us, source, url, body,
                       {PARTITION_COLUMN} AS pub_month, run_id
                FROM src_articles WHERE article_id IN (SELECT article_id FROM _ids)
                QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY ingested_at) = 1"""):
            data.articles[r["article_id"]] = r
    return data


# --------------------------------------------------------------------------- formatting

def esc(value) -> str:
    """HTML-escape anything (None → empty)."""
    return "" if value is None else html.escape(str(value), quote=True)


def _date(us: int | None) -> datetime | None:
    return None if us is None else datetime.fromtimestamp(us / 1e6, KST)


def fmt_date(us: int | None, with_time: bool = False) -> str:
    d = _date(us)
    if d is None:
        return ""
    return d.strftime("%Y-%m-%d %H:%M KST" if with_time else "%Y-%m-%d")


_UNITS = ((10 ** 16, "경"), (10 ** 12, "조"), (10 ** 8, "억"), (10 ** 4, "만"))


def fmt_krw(value: int | float | None) -> str:
    """원 in Korean units, the two largest: ``1234500000000`` → ``1조 2345억원``."""
    if value is None:
        return ""
    v = int(value)
    if v < 10 ** 4:
        return f"{v:,}원"
    parts = []
    for unit, name in _UNITS:
        if v >= unit:
            parts.append(f"{v // unit}{name}")
            v %= unit
            if len(parts) == 2:
                break
        elif parts:
            break
    return " ".join(parts) + "원"


def fmt_krw_range(low, high) -> str:
    """``수백억원`` (10**10 .. 10**11-1) → ``100억원 – 1000억원 미만``."""
    if low is not None and high is not None:
        if low == high:
            return fmt_krw(low)
        top = high + 1
        if top >= 10 ** 4 and str(top).rstrip("0") == "1":  # high = 10**k - 1: "less than 10**k"
            return f"{fmt_krw(low)} – {fmt_krw(top)} 미만"
        return f"{fmt_krw(low)} – {fmt_krw(high)}"
    if low is not None:
        return f"≥ {fmt_krw(low)}"
    if high is not None:
        return f"≤ {fmt_krw(high)}"
    return ""


def _krw_tick(power: int) -> str:
    """Label of 10**power 원 on the log axis: 1만, 10억, 1조 ..."""
    for unit_power, name in ((16, "경"), (12, "조"), (8, "억"), (4, "만")):
        if power >= unit_power:
            return f"{10 ** (power - unit_power)}{name}"
    return f"{10 ** power}원"


def anchor_id(prefix: str, key: str) -> str:
    """An HTML id for ``key``: the key itself when it is plain ASCII (article ids are hex), else a
    hash of it, so that two Korean names never share an id."""
    key = str(key)
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", key):
        return f"{prefix}-{key}"
    return f"{prefix}-h{hashlib.sha1(key.encode('utf-8')).hexdigest()[:16]}"


def safe_url(url: str | None) -> str | None:
    """The URL when it is http(s), else None: nothing else becomes a link."""
    if url and re.match(r"^https?://[^\s]+$", url.strip(), flags=re.I):
        return url.strip()
    return None


_SENT_END = re.compile(r"[.!?。…][\"'”’)\]]*(?=\s|$)|\n")


def sentence_bounds(body: str, start: int, end: int, reach: int = 300) -> tuple[int, int]:
    """The sentence around ``body[start:end]``, by punctuation and line breaks, at most ``reach`` chars each way."""
    lo = max(0, start - reach)
    left = lo
    for m in _SENT_END.finditer(body, lo, start):
        left = m.end()
    m = _SENT_END.search(body, end, min(len(body), end + reach))
    right = m.end() if m else min(len(body), end + reach)
    return left, right


def highlight(body: str | None, start, end, evidence: str | None = None) -> tuple[str, bool]:
    """HTML of the sentence holding ``body[start:end]`` with that span in ``<mark>``.

    The sentence is found in the body as the occurrence of ``evidence`` that covers
    the span (so the highlight sits exactly on the offsets); without one, by
    punctuation around the span. Returns ``(html, exact)``: ``exact`` is False when
    the offsets do not fit the body, and then the evidence is shown unmarked.

    >>> highlight("첫 문장. 네이버가 2000억원을 투자했다.", 10, 15, "네이버가 2000억원을 투자했다.")[0]
    '네이버가 <mark>2000억원</mark>을 투자했다.'
    """
    if body is None or start is None or end is None or not (0 <= start < end <= len(body)):
        return esc(evidence), False
    pos = -1
    if evidence:
        n = len(evidence)
        pos = body.find(evidence, max(0, end - n), start + n)
    if pos >= 0:
        left, right = pos, pos + len(evidence)
    else:
        left, right = sentence_bounds(body, start, end)
    return (esc(body[left:start].lstrip()) + "<mark>" + esc(body[start:end]) + "</mark>"
            + esc(body[end:right].rstrip())), True


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round tick step (1, 2, 2.5, 5 × 10^k), never below 1: the charts count whole things."""
    raw = span / max(ticks, 1)
    if raw <= 1:
        return 1
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _fmt_num(v: float) -> str:
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,.1f}"


def _text_width(s: str, px: float = 12) -> float:
    """Rough rendered width: wide (Hangul, CJK) characters ~1 em, others ~0.6 em."""
    return sum(px if ord(c) > 0x2E7F else px * 0.6 for c in s)


def _clip(s: str, width: float, px: float = 12) -> str:
    if _text_width(s, px) <= width:
        return s
    out = ""
    for c in s:
        if _text_width(out + c + "…", px) > width:
            break
        out += c
    return out + "…"


# --------------------------------------------------------------------------- SVG charts

def hbar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, Sequence[float]]],
               series: Sequence[tuple[str, str]], value_label: str, links: Sequence[str | None] | None = None) -> str:
    """Horizontal bars: one group per row, one bar per series (``(css class, name)``)."""
    label_w, plot_w, bar_h, gap, top = 210, 520, 12, 8, 28
    group_h = bar_h * len(series) + gap
    height = top + group_h * len(rows) + 44
    width = label_w + plot_w + 70
    vmax = max([v for _, vals in rows for v in vals if v is not None] + [1])
    step = _nice_step(vmax)
    vmax = math.ceil(vmax / step) * step
    x = lambda v: label_w + plot_w * (v / vmax)  # noqa: E731
    out = [f'<svg class="chart hbar" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title">',
           f'<title id="{chart_id}-title">{esc(title)}</title>']
    if len(series) > 1:
        lx = label_w
        for i, (cls, name) in enumerate(series):
            out.append(f'<g class="legend-item"><rect class="swatch {cls}" x="{lx}" y="6" width="12" height="12"/>'
                       f'<text class="legend" x="{lx + 16}" y="16">{esc(name)}</text></g>')
            lx += 30 + _text_width(name)
    axis_y = top + group_h * len(rows)
    out.append('<g class="axis x-axis">')
    t = 0.0
    while t <= vmax + 1e-9:
        out.append(f'<line class="grid" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top - 4}" y2="{axis_y}"/>'
                   f'<text class="tick-label" x="{x(t):.1f}" y="{axis_y + 16}" text-anchor="middle">'
                   f'{_fmt_num(t)}</text>')
        t += step
    out.append(f'<line class="domain" x1="{label_w}" x2="{label_w + plot_w}" y1="{axis_y}" y2="{axis_y}"/>'
               f'<text class="axis-label" x="{label_w + plot_w / 2}" y="{axis_y + 36}" text-anchor="middle">'
               f'{esc(value_label)}</text></g>')
    out.append('<g class="axis y-axis">')
    for i, (label, _) in enumerate(rows):
        y = top + group_h * i + (group_h - gap) / 2 + 4
        text = f'<text class="tick-label" x="{label_w - 8}" y="{y:.1f}" text-anchor="end">' \
               f'<title>{esc(label)}</title>{esc(_clip(label, label_w - 12))}</text>'
        link = links[i] if links else None
        out.append(f'<a href="{esc(link)}">{text}</a>' if link else text)
    out.append('</g><g class="bars">')
    for i, (label, vals) in enumerate(rows):
        for j, ((cls, name), v) in enumerate(zip(series, vals)):
            if v is None:
                continue
            y = top + group_h * i + bar_h * j
            w = max(x(v) - label_w, 0.5 if v else 0)
            out.append(f'<rect class="bar {cls}" x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h - 1}" '
                       f'data-value="{v}"><title>{esc(label)}: {_fmt_num(v)} {esc(name)}</title></rect>'
                       f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + bar_h - 2}">{_fmt_num(v)}</text>')
    out.append("</g></svg>")
    return "".join(out)


def fill_months(months: Sequence[tuple[str, int]], max_span: int = 600) -> list[tuple[str, int]]:
    """Months in order with the empty ones between them as 0 (when the span is at most
    ``max_span`` months), then the non-date partitions (``unknown`` ...) as given."""
    dated = {m: n for m, n in months if _MONTH_RE.match(m)}
    other = [(m, n) for m, n in months if not _MONTH_RE.match(m)]
    if not dated:
        return other
    first, last = min(dated), max(dated)
    y0, m0, y1, m1 = int(first[:4]), int(first[5:]), int(last[:4]), int(last[5:])
    span = (y1 - y0) * 12 + m1 - m0 + 1
    if not 0 < span <= max_span or not all(1 <= int(m[5:]) <= 12 for m in dated):
        return sorted(dated.items()) + other
    filled = []
    for k in range(span):
        y, m = divmod(m0 - 1 + k, 12)
        key = f"{y0 + y:04d}-{m + 1:02d}"
        filled.append((key, dated.get(key, 0)))
    return filled + other


def month_chart(chart_id: str, title: str, months: Sequence[tuple[str, int]]) -> str:
    """Vertical bars per ``pub_month``, in order with the empty months; non-date partitions
    (``unknown``) last, in grey."""
    months = fill_months(months)
    left, plot_h, top, bottom = 56, 180, 12, 48
    n = len(months)
    bw = max(3.0, min(28.0, 760 / max(n, 1)))
    plot_w = max(bw * n, 160.0)  # room for the axis label when there are few months
    width = left + plot_w + 20
    height = top + plot_h + bottom
    vmax = max([c for _, c in months] + [1])
    step = _nice_step(vmax, 4)
    vmax = math.ceil(vmax / step) * step
    y = lambda v: top + plot_h * (1 - v / vmax)  # noqa: E731
    out = [f'<svg class="chart vbar" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'width="{width:.0f}" height="{height}" viewBox="0 0 {width:.0f} {height}" '
           f'aria-labelledby="{chart_id}-title"><title id="{chart_id}-title">{esc(title)}</title>',
           '<g class="axis y-axis">']
    t = 0.0
    while t <= vmax + 1e-9:
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w:.1f}" y1="{y(t):.1f}" y2="{y(t):.1f}"/>'
                   f'<text class="tick-label" x="{left - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{_fmt_num(t)}</text>')
        t += step
    out.append(f'<text class="axis-label" transform="translate(14 {top + plot_h / 2}) rotate(-90)" '
               f'text-anchor="middle">articles</text></g><g class="axis x-axis">'
               f'<line class="domain" x1="{left}" x2="{left + plot_w:.1f}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    every = max(1, math.ceil(62 / bw))
    if every > 12:  # label Januaries, every few years
        every = 12 * math.ceil(every / 12)
    offset = next((i for i, (m, _) in enumerate(months) if m.endswith("-01")), 0) if every >= 12 else 0
    for i, (m, _) in enumerate(months):
        if (i >= offset and (i - offset) % every == 0) or not _MONTH_RE.match(m):
            out.append(f'<text class="tick-label" x="{left + bw * (i + 0.5):.1f}" y="{top + plot_h + 16}" '
                       f'text-anchor="middle">{esc(m)}</text>')
    out.append(f'<text class="axis-label" x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">'
               f'month (pub_month)</text></g><g class="bars">')
    for i, (m, c) in enumerate(months):
        cls = "bar" if _MONTH_RE.match(m) else "bar other"
        out.append(f'<rect class="{cls}" x="{left + bw * i + 0.5:.1f}" y="{y(c):.1f}" width="{max(bw - 1, 1):.1f}" '
                   f'height="{top + plot_h - y(c):.1f}" data-value="{c}"><title>{esc(m)}: {c:,} articles</title>'
                   f'</rect>')
    out.append("</g></svg>")
    return "".join(out)


def _point_time(p: dict) -> float | None:
    """Seconds since the epoch of an investment's article: published date, else the middle of its month."""
    if p.get("published_us") is not None:
        return p["published_us"] / 1e6
    m = p.get(PARTITION_COLUMN) or ""
    if _MONTH_RE.match(m):
        return datetime(int(m[:4]), int(m[5:7]), 15, tzinfo=KST).timestamp()
    return None


def _time_ticks(t0: float, t1: float) -> list[tuple[float, str]]:
    d0, d1 = datetime.fromtimestamp(t0, KST), datetime.fromtimestamp(t1, KST)
    years = [datetime(y, 1, 1, tzinfo=KST) for y in range(d0.year, d1.year + 2)]
    inside = [d for d in years if t0 <= d.timestamp() <= t1]
    if len(inside) >= 2:
        every = max(1, math.ceil(len(inside) / 10))
        return [(d.timestamp(), str(d.year)) for d in inside[::every]]
    months = []
    y, m = d0.year, d0.month
    while (y, m) <= (d1.year, d1.month):
        d = datetime(y, m, 1, tzinfo=KST)
        if t0 <= d.timestamp() <= t1:
            months.append((d.timestamp(), f"{y}-{m:02d}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    every = max(1, math.ceil(len(months) / 8))
    return months[::every]


def investment_chart(chart_id: str, title: str, points: Sequence[dict], links: dict) -> str:
    """KRW over time, log scale: a dot per exact amount, a bar per range, an arrow for 이상 (at least)."""
    left, plot_w, top, plot_h, bottom = 72, 700, 16, 300, 44
    width, height = left + plot_w + 24, top + plot_h + bottom
    pts = [(p, _point_time(p)) for p in points]
    pts = [(p, t) for p, t in pts if t is not None]
    values = [v for p, _ in pts for v in (p["amount_krw_low"], p["amount_krw_high"]) if v]
    if not pts or not values:
        return ""
    lo_p = math.floor(math.log10(min(values)))
    hi_p = max(math.ceil(math.log10(max(values)) + 1e-9), lo_p + 2)
    t0, t1 = min(t for _, t in pts), max(t for _, t in pts)
    if t1 - t0 < 86400 * 30:
        t0, t1 = t0 - 86400 * 15, t1 + 86400 * 15
    pad = (t1 - t0) * 0.03
    t0, t1 = t0 - pad, t1 + pad
    x = lambda t: left + plot_w * (t - t0) / (t1 - t0)  # noqa: E731
    y = lambda v: top + plot_h * (1 - (math.log10(v) - lo_p) / (hi_p - lo_p))  # noqa: E731
    out = [f'<svg class="chart scatter" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-labelledby="{chart_id}-title">'
           f'<title id="{chart_id}-title">{esc(title)}</title><g class="axis y-axis">']
    every = max(1, math.ceil((hi_p - lo_p) / 10))
    for pw in range(lo_p, hi_p + 1, every):
        yy = y(10 ** pw)
        out.append(f'<line class="grid" x1="{left}" x2="{left + plot_w}" y1="{yy:.1f}" y2="{yy:.1f}"/>'
                   f'<text class="tick-label" x="{left - 6}" y="{yy + 4:.1f}" text-anchor="end">{_krw_tick(pw)}'
                   f'</text>')
    out.append(f'<text class="axis-label" transform="translate(14 {top + plot_h / 2}) rotate(-90)" '
               f'text-anchor="middle">KRW (원), log scale</text></g><g class="axis x-axis">'
               f'<line class="domain" x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    for t, label in _time_ticks(t0, t1):
        out.append(f'<line class="tick" x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{top + plot_h}" y2="{top + plot_h + 5}"/>'
                   f'<text class="tick-label" x="{x(t):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{label}'
                   f'</text>')
    out.append(f'<text class="axis-label" x="{left + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
               f'article date (KST)</text></g><g class="points">')
    for p, t in pts:
        low, high = p["amount_krw_low"], p["amount_krw_high"]
        xx = x(t)
        tip = (f"{fmt_date(p.get('published_us')) or p.get(PARTITION_COLUMN) or ''} · "
               f"{p.get('investor') or p.get('investor_text') or '?'} → {p.get('recipient') or '?'} · "
               f"{p.get('amount_text') or ''} ({fmt_krw_range(low, high)})")
        if low and high and low != high:
            kind, mark = "range", (f'<line class="range" x1="{xx:.1f}" x2="{xx:.1f}" y1="{y(high):.1f}" '
                                   f'y2="{y(low):.1f}"/><circle class="dot" cx="{xx:.1f}" '
                                   f'cy="{y(math.sqrt(low * high)):.1f}" r="3"/>')
        elif low and not high:
            kind, mark = "at-least", (f'<circle class="dot" cx="{xx:.1f}" cy="{y(low):.1f}" r="4"/>'
                                      f'<path class="arrow" d="M{xx:.1f} {y(low) - 5:.1f} v-14 m-4 5 l4 -5 l4 5"/>')
        elif high and not low:
            kind, mark = "at-most", (f'<circle class="dot" cx="{xx:.1f}" cy="{y(high):.1f}" r="4"/>'
                                     f'<path class="arrow" d="M{xx:.1f} {y(high) + 5:.1f} v14 m-4 -5 l4 5 l4 -5"/>')
        else:
            kind, mark = "exact", f'<circle class="dot" cx="{xx:.1f}" cy="{y(low):.1f}" r="4"/>'
        body = f'<g class="point {kind}"><title>{esc(tip)}</title>{mark}</g>'
        link = links.get((p["article_id"], p["start"], p["end"]))
        out.append(f'<a href="#{link}">{body}</a>' if link else body)
    out.append("</g></svg>")
    return "".join(out)


# --------------------------------------------------------------------------- HTML

_CSS = """
:root{--fg:#1d2330;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--soft:#f4f6fa;--a:#2f6fd0;--b:#e08a2c;--c:#8a5cd0}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI","Noto Sans CJK KR","Noto Sans KR",
"Apple SD Gothic Neo","Malgun Gothic",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px 8px;border-bottom:1px solid var(--line);background:var(--soft)}
header h1{margin:0 0 4px;font-size:22px}
main{padding:8px 28px 40px;max-width:1180px}
nav a{margin-right:14px}
h2{margin:32px 0 8px;padding-top:8px;border-top:2px solid var(--line);font-size:19px}
h3{font-size:15px;margin:18px 0 6px}
a{color:var(--a)}
.muted,.note{color:var(--muted)}
.note{font-size:13px}
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:12px 0}
.stat{background:#fff;border:1px solid var(--line);border-radius:6px;padding:6px 14px;min-width:110px}
.stat b{display:block;font-size:20px}
table{border-collapse:collapse;margin:8px 0;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.chart{display:block;margin:8px 0;max-width:100%;height:auto;font-size:12px}
.chart text{fill:var(--fg)}
.chart .tick-label{fill:var(--muted);font-size:11px}
.chart .axis-label{fill:var(--muted);font-size:12px}
.chart .value{fill:var(--muted);font-size:10px}
.chart .grid{stroke:#eef0f4}
.chart .domain,.chart .tick{stroke:#9aa3b2}
.chart .bar,.chart .swatch{fill:var(--a)}
.chart .bar.articles,.chart .swatch.articles{fill:var(--b)}
.chart .bar.other{fill:#9aa3b2}
.chart .dot{fill:var(--a);fill-opacity:.75;stroke:#fff;stroke-width:.5}
.chart .range .dot{fill:var(--c)}
.chart .range line{stroke:var(--c);stroke-width:2;stroke-opacity:.6}
.chart .at-least .dot,.chart .at-most .dot{fill:var(--b)}
.chart .arrow{stroke:var(--b);fill:none;stroke-width:1.5}
.legend-inline span{margin-right:14px}
.sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:4px;vertical-align:middle}
ol.records{padding-left:22px}
ol.records li{margin:0 0 10px}
.rec-head{font-size:13px}
.sentence{margin:2px 0 0;padding:4px 10px;border-left:3px solid var(--line);background:var(--soft)}
mark{background:#ffe27a;padding:0 1px}
.badge{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#eef0f4;color:var(--muted)}
.badge.warn{background:#fde8d0;color:#8a4b00}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 12px}
.card:target,li:target{outline:2px solid var(--a)}
.card h3{margin:0 0 4px;font-size:14px}
.card dl{margin:0;font-size:12px;display:grid;grid-template-columns:auto 1fr;gap:0 8px}
.card dt{color:var(--muted)}
.card dd{margin:0;word-break:break-all}
p.empty{color:var(--muted);font-style:italic}
code{font-size:12px}
"""


def _shown(shown: int, total: int, what: str, order: str = "") -> str:
    """``What: 12 (all shown).`` or ``What: showing 500 of 12,345, the largest first.``"""
    what = what[:1].upper() + what[1:]
    if total == shown:
        return f'<p class="note shown">{what}: {total:,} (all shown).</p>'
    return f'<p class="note shown">{what}: showing {shown:,} of {total:,}{order}.</p>'


def _article_link(aid: str | None, data: ReportData) -> str:
    if aid is None:
        return ""
    art = data.articles.get(aid)
    label = (art.get("title") if art else None) or aid
    return f'<a class="article-link" href="#{anchor_id("a", aid)}">{esc(_clip(label, 330))}</a>'


def _sentence(rec: dict, data: ReportData, evidence: str | None) -> str:
    art = data.articles.get(rec.get("article_id"))
    text, exact = highlight(art.get("body") if art else None, rec.get("start"), rec.get("end"), evidence)
    note = "" if exact else ' <span class="badge warn">offsets do not fit the article body; shown unmarked</span>'
    return f'<blockquote class="sentence">{text}</blockquote>{note}'


def _date_of(rec: dict) -> str:
    return fmt_date(rec.get("published_us")) or esc(rec.get(PARTITION_COLUMN) or "")


def _fact_what(f: dict) -> str:
    if f["kind"] == "paper_count":
        venues = ", ".join(f["venues"]) or "no venue named"
        parent = f" ({esc(f['org_parent'])})" if f.get("org_parent") else ""
        return (f"<b>{esc(f['org'])}</b>{parent} · {esc(venues)} · {esc(f['year'] or 'year unresolved')}: "
                f"{esc(f['value_text'])}")
    investor = f"<b>{esc(f['investor'])}</b>" if f["investor"] else "investor not named"
    return (f"{investor} → {esc(f['recipient'] or '?')} · {esc(f['month'] or 'undated')}: "
            f"{esc(f['value_text'])} ({fmt_krw(f['value'])})")


def _section_facts(data: ReportData) -> str:
    out = ['<section id="facts"><h2>Facts: what several articles report</h2>']
    if not data.facts:
        out.append('<p class="empty">No facts yet (kornews facts --out OUT --rebuild builds them).</p></section>')
        return "".join(out)
    out.append(_shown(len(data.facts), data.facts_total, "facts", ", the most reported first"))
    out.append('<table class="facts"><thead><tr><th>fact</th><th>sources</th><th>values</th></tr></thead><tbody>')
    for f in data.facts:
        badge = ' <span class="badge warn">conflict</span>' if f["conflict"] else ""
        shown = (lambda v: fmt_krw(v) if v is not None else "vague") if f["kind"] == "investment" else (
            lambda v: esc(v) if v is not None else "vague")
        values = "; ".join(f"{shown(v['value'])} × {v['n']}" for v in json.loads(f["values"]))
        links = "".join(
            f"<li>{_article_link(aid, data) if aid in data.articles else esc(aid)}</li>" for aid in f["article_ids"])
        urls = "".join(f'<li><a href="{esc(u)}" rel="noopener noreferrer">{esc(u)}</a></li>'
                       for u in (safe_url(u) for u in f["urls"]) if u)
        pubs = esc(", ".join(f["publishers"]) or "publisher unknown")
        out.append(f'<tr><td>{_fact_what(f)}{badge}</td><td><details><summary>{f["n_sources"]} · {pubs}</summary>'
                   f"<ul>{links}{urls}</ul></details></td><td>{values}</td></tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def _section_runs(data: ReportData) -> str:
    out = ['<section id="runs"><h2>Runs and inputs</h2>']
    if not data.runs:
        out.append('<p class="empty">No run has written rows to this folder.</p>')
    else:
        out.append(_shown(len(data.runs), data.runs_total, "runs", ", the latest first"))
        out.append('<table class="runs"><thead><tr><th>run id</th><th>first ingest</th><th>last ingest</th>'
                   + "".join(f'<th class="num">{t}</th>' for t in TABLES)
                   + "<th>tokenizer · NER</th></tr></thead><tbody>")
        for r in data.runs:
            meta = r.get("meta") or {}
            comp = " · ".join(x for x in (meta.get("tokenizer"), meta.get("ner_model")) if x)
            out.append(f'<tr><td><code>{esc(r["run_id"]) or "(none)"}</code></td>'
                       f'<td>{fmt_date(r["first"], True)}</td><td>{fmt_date(r["last"], True)}</td>'
                       + "".join(f'<td class="num">{r[t]:,}</td>' for t in TABLES)
                       + f"<td>{esc(comp)}</td></tr>")
        out.append("</tbody></table>")
    out.append("<h3>Inputs</h3>")
    if data.inputs:
        out.append(_shown(len(data.inputs), data.inputs_total, "inputs (URL hosts, archive or JSON files, folders)"))
        out.append('<table class="inputs"><thead><tr><th>input</th><th class="num">articles</th>'
                   '<th class="num">quarantined</th></tr></thead><tbody>')
        for r in data.inputs:
            out.append(f'<tr><td>{esc(r["input"])}</td><td class="num">{r["articles"]:,}</td>'
                       f'<td class="num">{r["quarantined"]:,}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="empty">No inputs.</p>')
    out.append("<h3>Articles per month</h3>")
    if data.months:
        out.append(month_chart("months", "Articles per month (pub_month)", data.months))
        if any(not _MONTH_RE.match(m) for m, _ in data.months):
            out.append('<p class="note">Grey bars: partitions that are not a month (no usable date).</p>')
    else:
        out.append('<p class="empty">No articles.</p>')
    out.append("<h3>Articles per publisher</h3>")
    if data.publishers:
        out.append(hbar_chart("publishers", "Articles per publisher", [(p, [n]) for p, n in data.publishers],
                              [("articles-per-publisher", "articles")], "articles"))
    else:
        out.append('<p class="empty">No articles.</p>')
    out.append('<h3 id="quarantine">Quarantine by reason</h3>')
    if data.quarantine:
        out.append('<table class="quarantine"><thead><tr><th>error type</th><th class="num">inputs</th>'
                   '<th>example sources</th><th>example message</th></tr></thead><tbody>')
        for r in data.quarantine:
            ex = "<br>".join(f"<code>{esc(s)}</code>" for s in (r["examples"] or []))
            out.append(f'<tr><td>{esc(r["error_type"])}</td><td class="num">{r["n"]:,}</td><td>{ex}</td>'
                       f'<td>{esc(r["error"])}</td></tr>')
        out.append("</tbody></table>")
    else:
        out.append('<p class="empty">No input was quarantined.</p>')
    out.append("</section>")
    return "".join(out)


def _section_orgs(data: ReportData) -> str:
    out = ['<section id="organizations"><h2>Top organizations</h2>']
    if not data.orgs:
        out.append('<p class="empty">No ORG entities.</p></section>')
        return "".join(out)
    out.append(_shown(len(data.orgs), data.orgs_total, "organizations (by canonical name, else the text)",
                      ", the most mentioned first"))
    out.append(hbar_chart("orgs", "Top organizations: ORG mentions and distinct articles",
                          [(o["name"], [o["mentions"], o["articles"]]) for o in data.orgs],
                          [("mentions", "mentions"), ("articles", "articles")], "mentions / articles",
                          links=[f"#{anchor_id('org', o['name'])}" for o in data.orgs]))
    out.append('<table class="orgs"><thead><tr><th>#</th><th>organization</th><th class="num">mentions</th>'
               '<th class="num">articles</th><th>first mention</th></tr></thead><tbody>')
    for i, o in enumerate(data.orgs, 1):
        f = o.get("first")
        first = ""
        if f:
            first = (f'<div class="rec-head">{_date_of(f)} · '
                     f'{_article_link(f["article_id"], data)}</div>{_sentence(f, data, None)}')
        out.append(f'<tr id="{anchor_id("org", o["name"])}"><td class="num">{i}</td><td>{esc(o["name"])}</td>'
                   f'<td class="num">{o["mentions"]:,}</td><td class="num">{o["articles"]:,}</td>'
                   f'<td class="first-mention">{first}</td></tr>')
    out.append("</tbody></table></section>")
    return "".join(out)


def _n(v) -> str:
    return "" if v is None else f"{v:,}"


def _venues_label(v: str) -> str:
    return v or "(no venue)"


def _section_papers(data: ReportData) -> str:
    out = ['<section id="paper-counts"><h2>Paper counts by organization × venue × year</h2>']
    if not data.paper_groups:
        out.append('<p class="empty">No paper counts.</p></section>')
        return "".join(out)
    out.append('<p class="note">One row per organization, venue set and year. <b>papers</b> is the largest '
               'count reported for it (articles about the same result repeat it, so counts are not summed); '
               '<b>min</b> the smallest; <b>vague</b> the records with no number (두 자릿수 ...). '
               'A record naming several venues counts once, under all of them joined with +.</p>')
    chart_rows = [g for g in data.paper_groups if g["max_count"] is not None][:data.limits.paper_chart_rows]
    if chart_rows:
        total_numeric = sum(1 for g in data.paper_groups if g["max_count"] is not None)
        out.append(hbar_chart(
            "papers", "Papers per organization × venue × year (largest reported count)",
            [(f"{g['org']} · {_venues_label(g['venues'])} {g['year'] or ''}".strip(), [g["max_count"]])
             for g in chart_rows], [("papers", "papers")], "papers (largest reported count)"))
        more = "" if total_numeric <= len(chart_rows) and data.paper_groups_total == len(data.paper_groups) else \
            " (the chart draws the largest counts only)"
        out.append(f'<p class="note">Chart: {len(chart_rows):,} rows with a number{more}.</p>')
    out.append(_shown(len(data.paper_groups), data.paper_groups_total, "organization × venue × year rows",
                      ", the largest counts first"))
    out.append('<table class="papers"><thead><tr><th>organization</th><th>venue(s)</th><th>year</th>'
               '<th class="num">papers</th><th class="num">min</th><th class="num">records</th>'
               '<th class="num">articles</th><th class="num">vague</th></tr></thead><tbody>')
    for g in data.paper_groups:
        out.append(f'<tr><td>{esc(g["org"])}</td><td>{esc(_venues_label(g["venues"]))}</td>'
                   f'<td>{esc(g["year"] if g["year"] is not None else "")}</td>'
                   f'<td class="num">{_n(g["max_count"])}</td><td class="num">{_n(g["min_count"])}</td>'
                   f'<td class="num">{g["records"]:,}</td><td class="num">{g["articles"]:,}</td>'
                   f'<td class="num">{g["vague"]:,}</td></tr>')
    out.append("</tbody></table>")
    out.append(_paper_records(data))
    out.append("</section>")
    return "".join(out)


def _inv_links(data: ReportData) -> dict:
    return {(r["article_id"], r["start"], r["end"]): f"inv-{i}" for i, r in enumerate(data.investments, 1)}


def _section_investments(data: ReportData) -> str:
    out = ['<section id="investments"><h2>Investments over time</h2>']
    total = data.totals["investments"]
    if not total:
        out.append('<p class="empty">No investments.</p></section>')
        return "".join(out)
    chart = investment_chart("investments-chart", "Investments in KRW over time (log scale)",
                             data.investment_points, _inv_links(data))
    if chart:
        out.append(chart)
        out.append('<p class="note legend-inline"><span><i class="sw" style="background:#2f6fd0"></i>exact or '
                   'approximate amount</span><span><i class="sw" style="background:#8a5cd0"></i>range '
                   '(수백억원: low–high, dot at the geometric middle)</span><span><i class="sw" '
                   'style="background:#e08a2c"></i>at least (이상) / at most (이하), arrow</span></p>')
    drawn = sum(1 for p in data.investment_points if _point_time(p) is not None)
    undated = len(data.investment_points) - drawn
    n_points, top = len(data.investment_points), min(data.limits.evidence, data.limits.plot_points)
    sampled = "" if n_points == data.investments_krw_total else (
        f" (the {min(top, n_points):,} largest and an even sample of {max(n_points - top, 0):,} of the others)")
    notes = [f"Drawn: {drawn:,} of the {data.investments_krw_total:,} investments with a KRW value{sampled}"
             + (f"; {undated:,} without any article date are not drawn" if undated else "") + "."]
    if data.unplotted_total:
        notes.append(f"Not plotted: {data.unplotted_total:,} investments without a KRW value "
                     f"({data.unplotted_foreign_total:,} in a foreign currency with no KRW conversion in the "
                     f"article), listed below the chart's records.")
    out.append(f'<p class="note">{" ".join(notes)}</p>')
    out.append(_investment_records(data))
    out.append("</section>")
    return "".join(out)


def _inv_head(r: dict, data: ReportData) -> str:
    who = esc(r.get("investor") or r.get("investor_text") or "?")
    if r.get("investor_text") and r.get("investor") and r["investor_text"] != r["investor"]:
        who += f' <span class="muted">({esc(r["investor_text"])})</span>'
    krw = fmt_krw_range(r.get("amount_krw_low"), r.get("amount_krw_high"))
    foreign = ""
    if r.get("currency") and r["currency"] != "KRW" and r.get("amount") is not None:
        foreign = f' <span class="muted">{esc(r["currency"])} {r["amount"]:,.0f}</span>'
    badge = "" if krw else ' <span class="badge warn not-plotted">not plotted: no KRW value</span>'
    period = f' <span class="badge">{esc(r["period"])}</span>' if r.get("period") else ""
    return (f'<div class="rec-head">{_date_of(r)} · <b>{who}</b> → <b>{esc(r.get("recipient") or "?")}</b> · '
            f'<b>{esc(r.get("amount_text"))}</b>{foreign}{" = " + esc(krw) if krw else ""} '
            f'<span class="badge">{esc(r.get("qualifier"))}</span>{period}{badge} · '
            f'{_article_link(r.get("article_id"), data)}</div>')


def _paper_records(data: ReportData) -> str:
    out = ['<h3 id="paper-records">Paper-count records and their evidence</h3>',
           '<p class="note">Each record with its sentence in the article, the extracted span '
           '<mark>highlighted</mark>; the link opens the article\'s card at the end of the page.</p>']
    out.append(_shown(len(data.paper_records), data.totals["paper_counts"], "paper-count records",
                      ", the largest counts first"))
    out.append('<ol class="records papers">')
    for i, r in enumerate(data.paper_records, 1):
        venues = ", ".join(r.get("venues") or []) or "(no venue)"
        out.append(f'<li class="record" id="pc-{i}"><div class="rec-head">{_date_of(r)} · '
                   f'<b>{esc(r.get("org") or r.get("org_text") or "?")}</b> · {esc(venues)}'
                   f'{" " + esc(r["year"]) if r.get("year") is not None else ""} · '
                   f'<b>{esc(r.get("count_text"))}</b> <span class="badge">{esc(r.get("qualifier"))}</span> · '
                   f'{_article_link(r.get("article_id"), data)}</div>{_sentence(r, data, r.get("evidence"))}</li>')
    out.append("</ol>")
    return "".join(out)


def _investment_records(data: ReportData) -> str:
    out = ['<h3 id="investment-records">Investments with a KRW value and their evidence</h3>']
    if data.investments:
        out.append(_shown(len(data.investments), data.investments_krw_total, "investments with a KRW value",
                          ", the largest first"))
        out.append('<ol class="records investments">')
        for i, r in enumerate(data.investments, 1):
            out.append(f'<li class="record" id="inv-{i}">{_inv_head(r, data)}'
                       f'{_sentence(r, data, r.get("evidence"))}</li>')
        out.append("</ol>")
    else:
        out.append('<p class="empty">No investment with a KRW value.</p>')
    if data.unplotted_total:
        out.append('<h3 id="unplotted">Investments without a KRW value (not plotted)</h3>')
        out.append(_shown(len(data.unplotted), data.unplotted_total, "investments without a KRW value",
                          ", foreign currencies first"))
        out.append('<ol class="records unplotted">')
        for i, r in enumerate(data.unplotted, 1):
            out.append(f'<li class="record" id="inv-x{i}">{_inv_head(r, data)}'
                       f'{_sentence(r, data, r.get("evidence"))}</li>')
        out.append("</ol>")
    return "".join(out)


def _section_articles(data: ReportData) -> str:
    out = ['<section id="articles"><h2>Articles cited above</h2>']
    if not data.articles:
        out.append('<p class="empty">No article is cited.</p></section>')
        return "".join(out)
    out.append(f'<p class="note">{len(data.articles):,} of {data.totals["articles"]:,} articles '
               f'(those the listings above link to).</p><div class="cards">')
    arts = sorted(data.articles.values(), key=lambda a: (-(a.get("published_us") or 0), a["article_id"]))
    for a in arts:
        url = safe_url(a.get("url")) or safe_url(a.get("source"))
        link = (f'<dt>link</dt><dd><a class="external" href="{esc(url)}" rel="noopener noreferrer">'
                f'{esc(_clip(unquote(url), 600))}</a></dd>') if url else ""
        out.append(f'<article class="card" id="{anchor_id("a", a["article_id"])}">'
                   f'<h3>{esc(a.get("title") or "(no title)")}</h3><dl>'
                   f'<dt>publisher</dt><dd>{esc(a.get("publisher") or "(unknown)")}</dd>'
                   f'<dt>date</dt><dd>{fmt_date(a.get("published_us"), True) or "(no date)"} '
                   f'<span class="muted">pub_month {esc(a.get("pub_month"))}</span></dd>'
                   f'<dt>source</dt><dd><code>{esc(a.get("source"))}</code></dd>{link}'
                   f'<dt>article_id</dt><dd><code>{esc(a["article_id"])}</code></dd></dl></article>')
    out.append("</div></section>")
    return "".join(out)


def render_html(data: ReportData, generated: datetime | None = None) -> str:
    """The report page for ``data``: one HTML document, with its style and SVG charts inline."""
    generated = generated or datetime.now(timezone.utc)
    t = data.totals
    stats = [("articles", t["articles"]), ("entities", t["entities"]), ("paper counts", t["paper_counts"]),
             ("investments", t["investments"]), ("quarantined", t["quarantine"]), ("runs", data.runs_total)]
    missing = ""
    if data.missing_tables:
        missing = (f'<p class="note missing">No rows (no Parquet file) in: '
                   f'{esc(", ".join(data.missing_tables))}.</p>')
    nav = "".join(f'<a href="#{i}">{n}</a>' for i, n in (
        ("facts", "Facts"), ("runs", "Runs and inputs"), ("organizations", "Organizations"), ("paper-counts", "Paper counts"),
        ("investments", "Investments"), ("articles", "Articles")))
    title = f"kornews report: {data.out_dir.resolve().name or data.out_dir}"
    return "".join([
        '<!DOCTYPE html>\n<html lang="ko"><head><meta charset="utf-8">',
        # nothing may be fetched: the page is complete as it is (links still open on click)
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "img-src data:\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<meta name=\"generator\" content=\"kornews {esc(__version__)}\"><title>{esc(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f'<header><h1>{esc(title)}</h1><p class="muted">Output folder <code>{esc(data.out_dir.resolve())}</code> · '
        f'generated {generated.astimezone(KST).strftime("%Y-%m-%d %H:%M KST")} by kornews {esc(__version__)}</p>',
        '<div class="stats">' + "".join(f'<div class="stat" data-stat="{esc(k)}"><b>{v:,}</b>{esc(k)}</div>'
                                        for k, v in stats) + "</div>",
        missing, f"<nav>{nav}</nav></header><main>",
        _section_facts(data), _section_runs(data), _section_orgs(data), _section_papers(data),
        _section_investments(data),
        _section_articles(data),
        "</main></body></html>\n",
    ])


def write_report(data: ReportData, html_path: Path | str | None = None) -> Path:
    """Render ``data`` and write it atomically (temporary file in the same folder, then rename).

    Raises:
        ReportError: the file cannot be written (``E063``); nothing is left behind.
    """
    path = Path(html_path) if html_path else data.out_dir / DEFAULT_NAME
    text = render_html(data)
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
        tmp = None
    except OSError as e:
        raise ReportError(Errors.E063.format(path=path, detail=e.strerror or e)) from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)
    return path


def build_report(out_dir: Path | str, html_path: Path | str | None = None, limits: Limits = Limits()) -> Path:
    """Write the HTML report of an output folder and return its path.

    Args:
        out_dir: the folder given to ``kornews run --out``.
        html_path: where to write; default ``out_dir/report.html``.
        limits: caps of the listings (:class:`Limits`).

    Returns:
        Path: the report file.

    Raises:
        ReportError: see :func:`collect_report` and :func:`write_report`; no file is
            written then.
    """
    return write_report(collect_report(out_dir, limits), html_path)


@click.command(name="report")
@click.option("--out", "out_dir", required=True, type=click.Path(),
              help="Output folder of kornews run / reprocess / serve.")
@click.option("--html", "html_path", default=None, type=click.Path(dir_okay=False),
              help="Where to write the page.  [default: OUT/report.html]")
@click.option("--top", default=Limits.top_orgs, show_default=True, type=click.IntRange(1),
              help="Organizations in the top list.")
@click.option("--max-records", default=Limits.evidence, show_default=True, type=click.IntRange(0),
              help="Paper-count and investment records listed with their evidence (the largest first).")
def report_command(out_dir, html_path, top, max_records):
    """Write one self-contained HTML page about an output folder.

    Runs and inputs, quarantine, top organizations, paper counts by organization
    × venue × year and investments over time (KRW, log scale), each record with
    its evidence sentence highlighted and a card of its article. The page opens
    offline: charts are inline SVG, nothing is fetched.

    Example:

    \b
        kornews report --out out
        kornews report --out out --html /tmp/kornews.html
    """
    limits = Limits(top_orgs=top, evidence=max_records)
    try:
        data = collect_report(Path(out_dir), limits)
        path = write_report(data, html_path)
    except KornewsError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"wrote {path} ({path.stat().st_size / 1024:,.0f} KiB): {data.summary()}")
