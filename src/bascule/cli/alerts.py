"""Early-warning commands: `alerts watch`, `alerts list`, and the batch `forecast`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    check_project,
    check_when,
    err_console,
    open_project,
    print_json,
    print_rows,
    say_nothing_yet,
    ui_lang,
)
from bascule.i18n import colon, number, plural_s, tr
from bascule.report.html import Col

alerts_app = typer.Typer(
    help="Early warning: forecasts, bursts and lone critics; delivered by webhook and e-mail.",
    no_args_is_help=True,
)


ALERT_COLUMNS = [
    Col("created_at", "quand (UTC)", "when (UTC)", "when"),
    Col("kind", "type", "kind"),
    Col("target_id", "cible", "target"),
    Col("title", "alerte", "alert"),
    Col("score", "score", "score", "num", 1),
]
SENT_TO = Col("sent_to", "envoyée à", "sent to")


def _print_alerts(rows: list[dict[str, Any]], title: str, lang: str, config: Any) -> None:
    """The alerts as a table, their target by its name in `lang` (`--json` keeps the id)."""
    from bascule.alerts import KIND_LABELS
    from bascule.i18n import DASH, label

    sent = any("delivered_to" in a for a in rows)
    shown = [
        {
            **a,
            "kind": label(KIND_LABELS, a["kind"], lang),
            "target_id": a.get("target_id") and config.target_name(a["target_id"], lang),
            "sent_to": ", ".join(a.get("delivered_to") or []) or DASH,
        }
        for a in rows
    ]
    columns = [*ALERT_COLUMNS, *((SENT_TO,) if sent else ())]
    print_rows(shown, columns, title, lang, limit=None)


def _alerts_title(n: int, lang: str, *, new: bool = False) -> str:
    """ "3 nouvelles alertes" / "3 new alerts": a table's title."""
    k, s = number(n, lang), plural_s(n, lang)
    if new:
        return tr(lang, f"{k} nouvelle{s} alerte{s}", f"{k} new alert{s}")
    return tr(lang, f"{k} alerte{s}", f"{k} alert{s}")


@alerts_app.command("watch")
def watch_cmd(
    project_dir: ProjectOpt = Path("."),
    interval: Annotated[
        float | None,
        typer.Option("--interval", help="Check again every N seconds (until Ctrl-C)."),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Check once and exit (the default).")
    ] = False,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            help="Pretend it is this UTC time (YYYY-MM-DD or YYYY-MM-DDTHH:MM; replays; "
            "default: the clock).",
            callback=check_when,
        ),
    ] = None,
    no_deliver: Annotated[
        bool, typer.Option("--no-deliver", help="Store and print alerts, send nothing.")
    ] = False,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Run the detectors, store new alerts and deliver them to the configured channels."""

    from bascule.alerts.deliver import deliver, retry_failed
    from bascule.alerts.watch import check, critiques_read_by_cues_only, title
    from bascule.errors import InputError

    if interval is not None and interval <= 0:
        raise InputError(
            "--interval must be a positive number of seconds",
            fr="--interval doit être un nombre de secondes positif",
        )
    project = open_project(project_dir)
    asked, lang = lang, ui_lang(project_dir, project, lang)
    empty = project.store.count("posts") == 0  # then one sentence says what to run
    if not empty and critiques_read_by_cues_only(project):
        err_console.print(
            tr(
                lang,
                "Pas encore de modèle de position : les alertes de critique (prévision, critique "
                "isolée) ne voient que les mots-clics contre et les comptes officiels rivaux ; "
                "les pics n'en dépendent pas. Annotez des publications et entraînez-en un : "
                "bascule stance label, bascule stance train.",
                "No stance model yet: critique alerts (forecast, lone critic) only see against "
                "hashtags and rival official accounts; bursts are unaffected. Label posts and "
                "train one: bascule stance label, bascule stance train.",
            )
        )
    while True:
        fresh = check(project, now=now)  # checked by check_when
        sent = {"sent": 0, "failed": 0, "skipped": 0, "errors": []}
        if not no_deliver:
            again = retry_failed(project)  # earlier failures first, then the new alerts
            sent = deliver(project, fresh)
            for key in ("sent", "failed", "errors"):
                sent[key] += again[key]
        if as_json:
            print_json({"alerts": fresh, "delivery": sent})
        else:
            # an empty project (until `listen` fills it): what to run, not a table of nothing
            if fresh or not empty or not say_nothing_yet(project, lang):
                shown = fresh
                if asked:  # titled in the project's language as delivered; here in the one asked
                    cfg = project.config
                    shown = [{**a, "title": title(a, lang, cfg) or a["title"]} for a in fresh]
                heading = _alerts_title(len(fresh), lang, new=True)
                _print_alerts(shown, heading, lang, project.config)
            if sent["sent"] or sent["failed"]:
                done, failed = number(sent["sent"], lang), number(sent["failed"], lang)
                err_console.print(
                    tr(
                        lang,
                        f"envoyées : {done}, en échec : {failed}",
                        f"delivered: {done}, failed: {failed}",
                    )
                )
            sep = colon(lang)
            for e in sent["errors"]:
                err_console.print(f"[red]{e['channel']}[/]{sep}{e['error']}", highlight=False)
        if once or interval is None:
            return
        time.sleep(interval)


@alerts_app.command("list")
def list_cmd(
    project_dir: ProjectOpt = Path("."),
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="From this date or time (UTC; YYYY-MM-DD or YYYY-MM-DDTHH:MM).",
            callback=check_when,
        ),
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", help="forecast | burst | lone_critic.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many.")] = 100,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Stored alerts, newest first, with the channels they reached."""
    from bascule.alerts.watch import list_alerts

    project = open_project(project_dir, read_only=True)
    # titles as stored (in the project's language), or in the language asked
    rows = list_alerts(project, since=since, kind=kind, limit=limit, lang=lang)
    if as_json:
        print_json(rows)
        return
    lang = ui_lang(project_dir, project, lang)
    if not rows and say_nothing_yet(project, lang):
        return
    _print_alerts(rows, _alerts_title(len(rows), lang), lang, project.config)


