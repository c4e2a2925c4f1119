"""``kornews tag``: streaming JSONL in, entities with exact offsets out."""
from __future__ import annotations

import json
import sys
from typing import IO

from .analyse import get_analyzer
from .tokenize import DEFAULT_BACKEND


def _parse(line: str, lineno: int) -> tuple[object, str | None, str | None]:
    """Return ``(id, text, error)`` for one input line."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        return None, None, f"line {lineno}: invalid JSON ({e.msg})"
    if not isinstance(obj, dict):
        return None, None, f"line {lineno}: expected a JSON object with \"text\""
    text = obj.get("text")
    if not isinstance(text, str):
        return obj.get("id"), None, f"line {lineno}: \"text\" missing or not a string"
    return obj.get("id"), text, None


def tag_stream(fin: IO[str], fout: IO[str], *, tokenizer: str = DEFAULT_BACKEND, ner: str = "default",
               batch_size: int = 128, err: IO[str] | None = None) -> dict:
    """Tag every line of ``fin`` and write one output line per input line, in order.

    Output: ``{"id": ..., "entities": [{"start", "end", "label", "text", "canonical", "norm"}]}``;
    offsets are ``str`` offsets into the line's ``text``, end exclusive. Bad lines
    give ``{"id": ..., "entities": [], "error": "..."}``.
    """
    err = err or sys.stderr
    analyzer = get_analyzer(tokenizer, ner, "raise")
    stats = {"lines": 0, "entities": 0, "errors": 0}
    batch: list[tuple[object, str | None, str | None]] = []

    def flush() -> None:
        texts = [t for _, t, e in batch if e is None]
        tagged = iter(analyzer.tag(texts))
        for id_, text, error in batch:
            if error is not None:
                fout.write(json.dumps({"id": id_, "entities": [], "error": error}, ensure_ascii=False) + "\n")
                print(f"kornews tag: {error}", file=err)
                stats["errors"] += 1
                continue
            ents = next(tagged)
            stats["entities"] += len(ents)
            fout.write(json.dumps({"id": id_, "entities": ents}, ensure_ascii=False) + "\n")
        batch.clear()

    for lineno, line in enumerate(fin, 1):
        if not line.strip():
            continue
        stats["lines"] += 1
        batch.append(_parse(line, lineno))
        if len(batch) >= batch_size:
            flush()
    flush()
    fout.flush()
    return stats
