"""Commands of this area (registered on the main app): `bascule listen`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.command("listen")(listen_cmd)


def listen_cmd(
    project: ProjectOpt = Path("."),
    once: Annotated[
        bool, typer.Option("--once", help="Fetch everything new from every source, then exit.")
    ] = False,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", "-s", help="Only this source (its `name`); repeatable."),
    ] = None,
    no_analyze: Annotated[
        bool, typer.Option("--no-analyze", help="Store posts without analysing them.")
    ] = False,
    no_alerts: Annotated[
        bool, typer.Option("--no-alerts", help="Do not check nor send alerts.")
    ] = False,
    json_out: JsonOpt = False,
) -> None:
    """Listen to the live sources of bascule.toml (Mastodon, Bluesky, RSS, replay).

    Back-fills each source on its first run, then follows what is new until stopped (Ctrl-C);
    new posts are analysed as they arrive. A restart resumes where it stopped.
    """
    from bascule.live.listen import listen

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    proj = open_project(project)
    _stop_on_sigterm()
    if not once and not json_out:
        console.print("Listening… (Ctrl-C to stop)", style="dim")
    try:
        summary = listen(
            proj, once=once, sources=source or None, analyze=not no_analyze, alerts=not no_alerts
        )
    finally:
        proj.close()
    if json_out:
        print_json(summary)
        return
    for s in summary["sources"]:
        line = (
            f"{s['source']} ({s['kind']}): {s['posts']} new posts, {s['duplicates']} duplicates, "
            f"{s['deleted']} deleted, {s['malformed']} malformed, {s['retries']} retries"
        )
        if s["error"]:
            line += f" — stopped: {s['error']}"
        console.print(line, highlight=False)
        for w in s.get("warnings") or []:  # a feed that answered 404, one skipped this round
            console.print(f"  warning: {w}", style="yellow", highlight=False)
    console.print(
        f"{summary['posts']} posts in {summary['seconds']} s", style="bold", highlight=False
    )
    for line in _after_cycles(summary.get("cycles") or []):
        console.print(line, style="yellow", highlight=False)
    if any(s["error"] for s in summary["sources"]):
        raise typer.Exit(1)  # a source stopped: cron and systemd should see it


def _stop_on_sigterm() -> None:
    """`kill` (systemd, docker stop) stops listening as Ctrl-C does: the summary printed, the
    run closed, instead of a run left `running` forever."""
    import signal
    import threading

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def _after_cycles(cycles: list[dict]) -> list[str]:
    """What the cycles did after storing that a staffer must know: posts deleted at once by
    the retention period, deliveries that failed, analysis or alert errors."""
    out = []
    pruned = sum((c.get("pruned") or {}).get("posts", 0) for c in cycles)
    if pruned:
        days = next(c["pruned"].get("retention_days") for c in cycles if c.get("pruned"))
        out.append(
            f"{pruned} posts deleted: older than the retention period ({days} days, "
            "privacy.retention_days)"
        )
    failed = sum(c.get("delivery_failed") or 0 for c in cycles)
    if failed:
        out.append(f"{failed} alert deliveries failed: they are tried again on the next cycle")
    out += [
        c[k] for c in cycles for k in ("analysis_error", "alerts_error", "prune_error") if c.get(k)
    ]
    return out
