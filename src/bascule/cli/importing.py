"""Data in and out: `bascule import`, `runs` (undo an import), `export`, `forget`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    check_when,
    console,
    err_console,
    open_project,
    print_json,
    print_rows,
    ui_lang,
)
from bascule.i18n import colon

FORMAT_HELP = (
    "auto | jsonl | csv | parquet | xlsx | mastodon | bluesky | twitter-v1 | twitter-v2 | 4cat "
    "| cascades. auto guesses from the extension and the first record; xlsx reads the first "
    "sheet of an Excel or OpenDocument spreadsheet (.xlsx, .xls, .ods)."
)


def register(app: typer.Typer) -> None:
    """Add `import`, `runs`, `export` and `forget` to the main app."""
    app.command(
        "import",
        epilog="Exit code: 0 all records imported (or already there), 1 some records were "
        "rejected (listed, and kept in the `rejects` table), 2 a usage error.",
    )(import_)
    app.command("export")(export)
    app.command("forget")(forget)
    app.add_typer(runs_app, name="runs")


runs_app = typer.Typer(
    help="Import runs: list what each import added, skipped as duplicates and rejected; undo one.",
    invoke_without_command=True,
)


@runs_app.callback()
def runs(
    ctx: typer.Context,
    project: ProjectOpt = Path("."),
    limit: Annotated[int, typer.Option("--limit", help="How many runs, newest first.", min=1)] = 20,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List the latest import runs (and listening sessions): the posts each imported, the
    duplicates it skipped, the records it rejected, and the posts it still holds."""
    if ctx.invoked_subcommand is not None:
        return
    from bascule.store.runs import list_runs

    with open_project(project, read_only=True) as p:
        rows = list_runs(p.store, limit)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(rows)  # with each run's full source (its files' paths)
        return
    _print_runs(rows, lang)


def _print_runs(rows: list[dict], lang: str) -> None:
    """The runs as a table when the terminal is wide enough for it, else two lines a run
    (at 80 columns the nine columns of the table wrapped every header and value)."""
    from bascule.i18n import RUN_STATUS, label, tr
    from bascule.report.html import Col

    columns = [
        Col("run_id", "n°", "run"),
        Col("started_at", "début (UTC)", "started (UTC)", "when"),
        Col("source", "source", "source"),
        Col("format", "format", "format"),
        Col("imported", "importées", "imported", "int"),
        Col("duplicates", "doublons", "duplicates", "int"),
        Col("rejected", "rejetées", "rejected", "int"),
        Col("posts_held", "en base", "holds", "int"),
        Col("status", "état", "status"),
    ]
    shown = [
        {
            **r,
            "source": short_source(r["source"], r["format"]),
            "status": label(RUN_STATUS, r["status"], lang) if r["status"] else "",
        }
        for r in rows
    ]
    title = tr(lang, "Imports", "Import runs")
    if _table_width(shown, columns, lang) <= console.width:
        print_rows(shown, columns, title, lang, limit=None)
        return
    console.print(title, style="italic")
    for r in shown:
        _print_run_lines(r, lang)


def _table_width(rows: list[dict], columns: list, lang: str) -> int:
    """How wide the `print_rows` table of these rows is with nothing wrapped: each column's
    widest header or cell, its padding and its border."""
    widths = [
        max([len(c.header(lang))] + [len(c.cell(r.get(c.key), lang)) for r in rows])
        for c in columns
    ]
    return sum(widths) + 3 * len(columns) + 1


