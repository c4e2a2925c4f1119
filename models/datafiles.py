"""Reading the rule files in ``corpora/`` (JSONL), with errors that name ``path:line``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Iterator, Union

from .errors import DataFileError, Errors


def bad_line(path: Union[str, Path], line: int, detail: str, expected: str) -> DataFileError:
    """A ``DataFileError`` for one malformed line: ``[E003] Malformed line in x.jsonl:3: …``."""
    return DataFileError(Errors.E003.format(path=path, line=line, detail=detail, expected=expected))


def read_name_list(path: Union[str, Path]) -> list[str]:
    """The names in a plain list file: one a line, ``#`` starts a comment, blank
    lines skipped, each name stripped (``corpora/patterns/locations.txt``)."""
    names = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.append(line)
    return names


def read_jsonl(path: Union[str, Path], expected: str) -> Iterator[tuple[int, dict]]:
    """Yield ``(line number, object)`` for each non-blank line of a JSONL file.

    Args:
        path: the file (UTF-8, a BOM is allowed).
        expected: the expected line format, quoted in errors.

    Raises:
        DataFileError: ``[E014]`` when the file cannot be read; ``[E003]`` naming
            ``path:line`` for a line that is not a JSON object.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise DataFileError(Errors.E014.format(source=path, detail=e)) from e
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            raise bad_line(path, number, f"invalid JSON ({e.msg} at column {e.colno})", expected) from None
        if not isinstance(obj, dict):
            raise bad_line(path, number, f"expected a JSON object, found {type(obj).__name__}", expected)
        yield number, obj


def replace_dir(tmp: Path, out_dir: Path) -> None:
    """Put the finished folder ``tmp`` at ``out_dir``, replacing what was there, by renames.

    The old folder is moved aside first and removed last, so ``out_dir`` never
    holds a half-written model; a failure before the swap leaves it as it was.
    """
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        out_dir.rename(old)
    tmp.rename(out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
