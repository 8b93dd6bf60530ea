"""CELF lazy greedy seed selection by Monte Carlo (Leskovec et al., KDD 2007).

The exact-greedy reference of Kempe, Kleinberg & Tardos (2003) made lazy: submodularity lets
stale marginal gains bound fresh ones. Every evaluation reuses the same random streams
(common random numbers), so gains are compared on the same live-edge worlds. For small graphs.
"""

from __future__ import annotations

import heapq
import time

import numpy as np

from bascule.diffusion.imm import constraints, eligible_warnings
from bascule.diffusion.probabilities import DiffusionGraph, prepare
from bascule.diffusion.simulate import spreads, summarize
from bascule.errors import InputError
from bascule.graph.model import Graph


def celf_select(
    dg: DiffusionGraph,
    k: int,
    *,
    model: str = "ic",
    runs: int = 200,
    seed: int = 0,
    allowed: np.ndarray | None = None,
) -> tuple[np.ndarray, list[float]]:
    """Greedy seeds (node numbers) and the estimated spread after each pick."""
    allowed = np.ones(dg.n, dtype=np.bool_) if allowed is None else allowed

    def sigma(nodes: list[int]) -> float:
        out, _ = spreads(dg, np.asarray(nodes, np.int64), model=model, runs=runs, seed=seed)
        return float(out.mean())

    heap = [(-sigma([v]), v, 0) for v in np.flatnonzero(allowed).tolist()]
    heapq.heapify(heap)
    chosen: list[int] = []
    curve: list[float] = []
    current = 0.0
    while heap and len(chosen) < k:
        neg, v, stamp = heapq.heappop(heap)
        if stamp == len(chosen):
            chosen.append(v)
            current += -neg
            curve.append(current)
            continue
        gain = sigma([*chosen, v]) - current
        heapq.heappush(heap, (-gain, v, len(chosen)))
    return np.asarray(chosen, np.int64), curve


def celf(
    graph: Graph | DiffusionGraph,
    k: int,
    *,
    model: str = "ic",
    prob: str = "wc",
    runs: int = 200,
    seed: int = 0,
    exclude=(),  # noqa: ANN001
    candidates=None,  # noqa: ANN001
    eval_runs: int = 1000,
    project=None,  # noqa: ANN001
    max_nodes: int = 50_000,
) -> dict:
    """CELF seeds with their spread by an independent simulation (same shape as `imm.seeds`)."""
    t0 = time.perf_counter()
    if int(k) < 1:
        raise InputError("k must be at least 1")
    dg = graph if isinstance(graph, DiffusionGraph) else prepare(graph, prob, model=model,
                                                                   project=project, seed=seed)  # fmt: skip
    allowed, _ = constraints(dg, exclude=exclude, candidates=candidates)
    if int(allowed.sum()) > max_nodes:
        raise InputError(
            f"CELF simulates every candidate: {int(allowed.sum()):,} is too many "
            f"(limit {max_nodes:,}); use IMM (--algorithm imm)"
        )
    picks, curve = celf_select(dg, int(k), model=model, runs=runs, seed=seed, allowed=allowed)
    out, _ = spreads(dg, picks, model=model, runs=eval_runs, seed=[int(seed), 7])
    return {
        "algorithm": "CELF",
        "model": model,
        "k": int(k),
        "eligible": int(allowed.sum()),
        "seeds": [str(dg.nodes[i]) for i in picks],
        "spread": summarize(out),
        "greedy_curve": curve,
        "seconds": {"total": time.perf_counter() - t0},
        "warnings": eligible_warnings(k, int(allowed.sum())),
    }
