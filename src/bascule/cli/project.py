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
    from bascule.report.overview import summary

    with open_project(project) as p:
        s = p.status()
        extra = summary(p)
        lang = ui_lang(project, p, lang)
        names = {
            t.id: (t.name_en if lang == "en" and t.name_en else t.name) for t in p.config.targets
        }
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
    langs = ", ".join(f"{k} {number(v, lang)}" for k, v in s["languages"].items())
    console.print(tr(lang, "langues", "languages") + sep + (langs or "—"))
    tops = ", ".join(
        f"{names.get(t['target'], t['target'])} ({number(t['posts'], lang)})"
        for t in s["top_targets"]
    )
    none_yet = tr(lang, "— (lancez `bascule analyze`)", "— (run `bascule analyze`)")
    console.print(tr(lang, "cibles les plus citées", "top targets") + sep + (tops or none_yet))
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
