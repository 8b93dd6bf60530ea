"""Scale-out and retention commands: prune."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json


def register(app: typer.Typer) -> None:
    """Add `prune` to `app`."""
    app.command("prune")(prune)


def prune(
    project: ProjectOpt = Path("."),
    days: Annotated[int | None, typer.Option(help="Retention in days (default: config's).")] = None,
    parquet: Annotated[
        list[Path] | None, typer.Option(help="Also prune this day-partitioned Parquet dataset.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count, delete nothing.")] = False,
    json: JsonOpt = False,
) -> None:
    """Delete raw posts older than privacy.retention_days; keep daily aggregates ≥ min group."""
    from bascule.scale.retention import prune as run

    with open_project(project) as p:
        # the command has the store to itself: the file is rewritten without the deleted texts
        result = run(p, days=days, parquet=parquet or [], dry_run=dry_run, compact=True)
    if json:
        print_json(result)
        return
    deleted, kept = ("Would delete", "would keep") if dry_run else ("Deleted", "kept")
    console.print(
        f"{deleted} {result['posts']:,} posts older than {result['cutoff']} "
        f"({result['interactions']:,} interactions, {result['analyses']:,} analyses, "
        f"{result['authors']:,} authors, {result['parquet_partitions']} Parquet partitions); "
        f"{kept} {result['aggregates']:,} daily aggregates."
    )
