"""Property-based fuzzing of ingest → analysis → Parquet (Hypothesis).

Random bytes, random Unicode, random JSON values and random archive members go
through the same path as ``kornews run``. Whatever comes in:

* no exception escapes;
* every input ends as an article row or a quarantine row (or is skipped as a
  repeat of an article already written);
* every written row indexes its article's body exactly: ``body[start:end] == text``.

CI runs a short budget (``KORNEWS_FUZZ_EXAMPLES``, default 40 per property);
``python benchmarks/fuzz.py`` runs the same properties with a long one.
"""
from __future__ import annotations

import io
import json
import os
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from models.analyse import Analyzer  # noqa: E402
from pipeline.ingest import IngestConfig, iter_articles  # noqa: E402
from models.schema import QuarantineRecord, RawArticle  # noqa: E402
from pipeline.store import ParquetStore, read_table  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")  # random zip members may repeat

EXAMPLES = int(os.environ.get("KORNEWS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("KORNEWS_FUZZ_RANDOM") is None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])
T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)

#: Pieces of press text that reach the rules: names, venues, amounts, counts, boilerplate marks.
FRAGMENTS = ["네이버", "카카오브레인", "서울대", "KAIST", "는 ", "가 ", "에서 ", "논문 ", "12편", "3건을 ", "발표했다. ",
             "ICLR 2022", "뉴립스", "Nature", "100억원", "수백억원", "5000억엔(약 5조3000억원)", "을 투자했다. ",
             "ⓒ ", "<저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지>", "[사진=네이버]", "홍길동 기자 a@b.kr", "\n", "\n\n",
             "입력 2023.03.15 10:12", "각각 ", "와 ", "이중 ", "(", ")", "'", "·", " ", "\t", "\r\n", "\ufeff", "\u200b",
             "\ud7a3", "ᄀ", "ㅋㅋ", "한", "😀", "\x00", "0", "2023년 ", "올해 "]
korean_text = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60).map("".join)
EXTENSIONS = [".txt", ".html", ".json", ".jsonl", ".txt.gz", ".md"]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), korean_text),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(
        st.sampled_from(["text", "title", "body", "date", "url", "source", "publisher", "본문", "x"]), children,
        max_size=5)),
    max_leaves=12)


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer(None, "none", errors="quarantine")


def _run(analyzer, paths, out: Path) -> tuple[list, list]:
    """Ingest ``paths``, analyse, write, read back; check the row invariants. Returns (items, written articles)."""
    items = list(iter_articles([str(p) for p in paths], IngestConfig(max_member_bytes=1 << 20)))
    assert all(isinstance(i, (RawArticle, QuarantineRecord)) for i in items)
    raws = [i for i in items if isinstance(i, RawArticle)]
    store = ParquetStore(out, "fuzz")
    store.ensure_tables("2024-03")
    records = analyzer.process(raws, "fuzz", T0, store.known_article)
    records.quarantine.extend(i for i in items if isinstance(i, QuarantineRecord))
    # every raw article is an article row, a quarantine row, or a skipped repeat
    assert len(records.articles) + sum(q.stage is not None for q in records.quarantine) + records.skipped == len(raws)
    store.write_batch(records.as_tables())
    arts = read_table(out, "articles").to_pylist()
    bodies = {a["article_id"]: a["body"] for a in arts}
    for table in ("entities", "paper_counts", "investments"):
        for row in read_table(out, table).to_pylist():
            body = bodies[row["article_id"]]
            assert 0 <= row["start"] <= row["end"] <= len(body)
            if table == "entities":
                assert body[row["start"]:row["end"]] == row["text"]
    for q in read_table(out, "quarantine").to_pylist():
        assert q["error"].startswith("[E"), q
    return items, arts


@FUZZ
@given(data=st.binary(max_size=3000), ext=st.sampled_from(EXTENSIONS))
def test_random_bytes(analyzer, tmp_path_factory, data, ext):
    d = tmp_path_factory.mktemp("bytes")
    path = d / f"input{ext}"
    path.write_bytes(data)
    items, _ = _run(analyzer, [d], d / "out")
    assert len(items) >= (0 if ext in (".md", ".txt.gz") else 1)  # every kind read gives an article or a record


@FUZZ
@given(text=korean_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949", "utf-16"]))
def test_random_unicode(analyzer, tmp_path_factory, text, encoding):
    d = tmp_path_factory.mktemp("text")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8", "surrogatepass")
    (d / "a.txt").write_bytes(data)
    items, arts = _run(analyzer, [d / "a.txt"], d / "out")
    assert len(items) == 1
    if isinstance(items[0], RawArticle):
        assert len(arts) + len(read_table(d / "out", "quarantine").to_pylist()) == 1


@FUZZ
@given(values=st.lists(json_values, min_size=1, max_size=6))
def test_random_json_lines(analyzer, tmp_path_factory, values):
    d = tmp_path_factory.mktemp("jsonl")
    lines = [json.dumps(v, ensure_ascii=bool(i % 2)) for i, v in enumerate(values)]
    (d / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    items, _ = _run(analyzer, [d / "a.jsonl"], d / "out")
    assert len(items) == len(values)  # one article or one record per line


member_names = st.one_of(st.sampled_from(["a.txt", "b/c.jsonl", "../up.txt", "/abs.txt", "d.html", "e.zip",
                                          ".hidden.txt", "f.json", "g.txt.gz", "h"]),
                         st.text(min_size=1, max_size=12).map(lambda s: s + ".txt"))


@FUZZ
@given(members=st.lists(st.tuples(member_names, st.one_of(st.binary(max_size=400), korean_text.map(str.encode))),
                        max_size=6),
       kind=st.sampled_from(["zip", "tar.gz"]))
def test_random_archive_members(analyzer, tmp_path_factory, members, kind):
    d = tmp_path_factory.mktemp("archive")
    path = d / f"a.{kind}"
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in members:
                zf.writestr(name, data)
    else:
        with tarfile.open(path, "w:gz") as tf:
            for name, data in members:
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tf.addfile(info, io.BytesIO(data))
    _run(analyzer, [path], d / "out")
