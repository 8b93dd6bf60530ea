"""The observed graph from the store: directions, kinds, windows, targets, attributes."""

from __future__ import annotations

import pytest

from bascule.errors import InputError
from bascule.graph.build import observed_graph


def _edges(g) -> dict:  # noqa: ANN001
    return {
        (str(g.nodes[s]), str(g.nodes[d])): float(w)
        for s, d, w in zip(g.src, g.dst, g.weight, strict=True)
    }


def test_amplify_graph_flows_from_the_amplified_to_the_amplifier(net_project) -> None:  # noqa: ANN001
    g = observed_graph(net_project)
    assert _edges(g) == {
        ("m:off", "m:a1"): 2.0,  # a repost and a quote
        ("m:off", "m:a2"): 1.0,
        ("m:off", "m:a3"): 1.0,
        ("m:off", "m:a4"): 1.0,
        ("m:off", "m:pub"): 1.0,
        ("m:a1", "m:a2"): 1.0,
    }
    i = g.index_of(["m:off"])[0]
    assert g.attrs["official"][i] == "caq" and g.attrs["handle"][i] == "coalitionavenir"
    assert g.attrs["followers"][i] == 50_000


def test_kinds_windows_and_targets(net_project) -> None:  # noqa: ANN001
    reply = observed_graph(net_project, kind="reply")
    assert set(_edges(reply)) == {("m:b1", f"m:b{i}") for i in (2, 3, 4)} | {("m:b1", "m:pub")}
    mention = observed_graph(net_project, kind="mention")
    assert _edges(mention) == {("m:b3", "m:b2"): 1.0, ("m:b4", "m:b3"): 1.0, ("m:b1", "m:b4"): 1.0}
    assert observed_graph(net_project, kind="all").m == 12  # b4 both replied to and mentioned b1
    assert observed_graph(net_project, until="2026-09-01").m == 0
    late = observed_graph(net_project, since="2026-09-01 12:40")
    assert _edges(late) == {
        ("m:off", "m:a4"): 1.0,
        ("m:off", "m:a1"): 1.0,  # the quote only: the repost came before
        ("m:a1", "m:a2"): 1.0,
        ("m:off", "m:pub"): 1.0,
    }
    on_caq = observed_graph(net_project, kind="all", target="caq")
    # interactions whose post, or the post acted on, was analysed for the target: the
    # mentions in unanalysed replies drop out, replies to an analysed post stay
    assert on_caq.m == 10 and ("m:b3", "m:b2") not in _edges(on_caq)
    assert ("m:b1", "m:b2") in _edges(on_caq) and ("m:off", "m:a1") in _edges(on_caq)
    with pytest.raises(InputError, match="unknown graph kind"):
        observed_graph(net_project, kind="likes")
