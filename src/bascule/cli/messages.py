"""Message lab commands: `bascule message score|reach|effect|publish`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import JsonOpt, LangOpt, ProjectOpt, console, print_json, ui_lang
from bascule.i18n import colon, label, number, plural_s, tr

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


def check_text_lang(value: str) -> str:
    """Callback of --text-lang: a draft is scored as French, as English, or as detected."""
    if value not in ("fr", "en", "auto"):
        raise typer.BadParameter(f"{value!r}: use fr, en or auto")
    return value


TextLangOpt = Annotated[
    str,
    typer.Option(
        "--text-lang",
        help="The draft's language: fr, en or auto (detected). --lang is the output's.",
        callback=check_text_lang,
    ),
]


def score(
    text: Annotated[str, typer.Argument(help="The draft, or - to read it from standard input.")],
    text_lang: TextLangOpt = "auto",
    vs: Annotated[str | None, typer.Option("--vs", help="A second draft to compare.")] = None,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    html: Annotated[bool, typer.Option("--html", help="Print an HTML card.")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write the HTML here.")] = None,
    lang: LangOpt = None,
) -> None:
    """Score a draft on Made to Stick's six dimensions (0-100), with evidence and tips.

    Unexpectedness is measured against the project's last 30 days of posts when run inside
    a project (--project); elsewhere it uses surprise cues only. Tips and headings are in
    --lang (default: the project's); the draft is read in --text-lang (default: detected).
    """
    from bascule.errors import InputError
    from bascule.messages.render import label, score_page, suggestion
    from bascule.messages.score import DIMENSIONS, compare
    from bascule.messages.score import score as run

    if text == "-":
        text = sys.stdin.read()
    if not text.strip() or (vs is not None and not vs.strip()):
        raise InputError(
            "the draft is empty: write the message to score",
            fr="le brouillon est vide : écrivez le message à noter",
        )
    corpus, project_lang = _corpus(project)
    ui = lang or project_lang or "en"
    # a draft with no word in it is read in the reader's language, so are its tips; the
    # notes (mixed languages, truncated, no words) are in the reader's language too
    result = (
        compare(text, vs, text_lang, corpus=corpus, fallback=ui, ui_lang=ui)
        if vs is not None
        else run(text, text_lang, corpus=corpus, fallback=ui, ui_lang=ui)
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
            console.print(tr(ui, f"Écrit : {out}", f"Written to {out}"))
        else:
            sys.stdout.write(page + "\n")
        return
    from rich.table import Table

    pairs = [("A", result["a"]), ("B", result["b"])] if vs is not None else [("", result)]
    for name, r in pairs:
        title = tr(ui, f"{name} note {r['score']}/100", f"{name} score {r['score']}/100")
        t = Table(title=f"{title} ({r['lang']})".strip())
        t.add_column("dimension")
        t.add_column(tr(ui, "note", "score"), justify="right")
        t.add_column(tr(ui, "conseil", "suggestion"))
        for d in DIMENSIONS:
            dim = r["dimensions"][d]
            t.add_row(label(d, ui), str(dim["score"]), suggestion(dim, ui))
        console.print(t)
        for note in r["notes"]:
            console.print(f"note : {note}" if ui == "fr" else f"note: {note}")
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
    sep = colon(lang)
    return head + (f" (B − A{sep}{', '.join(ups)})" if ups else "") + "."


def _read_seeds(path: Path) -> list[str]:
    from bascule.errors import InputError

    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror}", fr=f"impossible de lire {path} : {exc.strerror}"
        ) from None
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
    lang: LangOpt = None,
) -> None:
    """Predict how far a post carried by these accounts goes, per community and undecided."""
    from bascule.cli.common import open_project
    from bascule.messages.reach import reach as run

    names = list(accounts or []) + (_read_seeds(seeds) if seeds else [])
    with open_project(project) as p:
        result = run(p, names, model=model, prob=prob, runs=runs, seed=seed)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
        return
    s = result["spread"]
    mean = number(s["mean"], lang, 1)
    lo, hi = (number(x, lang, 1) for x in s["ci95"])
    k, ks = number(len(result["accounts"]), lang), plural_s(len(result["accounts"]), lang)
    ms = plural_s(s["mean"], lang)
    console.print(
        tr(
            lang,
            f"Portée attendue : {mean} compte{ms} (IC à 95 % : {lo} – {hi}) depuis {k} compte{ks}",
            f"Expected reach: {mean} account{ms} (95% CI {lo}–{hi}) from {k} account{ks}",
        )
    )
    if result["undecided"]:
        u = number(result["undecided"]["reached"]["mean"], lang, 1)
        console.print(tr(lang, f"Indécis atteints : {u}", f"Undecided reached: {u}"))
    for c in result["communities"]:
        got, size = number(c["reached"]["mean"], lang, 1), number(c["size"], lang)
        console.print(
            tr(
                lang,
                f"  communauté {c['group']} : {got} sur {size}",
                f"  community {c['group']}: {got} of {size}",
            )
        )
    if result["not_in_network"]:
        names = ", ".join(result["not_in_network"])
        console.print(tr(lang, f"Hors du réseau : {names}", f"Not in the network: {names}"))


def effect(
    post_id: Annotated[str, typer.Argument(help="The published post (post_id or native id).")],
    hours: Annotated[int, typer.Option(help="Observation window after publishing.", min=1)] = 24,
    target: Annotated[str | None, typer.Option(help="Target (default: those it mentions).")] = None,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """What a published post did: reach, communities, undecided, stance change (DiD)."""
    from rich.markup import escape

    from bascule.cli.common import open_project
    from bascule.messages.effect import NO_TARGET, verdict
    from bascule.messages.effect import effect as run

    with open_project(project) as p:
        result = run(p, post_id, hours=hours, target=target)
        lang = ui_lang(project, p, lang)
        # "Police and security forces" in English, "Police et forces de l'ordre" in French
        names = {s["target"]: p.config.target_name(s["target"], lang) for s in result["stance"]}
    if json:
        print_json(result)
        return
    r = result["reach"]
    who, events = number(r["authors"], lang), number(r["events"], lang)
    undecided = number(result["undecided_reached"], lang)
    ws, es = plural_s(r["authors"], lang), plural_s(r["events"], lang)
    console.print(
        tr(
            lang,
            f"{result['post_id']} : {who} auteur{ws} atteint{ws} en {hours} h ({events} "
            f"événement{es}) ; indécis atteints : {undecided}",
            f"{result['post_id']}: {who} author{ws} reached in {hours} h ({events} event{es}); "
            f"undecided reached: {undecided}",
        ),
        highlight=False,
    )
    for s in result["stance"]:
        sep = colon(lang)
        found = verdict(s, lang)
        if s["estimate"] is not None:
            est = number(s["estimate"], lang, 3)
            lo, hi = (number(x, lang, 3) for x in s["ci95"])
            found += tr(
                lang,
                f" (estimation {est}, IC à 95 % : {lo} – {hi}",
                f" (estimate {est}, 95% CI {lo}–{hi}",
            )
        else:
            found += " ("
        found += tr(
            lang,
            f"{'' if s['estimate'] is None else ' ; '}{number(s['exposed_authors'], lang)} "
            f"exposés, {number(s['control_authors'], lang)} témoins)",
            f"{'' if s['estimate'] is None else '; '}{number(s['exposed_authors'], lang)} "
            f"exposed vs {number(s['control_authors'], lang)} control)",
        )
        console.print(f"  {escape(names[s['target']])}{sep}{found}", highlight=False)
    if result.get("note"):
        console.print(tr(lang, *NO_TARGET))


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
    lang: LangOpt = None,
) -> None:
    """Publish through the campaign's own account (dry run unless --yes); the post is tracked."""
    from bascule.cli.common import open_project
    from bascule.messages.publish import publish as run

    with open_project(project) as p:
        result = run(p, source, text, yes=yes)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
        return
    if result["dry_run"]:
        console.print(
            tr(
                lang,
                f"Essai : publierait sur {source} : {text!r}. Ajoutez --yes pour publier.",
                f"Dry run: would post to {source}: {text!r}. Add --yes to publish.",
            )
        )
    else:
        url = result.get("url") or ""
        console.print(
            tr(lang, f"Publié : {result['post_id']} {url}", f"Published {result['post_id']} {url}")
        )


def notify(
    target: Annotated[str, typer.Option("--target", "-t", help="The target of the kit.")],
    message: Annotated[
        str, typer.Option("--message", "-m", help="The text, or an id from `message publish`.")
    ],
    yes: Annotated[bool, typer.Option("--yes", help="Really send (default: dry run).")] = False,
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Send the message kit to opted-in ambassadors of a target (dry run unless --yes)."""
    from bascule.cli.common import open_project
    from bascule.messages.notify import notify as run

    with open_project(project) as p:
        result = run(p, target, message, yes=yes)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
        return
    from bascule.messages.notify import WORDS

    sep = colon(lang)
    for r in result["recipients"]:
        status = label(WORDS, r["status"], lang)
        console.print(f"  {r['handle']}{sep}{status} ({', '.join(r['channels'])})")
        for e in r.get("errors", []):
            console.print(f"    {e}")
    for r in result["skipped"]:
        console.print(
            f"  {r['handle']}{sep}{tr(lang, 'ignoré', 'skipped')}, {label(WORDS, r['reason'], lang)}"
        )
    kit, n = result["message_id"], number(len(result["recipients"]), lang)
    if result["dry_run"]:
        console.print(
            tr(
                lang,
                f"Essai : {n} {'ambassadeur recevrait' if n == '1' else 'ambassadeurs recevraient'}"
                f" le kit {kit}. Ajoutez --yes pour l'envoyer.",
                f"Dry run: {n} {'ambassador' if n == '1' else 'ambassadors'} would get kit {kit}. "
                "Add --yes to send.",
            )
        )
    else:
        sent, failed = number(result["sent"], lang), number(result["failed"], lang)
        had = number(result["already_sent"], lang)
        console.print(
            tr(
                lang,
                f"Kit {kit} : {sent} envoyés, {failed} en échec, {had} l'avaient déjà. "
                f"Ensuite : bascule ambassadors shared {kit}",
                f"Kit {kit}: {sent} sent, {failed} failed, {had} already had it. "
                f"Later: bascule ambassadors shared {kit}",
            )
        )


def shared(
    message_id: Annotated[str, typer.Argument(help="The kit id printed by `notify`.")],
    project: ProjectOpt = Path("."),
    json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Which notified ambassadors shared the kit since (reposts, quotes, or its text)."""
    from bascule.cli.common import open_project
    from bascule.messages.notify import shared as run

    with open_project(project) as p:
        result = run(p, message_id)
        lang = ui_lang(project, p, lang)
    if json:
        print_json(result)
        return
    k, n = number(result["shared"], lang), number(result["notified"], lang)
    console.print(
        tr(
            lang,
            f"{k} des {n} ambassadeurs prévenus ont partagé {message_id}.",
            f"{k} of {n} notified ambassadors shared {message_id}.",
        )
    )
    from bascule.messages.notify import WORDS

    sep = colon(lang)
    for a in result["ambassadors"]:
        if a["shared"]:
            mark = tr(lang, "a partagé", "shared")
        elif not a["in_data"]:
            mark = tr(lang, "absent des données", "not seen in the data")
        else:
            mark = "-"
        console.print(f"  {a['handle']}{sep}{label(WORDS, a['status'], lang)}, {mark}")
