"""Bridges: accounts that connect communities (participation coefficient, Guimerà & Amaral
2005; betweenness of their community on the community graph, Brandes 2001), ranked by their
reach into communities with many undecided.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from bascule.graph.backend import adjacency, display_handles, simple_undirected
from bascule.graph.model import Graph

if TYPE_CHECKING:
    from bascule.project import Project


MAX_COMMUNITY_GRAPH = 300  # communities kept in the community graph (largest first)


def community_graph(graph: Graph, labels: np.ndarray) -> sp.csr_matrix:
    """k x k matrix of edge weights between (and within, on the diagonal) communities."""
    u = simple_undirected(graph)
    k = int(labels.max()) + 1 if labels.size else 0
    H = sp.csr_matrix((np.ones(u.n), (np.arange(u.n), labels)), shape=(u.n, k))
    return (H.T @ adjacency(u) @ H).tocsr()


def bridges(
    graph: Graph,
    *,
    membership: dict[str, int] | None = None,
    project: Project | None = None,
    seed: int = 0,
    top: int = 20,
) -> dict[str, Any]:
    """Rank accounts linking communities by weighted reach into undecided-rich communities.

    `membership` (node id -> community) defaults to a fresh `communities` run. Without
    undecided data (an external graph), every community counts the same.
    """
    from bascule.graph.communities import communities
    from bascule.graph.describe import author_undecided

    ids = graph.nodes.astype(str)
    if membership is None:
        membership = communities(graph, seed=seed, project=project)["membership"]
    raw = np.asarray([membership.get(i, -1) for i in ids], dtype=np.int64)
    if (raw < 0).any():
        fresh = raw.max(initial=-1) + 1 + np.arange(int((raw < 0).sum()))
        raw[raw < 0] = fresh
    cids, labels = np.unique(raw, return_inverse=True)
    k = len(cids)
    u = simple_undirected(graph)
    A = adjacency(u)
    H = sp.csr_matrix((np.ones(u.n), (np.arange(u.n), labels)), shape=(u.n, k))
    K = (A @ H).tocsr()  # node x community strength
    strength = np.asarray(K.sum(axis=1)).ravel()
    own = np.asarray(K[np.arange(u.n), labels]).ravel()
    sq = np.asarray(K.multiply(K).sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        participation = np.where(strength > 0, 1.0 - sq / strength**2, 0.0)
    sizes = np.bincount(labels, minlength=k)
    und_share = np.full(k, np.nan)
    min_size = 1
    if project is not None:
        min_size = project.config.privacy.min_group_size
        und = author_undecided(project)
        known = und.reindex(ids)
        df = pd.DataFrame({"c": labels, "u": known.to_numpy()}).dropna()
        if len(df):
            g = df.groupby("c")["u"].agg(["sum", "count"])
            und_share[g.index.to_numpy()] = (g["sum"] / g["count"]).to_numpy()
        und_share[sizes < min_size] = np.nan  # no aggregate of small groups
    weight = np.where(np.isnan(und_share), 0.0 if project is not None else 1.0, und_share)
    external = strength - own
    Kc = K.tocoo()
    out = Kc.col != labels[Kc.row]  # links into other communities only
    Kx = sp.csr_matrix((Kc.data[out], (Kc.row[out], Kc.col[out])), shape=K.shape)
    reach = Kx @ weight
    reached = np.diff((Kx > 0).tocsr().indptr)
    cbet = _community_betweenness(graph, labels, sizes)
    handles = display_handles(graph)
    order = np.lexsort((ids, -participation, -external, -reach))
    order = [i for i in order if external[i] > 0][:top]
    rows = [
        {
            "rank": r + 1,
            "node": str(ids[i]),
            "handle": str(handles[i]),
            "community": int(cids[labels[i]]),
            "participation": round(float(participation[i]), 4),
            "communities_reached": int(reached[i]),
            "external_links": float(external[i]),
            "reach_undecided": round(float(reach[i]), 4),
            "community_betweenness": round(float(cbet[labels[i]]), 4),
        }
        for r, i in enumerate(order)
    ]
    return {
        "nodes": int(graph.n),
        "communities": int(k),
        "undecided_known": bool(project is not None and np.isfinite(und_share).any()),
        "bridges": rows,
    }


def _community_betweenness(graph: Graph, labels: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Betweenness of each community in the community graph (distance = 1 / weight)."""
    import networkx as nx

    k = len(sizes)
    out = np.zeros(k)
    keep = np.argsort(-sizes, kind="stable")[:MAX_COMMUNITY_GRAPH]
    keep = keep[sizes[keep] >= 2]
    if len(keep) < 3:
        return out
    C = community_graph(graph, labels)[keep][:, keep].tocoo()
    G = nx.Graph()
    G.add_nodes_from(range(len(keep)))
    for a, b, w in zip(C.row, C.col, C.data, strict=True):
        if a < b and w > 0:
            G.add_edge(int(a), int(b), distance=1.0 / w)
    bc = nx.betweenness_centrality(G, weight="distance", normalized=True)
    for i, v in bc.items():
        out[keep[i]] = v
    return out
