"""Influence: PageRank against networkx, cascades, Pareto shares on real retweet trees."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.errors import InputError
from bascule.graph.influence import (
    cascade_influence,
    gini,
    influencers,
    lorenz,
    lorenz_figure,
    pagerank,
    parse_top,
    read_cascades,
    top_share,
)
from bascule.graph.io import from_networkx, read_graph, to_networkx
from bascule.graph.model import Graph

SLICE = Path(__file__).resolve().parents[2] / "data" / "twitter15" / "edges_slice.tsv.gz"


def test_pagerank_matches_networkx_on_a_weighted_graph_with_dangling_nodes() -> None:
    G = nx.gnp_random_graph(60, 0.06, seed=3, directed=True)
    for u, v in G.edges():
        G[u][v]["weight"] = 1 + (u * v) % 4
    G.add_node(99)  # isolated, dangling
    g = from_networkx(G)
    ours = pagerank(g)
    ref = nx.pagerank(G, weight="weight")
    assert max(abs(ours[i] - ref[int(n)]) for i, n in enumerate(g.nodes)) < 1e-6
    rev = pagerank(g, reverse=True)
    ref_rev = nx.pagerank(G.reverse(), weight="weight")
    assert max(abs(rev[i] - ref_rev[int(n)]) for i, n in enumerate(g.nodes)) < 1e-6


def test_pagerank_on_real_retweet_trees_matches_networkx() -> None:
    g = read_graph(SLICE).without_self_loops()
    ref = nx.pagerank(to_networkx(g).reverse())
    ours = pagerank(g, reverse=True)
    assert max(abs(ours[i] - ref[n]) for i, n in enumerate(g.nodes)) < 1e-6


def test_cascade_influence_direct_and_downstream() -> None:
    # A's post a1 is amplified by B and C... B's amplification by D; A's a2 by E
    c = pd.DataFrame(
        {
            "post_id": ["b1", "c1", "d1", "e1"],
            "parent_post_id": ["a1", "a1", "b1", "a2"],
            "author_id": ["B", "C", "D", "E"],
            "parent_author": ["A", "A", "B", "A"],
        }
    )
    per = cascade_influence(c)
    assert per.loc["A"].tolist() == [3.0, 1.0]  # 3 direct, 1 downstream (D via B)
    assert per.loc["B"].tolist() == [1.0, 0.0]
    assert per.loc["D"].tolist() == [0.0, 0.0]


def test_cascade_cycles_are_cut_not_looped_forever() -> None:
    c = pd.DataFrame(
        {
            "post_id": ["x", "y"],
            "parent_post_id": ["y", "x"],
            "author_id": ["X", "Y"],
            "parent_author": ["Y", "X"],
        }
    )
    per = cascade_influence(c)
    assert per["direct"].sum() == 0.0


def test_imported_retweet_trees_credit_the_accounts_the_file_credits(project) -> None:  # noqa: ANN001
    """Imported into a project, Twitter15 trees credit the source's author and each retweeter
    who passed it on as reading the file does (not the source's last-written retweeter)."""
    from bascule.graph.build import observed_graph
    from bascule.sources.importer import import_files

    import_files(project, [SLICE])
    res = influencers(observed_graph(project), project=project, top=1.0)
    by = {r["node"]: r for r in res["top"]}

    def credit(uid: str) -> tuple[float, float]:
        row = by[project.pseudonymizer.author_id("twitter", uid)]
        return row["direct"], row["downstream"]

    assert credit("503238478") == (132.0, 86.0)  # the source of tree 356297080169447425
    assert credit("365190304") == (5.0, 0.0)  # passed it to 5 accounts
    assert credit("279390084") == (210.0, 11.0)
    assert res["source"] == "cascades" and res["amplifications"] == 1367.0
    # the amplification graph has the tree's edges, as read from the file
    file_graph = read_graph(SLICE).without_self_loops()
    pid = project.pseudonymizer.author_id
    file_edges = {
        (pid("twitter", str(file_graph.nodes[s])), pid("twitter", str(file_graph.nodes[d])))
        for s, d in zip(file_graph.src, file_graph.dst, strict=True)
    }
    g = observed_graph(project)
    edges = {(str(g.nodes[s]), str(g.nodes[d])) for s, d in zip(g.src, g.dst, strict=True)}
    # all but the file's 3 links from a retweeter to the source's author, listed again
    assert edges <= file_edges and len(edges) == len(file_edges) - 3


def test_pareto_helpers_exact() -> None:
    v = np.array([0, 0, 0, 10.0])
    assert gini(v) == pytest.approx(0.75)
    assert gini(np.ones(5)) == pytest.approx(0.0)
    assert top_share(v, 0.01) == 1.0 and top_share(np.ones(10), 0.1) == pytest.approx(0.1)
    lz = lorenz(v)
    assert lz["x"] == [0.0, 0.25, 0.5, 0.75, 1.0] and lz["y"] == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert parse_top("1%") == 0.01 and parse_top("50") == 50.0


def test_top_share_of_100_percent_is_everyone_and_a_count_is_an_int() -> None:
    # 100% parsed to 1.0, which was read as a count of one account; 99% gave 99 of 100
    g = Graph.from_edges([str(i) for i in range(99)], [str(i + 1) for i in range(99)])
    assert g.n == 100
    assert parse_top("100%") == 1.0 and isinstance(parse_top("1"), int)
    assert len(influencers(g, top=parse_top("100%"))["top"]) == 100
    assert len(influencers(g, top=parse_top("99%"))["top"]) == 99
    assert len(influencers(g, top=1.0)["top"]) == 100  # the web API's share (at most 1)
    assert len(influencers(g, top=parse_top("1"))["top"]) == 1  # a count of one
    assert len(influencers(g, top=parse_top("50"))["top"]) == 50
    assert len(influencers(g, top=50.0)["top"]) == 50  # a whole float above 1: a count
    # a share of a round number is exact (0.07 * 100 is 7.000000000000001 in floats)
    assert len(influencers(g, top=parse_top("7%"))["top"]) == 7
    assert top_share(np.arange(100.0), 0.07) == pytest.approx(sum(range(93, 100)) / 4950)
    for bad in ("0%", "150%", "-3", "0", "2.5", "lots"):
        with pytest.raises(InputError, match="--top"):
            parse_top(bad)
    with pytest.raises(InputError, match="--top"):
        influencers(g, top=2.5)


def test_twitter15_slice_pareto_and_top_influencers() -> None:
    g = read_graph(SLICE)
    cascades = read_cascades(SLICE)
    res = influencers(g, cascades=cascades, top=5)
    assert res["source"] == "cascades" and res["nodes"] == 1371
    # every amplification is credited once to the author amplified
    assert res["amplifications"] == 1367.0
    p = res["pareto"]
    assert p["top_1pct_share"] == pytest.approx(0.872, abs=1e-3)
    assert p["top_10pct_share"] == pytest.approx(0.990, abs=1e-3)
    assert 0.95 < p["gini"] < 1.0
    top = res["top"]
    assert [r["node"] for r in top[:2]] == ["279390084", "503238478"]
    assert (top[0]["direct"], top[0]["downstream"]) == (210.0, 11.0)
    assert top[1]["downstream"] == 86.0  # a source whose retweeters were retweeted
    assert lorenz_figure(res, "en").layout.title.text.startswith("The top 1% produce 87%")
    fr = lorenz_figure(res, "fr").layout.title.text  # French numbers: "87 %", "Gini 0,97"
    assert fr.startswith("Le 1 % le plus relayé produit 87\u202f%") and "Gini 0,9" in fr


def test_graph_only_influence_uses_out_strength_and_handles_tiny_graphs() -> None:
    g = Graph.from_edges(["a", "a", "b", "c"], ["b", "c", "c", "c"], [2, 1, 1, 5])
    res = influencers(g, top=3)
    assert res["source"] == "graph"
    assert [(r["node"], r["direct"], r["downstream"]) for r in res["top"]] == [
        ("a", 3.0, None),
        ("b", 1.0, None),
        ("c", 0.0, None),
    ]
    empty = influencers(Graph.from_edges([], []))
    assert empty["nodes"] == 0 and empty["top"] == [] and empty["pareto"]["gini"] == 0.0
    one = influencers(Graph.from_edges(["x"], ["x"]))  # one node, a self-loop only
    assert one["nodes"] == 1 and one["amplifications"] == 0.0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_lorenz_legend_sits_below_the_plot(lang: str) -> None:
    # at the right, the legend squeezed the plot to 176 px of a 390 px phone
    res = influencers(Graph.from_edges(["a", "a", "b"], ["b", "c", "c"]))
    legend = lorenz_figure(res, lang).layout.legend
    assert legend.orientation == "h" and legend.y < 0 and legend.yanchor == "top"
    assert (legend.x, legend.xanchor) == (0, "left")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=1, max_size=40))
def test_every_amplification_is_credited_once(parents: list[int]) -> None:
    """On any forest of posts, direct credits sum to the links and downstream to the
    links below the first level; PageRank is a distribution.
    """
    # post i+1 amplifies an earlier post (parent index < i+1): always a forest
    par = [p % (i + 1) for i, p in enumerate(parents)]
    c = pd.DataFrame(
        {
            "post_id": [f"p{i + 1}" for i in range(len(par))],
            "parent_post_id": [f"p{p}" for p in par],
            "author_id": [f"u{(i + 1) % 5}" for i in range(len(par))],
            "parent_author": [f"u{p % 5}" for p in par],
        }
    )
    per = cascade_influence(c)
    assert per["direct"].sum() == len(par)
    depth = [0]
    for p in par:
        depth.append(depth[p] + 1)
    assert per["downstream"].sum() == sum(d - 1 for d in depth[1:])  # each link, its ancestors - 1
    g = Graph.from_edges(c["parent_author"], c["author_id"])
    assert pagerank(g).sum() == pytest.approx(1.0)