ForecastProjectOpt = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        help="Project folder (holds bascule.toml): only its language is used, the cascades "
        "come from files (default: the current folder's, if it is a project).",
        envvar="BASCULE_PROJECT",
        callback=lambda v: None if v is None else check_project(v),
    ),
]


def _forecast_lang(folder: Path | None, lang: str | None) -> str:
    """The language `forecast` speaks: --lang, else that of the project named by -p or
    BASCULE_PROJECT (which must be one, as for every command), else the current folder's
    if it is a project, else English. The forecast itself reads only files."""
    if folder is None:
        return ui_lang(Path("."), lang=lang)
    from bascule.project import Project

    project = Project(folder)  # a wrong -p is an error, as for every command; no database
    return ui_lang(folder, project, lang)


FORECAST_COLUMNS = [
    Col("cascade", "cascade", "cascade"),
    Col("observed", "observés", "observed", "int"),
    Col("predicted", "prévus", "predicted", "num", 1),
    Col("low", "bas", "low", "num", 1),
    Col("high", "haut", "high", "num", 1),
]


def forecast_cmd(
    cascades: Annotated[
        Path, typer.Option("--cascades", help="Propagation trees (edges.tsv, .gz or .xz).")
    ],
    observe: Annotated[
        float, typer.Option("--observe", help="Minutes after the original post seen.")
    ] = 60.0,
    fit: Annotated[
        Path | None,
        typer.Option("--fit", help="Fit the model on these other cascades (edges.tsv)."),
    ] = None,
    model: Annotated[
        Path | None, typer.Option("--model", help="Use a model saved with --save-model.")
    ] = None,
    save_model: Annotated[
        Path | None,
        typer.Option(
            "--save-model",
            help="Write the fitted model here (put it in PROJECT/models/forecast.pkl for alerts).",
        ),
    ] = None,
    fit_windows: Annotated[
        str | None,
        typer.Option(
            "--fit-windows",
            help="Fit at these ages in minutes, e.g. 15,30,60,120,360 (a model for live "
            "alerts, which forecast posts of any age); default: --observe only.",
        ),
    ] = None,
    interval: Annotated[
        bool, typer.Option("--interval", help="Add the 80% interval (low, high) to each line.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON line per cascade instead of a table.")
    ] = False,
    project_dir: ForecastProjectOpt = None,
    lang: LangOpt = None,
) -> None:
    """Forecast each cascade's final number of events from those seen after --observe minutes.

    Without --fit or --model, a Hawkes process with SEISMIC's power-law kernel (Zhao et al.,
    KDD 2015); with --fit, that process plus a correction learned on the other cascades.
    """
    import orjson

    from bascule.alerts.cascades import read_cascades
    from bascule.alerts.forecast import CascadeForecaster, forecast_file
    from bascule.errors import InputError

    lang = _forecast_lang(project_dir, lang)
    windows = [observe]
    if fit_windows:
        try:
            windows = [float(w) for w in fit_windows.split(",") if w.strip()]
        except ValueError:
            raise InputError(
                f"--fit-windows: not a list of minutes: {fit_windows!r}",
                fr=f"--fit-windows : pas une liste de minutes : {fit_windows!r}",
            ) from None
        if not windows or min(windows) <= 0:
            raise InputError(
                "--fit-windows: give positive minutes, e.g. 15,30,60",
                fr="--fit-windows : donnez des minutes positives, par exemple 15,30,60",
            )
    m = None
    if model is not None:
        m = CascadeForecaster.load(model)
    elif fit is not None:
        import contextlib

        spinner = (
            err_console.status(
                tr(
                    lang,
                    f"ajustement du modèle de prévision sur {fit} …",
                    f"fitting the forecaster on {fit} ...",
                )
            )
            if err_console.is_terminal
            else contextlib.nullcontext()
        )
        with spinner:
            m = CascadeForecaster().fit(read_cascades(fit), windows)
        if save_model is not None:
            m.save(save_model)
            err_console.print(
                tr(lang, f"modèle écrit dans {save_model}", f"model written to {save_model}")
            )
    rows = forecast_file(cascades, observe, model=m)
    keys = ("cascade", "observed", "predicted", *(("low", "high") if interval else ()))
    if as_json:
        out = sys.stdout
        for r in rows:
            out.write(orjson.dumps({k: r[k] for k in keys}).decode() + "\n")
        return
    digits = len(f"{observe:g}".partition(".")[2])  # as given: 60, 7.5, 0.25
    minutes, method = number(observe, lang, digits), rows[0]["method"] if rows else "-"
    title = tr(
        lang,
        f"Prévision après {minutes} min ({method})",
        f"Forecast after {minutes} min ({method})",
    )
    columns = [c for c in FORECAST_COLUMNS if c.key in keys]
    print_rows(rows, columns, title, lang, limit=None)


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.add_typer(alerts_app, name="alerts")
    app.command("forecast")(forecast_cmd)
