"""Network commands: `graph build|export`, `influencers`, `communities`, `bridges`,
`audience`, `ambassadors`. Each works on the project's store or on `--graph FILE`.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from bascule.cli.common import (
    GraphOpt,
    JsonOpt,
    LangOpt,
    ProjectOpt,
    check_when,
    console,
    err_console,
    open_project,
    print_json,
    print_rows,
    say_nothing_yet,
    ui_lang,
)
from bascule.i18n import colon, number, plural_s, share, tr
from bascule.report.html import Col
from bascule.report.network import COMMUNITY_COLUMNS, INFLUENCER_COLUMNS

graph_app = typer.Typer(help="Build and export the interaction network.", no_args_is_help=True)
ambassadors_app = typer.Typer(
    help="Supporters ranked by the amplification they already produce.",
    invoke_without_command=True,
)

KindOpt = Annotated[
    str | None,
    typer.Option(
        "--kind", help="Interactions: amplify | reply | mention | all (default: amplify)."
    ),
]
KindAllOpt = Annotated[
    str | None,
    typer.Option("--kind", help="Interactions: amplify | reply | mention | all (default: all)."),
]
SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="From this date or time (UTC; YYYY-MM-DD or YYYY-MM-DDTHH:MM).",
        callback=check_when,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option("--until", help="Until this date or time (UTC), excluded.", callback=check_when),
]
TargetOpt = Annotated[
    str | None, typer.Option("--target", "-t", help="Only interactions about this target.")
]
HtmlOpt = Annotated[Path | None, typer.Option("--html", help="Also write an HTML page here.")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]

RANK = Col("rank", "rang", "rank", "int")
BRIDGE_COLUMNS = [
    RANK,
    Col("handle", "compte", "account"),
    Col("community", "communauté", "community"),
    Col("participation", "participation", "participation", "num", 2),
    Col("communities_reached", "communautés atteintes", "communities reached", "int"),
    Col("reach_undecided", "portée chez les indécis", "reach into undecided", "num", 1),
]
AUDIENCE_COLUMNS = [
    Col("community", "communauté", "community"),
    Col("size", "taille", "size", "int"),
    Col("reached", "comptes atteints", "accounts reached", "int"),
    Col("share_reached", "part atteinte", "share reached", "pct"),
    Col("interactions", "interactions", "interactions", "int"),
    Col("undecided_share", "part d'indécis", "undecided share", "pct"),
]
AMBASSADOR_COLUMNS = [
    RANK,
    Col("handle", "compte", "account"),
    Col("favor_posts", "publications pour", "posts in favour", "int"),
    Col("target_amplification", "amplification de la cible", "amplification of the target", "int"),
    Col("direct", "amplifications directes", "direct amplifications", "int"),
    Col("downstream", "en aval", "downstream", "int"),
]


def _graph(
    project_dir: Path,
    graph_file: Path | None,
    *,
    kind: str | None = None,
    default_kind: str = "amplify",
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
    lang: str = "en",
) -> tuple[Any, Any]:
    """(graph, project or None): the file when given, else the store's observed graph.

    A file is used whole: the filters of the store's interactions are refused with it.
    """
    if graph_file is not None:
        from bascule.errors import InputError
        from bascule.graph.io import read_graph

        filters = {"kind": kind, "target": target, "since": since, "until": until}
        given = [f"--{name}" for name, value in filters.items() if value is not None]
        if given:
            opts = ", ".join(given)
            raise InputError(
                f"{opts}: only for the project's interactions; a --graph file is used whole "
                "(filter the file, or leave out --graph)",
                fr=f"{opts} : seulement pour les interactions du projet ; un fichier --graph "
                "est pris en entier (filtrez le fichier, ou retirez --graph)",
            )

        with _busy(tr(lang, f"Lecture de {graph_file}", f"Reading {graph_file}")):
            return read_graph(graph_file), None
    from bascule.graph.build import observed_graph

    project = open_project(project_dir)
    with _busy(tr(lang, "Construction du réseau", "Building the network")):
        g = observed_graph(
            project, kind=kind or default_kind, since=since, until=until, target=target
        )
    return g, project


def _empty(g: Any, project: Any, lang: str) -> bool:
    """When the store's network has no link, say why in one sentence (no posts or no
    interactions yet, and what to run; or options that leave none out) and return True: a
    table of nobody and "Top 1% produce 0.0%" say nothing. A --graph file is shown as is."""
    if project is None or g.m:
        return False
    if not say_nothing_yet(project, lang, need="interactions"):
        console.print(
            tr(
                lang,
                "Aucune interaction du projet ne répond à ces options (--kind, --target, "
                "--since, --until) : essayez --kind all ou une période plus large.",
                "None of the project's interactions fits these options (--kind, --target, "
                "--since, --until): try --kind all or a wider period.",
            ),
            highlight=False,
            soft_wrap=True,
        )
    return True


@contextlib.contextmanager
def _busy(message: str) -> Iterator[None]:
    """A spinner on stderr while long work runs (only on a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    with err_console.status(message):
        yield


def _write_html(path: Path, title: str, fig: Any, rows: list[dict], lang: str) -> None:
    from html import escape

    from plotly.offline import get_plotlyjs

    from bascule.report.html import figure, table

    body = (figure(fig) if fig is not None else "") + table(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><script>{get_plotlyjs()}</script></head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>",
        encoding="utf-8",
    )
    err_console.print(tr(lang, f"Écrit : {path}", f"Wrote {path}"))


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.4f}" if abs(v) < 1 and v else f"{v:,.0f}"
    if isinstance(v, list):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return " ".join(f"{k}:{_cell(x)}" for k, x in v.items())
    return str(v)


