"""Each page's data: calls to the same library functions the CLI prints, cached per store state.

Nothing is computed here that the library does not compute: this module picks the functions,
caches their results and turns figures into JSON for the browser. A capability not written
yet is reported as not available instead of being imitated.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from bascule.web.state import WebState

log = logging.getLogger("bascule.web")

GRAPH_VIEW_NODES = 400


class NotAvailable(Exception):
    """The capability's module is not installed in this version of Bascule."""


def capability(module: str, name: str) -> Any:
    """The function `name` of `module`, imported lazily; NotAvailable when it is missing."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            raise NotAvailable(f"{module}.{name}") from None
        raise
    fn = getattr(mod, name, None)
    if fn is None:
        raise NotAvailable(f"{module}.{name}")
    return fn


def _default(o: Any) -> Any:
    from bascule.cli.common import _default as cli_default

    return cli_default(o)


def dumps(obj: Any) -> bytes:
    """JSON bytes of a library result (numpy, dates and sets made serialisable)."""
    return orjson.dumps(
        obj,
        default=_default,
        option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC,
    )


def jsonable(obj: Any) -> Any:
    """A plain-JSON copy of a library result."""
    return orjson.loads(dumps(obj))


def figure_json(fig: Any) -> str:
    """A Plotly figure as JSON text safe to embed in a `<script type=application/json>`."""
    text = fig.to_json() if hasattr(fig, "to_json") else dumps(fig).decode()
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def attempt(fn: Any, *args: Any, **kwargs: Any) -> dict:
    """{"available": True, "result": ...} or {"available": False, "missing": ...}."""
    try:
        return {"available": True, "result": fn(*args, **kwargs)}
    except NotAvailable as exc:
        return {"available": False, "missing": str(exc)}


# -- overview ---------------------------------------------------------------------------------
def _share_of_voice(project: Any) -> list[dict]:
    from bascule.store import queries

    names = {t.id: t.name for t in project.config.targets}
    k = project.config.privacy.min_group_size
    rows = queries.target_mentions(project.store)
    total = sum(n for _t, n, _a in rows) or 1
    out = []
    for t, n, a in rows:
        small = a < k
        out.append(
            {
                "target": t,
                "name": names.get(t, t),
                "posts": None if small else n,
                "authors": None if small else a,
                "share": None if small else round(n / total, 4),
                "suppressed": small,
            }
        )
    return out


def _poll(project: Any, target: str, lang: str) -> dict:
    """A target's daily poll, its figure, and what to say about days whose posts were pruned
    (read back from the counts `prune` kept: shaded in the figure)."""
    poll = capability("bascule.opinion.poll", "poll")
    result = poll(project, target)
    try:
        fig = figure_json(capability("bascule.opinion.poll", "poll_figure")(result, lang))
    except NotAvailable:
        fig = None
    try:
        note = capability("bascule.opinion.poll", "kept_note")(result, lang)
    except NotAvailable:
        note = None
    return {"data": jsonable(result), "figure": fig, "kept_note": note}


def overview(st: WebState, lang: str, *, stale: bool = True) -> dict:
    """Overview: store counts, poll trend per target, share of voice, latest alerts."""

    def compute() -> dict:
        p = st.project
        summary = capability("bascule.report.overview", "summary")(p)
        polls = {}
        for t in p.config.targets:
            polls[t.id] = {"name": t.name, **attempt(_poll, p, t.id, lang)}
        alerts = attempt(
            capability_call, "bascule.alerts.watch", "list_alerts", p, limit=5, lang=lang
        )
        notes = [
            _stance_note(v["result"]["data"], lang) for v in polls.values() if v.get("available")
        ]
        return jsonable(
            {
                "summary": summary,
                "stance_note": next((n for n in notes if n), None),
                "share_of_voice": _share_of_voice(p),
                "polls": polls,
                "alerts": alerts,
                "min_group_size": p.config.privacy.min_group_size,
            }
        )

    return st.cached(("overview", lang), compute, stale=stale)


def critiques_read_by_cues_only(st: WebState) -> bool:
    """True when no trained model read the watched targets' stances (False when unknown)."""
    try:
        fn = capability("bascule.alerts.watch", "critiques_read_by_cues_only")
    except NotAvailable:
        return False
    return st.cached(("critiques-cues-only",), lambda: fn(st.project))


