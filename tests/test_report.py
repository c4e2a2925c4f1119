"""``kornews report``: aggregation (exact numbers), the HTML page, and the page in headless Chromium.

The outputs are written here with pyarrow from hand-made Korean rows (no Prefect
run): a small one, one whose tables are all zero-row files, and ones with table
folders missing. The browser tests skip when Chromium, chromedriver or Selenium is
not installed; they keep screenshots under ``$KORNEWS_TEST_ARTIFACTS`` (default
``build/test-artifacts/``).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from models.schema import PARTITION_COLUMN, SCHEMAS, TABLES
from pipeline.report import (Limits, ReportError, build_report, collect_report, fmt_krw, fmt_krw_range, highlight,
                             report_command)

ROOT = Path(__file__).resolve().parents[1]
KST = timezone(timedelta(hours=9))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = "/usr/bin/chromedriver"

# --------------------------------------------------------------------------- a small output, by hand

BODIES = {
    "a1": ("가나전자가 뉴립스(NeurIPS) 2024에서 논문 12편을 발표한다고 5일 밝혔다. "
           "가나전자는 올해 AI 연구에 500억원을 투자한다. 다라대학교와의 공동 연구도 포함됐다."),
    "a2": ("다라대학교 연구팀이 ICML 2024에서 논문 3편을 발표했다. 가나전자는 다라대학교에 수십억원을 지원했다. "
           "미국 마바벤처스는 가나전자에 1억달러를 투자했다."),
    "a3": "사자랩이 2023년 ICLR과 뉴립스에서 논문 7편을 냈다. 가나전자도 두 자릿수 논문을 냈다.",
    "a4": "가나전자는 10편 가운데 10편이 뉴립스 2024에 채택됐다고 밝혔다. 가나전자는 200억원 이상을 추가로 투입할 계획이다.",
}
ARTICLES = {
    "a1": dict(title="가나전자, 뉴립스 2024서 논문 12편", publisher="가상일보", when=datetime(2024, 3, 5, 9, tzinfo=KST),
               url="https://news.example.kr/a1", source="in/a1.html", run="r1"),
    "a2": dict(title="다라대 ICML 3편…가나전자 지원", publisher="가상일보", when=datetime(2024, 4, 10, 8, tzinfo=KST),
               url="javascript:alert(1)", source="in/feed.jsonl:2", run="r1"),
    "a3": dict(title=None, publisher=None, when=None, url=None, source="inbox/a3.txt", run="r2", month="unknown"),
    "a4": dict(title='가나전자 <b>단독</b> & "인용"', publisher="나라경제", when=datetime(2024, 3, 6, 10, tzinfo=KST),
               url=None, source="https://news.example.kr/a4", run="r2"),
}
INGESTED = {"r1": datetime(2024, 5, 1, tzinfo=timezone.utc), "r2": datetime(2024, 5, 2, tzinfo=timezone.utc)}


def month_of(aid: str) -> str:
    a = ARTICLES[aid]
    return a.get("month") or a["when"].strftime("%Y-%m")


def span(aid: str, text: str, nth: int = 0) -> tuple[int, int, int]:
    """(sent_idx, start, end) of the nth occurrence of ``text`` in the article's body."""
    body = BODIES[aid]
    start = -1
    for _ in range(nth + 1):
        start = body.index(text, start + 1)
    return body[:start].count(". "), start, start + len(text)


def sentence_of(aid: str, start: int) -> str:
    body = BODIES[aid]
    left = body.rfind(". ", 0, start)
    right = body.find(". ", start)
    return body[left + 2 if left >= 0 else 0: right + 1 if right >= 0 else len(body)]


def base(aid: str) -> dict:
    return {"article_id": aid, "run_id": ARTICLES[aid]["run"], PARTITION_COLUMN: month_of(aid)}


def entity(aid, text, label, canonical=None, nth=0) -> dict:
    s, start, end = span(aid, text, nth)
    return {**base(aid), "sent_idx": s, "start": start, "end": end, "text": text, "label": label,
            "canonical": canonical, "source": "gazetteer"}


def paper(aid, count_text, org, venues, year, count, qualifier="exact", nth=0) -> dict:
    s, start, end = span(aid, count_text, nth)
    return {**base(aid), "sent_idx": s, "start": start, "end": end, "org": org, "org_text": org, "venues": venues,
            "year": year, "count": count, "count_text": count_text, "qualifier": qualifier,
            "evidence": sentence_of(aid, start)}


