"""`bascule seeds`: who to convince first, by IMM (Tang, Shi & Xiao, SIGMOD 2015).

IMM returns a (1 − 1/e − ε)-approximate seed set with probability ≥ 1 − 1/n^ℓ under IC or LT.
As Chen (2018, "An issue in the martingale analysis of IMM") recommends, the final selection
uses RR sets generated afresh rather than those of the sampling phase. The reported spread
comes from an *independent* forward Monte Carlo simulation, never from the RR sets.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Mapping

import numpy as np

from bascule.diffusion import engine
from bascule.diffusion.probabilities import DiffusionGraph, prepare
from bascule.diffusion.rrsets import RRCollection
from bascule.diffusion.simulate import spreads, summarize
from bascule.errors import InputError
from bascule.graph.model import Graph


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def constraints(
    dg: DiffusionGraph,
    *,
    exclude: Iterable = (),
    candidates: Iterable | None = None,
    costs: Mapping | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """Mask of nodes that may be chosen, and per-node costs (ids as in the input).

    Ids that are not nodes of the network are left out (the CLI says which); when nothing
    is left to choose from, that is an error, not an empty seed set.
    """
    index = {str(v): i for i, v in enumerate(dg.nodes)}
    if candidates is not None:
        allowed = np.zeros(dg.n, dtype=np.bool_)
        allowed[[index[str(c)] for c in candidates if str(c) in index]] = True
    else:
        allowed = np.ones(dg.n, dtype=np.bool_)
    for x in exclude:
        if str(x) in index:
            allowed[index[str(x)]] = False
    if not allowed.any():
        raise InputError(
            "no account is left to choose from: no candidate is in the network, or every one "
            "is excluded",
            fr="il ne reste aucun compte à choisir : aucun candidat n'est dans le réseau, ou "
            "tous sont exclus",
        )
    cost = None
    if costs:
        cost = np.ones(dg.n)
        for key, c in costs.items():
            if str(key) in index:
                c = float(c)
                if not c > 0 or not math.isfinite(c):
                    raise InputError(f"cost of {key!r} must be a positive number, not {c!r}")
                cost[index[str(key)]] = c
    return allowed, cost


def eligible_warnings(k: int, eligible: int) -> list[str]:
    """The warning every algorithm gives when asked for more seeds than may be chosen."""
    if int(k) > eligible:
        return [f"k={k} is more than the {eligible} eligible accounts: all are chosen"]
    return []


def imm_select(
    dg: DiffusionGraph,
    k: int,
    *,
    model: str = "ic",
    eps: float = 0.1,
    ell: float = 1.0,
    seed: int | np.random.Generator | None = 0,
    allowed: np.ndarray | None = None,
    costs: np.ndarray | None = None,
    budget: float | None = None,
    fresh: bool = True,
) -> dict:
    """IMM node selection: seed numbers, RR sets used and the RR estimate of their spread.

    `fresh=False` reuses the sampling phase's RR sets for the final selection, as the original
    IMM does (faster, but its guarantee then has the gap Chen 2018 pointed out).
    """
    n = dg.n
    if not 0 < eps < 1:
        raise InputError("eps must lie in (0, 1)")
    allowed = np.ones(n, dtype=np.bool_) if allowed is None else allowed
    n_cand = int(allowed.sum())
    k = min(int(k), n_cand)
    if k <= 0:
        return {"picks": np.zeros(0, np.int64), "rr_sets": 0, "rr_estimate": 0.0}
    ell = ell * (1 + math.log(2) / math.log(max(n, 2)))
    logn = math.log(max(n, 2))
    lcnk = _log_comb(n_cand, k)
    base = engine.base_seed(seed)
    t0 = time.perf_counter()
    rev = dg.reverse()
    rr = RRCollection(rev, base, model == "lt")
    # Sampling phase: lower bound LB on OPT (Tang et al. 2015, Algorithm 2).
    eps1 = math.sqrt(2) * eps
    lam1 = (2 + 2 * eps1 / 3) * (lcnk + ell * logn + math.log(max(math.log2(n), 1.0)))
    lam1 *= n / eps1**2
    lb = 1.0
    for i in range(1, max(int(math.log2(n)), 1)):
        x = n / 2**i
        rr.extend_to(lam1 / x)
        _, frac = rr.select(k, allowed, costs, budget)
        if n * frac >= (1 + eps1) * x:
            lb = n * frac / (1 + eps1)
            break
    alpha = math.sqrt(ell * logn + math.log(2))
    beta = math.sqrt((1 - 1 / math.e) * (lcnk + ell * logn + math.log(2)))
    lam_star = 2 * n * ((1 - 1 / math.e) * alpha + beta) ** 2 / eps**2
    theta = lam_star / lb
    sampled = rr.count
    t1 = time.perf_counter()
    final = rr if not fresh else RRCollection(rev, np.uint64(engine._mix(base + engine.GOLDEN)),
                                              model == "lt")  # fmt: skip
    final.extend_to(theta)
    t2 = time.perf_counter()
    picks, frac = final.select(k, allowed, costs, budget)
    t3 = time.perf_counter()
    return {
        "timing": {"sampling_phase": t1 - t0, "final_rr_sets": t2 - t1, "final_selection": t3 - t2},
        "picks": picks,
        "rr_sets": final.count,
        "rr_sets_sampling": sampled if fresh else 0,
        "rr_estimate": n * frac,
        "lower_bound": lb,
    }


def seeds(
    graph: Graph | DiffusionGraph,
    k: int,
    *,
    model: str = "ic",
    prob: str = "wc",
    eps: float = 0.1,
    seed: int = 0,
    exclude: Iterable = (),
    candidates: Iterable | None = None,
    costs: Mapping | None = None,
    budget: float | None = None,
    runs: int = 1000,
    project=None,  # noqa: ANN001
    fresh: bool = True,
) -> dict:
    """The k accounts to convince first, their spread (independent simulation, 95% CI), time."""
    t0 = time.perf_counter()
    if int(k) < 1:
        raise InputError("k must be at least 1")
    dg = graph if isinstance(graph, DiffusionGraph) else prepare(graph, prob, model=model,
                                                                   project=project, seed=seed)  # fmt: skip
    if costs and budget is None:
        raise InputError(
            "costs need a budget (--budget)", fr="des coûts demandent un budget (--budget)"
        )
    if budget is not None and not costs:
        raise InputError(
            "a budget needs costs (--costs FILE of id,cost)",
            fr="un budget demande des coûts (--costs FICHIER d'identifiant,coût)",
        )
    allowed, cost = constraints(dg, exclude=exclude, candidates=candidates, costs=costs)
    n_cand = int(allowed.sum())
    warnings = eligible_warnings(k, n_cand)
    t1, c1 = time.perf_counter(), time.process_time()
    sel = imm_select(dg, k, model=model, eps=eps, seed=seed, allowed=allowed, costs=cost,
                     budget=budget, fresh=fresh)  # fmt: skip
    t_imm, c_imm = time.perf_counter() - t1, time.process_time() - c1
    picks = sel["picks"]
    if len(picks) < min(int(k), n_cand) and (cost is None):
        # nodes that cover no RR set add nothing: fill with the highest out-degree ones left
        rest = np.flatnonzero(allowed & ~np.isin(np.arange(dg.n), picks))
        deg = np.diff(dg.indptr)[rest]
        extra = rest[np.argsort(-deg, kind="stable")][: min(int(k), n_cand) - len(picks)]
        picks = np.concatenate([picks, extra])
    t2 = time.perf_counter()
    sim_seed = seed if isinstance(seed, np.random.Generator) else [int(seed), 7]
    out, _ = spreads(dg, picks, model=model, runs=runs, seed=sim_seed)
    t_sim = time.perf_counter() - t2
    res = {
        "algorithm": "IMM",
        "model": model,
        "prob": prob if not isinstance(graph, DiffusionGraph) else "given",
        "k": int(k),
        "eligible": n_cand,
        "eps": eps,
        "seed": seed,
        "nodes": dg.n,
        "edges": dg.m,
        "seeds": [str(dg.nodes[i]) for i in picks],
        "spread": summarize(out) if len(picks) else summarize(np.zeros(2)),
        "rr_estimate": sel["rr_estimate"],
        "rr_sets": sel["rr_sets"],
        "rr_sets_sampling": sel.get("rr_sets_sampling", 0),
        "simulation_runs": runs,
        "seconds": {
            "imm": t_imm,
            "imm_cpu": c_imm,  # CPU time of all threads: what the step costs on an idle machine
            **sel.get("timing", {}),
            "simulation": t_sim,
            "total": time.perf_counter() - t0,
        },
        "warnings": warnings,
    }
    if cost is not None:
        res["cost"] = float(cost[picks].sum())
        res["budget"] = budget
    return res
