"""Baseline seed choices: highest out-degree and PageRank on the reversed influence graph."""

from __future__ import annotations

import numpy as np

from bascule.diffusion.probabilities import DiffusionGraph


def degree_seeds(dg: DiffusionGraph, k: int, *, allowed: np.ndarray | None = None) -> np.ndarray:
    """The k nodes with most out-edges (most people they can reach in one step)."""
    score = np.diff(dg.indptr).astype(np.float64)
    return _top(score, k, allowed)


def pagerank_seeds(
    dg: DiffusionGraph,
    k: int,
    *,
    allowed: np.ndarray | None = None,
    damping: float = 0.85,
    tol: float = 1e-10,
) -> np.ndarray:
    """Top k by PageRank (Brin & Page 1998) of the reversed graph, weighted by probabilities.

    Reversing edges makes rank flow towards those whose posts travel far, not those who listen.
    """
    import scipy.sparse as sp

    n = dg.n
    src = np.repeat(np.arange(n), np.diff(dg.indptr))
    # reversed edge dst -> src, weighted by the activation probability
    a = sp.csr_matrix((dg.probs, (dg.indices, src)), shape=(n, n))
    out = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, out, out=np.zeros(n), where=out > 0)
    at = (sp.diags(inv) @ a).T.tocsr()
    r = np.full(n, 1.0 / n)
    for _ in range(200):
        dangling = r[out == 0].sum()
        nxt = damping * (at @ r + dangling / n) + (1 - damping) / n
        if np.abs(nxt - r).sum() < tol:
            r = nxt
            break
        r = nxt
    return _top(r, k, allowed)


def _top(score: np.ndarray, k: int, allowed: np.ndarray | None) -> np.ndarray:
    score = score.copy()
    if allowed is not None:
        score[~allowed] = -np.inf
    order = np.argsort(-score, kind="stable")
    order = order[np.isfinite(score[order])]
    return order[: int(k)].astype(np.int64)