def invest(aid, amount_text, investor, recipient, currency, amount, low, high, qualifier, investor_text=None):
    s, start, end = span(aid, amount_text)
    return {**base(aid), "sent_idx": s, "start": start, "end": end, "investor": investor,
            "investor_text": investor_text or investor, "recipient": recipient, "amount_text": amount_text,
            "currency": currency, "amount": amount, "amount_krw_low": low, "amount_krw_high": high,
            "qualifier": qualifier, "evidence": sentence_of(aid, start)}


def sample_rows() -> dict[str, list[dict]]:
    articles = [{**base(aid), "source": a["source"], "title": a["title"], "publisher": a["publisher"],
                 "published_at": a["when"], "body": BODIES[aid], "ingested_at": INGESTED[a["run"]], "url": a["url"]}
                for aid, a in ARTICLES.items()]
    entities = [
        entity("a1", "가나전자", "ORG", "가나전자"), entity("a1", "가나전자", "ORG", "가나전자", nth=1),
        entity("a1", "다라대학교", "ORG"), entity("a1", "뉴립스", "VENUE", "NeurIPS"),
        entity("a2", "다라대학교", "ORG"), entity("a2", "다라대학교", "ORG", nth=1),
        entity("a2", "가나전자", "ORG", "가나전자"), entity("a2", "가나전자", "ORG", "가나전자", nth=1),
        entity("a2", "마바벤처스", "ORG", "Maba Ventures"),
        entity("a3", "사자랩", "ORG", ""), entity("a3", "가나전자", "ORG", "가나전자"),
        entity("a4", "가나전자", "ORG", "가나전자"),
    ]
    papers = [
        paper("a1", "12편", "가나전자", ["NeurIPS"], 2024, 12),
        paper("a2", "3편", "다라대학교", ["ICML"], 2024, 3),
        paper("a3", "7편", "사자랩", ["NeurIPS", "ICLR"], 2023, 7),
        paper("a3", "두 자릿수", "가나전자", [], None, None, "vague"),
        # the second "10편" of the sentence is the count: the highlight must sit on it
        paper("a4", "10편", "가나전자", ["NeurIPS"], 2024, 10, nth=1),
    ]
    investments = [
        invest("a1", "500억원", "가나전자", "AI 연구", "KRW", 5e10, 50_000_000_000, 50_000_000_000, "exact"),
        invest("a2", "수십억원", "가나전자", "다라대학교", "KRW", None, 10 ** 9, 10 ** 10 - 1, "vague"),
        invest("a2", "1억달러", "Maba Ventures", "가나전자", "USD", 1e8, None, None, "exact", investor_text="마바벤처스"),
        invest("a4", "200억원 이상", "가나전자", None, "KRW", 2e10, 20_000_000_000, None, "at_least"),
    ]
    quarantine = [
        {"source": "in/bad.jsonl#2", "error_type": "MissingText",
         "error": "[E010] JSON record in/bad.jsonl#2 has no text",
         "run_id": "r2", "ingested_at": INGESTED["r2"], PARTITION_COLUMN: "2024-05"},
        {"source": "in/bad.jsonl#5", "error_type": "MissingText",
         "error": "[E010] JSON record in/bad.jsonl#5 has no text",
         "run_id": "r2", "ingested_at": INGESTED["r2"], PARTITION_COLUMN: "2024-05"},
        {"source": "in/euc.txt", "error_type": "DecodeError", "error": "[E001] Cannot decode in/euc.txt",
         "run_id": "r2", "ingested_at": INGESTED["r2"], PARTITION_COLUMN: "2024-05"},
    ]
    return {"articles": articles, "entities": entities, "paper_counts": papers, "investments": investments,
            "quarantine": quarantine}


def write_output(out: Path, rows: dict[str, list[dict]], tables: tuple[str, ...] = TABLES) -> Path:
    """Write ``rows`` as the store does: ``out/<table>/pub_month=…/part-<run>-<seq>.parquet``.

    A listed table with no rows gets one zero-row file; a table not in ``tables`` gets no folder.
    """
    for table in tables:
        schema = SCHEMAS[table]
        by_key: dict[tuple[str, str], list[dict]] = {}
        for r in rows.get(table, []):
            by_key.setdefault((r[PARTITION_COLUMN], r["run_id"]), []).append(r)
        if not by_key:
            by_key[("unknown", "empty")] = []
        for seq, ((month, run), part) in enumerate(sorted(by_key.items()), 1):
            folder = out / table / f"{PARTITION_COLUMN}={month}"
            folder.mkdir(parents=True, exist_ok=True)
            arrow = pa.Table.from_pylist(part, schema=schema).drop_columns([PARTITION_COLUMN])
            pq.write_table(arrow, folder / f"part-{run}-{seq:05d}.parquet")
    out.mkdir(parents=True, exist_ok=True)
    (out / ".kornews.lock").touch()
    return out


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory) -> Path:
    return write_output(tmp_path_factory.mktemp("report") / "out", sample_rows())