def _stance_note(poll: dict, lang: str) -> str | None:
    return capability("bascule.opinion.poll", "stance_note")(poll, lang)


def overview_bytes(st: WebState, lang: str) -> bytes:
    """The overview as ready JSON bytes (the hot path of `make bench`)."""
    return st.cached(("overview-bytes", lang), lambda: dumps(overview_nocache(st, lang)))


def overview_gzip(st: WebState, lang: str) -> bytes:
    """The overview JSON gzip-compressed once per change (browsers ask for gzip)."""
    import gzip

    return st.cached(("overview-gzip", lang), lambda: gzip.compress(overview_bytes(st, lang), 6))


def overview_nocache(st: WebState, lang: str) -> dict:
    """Overview data without figures (the API form)."""
    data = overview(st, lang, stale=False)
    polls = {
        k: {kk: vv for kk, vv in v.items() if kk != "result"} for k, v in data["polls"].items()
    }
    for k, v in data["polls"].items():
        if v.get("available"):
            polls[k]["result"] = v["result"]["data"]
    return {**data, "polls": polls}


def capability_call(module: str, name: str, *args: Any, **kwargs: Any) -> Any:
    """Call `module.name(*args, **kwargs)`, NotAvailable when it is missing."""
    return capability(module, name)(*args, **kwargs)


def poll(st: WebState, target: str, by: str, since: str | None, until: str | None) -> dict:
    """The continuous poll of one target (cached)."""
    p = st.project
    fn = capability("bascule.opinion.poll", "poll")
    return st.cached(
        ("poll", target, by, since, until),
        lambda: jsonable(fn(p, target, by=by, since=since, until=until)),
    )


# -- undecided --------------------------------------------------------------------------------
def undecided(st: WebState, lang: str, by: str = "day") -> dict:
    """Why the undecided hesitate: reasons with quotes and trend, and its figure, the counts
    per hour, day or ISO week (`by`)."""
    fn = capability("bascule.opinion.undecided", "undecided")

    def compute() -> dict:
        result = fn(st.project, by=by)
        try:
            fig = figure_json(
                capability("bascule.opinion.undecided", "undecided_figure")(result, lang)
            )
        except NotAvailable:
            fig = None
        return {"data": jsonable(result), "figure": fig}

    # the daily view keeps the key the warm-up fills (`warm_steps`)
    return st.cached(("undecided", lang) if by == "day" else ("undecided", lang, by), compute)


# -- network ----------------------------------------------------------------------------------
def graph(st: WebState, kind: str = "amplify") -> Any:
    """The observed network (cached: building it reads every interaction)."""
    fn = capability("bascule.graph.build", "observed_graph")
    return st.cached(("graph", kind), lambda: fn(st.project, kind=kind))


def influencers(st: WebState, top: float = 0.01) -> dict:
    """Who drives word of mouth, and how concentrated it is (Pareto view)."""
    fn = capability("bascule.graph.influence", "influencers")
    g = graph(st)
    return st.cached(("influencers", top), lambda: jsonable(fn(g, project=st.project, top=top)))


def pareto_figure(st: WebState, lang: str) -> str | None:
    """The Lorenz curve of amplification (who drives word of mouth), as figure JSON."""
    result = influencers(st)
    try:
        fig = capability("bascule.graph.influence", "lorenz_figure")
    except NotAvailable:
        return None
    return st.cached(("pareto-figure", lang), lambda: figure_json(fit_phone(fig(result, lang))))


PHONE_BELOW = 640  # px: under this chart width, the war room (app.js) applies `fit_phone`'s


def fit_phone(fig: Any, title_chars: int = 34, axis_chars: int = 30) -> Any:
    """`fig` with a layout for phones in its meta (static/app.js applies it under
    PHONE_BELOW px): its title and x-axis title wrapped, the margins grown to hold them."""
    import textwrap

    def wrap(text: str | None, width: int) -> tuple[str, int]:
        lines = textwrap.wrap(text or "", width, break_on_hyphens=False)
        return "<br>".join(lines) or (text or ""), max(len(lines), 1)

    title, t = wrap(fig.layout.title.text, title_chars)
    xtitle, b = wrap(fig.layout.xaxis.title.text, axis_chars)
    narrow = {
        "title.text": title,
        "xaxis.title.text": xtitle,
        "margin.t": 30 + 22 * t,
        "margin.b": 40 + 16 * (b - 1),
        "height": (fig.layout.height or 380) + 22 * (t - 1) + 16 * (b - 1),
    }
    wide = {k: fig.layout[k] for k in narrow}
    fig.update_layout(meta={"narrow": {"below": PHONE_BELOW, "layout": narrow, "wide": wide}})
    return fig


