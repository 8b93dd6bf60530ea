"""Edge probabilities and bad input: clear errors or defined results."""

from __future__ import annotations

import numpy as np
import pytest

from bascule.diffusion.imm import seeds
from bascule.diffusion.probabilities import edge_probabilities, prepare
from bascule.diffusion.simulate import simulate
from bascule.errors import InputError
from bascule.graph.model import Graph


def test_weighted_cascade_is_one_over_in_degree(tiny) -> None:
    g = tiny([(0, 2, 1.0), (1, 2, 1.0), (3, 2, 1.0), (0, 1, 1.0)])
    p = edge_probabilities(g, "wc")
    assert p.tolist() == pytest.approx([1 / 3, 1 / 3, 1 / 3, 1.0])


def test_uniform_trivalency_and_lt_normalisation(tiny) -> None:
    g = tiny([(0, 2, 1.0), (1, 2, 1.0), (3, 2, 1.0)])
    assert edge_probabilities(g, "uniform:0.2").tolist() == [0.2] * 3
    assert set(edge_probabilities(g, "trivalency", seed=1)) <= {0.1, 0.01, 0.001}
    lt = edge_probabilities(g, "uniform:0.5", model="lt")
    assert lt.sum() == pytest.approx(1.0)


@pytest.mark.parametrize("prob", ["uniform:1.5", "uniform:-0.1", "uniform:x", "bogus"])
def test_bad_probabilities_are_clear_errors(tiny, prob: str) -> None:
    with pytest.raises(InputError):
        edge_probabilities(tiny([(0, 1, 0.5)]), prob)


def test_weights_outside_unit_interval_rejected(tiny) -> None:
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        prepare(tiny([(0, 1, 2.0)]), "weight")


def test_empty_graph_is_an_error() -> None:
    empty = Graph(np.array([], dtype=str), np.zeros(0, np.int64), np.zeros(0, np.int64),
                  np.zeros(0))  # fmt: skip
    with pytest.raises(InputError, match="empty"):
        simulate(empty, [], runs=10)
    with pytest.raises(InputError, match="empty"):
        seeds(empty, 3)


def test_self_loops_dropped_and_counted(tiny) -> None:
    g = tiny([(0, 0, 1.0), (0, 1, 1.0), (1, 1, 1.0)])
    res = simulate(g, ["0"], prob="weight", runs=10)
    assert res["self_loops_dropped"] == 2 and res["spread"]["mean"] == 2.0


def test_unknown_seed_and_bad_runs(tiny) -> None:
    g = tiny([(0, 1, 1.0)])
    with pytest.raises(InputError, match="not a node"):
        simulate(g, ["9"], runs=10)
    with pytest.raises(InputError, match="runs"):
        simulate(g, ["0"], runs=0)


def test_k_larger_than_n_and_disconnected(tiny) -> None:
    g = tiny([(0, 1, 1.0), (2, 3, 1.0)], n=5)  # node 4 isolated
    res = seeds(g, 10, prob="weight", runs=50)
    assert sorted(res["seeds"]) == ["0", "1", "2", "3", "4"]
    assert res["spread"]["mean"] == 5.0
    assert res["warnings"]
    two = seeds(g, 2, prob="weight", runs=50)
    assert sorted(two["seeds"]) == ["0", "2"] and two["spread"]["mean"] == 4.0


def test_undirected_graph_gives_both_arcs() -> None:
    g = Graph(np.array(["a", "b"]), np.array([0]), np.array([1]), np.array([1.0]), directed=False)
    assert simulate(g, ["b"], prob="weight", runs=10)["spread"]["mean"] == 2.0