@pytest.fixture(scope="module")
def sample_data(sample_out):
    return collect_report(sample_out)


@pytest.fixture(scope="module")
def sample_html(sample_out) -> tuple[Path, str]:
    path = build_report(sample_out)
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def empty_out(tmp_path_factory) -> Path:
    """Every table present, each with one zero-row file."""
    return write_output(tmp_path_factory.mktemp("report") / "empty", {})


# --------------------------------------------------------------------------- aggregation, exact numbers


def test_totals_and_missing(sample_data):
    assert sample_data.totals == {"articles": 4, "entities": 12, "paper_counts": 5, "investments": 4,
                                  "quarantine": 3}
    assert sample_data.missing_tables == []


def test_runs(sample_data):
    runs = {r["run_id"]: r for r in sample_data.runs}
    assert [r["run_id"] for r in sample_data.runs] == ["r2", "r1"]  # the latest first
    assert {t: runs["r1"][t] for t in TABLES} == {"articles": 2, "entities": 9, "paper_counts": 2,
                                                   "investments": 3, "quarantine": 0}
    assert {t: runs["r2"][t] for t in TABLES} == {"articles": 2, "entities": 3, "paper_counts": 3,
                                                   "investments": 1, "quarantine": 3}
    assert runs["r1"]["first"] == int(INGESTED["r1"].timestamp() * 1e6)


def test_inputs_months_publishers(sample_data):
    assert {(i["input"], i["articles"], i["quarantined"]) for i in sample_data.inputs} == {
        ("in/", 1, 1), ("in/feed.jsonl", 1, 0), ("inbox/", 1, 0), ("https://news.example.kr", 1, 0),
        ("in/bad.jsonl", 0, 2)}
    # dates in order, then the non-date partition
    assert sample_data.months == [("2024-03", 2), ("2024-04", 1), ("unknown", 1)]
    assert sample_data.publishers == [("가상일보", 2), ("(unknown)", 1), ("나라경제", 1)]


def test_quarantine_by_reason(sample_data):
    q = [(r["error_type"], r["n"], list(r["examples"])) for r in sample_data.quarantine]
    assert q == [("MissingText", 2, ["in/bad.jsonl#2", "in/bad.jsonl#5"]), ("DecodeError", 1, ["in/euc.txt"])]


def test_top_organizations(sample_data):
    orgs = [(o["name"], o["mentions"], o["articles"]) for o in sample_data.orgs]
    # canonical when set, else the text (사자랩 has an empty canonical); VENUE entities are not counted
    assert orgs == [("가나전자", 6, 4), ("다라대학교", 3, 2), ("Maba Ventures", 1, 1), ("사자랩", 1, 1)]
    assert sample_data.orgs_total == 4
    first = sample_data.orgs[0]["first"]  # the earliest article's first mention
    assert (first["article_id"], first["start"]) == ("a1", 0)
    assert sample_data.orgs[3]["first"]["article_id"] == "a3"  # undated, still found


def test_paper_counts_by_org_venue_year(sample_data):
    groups = [(g["org"], g["venues"], g["year"], g["max_count"], g["min_count"], g["records"], g["articles"],
               g["vague"]) for g in sample_data.paper_groups]
    assert groups == [
        ("가나전자", "NeurIPS", 2024, 12, 10, 2, 2, 0),
        ("사자랩", "ICLR + NeurIPS", 2023, 7, 7, 1, 1, 0),
        ("다라대학교", "ICML", 2024, 3, 3, 1, 1, 0),
        ("가나전자", "", None, None, None, 1, 1, 1),
    ]
    assert [r["count"] for r in sample_data.paper_records] == [12, 10, 7, 3, None]


def test_investments(sample_data):
    assert [i["amount_text"] for i in sample_data.investments] == ["500억원", "200억원 이상", "수십억원"]
    assert sample_data.investments_krw_total == 3
    assert [i["amount_text"] for i in sample_data.unplotted] == ["1억달러"]
    assert (sample_data.unplotted_total, sample_data.unplotted_foreign_total) == (1, 1)
    assert {a for a in sample_data.articles} == {"a1", "a2", "a3", "a4"}


