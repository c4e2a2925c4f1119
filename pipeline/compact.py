"""``kornews compact``: merge small Parquet files per partition (see :mod:`models.compact`).

No Prefect here: compaction is a local file operation, run while holding the
output folder's lock so that no run writes meanwhile.
"""
from __future__ import annotations

from pathlib import Path

import click

from models.compact import DEFAULT_TARGET_ROWS, compact
from models.errors import KornewsError
from models.schema import TABLES
from models.store import OutputLock, prepare_output


@click.command(name="compact")
@click.option("--out", required=True, type=click.Path(exists=True, file_okay=False),
              help="Output folder of kornews run / reprocess.")
@click.option("--table", "tables", multiple=True, type=click.Choice(TABLES),
              help="Table to compact (repeatable; default: all).")
@click.option("--target-rows", default=DEFAULT_TARGET_ROWS, show_default=True, type=click.IntRange(1),
              help="Rows per merged file.")
@click.option("--dry-run", is_flag=True, help="Print how many files would remain; change nothing.")
def compact_command(out, tables, target_rows, dry_run):
    """Merge the small Parquet files of each partition into files of about --target-rows rows.

    No row changes. Each partition is swapped atomically (readers see the old
    files or the new ones, never both), under the output folder's lock.

    Example:

    \b
        kornews compact --out out --target-rows 262144
    """
    try:
        with OutputLock(Path(out)):
            if not dry_run:
                prepare_output(Path(out))
            stats = compact(Path(out), list(tables) or None, target_rows, dry_run)
    except (KornewsError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    verb = "would leave" if dry_run else "left"
    for s in stats:
        click.echo(f"{s.table:13} {s.partitions:4} partitions  {s.files_before:6} files → {verb} "
                   f"{s.files_after:6}  ({s.rows:,} rows)")
