"""Diffusion: IC Monte Carlo speed beside CyNetDiff and NDlib, IMM on NetHEPT beside the C++ one.

NetHEPT is `nethept/NetHEPT_dedup_wc.txt.gz` (32,235 arcs, p = 1/in-degree): the file on which
the reference IMM numbers were measured (authors' C++ IMM: 0.31 s, 752k RR sets, spread 1,294;
PNNL Ripples 1.40 s; both one thread, this machine kind). Compile time is excluded (warm-up).
"""

from __future__ import annotations

import array
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CPP_IMM_SECONDS = 0.31
RIPPLES_SECONDS = 1.40


def _best(f, repeat: int) -> tuple[float, object]:  # noqa: ANN001
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        o = f()
        dt = time.perf_counter() - t
        if dt < best:
            best, out = dt, o
    return best, out


def _cynetdiff(dg, seeds: np.ndarray, runs: int) -> tuple[float, float]:  # noqa: ANN001
    from cynetdiff.models import IndependentCascadeModel

    starts = array.array("I", dg.indptr[:-1].astype(np.uint32).tobytes())
    edges = array.array("I", dg.indices.astype(np.uint32).tobytes())
    probs = array.array("f", dg.probs.astype(np.float32).tobytes())
    model = IndependentCascadeModel(starts, edges, activation_probs=probs, rng=1)
    model.set_seeds([int(s) for s in seeds])
    model.compute_marginal_gains([int(s) for s in seeds], [], 100)  # warm-up
    dt, gains = _best(lambda: model.compute_marginal_gains([int(s) for s in seeds], [], runs), 2)
    return runs / dt, float(gains[0])


def _ndlib(dg, seeds: np.ndarray, runs: int) -> tuple[float, float]:  # noqa: ANN001
    import ndlib.models.epidemics as ep
    import networkx as nx
    from ndlib.models.ModelConfig import Configuration

    g = nx.DiGraph()
    g.add_nodes_from(range(dg.n))
    src = np.repeat(np.arange(dg.n), np.diff(dg.indptr))
    g.add_edges_from(zip(src.tolist(), dg.indices.tolist(), strict=False))
    cfg = Configuration()
    cfg.add_model_initial_configuration("Infected", [int(s) for s in seeds])
    for u, v, p in zip(src.tolist(), dg.indices.tolist(), dg.probs.tolist(), strict=False):
        cfg.add_edge_configuration("threshold", (u, v), p)
    sizes = []
    t = time.perf_counter()
    for r in range(runs):
        model = ep.IndependentCascadesModel(g, seed=r)
        model.set_initial_status(cfg)
        while True:
            it = model.iteration(node_status=False)
            if it["node_count"].get(1, 0) == 0:
                break
        sizes.append(it["node_count"].get(2, 0))
    dt = time.perf_counter() - t
    return runs / dt, float(np.mean(sizes))


