"""`bascule simulate`: expected reach of a seed set, by Monte Carlo, with a confidence interval."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping

import numpy as np

from bascule.diffusion import engine
from bascule.diffusion.probabilities import DiffusionGraph, prepare
from bascule.errors import InputError
from bascule.graph.model import Graph

Z95 = 1.959963984540054


def seed_index(dg: DiffusionGraph, seeds: Iterable) -> np.ndarray:  # noqa: ANN001
    """Node numbers of seed ids (original ids as in the input), duplicates removed."""
    index = {str(v): i for i, v in enumerate(dg.nodes)}
    out = []
    for s in seeds:
        if str(s) not in index:
            raise InputError(
                f"seed {s!r} is not a node of the network",
                fr=f"le compte {s!r} n'est pas dans le réseau observé",
            )
        out.append(index[str(s)])
    return np.unique(np.asarray(out, dtype=np.int64))


def spreads(
    dg: DiffusionGraph,
    seeds: np.ndarray,
    *,
    model: str = "ic",
    runs: int = 1000,
    seed: int | np.random.Generator | None = 0,
    groups: np.ndarray | None = None,
    n_groups: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Raw Monte Carlo: active nodes per run, and per run and group (Kempe et al. 2003)."""
    if runs < 1:
        raise InputError("runs must be at least 1")
    if groups is None:
        groups = np.full(dg.n, -1, dtype=np.int64)
    return engine.monte_carlo(
        dg.indptr,
        dg.indices,
        dg.probs,
        np.asarray(seeds, dtype=np.int64),
        int(runs),
        engine.base_seed(seed),
        model == "lt",
        groups.astype(np.int64),
        int(n_groups),
    )


def summarize(values: np.ndarray) -> dict:
    """Mean with a normal 95% confidence interval and the distribution's quantiles."""
    v = np.asarray(values, dtype=np.float64)
    mean = float(v.mean())
    se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0
    q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {
        "mean": mean,
        "ci95": [mean - Z95 * se, mean + Z95 * se],
        "std": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
        "min": float(v.min()),
        "quantiles": {
            k: float(x) for k, x in zip(("p5", "p25", "p50", "p75", "p95"), q, strict=False)
        },
        "max": float(v.max()),
    }


def label_key(label: object) -> tuple:
    """Sort key for group labels: numbers in numeric order (2 before 10), then text."""
    if isinstance(label, int | float | np.integer | np.floating) and not isinstance(label, bool):
        return (0, float(label), "")
    return (1, 0.0, str(label))


def simulate(
    graph: Graph | DiffusionGraph,
    seeds: Iterable,
    *,
    model: str = "ic",
    prob: str = "wc",
    runs: int = 1000,
    seed: int = 0,
    project=None,  # noqa: ANN001
    groups: Mapping | None = None,
    min_group_size: int | None = None,
) -> dict:
    """Expected number of nodes reached from `seeds` under IC or LT, with a 95% CI.

    `groups` maps node ids to a community label; the result then breaks reach down per group,
    largest group first. Groups of the network smaller than `min_group_size` are left out of
    that breakdown and counted in `groups_suppressed`.
    """
    t0 = time.perf_counter()
    dg = graph if isinstance(graph, DiffusionGraph) else prepare(graph, prob, model=model,
                                                                   project=project, seed=seed)  # fmt: skip
    s = seed_index(dg, seeds)
    labels: list = []
    garr = None
    if groups:
        labels = sorted({v for v in groups.values() if v is not None}, key=label_key)
        pos = {lab: i for i, lab in enumerate(labels)}
        garr = np.array([pos.get(groups.get(str(v), groups.get(v)), -1) for v in dg.nodes],
                        dtype=np.int64)  # fmt: skip
    out, counts = spreads(dg, s, model=model, runs=runs, seed=seed, groups=garr,
                          n_groups=len(labels))  # fmt: skip
    res = {
        "model": model,
        "prob": prob if not isinstance(graph, DiffusionGraph) else "given",
        "nodes": dg.n,
        "edges": dg.m,
        "self_loops_dropped": dg.self_loops,
        "seeds": [str(dg.nodes[i]) for i in s],
        "runs": int(runs),
        "seed": seed,
        "spread": summarize(out),
        "fraction": float(out.mean() / dg.n),
        "seconds": time.perf_counter() - t0,
    }
    if labels:
        sizes = np.bincount(garr[garr >= 0], minlength=len(labels))
        floor = max(int(min_group_size or 0), 1)  # a group with no node in the network: none
        order = sorted(range(len(labels)), key=lambda i: (-sizes[i], label_key(labels[i])))
        res["groups"] = [
            {
                "group": labels[i],
                "size": int(sizes[i]),
                "reached": summarize(counts[:, i]),
                "fraction": float(counts[:, i].mean() / sizes[i]),
            }
            for i in order
            if sizes[i] >= floor
        ]
        res["groups_suppressed"] = int(((sizes > 0) & (sizes < floor)).sum())
        if min_group_size:
            res["min_group_size"] = int(min_group_size)
    return res
