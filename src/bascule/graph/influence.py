"""Who drives word of mouth: amplification produced (direct and downstream in observed
cascades), PageRank, k-core, and the Pareto view (top 1 % / 10 % share, Lorenz, Gini).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bascule.errors import InputError
from bascule.graph.backend import adjacency, display_handles, to_networkit
from bascule.graph.model import Graph

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from bascule.project import Project


CASCADE_COLUMNS = ("post_id", "parent_post_id", "author_id", "parent_author")


def pagerank(
    graph: Graph,
    *,
    alpha: float = 0.85,
    tol: float = 1.0e-6,
    max_iter: int = 100,
    reverse: bool = False,
) -> np.ndarray:
    """Weighted PageRank by power iteration (Page, Brin et al. 1999), same definition as
    networkx: dangling mass spread uniformly, stop when the L1 change is below n * tol.

    `reverse` walks edges backwards: on an amplification graph (amplified -> amplifier)
    this ranks the amplified, i.e. the influential.
    """
    n = graph.n
    if n == 0:
        return np.zeros(0)
    A = adjacency(graph)
    if reverse:
        A = A.T.tocsr()
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=~dangling)
    M = sp.diags(inv) @ A  # row-stochastic where not dangling
    MT = M.T.tocsr()
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        last = x
        x = alpha * (MT @ last + last[dangling].sum() / n) + (1.0 - alpha) / n
        if np.abs(x - last).sum() < n * tol:
            return x
    raise InputError(f"PageRank did not converge in {max_iter} iterations")


def core_numbers(graph: Graph) -> np.ndarray:
    """k-core number of each node on the undirected simple graph (Batagelj & Zaversnik 2003)."""
    if graph.m == 0:
        return np.zeros(graph.n, dtype=np.int64)
    import networkit as nk

    G = to_networkit(graph, undirected=True)
    G.removeSelfLoops()
    cd = nk.centrality.CoreDecomposition(G)
    cd.run()
    return np.asarray(cd.scores(), dtype=np.int64)


def read_cascades(path: str | Path) -> pd.DataFrame:
    """Twitter15/16-style retweet trees (`root_tweet_id, parent_uid, parent_tweet_id,
    parent_delay_min, child_uid, child_tweet_id, child_delay_min`) as cascade links.

    A tree node is (uid, tweet id, delay): retweets carry the source's tweet id there, so the
    tweet id alone does not identify a node (Ma, Gao & Wong, ACL 2017).
    """
    try:
        df = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read cascades from {path}: {exc}") from None
    need = {"root_tweet_id", "parent_uid", "parent_tweet_id", "child_uid", "child_tweet_id"}
    if not need <= set(df.columns):
        raise InputError(f"{path}: cascade trees need columns {', '.join(sorted(need))}")
    df = df.drop_duplicates()
    pdelay = df.get("parent_delay_min", pd.Series("", index=df.index))
    cdelay = df.get("child_delay_min", pd.Series("", index=df.index))
    root = df["root_tweet_id"]
    child = root + "|" + df["child_uid"] + "|" + df["child_tweet_id"] + "|" + cdelay
    parent = root + "|" + df["parent_uid"] + "|" + df["parent_tweet_id"] + "|" + pdelay
    out = pd.DataFrame(
        {
            "post_id": child,
            "parent_post_id": parent,
            "author_id": df["child_uid"],
            "parent_author": df["parent_uid"],
        }
    )
    is_root = (df["parent_uid"] == "ROOT").to_numpy()
    # the source node sometimes reappears as a child of its own retweeters: drop those links
    keep = ~is_root & ~child.isin(set(child[is_root])).to_numpy()
    return out[keep].reset_index(drop=True)


def stored_cascades(
    project: Project,
    *,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> pd.DataFrame:
    """The store's cascade links (see `cascade_influence`), in an order that does not vary.

    The store gives them by time; a post listed under several parents (Twitter15 trees list
    some retweets under two accounts, at one time) has its links in no set order, so they
    go by parent id: the source before its retweets, then the earliest tweet id.
    """
    from bascule.store import graph as sql

    c = sql.cascade_links(project.store, since=since, until=until, target=target).to_pandas()
    first_seen = c.groupby("post_id", sort=False).ngroup()
    order = np.lexsort((c["parent_post_id"].to_numpy(dtype=str), first_seen.to_numpy()))
    return c.iloc[order].reset_index(drop=True)


def is_cascade_file(path: str | Path) -> bool:
    """Whether a file has the Twitter15/16 cascade columns (so cascades can be read)."""
    from bascule.graph.io import _open_binary

    try:
        with _open_binary(Path(path)) as fh:
            head = fh.readline().decode("utf-8", "replace").lower()
    except OSError:
        return False
    return "parent_uid" in head and "child_uid" in head


def cascade_influence(cascades: pd.DataFrame) -> pd.DataFrame:
    """Per author: `direct` amplifications of their posts and `downstream` ones (amplifications
    of those amplifications, any depth), from post-level links.

    A post linked to several parents counts once, under its first link.
    """
    if cascades is None or len(cascades) == 0:
        return pd.DataFrame({"direct": [], "downstream": []}, index=pd.Index([], name="author"))
    c = cascades[cascades["post_id"] != cascades["parent_post_id"]].drop_duplicates("post_id")
    codes, posts = pd.factorize(pd.concat([c["post_id"], c["parent_post_id"]], ignore_index=True))
    k = len(c)
    child = codes[:k]
    n = len(posts)
    parent = np.full(n, -1, dtype=np.int64)
    parent[child] = codes[k:]
    author = np.empty(n, dtype=object)
    author[codes[k:]] = c["parent_author"].to_numpy(dtype=object)
    author[child] = c["author_id"].to_numpy(dtype=object)
    # depth of each post by pointer jumping; depths are contiguous, so when no chain ends in
    # a step the posts still walking are on (or lead into) a cycle: their links are cut
    depth = np.zeros(n, dtype=np.int64)
    anc = parent.copy()
    live_before = n + 1
    while True:
        live = anc >= 0
        count = int(live.sum())
        if count == 0:
            break
        if count == live_before:
            parent[live] = -1
            depth[live] = 0
            break
        live_before = count
        depth[live] += 1
        anc[live] = parent[anc[live]]
    keep = parent >= 0
    par = parent[keep]
    children = np.bincount(par, minlength=n).astype(np.float64)
    desc = np.zeros(n)
    for d in range(int(depth.max()), 0, -1):
        at = np.flatnonzero(depth == d)
        np.add.at(desc, parent[at], desc[at] + 1.0)
    per = pd.DataFrame({"author": author, "direct": children, "all": desc})
    per = per.groupby("author", sort=True)[["direct", "all"]].sum()
    per["downstream"] = per["all"] - per["direct"]
    return per[["direct", "downstream"]]


def lorenz(values: np.ndarray, *, points: int = 201) -> dict[str, list[float]]:
    """Lorenz curve (share of authors vs share of amplification), about `points` points."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    total = v.sum()
    if v.size == 0 or total <= 0:
        return {"x": [0.0, 1.0], "y": [0.0, 1.0]}
    y = np.concatenate([[0.0], np.cumsum(v) / total])
    x = np.linspace(0.0, 1.0, v.size + 1)
    k = min(points, v.size + 1)
    # even steps, plus steps thinning out from the top: the curve turns up at the very end
    tail = v.size - np.geomspace(1, v.size, k // 2) if v.size > 1 else np.zeros(0)
    idx = np.unique(np.concatenate([np.linspace(0, v.size, k), tail]).round().astype(int))
    return {"x": x[idx].round(6).tolist(), "y": y[idx].round(6).tolist()}


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, 1 = one holds all)."""
    v = np.sort(np.asarray(values, dtype=np.float64))
    n, total = v.size, v.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float((2.0 * (i * v).sum()) / (n * total) - (n + 1.0) / n)


def top_share(values: np.ndarray, fraction: float) -> float:
    """Share of the total held by the top `fraction` of holders (at least one holder)."""
    v = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = v.sum()
    if v.size == 0 or total <= 0:
        return 0.0
    k = _share_count(fraction, v.size)
    return float(v[:k].sum() / total)


def _share_count(fraction: float, n: int) -> int:
    """Holders in the top `fraction` of `n`: at least one, rounded up, and exact on shares
    given in percent (7% of 100 is 7, although 0.07 * 100 is 7.000000000000001 in floats).
    """
    return min(n, max(1, math.ceil(round(fraction * n, 9))))


def _top_count(top: float, n: int) -> int:
    """How many of `n` accounts `top` asks for.

    An `int` is a count. A `float` is a share when at most 1 (so 1.0 is everyone, not one
    account) and a count when it is a whole number above 1 (50.0 as 50).
    """
    bad = "--top must be a share in (0, 100%] (1% or 0.01) or a whole count (50)"
    if isinstance(top, bool) or not isinstance(top, int | float | np.integer | np.floating):
        raise InputError(bad)
    if top <= 0 or not math.isfinite(top):
        raise InputError(bad)
    if isinstance(top, int | np.integer):
        return min(n, int(top))
    if top <= 1:
        return _share_count(float(top), n)
    if float(top).is_integer():
        return min(n, int(top))
    raise InputError(bad)


def parse_top(text: str) -> float | int:
    """`1%` -> 0.01 and `100%` -> 1.0 (shares, floats); `0.05` -> 0.05; `50` -> 50 (a count,
    an int: `1` is one account, while `100%` and `1.0` are every account).
    """
    t = text.strip()
    bad = f"--top {text!r}: give a share like 1% or 0.01, or a count like 50"
    try:
        if t.endswith("%"):
            share = float(t[:-1]) / 100.0
            if not 0 < share <= 1:
                raise InputError(f"--top {text!r}: a share must be above 0% and at most 100%")
            return share
        if re.fullmatch(r"[+]?\d+", t):
            count = int(t)
            if count < 1:
                raise InputError(f"--top {text!r}: a count must be at least 1")
            return count
        value = float(t)
    except ValueError:
        raise InputError(bad) from None
    if 0 < value <= 1:
        return value
    if value > 1 and value.is_integer():
        return int(value)
    raise InputError(bad)


def influencers(
    graph: Graph,
    *,
    project: Project | None = None,
    top: float | int | str = 0.01,
    cascades: pd.DataFrame | None = None,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> dict[str, Any]:
    """Rank authors by the amplification they produce; Pareto shares, Lorenz curve, Gini.

    Edges go from the amplified to the amplifier. `direct` counts amplifications of an
    author's posts (from cascades when known, else the weighted out-degree), `downstream` the
    amplifications those amplifications produced in turn (cascades only). PageRank runs on
    the reversed graph (an amplification endorses the amplified); k-core on the undirected one.
    `top` lists a share of the accounts (a float up to 1.0, everyone) or a count (an int).
    """
    from bascule.graph.build import official_of

    if isinstance(top, str):  # "1%", "50", as on the command line
        top = parse_top(top)
    if cascades is None and project is not None:
        tid = project.config.target(target).id if target else None
        cascades = stored_cascades(project, since=since, until=until, target=tid)
    g = graph.without_self_loops()
    ids = g.nodes.astype(str)
    out_strength = np.bincount(g.src, weights=g.weight, minlength=g.n)
    direct = out_strength.copy()
    downstream = np.full(g.n, np.nan)
    source = "graph"
    if cascades is not None and len(cascades):
        per = cascade_influence(cascades).reindex(ids)
        known = per["direct"].notna().to_numpy()
        direct = np.where(known, per["direct"].fillna(0).to_numpy(), 0.0)
        downstream = per["downstream"].fillna(0).to_numpy()
        source = "cascades"
    total = direct + np.nan_to_num(downstream)
    pr = pagerank(g, reverse=True) if g.n else np.zeros(0)
    core = core_numbers(g)
    handles = display_handles(g)
    official = g.attrs.get("official")
    if official is None:
        official = np.asarray(official_of(project, list(ids)), dtype=object)
    k = _top_count(top, g.n) if g.n else 0
    order = np.lexsort((ids, -pr, -total))[:k]
    rows = [
        {
            "rank": r + 1,
            "node": str(ids[i]),
            "handle": str(handles[i]),
            "direct": float(direct[i]),
            "downstream": None if np.isnan(downstream[i]) else float(downstream[i]),
            "total": float(total[i]),
            "pagerank": float(pr[i]),
            "core": int(core[i]),
            "official": str(official[i]) or None,
        }
        for r, i in enumerate(order)
    ]
    return {
        "nodes": int(g.n),
        "edges": int(g.m),
        "source": source,
        "amplifications": float(direct.sum()),
        "pareto": {
            "top_1pct_share": top_share(direct, 0.01),
            "top_10pct_share": top_share(direct, 0.10),
            "gini": gini(direct),
        },
        "lorenz": lorenz(direct),
        "max_core": int(core.max()) if core.size else 0,
        "top": rows,
    }


def lorenz_figure(result: dict[str, Any], lang: str = "fr") -> go.Figure:
    """Lorenz curve of amplification with the equality line and the Pareto shares."""
    import plotly.graph_objects as go

    from bascule.i18n import number, percent, tr

    lz, p = result["lorenz"], result["pareto"]
    fig = go.Figure()
    fig.add_scatter(
        x=[100 * x for x in lz["x"]],
        y=[100 * y for y in lz["y"]],
        mode="lines",
        name=tr(lang, "Amplification", "Amplification"),
        fill="tozeroy",
    )
    fig.add_scatter(
        x=[0, 100],
        y=[0, 100],
        mode="lines",
        name=tr(lang, "Égalité", "Equality"),
        line={"dash": "dot", "color": "grey"},
    )
    title = tr(
        lang,
        f"Le 1 % le plus relayé produit {percent(p['top_1pct_share'], 'fr')} de "
        f"l'amplification, le top 10 % {percent(p['top_10pct_share'], 'fr')} "
        f"(Gini {number(p['gini'], 'fr', 2)})",
        f"The top 1% produce {100 * p['top_1pct_share']:.0f}% of amplification, "
        f"the top 10% {100 * p['top_10pct_share']:.0f}% (Gini {p['gini']:.2f})",
    )
    fig.update_layout(
        title=title,
        xaxis_title=tr(
            lang,
            "% des auteurs (du moins au plus amplifié)",
            "% of authors (least to most amplified)",
        ),
        yaxis_title=tr(lang, "% de l'amplification", "% of amplification"),
        # below the plot and clear of the x title (two lines on a phone): a legend at the
        # right squeezed the plot to 176 px on a phone
        legend={"orientation": "h", "y": -0.3, "x": 0, "xanchor": "left", "yanchor": "top"},
        height=380,
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
    )
    return fig
