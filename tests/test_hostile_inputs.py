"""Inputs that used to stop a run or vanish: links, loops, odd names, odd encodings, damaged bytes."""
from __future__ import annotations

import codecs
import json
import os
from pathlib import Path

import pytest

from models.errors import DecodeError
from pipeline.ingest import decode_text, iter_articles, source_name
from models.schema import QuarantineRecord, RawArticle

ARTICLE = "한빛전자는 새 반도체 공장을 짓는다고 3일 밝혔다. 회사 관계자는 연구 인력도 늘린다고 말했다."


def _summary(items) -> list[tuple[str, str]]:
    return [(Path(i.source).name if "/" in i.source else i.source,
             "article" if isinstance(i, RawArticle) else i.error_type) for i in items]


def test_links_and_loops_become_records(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(d / "loop-b.txt", d / "loop-a.txt")
    os.symlink(d / "loop-a.txt", d / "loop-b.txt")
    os.symlink(d / "gone.txt", d / "dangling.txt")
    os.symlink(d / "good.txt", d / "alias.txt")  # the same file again: read once
    (d / "sub").mkdir()
    (d / "sub" / "inner.txt").write_text(ARTICLE + " 두 번째 기사.", encoding="utf-8")
    os.symlink(d, d / "sub" / "back")  # a folder that links to its ancestor
    items = list(iter_articles([str(d)]))
    assert _summary(items) == [
        ("alias.txt", "article"),
        ("dangling.txt", "DanglingLink"),
        ("loop-a.txt", "SymlinkLoop"),
        ("loop-b.txt", "SymlinkLoop"),
        ("back", "DirectoryLoop"),
        ("inner.txt", "article"),
    ]
    by_kind = {i.error_type: i.error for i in items if isinstance(i, QuarantineRecord)}
    assert by_kind["DanglingLink"] == f"[E046] Symbolic link {d / 'dangling.txt'} cannot be followed: its target does not exist."
    assert by_kind["SymlinkLoop"].endswith("cannot be followed: it is part of a loop of symbolic links.")
    assert by_kind["DirectoryLoop"] == (f"[E048] Folder {d / 'sub' / 'back'} links back to {d}, which is already "
                                        "being read (a directory loop); not read again.")


def test_link_named_explicitly(tmp_path):
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    assert _summary(iter_articles([str(tmp_path / "a.txt")])) == [("a.txt", "SymlinkLoop")]


def test_unlistable_folder_and_unreadable_file_are_reported(tmp_path, monkeypatch):
    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    (d / "secret.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    real_scandir, real_read = os.scandir, Path.read_bytes

    def scandir(path):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    def read_bytes(self):
        if self.name == "secret.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    items = list(iter_articles([str(d)]))
    assert _summary(items) == [("locked", "Unlistable"), ("ok.txt", "article"), ("secret.txt", "Unreadable")]
    assert items[0].error == f"[E047] Folder {d / 'locked'} cannot be listed: Permission denied."


def test_non_utf8_file_name_is_read_and_named_losslessly(tmp_path):
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"caf\xe9-\xff.txt"), "wb") as fh:
        fh.write(ARTICLE.encode("utf-8"))
    [item] = list(iter_articles([str(tmp_path)]))
    assert isinstance(item, RawArticle) and item.text == ARTICLE
    assert item.source == str(tmp_path) + "/caf\\xe9-\\xff.txt"
    item.source.encode("utf-8")  # writable anywhere
    assert source_name(os.fsdecode(b"/x/\xed\x95\x9c.txt")) == "/x/한.txt"  # valid UTF-8 names stay as they are


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_decoded(tmp_path, encoding):
    data = ARTICLE.encode(encoding)
    if not encoding.endswith(("16", "32")):  # the -be codecs write no BOM: add it as editors do
        data = (codecs.BOM_UTF16_BE if "16" in encoding else codecs.BOM_UTF32_BE) + data
    (tmp_path / "a.txt").write_bytes(data)
    [item] = list(iter_articles([str(tmp_path / "a.txt")]))
    assert item.text == ARTICLE and item.encoding == encoding[:6] and item.replaced == 0


def _damaged(codec: str, spots: int, lines: int = 40) -> bytes:
    """``lines`` article lines with a stray 0xFF byte at the start of ``spots`` of them."""
    out = bytearray()
    for i in range(lines):
        if i < spots:
            out += b"\xff"
        out += (ARTICLE + "\n").encode(codec)
    return bytes(out)


@pytest.mark.parametrize("codec", ["utf-8", "cp949"])
def test_a_few_damaged_bytes_are_replaced_and_counted(tmp_path, codec):
    (tmp_path / "a.txt").write_bytes(_damaged(codec, 2))
    [item] = list(iter_articles([str(tmp_path / "a.txt")]))
    assert isinstance(item, RawArticle) and item.encoding == codec and item.replaced == 2
    assert item.text == ("\ufffd" + ARTICLE + "\n") * 2 + (ARTICLE + "\n") * 38


def test_too_much_damage_is_quarantined_with_the_count(tmp_path):
    data = _damaged("utf-8", 40)
    with pytest.raises(DecodeError, match=r"\[E049\] a.txt has 40 undecodable byte sequence\(s\) in 5,240 bytes "
                                          r"\(0.76%\), over the 0.5% tolerated; not read. Detail: UTF-8: invalid start byte"):
        decode_text(data, "a.txt")
    (tmp_path / "a.txt").write_bytes(data)
    assert _summary(iter_articles([str(tmp_path / "a.txt")])) == [("a.txt", "DecodeError")]


def test_binary_garbage_is_still_not_text(tmp_path):
    with pytest.raises(DecodeError, match=r"\[E001\]"):
        decode_text(bytes(range(128, 256)) * 4, "b.txt")


def test_json_lone_surrogates_are_replaced_and_counted(tmp_path):
    line = json.dumps({"title": "제목\ud800", "text": ARTICLE + "\udfff"})  # valid JSON, not valid text
    (tmp_path / "a.jsonl").write_text(line + "\n", encoding="utf-8")
    [item] = list(iter_articles([str(tmp_path / "a.jsonl")]))
    assert item.text == ARTICLE + "\ufffd" and item.title == "제목\ufffd" and item.replaced == 2


def test_jsonl_publisher_beside_a_url_source(tmp_path):
    rec = {"text": ARTICLE, "source": "https://ko.wikinews.org/wiki/x", "publisher": "ko.wikinews.org"}
    (tmp_path / "a.jsonl").write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    [item] = list(iter_articles([str(tmp_path / "a.jsonl")]))
    assert (item.publisher, item.url) == ("ko.wikinews.org", "https://ko.wikinews.org/wiki/x")


def test_fifo_named_like_an_article_is_a_record_not_a_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text(ARTICLE, encoding="utf-8")
    assert _summary(iter_articles([str(tmp_path)])) == [("ok.txt", "article"), ("pipe.txt", "UnsupportedFormat")]
    assert _summary(iter_articles([str(tmp_path / "pipe.txt")])) == [("pipe.txt", "UnsupportedFormat")]