def run(data: Path, quick: bool) -> str:
    """IC simulations per second (Bascule, CyNetDiff, NDlib) and IMM k=50 on NetHEPT."""
    import numba

    from bascule.diffusion.imm import seeds as imm_seeds
    from bascule.diffusion.probabilities import prepare
    from bascule.diffusion.simulate import spreads, summarize
    from bascule.graph.io import read_graph

    path = data / "nethept" / "NetHEPT_dedup_wc.txt.gz"
    g = read_graph(path)
    dg = prepare(g, "wc")
    threads = numba.get_num_threads()
    imm_seeds(dg, 5, runs=100)  # warm-up: load or compile the kernels
    # -- IMM, k = 50, eps = 0.1 -----------------------------------------------------------------
    reps = 1 if quick else 3
    _, res = _best(lambda: imm_seeds(dg, 50, eps=0.1, seed=0, runs=1000), reps)
    numba.set_num_threads(1)
    try:
        cpu0 = time.process_time()
        _, res1 = _best(lambda: imm_seeds(dg, 50, eps=0.1, seed=0, runs=1000), reps)
        cpu_one = (time.process_time() - cpu0) / reps
    finally:
        numba.set_num_threads(threads)
    _, orig = _best(lambda: imm_seeds(dg, 50, eps=0.1, seed=0, runs=1000, fresh=False), reps)
    orig_check, _ = spreads(dg, np.asarray([int(s) for s in orig["seeds"]], np.int64),
                            runs=10000, seed=12345)  # fmt: skip
    seeds = np.asarray([int(s) for s in res["seeds"]], dtype=np.int64)
    check, _ = spreads(dg, seeds, runs=10000, seed=12345)  # independent of IMM's streams
    check_ci = summarize(check)
    # -- whole command, fresh process (kernels cached on disk) ------------------------------
    cmd = [sys.executable, "-m", "bascule.cli", "seeds", "--graph", str(path), "--k", "50",
           "--eps", "0.1", "--json"]  # fmt: skip
    bascule_exe = Path(sys.executable).with_name("bascule")
    if bascule_exe.exists():
        cmd = [str(bascule_exe), *cmd[3:]]
    subprocess.run(cmd, capture_output=True, check=True, env=os.environ)  # fills the JIT cache
    t_cmd = cpu_cmd = float("inf")
    for _ in range(3):  # best of three fresh processes, compile time excluded
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=os.environ)
        t_cmd = min(t_cmd, time.perf_counter() - t)
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu_cmd = min(cpu_cmd, (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime))
    cmd_res = json.loads(out.stdout)
    # -- IC Monte Carlo throughput ------------------------------------------------------------
    runs = 2000 if quick else 20000
    spreads(dg, seeds, runs=100, seed=0)
    dt, (sizes, _) = _best(lambda: spreads(dg, seeds, runs=runs, seed=1), 3)
    ours, our_mean = runs / dt, float(sizes.mean())
    numba.set_num_threads(1)
    try:
        dt1, _ = _best(lambda: spreads(dg, seeds, runs=runs // 2, seed=1), 2)
    finally:
        numba.set_num_threads(threads)
    ours1 = runs // 2 / dt1
    cyn, cyn_mean = _cynetdiff(dg, seeds, 2000 if quick else 10000)
    try:
        nd, nd_mean = _ndlib(dg, seeds, 1 if quick else 3)
        nd_txt = f"{nd:,.2f}"
    except ImportError:
        nd, nd_mean, nd_txt = float("nan"), float("nan"), "not installed (`pip install ndlib`)"
    print(f"IC sims/s: bascule {ours:,.0f}, cynetdiff {cyn:,.0f}, ndlib {nd:,.2f}")
    t_imm, t_one = res["seconds"]["imm"], res1["seconds"]["imm"]
    print(f"IMM: {t_imm:.3f} s ({threads} threads), {t_one:.3f} s (1 thread), "
          f"spread {res['spread']['mean']:.1f}, command {t_cmd:.2f} s")  # fmt: skip
    s = res["seconds"]
    lines = [
        "## diffusion",
        "",
        f"NetHEPT (`nethept/NetHEPT_dedup_wc.txt.gz`, {dg.n:,} nodes, {dg.m:,} arcs, weighted "
        f"cascade), IC model, the 50 IMM seeds. numba with {threads} threads; CyNetDiff and "
        "NDlib are single-threaded. Compile time excluded (kernels cached on disk). Load "
        f"average when run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other jobs "
        "running make every time here an upper bound).",
        "",
        "| IC Monte Carlo | simulations/s | mean spread | Bascule is |",
        "|---|---:|---:|---:|",
        f"| Bascule (numba, {threads} threads) | {ours:,.0f} | {our_mean:,.1f} | — |",
        f"| Bascule (numba, 1 thread) | {ours1:,.0f} | | {ours1 / cyn:.2f}× CyNetDiff |",
        f"| CyNetDiff `compute_marginal_gains` | {cyn:,.0f} | {cyn_mean:,.1f} | "
        f"{ours / cyn:.2f}× (goal ≥ 1.0×) |",
        f"| NDlib (few runs, extrapolated) | {nd_txt} | {nd_mean:,.1f} | "
        f"{ours / nd:,.0f}× (goal ≥ 40×) |",
        "",
        "| IMM k=50, ε=0.1 | time (s) | RR sets | spread (independent MC) |",
        "|---|---:|---:|---:|",
        f"| Bascule IMM step, {threads} threads | {s['imm']:.3f} (CPU {s['imm_cpu']:.3f}) "
        f"| {res['rr_sets']:,} (+{res['rr_sets_sampling']:,} sampling) | "
        f"{check_ci['mean']:,.1f} (95% CI {check_ci['ci95'][0]:,.1f}–"
        f"{check_ci['ci95'][1]:,.1f}) |",
        f"| Bascule IMM step, 1 thread | {t_one:.3f} (CPU {res1['seconds']['imm_cpu']:.3f}; whole "
        f"`seeds()` CPU {cpu_one:.3f}) "
        f"| {res1['rr_sets']:,} | {res1['spread']['mean']:,.1f} (1k runs) |",
        f"| Bascule, original IMM (sampling sets reused, `fresh=False`), {threads} threads | "
        f"{orig['seconds']['imm']:.3f} | {orig['rr_sets']:,} | {orig_check.mean():,.1f} |",
        f"| whole `bascule seeds --k 50` command (fresh process) | {t_cmd:.2f} "
        f"(inside: {cmd_res['seconds_command']:.2f}; CPU {cpu_cmd:.2f}) | {cmd_res['rr_sets']:,} | "
        f"{cmd_res['spread']['mean']:,.1f} |",
        f"| authors' C++ IMM (reference, 1 thread) | {CPP_IMM_SECONDS} | 752k | 1,294 |",
        f"| PNNL Ripples (reference, 1 thread) | {RIPPLES_SECONDS} | | |",
        "",
        f"IMM step vs the authors' C++: {s['imm'] / CPP_IMM_SECONDS:.2f}× its time with "
        f"{threads} threads (goal ≤ 2×), {t_one / CPP_IMM_SECONDS:.2f}× on one thread; in CPU "
        f"time on one thread (what an idle machine would take) "
        f"{res1['seconds']['imm_cpu'] / CPP_IMM_SECONDS:.2f}×. Where the time goes (best run, "
        f"{threads} threads): sampling phase (lower bound on OPT, {res['rr_sets_sampling']:,} RR "
        f"sets, a greedy per round) {s['sampling_phase']:.3f} s; fresh RR sets for the final "
        f"selection {s['final_rr_sets']:.3f} s; final greedy max-coverage "
        f"{s['final_selection']:.3f} s; independent forward simulation {s['simulation']:.3f} s. "
        "The final phase draws its RR sets afresh (Chen 2018's fix of IMM's martingale "
        "argument), which the authors' C++ does not: it reuses the sampling-phase sets, so "
        "we generate "
        f"{(res['rr_sets_sampling'] + res['rr_sets']) / max(res['rr_sets'], 1):.2f}× the sets "
        "it does (it stops at about θ ≈ 752k in all); `fresh=False` above is the original "
        "scheme. The rest of the whole command, measured in CPU time on this machine: Python "
        "start-up and the `bascule` CLI imports (pyarrow, pandas) ≈ 0.65 s, importing numba "
        "≈ 0.2 s, reading the graph ≈ 0.1 s, and loading the cached kernels on their first "
        "call ≈ 0.45 s (numba initialises LLVM and checks its cache index); these do not shrink "
        "with the graph. Wall-clock figures here are inflated by the load average above "
        "(8 jobs sharing 2 cores); CPU times are the fairer comparison.",
    ]
    return "\n".join(lines)