def test_caps_say_how_many_are_shown(sample_out, tmp_path):
    data = collect_report(sample_out, Limits(evidence=2, top_orgs=1, table_rows=2))
    assert len(data.paper_records) == 2 and len(data.investments) == 2 and len(data.orgs) == 1
    assert data.paper_groups_total == 4 and len(data.paper_groups) == 2
    html = build_report(sample_out, tmp_path / "capped.html", Limits(evidence=2, top_orgs=1, table_rows=2)) \
        .read_text(encoding="utf-8")
    assert "Paper-count records: showing 2 of 5, the largest counts first." in html
    assert "Investments with a KRW value: showing 2 of 3, the largest first." in html
    assert "showing 1 of 4, the most mentioned first." in html


def test_plot_cap_keeps_the_largest_and_samples_the_rest(sample_out, tmp_path):
    limits = Limits(evidence=1, plot_points=2)
    data = collect_report(sample_out, limits)
    points = [p["amount_text"] for p in data.investment_points]
    assert len(points) == 2 and points[0] == "500억원" and points[1] in ("200억원 이상", "수십억원")
    assert points == [p["amount_text"] for p in collect_report(sample_out, limits).investment_points]  # repeatable
    html = build_report(sample_out, tmp_path / "r.html", limits).read_text(encoding="utf-8")
    assert ("Drawn: 2 of the 3 investments with a KRW value (the 1 largest and an even sample of 1 of the "
            "others).") in html


@pytest.mark.parametrize("body,target,nth,evidence,expected", [
    ("첫 문장이다. 가나전자가 500억원을 투자했다.", "500억원", 0, "가나전자가 500억원을 투자했다.",
     "가나전자가 <mark>500억원</mark>을 투자했다."),
    # the span's text twice in the sentence: the offsets decide which one is marked
    ("가나전자는 10편 가운데 10편이 채택됐다.", "10편", 1, "가나전자는 10편 가운데 10편이 채택됐다.",
     "가나전자는 10편 가운데 <mark>10편</mark>이 채택됐다."),
    # the same sentence twice in the body: the occurrence holding the offsets
    ("KT가 1조원을 냈다. KT가 1조원을 냈다.", "1조원", 1, "KT가 1조원을 냈다.", "KT가 <mark>1조원</mark>을 냈다."),
    # no evidence: the sentence around the span, by punctuation; the body's markup is escaped
    ("앞 문장. 다라대학교가 <발표>했다. 뒤 문장.", "다라대학교", 0, None, "<mark>다라대학교</mark>가 &lt;발표&gt;했다."),
])
def test_highlight(body, target, nth, evidence, expected):
    start = -1
    for _ in range(nth + 1):
        start = body.index(target, start + 1)
    assert highlight(body, start, start + len(target), evidence) == (expected, True)


def test_highlight_offsets_out_of_range_show_the_evidence_unmarked():
    assert highlight("짧은 본문.", 40, 45, "가나<전자>") == ("가나&lt;전자&gt;", False)
    assert highlight(None, 0, 2, "증거") == ("증거", False)


@pytest.mark.parametrize("low,high,expected", [
    (50_000_000_000, 50_000_000_000, "500억원"),
    (10 ** 10, 10 ** 11 - 1, "100억원 – 1000억원 미만"),
    (20_000_000_000, None, "≥ 200억원"),
    (None, 10 ** 8, "≤ 1억원"),
    (5_300_000_000_000, 5_300_000_000_000, "5조 3000억원"),
])
def test_krw_format(low, high, expected):
    assert fmt_krw_range(low, high) == expected


def test_krw_units():
    assert (fmt_krw(9999), fmt_krw(1_234_500_000_000), fmt_krw(10 ** 16)) == ("9,999원", "1조 2345억원", "1경원")


# --------------------------------------------------------------------------- the page


def test_page_is_self_contained(sample_html):
    _, html = sample_html
    assert "<script" not in html.lower() and "<link" not in html.lower() and "@import" not in html
    assert "src=" not in html  # no image, frame or script source at all
    assert re.search(r"url\(", html) is None
    hrefs = re.findall(r'href="([^"]*)"', html)
    external = {h for h in hrefs if not h.startswith("#")}
    # only the articles' own http(s) URLs; a javascript: URL is never a link
    assert external == {"https://news.example.kr/a1", "https://news.example.kr/a4"}
    assert "default-src 'none'" in html


