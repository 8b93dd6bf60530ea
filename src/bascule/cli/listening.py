"""Commands of this area (registered on the main app): `bascule listen`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    compact_if_due,
    console,
    open_project,
    print_json,
    sigterm_as_ctrl_c,
    ui_lang,
)
from bascule.i18n import colon, number, numbers, plural_s, tr


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
    lang: LangOpt = None,
) -> None:
    """Listen to the live sources of bascule.toml (Mastodon, Bluesky, RSS, replay).

    Back-fills each source on its first run, then follows what is new until stopped (Ctrl-C);
    new posts are analysed as they arrive. A restart resumes where it stopped.

    Each source that stores or rejects something, or fails, is recorded as one import run
    (`bascule runs`): `done` when its source gave everything (--once, the end of a replayed
    file), `stopped` when listening was stopped (Ctrl-C, kill), `failed` when its source
    failed. A session that finds nothing new adds no run.
    """
    from bascule.live.listen import listen

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    proj = open_project(project)
    lang = ui_lang(project, proj, lang)
    if not once and not json_out:
        console.print(
            tr(lang, "Écoute… (Ctrl-C pour arrêter)", "Listening… (Ctrl-C to stop)"), style="dim"
        )
    # `kill` stops listening as Ctrl-C does: the summary printed, the runs closed, instead of
    # runs left `running` forever
    warn_old_replays(proj, lang, source or None)
    with sigterm_as_ctrl_c():
        try:
            summary = listen(
                proj,
                once=once,
                sources=source or None,
                analyze=not no_analyze,
                alerts=not no_alerts,
            )
        finally:
            compact_if_due(proj, lang)  # the retention period deleted texts meanwhile
            proj.close()
    if json_out:
        print_json(summary)
        return
    sep = colon(lang)
    for s in summary["sources"]:
        posts, dups, gone, bad, retries = numbers(
            s, ("posts", "duplicates", "deleted", "malformed", "retries"), lang
        )
        fr = (  # French plurals from 2 on
            f"{posts} nouvelle{_s(s['posts'])} publication{_s(s['posts'])}, {dups} "
            f"doublon{_s(s['duplicates'])}, {gone} supprimée{_s(s['deleted'])}, {bad} mal "
            f"formée{_s(s['malformed'])}, {retries} nouvelle{_s(s['retries'])} "
            f"tentative{_s(s['retries'])}"
        )
        line = f"{s['source']} ({s['kind']}){sep}" + tr(
            lang,
            fr,
            f"{posts} new posts, {dups} duplicates, {gone} deleted, {bad} malformed, "
            f"{retries} retries",
        )
        if s.get("run_id") is not None:  # `bascule runs` lists it, `runs undo` takes it back
            line += tr(lang, f" (import n° {s['run_id']})", f" (run {s['run_id']})")
        if s["error"]:
            line += tr(lang, " — arrêtée : ", " — stopped: ") + str(s["error"])
        console.print(line, highlight=False)
        for w in s.get("warnings") or []:  # a feed that answered 404, one skipped this round
            w = tr(lang, getattr(w, "fr", w), w)  # `Said`: the connector's words in French too
            console.print(
                tr(lang, f"  attention : {w}", f"  warning: {w}"), style="yellow", highlight=False
            )
    console.print(_total(summary, lang), style="bold", highlight=False)
    for line in _after_cycles(summary.get("cycles") or [], lang):
        console.print(line, style="yellow", highlight=False)
    if any(s["error"] for s in summary["sources"]):
        raise typer.Exit(1)  # a source stopped: cron and systemd should see it


def warn_old_replays(proj: Any, lang: str, names: list[str] | None = None) -> None:
    """Say before listening that a replay of posts older than the retention period will
    be deleted by the listener's retention pass right after it stores them."""
    from bascule.live.listen import make_connector, replays_past_retention, selected_sources

    replays = [
        make_connector(proj, s, i) for i, s in selected_sources(proj, names) if s.kind == "replay"
    ]
    for name, first, days in replays_past_retention(proj, replays):
        day = first.date().isoformat()
        console.print(
            tr(
                lang,
                f"attention : la source {name} rejoue des publications du {day}, plus vieilles "
                f"que la durée de conservation ({days} jours) : l'écoute les supprimera juste "
                "après les avoir stockées. Pour un exercice sur des données anciennes, retirez "
                "retention_days de [privacy] dans le bascule.toml de ce projet d'exercice.",
                f"warning: source {name} replays posts from {day}, older than the retention "
                f"period ({days} days): listening deletes them right after storing them. For "
                "a drill on old data, remove retention_days from [privacy] in this drill "
                "project's bascule.toml.",
            ),
            style="yellow",
            highlight=False,
            markup=False,  # [privacy] is no style
        )


def _total(summary: dict, lang: str) -> str:
    """The session's last line: posts stored, and, as `bascule import` says them, the
    duplicates skipped (posts stored before: a file replayed again) and the malformed."""
    posts, took = number(summary["posts"], lang), number(summary["seconds"], lang, 1)
    dups, bad = numbers(summary, ("duplicates", "malformed"), lang)
    n_dups, n_bad = summary.get("duplicates") or 0, summary.get("malformed") or 0
    return tr(
        lang,
        f"{posts} publication{_s(summary['posts'])} en {took} s ({dups} doublon{_s(n_dups)} "
        f"ignoré{_s(n_dups)}, {bad} mal formée{_s(n_bad)})",
        f"{posts} posts in {took} s ({dups} duplicates skipped, {bad} malformed)",
    )


def _after_cycles(cycles: list[dict], lang: str = "en") -> list[str]:
    """What the cycles did after storing that a staffer must know: posts deleted at once by
    the retention period, deliveries that failed, analysis or alert errors (these as the
    library words them)."""
    out = []
    pruned = sum((c.get("pruned") or {}).get("posts", 0) for c in cycles)
    if pruned:
        days = next(c["pruned"].get("retention_days") for c in cycles if c.get("pruned"))
        n, d = number(pruned, lang), number(days, lang)
        out.append(
            tr(
                lang,
                f"{n} publication{_s(pruned)} supprimée{_s(pruned)} : plus ancienne{_s(pruned)} "
                f"que la durée de conservation ({d} jour{_s(days)}, privacy.retention_days)",
                f"{n} posts deleted: older than the retention period ({d} days, "
                "privacy.retention_days)",
            )
        )
    failed = sum(c.get("delivery_failed") or 0 for c in cycles)
    if failed:
        n = number(failed, lang)
        fr = f"{n} envois d'alertes ont échoué : ils seront retentés au prochain cycle"
        if failed == 1:
            fr = "1 envoi d'alerte a échoué : il sera retenté au prochain cycle"
        out.append(
            tr(
                lang,
                fr,
                f"{n} alert deliveries failed: they are tried again on the next cycle",
            )
        )
    out += [
        c[k] for c in cycles for k in ("analysis_error", "alerts_error", "prune_error") if c.get(k)
    ]
    return out


def _s(n: int | None) -> str:
    """The French plural's "s" (these sentences are French)."""
    return plural_s(n, "fr")
