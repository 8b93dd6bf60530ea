"""Reading and writing networks: edge lists, NetHEPT headers, GML/GraphML/GEXF/Parquet."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.errors import InputError
from bascule.graph.io import read_graph, to_networkx, write_graph
from bascule.graph.model import Graph


def _edges(g: Graph) -> dict[tuple[str, str], float]:
    return {
        (str(g.nodes[s]), str(g.nodes[d])): round(float(w), 6)
        for s, d, w in zip(g.src, g.dst, g.weight, strict=True)
    }


def test_csv_with_header_and_duplicates_summed(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("source,target,weight\nalice,bob,2\nbob,carol,1\nalice,bob,3\ncarol,carol,1\n")
    g = read_graph(f)
    assert g.directed and g.weight_kind == "weight"
    assert _edges(g) == {("alice", "bob"): 5.0, ("bob", "carol"): 1.0, ("carol", "carol"): 1.0}
    assert g.nodes.tolist() == ["alice", "bob", "carol"]


def test_space_edgelist_without_weight_counts_lines(tmp_path: Path) -> None:
    f = tmp_path / "e.txt"
    f.write_text("# a comment\n1 2\n2 3\n1 2\n\n10 1\n")
    g = read_graph(f)
    assert g.weight_kind == "count"
    assert g.nodes.tolist() == ["1", "2", "3", "10"]  # numeric order
    assert _edges(g) == {("1", "2"): 2.0, ("2", "3"): 1.0, ("10", "1"): 1.0}


def test_nethept_header_gives_probabilities_and_isolated_nodes(tmp_path: Path) -> None:
    f = tmp_path / "net.txt.gz"
    with gzip.open(f, "wt") as fh:
        fh.write("5 3\n0 1 0.5\n1 2 0.25\n0 1 0.5\n")
    g = read_graph(f)
    assert g.weight_kind == "probability"
    assert g.n == 5 and g.nodes.tolist() == ["0", "1", "2", "3", "4"]
    # parallel arcs are independent chances: 1 - (1 - 0.5)^2
    assert _edges(g) == {("0", "1"): 0.75, ("1", "2"): 0.25}


def test_two_column_first_line_is_an_edge_when_it_cannot_be_a_header(tmp_path: Path) -> None:
    f = tmp_path / "e.tsv"
    f.write_text("3 7\n1 2\n")  # "3 7" cannot be `n m` (m = 7 != 1 line)
    g = read_graph(f, fmt="edgelist")
    assert _edges(g) == {("3", "7"): 1.0, ("1", "2"): 1.0}


def test_tsv_probability_column(tmp_path: Path) -> None:
    f = tmp_path / "e.tsv"
    f.write_text("src\tdst\tp\na\tb\t0.1\nb\tc\t0.9\n")
    g = read_graph(f)
    assert g.weight_kind == "probability" and _edges(g) == {("a", "b"): 0.1, ("b", "c"): 0.9}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("source,target,weight\na,b,x\n", "non-numeric"),
        ("src,dst,p\na,b,1.5\n", "probabilities"),
        ("single\ncolumn\n", "two columns"),
    ],
)
def test_bad_edge_lists_fail_clearly(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(text)
    with pytest.raises(InputError, match=message):
        read_graph(f)


DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("fmt", ["gml", "graphml", "gexf", "parquet"])
def test_a_network_in_another_format_under_a_wrong_suffix_is_refused(
    tmp_path: Path, fmt: str
) -> None:
    # a GML file named .txt was read as an edge list of GML tokens (3,040 "nodes")
    g = read_graph(DATA / "polblogs" / "polblogs_lcc_edges.tsv.gz")
    right = write_graph(g, tmp_path / f"pb.{fmt}")
    wrong = tmp_path / "pb.txt"
    wrong.write_bytes(right.read_bytes())
    with pytest.raises(InputError, match=rf"looks like \w+: rename it pb\.{fmt}$"):
        read_graph(wrong)
    gz = tmp_path / "pb.csv.gz"
    gz.write_bytes(gzip.compress(right.read_bytes()))
    name = "pb.parquet (decompressed)" if fmt == "parquet" else f"pb.{fmt}.gz"
    with pytest.raises(InputError, match=f"rename it {re.escape(name)}$"):
        read_graph(gz)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        # tweets, not links: were read as edges tweet_id -> user_id
        ("samples/tweets.parquet", "no source/target columns .*tweet_id, user_id"),
        ("samples/fourcat_twitter.csv", "no target column"),  # its `source` is the app
        ("polblogs/polblogs_lcc_labels.tsv", r"no source/target columns \(its columns: id, value"),
        ("samples/retweets.jsonl", "looks like JSON, not a network"),
        ("samples/tweets.csv", "non-numeric values"),
    ],
)
def test_tables_that_are_not_edge_lists_are_refused(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_graph(DATA / name)


@pytest.mark.parametrize(
    ("name", "nodes", "edges"),
    [
        ("polblogs/polblogs_lcc_edges.tsv.gz", 1222, 19019),
        ("nethept/NetHEPT_wc.txt.gz", 15233, 32235),
        ("twitter15/edges_slice.tsv.gz", 1371, 1401),
        ("twitter15/forecast_sample.tsv.gz", 3015, 3026),
        ("samples/cascades.tsv", 25, 24),
    ],
)
def test_real_edge_lists_still_read(name: str, nodes: int, edges: int) -> None:
    g = read_graph(DATA / name)
    assert (g.n, g.m) == (nodes, edges)


def test_header_names_the_columns_or_the_table_is_small(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("a,b,weight\nx,y,2\n")  # unnamed ids, then a weight: as before
    assert _edges(read_graph(f)) == {("x", "y"): 2.0}
    f.write_text("to,from\nx,y\n")
    assert _edges(read_graph(f)) == {("y", "x"): 1.0}
    f.write_text("source,target,weight,time\nx,y,2,10\n")
    assert _edges(read_graph(f)) == {("x", "y"): 2.0}
    f.write_text("node,label,kind,weight\nx,y,z,2\n")
    with pytest.raises(InputError, match="no source/target columns"):
        read_graph(f)


def test_written_format_follows_the_suffix(tmp_path: Path) -> None:
    g = Graph.from_edges(["a", "b"], ["b", "c"])
    write_graph(g, tmp_path / "g.csv")
    assert (tmp_path / "g.csv").read_text().startswith("source,target,weight")
    write_graph(g, tmp_path / "g.txt", "tsv")
    assert (tmp_path / "g.txt").read_text().startswith("source\ttarget")
    with pytest.raises(InputError, match="no graph format has this suffix"):
        write_graph(g, tmp_path / "g.txt")
    assert not (tmp_path / "g.dat").exists()


def test_missing_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_graph(tmp_path / "nope.csv")
    f = tmp_path / "e.csv"
    f.write_text("a,b\n")
    with pytest.raises(InputError, match="unknown graph format"):
        read_graph(f, fmt="pajek")


def test_empty_file_is_an_empty_graph(tmp_path: Path) -> None:
    f = tmp_path / "empty.csv"
    f.write_text("")
    g = read_graph(f)
    assert g.n == 0 and g.m == 0


def test_unknown_node_ids_are_reported() -> None:
    g = Graph.from_edges(["a"], ["b"])
    with pytest.raises(InputError, match="unknown node id 'z'"):
        g.index_of(["a", "z"])


def test_undirected_flag_merges_both_directions(tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("a,b\nb,a\nb,c\n")
    g = read_graph(f, directed=False)
    assert not g.directed and _edges(g) == {("a", "b"): 2.0, ("b", "c"): 1.0}


@pytest.mark.parametrize("fmt", ["gexf", "graphml", "gml", "csv", "tsv", "parquet"])
def test_round_trip_every_format(tmp_path: Path, fmt: str) -> None:
    g = Graph.from_edges(["a", "b", "c"], ["b", "c", "a"], [1.0, 2.0, 3.5])
    g = Graph(np.append(g.nodes, "lonely"), g.src, g.dst, g.weight, True)
    path = write_graph(g, tmp_path / f"g.{fmt}")
    back = read_graph(path)
    if fmt == "gml":  # GML numbers nodes itself: the names come back as labels
        back = Graph(back.attrs["label"].astype(str), back.src, back.dst, back.weight)
    assert _edges(back) == _edges(g)
    if fmt not in ("csv", "tsv"):  # edge lists cannot hold isolated nodes
        assert sorted(back.nodes.tolist()) == ["a", "b", "c", "lonely"]


def test_gml_node_attributes_and_networkx_export(tmp_path: Path) -> None:
    f = tmp_path / "g.gml"
    f.write_text(
        'graph [\n directed 1\n node [ id 1 label "x.com" value 0 ]\n'
        ' node [ id 2 label "y.com" value 1 ]\n edge [ source 1 target 2 ]\n'
        " edge [ source 1 target 2 ]\n]\n"
    )
    g = read_graph(f)
    assert g.nodes.tolist() == ["1", "2"] and g.attrs["value"].tolist() == [0, 1]
    assert _edges(g) == {("1", "2"): 2.0}  # the duplicated edge is merged, not an error
    G = to_networkx(g)
    assert G["1"]["2"]["weight"] == 2.0 and G.nodes["2"]["label"] == "y.com"


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from("abcdef"), st.integers(1, 9)),
        min_size=1,
        max_size=30,
    )
)
def test_csv_round_trip_property(tmp_path_factory: pytest.TempPathFactory, edges: list) -> None:
    g = Graph.from_edges([e[0] for e in edges], [e[1] for e in edges], [e[2] for e in edges])
    path = write_graph(g, tmp_path_factory.mktemp("rt") / "g.csv")
    assert _edges(read_graph(path)) == _edges(g)


def test_gexf_labels_nodes_with_their_handle(tmp_path: Path) -> None:
    # Gephi showed each node's author id (`twitter:0006d1…`), even for accounts in clear
    g = Graph.from_edges(["twitter:aa", "twitter:bb"], ["twitter:bb", "twitter:aa"])
    g.attrs["handle"] = np.array(["AFP", "anon-3f2a9c1b04"], dtype=object)
    path = write_graph(g, tmp_path / "g.gexf")
    text = path.read_text(encoding="utf-8")
    assert 'id="twitter:aa" label="AFP"' in text and 'label="anon-3f2a9c1b04"' in text
    assert sorted(read_graph(path).nodes.tolist()) == ["twitter:aa", "twitter:bb"]
