"""Message lab commands: `bascule message score|reach|effect|publish`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import JsonOpt, ProjectOpt, console, print_json

message_app = typer.Typer(
    help="Message lab: score drafts, predict reach, publish, measure.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Add the `message` group to `app`."""
    app.add_typer(message_app, name="message")
    message_app.command("score")(score)
    message_app.command("reach")(reach)
    message_app.command("effect")(effect)
    message_app.command("publish")(publish)
    from bascule.cli.network import ambassadors_app

    ambassadors_app.command("notify")(notify)
    ambassadors_app.command("shared")(shared)


def _corpus(project: Path):  # noqa: ANN202
    from bascule.config import CONFIG_NAME

    if not (project / CONFIG_NAME).exists():
        return None, None
    from bascule.messages.corpus import project_corpus
    from bascule.project import open_project

    with open_project(project) as p:
        return project_corpus(p), p.config.project.language


def score(
    text: Annotated[str, typer.Argument(help="The draft, or - to read it from standard input.")],
    lang: Annotated[str, typer.Option(help="fr, en or auto.")] = "auto",
    vs: Annotated[str | None, typer.Option("--vs", help="A second draft to compare.")] = None,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    html: Annotated[bool, typer.Option("--html", help="Print an HTML card.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML here.")] = None,
) -> None:
    """Score a draft on Made to Stick's six dimensions (0-100), with evidence and tips.

    Unexpectedness is measured against the project's last 30 days of posts when run inside
    a project (--project); elsewhere it uses surprise cues only.
    """
    from bascule.errors import InputError
    from bascule.messages.render import label, score_page
    from bascule.messages.score import DIMENSIONS, compare
    from bascule.messages.score import score as run

    if lang not in ("fr", "en", "auto"):
        raise InputError(f"--lang must be fr, en or auto (got {lang!r})")
    if text == "-":
        text = sys.stdin.read()
    if not text.strip() or (vs is not None and not vs.strip()):
        raise InputError("the draft is empty: write the message to score")
    corpus, ui_lang = _corpus(project)
    ui = ui_lang or "en"
    result = (
        compare(text, vs, lang, corpus=corpus, fallback=ui)
        if vs is not None
        else run(text, lang, corpus=corpus, fallback=ui)
    )
    if json:
        print_json(result)
        return
    if html or out:
        drafts = {"A": result["a"], "B": result["b"]} if vs is not None else {"draft": result}
        texts = {"A": text, "B": vs} if vs is not None else {"draft": text}
        page = score_page(texts, drafts, ui)
        if out:
            out.write_text(page, encoding="utf-8")
            console.print(f"Written to {out}")
        else:
            sys.stdout.write(page + "\n")
        return
    from rich.table import Table

    pairs = [("A", result["a"]), ("B", result["b"])] if vs is not None else [("", result)]
    for name, r in pairs:
        t = Table(title=f"{name} score {r['score']}/100 ({r['lang']})".strip())
        t.add_column("dimension")
        t.add_column("score", justify="right")
        t.add_column("suggestion")
        for d in DIMENSIONS:
            t.add_row(
                label(d, ui), str(r["dimensions"][d]["score"]), r["dimensions"][d]["suggestion"]
            )
        console.print(t)
        for note in r["notes"]:
            console.print(f"note: {note}")
    if vs is not None:
        console.print(_verdict(result, ui), highlight=False)


def _verdict(result: dict, lang: str) -> str:
    """Which draft is stronger, by how much, and on which dimensions (`--vs`)."""
    from bascule.i18n import tr
    from bascule.messages.render import label

    gap = result["overall_difference"]
    if result["better"] == "tie":
        head = tr(lang, "A et B font jeu égal", "A and B score the same")
    else:
        head = tr(lang, "{w} l'emporte de {n} points", "{w} is stronger by {n} points").format(
            w=result["better"].upper(), n=abs(gap)
        )
    ups = [f"{label(d, lang)} {v:+d}" for d, v in result["difference"].items() if v]
    sep = " : " if lang == "fr" else ": "
    return head + (f" (B − A{sep}{', '.join(ups)})" if ups else "") + "."


def _read_seeds(path: Path) -> list[str]:
    from bascule.errors import InputError

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return [x.strip().split(",")[0] for x in lines if x.strip() and not x.startswith("#")]