# what `graph build` prints, in French and English: each figure, and the words of its values
BUILD_WORDS = {
    "kind": ("interactions", "kind"),
    "nodes": ("nœuds", "nodes"),
    "edges": ("liens", "edges"),
    "total_weight": ("poids total", "total weight"),
    "weight_kind": ("poids", "weights"),
    "directed": ("orienté", "directed"),
    "self_loops": ("boucles", "self-loops"),
    "isolated": ("nœuds isolés", "isolated nodes"),
    "max_in_degree": ("degré entrant maximal", "max in-degree"),
    "max_out_degree": ("degré sortant maximal", "max out-degree"),
    "written": ("écrit dans", "written to"),
}
BUILD_VALUES = {
    "amplify": ("amplifications (partages et citations)", "amplify"),
    "reply": ("réponses", "reply"),
    "mention": ("mentions", "mention"),
    "all": ("toutes", "all"),
    "file": ("celles du fichier", "file"),
    "count": ("nombre d'interactions", "count"),
    "weight": ("poids du fichier", "weight"),
    "probability": ("probabilités", "probability"),
}


@graph_app.command("build")
def graph_build(
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    target: TargetOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the graph (format from the suffix).")
    ] = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Build the directed weighted graph (influence flows from the amplified to the amplifier)."""
    import numpy as np

    from bascule.graph.io import write_format, write_graph
    from bascule.i18n import label

    lang = ui_lang(project_dir, lang=lang)
    if out is not None:
        write_format(out)  # a bad suffix fails before the graph is built
    g, _ = _graph(
        project_dir, graph_file, kind=kind, since=since, until=until, target=target, lang=lang
    )
    loops = int((g.src == g.dst).sum())
    info = {
        "kind": (kind or "amplify") if graph_file is None else "file",
        "nodes": g.n,
        "edges": g.m,
        "total_weight": float(g.weight.sum()),
        "weight_kind": g.weight_kind,
        "directed": g.directed,
        "self_loops": loops,
        "isolated": int(((g.in_degree() + g.out_degree()) == 0).sum()),
        "max_in_degree": int(np.max(g.in_degree(), initial=0)),
        "max_out_degree": int(np.max(g.out_degree(), initial=0)),
    }
    if out is not None:
        info["written"] = str(write_graph(g, out))
    if as_json:
        print_json(info)
        return
    sep = colon(lang)
    for k, v in info.items():
        if isinstance(v, bool) or k == "written":
            shown = number(v, lang) if isinstance(v, bool) else v
        elif isinstance(v, str):
            shown = label(BUILD_VALUES, v, lang)
        else:  # counts are whole; a file's weights (probabilities) need decimals
            shown = number(v, lang, 0 if float(v).is_integer() else 3)
        console.print(f"{label(BUILD_WORDS, k, lang)}{sep}{shown}", highlight=False, soft_wrap=True)


@graph_app.command("export")
def graph_export(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Output file; its suffix gives the format (.gexf, .csv, ...)."
        ),
    ],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="gexf | graphml | parquet | gml | csv | tsv (default: from the suffix of --out).",
        ),
    ] = None,
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    target: TargetOpt = None,
    graph_file: GraphOpt = None,
    lang: LangOpt = None,
) -> None:
    """Export the graph for Gephi (GEXF), other tools (GraphML) or dataframes (Parquet)."""
    from bascule.graph.io import write_format, write_graph

    lang = ui_lang(project_dir, lang=lang)
    # a bad suffix fails before the graph is built
    written = write_format(out, fmt or "auto", option="--format")
    g, _ = _graph(
        project_dir, graph_file, kind=kind, since=since, until=until, target=target, lang=lang
    )
    path = write_graph(g, out, written)
    nodes, edges = number(g.n, lang), number(g.m, lang)
    console.print(
        tr(
            lang,
            f"Écrit : {path} ({written}, {nodes} nœuds, {edges} liens)",
            f"Wrote {path} ({written}, {nodes} nodes, {edges} edges)",
        )
    )


def influencers_cmd(
    project_dir: ProjectOpt = Path("."),
    target: TargetOpt = None,
    top: Annotated[str, typer.Option("--top", help="Share (1%, 0.01) or count (50).")] = "1%",
    since: SinceOpt = None,
    until: UntilOpt = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
    lang: LangOpt = None,
) -> None:
    """Who drives word of mouth: amplification produced, PageRank, k-core, Pareto shares."""
    from bascule.graph.influence import (
        influencers,
        is_cascade_file,
        lorenz_figure,
        parse_top,
        read_cascades,
    )

    wanted = parse_top(top)
    lang = ui_lang(project_dir, lang=lang)
    g, project = _graph(project_dir, graph_file, since=since, until=until, target=target, lang=lang)
    if not as_json and _empty(g, project, lang):
        return
    cascades = read_cascades(graph_file) if graph_file and is_cascade_file(graph_file) else None
    with _busy(tr(lang, "Classement des amplificateurs", "Ranking influencers")):
        res = influencers(
            g,
            project=project,
            top=wanted,
            cascades=cascades,
            since=since,
            until=until,
            target=target,
        )
    title = tr(lang, "Principaux amplificateurs", "Top influencers")
    if html is not None:
        _write_html(html, title, lorenz_figure(res, lang), res["top"], lang)
    if as_json:
        print_json(res)
        return
    p = res["pareto"]
    top1, top10 = (share(p[k], lang, 1) for k in ("top_1pct_share", "top_10pct_share"))
    accounts, amplified = number(res["nodes"], lang), number(res["amplifications"], lang)
    gini = number(p["gini"], lang, 3)
    console.print(
        tr(
            lang,
            f"{accounts} comptes, {amplified} amplifications. Le 1 % le plus amplifié en "
            f"produit {top1}, les 10 % {top10} (Gini {gini}).",
            f"{accounts} accounts, {amplified} amplifications. Top 1% produce {top1}, "
            f"top 10% {top10} (Gini {gini}).",
        )
    )
    # as many rows as --top asked for
    print_rows(res["top"], [RANK, *INFLUENCER_COLUMNS], title, lang, limit=None)


def communities_cmd(
    project_dir: ProjectOpt = Path("."),
    kind: KindAllOpt = None,
    seed: SeedOpt = 0,
    resolution: Annotated[
        float, typer.Option("--resolution", help="Higher gives more, smaller communities.")
    ] = 1.0,
    since: SinceOpt = None,
    until: UntilOpt = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
    lang: LangOpt = None,
) -> None:
    """Communities of the interaction graph (Leiden), with stance mix and undecided share."""
    from bascule.graph.communities import check_resolution, communities, communities_figure

    lang = ui_lang(project_dir, lang=lang)
    check_resolution(resolution)
    g, project = _graph(
        project_dir, graph_file, kind=kind, default_kind="all", since=since, until=until, lang=lang
    )
    if not as_json and _empty(g, project, lang):
        return
    with _busy(tr(lang, "Recherche des communautés (Leiden)", "Finding communities (Leiden)")):
        res = communities(g, seed=seed, project=project, resolution=resolution)
    title = tr(lang, "Communautés", "Communities")
    if html is not None:
        rows = [{k: _cell(v) for k, v in r.items()} for r in res["communities"]]
        _write_html(html, title, communities_figure(res, lang=lang), rows, lang)
    if as_json:
        print_json(res)
        return
    n, nodes = number(res["n_communities"], lang), number(res["nodes"], lang)
    modularity = number(res["modularity"], lang, 3)
    singles = res["single_accounts"]
    groups = res["n_communities"] - singles
    alone = ""
    if singles:
        # isolated accounts are communities of one: say so, or 279 hides 13 real groups
        s, g = number(singles, lang), number(groups, lang)
        alone = tr(
            lang,
            f" Parmi elles, {s} sont des comptes seuls (sans lien qui les groupe), {g} en "
            "ont deux ou plus.",
            f" Of these, {s} are single accounts (no link groups them), {g} have two or more.",
        )
    console.print(
        tr(
            lang,
            f"{n} communautés sur {nodes} comptes (modularité {modularity}).",
            f"{n} communities on {nodes} accounts (modularity {modularity}).",
        )
        + alone
    )
    listed, total = res["communities"], groups
    more = None
    if len(listed) < total:
        k = number(len(listed), lang)
        more = tr(
            lang,
            f"les plus grandes ; --json en décrit {k} et donne la communauté de chaque compte "
            "sous membership",
            f"the largest; --json describes {k} and gives every account's community under "
            "membership",
        )
    what = ("communautés", "communities")
    print_rows(listed, COMMUNITY_COLUMNS, title, lang, total=total, what=what, more=more)


def bridges_cmd(
    project_dir: ProjectOpt = Path("."),
    kind: KindAllOpt = None,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option("--top", help="How many bridges to list.", min=1)] = 20,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Accounts connecting communities, ranked by reach into communities with many undecided."""
    from bascule.graph.bridges import bridges

    lang = ui_lang(project_dir, lang=lang)
    g, project = _graph(project_dir, graph_file, kind=kind, default_kind="all", lang=lang)
    if not as_json and _empty(g, project, lang):
        return
    with _busy(tr(lang, "Recherche des ponts", "Finding bridges")):
        res = bridges(g, project=project, seed=seed, top=top)
    if as_json:
        print_json(res)
        return
    print_rows(res["bridges"], BRIDGE_COLUMNS, tr(lang, "Ponts", "Bridges"), lang, limit=top)