def _print_run_lines(r: dict, lang: str) -> None:
    """One run in two lines: which, when, what and its state; then its counts."""
    from rich.markup import escape

    from bascule.i18n import number, tr, when

    n = {k: number(r[k], lang) for k in ("imported", "duplicates", "rejected", "posts_held")}
    head = tr(lang, f"n° {r['run_id']}", f"run {r['run_id']}")
    started = when(r["started_at"]) if r["started_at"] else ""
    console.print(
        f"{head}  {started}  {escape(r['source'])} \\[{r['format']}]  {r['status']}",
        highlight=False,
    )
    console.print(
        tr(
            lang,
            f"  {n['imported']} importées, {n['duplicates']} doublons, {n['rejected']} "
            f"rejetées ; {n['posts_held']} en base",
            f"  {n['imported']} imported, {n['duplicates']} duplicates, {n['rejected']} "
            f"rejected; holds {n['posts_held']}",
        ),
        highlight=False,
    )


SOURCE_WIDTH = 24  # characters of a run's source in the `runs` table (80 columns in all)


def short_source(source: str | None, fmt: str | None = None) -> str:
    """A run's source as the `runs` table shows it: its file's name rather than its full
    path (which wrapped a character at a time at 80 columns; `--json` has the path), the
    first file's and how many more when the run read several, a listening session's source
    name as it is; a name too long is cut in its middle, where the suffix stays."""
    if not source:
        return ""
    if fmt and fmt.startswith("live:"):
        text = source
    else:
        names = [Path(p).name or p for p in source.split(", ") if p]
        text = names[0] + (f" +{len(names) - 1}" if len(names) > 1 else "") if names else ""
    if len(text) <= SOURCE_WIDTH:
        return text
    keep = SOURCE_WIDTH - 1
    return text[: keep - keep // 2] + "…" + text[-(keep // 2) :]


@runs_app.command("undo")
def runs_undo(
    run_id: Annotated[int, typer.Argument(help="The run, as `bascule runs` lists it.")],
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Take an import back: delete the posts it added (not those already stored), with their
    interactions, analyses and alerts, its rejects, the authors it alone brought in, and its
    files' progress, so a file can be imported again the right way."""
    from bascule.sources.importer import post_keys
    from bascule.store.runs import undo_run

    with open_project(project) as p:
        out = undo_run(p.store, run_id, file_keys=post_keys)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(out)
        return
    from bascule.i18n import numbers, tr

    keys = ("posts", "interactions", "analyses", "authors", "rejects", "files")
    posts, inter, analyses, authors, rejects, files = numbers(out, keys, lang)
    console.print(
        tr(
            lang,
            f"Import n° {run_id} annulé : {posts} publications, {inter} interactions, "
            f"{analyses} analyses, {authors} auteurs et {rejects} rejets supprimés ; "
            f"{files} fichier(s) peuvent être importés de nouveau.",
            f"Run {run_id} undone: {posts} posts, {inter} interactions, {analyses} analyses, "
            f"{authors} authors and {rejects} rejects deleted; {files} file(s) can be "
            "imported again.",
        )
    )
    if out["live"] and out["posts"]:
        err_console.print(
            tr(
                lang,
                "Ces publications venaient de l'écoute : ses sources sont déjà plus loin et ne "
                "les relisent pas d'elles-mêmes (une source replay relit son fichier si on "
                "l'importe avec `bascule import`).",
                "These posts came from listening: its sources have moved past them and will "
                "not read them again by themselves (a replay source's file can be imported "
                "with `bascule import`).",
            ),
            style="yellow",
        )
    if out["import_again"]:
        err_console.print(
            tr(
                lang,
                "Des imports plus récents avaient ignoré comme doublons des publications que "
                "cet import avait enregistrées : importez de nouveau ces fichiers, avec les "
                "mêmes options (seul ce qui manque est ajouté) :",
                "Later imports skipped as duplicates posts this run had stored: import these "
                "files again, with the same options (only what is missing is added):",
            ),
            style="yellow",
        )
        for path in out["import_again"]:
            gone = "" if Path(path).exists() else tr(lang, "  (introuvable)", "  (not found)")
            err_console.print(f"  {path}{gone}", highlight=False)


def import_(
    files: Annotated[list[Path], typer.Argument(help="Files to import (.gz/.bz2/.xz read too).")],
    project: ProjectOpt = Path("."),
    format: Annotated[str, typer.Option("--format", "-f", help=FORMAT_HELP)] = "auto",
    map: Annotated[
        str | None,
        typer.Option(
            "--map",
            help="Column mapping for generic JSONL/CSV/Parquet/Excel: field=column,... Fields: id, "
            "author, handle, created_at, text, lang, reply_to, reply_to_author, repost_of, "
            "repost_of_author, quote_of, quote_of_author, conversation_id, url, likes, reposts, "
            "replies, quotes, followers, following, verified, platform.",
        ),
    ] = None,
    platform: Annotated[
        str | None,
        typer.Option(help="Platform name for generic files (e.g. twitter, so ids join)."),
    ] = None,
    instance: Annotated[
        str | None, typer.Option(help="Mastodon server the statuses were read from.")
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Read files again even if imported before (still no duplicates).")
    ] = False,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            help="Character encoding of CSV and JSON lines files when not UTF-8: cp1252 "
            "(Excel's CSV on Windows), latin-1, utf-16 (Excel's Unicode text)... A file whose "
            "lines were rejected as not UTF-8 is read again with it.",
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            "--date-format",
            help="How a generic file writes its dates when not ISO 8601, as a strptime "
            "pattern: '%d/%m/%Y %H:%M' for 01/09/2026 10:00 (day first, as in French).",
        ),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Time zone of the dates written without one, e.g. America/Toronto for a "
            "spreadsheet's local times (default: UTC).",
        ),
    ] = None,
    progress: Annotated[
        bool | None, typer.Option(help="Show a progress bar (default: when stderr is a terminal).")
    ] = None,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Import posts from files: streaming, idempotent, resumable; bad records go to `rejects`.

    Replies, reposts and quotes whose file names the post acted on but not its author are
    linked to the author of that post once it is stored (in this import or a later one).
    """
    from bascule.sources.importer import import_files

    show = sys.stderr.isatty() if progress is None else progress
    with open_project(project) as p:
        s = import_files(
            p,
            files,
            format,
            mapping=map,
            progress=show,
            force=force,
            platform=platform,
            instance=instance,
            encoding=encoding,
            date_format=date_format,
            timezone=timezone,
        )
        lang = ui_lang(project, p, lang)
        zone = p.config.project.timezone
    if json:
        print_json(s.to_dict())
    else:
        _print_summary(s, lang, zone)
    raise typer.Exit(s.exit_code)


def _print_summary(s, lang: str, zone: str) -> None:  # noqa: ANN001 - ImportSummary
    from rich.markup import escape

    from bascule.i18n import number, tr
    from bascule.web.fmt import reject_reason

    def counts(x) -> str:  # noqa: ANN001
        imported, dups, rej = (number(v, lang) for v in (x.imported, x.duplicates, x.rejected))
        return tr(
            lang,
            f"{imported} importées, {dups} doublons ignorés, {rej} rejetées",
            f"{imported} imported, {dups} duplicates skipped, {rej} rejected",
        )

    sep = colon(lang)
    for f in s.files:
        head = f"{escape(f.path)} \\[{f.format}]{sep}"
        if f.status == "already imported":
            text = tr(
                lang,
                "déjà importé, ignoré (voir --force)",
                "already imported, skipped (see --force)",
            )
            console.print(head + text, soft_wrap=True)
            continue
        if f.status == "empty":
            text = tr(lang, "aucun enregistrement", "holds no record")
            console.print(f"{escape(f.path)}{sep}{text}", soft_wrap=True, highlight=False)
            continue
        extra = ""
        if f.status == "resumed":
            at = number(f.resumed_from, lang)
            extra = tr(
                lang, f" (repris après l'enregistrement {at})", f" (resumed after record {at})"
            )
        if f.deleted:
            gone = number(f.deleted, lang)
            extra += tr(lang, f", {gone} supprimées", f", {gone} deleted")
        console.print(head + counts(f) + extra, soft_wrap=True, highlight=False)
        if f.format_hint:
            _print_format_hint(f, lang)
        if f.encoding_hint:
            _print_encoding_hint(f, lang)
        if f.date_hint:
            _print_date_hint(f.date_hint, lang, zone, f.imported, s.run_id)
        if f.other_sheets:
            _print_other_sheets(f.other_sheets, lang)
    run = tr(lang, f"import n° {s.run_id}", f"run {s.run_id}")
    console.print(f"[bold]Total[/]{sep}{counts(s)} ({run})")
    if s.linked:
        n = number(s.linked, lang)
        console.print(
            tr(
                lang,
                f"{n} réponses, partages et citations reliés à l'auteur de la publication "
                "visée (le fichier ne le nommait pas).",
                f"Linked {n} replies, reposts and quotes to the author of the post they "
                "act on (the file did not name them).",
            )
        )
    if s.platform_hint:
        plat, n = s.platform_hint
        n = number(n, lang)
        _print_platform_note(
            s,
            plat,
            lang,
            f"{n} réponses, partages ou citations de ce fichier visent des publications "
            f"enregistrées comme « {plat} », mais le fichier l'a été comme « generic » : ils "
            "ne sont reliés à rien.",
            f"{n} replies, reposts or quotes of this file act on posts stored as '{plat}', but "
            "the file was stored as 'generic', so they are linked to none.",
        )
    if s.same_posts_hint:
        plat, n = s.same_posts_hint
        n = number(n, lang)
        _print_platform_note(
            s,
            plat,
            lang,
            f"{n} publications de ce fichier ont les identifiants de publications déjà "
            f"enregistrées comme « {plat} » : enregistrées de nouveau comme « generic », elles "
            "et leurs auteurs comptent deux fois.",
            f"{n} posts of this file have the ids of posts already stored as '{plat}': stored "
            "again as 'generic', they and their authors count twice.",
        )
    if s.rejected:
        reasons = ", ".join(f"{reject_reason(k, lang)} ×{v}" for k, v in s.reasons.most_common())
        console.print(tr(lang, "Rejetées : ", "Rejected: ") + reasons)
        for r in s.rejects[:20]:
            where = f"{escape(r['file'])}:{r['line']}"
            err_console.print(
                f"  {where}{sep}{escape(reject_reason(r['reason'], lang))}", soft_wrap=True
            )
        if s.rejected > 20:
            every = number(s.rejected, lang)
            err_console.print(
                tr(
                    lang,
                    f"  … les {every} sont dans la table rejects "
                    f"(SELECT * FROM rejects WHERE run_id = {s.run_id})",
                    f"  … all {every} are in the rejects table "
                    f"(SELECT * FROM rejects WHERE run_id = {s.run_id})",
                )
            )


def _print_platform_note(s, plat: str, lang: str, fr: str, en: str) -> None:  # noqa: ANN001
    """A generic import that should have been read as a platform's (`platform_hint`,
    `same_posts_hint`): what went wrong, then how to take it back and import it right."""
    from bascule.i18n import tr

    err_console.print(
        tr(
            lang,
            f"Note : {fr} Reprenez cet import avec `bascule runs undo {s.run_id}`, puis "
            f"importez le fichier de nouveau avec --platform {plat}.",
            f"Note: {en} Take this import back with `bascule runs undo {s.run_id}`, then "
            f"import the file again with --platform {plat}.",
        ),
        style="yellow",
    )


def _print_encoding_hint(f, lang: str) -> None:  # noqa: ANN001 - FileSummary
    """After a file some lines of which were not UTF-8: the encoding it seems to be in, and
    how to read it again with it."""
    from bascule.i18n import ENCODINGS, label, tr

    code = f.encoding_hint
    what = label(ENCODINGS, code, lang)
    err_console.print(
        tr(
            lang,
            f"  Ce fichier n'est pas en UTF-8 ; il semble être en {what} : importez-le de "
            f"nouveau avec --encoding {code} (ses lignes rejetées sont relues, sans doublon).",
            f"  This file is not UTF-8; it seems to be {what}: import it again with "
            f"--encoding {code} (its rejected lines are read again, with no duplicates).",
        ),
        style="yellow",
        highlight=False,
        soft_wrap=True,
    )


def _print_date_hint(hint: dict, lang: str, zone: str, imported: int, run_id: int) -> None:
    """After a file whose dates were rejected as `01/09/2026 10:00`: the options that read
    them (day first unless the dates say otherwise; the project's zone for local times), and
    when some of its posts went in, to take the import back first: read again, those would
    keep their times (in UTC) beside local ones."""
    from bascule.i18n import number, tr

    fmt, ex = hint["format"], hint["example"]
    order = fmt.startswith("%d")
    guess = (
        tr(
            lang,
            " (jour en premier ; si le mois vient d'abord : " + _month_first(fmt) + ")",
            " (day first; if the month comes first: " + _month_first(fmt) + ")",
        )
        if hint["ambiguous"] and order
        else ""
    )
    first = ""
    if imported:
        n = number(imported, lang)
        kept = tr(
            lang,
            f"ses {n} publications importées garderaient leur heure"
            if imported > 1
            else "sa publication importée garderait son heure",
            f"the {n} posts it imported would keep their times"
            if imported > 1
            else "the post it imported would keep its time",
        )
        first = tr(
            lang,
            f" reprenez d'abord cet import avec `bascule runs undo {run_id}` ({kept}, lue en "
            "UTC), puis",
            f" first take this import back with `bascule runs undo {run_id}` ({kept}, read as "
            "UTC), then",
        )
    err_console.print(
        tr(
            lang,
            f"  Ses dates sont écrites comme « {ex} » :{first} importez-le de nouveau avec "
            f"--date-format '{fmt}'{guess}, et --timezone {zone} si ce sont des heures "
            "locales.",
            f"  Its dates are written as '{ex}':{first} import it again with --date-format "
            f"'{fmt}'{guess}, and --timezone {zone} if they are local times.",
        ),
        style="yellow",
        highlight=False,
        soft_wrap=True,
    )


def _print_other_sheets(names: list[str], lang: str) -> None:
    """After a workbook with more than one sheet: those left unread, and how to read them."""
    from bascule.i18n import tr

    fr = ", ".join(f"« {n} »" for n in names)
    en = ", ".join(f"'{n}'" for n in names)
    err_console.print(
        tr(
            lang,
            f"  Seule sa première feuille est lue ; celle{'s' if len(names) > 1 else ''}-ci "
            f"ne l'{'ont' if len(names) > 1 else 'a'} pas été : {fr}. Enregistrez chacune dans "
            "son propre fichier (ou placez-la en premier) et importez-le.",
            f"  Only its first sheet is read; not these: {en}. Save each in a file of its own "
            "(or move it first) and import that.",
        ),
        style="yellow",
        highlight=False,
        soft_wrap=True,
    )


def _month_first(fmt: str) -> str:
    return "'" + fmt.replace("%d", "\0").replace("%m", "%d").replace("\0", "%m") + "'"


def _print_format_hint(f, lang: str) -> None:  # noqa: ANN001 - FileSummary
    """One line after a file whose every record was rejected for the same reason: check
    --format (and which format auto-detection reads the file as, when another)."""
    from bascule.i18n import tr
    from bascule.web.fmt import reject_reason

    why = reject_reason(f.format_hint["reason"], lang)
    other = f.format_hint["detected"]
    generic = f.format in ("jsonl", "csv", "parquet", "xlsx")
    if other:
        en = f"check --format: auto-detection reads it as {other}"
        fr = f"vérifiez --format : la détection automatique y lit du {other}"
    elif generic:
        en, fr = "check --format, or --map", "vérifiez --format, ou --map"
    else:
        en, fr = "check --format", "vérifiez --format"
    err_console.print(
        tr(
            lang,
            f"  Toutes ses lignes sont rejetées pour la même raison ({why}) : {fr}.",
            f"  Every record was rejected for the same reason ({why}): {en}.",
        ),
        style="yellow",
        highlight=False,
    )


def export(
    what: Annotated[str, typer.Argument(help="posts | authors | interactions | analyses")],
    project: ProjectOpt = Path("."),
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="parquet | csv | jsonl. Default: what --out's name says (.csv, .jsonl or "
            ".json, .parquet or a folder), JSONL on standard output.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File (CSV, JSONL) or folder (Parquet, one part per day). "
            "CSV and JSONL go to standard output when omitted.",
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="From this date/time (UTC; YYYY-MM-DD or YYYY-MM-DDTHH:MM), inclusive.",
            callback=check_when,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(help="Until this date/time (UTC), exclusive.", callback=check_when),
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="Only posts analysed as about this target (id or name).")
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Export posts, authors, interactions or analyses as Parquet (by day), CSV or JSONL.

    Posts carry what `analyze` read of them (detected_lang, sentiment, hesitation); analyses
    are the stance of each (post, target) pair. Times are UTC (CSV and JSONL say so: "…Z",
    "…+00:00"; Parquet keeps them without a zone).
    """
    from bascule.i18n import number, tr
    from bascule.store.export import export as do_export

    with open_project(project, read_only=True) as p:
        target_id = p.config.target(target).id if target else None
        n = do_export(p.store, what, format, out, since=since, until=until, target=target_id)
        lang = ui_lang(project, p, lang)
    if out is not None:
        k = number(n, lang)
        written = EXPORTED.get(what, (what, what))[0]
        err_console.print(
            tr(lang, f"{k} {written} dans {out}", f"{k} {what} written to {out}"), highlight=False
        )


# what `export` wrote, in French (the English says "N posts written to FILE")
EXPORTED = {
    "posts": ("publications écrites", "posts"),
    "authors": ("auteurs écrits", "authors"),
    "interactions": ("interactions écrites", "interactions"),
    "analyses": ("analyses écrites", "analyses"),
}


def forget(
    authors: Annotated[
        list[str], typer.Argument(help="Handles (@name), pseudonyms (anon-…) or author ids.")
    ],
    project: ProjectOpt = Path("."),
    platform: Annotated[
        str | None, typer.Option(help="Platform of a handle (default: every platform).")
    ] = None,
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Erase authors and every trace of them (posts, interactions, analyses); never re-import.

    A handle given with the account id (twitter:12345 @theirname) erases the @mentions of
    them too. Someone erased before is said to be so (exit code 0). Exit code 1 when a name
    matched no author (only @mentions of it were erased)."""
    from bascule.i18n import tr
    from bascule.project import forget as do_forget
    from bascule.project import forget_summary

    with open_project(project) as p:  # then the file is rewritten without their texts
        result = do_forget(p, *authors, platform=platform)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
    else:
        for aid in result["forgotten"]:
            console.print(tr(lang, f"effacé : {aid}", f"forgotten: {aid}"))
        for name in result["already"]:
            console.print(
                tr(lang, f"déjà effacé : {name}", f"already forgotten: {name}"), highlight=False
            )
        if result["forgotten"] or result["deleted"].get("mentions") or not result["already"]:
            console.print(forget_summary(result, lang), markup=False)  # @[forgotten] as is
    if result["unmatched"]:
        names = ", ".join(result["unmatched"])
        err_console.print(
            tr(
                lang,
                f"Aucun auteur ne correspond à {names} (seules leurs @mentions ont pu être "
                "effacées) : donnez l'identifiant de compte (PLATEFORME:ID) ou le pseudonyme "
                "(anon-…) pour effacer la personne.",
                f"No author matches {names} (only @mentions of them could be erased): give the "
                "account id (PLATFORM:ID) or the pseudonym (anon-…) to erase the person.",
            ),
            style="yellow",
        )
        raise typer.Exit(1)  # the erasure asked for is not complete
