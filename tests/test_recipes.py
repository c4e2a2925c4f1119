"""The README's DuckDB and PySpark recipes, run as they are written there.

Each recipe reads every table of ``out/`` (empty ones included) and joins
``paper_counts`` to ``articles``. They are run here on an output written with
pyarrow in which ``investments`` and ``quarantine`` are zero-row files, as the
store leaves a table with no rows, and once more with a table folder missing to
pin what each engine does then. PySpark runs only where it (and Java) is installed.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from models.schema import PARTITION_COLUMN, SCHEMAS, TABLES

# The two recipes, word for word as in README.md ("Reading the output with DuckDB or Spark").
DUCKDB_RECIPE = '''\
import duckdb

out = "out"
con = duckdb.connect()
for table in ("articles", "entities", "paper_counts", "investments", "quarantine"):
    con.sql(f"""
        CREATE VIEW {table} AS
        SELECT * FROM read_parquet('{out}/{table}/**/*.parquet',
                                   hive_partitioning = true, union_by_name = true)
    """)
con.sql("""
    SELECT a.publisher, a.published_at, p.org, p.venues, p.year, p.count, p.evidence
    FROM paper_counts p JOIN articles a USING (article_id)
    ORDER BY p.count DESC NULLS LAST
""").show()
'''

SPARK_RECIPE = '''\
from pyspark.sql import SparkSession

out = "out"
spark = (SparkSession.builder.master("local[*]").appName("kornews")
         .config("spark.sql.session.timeZone", "UTC")
         # keep pub_month a string ("2024-03", "unknown")
         .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
         .getOrCreate())
for table in ("articles", "entities", "paper_counts", "investments", "quarantine"):
    spark.read.option("mergeSchema", "true").parquet(f"{out}/{table}").createOrReplaceTempView(table)
spark.sql("""
    SELECT a.publisher, a.published_at, p.org, p.venues, p.year, p.count, p.evidence
    FROM paper_counts p JOIN articles a USING (article_id)
    ORDER BY p.count DESC NULLS LAST
""").show(truncate=False)
'''

FACTS_RECIPE = '''\
import duckdb

out = "out"
duckdb.sql(f"""
    SELECT org, venues, year, value AS papers, n_sources, conflict, publishers
    FROM read_parquet('{out}/facts/facts.parquet')
    WHERE kind = 'paper_count' AND year_resolved
    ORDER BY org, year, venues