def communities(st: WebState) -> dict:
    """Communities of the observed network: every kind of interaction, as `bascule
    communities` finds them (the amplification graph alone left out the accounts that only
    reply or mention). A page view stores them only when none are stored yet (the audience
    and reach views read them): it never replaces what the command stored."""
    fn = capability("bascule.graph.communities", "communities")
    g = graph(st, "all")

    def compute() -> dict:
        save = st.locked(lambda: st.project.store.count("communities") == 0)
        return jsonable(fn(g, seed=0, project=st.project, save=save))

    return st.cached(("communities",), compute)


def bridges(st: WebState) -> dict:
    """Accounts bridging communities."""
    fn = capability("bascule.graph.bridges", "bridges")
    g = graph(st)
    membership = communities(st).get("membership")
    return st.cached(
        ("bridges",), lambda: jsonable(fn(g, membership=membership, project=st.project))
    )


def ambassadors(st: WebState, target: str) -> dict:
    """Ambassadors of a target."""
    fn = capability("bascule.graph.ambassadors", "ambassadors")
    return st.cached(("ambassadors", target), lambda: jsonable(fn(st.project, target)))


def audience(st: WebState, target: str) -> dict:
    """Audience gaps of a target."""
    fn = capability("bascule.graph.audience", "audience")
    return st.cached(("audience", target), lambda: jsonable(fn(st.project, target)))


def communities_figure(st: WebState, lang: str) -> str | None:
    """The community graph (one disc per community, links between them), as figure JSON."""
    result = communities(st)
    try:
        fig = capability("bascule.graph.communities", "communities_figure")
    except NotAvailable:
        return None
    if len(result.get("communities") or []) < 2:
        return None
    return st.cached(("communities-figure", lang), lambda: figure_json(fig(result, lang)))


def _layout(nodes: list[str], edges: list[tuple[str, str, float]], membership: dict) -> dict:
    """Deterministic positions that keep each community together: communities placed by a
    spring layout of the community graph (Fruchterman & Reingold 1991, networkx, seed 0),
    then each community's accounts by a spring layout of their own links, in a disc whose
    area grows with the number of accounts shown.
    """
    import networkx as nx
    import numpy as np

    if not nodes:
        return {}
    comm = {n: "-" if membership.get(n) is None else membership[n] for n in nodes}
    groups: dict[Any, list[str]] = {}
    for n in nodes:
        groups.setdefault(comm[n], []).append(n)
    links: dict[tuple, float] = {}
    for a, b, w in edges:
        ca, cb = comm[a], comm[b]
        if ca != cb:
            key = tuple(sorted((ca, cb), key=str))
            links[key] = links.get(key, 0.0) + w
    # every pair attracts a little, so communities without a shown link stay in view
    cg = nx.Graph()
    order = sorted(groups, key=str)
    cg.add_nodes_from(order)
    for i, a in enumerate(order):
        for b in order[i + 1 :]:
            cg.add_edge(a, b, weight=0.05 + np.log1p(links.get((a, b), 0.0)))
    if cg.number_of_nodes() > 1:
        centre = nx.spring_layout(cg, seed=0, weight="weight", iterations=200)
    else:
        centre = {c: (0.0, 0.0) for c in groups}
    # each community gets a disc that cannot overlap its nearest neighbour's
    pts = np.array([centre[c] for c in cg.nodes()], dtype=float)
    gap = {}
    for i, c in enumerate(cg.nodes()):
        d = np.hypot(*(pts - pts[i]).T)
        d[i] = np.inf
        gap[c] = float(d.min()) if len(pts) > 1 else 1.0
    biggest = max(len(m) for m in groups.values())
    inner = nx.Graph()
    inner.add_edges_from((a, b) for a, b, _w in edges if a != b and comm[a] == comm[b])
    pos: dict[str, tuple[float, float]] = {}
    for c, members in groups.items():
        radius = min(0.45 * gap[c], 0.02 + 0.3 * (len(members) / biggest) ** 0.5)
        sub = nx.Graph()
        sub.add_nodes_from(members)
        sub.add_edges_from(inner.subgraph(members).edges())
        local = nx.spring_layout(sub, seed=0, iterations=60) if len(members) > 1 else {}
        cx, cy = centre[c]
        for m in members:
            x, y = local.get(m, (0.0, 0.0))
            pos[m] = (round(float(cx + radius * x), 4), round(float(cy + radius * y), 4))
    return pos


