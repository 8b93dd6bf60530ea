"""The web's data layer: missing capabilities are reported, results cached per store state."""

from __future__ import annotations

import threading
import time

import pyarrow as pa
import pytest

from bascule.web import data
from bascule.web.state import WebState


def test_missing_capability_is_not_available() -> None:
    with pytest.raises(data.NotAvailable):
        data.capability("bascule.no_such_module", "f")
    with pytest.raises(data.NotAvailable):
        data.capability("bascule.i18n", "no_such_function")
    assert data.capability("bascule.i18n", "tr")("fr", "oui", "yes") == "oui"
    assert data.attempt(data.capability, "bascule.nope", "f")["available"] is False


def test_figure_json_cannot_close_its_script_tag() -> None:
    text = data.figure_json({"layout": {"title": "</script><script>alert(1)</script>&"}})
    assert "</script>" not in text and "<" not in text and "&" not in text


def _post(i: int) -> pa.Table:
    from datetime import datetime

    return pa.Table.from_pylist(
        [
            {
                "post_id": f"x:{i}",
                "platform": "x",
                "native_id": str(i),
                "author_id": "x:a",
                "created_at": datetime(2026, 1, 1),
            }
        ]
    )


def test_cache_follows_the_store_and_serves_stale_while_refreshing(project) -> None:  # noqa: ANN001
    project.store.rows("SELECT 1")
    st = WebState(project, ttl=60, marker_ttl=0)
    calls = []
    gate = threading.Event()

    def compute() -> int:
        calls.append(1)
        if len(calls) == 2:
            gate.wait(5)
        return len(calls)

    assert st.cached("k", compute) == 1
    assert st.cached("k", compute) == 1  # unchanged store: cached
    project.store.insert("posts", _post(1))
    assert st.cached("k", compute) == 1  # changed: the stale value at once...
    gate.set()
    for _ in range(100):  # ...while one background thread recomputes
        if st.cached("k", compute) == 2:
            break
        time.sleep(0.02)
    assert st.cached("k", compute) == 2 and len(calls) == 2
    assert st.cached("k", compute, stale=False) == 2
    project.store.insert("posts", _post(2))
    assert st.cached("k", compute, stale=False) == 3  # without stale: waits for the new one
    st.invalidate_data()
    assert st.cached("k", compute) == 4
    st.close()


def test_cache_is_bounded(project) -> None:  # noqa: ANN001
    st = WebState(project, max_entries=8)
    for i in range(50):
        st.cached(("k", i), lambda i=i: i)
    assert len(st._cache) <= 8
    st.close()


def test_layout_keeps_communities_apart_and_is_deterministic() -> None:
    """Two 6-cliques joined by one edge: each community's accounts sit together."""
    import math
    from itertools import combinations

    groups = {0: [f"a{i}" for i in range(6)], 1: [f"b{i}" for i in range(6)]}
    membership = {n: c for c, ns in groups.items() for n in ns}
    edges = [(x, y, 1.0) for ns in groups.values() for x, y in combinations(ns, 2)]
    edges.append(("a0", "b0", 1.0))
    nodes = sorted(membership)
    pos = data._layout(nodes, edges, membership)
    assert pos == data._layout(nodes, edges, membership)  # seed 0: same picture every time
    assert set(pos) == set(nodes)

    def centre(ns: list[str]) -> tuple[float, float]:
        return (sum(pos[n][0] for n in ns) / len(ns), sum(pos[n][1] for n in ns) / len(ns))

    ca, cb = centre(groups[0]), centre(groups[1])
    spread = max(math.dist(pos[n], centre(ns)) for ns in groups.values() for n in ns)
    assert math.dist(ca, cb) > 2 * spread  # the two discs do not overlap
    assert data._layout([], [], {}) == {}
    assert data._layout(["x"], [], {}) == {"x": (0.0, 0.0)}


def test_graph_view_discs_cover_no_other_and_outliers_come_in() -> None:
    """Five hubs in a tangle of followers and two accounts far out: no disc covers
    another, the hubs are the largest, and the two far out no longer shrink the rest."""
    import numpy as np

    ids = [f"n{i}" for i in range(60)]
    rng = np.random.default_rng(0)
    pos = {n: tuple(rng.normal(0.0, 0.05, 2)) for n in ids}
    pos["n58"], pos["n59"] = (40.0, 0.0), (-40.0, 3.0)
    degree = np.array([100] * 5 + [2] * 55)
    got, size = data._readable(ids, pos, degree)
    assert (got, size) == data._readable(ids, pos, degree)  # the same picture every time
    xy, r = np.array([got[n] for n in ids]), np.array([size[n] for n in ids])
    gap = np.hypot(*(xy[:, None] - xy[None]).transpose(2, 0, 1)) - (r[:, None] + r[None])
    np.fill_diagonal(gap, np.inf)
    assert gap.min() > 0
    assert min(r[:5]) > 3 * max(r[5:])
    core = np.ptp(xy[:58], axis=0).max()
    assert np.ptp(xy, axis=0).max() < 4 * core, (np.ptp(xy, axis=0), core)
    assert got["n58"][0] > core / 2 > -core / 2 > got["n59"][0]  # still apart, each its side
    assert data._readable([], {}, np.array([])) == ({}, {})
    one, one_size = data._readable(["x"], {"x": (0.0, 0.0)}, np.array([3]))
    assert one == {"x": (0.0, 0.0)} and one_size["x"] > 0
