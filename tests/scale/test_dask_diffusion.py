"""Monte Carlo and RR sets on Dask workers equal the embedded engine's, draw for draw."""

from __future__ import annotations

import numpy as np

from bascule.diffusion import engine, rrsets
from bascule.graph.model import Graph
from bascule.scale import dask_diffusion


def _graph(n: int = 300, m: int = 1500, seed: int = 3) -> Graph:
    rng = np.random.default_rng(seed)
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = src != dst
    return Graph.from_edges(src[keep], dst[keep], nodes=[str(i) for i in range(n)])


def test_monte_carlo_matches_embedded(dask_client) -> None:  # noqa: ANN001
    g = _graph()
    indptr, indices, _ = g.csr()
    probs = 1.0 / np.maximum(g.in_degree()[indices], 1)
    seeds = np.array([0, 5, 9], dtype=np.int64)
    groups = (np.arange(g.n) % 3).astype(np.int64)
    base = engine.base_seed(7)
    want = engine.monte_carlo(indptr, indices, probs, seeds, 500, base, False, groups, 3)
    got = dask_diffusion.monte_carlo(
        dask_client, indptr, indices, probs, seeds, 500, base, False, groups, 3, chunks=7
    )
    np.testing.assert_array_equal(want[0], got[0])
    np.testing.assert_array_equal(want[1], got[1])
    assert want[0].mean() > len(seeds)


def test_rr_sets_match_embedded(dask_client) -> None:  # noqa: ANN001
    g = _graph()
    rindptr, rindices, _ = g.csr(reverse=True)
    rprobs = np.full(len(rindices), 0.2)
    base = engine.base_seed(11)
    flat, offs = rrsets._rr_chunk(rindptr, rindices, rprobs, base, 0, 3000, False)
    got_flat, got_offs = dask_diffusion.rr_sets(
        dask_client, rindptr, rindices, rprobs, base, 0, 3000, False, chunks=5
    )
    np.testing.assert_array_equal(np.asarray(offs), got_offs)
    np.testing.assert_array_equal(np.asarray(flat)[: offs[-1]], got_flat[: got_offs[-1]])


def test_seeds_and_simulate_inside_the_dask_backend(dask_client) -> None:  # noqa: ANN001
    from bascule.diffusion.imm import seeds
    from bascule.diffusion.simulate import simulate

    g = _graph(n=400, m=2400, seed=5)
    local = seeds(g, 5, eps=0.3, seed=2, runs=300)
    sim = simulate(g, ["1", "2"], runs=300, seed=4)
    with engine.backend(**dask_diffusion.backend(dask_client)):
        remote = seeds(g, 5, eps=0.3, seed=2, runs=300)
        remote_sim = simulate(g, ["1", "2"], runs=300, seed=4)
    assert remote["seeds"] == local["seeds"]
    assert remote["spread"] == local["spread"]
    assert remote_sim["spread"] == sim["spread"]


def test_cli_seeds_engine_dask_matches_embedded(dask_client, capsys) -> None:  # noqa: ANN001
    import json
    from pathlib import Path

    from bascule.cli import main

    graph = Path(__file__).resolve().parents[2] / "data" / "nethept" / "NetHEPT_wc.txt.gz"
    args = ["seeds", "--graph", str(graph), "--k", "3", "--eps", "0.5", "--runs", "200", "--json"]
    assert main(args) == 0
    local = json.loads(capsys.readouterr().out)
    assert main([*args, "--engine", "dask", "--scheduler", dask_client.scheduler.address]) == 0
    remote = json.loads(capsys.readouterr().out)
    assert remote["seeds"] == local["seeds"] and remote["spread"] == local["spread"]


def test_tipping_sweep_on_dask_matches_embedded(dask_client) -> None:  # noqa: ANN001
    from bascule.diffusion.tipping import tipping

    local = tipping("threshold", "er", n=300, degree=3.0, runs=6, seed=1)
    with engine.backend(**dask_diffusion.backend(dask_client)):
        remote = tipping("threshold", "er", n=300, degree=3.0, runs=6, seed=1)
    assert remote["curve"] == local["curve"]
    assert remote["critical_fraction"] == local["critical_fraction"]