def _pull_in(xy: Any, keep: float = 0.9, squeeze: float = 0.5) -> Any:
    """Positions whose farthest points, past the `keep` quantile q of the distances d to
    the median point, are brought in to q (1 + squeeze ln(d / q)), in the same direction:
    a few unlinked accounts far out shrank everything else to a tangle in the middle."""
    import numpy as np

    if len(xy) < 3:
        return xy
    centre = np.median(xy, axis=0)
    d = np.hypot(*(xy - centre).T)
    q = float(np.quantile(d, keep))
    if q <= 0:
        return xy
    far = d > q
    scale = np.ones_like(d)
    scale[far] = q * (1 + squeeze * np.log(d[far] / q)) / d[far]
    return centre + (xy - centre) * scale[:, None]


def _disc_sizes(degree: Any, span: float, cover: float = 0.12) -> Any:
    """Disc radii in the layout's units: by the square root of the degree (the largest 8
    times the smallest), all together covering `cover` of a `span`-wide square, so that a
    phone shows the picture a desktop shows, only smaller."""
    import numpy as np

    rel = 0.125 + 0.875 * np.sqrt(degree / max(float(degree.max()), 1.0))
    return rel * np.sqrt(cover * span**2 / (np.pi * float((rel**2).sum())))


def _no_overlap(xy: Any, radius: Any, gap: float = 0.25, rounds: int = 150) -> Any:
    """Discs pushed apart pair by pair until none covers another (with `gap` times their
    radii between them): the layout keeps its shape, no account hides behind a larger one."""
    import numpy as np
    from scipy.spatial import cKDTree

    xy = np.array(xy, dtype=float)
    reach = 2 * float(radius.max()) * (1 + gap) if len(xy) else 0.0
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(reach, output_type="ndarray")
        i, j = pairs[:, 0], pairs[:, 1]
        d = xy[i] - xy[j]
        dist = np.hypot(d[:, 0], d[:, 1])
        over = (radius[i] + radius[j]) * (1 + gap) - dist
        hit = over > 1e-9 * reach
        if not hit.any():
            break
        i, j, d, dist, over = i[hit], j[hit], d[hit], dist[hit], over[hit]
        same = dist < 1e-12  # one place for two accounts: part them along a fixed angle
        d[same] = np.column_stack([np.cos(i[same]), np.sin(i[same])])
        dist[same] = 1.0
        push = (0.5 * over / dist)[:, None] * d
        np.add.at(xy, i, push)
        np.add.at(xy, j, -push)
    return xy


def _readable(ids: list[str], pos: dict, degree: Any) -> tuple[dict, dict]:
    """`pos` made readable for the graph view: outliers brought in, then one disc per
    account (size by degree) with none over another; (positions, radii) by id."""
    import numpy as np

    if not ids:
        return {}, {}
    xy = _pull_in(np.array([pos[n] for n in ids], dtype=float))
    span = float((xy.max(axis=0) - xy.min(axis=0)).max()) or 1.0
    radius = _disc_sizes(np.asarray(degree, dtype=float), span)
    xy = _no_overlap(xy, radius)
    return (
        {n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in zip(ids, xy, strict=True)},
        {n: round(float(r), 5) for n, r in zip(ids, radius, strict=True)},
    )


