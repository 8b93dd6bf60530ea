"""Opinion commands: `poll` (the continuous poll) and `undecided` (who hesitates, and why)."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    check_when,
    console,
    open_project,
    print_json,
)
from bascule.errors import InputError
from bascule.i18n import colon, number, tr

SinceOpt = Annotated[
    str | None,
    typer.Option(
        help="Start (YYYY-MM-DD or YYYY-MM-DDTHH:MM in the project time zone, or with an offset: "
        "2026-09-02T02:00Z), widened to a period.",
        callback=check_when,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        help="End, excluded (project time zone unless an offset is given), widened to a period.",
        callback=check_when,
    ),
]
ByOpt = Annotated[
    str,
    typer.Option(
        "--by",
        help="Period: hour, day or week (ISO week from Monday 00:00 in the project time zone, "
        "named by its Monday; a window is widened to whole weeks, and a week holding days "
        "whose posts were pruned is not shown).",
    ),
]
PollByOpt = Annotated[
    str,
    typer.Option(
        "--by",
        help="Period: hour, day or week (ISO week from Monday 00:00 in the project time zone, "
        "named by its Monday). Days whose posts were pruned are shown by day only, from the "
        "daily counts kept: no hour of them, and no week holding one.",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout.")
]
# a quote in the terminal: two or three lines at 80 columns (--json gives it whole)
QUOTE_CHARS = 140


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.command("poll")(poll)
    app.command("undecided")(undecided)


def _one_format(**flags: bool) -> str | None:
    chosen = [k for k, v in flags.items() if v]
    if len(chosen) > 1:
        flags = ["--" + c for c in chosen]
        raise InputError(
            f"choose one output format, not {' and '.join(flags)}",
            fr=f"choisissez un seul format de sortie, pas {' et '.join(flags)}",
        )
    return chosen[0] if chosen else None


def _write(data: str | bytes, out: Path | None) -> None:
    if out is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
        return
    out.parent.mkdir(parents=True, exist_ok=True)  # as `report --out` does
    if isinstance(data, bytes):
        out.write_bytes(data)
    else:
        out.write_text(data, encoding="utf-8")


def poll(
    target: Annotated[str, typer.Option("--target", "-t", help="Target id (see bascule.toml).")],
    project: ProjectOpt = Path("."),
    by: PollByOpt = "day",
    since: SinceOpt = None,
    until: UntilOpt = None,
    json: JsonOpt = False,
    csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one row per period.")] = False,
    png: Annotated[bool, typer.Option("--png", help="Write the chart as PNG.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Write the chart as an HTML page.")] = False,
    out: OutOpt = None,
    lang: LangOpt = None,
) -> None:
    """Continuous poll: share of authors for / against / neither per period, 95 % intervals.

    One author, one voice (their latest stance in the period); the targets' official accounts
    are not counted; periods with fewer authors than privacy.min_group_size are hidden. Days whose posts `bascule prune` deleted come
    from the daily counts it kept (marked as such; by day only: they have no hours, and a
    week holding one is not shown, the output names it).
    """
    from bascule.opinion import poll as P

    fmt = _one_format(json=json, csv=csv, png=png, html=html)
    with open_project(project, read_only=True) as p:
        result = P.poll(p, target, by=by, since=since, until=until)
        lang = lang or p.config.project.language
    if fmt == "json":
        if out:
            _write(_dumps(result), out)
        else:
            print_json(result)
    elif fmt == "csv":
        _write(P.poll_csv(result), out)
    elif fmt == "html":
        _write(P.poll_html(result, lang), out)
    elif fmt == "png":
        _write_png(lambda buf: P.poll_png(result, buf, lang), out, ("poll", "sondage"))
    else:
        _poll_table(result, lang)


def _write_png(
    draw: Callable[[io.BytesIO], None], out: Path | None, names: tuple[str, str]
) -> None:
    """The image `draw` writes, to `out` or to a stdout that is not a terminal (a pipe or a
    file); a terminal cannot show bytes: the error names an example file (`names`: its
    English and French stems)."""
    if out is None and sys.stdout.isatty():
        raise InputError(
            f"--png writes an image: give a file with --out (e.g. -o {names[0]}.png)",
            fr=f"--png écrit une image : donnez un fichier avec --out (par exemple -o "
            f"{names[1]}.png)",
        )
    buf = io.BytesIO()
    draw(buf)
    _write(buf.getvalue(), out)


def _dumps(obj: object) -> str:
    import json as _json

    from bascule.cli.common import _default

    return _json.dumps(obj, ensure_ascii=False, indent=2, default=_default) + "\n"


def _hidden_note(result: dict, lang: str) -> str | None:
    """How many periods were hidden for having fewer than `privacy.min_group_size` authors
    (None when none was): `poll` and `undecided` say it in the same words, so a reader
    knows a missing day or hour is withheld, not empty."""
    hidden, k = result["suppressed"], result["min_group_size"]
    if not hidden:
        return None
    s = "s" if hidden > 1 else ""
    return tr(
        lang,
        f"{number(hidden, lang)} période{s} de moins de {k} auteurs masquée{s} (vie privée).",
        f"{number(hidden, lang)} period{s} under {k} authors hidden (privacy).",
    )


def _poll_table(result: dict, lang: str) -> None:
    from rich.table import Table

    from bascule.i18n import share, share_range
    from bascule.opinion.poll import (
        STANCES,
        kept_note,
        period_name,
        stance_label,
        stance_note,
        target_name,
    )

    t = Table(
        title=f"{target_name(result, lang)} — {period_name(result['by'], lang)}",
        caption=tr(lang, f"heure de {result['timezone']}", f"{result['timezone']} time"),
    )
    # an hour cut off reads as none; a week's date is its Monday, which "period" would not say
    head = (
        tr(lang, "semaine du", "week of")
        if result["by"] == "week"
        else tr(lang, "période", "period")
    )
    t.add_column(head, no_wrap=True)
    t.add_column(tr(lang, "auteurs", "authors"), justify="right")
    for st in STANCES:
        t.add_column(f"{stance_label(st, lang)} [95 %]", justify="right")
    # a day read from the counts `prune` kept is marked (a column would not fit 80 characters)
    kept = any(r.get("source") == "aggregates" for r in result["periods"])
    for r in result["periods"]:
        mark = " †" if r.get("source") == "aggregates" else ""
        cells = [
            str(r["period"]).replace("T", " ") + mark,
            number(r["authors"], lang),
            *(
                # the interval's unit is in the header: a cell that fits, never cut at its "%"
                f"{share(r[st], lang)} [{share_range(r[st + '_lo'], r[st + '_hi'], lang, unit=False)}]"
                for st in STANCES
            ),
        ]
        t.add_row(*cells)
    if not result["periods"]:
        console.print(tr(lang, "Aucune période à montrer.", "No period to show."))
    else:
        console.print(t)
    if kept:
        console.print(
            tr(
                lang,
                "† jour lu dans les comptes quotidiens gardés (ses publications sont supprimées)",
                "† day read from the kept daily counts (its posts are deleted)",
            ),
            highlight=False,
        )
    for note in (_hidden_note(result, lang), kept_note(result, lang), stance_note(result, lang)):
        if note:
            console.print(note, highlight=False)


def undecided(
    project: ProjectOpt = Path("."),
    by: ByOpt = "day",
    since: SinceOpt = None,
    until: UntilOpt = None,
    themes: Annotated[
        int | None, typer.Option(help="Themes per language (default: from the volume).", min=1)
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same themes).")] = 0,
    json: JsonOpt = False,
    csv: Annotated[
        bool,
        typer.Option(
            "--csv",
            help="Print CSV, one row per shown period: committed, leaning and undecided "
            "authors, the undecided share with its 95 % interval, and its trend.",
        ),
    ] = False,
    png: Annotated[bool, typer.Option("--png", help="Write the chart as PNG.")] = False,
    html: Annotated[bool, typer.Option("--html", help="Write the chart as an HTML page.")] = False,
    out: OutOpt = None,
    lang: LangOpt = None,
) -> None:
    """The undecided: committed / leaning / undecided authors over time, and their reasons.

    Reasons are themes of the undecided's posts, with distinctive words, volume, trend and
    three quotes (authors pseudonymised); every post is in a theme or counted unassigned.
    """
    from bascule.opinion import undecided as U

    fmt = _one_format(json=json, csv=csv, png=png, html=html)
    with open_project(project, read_only=True) as p:
        result = U.undecided(p, since=since, until=until, by=by, themes=themes, seed=seed)
        lang = lang or p.config.project.language
        name = p.config.project.name
    if fmt == "json":
        if out:
            _write(_dumps(result), out)
        else:
            print_json(result)
    elif fmt == "csv":
        _write(U.undecided_csv(result), out)
    elif fmt == "png":
        _write_png(lambda buf: U.undecided_png(result, buf, lang), out, ("undecided", "indecis"))
    elif fmt == "html":  # counts, chart, themes and quotes: the report's section as a page
        from bascule.report.opinion import undecided_page

        _write(undecided_page(result, lang, name), out)
    else:
        _undecided_table(result, lang)


def _undecided_table(result: dict, lang: str) -> None:
    """What the help promises, in the terminal: totals, committed / leaning / undecided per
    period with the undecided share, hidden periods, the themes, then their quotes."""
    if not result["authors"]:
        _undecided_nothing(result, lang)
        return
    from bascule.opinion.undecided import pruned_note

    _undecided_totals(result, lang)
    _undecided_periods(result, lang)
    for note in (_hidden_note(result, lang), pruned_note(result, lang)):
        if note:
            console.print(note, highlight=False)
    if _undecided_themes(result, lang):
        _undecided_quotes(result, lang)


def _undecided_nothing(result: dict, lang: str) -> None:
    """Why there is nothing to show: every period hidden for privacy, or nothing analysed."""
    k = result["min_group_size"]
    if result["suppressed"]:
        console.print(
            tr(
                lang,
                f"Rien à montrer : chaque période compte moins de {k} auteurs, les résultats "
                "sont masqués pour protéger les personnes.",
                f"Nothing to show: every period has fewer than {k} authors, so results are "
                "hidden to protect people.",
            )
        )
    else:
        console.print(
            tr(
                lang,
                "Rien à montrer : aucune publication analysée dans cette fenêtre "
                "(bascule analyze ?).",
                "Nothing to show: no analysed post in this window (bascule analyze?).",
            )
        )


def _undecided_totals(result: dict, lang: str) -> None:
    """Authors by state over the whole (day-widened) window, and which days that covers."""
    from bascule.opinion.undecided import STATES, days_note, state_label

    a, sep = result["authors"], colon(lang)
    console.print(
        ", ".join(f"{state_label(s, lang)}{sep}{number(a[s], lang)}" for s in STATES)
        + tr(
            lang,
            f" (sur {number(a['total'], lang)} auteurs)",
            f" (of {number(a['total'], lang)} authors)",
        )
    )
    note = days_note(result, lang)  # the window may have been widened to days
    if note:
        console.print(note, highlight=False)


def _undecided_periods(result: dict, lang: str) -> None:
    """One row per shown period: authors by state, and the undecided share with its 95 %
    interval, as `poll` prints its shares (the three counts add up to the period's authors,
    so no authors column: the hour view fits 80 columns)."""
    from rich.table import Table

    from bascule.i18n import share, share_range
    from bascule.opinion.poll import period_name
    from bascule.opinion.undecided import STATES, state_label

    if not result["periods"]:
        console.print(tr(lang, "Aucune période à montrer.", "No period to show."))
        return
    t = Table(
        title=tr(lang, "Décidés, penchants, indécis", "Committed, leaning, undecided")
        + f" — {period_name(result['by'], lang)}",
        caption=tr(lang, f"heure de {result['timezone']}", f"{result['timezone']} time"),
    )
    # a week's date is its Monday, which "period" would not say (as `poll` heads it)
    week = result["by"] == "week"
    head = tr(lang, "semaine du", "week of") if week else tr(lang, "période", "period")
    t.add_column(head, no_wrap=True)
    for st in STATES:
        t.add_column(state_label(st, lang), justify="right")
    t.add_column(tr(lang, "% indécis [95 %]", "% undecided [95 %]"), justify="right")
    for r in result["periods"]:
        interval = share_range(r["undecided_lo"], r["undecided_hi"], lang, unit=False)
        t.add_row(
            str(r["period"]).replace("T", " "),
            *(number(r[st], lang) for st in STATES),
            f"{share(r['undecided_share'], lang)} [{interval}]",
        )
    console.print(t)


def _undecided_themes(result: dict, lang: str) -> bool:
    """The themes table and the posts left out of it; False when no theme is shown."""
    from rich.table import Table

    from bascule.opinion.themes import trend_label
    from bascule.report.opinion import theme_name

    k = result["min_group_size"]
    t = Table(title=tr(lang, "Pourquoi ils hésitent", "Why they hesitate"))
    for c in (
        tr(lang, "thème", "theme"),
        tr(lang, "mots", "words"),
        tr(lang, "publications", "posts"),
        tr(lang, "auteurs", "authors"),
        tr(lang, "tendance", "trend"),
    ):
        t.add_column(c)
    for th in result["themes"]:
        t.add_row(
            theme_name(th["id"], lang),
            ", ".join(th["words"][:6]),
            number(th["posts"], lang),
            number(th["authors"], lang),
            trend_label(th["trend"], lang),
        )
    console.print(t)
    if not result["themes"] and result["posts"]:
        console.print(
            tr(
                lang,
                f"Aucun thème ne réunit au moins {k} auteurs indécis (privacy.min_group_size).",
                f"No theme gathers at least {k} undecided authors (privacy.min_group_size).",
            )
        )
        return False
    left, total = result["unassigned"], result["posts"]
    console.print(
        tr(
            lang,
            f"{number(left, lang)} publication{'s' if left > 1 else ''} sans thème sur "
            f"{number(total, lang)}.",
            f"{number(left, lang)} of {number(total, lang)} posts unassigned.",
        )
    )
    return bool(result["themes"])


def _undecided_quotes(result: dict, lang: str) -> None:
    """Each theme's quotes as the JSON gives them (at most three, one per author), each cut
    to two lines, signed with the author as stored (a pseudonym unless kept in clear)."""
    from rich.table import Table
    from rich.text import Text

    from bascule.report.opinion import theme_name

    console.print()
    console.print(tr(lang, "Ce qu'ils disent", "In their own words"), style="bold")
    for th in result["themes"]:
        if not th["quotes"]:
            continue
        console.print(Text(f"{theme_name(th['id'], lang)} — {th['label']}", style="bold"))
        grid = Table.grid(padding=(0, 1))  # a hanging indent: a long quote wraps under itself
        grid.add_column(width=2, justify="right")
        grid.add_column()
        for q in th["quotes"]:  # Text, not markup: a post's "[...]" is printed as written
            line = Text(_short_quote(q["text"]) + " — ")
            line.append(str(q["author"]), style="dim")
            grid.add_row("•", line)
        console.print(grid)


def _short_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` on one line, cut at a word before `limit` characters with "…" (never longer
    than the stored quote, which the JSON gives whole)."""
    flat = " ".join(str(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:  # a word boundary in the second half: cut there
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "…"
