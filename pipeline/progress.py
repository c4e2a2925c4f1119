"""A rich progress display for runs (to stderr, so stdout stays machine-readable)."""
from __future__ import annotations

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table


class RunProgress:
    """Counts inputs read and shows articles/entities/chars-per-second as they come."""

    def __init__(self, enabled: bool = True, total: int | None = None):
        self.enabled = enabled
        self.console = Console(stderr=True)
        # no bar: the number of articles in a stream is unknown; keep the line within 80 columns
        self._progress = Progress(
            SpinnerColumn(), TextColumn("{task.completed} read · {task.fields[stats]}"), TimeElapsedColumn(),
            console=self.console, transient=False, disable=not enabled,
        )
        self._task = None
        self._total = total

    def __enter__(self) -> "RunProgress":
        self._progress.__enter__()
        self._task = self._progress.add_task("run", total=self._total, stats="")
        return self

    def advance(self, n: int, summary) -> None:
        stats = (f"{summary.articles} art. · {summary.entities} ent. · {summary.paper_counts} papers · "
                 f"{summary.investments} inv. · {summary.quarantined} quar. · {summary.chars_per_s:,.0f} c/s")
        self._progress.update(self._task, advance=n, stats=stats)

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)


def print_summary(summary: dict, console: Console | None = None) -> None:
    """Print a run summary as a table."""
    console = console or Console(stderr=True)
    table = Table(title="kornews run summary")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for k, v in summary.items():
        table.add_row(k, f"{v:,}" if isinstance(v, int) else str(v))
    console.print(table)