def graph_view(st: WebState, limit: int = GRAPH_VIEW_NODES) -> dict:
    """The most connected nodes and their edges, for the sigma.js view (a display sample),
    with a deterministic layout that groups each community together; `size` is each disc's
    radius in the positions' units (by degree), and no disc covers another.
    """
    import numpy as np

    g = graph(st)
    try:
        comm = communities(st)
    except NotAvailable:
        comm = {}
    membership = comm.get("membership") or comm.get("communities_of") or {}
    if not isinstance(membership, dict):
        membership = {}

    def compute() -> dict:
        if g.n == 0:
            return {"nodes": [], "edges": [], "total_nodes": 0, "total_edges": 0}
        from bascule.graph.backend import display_handles

        handles = display_handles(g)
        deg = g.in_degree() + g.out_degree()
        keep = np.argsort(-deg, kind="stable")[:limit]
        keep_set = np.zeros(g.n, dtype=bool)
        keep_set[keep] = True
        mask = keep_set[g.src] & keep_set[g.dst]
        ids = [str(g.nodes[i]) for i in keep]
        raw = [
            (str(g.nodes[s]), str(g.nodes[d]), float(w))
            for s, d, w in zip(g.src[mask], g.dst[mask], g.weight[mask], strict=True)
        ]
        pos, size = _readable(ids, _layout(ids, raw, membership), deg[keep])
        nodes = [
            {
                "id": nid,
                "label": str(handles[i]),
                "degree": int(deg[i]),
                "community": membership.get(nid),
                "x": pos[nid][0],
                "y": pos[nid][1],
                "size": size[nid],
            }
            for nid, i in zip(ids, keep, strict=True)
        ]
        edges = [{"source": a, "target": b, "weight": w} for a, b, w in raw]
        return {"nodes": nodes, "edges": edges, "total_nodes": g.n, "total_edges": g.m}

    return st.cached(("graph-view", limit), compute)


def warm_steps(st: WebState, lang: str, target: str | None) -> list[tuple[str, Callable]]:
    """What the first visits compute, most visited page first (`app.warm` runs them once at
    start): the overview, then the undecided and network pages."""
    steps: list[tuple[str, Callable]] = [
        ("overview", lambda: overview_bytes(st, lang)),
        ("undecided", lambda: undecided(st, lang)),
        ("influencers", lambda: influencers(st)),
        ("pareto", lambda: pareto_figure(st, lang)),
        ("communities", lambda: communities(st)),
        ("communities figure", lambda: communities_figure(st, lang)),
        ("bridges", lambda: bridges(st)),
        ("graph view", lambda: graph_view(st)),
    ]
    if target is not None:
        steps += [
            ("ambassadors", lambda: ambassadors(st, target)),
            ("audience", lambda: audience(st, target)),
        ]
    return steps


# -- alerts -----------------------------------------------------------------------------------
def alerts(
    st: WebState,
    since: str | None = None,
    kind: str | None = None,
    limit: int = 100,
    lang: str | None = None,
) -> list[dict]:
    """Alerts, newest first, as `bascule alerts list --json` prints them, titled in `lang`."""
    fn = capability("bascule.alerts.watch", "list_alerts")
    return st.cached(
        ("alerts", since, kind, limit, lang),
        lambda: jsonable(fn(st.project, since=since, kind=kind, limit=limit, lang=lang)),
        ttl=2.0,
    )


def alert(st: WebState, alert_id: str, lang: str | None = None) -> dict | None:
    """One alert with its post (text untrusted: the template escapes it)."""
    for a in alerts(st, limit=1000, lang=lang):
        if str(a.get("alert_id")) == alert_id:
            return a
    return None


def post(st: WebState, post_id: str) -> dict | None:
    """One stored post (text, time, link) for an alert's detail."""
    from bascule.store.web import get_post

    return st.cached(("post", post_id), lambda: jsonable(get_post(st.project.store, post_id)))


def burst_examples(st: WebState, alert: dict, limit: int = 5) -> list[dict]:
    """What a burst alert is made of: the most reposted posts holding its term in its hours
    (none for other alerts)."""
    from datetime import datetime

    from bascule.store.web import burst_posts

    detail = alert.get("detail")
    if alert.get("kind") != "burst" or not isinstance(detail, dict):
        return []
    try:
        term = str(detail["term"])
        start, end = (datetime.fromisoformat(str(detail[k])) for k in ("start", "end"))
    except (KeyError, TypeError, ValueError):
        return []
    key = ("burst-posts", term, start, end, limit)
    return st.cached(key, lambda: jsonable(burst_posts(st.project.store, term, start, end, limit)))


# -- tipping point ----------------------------------------------------------------------------
def handles(st: WebState) -> dict[str, str]:
    """Node id -> the name shown for it (handle, or pseudonym), for the observed network."""
    from bascule.graph.backend import display_handles

    g = graph(st)

    def compute() -> dict[str, str]:
        return dict(zip(g.nodes.astype(str).tolist(), display_handles(g).tolist(), strict=True))

    return st.cached(("handles",), compute)


