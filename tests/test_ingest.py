"""Tests of pipeline.ingest: every input kind is built in tmp_path from our own snippets."""
from __future__ import annotations

import gzip
import io
import json
import stat
import tarfile
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from models.dates import KST, parse_published_at
from models.errors import DecodeError
from models.schema import QuarantineRecord, RawArticle
from pipeline.ingest import IngestConfig, decode_bytes, detect_format, expand_inputs, iter_articles

_MB = 1024 * 1024

BODY = "카카오가 판교에 인공지능 연구소를 새로 열었다.\n연구소는 올해 연구원 백 명을 뽑는다."
BODY2 = "네이버는 국제 학회에 논문 열두 편을 냈다고 밝혔다."
BODY3 = "한 벤처캐피털이 반도체 스타트업에 300억원을 투자했다."

HTML_CP949 = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">
<title>카카오, 판교에 연구소 - 한빛일보</title>
<meta property="og:title" content="카카오, 판교에 연구소">
<meta property="og:site_name" content="한빛일보">
<meta property="og:url" content="https://news.example.kr/article/77">
<meta property="article:published_time" content="2023-05-04T10:20:00+09:00">
</head><body>
<nav>홈 | 경제 | 사회 | 로그인</nav>
<article><h1>카카오, 판교에 연구소</h1>
<p>카카오가 판교에 인공지능 연구소를 새로 열었다고 4일 밝혔다. 연구소는 올해 말까지 연구원 백 명을 뽑을 계획이다.</p>
<p>회사 측은 내년에 국제 학회에 논문 열 편을 내겠다는 목표를 세웠다고 설명했다.</p>
</article><footer>무단 전재 및 재배포 금지</footer></body></html>"""


def write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (str as UTF-8) to ``path``, creating parent folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def read_all(*inputs, **config) -> list:
    return list(iter_articles(list(inputs), IngestConfig(**config)))


def summary(items: list) -> list[tuple[str, str]]:
    """(source, text or error_type) per item, the shape most tests compare."""
    return [(i.source, i.text if isinstance(i, RawArticle) else i.error_type) for i in items]


def make_zip(path: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def make_tar(path: Path, members: dict[str, bytes | str], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode) as tf:
        for name, data in members.items():
            raw = data.encode("utf-8") if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tf.addfile(info, io.BytesIO(raw))
    return path


# --- decode_bytes ----------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("연구소 설립".encode("utf-8"), ("연구소 설립", "utf-8")),
        (b"\xef\xbb\xbf" + "연구소 설립".encode("utf-8"), ("연구소 설립", "utf-8-sig")),
        ("연구소 설립".encode("cp949"), ("연구소 설립", "cp949")),
        ("똠방각하 연구소".encode("cp949"), ("똠방각하 연구소", "cp949")),  # 똠: a CP949-only syllable
        (b"plain ASCII only", ("plain ASCII only", "utf-8")),
        (b"", ("", "utf-8")),
        ('<meta charset="euc-kr"><p>美 연구소</p>'.encode("cp949"),
         ('<meta charset="euc-kr"><p>美 연구소</p>', "cp949")),
    ],
)
def test_decode_bytes(data, expected):
    assert decode_bytes(data, "x.txt") == expected


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(128, 256)) * 10,             # invalid in both encodings
        "大韓民國萬歲國家".encode("cp949") * 5,    # strict CP949, but all Hanja
        b"\x81\x41\x81\x42\x81\x43" * 20,         # strict CP949, only rare extension syllables
        b"\xef\xbb\xbf\xff\xfe",                  # a BOM, then invalid UTF-8
    ],
)
def test_decode_bytes_rejects_noise(data):
    with pytest.raises(DecodeError, match=r"\[E001\] Cannot decode 잡음\.txt"):
        decode_bytes(data, "잡음.txt")


def test_decode_bytes_honours_declared_korean_charset():
    # Without the declaration this Hanja-heavy page would fail the plausibility check.
    page = '<meta http-equiv="content-type" content="text/html; charset=ks_c_5601-1987">大韓民國 萬歲 연구'
    assert decode_bytes(page.encode("cp949"), "p.html") == (page, "cp949")


# --- parse_published_at ----------------------------------------------------

UTC = timezone.utc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022-01-30", datetime(2022, 1, 30, tzinfo=KST)),
        ("2022.01.30", datetime(2022, 1, 30, tzinfo=KST)),
        ("2022. 1. 30.", datetime(2022, 1, 30, tzinfo=KST)),
        ("2022/01/30 15:20:11", datetime(2022, 1, 30, 15, 20, 11, tzinfo=KST)),
        ("2022-01-30 09:12", datetime(2022, 1, 30, 9, 12, tzinfo=KST)),
        ("2022년 1월 30일", datetime(2022, 1, 30, tzinfo=KST)),
        ("2022년 1월 30일 오후 3시 5분", datetime(2022, 1, 30, 15, 5, tzinfo=KST)),
        ("2022년 1월 30일(일) 오전 12:40", datetime(2022, 1, 30, 0, 40, tzinfo=KST)),
        ("입력 2022.01.30 09:12", datetime(2022, 1, 30, 9, 12, tzinfo=KST)),
        ("2022-01-30T09:12:00+09:00", datetime(2022, 1, 30, 9, 12, tzinfo=KST)),
        ("2022-01-30T09:12:00+0900", datetime(2022, 1, 30, 9, 12, tzinfo=KST)),
        ("2022-01-30T00:12:00Z", datetime(2022, 1, 30, 0, 12, tzinfo=UTC)),
        ("Sun, 30 Jan 2022 09:12:00 +0900", datetime(2022, 1, 30, 9, 12, tzinfo=KST)),
        ("어제 오후", None),
        ("2022-13-45", None),
        ("2022년 2월 30일", None),
        ("", None),
    ],
)
def test_parse_published_at(text, expected):
    parsed = parse_published_at(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == expected.utcoffset()


# --- plain text ------------------------------------------------------------

@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (BODY.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + BODY.encode("utf-8"), "utf-8-sig"),
        (BODY.encode("cp949"), "cp949"),
    ],
)
def test_txt_encodings(tmp_path, data, encoding):
    path = write(tmp_path / "기사.txt", data)
    assert read_all(path) == [RawArticle(source=str(path), text=BODY, format="txt", encoding=encoding)]


def test_txt_random_bytes_is_decode_error_naming_the_file(tmp_path):
    path = write(tmp_path / "noise.txt", bytes(range(128, 256)) * 10)
    [record] = read_all(path)
    assert (record.source, record.error_type) == (str(path), "DecodeError")
    assert record.error.startswith(f"[E001] Cannot decode {path}:")


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_txt_blank_is_empty_article(tmp_path, data):
    path = write(tmp_path / "blank.txt", data)
    assert read_all(path) == [QuarantineRecord(str(path), "EmptyArticle", f"[E012] Empty article in {path}: "
                                                                          "no text left after cleaning.")]


def test_file_over_cap_is_too_large(tmp_path):
    path = write(tmp_path / "big.txt", "가" * 10)
    [record] = read_all(path, max_file_bytes=20)
    assert (record.error_type, record.error) == (
        "TooLarge", f"[E019] Input {path} exceeds the size cap (30 > 20 bytes); raise max_file_bytes to read it.")


# --- HTML ------------------------------------------------------------------

def test_html_cp949_with_meta_tags(tmp_path):
    path = write(tmp_path / "page.HTML", HTML_CP949.encode("cp949"))
    [article] = read_all(path)
    assert (article.source, article.format, article.encoding) == (str(path), "html", "cp949")
    assert article.title == "카카오, 판교에 연구소"
    assert article.publisher == "한빛일보"
    assert article.url == "https://news.example.kr/article/77"
    assert article.published_at == datetime(2023, 5, 4, 10, 20, tzinfo=KST)
    assert ("카카오가 판교에 인공지능 연구소를 새로 열었다고 4일 밝혔다. 연구소는 올해 말까지 연구원 백 명을 뽑을 계획이다.\n"
            "회사 측은 내년에 국제 학회에 논문 열 편을 내겠다는 목표를 세웠다고 설명했다.") in article.text
    assert "무단 전재" not in article.text
    assert "로그인" not in article.text


def test_html_date_from_name_date_meta_without_tz(tmp_path):
    page = ('<html><head><meta name="date" content="2023-05-04 10:20"><title>연구소 개소</title></head><body>'
            '<article><p>한 대학이 양자컴퓨터 연구소를 열고 연구원 스무 명을 새로 뽑았다고 밝혔다. 연구소는 내년부터 '
            '기업들과 공동 연구를 시작한다.</p></article></body></html>')
    [article] = read_all(write(tmp_path / "p.htm", page))
    assert (article.published_at, article.encoding) == (datetime(2023, 5, 4, 10, 20, tzinfo=KST), "utf-8")


def test_html_without_body_is_empty_article(tmp_path):
    path = write(tmp_path / "empty.html", "<html><head><title>제목만</title></head><body></body></html>")
    assert summary(read_all(path)) == [(str(path), "EmptyArticle")]


# --- JSON / JSONL ----------------------------------------------------------

def test_json_list(tmp_path):
    records = [
        {"title": "연구소 설립", "text": BODY, "date": "2022.01.30", "publisher": "한빛일보", "url": "https://a.kr/1"},
        {"headline": "논문 발표", "body": BODY2, "날짜": "2022년 1월 31일", "언론사": "새벽신문"},
    ]
    path = write(tmp_path / "x.json", json.dumps(records, ensure_ascii=False))
    assert read_all(path) == [
        RawArticle(source=f"{path}#1", text=BODY, title="연구소 설립",
                   published_at=datetime(2022, 1, 30, tzinfo=KST), url="https://a.kr/1",
                   publisher="한빛일보", format="json", encoding="utf-8"),
        RawArticle(source=f"{path}#2", text=BODY2, title="논문 발표",
                   published_at=datetime(2022, 1, 31, tzinfo=KST), publisher="새벽신문",
                   format="json", encoding="utf-8"),
    ]


@pytest.mark.parametrize(
    ("document", "expected_suffixes"),
    [
        ({"articles": [{"text": BODY}, {"text": BODY2}]}, ["#1", "#2"]),
        ({"items": [{"content": BODY}]}, ["#1"]),
        ({"data": [{"article": BODY}]}, ["#1"]),
        ({"본문": BODY}, [""]),
    ],
)
def test_json_shapes(tmp_path, document, expected_suffixes):
    path = write(tmp_path / "x.json", json.dumps(document, ensure_ascii=False))
    assert [a.source for a in read_all(path)] == [f"{path}{s}" for s in expected_suffixes]


@pytest.mark.parametrize(
    ("content", "error_type"),
    [
        ("{\"text\": ", "InvalidJSON"),
        ("42", "InvalidJSON"),
        ("[]", "EmptyArticle"),
        ("", "EmptyArticle"),
    ],
)
def test_json_bad_documents(tmp_path, content, error_type):
    path = write(tmp_path / "bad.json", content)
    assert summary(read_all(path)) == [(str(path), error_type)]


def test_jsonl_bad_line_in_the_middle(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"text": BODY}) + "{\"text\": \"깨진 줄\n" + jsonl({"text": BODY2}))
    items = read_all(path)
    assert summary(items) == [(f"{path}:1", BODY), (f"{path}:2", "InvalidJSON"), (f"{path}:3", BODY2)]
    assert items[1].error.startswith(f"[E011] Invalid JSON in {path}:2: ")


def test_jsonl_blank_lines_skipped_and_numbering_kept(tmp_path):
    path = write(tmp_path / "x.jsonl", "\n" + jsonl({"text": BODY}) + "   \n" + jsonl({"text": BODY2}))
    assert summary(read_all(path)) == [(f"{path}:2", BODY), (f"{path}:4", BODY2)]


def test_jsonl_non_object_line(tmp_path):
    path = write(tmp_path / "x.jsonl", "[1, 2]\n")
    [record] = read_all(path)
    assert (record.error_type, record.error) == (
        "InvalidJSON", f"[E011] Invalid JSON in {path}:1: expected an object, got list.")


def test_jsonl_gz(tmp_path):
    path = write(tmp_path / "x.JSONL.GZ", gzip.compress(jsonl({"text": BODY, "title": "제목 하나"},
                                                                 {"text": BODY2}).encode("utf-8")))
    items = read_all(path)
    assert summary(items) == [(f"{path}:1", BODY), (f"{path}:2", BODY2)]
    assert (items[0].title, items[0].format) == ("제목 하나", "jsonl")


def test_jsonl_gz_truncated_keeps_earlier_lines(tmp_path):
    blob = gzip.compress(jsonl(*[{"text": f"{BODY} {i}"} for i in range(200)]).encode("utf-8"))
    path = write(tmp_path / "cut.jsonl.gz", blob[: len(blob) - 40])
    items = read_all(path)
    assert items[-1].source == str(path)
    assert items[-1].error_type == "CorruptArchive"
    assert all(isinstance(i, RawArticle) for i in items[:-1])


def test_jsonl_gz_over_archive_cap(tmp_path):
    line = jsonl({"text": BODY})
    path = write(tmp_path / "bomb.jsonl.gz", gzip.compress((line * 10).encode("utf-8")))
    items = read_all(path, max_archive_bytes=len(line.encode("utf-8")) * 3)
    assert summary(items) == [(f"{path}:1", BODY), (f"{path}:2", BODY), (f"{path}:3", BODY),
                              (str(path), "ArchiveTooLarge")]
    assert "members after line 3 were not read" in items[-1].error


def test_json_gz(tmp_path):
    path = write(tmp_path / "x.json.gz", gzip.compress(json.dumps([{"text": BODY}], ensure_ascii=False).encode()))
    assert summary(read_all(path)) == [(f"{path}#1", BODY)]


def test_jsonl_cp949_line(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"text": BODY}).encode("cp949"))
    [article] = read_all(path)
    assert (article.text, article.encoding) == (BODY, "cp949")


def test_custom_field_map(tmp_path):
    record = {"제목": "맞춤 제목", "본문": BODY, "text": "이 값은 쓰이지 않는다", "date": "2022-01-30"}
    path = write(tmp_path / "x.jsonl", jsonl(record))
    [article] = read_all(path, field_map={"text": ["본문"], "title": ["제목"]})
    assert (article.title, article.text) == ("맞춤 제목", BODY)
    # Fields the custom map leaves out keep their default keys.
    assert article.published_at == datetime(2022, 1, 30, tzinfo=KST)


def test_missing_text_lists_keys(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"title": "본문 없는 기사"}))
    assert read_all(path) == [QuarantineRecord(
        f"{path}:1", "MissingText",
        f"[E010] JSON record {path}:1 has no text field; looked for text, body, content, article, 본문. "
        "Name the record's text field with --field-map, e.g. --field-map '{\"text\": [\"본문\"]}'.")]


def test_unparseable_date_keeps_article(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"text": BODY, "date": "지난주 어느 날"}, {"text": BODY2, "date": 1643500800}))
    items = read_all(path)
    assert [(a.text, a.published_at) for a in items] == [
        (BODY, None), (BODY2, datetime(2022, 1, 30, 0, 0, tzinfo=UTC))]


def test_body_as_list_of_paragraphs(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"body": ["첫 문단이다.", "둘째 문단이다."]}))
    assert [a.text for a in read_all(path)] == ["첫 문단이다.\n둘째 문단이다."]


# --- expansion -------------------------------------------------------------

@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    for name in ["b.txt", "a/z.txt", "a/c.json", "a.txt", "a/deep/d.HTM", ".hidden.txt", ".git/e.txt",
                 "notes.md", "img.png"]:
        write(root / name, "{}")
    return root


def test_folder_recursion_sorted_skips_hidden_and_unknown(tree):
    assert [p.relative_to(tree).as_posix() for p in expand_inputs([tree])] == [
        "a/c.json", "a/deep/d.HTM", "a/z.txt", "a.txt", "b.txt"]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("*.txt", ["a.txt", "b.txt"]),
        ("**/*.txt", ["a.txt", "a/z.txt", "b.txt"]),
        ("?.txt", ["a.txt", "b.txt"]),
        ("[b]*", ["b.txt"]),
        ("*", ["a/c.json", "a/deep/d.HTM", "a/z.txt", "a.txt", "b.txt"]),
    ],
)
def test_glob(tree, pattern, expected):
    assert [p.relative_to(tree).as_posix() for p in expand_inputs([f"{tree}/{pattern}"])] == expected


def test_glob_without_match_is_not_found(tree):
    pattern = f"{tree}/*.xml"
    assert list(expand_inputs([pattern])) == [
        QuarantineRecord(pattern, "NotFound", f"[E009] Input {pattern} does not exist.")]


def test_missing_file_is_not_found(tmp_path):
    missing = tmp_path / "없음.txt"
    assert read_all(missing) == [QuarantineRecord(str(missing), "NotFound", f"[E009] Input {missing} does not exist.")]


def test_explicit_unsupported_file(tree):
    [record] = read_all(tree / "notes.md")
    assert (record.source, record.error_type) == (str(tree / "notes.md"), "UnsupportedFormat")
    assert record.error.startswith(f"[E002] Unsupported input format for {tree / 'notes.md'}: expected one of .jsonl.gz")


def test_duplicates_are_read_once(tree):
    assert [p.name for p in expand_inputs([tree / "b.txt", tree, tree / "b.txt"])] == [
        "b.txt", "c.json", "d.HTM", "z.txt", "a.txt"]


def test_single_string_input(tree):
    assert [p.name for p in expand_inputs(str(tree / "b.txt"))] == ["b.txt"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("a.TXT", "txt"), ("a.htm", "html"), ("a.jsonl.gz", "jsonl.gz"), ("a.tgz", "tar"), ("a.tar.gz", "tar"),
     ("a.zip", "zip"), ("a.gz", None), ("a.md", None)],
)
def test_detect_format(name, expected):
    assert detect_format(name) == expected


# --- archives --------------------------------------------------------------

def test_zip_members_in_nested_folders(tmp_path):
    path = make_zip(tmp_path / "a.zip", {
        "dir/x.txt": BODY,
        "dir/sub/y.jsonl": jsonl({"text": BODY2}, {"title": "본문 없음"}),
        "dir/notes.md": "무시",
        "__MACOSX/dir/._x.txt": "숨김",
        "dir/": "",
    })
    assert summary(read_all(path)) == [
        (f"{path}!dir/x.txt", BODY),
        (f"{path}!dir/sub/y.jsonl:1", BODY2),
        (f"{path}!dir/sub/y.jsonl:2", "MissingText"),
    ]


def test_tar_gz_members_and_links(tmp_path):
    path = tmp_path / "a.tar.gz"
    with tarfile.open(path, "w:gz") as tf:
        for name, text in [("dir/x.txt", BODY), ("dir/sub/y.json", json.dumps({"text": BODY2}, ensure_ascii=False))]:
            raw = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tf.addfile(info, io.BytesIO(raw))
        link = tarfile.TarInfo("dir/link.txt")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
        hard = tarfile.TarInfo("dir/hard.txt")
        hard.type, hard.linkname = tarfile.LNKTYPE, "dir/x.txt"
        tf.addfile(hard)
        dev = tarfile.TarInfo("dir/dev.txt")
        dev.type = tarfile.CHRTYPE
        tf.addfile(dev)
    items = read_all(path)
    assert summary(items) == [
        (f"{path}!dir/x.txt", BODY),
        (f"{path}!dir/sub/y.json", BODY2),
        (f"{path}!dir/link.txt", "UnsafePath"),
        (f"{path}!dir/hard.txt", "UnsafePath"),
        (f"{path}!dir/dev.txt", "UnsafePath"),
    ]
    assert items[2].error == f"[E020] Archive member dir/link.txt of {path} is a symbolic link, not a regular file; " \
                             "it was not read."


@pytest.mark.parametrize("suffix,mode", [(".tar", "w"), (".tgz", "w:gz"), (".tar.xz", "w:xz")])
def test_tar_variants(tmp_path, suffix, mode):
    path = make_tar(tmp_path / f"a{suffix}", {"x.txt": BODY}, mode)
    assert summary(read_all(path)) == [(f"{path}!x.txt", BODY)]


@pytest.mark.parametrize("maker", [make_zip, make_tar])
def test_zip_slip_is_quarantined_and_nothing_written(tmp_path, maker):
    work = tmp_path / "work"
    work.mkdir()
    archive = maker(work / ("evil.zip" if maker is make_zip else "evil.tar.gz"),
                    {"../evil.txt": "탈출", "/abs.txt": "절대경로", "ok/../../x.txt": "탈출", "good.txt": BODY})
    items = read_all(archive)
    assert summary(items) == [
        (f"{archive}!../evil.txt", "UnsafePath"),
        (f"{archive}!/abs.txt", "UnsafePath"),
        (f"{archive}!ok/../../x.txt", "UnsafePath"),
        (f"{archive}!good.txt", BODY),
    ]
    assert items[0].error == f"[E008] Unsafe archive member path ../evil.txt in {archive} (absolute or '..' path); " \
                             "it was not read."
    assert not (tmp_path / "evil.txt").exists()
    assert not (tmp_path.parent / "evil.txt").exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == sorted(["work", archive.name])


def test_zip_symlink_member(tmp_path):
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("link.txt")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    assert summary(read_all(path)) == [(f"{path}!link.txt", "UnsafePath")]


@pytest.mark.parametrize("maker", [make_zip, make_tar])
def test_bomb_member_is_too_large(tmp_path, maker):
    archive = maker(tmp_path / ("bomb.zip" if maker is make_zip else "bomb.tar.gz"),
                    {"zeros.txt": b"\0" * _MB, "small.txt": BODY})
    items = read_all(archive, max_member_bytes=1000)
    assert summary(items) == [(f"{archive}!zeros.txt", "TooLarge"), (f"{archive}!small.txt", BODY)]
    assert items[0].error == f"[E006] Archive member zeros.txt of {archive} exceeds the size cap " \
                             f"({_MB} > 1000 bytes)."


def test_compressed_member_is_capped_after_decompression(tmp_path):
    archive = make_zip(tmp_path / "a.zip", {"x.jsonl.gz": gzip.compress(jsonl({"text": BODY}).encode() * 1000)})
    items = read_all(archive, max_member_bytes=5000)
    assert summary(items) == [(f"{archive}!x.jsonl.gz", "TooLarge")]


@pytest.mark.parametrize("maker", [make_zip, make_tar])
def test_archive_total_cap_stops_reading(tmp_path, maker):
    members = {f"m{i}.txt": "가" * 100 + str(i) for i in range(4)}  # 301 bytes each
    archive = maker(tmp_path / ("a.zip" if maker is make_zip else "a.tar"), members)
    items = read_all(archive, max_archive_bytes=1000)
    assert summary(items) == [
        (f"{archive}!m0.txt", members["m0.txt"]),
        (f"{archive}!m1.txt", members["m1.txt"]),
        (f"{archive}!m2.txt", members["m2.txt"]),
        (str(archive), "ArchiveTooLarge"),
    ]
    assert items[-1].error == f"[E007] Archive {archive} exceeds the total size cap (1204 > 1000 bytes); " \
                              "members after m3.txt were not read."


def test_nested_archive_is_quarantined(tmp_path):
    inner = make_zip(tmp_path / "inner.zip", {"x.txt": BODY}).read_bytes()
    archive = make_tar(tmp_path / "outer.tar.gz", {"in/inner.zip": inner, "y.txt": BODY2})
    assert summary(read_all(archive)) == [(f"{archive}!in/inner.zip", "NestedArchive"), (f"{archive}!y.txt", BODY2)]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bad.zip", bytes(range(256)) * 4),
        ("bad.tar.gz", gzip.compress(b"\0" * 10)[:12]),
        ("bad.tgz", b"this is not a tar file at all" * 30),
    ],
)
def test_corrupt_archive_then_next_input(tmp_path, name, data):
    bad = write(tmp_path / name, data)
    good = write(tmp_path / "good.txt", BODY)
    items = read_all(bad, good)
    assert summary(items) == [(str(bad), "CorruptArchive"), (str(good), BODY)]
    assert items[0].error.startswith(f"[E014] Cannot read {bad}: ")


def test_truncated_tar_gz_keeps_earlier_members(tmp_path):
    blob = make_tar(tmp_path / "full.tar.gz", {"a.txt": BODY, "b.txt": BODY2 * 3000}).read_bytes()
    path = write(tmp_path / "cut.tar.gz", blob[: len(blob) // 2])
    items = read_all(path)
    assert summary(items) == [(f"{path}!a.txt", BODY), (f"{path}!b.txt", "CorruptArchive")]


def test_zip_member_with_bad_crc(tmp_path):
    path = make_zip(tmp_path / "a.zip", {"x.txt": BODY, "y.txt": BODY2})
    raw = bytearray(path.read_bytes())
    offset = raw.index(b"x.txt") + len("x.txt") + 2  # inside x.txt's compressed data
    raw[offset] ^= 0xFF
    path.write_bytes(bytes(raw))
    assert summary(read_all(path)) == [(f"{path}!x.txt", "CorruptArchive"), (f"{path}!y.txt", BODY2)]


def test_iter_articles_is_lazy(tmp_path):
    path = write(tmp_path / "x.jsonl", jsonl({"text": BODY}))
    stream = iter_articles([path, tmp_path / "missing.txt"])
    path.unlink()  # nothing was read yet, so the file's absence is what gets reported
    assert [i.error_type for i in stream] == ["NotFound", "NotFound"]


# --- config ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"field_map": {"body": ["본문"]}}, r"\[E013\] Invalid value 'body' for IngestConfig.field_map"),
        ({"max_member_bytes": 0}, r"\[E013\] Invalid value '0' for IngestConfig.max_member_bytes"),
        ({"max_file_bytes": -5}, r"\[E013\] Invalid value '-5' for IngestConfig.max_file_bytes"),
    ],
)
def test_config_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        IngestConfig(**kwargs)


def test_jsonl_overlong_line_is_too_large_and_reading_goes_on(tmp_path):
    short = jsonl({"text": "짧은 기사"})
    long_line = jsonl({"text": "가" * 40})
    path = write(tmp_path / "x.jsonl", short + long_line + short)
    cap = len(short.encode("utf-8")) + 5
    items = read_all(path, max_file_bytes=cap)
    assert summary(items) == [(f"{path}:1", "짧은 기사"), (f"{path}:2", "TooLarge"), (f"{path}:3", "짧은 기사")]


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        ({"text": BODY, "source": "https://ko.example.org/wiki/1"}, ("https://ko.example.org/wiki/1", None)),
        ({"text": BODY, "source": "https://a.kr/2", "url": "https://a.kr/3"}, ("https://a.kr/3", None)),
        ({"text": BODY, "press": "새벽신문", "link": "https://a.kr/4"}, ("https://a.kr/4", "새벽신문")),
    ],
)
def test_publisher_that_is_a_url_becomes_the_url(tmp_path, record, expected):
    [article] = read_all(write(tmp_path / "x.jsonl", jsonl(record)))
    assert (article.url, article.publisher) == expected
