"""Monte Carlo spread against exact enumeration of live-edge worlds (Kempe et al. 2003)."""

from __future__ import annotations

import itertools

import numba
import numpy as np
import pytest

from bascule.diffusion.probabilities import prepare
from bascule.diffusion.simulate import simulate, spreads

EDGES = [(0, 1, 0.5), (0, 2, 0.4), (1, 3, 0.3), (2, 3, 0.6), (3, 4, 0.9), (1, 2, 0.2)]


def _reach(n: int, live: list[tuple[int, int]], seeds: set[int]) -> int:
    seen, stack = set(seeds), list(seeds)
    while stack:
        u = stack.pop()
        for a, b in live:
            if a == u and b not in seen:
                seen.add(b)
                stack.append(b)
    return len(seen)


def exact_ic(edges, n: int, seeds: set[int]) -> float:  # noqa: ANN001
    """Expected spread by summing over all 2^m live-edge graphs."""
    total = 0.0
    for mask in itertools.product([0, 1], repeat=len(edges)):
        pr = np.prod([p if on else 1 - p for (_, _, p), on in zip(edges, mask, strict=False)])
        live = [(a, b) for (a, b, _), on in zip(edges, mask, strict=False) if on]
        total += pr * _reach(n, live, seeds)
    return total


def exact_lt(edges, n: int, seeds: set[int]) -> float:  # noqa: ANN001
    """LT as live edges: each node keeps at most one in-edge, edge (u,v) with prob w(u,v)."""
    choices = []
    for v in range(n):
        ins = [(a, p) for a, b, p in edges if b == v]
        choices.append([(a, p) for a, p in ins] + [(None, 1 - sum(p for _, p in ins))])
    total = 0.0
    for pick in itertools.product(*choices):
        pr = np.prod([p for _, p in pick])
        live = [(a, v) for v, (a, _) in enumerate(pick) if a is not None]
        total += pr * _reach(n, live, seeds)
    return total


@pytest.mark.parametrize("seeds", [{0}, {1, 2}])
def test_ic_matches_exact_enumeration(tiny, seeds: set[int]) -> None:
    exact = exact_ic(EDGES, 5, seeds)
    res = simulate(tiny(EDGES), [str(s) for s in seeds], prob="weight", runs=40000, seed=3)
    lo, hi = res["spread"]["ci95"]
    assert abs(res["spread"]["mean"] - exact) < 0.03
    assert lo - 0.01 < exact < hi + 0.01


def test_lt_matches_exact_enumeration(tiny) -> None:
    edges = [(0, 1, 0.5), (0, 2, 0.4), (1, 3, 0.3), (2, 3, 0.6), (3, 4, 0.9), (1, 2, 0.2)]
    exact = exact_lt(edges, 5, {0})
    res = simulate(tiny(edges), ["0"], model="lt", prob="weight", runs=40000, seed=5)
    assert abs(res["spread"]["mean"] - exact) < 0.03


def test_exact_values_by_hand(tiny) -> None:
    # a chain 0 -> 1 -> 2 with p = 0.5: 1 + 0.5 + 0.25
    assert exact_ic([(0, 1, 0.5), (1, 2, 0.5)], 3, {0}) == pytest.approx(1.75)
    res = simulate(tiny([(0, 1, 1.0), (1, 2, 1.0)], n=4), ["0"], prob="weight", runs=10)
    assert res["spread"]["mean"] == 3.0 and res["spread"]["ci95"] == [3.0, 3.0]


def test_same_seed_same_result_whatever_the_threads(tiny) -> None:
    dg = prepare(tiny(EDGES), "weight")
    s = np.array([0], dtype=np.int64)
    a, _ = spreads(dg, s, runs=500, seed=11)
    old = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        b, _ = spreads(dg, s, runs=500, seed=11)
    finally:
        numba.set_num_threads(old)
    c, _ = spreads(dg, s, runs=500, seed=12)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_per_group_breakdown(tiny) -> None:
    g = tiny([(0, 1, 1.0), (1, 2, 1.0), (3, 4, 1.0)])
    res = simulate(g, ["0"], prob="weight", runs=20, groups={"0": "a", "1": "a", "2": "b",
                                                               "3": "b", "4": "b"})  # fmt: skip
    by = {r["group"]: r for r in res["groups"]}
    assert by["a"]["reached"]["mean"] == 2 and by["a"]["fraction"] == 1.0
    assert by["b"]["reached"]["mean"] == 1 and by["b"]["fraction"] == pytest.approx(1 / 3)


def test_groups_sorted_by_size_then_number_and_small_ones_hidden(tiny) -> None:
    # labels were sorted as text (0, 1, 10, 11, 2, ...) and groups of 1 shown as "of 1"
    g = tiny([(i, i + 1, 1.0) for i in range(29)])
    groups = {str(i): i // 2 for i in range(24)}  # communities 0..11 of 2 nodes each
    groups.update({str(i): 12 for i in range(24, 29)} | {"29": 13})  # 5 nodes, and 1
    res = simulate(g, ["0"], prob="weight", runs=5, groups=groups)
    assert [r["group"] for r in res["groups"]] == [12, *range(12), 13]
    assert res["groups_suppressed"] == 0
    hidden = simulate(g, ["0"], prob="weight", runs=5, groups=groups, min_group_size=3)
    assert [(r["group"], r["size"]) for r in hidden["groups"]] == [(12, 5)]
    assert hidden["groups_suppressed"] == 13 and hidden["min_group_size"] == 3