def test_page_escapes_and_links(sample_html):
    path, html = sample_html
    assert path.name == "report.html"
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".report.html")]  # no temp file left
    assert "<b>단독</b>" not in html and "&lt;b&gt;단독&lt;/b&gt; &amp; &quot;인용&quot;" in html
    all_ids = re.findall(r'id="([^"]+)"', html)
    ids = set(all_ids)
    assert len(ids) == len(all_ids)  # Korean names never collapse into one id
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in ids, target
    org_links = re.findall(r'<a href="#(org-[^"]+)">', html)
    assert len(org_links) == len(set(org_links)) == 4
    assert "가나전자는 10편 가운데 <mark>10편</mark>이 뉴립스 2024에 채택됐다고 밝혔다." in html
    assert "미국 마바벤처스는 가나전자에 <mark>1억달러</mark>를 투자했다." in html
    assert "not plotted: no KRW value" in html
    assert "Investments without a KRW value: 1 (all shown)." in html


def test_page_charts(sample_html):
    _, html = sample_html
    orgs = re.search(r'<svg class="chart hbar" id="orgs".*?</svg>', html, re.S).group(0)
    assert orgs.count('<rect class="bar mentions"') == 4 and orgs.count('<rect class="bar articles"') == 4
    papers = re.search(r'<svg class="chart hbar" id="papers".*?</svg>', html, re.S).group(0)
    assert papers.count('<rect class="bar papers"') == 3  # the vague row has no bar
    months = re.search(r'<svg class="chart vbar" id="months".*?</svg>', html, re.S).group(0)
    assert months.count('<rect class="bar"') == 2 and months.count('<rect class="bar other"') == 1
    inv = re.search(r'<svg class="chart scatter" id="investments-chart".*?</svg>', html, re.S).group(0)
    assert [inv.count(f'class="point {k}"') for k in ("exact", "range", "at-least")] == [1, 1, 1]
    assert "100억" in inv and "log scale" in inv


