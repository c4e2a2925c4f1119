"""End-to-end: the Prefect flow and the CLI write every contract table, idempotently."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from models.schema import TABLES
from pipeline.store import read_table

pytestmark = pytest.mark.slow

ARTICLE_1 = """카카오브레인, 국제학회서 논문 성과

카카오브레인은 올해 ICLR 2023에서 논문 4편이 채택됐다고 15일 밝혔다. 카카오브레인은 연구 인력 확충을 위해 향후 3년간 300억원 이상을 투자할 계획이다.

홍길동 기자 gildong@example.co.kr
<저작권자 ⓒ 가상경제, 무단 전재 및 재배포 금지>
"""

ARTICLE_2 = """네이버, 서울대와 공동연구

네이버는 서울대와 함께 초대규모 AI 연구센터를 세운다고 밝혔다. 네이버 클로바가 지난해 뉴립스에서 발표한 논문은 9건이다.
"""


@pytest.fixture
def inputs(tmp_path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text(ARTICLE_1, encoding="utf-8")
    (d / "b.txt").write_text(ARTICLE_2, encoding="cp949")
    (d / "broken.txt").write_bytes(bytes(range(128, 256)) * 4)
    with zipfile.ZipFile(d / "evil.zip", "w") as z:
        z.writestr("../evil.txt", "네이버가 발표했다.")
    (d / "c.jsonl").write_text(json.dumps({"title": "t", "text": "업스테이지는 시리즈B 투자를 유치했다."}, ensure_ascii=False)
                               + "\n{not json\n", encoding="utf-8")
    return d


def _run(inputs: Path, out: Path) -> dict:
    from pipeline.config import PipelineConfig
    from pipeline.flows import run_flow

    return run_flow(PipelineConfig(inputs=[str(inputs)], out=str(out), ner="none", progress=False))


def test_run_writes_every_table_and_quarantines(prefect_harness, inputs, tmp_path):
    out = tmp_path / "out"
    summary = _run(inputs, out)
    for table in TABLES:
        assert (out / table).is_dir(), table
    arts = pd.read_parquet(out / "articles")
    assert sorted(arts["source"].map(lambda s: Path(s).name)) == ["a.txt", "b.txt", "c.jsonl:1"]
    a = arts[arts["source"].str.endswith("a.txt")].iloc[0]
    assert a["title"] == "카카오브레인, 국제학회서 논문 성과"
    assert "무단" not in a["body"] and "@" not in a["body"]
    q = pd.read_parquet(out / "quarantine")
    kinds = dict(zip(q["source"].map(lambda s: Path(s.split("!")[0].split(":")[0]).name), q["error_type"]))
    assert kinds == {"broken.txt": "DecodeError", "evil.zip": "UnsafePath", "c.jsonl": "InvalidJSON"}
    assert summary["quarantined"] == 3 and summary["articles"] == 3
    pcs = pd.read_parquet(out / "paper_counts")
    row = pcs[pcs["count"] == 4].iloc[0]
    assert row["org"] == "카카오브레인" and list(row["venues"]) == ["ICLR"] and row["year"] == 2023
    inv = pd.read_parquet(out / "investments").iloc[0]
    assert inv["investor"] == "카카오브레인" and inv["amount_krw_low"] == 30_000_000_000
    assert inv["amount_krw_high"] is None or pd.isna(inv["amount_krw_high"])
    assert inv["period"] == "향후 3년간"
    ents = pd.read_parquet(out / "entities")
    bodies = dict(zip(arts["article_id"], arts["body"]))
    for e in ents.itertuples():
        assert bodies[e.article_id][e.start:e.end] == e.text


def test_rerun_is_idempotent(prefect_harness, inputs, tmp_path):
    out = tmp_path / "out"
    _run(inputs, out)
    before = {t: read_table(out, t).num_rows for t in TABLES}
    summary = _run(inputs, out)
    after = {t: read_table(out, t).num_rows for t in TABLES}
    assert before == after
    assert summary["articles"] == 0 and summary["duplicates_skipped"] == 3


def test_run_publishes_its_records_with_evidence(prefect_harness, inputs, tmp_path):
    from prefect.artifacts import Artifact

    from pipeline.artifacts import records_markdown

    out = tmp_path / "out"
    summary = _run(inputs, out)
    markdown = records_markdown(out, summary["run_id"])
    assert markdown.startswith(f"# kornews run {summary['run_id']}: 3 articles\n\n3 inputs quarantined")
    assert ("| 카카오브레인 | ICLR | 2023 | 4 | 카카오브레인은 올해 ICLR 2023에서 논문 4편이 채택됐다고 15일 밝혔다. |"
            in markdown.splitlines())
    assert ("| 카카오브레인 | 연구 인력 확충 | 300억원 이상 | 300.0억원 | "
            "카카오브레인은 연구 인력 확충을 위해 향후 3년간 300억원 이상을 투자할 계획이다. |" in markdown.splitlines())
    assert f"(write it with `kornews report --out {out}`)" in markdown
    published = Artifact.get("kornews-records")
    assert published.type == "markdown" and published.data == markdown
