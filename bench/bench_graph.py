"""Network benchmark: PageRank + Leiden on a 1M-edge graph, against networkx in the same run.

The graph is a seeded planted-partition network (100,000 nodes, 1,000,000 directed edges,
100 groups, 80 % of edges inside groups). networkx PageRank runs on the full graph; networkx
Louvain is far too slow at 1M edges, so it runs on a random edge sample and its time is
extrapolated per edge (linear: Louvain's passes are O(m)), which flatters networkx.
Also times reading the real Twitter15 retweet trees and computing the Pareto view.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np


def planted_partition(n: int, m: int, groups: int, *, inside: float = 0.8, seed: int = 0):  # noqa: ANN201
    """A seeded directed graph with `groups` planted communities (returns a Graph)."""
    from bascule.graph.io import graph_from_ids

    rng = np.random.default_rng(seed)
    want, m = m, int(m * 1.05)  # a few duplicates get merged
    group = rng.integers(0, groups, n)
    members = [np.flatnonzero(group == g) for g in range(groups)]
    src = rng.integers(0, n, m)
    same = rng.random(m) < inside
    dst = rng.integers(0, n, m)
    gs = group[src[same]]
    pick = rng.random(int(same.sum()))
    sizes = np.asarray([len(x) for x in members])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    flat = np.concatenate(members)
    dst[same] = flat[offsets[gs] + (pick * sizes[gs]).astype(np.int64)]
    keep = src != dst
    g = graph_from_ids(src[keep], dst[keep], weight_kind="count")
    if g.m > want:  # duplicates merged: draw exactly `want` of the distinct edges
        from dataclasses import replace

        pick = np.sort(rng.choice(g.m, want, replace=False))
        g = replace(g, src=g.src[pick], dst=g.dst[pick], weight=g.weight[pick])
    return g, group


def _t(fn, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, time.perf_counter() - t0


def run(data: Path, quick: bool) -> str:
    """Time Bascule's PageRank + Leiden against networkx; Markdown section with the ratio."""
    import networkx as nx
    from sklearn.metrics import normalized_mutual_info_score

    from bascule.graph.communities import leiden
    from bascule.graph.influence import influencers, pagerank, read_cascades
    from bascule.graph.io import read_graph, to_networkx

    n, m = (10_000, 100_000) if quick else (100_000, 1_000_000)
    sample_m = 20_000 if quick else 50_000
    g, truth = planted_partition(n, m, 100, seed=0)
    print(f"graph: {g.n:,} nodes, {g.m:,} edges", flush=True)
    pr, t_pr = _t(pagerank, g, reverse=True)
    labels, t_leiden = _t(leiden, g, seed=0)
    ours = t_pr + t_leiden
    nmi = normalized_mutual_info_score(truth, labels)
    print(f"bascule: PageRank {t_pr:.2f} s, Leiden {t_leiden:.2f} s (NMI {nmi:.3f})", flush=True)

    G, t_build = _t(to_networkx, g)
    ref, t_nx_pr = _t(nx.pagerank, G.reverse(copy=False), weight="weight")
    err = max(abs(pr[i] - ref[v]) for i, v in enumerate(g.nodes[:1000]))
    print(f"networkx: build {t_build:.1f} s, PageRank {t_nx_pr:.2f} s (max diff {err:.1e})")
    del G
    rng = np.random.default_rng(1)
    idx = rng.choice(g.m, sample_m, replace=False)
    S = nx.Graph()
    S.add_weighted_edges_from(
        zip(g.src[idx].tolist(), g.dst[idx].tolist(), g.weight[idx].tolist(), strict=True)
    )
    _, t_sample = _t(nx.community.louvain_communities, S, seed=0)
    t_nx_louvain = t_sample * (g.m / sample_m)
    print(
        f"networkx Louvain: {t_sample:.2f} s on {sample_m:,} edges, "
        f"extrapolated {t_nx_louvain:.0f} s on {g.m:,}",
        flush=True,
    )
    theirs = t_nx_pr + t_nx_louvain
    ratio = theirs / ours
    print(f"PageRank + communities: bascule {ours:.2f} s, networkx {theirs:.0f} s: {ratio:.0f}x")

    lines = [
        "## graph",
        "",
        f"Planted-partition graph, {g.n:,} nodes, {g.m:,} distinct directed edges (100 groups), seed 0; 2 cores shared with other work, so times are upper bounds.",
        "",
        "| step | Bascule | networkx | ratio |",
        "|---|---|---|---|",
        f"| PageRank | {t_pr:.2f} s | {t_nx_pr:.2f} s | {t_nx_pr / t_pr:.0f}x |",
        f"| communities (Leiden 1 thread / Louvain) | {t_leiden:.2f} s | "
        f"{t_nx_louvain:.0f} s (extrapolated from {sample_m:,} edges: {t_sample:.2f} s) | "
        f"{t_nx_louvain / t_leiden:.0f}x |",
        f"| **total** | **{ours:.2f} s** | **{theirs:.0f} s** | **{ratio:.0f}x** |",
        "",
        f"Leiden recovers the planted groups with NMI {nmi:.3f}; PageRank max difference "
        f"with networkx {err:.1e}. networkx graph construction ({t_build:.1f} s) not counted.",
    ]
    import tempfile

    from bascule.graph.io import write_graph

    with tempfile.TemporaryDirectory() as tmp:
        path = write_graph(g, Path(tmp) / "edges.csv")
        back, t_read_csv = _t(read_graph, path)
    assert back.m == g.m
    lines += ["", f"Reading the {g.m:,}-edge graph back from CSV: {t_read_csv:.1f} s."]
    print(lines[-1], flush=True)
    trees = data / "twitter15_cascades" / "edges.tsv.xz"
    if trees.exists() and not quick:
        (tg, t_read) = _t(read_graph, trees)
        casc, t_casc = _t(read_cascades, trees)
        res, t_inf = _t(influencers, tg, cascades=casc)
        p = res["pareto"]
        lines += [
            "",
            f"Twitter15 retweet trees ({tg.n:,} accounts, {tg.m:,} edges): read {t_read:.1f} s "
            f"+ cascades {t_casc:.1f} s, influencers {t_inf:.1f} s. Top 1% produce "
            f"{100 * p['top_1pct_share']:.1f}% of amplification, top 10% "
            f"{100 * p['top_10pct_share']:.1f}%, Gini {p['gini']:.3f}; top account "
            f"{res['top'][0]['node']} ({res['top'][0]['direct']:.0f} direct, "
            f"{res['top'][0]['downstream']:.0f} downstream).",
        ]
        print(lines[-1])
    return "\n".join(lines)