""").show()
'''

KST = timezone(timedelta(hours=9))
UTC = timezone.utc
BODY1 = "가나전자가 뉴립스 2024에서 논문 12편을 발표했다. 다라대학교도 3편을 냈다."
BODY2 = "사자랩이 ICLR 2023에서 논문 7편을 냈다."


def rows() -> dict[str, list[dict]]:
    run, when = "r1", datetime(2024, 5, 1, tzinfo=UTC)
    arts = [
        {"article_id": "b1", "source": "in/b1.txt", "title": "가나전자 논문 12편", "publisher": "가상일보",
         "published_at": datetime(2024, 3, 5, 9, tzinfo=KST), "body": BODY1, "run_id": run, "ingested_at": when,
         PARTITION_COLUMN: "2024-03"},
        {"article_id": "b2", "source": "in/b2.txt", "title": None, "publisher": "나라경제", "published_at": None,
         "body": BODY2, "run_id": run, "ingested_at": when, PARTITION_COLUMN: "unknown"},
    ]

    def pc(aid, body, org, venue, year, count):
        text = f"{count}편"
        start = body.index(text)
        return {"article_id": aid, "sent_idx": 0, "start": start, "end": start + len(text), "org": org,
                "org_text": org, "venues": [venue], "year": year, "count": count, "count_text": text,
                "qualifier": "exact", "evidence": body.split(". ")[0] + ".", "run_id": run,
                PARTITION_COLUMN: "2024-03" if aid == "b1" else "unknown"}

    papers = [pc("b1", BODY1, "가나전자", "NeurIPS", 2024, 12), pc("b2", BODY2, "사자랩", "ICLR", 2023, 7)]
    ents = [{"article_id": "b1", "sent_idx": 0, "start": 0, "end": 4, "text": "가나전자", "label": "ORG",
             "canonical": "가나전자", "source": "gazetteer", "run_id": run, PARTITION_COLUMN: "2024-03"}]
    return {"articles": arts, "paper_counts": papers, "entities": ents}


def write_output(out: Path, data: dict[str, list[dict]], tables=TABLES) -> Path:
    """As the store writes: a table with no rows is one zero-row file in a partition folder."""
    for table in tables:
        by_month: dict[str, list[dict]] = {}
        for r in data.get(table, []):
            by_month.setdefault(r[PARTITION_COLUMN], []).append(r)
        for i, (month, part) in enumerate(sorted((by_month or {"unknown": []}).items()), 1):
            folder = out / table / f"{PARTITION_COLUMN}={month}"
            folder.mkdir(parents=True, exist_ok=True)
            arrow = pa.Table.from_pylist(part, schema=SCHEMAS[table]).drop_columns([PARTITION_COLUMN])
            pq.write_table(arrow, folder / f"part-r1-{i:05d}.parquet")
    return out


@pytest.fixture
def in_output(tmp_path, monkeypatch):
    """The current directory holds ``out/``: every table, investments and quarantine with zero rows."""
    write_output(tmp_path / "out", rows())
    monkeypatch.chdir(tmp_path)
    return tmp_path / "out"


def test_duckdb_recipe(in_output, capfd):
    namespace: dict = {}
    exec(compile(DUCKDB_RECIPE, "README.md:duckdb", "exec"), namespace)
    shown = capfd.readouterr().out
    assert "가나전자" in shown and "사자랩" in shown and "NeurIPS" in shown
    con = namespace["con"]
    joined = con.sql("SELECT p.org, p.count, a.publisher, a.pub_month FROM paper_counts p "
                     "JOIN articles a USING (article_id) ORDER BY p.count DESC").fetchall()
    assert joined == [("가나전자", 12, "가상일보", "2024-03"), ("사자랩", 7, "나라경제", "unknown")]
    # the empty tables are there, with their columns and no rows
    for table in ("investments", "quarantine"):
        assert con.sql(f"SELECT count(*) FROM {table}").fetchall() == [(0,)]
    assert {"error_type", "source"} <= {c[0] for c in con.sql("DESCRIBE quarantine").fetchall()}
    assert "amount_krw_low" in {c[0] for c in con.sql("DESCRIBE investments").fetchall()}


def test_duckdb_recipe_needs_every_table_folder(in_output):
    import duckdb

    shutil.rmtree(in_output / "investments")
    with pytest.raises(duckdb.IOException, match="No files found"):
        exec(compile(DUCKDB_RECIPE, "README.md:duckdb", "exec"), {})


@pytest.fixture(scope="module")
def spark_available():
    pytest.importorskip("pyspark")
    if not shutil.which("java"):
        pytest.skip("PySpark needs a Java runtime")


def _run_spark(namespace: dict) -> None:
    try:
        exec(compile(SPARK_RECIPE, "README.md:spark", "exec"), namespace)
    finally:
        if "spark" not in namespace:
            from pyspark.sql import SparkSession

            active = SparkSession.getActiveSession()
            if active is not None:
                namespace["spark"] = active


def test_spark_recipe(spark_available, in_output):
    namespace: dict = {}
    try:
        _run_spark(namespace)
        spark = namespace["spark"]
        joined = [tuple(r) for r in spark.sql(
            "SELECT p.org, p.count, a.publisher, a.pub_month FROM paper_counts p "
            "JOIN articles a USING (article_id) ORDER BY p.count DESC").collect()]
        assert joined == [("가나전자", 12, "가상일보", "2024-03"), ("사자랩", 7, "나라경제", "unknown")]
        for table in ("investments", "quarantine"):
            assert spark.sql(f"SELECT count(*) FROM {table}").collect()[0][0] == 0
        assert "error_type" in spark.table("quarantine").columns
        assert spark.table("paper_counts").schema["venues"].dataType.simpleString() == "array<string>"
        # and with a table folder missing: Spark refuses the path
        shutil.rmtree(in_output / "investments")
        with pytest.raises(Exception, match="PATH_NOT_FOUND|Path does not exist"):
            spark.read.option("mergeSchema", "true").parquet("out/investments")
    finally:
        if "spark" in namespace:
            namespace["spark"].stop()


def test_facts_recipe(in_output, capfd):
    from pipeline.facts import rebuild_facts

    assert rebuild_facts(in_output) == 2
    exec(compile(FACTS_RECIPE, "README.md:facts", "exec"), {})
    shown = capfd.readouterr().out
    assert "가나전자" in shown and "사자랩" in shown and "2024" in shown


def test_facts_recipe_on_an_empty_output(tmp_path, monkeypatch, capfd):
    from pipeline.facts import rebuild_facts

    write_output(tmp_path / "out", {})
    monkeypatch.chdir(tmp_path)
    assert rebuild_facts(tmp_path / "out") == 0
    exec(compile(FACTS_RECIPE, "README.md:facts", "exec"), {})
    assert "0 rows" in capfd.readouterr().out


def test_the_recipes_are_the_readme_s():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for recipe in (DUCKDB_RECIPE, SPARK_RECIPE, FACTS_RECIPE):
        assert recipe in readme
