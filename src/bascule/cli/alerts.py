"""Early-warning commands: `alerts watch`, `alerts list`, and the batch `forecast`."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.common import (
    JsonOpt,
    ProjectOpt,
    check_when,
    console,
    err_console,
    open_project,
    print_json,
)

alerts_app = typer.Typer(
    help="Early warning: forecasts, bursts and lone critics; delivered by webhook and e-mail.",
    no_args_is_help=True,
)


def _print_alerts(rows: list[dict[str, Any]], title: str) -> None:
    from rich.table import Table

    t = Table(title=title)
    sent = any("delivered_to" in a for a in rows)
    for c in ("created_at", "kind", "target", "title", "score", *(("sent to",) if sent else ())):
        t.add_column(c)
    for a in rows:
        score = a.get("score")
        t.add_row(
            str(a["created_at"])[:16],
            a["kind"],
            a.get("target_id") or "",
            a["title"],
            "" if score is None else f"{score:,.1f}",
            *((", ".join(a.get("delivered_to") or []) or "—",) if sent else ()),
        )
    console.print(t)


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
) -> None:
    """Run the detectors, store new alerts and deliver them to the configured channels."""

    from bascule.alerts.deliver import deliver, retry_failed
    from bascule.alerts.watch import check, critiques_read_by_cues_only
    from bascule.errors import InputError

    if interval is not None and interval <= 0:
        raise InputError("--interval must be a positive number of seconds")
    project = open_project(project_dir)
    if critiques_read_by_cues_only(project):
        err_console.print(
            "No stance model yet: critique alerts (forecast, lone critic) only see against "
            "hashtags and rival official accounts; bursts are unaffected. Label posts and train "
            "one: bascule stance label, bascule stance train."
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
            _print_alerts(fresh, f"{len(fresh)} new alert(s)")
            if sent["sent"] or sent["failed"]:
                err_console.print(f"delivered: {sent['sent']}, failed: {sent['failed']}")
            for e in sent["errors"]:
                err_console.print(f"[red]{e['channel']}[/]: {e['error']}", highlight=False)
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
) -> None:
    """Stored alerts, newest first, with the channels they reached."""
    from bascule.alerts.watch import list_alerts

    project = open_project(project_dir, read_only=True)
    rows = list_alerts(project, since=since, kind=kind, limit=limit)
    if as_json:
        print_json(rows)
    else:
        _print_alerts(rows, f"{len(rows)} alert(s)")


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
) -> None:
    """Forecast each cascade's final number of events from those seen after --observe minutes.

    Without --fit or --model, a Hawkes process with SEISMIC's power-law kernel (Zhao et al.,
    KDD 2015); with --fit, that process plus a correction learned on the other cascades.
    """
    import orjson

    from bascule.alerts.cascades import read_cascades
    from bascule.alerts.forecast import CascadeForecaster, forecast_file
    from bascule.errors import InputError

    windows = [observe]
    if fit_windows:
        try:
            windows = [float(w) for w in fit_windows.split(",") if w.strip()]
        except ValueError:
            raise InputError(f"--fit-windows: not a list of minutes: {fit_windows!r}") from None
        if not windows or min(windows) <= 0:
            raise InputError("--fit-windows: give positive minutes, e.g. 15,30,60")
    m = None
    if model is not None:
        m = CascadeForecaster.load(model)
    elif fit is not None:
        import contextlib

        spinner = (
            err_console.status(f"fitting the forecaster on {fit} ...")
            if err_console.is_terminal
            else contextlib.nullcontext()
        )
        with spinner:
            m = CascadeForecaster().fit(read_cascades(fit), windows)
        if save_model is not None:
            m.save(save_model)
            err_console.print(f"model written to {save_model}")
    rows = forecast_file(cascades, observe, model=m)
    keys = ("cascade", "observed", "predicted", *(("low", "high") if interval else ()))
    if as_json:
        out = sys.stdout
        for r in rows:
            out.write(orjson.dumps({k: r[k] for k in keys}).decode() + "\n")
        return
    from rich.table import Table

    t = Table(title=f"Forecast after {observe:g} min ({rows[0]['method'] if rows else '-'})")
    for k in keys:
        t.add_column(k)
    for r in rows:
        t.add_row(*(str(r[k]) for k in keys))
    console.print(t)


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.add_typer(alerts_app, name="alerts")
    app.command("forecast")(forecast_cmd)
