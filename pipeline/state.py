"""What scheduled ingestion has already done, kept under ``OUT/_state/``.

Three small JSON files, each rewritten atomically (temp file, ``fsync``,
:func:`os.replace`) after every batch written, so a run killed at any point
loses at most the batch in flight, and that batch is deduplicated by
``article_id`` when it comes again:

* ``inbox.json``: every inbox file handled, by path, with its size, mtime (ns)
  and SHA-256. A file whose size and mtime are unchanged is skipped without
  being read; a file with new bytes is processed once more (it is a new
  version); a file whose bytes equal a file already handled (a copy under
  another name) is recorded and skipped unread.
* ``urls.json``: every article URL handled (``done``, ``refused`` or, while
  it keeps failing, ``failed`` with a count), so a page is fetched once.
* ``feeds.json``: each feed's ``ETag``/``Last-Modified`` for conditional GET.

The folder starts with an underscore so that nothing reading the Parquet
tables under ``OUT/`` mistakes it for one. Callers hold the output's
:class:`~pipeline.store.OutputLock` while they use the state.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, Union

from models.errors import Errors, StateError
from .feeds import FeedValidators
from .ingest import expand_inputs
from models.schema import QuarantineRecord
from .store import read_table

STATE_DIR = "_state"
_FILES = {"inbox": "inbox.json", "urls": "urls.json", "feeds": "feeds.json"}


def file_sha256(path: Path, chunk: int = 1024 * 1024) -> str:
    """SHA-256 of a file's bytes, read in 1 MB chunks (hex).

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "기사.txt"
        >>> _ = p.write_bytes("네이버".encode())
        >>> file_sha256(p)[:12]
        '8f28139a888b'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def write_json_atomic(path: Path, value) -> None:
    """Write ``value`` as UTF-8 JSON to ``path`` atomically (dot temp file, fsync, replace)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(value, fh, ensure_ascii=False, indent=0, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


@dataclass(frozen=True)
class InboxFile:
    """An inbox file as seen by one scan."""

    path: Path
    size: int
    mtime_ns: int
    sha256: str


@dataclass(frozen=True)
class InboxScan:
    """What one scan of the inbox folders found."""

    #: files to process, in path order
    new: tuple[InboxFile, ...]
    #: new names whose bytes equal a file already handled (recorded, not read)
    duplicates: tuple[InboxFile, ...]
    #: files left for the next scan because they were still being written
    settling: tuple[Path, ...]
    #: inputs that do not exist or cannot be read
    problems: tuple[QuarantineRecord, ...]


class IngestState:
    """The state of one output folder (see the module docstring).

    Args:
        out_dir: The output folder; state lives in ``out_dir/_state``.

    Raises:
        StateError: ``[E036]`` when a state file is not valid JSON.

    Example:
        >>> import tempfile
        >>> state = IngestState(Path(tempfile.mkdtemp()))
        >>> state.url_done("https://news.example.kr/기사/1")
        False
        >>> state.mark_url("https://news.example.kr/기사/1", "done", article_id="0123abcd")
        >>> state.save(); IngestState(state.out_dir).url_done("https://news.example.kr/기사/1")
        True
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.dir = self.out_dir / STATE_DIR
        self.inbox: dict[str, dict] = self._load("inbox")
        self.urls: dict[str, dict] = self._load("urls")
        self.feeds: dict[str, dict] = self._load("feeds")
        self._hashes = {entry["sha256"] for entry in self.inbox.values() if entry.get("sha256")}
        self._written_urls: Optional[set[str]] = None

    def _load(self, name: str) -> dict:
        path = self.dir / _FILES[name]
        if not path.exists():
            return {}
        try:
            value = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StateError(Errors.E036.format(path=path, detail=repr(exc))) from exc
        if not isinstance(value, dict):
            raise StateError(Errors.E036.format(path=path, detail="expected a JSON object"))
        return value

    def save(self) -> None:
        """Write every state file atomically."""
        for name, file_name in _FILES.items():
            write_json_atomic(self.dir / file_name, getattr(self, name))

    # -- inbox ---------------------------------------------------------------------
    def scan_inbox(self, inputs: Sequence[Union[str, Path]], settle_seconds: float = 0.0,
                   now: Optional[float] = None) -> InboxScan:
        """Find the inbox files not handled yet.

        Args:
            inputs: Inbox folders (searched recursively, as ``kornews run`` does),
                files or globs.
            settle_seconds: Leave files modified less than this many seconds ago
                for the next scan, so a file still being copied in is not read
                half-written.
            now: Current time (``time.time()``), for tests.

        Returns:
            The scan; nothing is recorded until :meth:`mark_file`.
        """
        now = time.time() if now is None else now
        new, duplicates, settling, problems = [], [], [], []
        hashes = set(self._hashes)
        for item in expand_inputs(list(inputs)):
            if isinstance(item, QuarantineRecord):
                problems.append(item)
                continue
            try:
                st = item.stat()
            except OSError:
                continue  # removed since it was listed: nothing to do
            key = str(item.resolve())
            known = self.inbox.get(key)
            if known and known["size"] == st.st_size and known["mtime_ns"] == st.st_mtime_ns:
                continue
            if now - st.st_mtime < settle_seconds:
                settling.append(item)
                continue
            try:
                digest = file_sha256(item)
            except OSError as exc:
                problems.append(QuarantineRecord(str(item), "Unreadable",
                                                 Errors.E014.format(source=item, detail=repr(exc))))
                continue
            found = InboxFile(item, st.st_size, st.st_mtime_ns, digest)
            if digest in hashes:
                duplicates.append(found)
            else:
                hashes.add(digest)
                new.append(found)
        return InboxScan(tuple(new), tuple(duplicates), tuple(settling), tuple(problems))

    def mark_file(self, found: InboxFile, status: str = "done") -> None:
        """Record an inbox file as handled (``done`` or ``duplicate``)."""
        self.inbox[str(found.path.resolve())] = {
            "size": found.size, "mtime_ns": found.mtime_ns, "sha256": found.sha256,
            "status": status, "at": time.time(),
        }
        self._hashes.add(found.sha256)

    # -- URLs ------------------------------------------------------------------------
    def _article_urls(self) -> set[str]:
        if self._written_urls is None:
            urls = read_table(self.out_dir, "articles", ["url"]).column("url").to_pylist()
            self._written_urls = {u for u in urls if u}
        return self._written_urls

    def url_done(self, url: str) -> bool:
        """Whether ``url`` needs no fetching: handled before, or already in ``articles.url``."""
        entry = self.urls.get(url)
        if entry is not None and entry.get("status") in ("done", "refused"):
            return True
        return url in self._article_urls()

    def mark_url(self, url: str, status: str, article_id: Optional[str] = None, error: Optional[str] = None) -> None:
        """Record a URL as ``done`` (read; written or a duplicate) or ``refused`` (never to be fetched)."""
        entry = {"status": status, "at": time.time()}
        if article_id:
            entry["article_id"] = article_id
        if error:
            entry["error"] = error
        self.urls[url] = entry

    def record_failure(self, url: str, error: str) -> int:
        """Count one more failed poll of ``url`` (after its retries); return the count."""
        entry = self.urls.get(url) or {"status": "failed", "failures": 0}
        failures = int(entry.get("failures", 0)) + 1
        self.urls[url] = {"status": "failed", "failures": failures, "error": error, "at": time.time()}
        return failures

    # -- feeds ------------------------------------------------------------------------
    def validators(self, feed_url: str) -> FeedValidators:
        """The ``ETag``/``Last-Modified`` last stored for a feed (empty when none)."""
        entry = self.feeds.get(feed_url) or {}
        return FeedValidators(entry.get("etag"), entry.get("last_modified"))

    def set_validators(self, feed_url: str, validators: FeedValidators) -> None:
        self.feeds[feed_url] = {"etag": validators.etag, "last_modified": validators.last_modified,
                                "at": time.time()}

    def handled(self) -> dict[str, int]:
        """How many inbox files and URLs are recorded (for summaries)."""
        return {"inbox_files": len(self.inbox), "urls": len(self.urls), "feeds": len(self.feeds)}