def _node_ids(st: WebState, names: list[str]) -> list[str]:
    """Typed handles (or ids) as node ids of the observed network; unknown names unchanged."""
    from bascule.store.messages import resolve_authors

    nodes = handles(st)
    todo = [n for n in names if n not in nodes]
    found = st.locked(resolve_authors, st.project.store, todo) if todo else {}
    return [n if n in nodes else (found.get(n) or n) for n in names]


def simulate(st: WebState, seeds: list[str], model: str, prob: str, runs: int, seed: int) -> dict:
    """Monte Carlo spread from chosen seed accounts (handles or ids), with their names."""
    fn = capability("bascule.diffusion.simulate", "simulate")
    g = graph(st)
    ids = _node_ids(st, seeds)
    key = ("simulate", tuple(ids), model, prob, runs, seed)
    return st.cached(
        key, lambda: jsonable(fn(g, ids, model=model, prob=prob, runs=runs, seed=seed))
    )


def seeds(st: WebState, k: int) -> dict:
    """The k accounts whose word of mouth reaches furthest (influence maximisation)."""
    fn = capability("bascule.diffusion.imm", "seeds")
    g = graph(st)
    return st.cached(("seeds", k), lambda: jsonable(fn(g, k)))


def with_names(st: WebState, fn: Any, *args: Any) -> dict:
    """`fn(st, *args)` (simulate or seeds) with the shown name of each seed, for the pages."""
    res = fn(st, *args)
    names = handles(st)
    return {**res, "seed_names": [names.get(s, s) for s in res.get("seeds", [])]}


def tipping(st: WebState, model: str, graph_kind: str, n: int, seed: int) -> dict:
    """The critical fraction of a model on a graph family, or on the observed network
    (`graph_kind` "observed": who amplifies whom, as `bascule tipping --graph observed`)."""
    fn = capability("bascule.diffusion.tipping", "tipping")
    on = {"graph": graph(st)} if graph_kind == "observed" else {"n": n}
    return st.cached(
        ("tipping", model, graph_kind, n if "n" in on else 0, seed),
        lambda: jsonable(fn(model, graph_kind, seed=seed, **on)),
    )


def tipping_view(st: WebState, model: str, graph_kind: str, n: int, seed: int, lang: str) -> dict:
    """The tipping result and its figure (adoption against committed fraction)."""
    result = tipping(st, model, graph_kind, n, seed)
    try:
        fig = capability("bascule.diffusion.tipping", "tipping_figure")
    except NotAvailable:
        return {"result": result, "figure": None}
    key = ("tipping-figure", model, graph_kind, n, seed, lang)
    return {"result": result, "figure": st.cached(key, lambda: figure_json(fig(result, lang)))}


# -- message lab ------------------------------------------------------------------------------
def score(st: WebState, text: str, lang: str, ui_lang: str | None = None) -> dict:
    """Score a draft message (Made to Stick dimensions), against the project's recent posts.

    `lang` is the draft's language (fr, en or auto: detected); the notes and suggestions are
    in `ui_lang`, the reader's (default: the draft's), as `bascule message score --lang`. A
    draft with no word in it is read in the reader's language (else the project's)."""
    fn = capability("bascule.messages.score", "score")
    make_corpus = capability("bascule.messages.corpus", "project_corpus")
    corpus = st.cached(("corpus",), lambda: make_corpus(st.project), ttl=300)
    fallback = ui_lang or st.project.config.project.language
    return st.cached(
        ("score", text, lang, ui_lang),
        lambda: jsonable(fn(text, lang, corpus=corpus, fallback=fallback, ui_lang=ui_lang)),
    )


def score_view(st: WebState, text: str, lang: str, ui_lang: str) -> dict:
    """A draft's scores with the radar chart and the escaped score card of `messages.render`."""
    if not text.strip():  # as `bascule message score`: an emoji-only draft is scored
        from bascule.errors import InputError

        raise InputError(
            "write the draft first: a sentence or more to score",
            fr="écrivez d'abord le message : au moins une phrase à évaluer",
        )
    result = score(st, text, lang, ui_lang)
    out: dict[str, Any] = {"result": result, "figure": None, "html": None}
    try:
        figure = capability("bascule.messages.render", "score_figure")
        card = capability("bascule.messages.render", "score_html")
    except NotAvailable:
        return out
    name = "brouillon" if ui_lang == "fr" else "draft"
    key = ("score-view", text, lang, ui_lang)

    def compute() -> dict:
        return {
            "figure": figure_json(figure({name: result}, ui_lang)),
            "html": card(text, result, ui_lang),
        }

    return {"result": result, **st.cached(key, compute)}


