"""A rich progress display for runs (to stderr, so stdout stays machine-readable)."""
from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (BarColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table


def _stats(summary) -> str:
    return (f"{summary.articles} art. · {summary.entities} ent. · {summary.paper_counts} papers · "
            f"{summary.investments} inv. · {summary.quarantined} quar. · {summary.chars_per_s:,.0f} c/s")


def format_size(n: float) -> str:
    """Bytes for people: ``950 B``, ``1.5 MB`` (decimal units)."""
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"  # pragma: no cover - unreachable


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class RunProgress:
    """Progress of a run on stderr: inputs read, records written, and, when the input size is known, a bar and an ETA.

    ``meter`` (a :class:`pipeline.ingest.InputMeter`) gives the bytes of input
    consumed and their total; without one, or with an empty total, the display
    counts without a bar. On a terminal it is a live line; elsewhere (a log
    file, CI, a pipe) it writes one plain line every ``interval`` seconds and a
    last one with the final counts.

    Example:
        >>> import io
        >>> from rich.console import Console
        >>> from pipeline.batch import RunSummary
        >>> out = io.StringIO()
        >>> with RunProgress(console=Console(file=out, force_terminal=False), interval=0) as p:
        ...     p.advance(2, RunSummary(run_id="r"))
        >>> out.getvalue().splitlines()[-1]
        'kornews: 2 read · 0 art. · 0 ent. · 0 papers · 0 inv. · 0 quar. · 0 c/s · 0:00:00 elapsed (done)'
    """

    def __init__(self, enabled: bool = True, meter=None, interval: float = 10.0, console: Console | None = None):
        self.enabled = enabled
        self.console = console or Console(stderr=True)
        self.meter = meter
        self.interval = interval
        self.read = 0
        self._summary = None
        self._position = 0
        self._live = enabled and self.console.is_terminal
        self._t0 = self._last = time.monotonic()
        total = meter.total if meter is not None and meter.total else None
        columns = [SpinnerColumn()]
        if total:
            columns += [BarColumn(bar_width=20), TaskProgressColumn()]
        columns += [TextColumn("{task.fields[read]:,} read · {task.fields[stats]}"), TimeElapsedColumn()]
        if total:
            columns += [TextColumn("ETA"), TimeRemainingColumn()]
        self._progress = Progress(*columns, console=self.console, transient=False, disable=not self._live)
        self._total = total
        self._task = None

    def __enter__(self) -> "RunProgress":
        self._progress.__enter__()
        self._task = self._progress.add_task("run", total=self._total, read=0, stats="")
        return self

    def advance(self, n: int, summary, position: int | None = None) -> None:
        """``n`` more inputs were read; ``summary`` holds the counts; ``position``: input bytes consumed."""
        self.read += n
        self._summary = summary
        if position is None and self.meter is not None:
            position = self.meter.position
        if position is not None:
            self._position = position
        fields = dict(read=self.read, stats=_stats(summary))
        if self._total:
            fields["completed"] = min(self._position, self._total)
        self._progress.update(self._task, **fields)
        now = time.monotonic()
        if self.enabled and not self._live and now - self._last >= self.interval:
            self._last = now
            self._line()

    def _line(self, done: bool = False) -> None:
        elapsed = time.monotonic() - self._t0
        parts = [f"kornews: {self.read:,} read"]
        if self._summary is not None:
            parts.append(_stats(self._summary))
        if self._total and not done:
            share = min(self._position / self._total, 1.0)
            eta = elapsed * (1 - share) / share if share > 0 else None
            parts.append(f"{share:.0%} of {format_size(self._total)}")
            parts.append(f"ETA {_clock(eta)}" if eta is not None else "ETA unknown")
        parts.append(f"{_clock(elapsed)} elapsed" + (" (done)" if done else ""))
        self.console.print(" · ".join(parts), soft_wrap=True, highlight=False, markup=False)

    def __exit__(self, *exc) -> None:
        if self._task is not None and self._total and exc[0] is None:
            self._progress.update(self._task, completed=self._total)
        self._progress.__exit__(*exc)
        if self.enabled and not self._live and exc[0] is None:
            self._line(done=True)


def print_summary(summary: dict, console: Console | None = None) -> None:
    """Print a run summary as a table."""
    console = console or Console(stderr=True)
    table = Table(title="kornews run summary")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary.items():
        table.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    console.print(table)
