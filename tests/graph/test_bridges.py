"""Bridges: participation coefficient and reach into undecided communities."""

from __future__ import annotations

import pytest

from bascule.graph.bridges import bridges
from bascule.graph.build import observed_graph
from bascule.graph.model import Graph


def test_participation_on_a_hand_made_graph() -> None:
    # x links two a's and two b's: participation 1 - (1/2)^2 - (1/2)^2 = 0.5
    g = Graph.from_edges(["x", "x", "x", "x", "a1", "b1"], ["a1", "a2", "b1", "b2", "a2", "b2"])
    membership = {"x": 0, "a1": 0, "a2": 0, "b1": 1, "b2": 1}
    res = bridges(g, membership=membership)
    top = res["bridges"][0]
    assert top["node"] == "x" and top["participation"] == pytest.approx(0.5)
    assert top["external_links"] == 2.0 and top["communities_reached"] == 1
    b1 = next(r for r in res["bridges"] if r["node"] == "b1")
    assert b1["participation"] == pytest.approx(0.5) and b1["external_links"] == 1.0


def test_project_bridges_rank_by_reach_into_undecided(net_project) -> None:  # noqa: ANN001
    g = observed_graph(net_project, kind="all")
    res = bridges(g, project=net_project)
    assert res["undecided_known"]
    names = [r["handle"] for r in res["bridges"]]
    assert set(names) == {"coalitionavenir", "publicfan"}
    # the official account's link lands in the hesitant community: it ranks first
    assert names[0] == "coalitionavenir" and res["bridges"][0]["reach_undecided"] > 0


def test_empty_graph_has_no_bridges() -> None:
    assert bridges(Graph.from_edges([], []))["bridges"] == []