def reach(
    accounts: Annotated[
        list[str] | None, typer.Option("--from", help="Account carrying the post (repeatable).")
    ] = None,
    seeds: Annotated[
        Path | None, typer.Option("--seeds", help="File of accounts, one a line.")
    ] = None,
    model: Annotated[str, typer.Option(help="ic or lt.")] = "ic",
    prob: Annotated[str, typer.Option(help="wc, uniform:P, trivalency or learned.")] = "wc",
    runs: Annotated[int, typer.Option(help="Monte Carlo runs.")] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Predict how far a post carried by these accounts goes, per community and undecided."""
    from bascule.cli.common import open_project
    from bascule.messages.reach import reach as run

    names = list(accounts or []) + (_read_seeds(seeds) if seeds else [])
    with open_project(project) as p:
        result = run(p, names, model=model, prob=prob, runs=runs, seed=seed)
    if json:
        print_json(result)
        return
    s = result["spread"]
    console.print(
        f"Expected reach: {s['mean']:.1f} accounts (95% CI {s['ci95'][0]:.1f}-"
        f"{s['ci95'][1]:.1f}) from {len(result['accounts'])} accounts"
    )
    if result["undecided"]:
        u = result["undecided"]["reached"]
        console.print(f"Undecided reached: {u['mean']:.1f}")
    for c in result["communities"]:
        console.print(f"  community {c['group']}: {c['reached']['mean']:.1f} of {c['size']}")
    if result["not_in_network"]:
        console.print(f"Not in the network: {', '.join(result['not_in_network'])}")


def effect(
    post_id: Annotated[str, typer.Argument(help="The published post (post_id or native id).")],
    hours: Annotated[int, typer.Option(help="Observation window after publishing.", min=1)] = 24,
    target: Annotated[str | None, typer.Option(help="Target (default: those it mentions).")] = None,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """What a published post did: reach, communities, undecided, stance change (DiD)."""
    from bascule.cli.common import open_project
    from bascule.messages.effect import effect as run

    with open_project(project) as p:
        result = run(p, post_id, hours=hours, target=target)
    if json:
        print_json(result)
        return
    r = result["reach"]
    console.print(
        f"{result['post_id']}: {r['authors']} authors reached in {hours} h "
        f"({r['events']} events); undecided reached: {result['undecided_reached']}"
    )
    for s in result["stance"]:
        console.print(
            f"  {s['target']}: {s['verdict']} (estimate {s['estimate']}, CI {s['ci95']}; "
            f"{s['exposed_authors']} exposed vs {s['control_authors']} control)"
        )


def publish(
    text: Annotated[str, typer.Argument(help="The message to post.")],
    source: Annotated[
        str,
        typer.Option(
            "--source",
            help="Source to post through: its name in bascule.toml (a mastodon or bluesky one).",
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Really publish (default: dry run).")] = False,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Publish through the campaign's own account (dry run unless --yes); the post is tracked."""
    from bascule.cli.common import open_project
    from bascule.messages.publish import publish as run

    with open_project(project) as p:
        result = run(p, source, text, yes=yes)
    if json:
        print_json(result)
        return
    if result["dry_run"]:
        console.print(f"Dry run: would post to {source}: {text!r}. Add --yes to publish.")
    else:
        console.print(f"Published {result['post_id']} {result.get('url') or ''}")


def notify(
    target: Annotated[str, typer.Option("--target", "-t", help="The target of the kit.")],
    message: Annotated[
        str, typer.Option("--message", "-m", help="The text, or an id from `message publish`.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Really send (default: dry run).")] = False,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Send the message kit to opted-in ambassadors of a target (dry run unless --yes)."""
    from bascule.cli.common import open_project
    from bascule.messages.notify import notify as run

    with open_project(project) as p:
        result = run(p, target, message, yes=yes)
    if json:
        print_json(result)
        return
    for r in result["recipients"]:
        console.print(f"  {r['handle']}: {r['status']} ({', '.join(r['channels'])})")
        for e in r.get("errors", []):
            console.print(f"    {e}")
    for r in result["skipped"]:
        console.print(f"  {r['handle']}: skipped, {r['reason']}")
    if result["dry_run"]:
        console.print(
            f"Dry run: {len(result['recipients'])} ambassadors would get kit "
            f"{result['message_id']}. Add --yes to send."
        )
    else:
        console.print(
            f"Kit {result['message_id']}: {result['sent']} sent, {result['failed']} failed, "
            f"{result['already_sent']} already had it. "
            f"Later: bascule ambassadors shared {result['message_id']}"
        )


def shared(
    message_id: Annotated[str, typer.Argument(help="The kit id printed by `notify`.")],
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
) -> None:
    """Which notified ambassadors shared the kit since (reposts, quotes, or its text)."""
    from bascule.cli.common import open_project
    from bascule.messages.notify import shared as run

    with open_project(project) as p:
        result = run(p, message_id)
    if json:
        print_json(result)
        return
    console.print(
        f"{result['shared']} of {result['notified']} notified ambassadors shared {message_id}."
    )
    for a in result["ambassadors"]:
        mark = "shared" if a["shared"] else ("not seen in the data" if not a["in_data"] else "-")
        console.print(f"  {a['handle']}: {a['status']}, {mark}")
