"""Small graphs for the diffusion tests: hand-made ones and a slice of NetHEPT (data/nethept)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bascule.graph.model import Graph

NETHEPT = Path(__file__).resolve().parents[2] / "data" / "nethept" / "NetHEPT_wc.txt.gz"


def _tiny(edges: list[tuple[int, int, float]], n: int | None = None) -> Graph:
    """A directed graph on nodes "0".."n-1" with the given (src, dst, p) edges."""
    src = np.array([e[0] for e in edges], dtype=np.int64)
    dst = np.array([e[1] for e in edges], dtype=np.int64)
    w = np.array([e[2] for e in edges], dtype=np.float64)
    n = n if n is not None else int(max(src.max(), dst.max())) + 1
    return Graph(np.arange(n).astype(str), src, dst, w, weight_kind="probability")


@pytest.fixture
def tiny():  # noqa: ANN201 - the graph builder
    """Build a tiny directed graph from (src, dst, p) triples."""
    return _tiny


@pytest.fixture(scope="session")
def nethept_slice() -> Graph:
    """NetHEPT (MIT version) restricted to its first 1,500 node numbers, WC recomputed later."""
    from bascule.graph.io import read_graph

    g = read_graph(NETHEPT)
    keep = (g.src < 1500) & (g.dst < 1500) & (g.src != g.dst)
    return Graph(g.nodes[:1500], g.src[keep], g.dst[keep], np.ones(int(keep.sum())))
