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
    ProjectOpt,
    check_when,
    console,
    err_console,
    open_project,
    print_json,
)

graph_app = typer.Typer(help="Build and export the interaction network.", no_args_is_help=True)
ambassadors_app = typer.Typer(
    help="Supporters ranked by the amplification they already produce.",
    invoke_without_command=True,
)

KindOpt = Annotated[
    str, typer.Option("--kind", help="Interactions: amplify | reply | mention | all.")
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


def _graph(
    project_dir: Path,
    graph_file: Path | None,
    *,
    kind: str = "amplify",
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> tuple[Any, Any]:
    """(graph, project or None): the file when given, else the store's observed graph."""
    if graph_file is not None:
        from bascule.graph.io import read_graph

        with _busy(f"Reading {graph_file}"):
            return read_graph(graph_file), None
    from bascule.graph.build import observed_graph

    project = open_project(project_dir)
    with _busy("Building the network"):
        g = observed_graph(project, kind=kind, since=since, until=until, target=target)
    return g, project


@contextlib.contextmanager
def _busy(message: str) -> Iterator[None]:
    """A spinner on stderr while long work runs (only on a terminal)."""
    if not sys.stderr.isatty():
        yield
        return
    with err_console.status(message):
        yield


def _lang(project: Any) -> str:
    return project.config.project.language if project is not None else "en"


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
    err_console.print(f"Wrote {path}")


def _table(
    rows: list[dict],
    columns: list[str],
    title: str,
    limit: int | None = 20,
    *,
    what: str = "rows",
    total: int | None = None,
    more: str = "--json lists them all",
) -> None:
    """Print `rows` (the first `limit` when given) and say so when some of the `total`
    (default: all the rows) are left out.
    """
    from rich.table import Table

    shown = rows if limit is None else rows[:limit]
    t = Table(title=title)
    for c in columns:  # the JSON keys, read as words; long names wrap instead of being cut
        t.add_column(c.replace("_", " "), overflow="fold")
    for r in shown:
        t.add_row(*(_cell(r.get(c)) for c in columns))
    console.print(t)
    total = len(rows) if total is None else total
    if len(shown) < total:
        console.print(f"Showing {len(shown):,} of {total:,} {what} ({more}).")


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


@graph_app.command("build")
def graph_build(
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = "amplify",
    since: SinceOpt = None,
    until: UntilOpt = None,
    target: TargetOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the graph (format from the suffix).")
    ] = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the directed weighted graph (influence flows from the amplified to the amplifier)."""
    import numpy as np

    from bascule.graph.io import write_graph

    g, _ = _graph(project_dir, graph_file, kind=kind, since=since, until=until, target=target)
    loops = int((g.src == g.dst).sum())
    info = {
        "kind": kind if graph_file is None else "file",
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
    for k, v in info.items():
        console.print(f"{k}: {v}")


@graph_app.command("export")
def graph_export(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="gexf | graphml | parquet | gml | csv | tsv")
    ] = "gexf",
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = "amplify",
    since: SinceOpt = None,
    until: UntilOpt = None,
    target: TargetOpt = None,
    graph_file: GraphOpt = None,
) -> None:
    """Export the graph for Gephi (GEXF), other tools (GraphML) or dataframes (Parquet)."""
    from bascule.graph.io import write_graph

    g, _ = _graph(project_dir, graph_file, kind=kind, since=since, until=until, target=target)
    path = write_graph(g, out, fmt)
    console.print(f"Wrote {path} ({g.n:,} nodes, {g.m:,} edges)")


def influencers_cmd(
    project_dir: ProjectOpt = Path("."),
    target: TargetOpt = None,
    top: Annotated[str, typer.Option("--top", help="Share (1%, 0.01) or count (50).")] = "1%",
    since: SinceOpt = None,
    until: UntilOpt = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
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
    g, project = _graph(project_dir, graph_file, since=since, until=until, target=target)
    cascades = read_cascades(graph_file) if graph_file and is_cascade_file(graph_file) else None
    with _busy("Ranking influencers"):
        res = influencers(
            g,
            project=project,
            top=wanted,
            cascades=cascades,
            since=since,
            until=until,
            target=target,
        )
    lang = _lang(project)
    if html is not None:
        _write_html(html, "Influencers", lorenz_figure(res, lang), res["top"], lang)
    if as_json:
        print_json(res)
        return
    p = res["pareto"]
    console.print(
        f"{res['nodes']:,} accounts, {res['amplifications']:,.0f} amplifications. "
        f"Top 1% produce {100 * p['top_1pct_share']:.1f}%, top 10% "
        f"{100 * p['top_10pct_share']:.1f}% (Gini {p['gini']:.3f})."
    )
    cols = ["rank", "handle", "direct", "downstream", "pagerank", "core", "official"]
    _table(res["top"], cols, "Top influencers", limit=None)  # as many as --top asked for


def communities_cmd(
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = "all",
    seed: SeedOpt = 0,
    resolution: Annotated[
        float, typer.Option("--resolution", help="Higher gives more, smaller communities.")
    ] = 1.0,
    since: SinceOpt = None,
    until: UntilOpt = None,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
    html: HtmlOpt = None,
) -> None:
    """Communities of the interaction graph (Leiden), with stance mix and undecided share."""
    from bascule.graph.communities import communities, communities_figure

    g, project = _graph(project_dir, graph_file, kind=kind, since=since, until=until)
    with _busy("Finding communities (Leiden)"):
        res = communities(g, seed=seed, project=project, resolution=resolution)
    lang = _lang(project)
    if html is not None:
        rows = [{k: _cell(v) for k, v in r.items()} for r in res["communities"]]
        _write_html(html, "Communities", communities_figure(res, lang=lang), rows, lang)
    if as_json:
        print_json(res)
        return
    console.print(
        f"{res['n_communities']:,} communities on {res['nodes']:,} accounts "
        f"(modularity {res['modularity']:.3f})."
    )
    cols = ["id", "size", "top_accounts", "hashtags", "undecided_share"]
    listed, total = res["communities"], res["n_communities"]
    more = (
        "--json lists them all"
        if len(listed) >= total
        else f"the largest; --json describes {len(listed):,} and gives every account's "
        "community under membership"
    )
    _table(listed, cols, "Communities", what="communities", total=total, more=more)


def bridges_cmd(
    project_dir: ProjectOpt = Path("."),
    kind: KindOpt = "all",
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option("--top", help="How many bridges to list.")] = 20,
    graph_file: GraphOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Accounts connecting communities, ranked by reach into communities with many undecided."""
    from bascule.graph.bridges import bridges

    g, project = _graph(project_dir, graph_file, kind=kind)
    with _busy("Finding bridges"):
        res = bridges(g, project=project, seed=seed, top=top)
    if as_json:
        print_json(res)
        return
    cols = ["rank", "handle", "community", "participation", "communities_reached"]
    _table(res["bridges"], [*cols, "reach_undecided"], "Bridges", limit=top)


def audience_cmd(
    target: Annotated[str, typer.Option("--target", "-t", help="The target (party, leader).")],
    project_dir: ProjectOpt = Path("."),
    as_json: JsonOpt = False,
) -> None:
    """Which communities the target's own posts reach, how much, and which they never reach."""
    from bascule.graph.audience import audience

    res = audience(open_project(project_dir), target)
    if as_json:
        print_json(res)
        return
    console.print(f"{res['target']}: accounts {', '.join(res['accounts']) or '—'}")
    cols = ["community", "size", "reached", "share_reached", "interactions", "undecided_share"]
    if res["reached"]:
        _table(res["reached"], cols, "Communities reached", what="communities reached")
    else:
        console.print(f"No community reached: {res.get('note') or 'no audience data'}.")
    if res.get("never_reached"):
        n = len(res["never_reached"])
        console.print(f"{n} communities never reached (see --json).")


@ambassadors_app.callback()
def ambassadors_cmd(
    ctx: typer.Context,
    target: Annotated[
        str | None, typer.Option("--target", "-t", help="The target they support.")
    ] = None,
    project_dir: ProjectOpt = Path("."),
    limit: Annotated[int, typer.Option("--limit", help="How many to list.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List supporters (favor stance, not official) ranked by the amplification they produce."""
    if ctx.invoked_subcommand is not None:
        return
    from bascule.errors import InputError
    from bascule.graph.ambassadors import ambassadors

    if not target:
        raise InputError("give the target: `bascule ambassadors --target ID`")
    res = ambassadors(open_project(project_dir), target, limit=limit)
    if as_json:
        print_json(res)
        return
    console.print(f"{res['supporters']:,} supporters of {res['target']}.")
    cols = ["rank", "handle", "favor_posts", "target_amplification", "direct", "downstream"]
    _table(res["ambassadors"], cols, "Ambassadors", limit=limit)


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.add_typer(graph_app, name="graph")
    app.command("influencers")(influencers_cmd)
    app.command("communities")(communities_cmd)
    app.command("bridges")(bridges_cmd)
    app.command("audience")(audience_cmd)
    app.add_typer(ambassadors_app, name="ambassadors")