def audience_cmd(
    target: Annotated[str, typer.Option("--target", "-t", help="The target (party, leader).")],
    project_dir: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """Which communities the target's own posts reach, how much, and which they never reach."""
    from bascule.graph.audience import audience, note

    project = open_project(project_dir)
    lang = ui_lang(project_dir, project, lang)
    res = audience(project, target)
    if as_json:
        print_json(res)
        return
    sep = colon(lang)
    accounts = ", ".join(res["accounts"]) or "—"
    name = project.config.target_name(res["target"], lang)
    console.print(f"{name}{sep}{tr(lang, 'comptes', 'accounts')} {accounts}")
    if res["reached"]:
        title = tr(lang, "Communautés atteintes", "Communities reached")
        what = ("communautés atteintes", "communities reached")
        print_rows(res["reached"], AUDIENCE_COLUMNS, title, lang, what=what)
    else:
        why = note(res, lang) or tr(lang, "aucune donnée d'audience", "no audience data")
        console.print(
            tr(lang, f"Aucune communauté atteinte : {why}.", f"No community reached: {why}.")
        )
    if res.get("never_reached"):
        n = number(len(res["never_reached"]), lang)
        console.print(
            tr(
                lang,
                f"{n} communautés jamais atteintes (voir --json).",
                f"{n} communities never reached (see --json).",
            )
        )


@ambassadors_app.callback()
def ambassadors_cmd(
    ctx: typer.Context,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            "-t",
            help="The target they support (required to list them; an id or a name from "
            "bascule.toml).",
        ),
    ] = None,
    project_dir: ProjectOpt = Path("."),
    limit: Annotated[int, typer.Option("--limit", help="How many to list.", min=1)] = 50,
    as_json: JsonOpt = False,
    lang: LangOpt = None,
) -> None:
    """List supporters (favor stance, not official) ranked by the amplification they produce.

    --target is required to list them (there is no default target); `notify` and `shared`
    take their own options.
    """
    if ctx.invoked_subcommand is not None:
        return
    from bascule.graph.ambassadors import ambassadors

    project = open_project(project_dir)
    if not target:
        raise _target_missing(project.config)
    lang = ui_lang(project_dir, project, lang)
    project.config.target(target)  # an unknown target is told first, data or not
    if not as_json and say_nothing_yet(project, lang, need="analyses"):
        return
    res = ambassadors(project, target, limit=limit)
    if as_json:
        print_json(res)
        return
    n, s = number(res["supporters"], lang), plural_s(res["supporters"], lang)
    name = project.config.target_name(res["target"], lang)
    console.print(tr(lang, f"{n} partisan{s} de {name}.", f"{n} supporter{s} of {name}."))
    if res["ambassadors"]:
        title = tr(lang, "Ambassadeurs", "Ambassadors")
        print_rows(res["ambassadors"], AMBASSADOR_COLUMNS, title, lang, limit=limit)


def _target_missing(config: Any) -> Exception:
    """The error of `ambassadors` without --target, naming the targets to choose from."""
    from bascule.errors import InputError

    known = ", ".join(t.id for t in config.targets) or "—"
    return InputError(
        f"give the target: `bascule ambassadors --target ID` (targets: {known})",
        fr=f"donnez la cible : `bascule ambassadors --target ID` (cibles : {known})",
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.add_typer(graph_app, name="graph")
    app.command("influencers")(influencers_cmd)
    app.command("communities")(communities_cmd)
    app.command("bridges")(bridges_cmd)
    app.command("audience")(audience_cmd)
    app.add_typer(ambassadors_app, name="ambassadors")
