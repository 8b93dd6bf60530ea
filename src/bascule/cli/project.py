"""Project commands: init, status, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    console,
    open_project,
    print_json,
    ui_lang,
)
from bascule.i18n import colon


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("status")(status)
    app.command("report")(report)


def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")],
    force: Annotated[bool, typer.Option(help="Overwrite an existing bascule.toml.")] = False,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Start from this bascule.toml instead of the example."),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Create a project: a commented example config (Quebec election), a database, a secret."""
    from bascule.i18n import tr
    from bascule.project import SECRET_PATH, init_project

    project = init_project(directory, force=force, template=config)
    lang = ui_lang(directory, project, lang)
    root, cfg = escape(str(project.root)), escape(str(project.config_path))
    db, secret = escape(str(project.store.path)), escape(str(project.root / SECRET_PATH))
    # soft_wrap: long paths are left to the terminal, never cut mid-sentence by rich
    lines = (
        tr(lang, f"Projet créé dans [bold]{root}[/]", f"Created project in [bold]{root}[/]"),
        tr(
            lang,
            f"  configuration :   {cfg}  (modifiez les cibles, les sources, la vie privée)",
            f"  config:   {cfg}  (edit targets, sources, privacy)",
        ),
        tr(lang, f"  base de données : {db}", f"  database: {db}"),
        tr(
            lang,
            f"  secret :          {secret}  (gardez-le en lieu sûr : il fabrique les pseudonymes)",
            f"  secret:   {secret}  (keep it safe: it makes pseudonyms)",
        ),
    )
    for line in lines:
        console.print(line, soft_wrap=True)
    project.close()


def status(project: ProjectOpt = Path("."), json: JsonOpt = False, lang: LangOpt = None) -> None:
    """Counts: posts, authors, interactions, rejects, per platform, date range, languages."""
    from bascule.i18n import number, tr
    from bascule.report.overview import summary, top_target_name

    with open_project(project) as p:
        s = p.status()
        extra = summary(p)
        lang = ui_lang(project, p, lang)
    s["languages"] = extra["languages"]
    s["top_targets"] = extra["top_targets"]
    if json:
        print_json(s)
        return
    from rich.table import Table

    words = {
        "posts": ("publications", "posts"),
        "authors": ("auteurs", "authors"),
        "interactions": ("interactions", "interactions"),
        "rejects": ("rejets", "rejects"),
        "analysed_posts": ("publications analysées", "posts analysed"),
    }
    t = Table(title=tr(lang, f"Projet Bascule {p.root.name}", f"Bascule project {p.root.name}"))
    t.add_column(tr(lang, "quoi", "what"))
    t.add_column(tr(lang, "nombre", "count"), justify="right")
    for k, (fr, en) in words.items():
        t.add_row(tr(lang, fr, en), number(s[k], lang))
    for plat, d in s["platforms"].items():
        t.add_row(
            tr(lang, f"publications de {plat}", f"posts from {plat}"), number(d["posts"], lang)
        )
    console.print(t)
    sep = colon(lang)
    first, last = s["date_range"]
    period = tr(lang, "période", "date range")
    if first is None:
        console.print(period + sep + tr(lang, "aucune publication encore", "no posts yet"))
    else:
        console.print(f"{period}{sep}{str(first)[:16]} → {str(last)[:16]} (UTC)")
    _print_listing(
        tr(lang, "langues", "languages") + sep,
        [f"{k} {number(v, lang)}" for k, v in s["languages"].items()],
        "—",
    )
    _print_listing(
        tr(lang, "cibles les plus citées", "top targets") + sep,
        [f"{top_target_name(t, lang)} ({number(t['posts'], lang)})" for t in s["top_targets"]],
        tr(lang, "— (lancez `bascule analyze`)", "— (run `bascule analyze`)"),
    )
    if s.get("compaction_due"):
        console.print(
            tr(
                lang,
                "Des textes effacés restent dans le fichier de la base jusqu'à sa réécriture : "
                "elle se fait à l'arrêt de `bascule serve` ou `listen`, ou lancez `bascule prune`.",
                "Erased texts remain in the database file until it is rewritten: that happens "
                "when `bascule serve` or `listen` stops, or run `bascule prune`.",
            ),
            style="yellow",
        )


def _print_listing(head: str, items: list[str], empty: str) -> None:
    """`head` then `items` separated by commas, lines broken between items only: rich would
    break a French number at its narrow space ("5 041") or a name anywhere."""
    from rich.cells import cell_len

    if not items:
        console.print(head + empty, highlight=False, markup=False)
        return
    width = max(console.width, 40)
    lines = [head.rstrip()]
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if cell_len(lines[-1]) + 1 + cell_len(piece) > width and lines[-1] != head.rstrip():
            lines.append("  " + piece)  # continued: indented by two
        else:
            lines[-1] += " " + piece
    for line in lines:  # soft_wrap: an item wider than the terminal is left to the terminal
        console.print(line, highlight=False, markup=False, soft_wrap=True)


def report(
    project: ProjectOpt = Path("."),
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path(
        "report.html"
    ),
    lang: LangOpt = None,
) -> None:
    """Write a self-contained HTML report with plots: one section per capability."""
    from bascule.i18n import tr
    from bascule.report import build_report

    with open_project(project) as p:
        path = build_report(p, out, lang=lang)
        lang = ui_lang(project, p, lang)
    console.print(
        tr(lang, f"Rapport écrit dans [bold]{path}[/]", f"Report written to [bold]{path}[/]")
    )
