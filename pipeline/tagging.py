"""``kornews tag``: streaming lines in (JSONL or plain text), entities with exact offsets out.

One output line per input line, in order. A line that starts with ``{`` is a JSON
object with a string ``"text"``; any other line is a plain sentence or paragraph,
whose id is its line number. A line that cannot be used (not UTF-8, broken JSON,
no string ``"text"``) or whose analysis fails gets an output line with ``"error"``
(a coded message naming the line) and no entities; the other lines of its batch are
tagged as usual.
"""
from __future__ import annotations

import json
import sys
from typing import IO, Iterable, Optional, Union

from models.analyse import StageFailure, failure_record, get_analyzer
from models.errors import Errors


def _parse(line: Union[str, bytes], lineno: int) -> tuple[object, Optional[str], Optional[str]]:
    """Return ``(id, text, error)`` for one input line.

    A line that starts with ``{`` is a JSON object with a string ``"text"`` (and an
    optional ``"id"``); any other line is plain text, and its id is its line number.
    """
    where = f"line {lineno}"
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8-sig" if lineno == 1 else "utf-8")
        except UnicodeDecodeError as e:
            return None, None, Errors.E001.format(source=where, detail=f"UTF-8: {e.reason} at byte {e.start}")
    line = line.lstrip("\ufeff")
    if not line.lstrip().startswith("{"):
        return lineno, line.rstrip("\r\n"), None
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return None, None, Errors.E011.format(source=where, detail=f"{e.msg} at column {e.colno}")
    except (ValueError, RecursionError) as e:
        return None, None, Errors.E011.format(source=where, detail=str(e) or type(e).__name__)
    if not isinstance(obj, dict):
        return None, None, Errors.E011.format(source=where, detail=f"expected a JSON object with \"text\", "
                                                                   f"got {type(obj).__name__}")
    text = obj.get("text")
    if not isinstance(text, str):
        return obj.get("id"), None, Errors.E093.format(source=where)
    return obj.get("id"), text, None


def _dumps(value: dict) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):  # an id JSON cannot write back (it could read it): say so
        return json.dumps({**value, "id": repr(value.get("id"))}, ensure_ascii=False)


def tag_stream(fin: Iterable[Union[str, bytes]], fout: IO[str], *, analyzer_key: tuple = (None, "default"),
               batch_size: int = 128, err: Optional[IO[str]] = None) -> dict:
    """Tag every line of ``fin`` and write one output line per input line, in order.

    Args:
        fin: lines of JSONL, as ``str`` or undecoded ``bytes`` (then decoded as
            UTF-8 line by line, so one bad line costs only itself).
        analyzer_key: the arguments of :func:`models.analyse.get_analyzer`
            (tokenizer, ner, ...).

    Output: ``{"id": ..., "entities": [{"start", "end", "label", "text", "canonical", "norm"}]}``;
    offsets are ``str`` offsets into the line's ``text``, end exclusive. Bad lines
    give ``{"id": ..., "entities": [], "error": "..."}``.
    """
    err = err or sys.stderr
    analyzer = get_analyzer(*analyzer_key)
    stats = {"lines": 0, "entities": 0, "errors": 0}
    batch: list[tuple[int, object, Optional[str], Optional[str]]] = []

    def error_line(id_, error: str) -> None:
        fout.write(_dumps({"id": id_, "entities": [], "error": error}) + "\n")
        print(f"kornews tag: {error}", file=err)
        stats["errors"] += 1

    def flush() -> None:
        tagged = iter(analyzer.tag([t for _, _, t, e in batch if e is None]))
        for lineno, id_, _, error in batch:
            if error is not None:
                error_line(id_, error)
                continue
            ents = next(tagged)
            if isinstance(ents, StageFailure):
                error_line(id_, failure_record(f"line {lineno}", ents.stage, ents.error).error)
                continue
            stats["entities"] += len(ents)
            fout.write(_dumps({"id": id_, "entities": ents}) + "\n")
        batch.clear()

    for lineno, line in enumerate(fin, 1):
        if not line.strip():
            continue
        stats["lines"] += 1
        batch.append((lineno, *_parse(line, lineno)))
        if len(batch) >= batch_size:
            flush()
    flush()
    fout.flush()
    return stats