def test_empty_output_renders(empty_out, tmp_path):
    data = collect_report(empty_out)
    assert set(data.totals.values()) == {0} and data.missing_tables == []
    html = build_report(empty_out, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "No paper counts." in html and "No investments." in html and "<svg" not in html


@pytest.mark.parametrize("present", [
    tuple(t for t in TABLES if t != "investments"),  # one table folder missing
    ("quarantine",),  # every input quarantined: no articles/ folder, still an output
    (),  # only the lock file: a run that wrote nothing
])
def test_missing_tables_render(tmp_path, present):
    rows = {t: r for t, r in sample_rows().items() if t in present}
    out = write_output(tmp_path / "out", rows, present)
    data = collect_report(out)
    assert data.missing_tables == [t for t in TABLES if t not in present]
    assert all(data.totals[t] == 0 for t in TABLES if t not in present)
    assert build_report(out).exists()


def test_top_level_zero_row_file_beside_partitions(tmp_path):
    out = write_output(tmp_path / "out", sample_rows())
    pq.write_table(SCHEMAS["investments"].empty_table().drop_columns([PARTITION_COLUMN]),
                   out / "investments" / "part-empty-00001.parquet")
    assert collect_report(out).totals["investments"] == 4


@pytest.mark.parametrize("make,code", [
    (lambda p: p / "nope", "E060"),
    (lambda p: (p / "file.txt").write_text("x") and p / "file.txt", "E060"),
    (lambda p: (p / "other").mkdir() or p / "other", "E061"),
])
def test_not_an_output_folder(tmp_path, make, code):
    folder = make(tmp_path)
    with pytest.raises(ReportError, match=rf"\[{code}\] .*{re.escape(str(folder))}"):
        build_report(folder)
    assert not list(tmp_path.rglob("*.html"))
    result = CliRunner().invoke(report_command, ["--out", str(folder)])
    assert result.exit_code != 0 and f"[{code}]" in result.output and str(folder) in result.output
    assert not list(tmp_path.rglob("*.html"))


def test_unreadable_table_is_a_coded_error(tmp_path):
    out = write_output(tmp_path / "out", sample_rows())
    (out / "entities" / f"{PARTITION_COLUMN}=2024-03" / "part-bad-00009.parquet").write_bytes(b"not parquet")
    with pytest.raises(ReportError, match=r"\[E062\] Cannot read table entities"):
        build_report(out)
    assert not (out / "report.html").exists()


def test_cli(sample_out, tmp_path):
    target = tmp_path / "page.html"
    result = CliRunner().invoke(report_command, ["--out", str(sample_out), "--html", str(target), "--top", "2"])
    assert result.exit_code == 0, result.output
    assert target.exists() and f"wrote {target}" in result.output
    assert "4 articles" in result.output and "5 paper counts (5 listed)" in result.output


# --------------------------------------------------------------------------- in a real browser


def artifacts_dir() -> Path:
    folder = Path(os.environ.get("KORNEWS_TEST_ARTIFACTS") or ROOT / "build" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM or not os.path.exists(CHROMEDRIVER):
        pytest.skip("Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kornews-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1280,1600", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # an explicit driver path: Selenium Manager never tries to download one
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path, shot: str) -> list[dict]:
    driver.get(path.resolve().as_uri())
    driver.save_screenshot(str(artifacts_dir() / shot))
    return driver.get_log("browser")


def severe(logs: list[dict]) -> list[dict]:
    return [e for e in logs if e.get("level") in ("SEVERE", "ERROR")]


def test_browser_draws_the_report(browser, sample_html):
    from selenium.webdriver.common.by import By

    path, _ = sample_html
    logs = open_page(browser, path, "report-sample.png")
    assert not severe(logs), logs

    def elements(css):
        return browser.find_elements(By.CSS_SELECTOR, css)

    bars = elements("svg.chart#orgs rect.bar")
    assert len(bars) == 8 and all(b.size["width"] > 0 and b.size["height"] > 0 for b in bars)
    assert len(elements("svg.chart#papers rect.bar")) == 3
    assert len(elements("svg.chart#months rect.bar")) == 3
    assert len(elements("svg.chart#publishers rect.bar")) == 3
    assert len(elements("svg.chart#investments-chart g.point")) == 3
    labels = [t.text for t in elements("svg.chart#investments-chart .tick-label")]
    assert "100억" in labels and "1000억" in labels
    assert "KRW (원), log scale" in [t.text for t in elements("svg.chart#investments-chart .axis-label")]
    assert "가나전자" in [t.text for t in elements("svg.chart#orgs .y-axis .tick-label")]
    # key names are visible on the page
    for css, text in (("table.papers td", "NeurIPS"), ("table.orgs td", "다라대학교"), ("table.quarantine td",
                                                                                       "MissingText")):
        cell = next(c for c in elements(css) if c.text == text)
        assert cell.is_displayed()
    mark = elements("li#pc-2 mark")[0]
    assert mark.text == "10편" and mark.is_displayed()


def test_browser_follows_an_evidence_link(browser, sample_html):
    from selenium.webdriver.common.by import By

    path, _ = sample_html
    open_page(browser, path, "report-sample-top.png")
    browser.find_element(By.CSS_SELECTOR, "li#inv-1 a.article-link").click()
    assert browser.current_url.endswith("#a-a1")
    assert browser.find_element(By.CSS_SELECTOR, "article#a-a1 h3").is_displayed()


def test_browser_empty_report(browser, empty_out, tmp_path):
    from selenium.webdriver.common.by import By

    path = build_report(empty_out, tmp_path / "empty.html")
    logs = open_page(browser, path, "report-empty.png")
    assert not severe(logs), logs
    assert browser.find_elements(By.CSS_SELECTOR, "svg.chart") == []
    assert any(p.text == "No paper counts." and p.is_displayed()
               for p in browser.find_elements(By.CSS_SELECTOR, "p.empty"))


def test_browser_shows_the_facts_first_with_their_sources_one_click_away(browser, sample_out, tmp_path):
    import shutil

    from selenium.webdriver.common.by import By

    from pipeline.facts import read_facts, rebuild_facts

    out = tmp_path / "out"
    shutil.copytree(sample_out, out)
    n = rebuild_facts(out)
    assert n == read_facts(out).num_rows > 0
    path = build_report(out, tmp_path / "facts.html")
    logs = open_page(browser, path, "report-facts.png")
    assert not severe(logs), logs
    first_section = browser.find_elements(By.CSS_SELECTOR, "main section")[0]
    assert first_section.get_attribute("id") == "facts"
    rows = browser.find_elements(By.CSS_SELECTOR, "section#facts table.facts tbody tr")
    assert len(rows) == min(n, 30) and rows[0].is_displayed()
    link = rows[0].find_element(By.CSS_SELECTOR, "details a.article-link")
    assert not link.is_displayed()
    rows[0].find_element(By.CSS_SELECTOR, "details summary").click()
    assert link.is_displayed()