def reach(st: WebState, accounts: list[str]) -> dict:
    """Predicted reach of a message posted by these accounts."""
    fn = capability("bascule.messages.reach", "reach")
    return st.cached(("reach", tuple(accounts)), lambda: jsonable(fn(st.project, accounts)))


def effect(st: WebState, post_id: str, hours: int) -> dict:
    """What a published post did: its cascade, the undecided it reached, stance change."""
    fn = capability("bascule.messages.effect", "effect")
    return st.cached(
        ("effect", post_id, hours), lambda: jsonable(fn(st.project, post_id, hours=hours))
    )


def published(st: WebState) -> list[dict]:
    """The campaign's published messages (newest first), each with its measured effect."""
    fn = capability("bascule.messages.effect", "published")
    return st.cached(("published",), lambda: jsonable(fn(st.project)))


# -- stance labels ----------------------------------------------------------------------------
STANCE_LABELS = ("favor", "against", "none")
LABEL_POOL = 5000  # candidates ranked per page (the model scores them all)


def to_label(st: WebState, target: str | None, username: str, k: int = 5) -> dict:
    """The `k` posts the stance model is least sure of (in a fixed random order before any
    model), the labels given so far, this person's last one (to undo it) and the model's
    name; `bascule stance label` in a page."""
    from bascule.store import analyses as sql
    from bascule.text.active import rank
    from bascule.text.analyze import load_project_model

    p = st.project
    tid = p.config.target(target).id if target else None

    def compute() -> dict:
        cands = sql.mentions(p.store, limit=LABEL_POOL, target_id=tid)
        model = load_project_model(p.root)
        texts = [t or "" for t in cands["text"].to_pylist()]
        targets = cands["target_id"].to_pylist()
        order, guesses = rank(model, texts, targets, list(range(len(texts))), k, seed=0)
        ids = cands["post_id"].to_pylist()
        given = sql.label_counts(p.store)
        return {
            "posts": [
                {"post_id": ids[i], "target_id": targets[i], "text": texts[i], "guess": g}
                for i, g in zip(order, guesses, strict=True)
            ],
            "labels": {lab: given.get(lab, 0) for lab in STANCE_LABELS},
            "last": sql.last_label(p.store, username),
            "model": getattr(model, "name", None),
        }

    return st.locked(compute)


def labelling(st: WebState, target: str | None, username: str, k: int = 5) -> dict:
    """`to_label` with the training job (`training`: null before any); no posts while a
    training runs (labels given then would not be in its model)."""
    if job_runs(st.training):
        return {"training": st.training, "posts": None}
    return {"training": st.training, **to_label(st, target, username, k)}


def save_label(st: WebState, post_id: str, target: str, label: str, username: str) -> None:
    """Record one person's stance label of a stored post toward a target."""
    from bascule.errors import InputError
    from bascule.store import analyses as sql
    from bascule.store.web import get_post

    if label not in STANCE_LABELS:
        raise InputError(
            f"unknown label {label!r}: use {', '.join(STANCE_LABELS)}",
            fr=f"annotation inconnue {label!r} : pour, contre ou ni l'un ni l'autre",
        )
    p = st.project
    tid = p.config.target(target).id

    def write() -> None:
        post = get_post(p.store, post_id)
        if post is None:
            raise InputError(
                f"no stored post {post_id!r}", fr=f"aucune publication {post_id!r} en mémoire"
            )
        sql.add_label(p.store, post_id, tid, post["text"], label, username)

    st.locked(write)


def undo_label(st: WebState, username: str) -> dict | None:
    """Forget the last label this person gave; returns it (None when there was none)."""
    from bascule.store import analyses as sql

    def undo() -> dict | None:
        last = sql.last_label(st.project.store, username)
        if last:
            sql.remove_label(st.project.store, last["text_id"], last["target_id"])
        return last

    return st.locked(undo)


def train_stance(st: WebState) -> dict:
    """Train the project's stance model from the labels and cues, then analyse every post
    again with it (`bascule stance train` then `bascule analyze --redo`).

    The store lock is held while the store is read or written, not while posts are
    analysed: other pages keep answering during the minutes a large project takes."""
    from bascule.text.analyze import analyze
    from bascule.text.weak_labels import train_project_model

    trained = st.locked(train_project_model, st.project)
    try:
        done = analyze(st.project, redo=True, guard=st.lock)
    finally:
        st.invalidate_data()
    return jsonable({**trained, **done})


