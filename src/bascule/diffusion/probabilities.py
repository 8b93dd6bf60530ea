"""Edge activation probabilities, and the compact CSR form every diffusion kernel reads.

Models named as in the influence-maximisation literature: weighted cascade p(u,v) =
w(u,v) / in-strength(v) (Kempe et al. 2003), uniform p, trivalency p drawn from
{0.1, 0.01, 0.001} (Chen, Wang & Wang, KDD 2010), the graph's own weights taken as
probabilities (`weight`, e.g. NetHEPT files), or learned from the cascades in the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bascule.errors import InputError
from bascule.graph.model import Graph

PROB_HELP = "wc | uniform:P | trivalency | weight | learned"


@dataclass
class DiffusionGraph:
    """A directed graph ready for the kernels: out-edge CSR with one probability per edge."""

    nodes: np.ndarray  # original ids
    indptr: np.ndarray
    indices: np.ndarray
    probs: np.ndarray
    self_loops: int = 0  # self-loops dropped (they cannot change any cascade)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.indices)

    def reverse(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, probs) of in-edges, for reverse-reachable sets."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.indptr))
        order = np.argsort(self.indices, kind="stable")
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.indices, minlength=self.n), out=indptr[1:])
        return indptr, src[order], self.probs[order]


def _clean(graph: Graph) -> tuple[Graph, int]:
    if graph.n == 0:
        raise InputError("the network is empty: no nodes to diffuse on")
    g = graph.as_directed()
    loops = int(np.sum(g.src == g.dst))
    if loops:
        g = g.without_self_loops()
    if g.m and np.any(~np.isfinite(g.weight)):
        raise InputError("edge weights must be finite numbers")
    return g, loops


def edge_probabilities(
    graph: Graph, prob: str = "wc", *, project=None, seed: int = 0, model: str = "ic"
) -> np.ndarray:  # noqa: ANN001
    """One probability per edge of `graph` (self-loops dropped first) for diffusion `prob`.

    For the linear threshold model the in-weights of a node must sum to at most 1: when they
    do not, they are scaled down to sum to 1 (weighted cascade already sums to exactly 1).
    """
    g, _ = _clean(graph)
    p = _probabilities(g, prob, project=project, seed=seed)
    if model == "lt" and g.m:
        tot = np.bincount(g.dst, weights=p, minlength=g.n)
        scale = np.where(tot > 1.0, 1.0 / np.maximum(tot, 1e-300), 1.0)
        p = p * scale[g.dst]
    return p


def _probabilities(g: Graph, prob: str, *, project, seed: int) -> np.ndarray:  # noqa: ANN001
    prob = prob.strip().lower()
    if g.m == 0:
        return np.zeros(0)
    if prob == "wc":
        if np.any(g.weight < 0):
            raise InputError("weighted cascade needs non-negative edge weights")
        instr = np.bincount(g.dst, weights=g.weight, minlength=g.n)
        return np.divide(g.weight, instr[g.dst], out=np.zeros(g.m), where=instr[g.dst] > 0)
    if prob.startswith("uniform"):
        _, _, value = prob.partition(":")
        try:
            p = float(value or "0.1")
        except ValueError:
            raise InputError(f"uniform probability must be a number: {prob!r}") from None
        _check_range(np.array([p]), "uniform probability")
        return np.full(g.m, p)
    if prob == "trivalency":
        rng = np.random.default_rng(seed)
        return rng.choice(np.array([0.1, 0.01, 0.001]), size=g.m)
    if prob in ("weight", "file"):
        _check_range(g.weight, "edge weights used as probabilities")
        return g.weight.astype(np.float64)
    if prob == "learned":
        if project is None:
            raise InputError("learned probabilities need a project (they come from its store)")
        from bascule.diffusion.learn import learned_probabilities

        return learned_probabilities(g, project)
    raise InputError(f"unknown probability model {prob!r}: use {PROB_HELP}")


def _check_range(p: np.ndarray, what: str) -> None:
    bad = (p < 0) | (p > 1) | ~np.isfinite(p)
    if np.any(bad):
        raise InputError(f"{what} must lie in [0, 1] (found {float(p[bad][0])!r})")


def prepare(
    graph: Graph, prob: str = "wc", *, model: str = "ic", project=None, seed: int = 0
) -> DiffusionGraph:  # noqa: ANN001
    """Clean the graph (undirected → both arcs, self-loops dropped) and build the CSR form."""
    if model not in ("ic", "lt"):
        raise InputError(f"unknown diffusion model {model!r}: use ic or lt")
    g, loops = _clean(graph)
    p = edge_probabilities(g, prob, project=project, seed=seed, model=model)
    order = np.argsort(g.src, kind="stable")
    indptr = np.zeros(g.n + 1, dtype=np.int64)
    np.cumsum(np.bincount(g.src, minlength=g.n), out=indptr[1:])
    return DiffusionGraph(
        g.nodes, indptr, g.dst[order].astype(np.int64), p[order].astype(np.float64), loops
    )
