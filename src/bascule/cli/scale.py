"""Scale-out and retention commands: prune."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    console,
    open_project,
    print_json,
    ui_lang,
)


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
    lang: LangOpt = None,
) -> None:
    """Delete raw posts older than privacy.retention_days; keep daily aggregates ≥ min group."""
    from bascule.i18n import numbers, tr, when
    from bascule.scale.retention import prune as run

    with open_project(project) as p:
        # the command has the store to itself: the file is rewritten without the deleted texts
        result = run(p, days=days, parquet=parquet or [], dry_run=dry_run, compact=True)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
        return
    keys = ("posts", "interactions", "analyses", "authors", "parquet_partitions", "aggregates")
    posts, inter, analyses, authors, parts, aggregates = numbers(result, keys, lang)
    cut = when(result["cutoff"])  # UTC, to the minute
    if dry_run:
        said = tr(
            lang,
            f"Supprimerait {posts} publications antérieures au {cut} UTC ({inter} "
            f"interactions, {analyses} analyses, {authors} auteurs, {parts} partitions "
            f"Parquet) ; garderait {aggregates} agrégats quotidiens.",
            f"Would delete {posts} posts older than {cut} UTC ({inter} interactions, "
            f"{analyses} analyses, {authors} authors, {parts} Parquet partitions); would keep "
            f"{aggregates} daily aggregates.",
        )
    else:
        said = tr(
            lang,
            f"{posts} publications antérieures au {cut} UTC supprimées ({inter} interactions, "
            f"{analyses} analyses, {authors} auteurs, {parts} partitions Parquet) ; "
            f"{aggregates} agrégats quotidiens gardés.",
            f"Deleted {posts} posts older than {cut} UTC ({inter} interactions, {analyses} "
            f"analyses, {authors} authors, {parts} Parquet partitions); kept {aggregates} "
            "daily aggregates.",
        )
    console.print(said)