def start_training(st: WebState) -> dict:
    """Start `train_stance` in a background thread (analysing every post again takes minutes
    on a large project: the page must not wait); one job at a time. Returns the job."""
    return start_job(st, "training", lambda: train_stance(st))


def import_upload(st: WebState, path: Path, fmt: str, **options: str | None) -> dict:
    """Import an uploaded file (`bascule import`), then analyse the new posts; the upload is
    deleted afterwards (what was imported is in the store, rejects keep their excerpt).

    The import writes through its own connection (`Store.cursor`), not under the store lock:
    the pages keep reading while a large file goes in, and see its posts group by group."""
    from types import SimpleNamespace

    from bascule.errors import BasculeError
    from bascule.sources.importer import import_files
    from bascule.text.analyze import analyze

    store = st.project.store.cursor()
    try:
        target = SimpleNamespace(store=store, pseudonymizer=st.project.pseudonymizer)
        # no database-wide import settings (memory cap...): the pages share the database
        summary = import_files(target, [path], fmt, tune_store=False, **options).to_dict()
    except BasculeError as exc:  # the page names the file as uploaded: not where it waited
        exc.args = (_unprefixed(str(exc), path),)
        exc.fr = _unprefixed(exc.fr, path) if exc.fr else None
        raise
    finally:
        store.close()
        discard(path)
    for row in summary["files"] + summary["rejects"]:
        row["file"] = path.name  # the file's name as uploaded, not where it waited
        row.pop("path", None)
    try:
        done = analyze(st.project, guard=st.lock)
        summary["analysed_posts"] = done["analysed_posts"] + done["inherited_reposts"]
    finally:
        st.invalidate_data()
    return jsonable(summary)


def _unprefixed(message: str, path: Path) -> str:
    """An importer's message about `path` without the path it starts with (the page puts the
    uploaded file's name before it), any other mention of it by the uploaded name."""
    for prefix in (f"{path}: ", f"{path} : "):
        message = message.removeprefix(prefix)
    return message.replace(str(path), path.name)


def start_import(st: WebState, path: Path, fmt: str, **options: str | None) -> dict:
    """Start `import_upload` (`options`: `mapping`, `platform` of `import_files`) in a
    background thread; one import at a time (the upload is deleted at once when one runs
    already: the job returned is that one)."""
    job = start_job(
        st,
        "importing",
        lambda: import_upload(st, path, fmt, **options),
        file=path.name,
        upload=str(path),
    )
    if job.get("upload") != str(path):
        discard(path)
    return job


def discard(upload: Path) -> None:
    """Delete an uploaded file and the folder it waited in."""
    upload.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        upload.parent.rmdir()


def start_job(st: WebState, kind: str, work: Callable[[], dict], **about: Any) -> dict:
    """Run `work` in a background thread as the app's `kind` job (`st.training`,
    `st.importing`), one at a time: while one runs, it is returned and nothing starts. The
    job (a dict) says `state` (running, done, failed), `started`, then `result` or `error`."""
    import threading
    from datetime import UTC, datetime

    with st.side_lock:
        job = getattr(st, kind)
        if job_runs(job):
            return job
        job = {"state": "running", "started": datetime.now(UTC).isoformat(), **about}
        setattr(st, kind, job)

    def run() -> None:
        try:
            job["result"] = work()
            job["state"] = "done"
        except Exception as exc:  # noqa: BLE001 - the job must end, and say so
            job_failed(job, exc, kind)

    threading.Thread(target=run, name=f"bascule-{kind}", daemon=True).start()
    return job


def job_runs(job: dict | None) -> bool:
    """True while a background job (training, import, listening) runs."""
    return bool(job) and job["state"] == "running"


def job_failed(job: dict, exc: Exception, kind: str) -> None:
    """End a background job on an error: a user error's message in both languages (the
    pages show it), else the exception's, logged with its traceback."""
    from bascule.errors import BasculeError

    if isinstance(exc, BasculeError):
        job["error"], job["error_fr"] = str(exc), exc.fr
    else:
        log.exception("the %s job failed", kind, exc_info=exc)
        job["error"] = f"{type(exc).__name__}: {exc}"
    job["state"] = "failed"
