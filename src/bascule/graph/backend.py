"""Conversions of a `Graph` to the fast engines (networkit, scipy sparse)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp

from bascule.graph.model import Graph


def simple_undirected(graph: Graph) -> Graph:
    """The undirected simple graph: arcs both ways summed into one edge, self-loops dropped."""
    g = graph.without_self_loops()
    lo, hi = np.minimum(g.src, g.dst), np.maximum(g.src, g.dst)
    from dataclasses import replace

    return replace(g, src=lo, dst=hi, directed=False, weight_kind="weight").merged("sum")


def adjacency(graph: Graph, *, symmetric: bool = False) -> sp.csr_matrix:
    """Sparse n x n weighted adjacency (src row, dst column); both ways when `symmetric`."""
    src, dst, w = graph.src, graph.dst, graph.weight
    if symmetric or not graph.directed:
        src, dst, w = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([w, w])
        if not graph.directed:  # self-loops were doubled above
            loops = src == dst
            w = np.where(loops, w / 2, w)
    return sp.csr_matrix((w, (src, dst)), shape=(graph.n, graph.n))


def to_networkit(graph: Graph, *, undirected: bool = False):  # noqa: ANN201 - networkit.Graph
    """A weighted networkit graph on node numbers 0..n-1 (undirected simple when asked)."""
    import networkit as nk

    g = simple_undirected(graph) if undirected else graph
    directed = g.directed and not undirected
    if g.m == 0:
        return nk.Graph(g.n, weighted=True, directed=directed)
    G = nk.Graph(g.n, weighted=True, directed=directed)
    coo = (g.weight.astype(np.float64), (g.src.astype(np.uint64), g.dst.astype(np.uint64)))
    G.addEdges(coo, addMissing=False, checkMultiEdge=False)
    return G


@contextlib.contextmanager
def networkit_seeded(seed: int, threads: int = 1) -> Iterator[None]:
    """Run networkit with a fixed seed and thread count (reproducible), then restore threads."""
    import networkit as nk

    before = nk.getCurrentNumberOfThreads()
    nk.setNumberOfThreads(threads)
    nk.engineering.setSeed(int(seed), False)
    try:
        yield
    finally:
        nk.setNumberOfThreads(before)


def subgraph(graph: Graph, keep: np.ndarray) -> Graph:
    """The graph induced by the nodes where `keep` is true (node attributes kept)."""
    from dataclasses import replace

    keep = np.asarray(keep, dtype=bool)
    new = np.full(graph.n, -1, dtype=np.int64)
    new[keep] = np.arange(int(keep.sum()))
    e = keep[graph.src] & keep[graph.dst]
    return replace(
        graph,
        nodes=graph.nodes[keep],
        src=new[graph.src[e]],
        dst=new[graph.dst[e]],
        weight=graph.weight[e],
        attrs={k: v[keep] for k, v in graph.attrs.items()},
    )


def largest_component(graph: Graph) -> Graph:
    """The largest (weakly) connected component."""
    from scipy.sparse.csgraph import connected_components

    if graph.n == 0:
        return graph
    _, comp = connected_components(adjacency(graph, symmetric=True), directed=False)
    sizes = np.bincount(comp)
    return subgraph(graph, comp == int(np.argmax(sizes)))


def display_handles(graph: Graph) -> np.ndarray:
    """What to show for each node: its handle (store), its label (files), else its id."""
    ids = graph.nodes.astype(str)
    for key in ("handle", "label"):
        h = graph.attrs.get(key)
        if h is not None:
            h = np.asarray([("" if x is None else str(x)) for x in h], dtype=object)
            return np.where(h == "", ids, h).astype(str)
    return ids
