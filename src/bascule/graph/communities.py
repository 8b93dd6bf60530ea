"""Communities of the interaction graph: Leiden (Traag, Waltman & van Eck 2019, networkit's
ParallelLeiden), seeded and single-threaded for reproducibility, ids kept stable across runs.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bascule.graph.backend import display_handles, networkit_seeded, simple_undirected, to_networkit
from bascule.graph.model import Graph

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from bascule.project import Project


STABLE_JACCARD = 0.5  # a new community keeps an old id when they share most members
MAX_LISTED = 50
_TOKEN = re.compile(r"#?\w[\w'’-]*\w|#?\w", re.UNICODE)
_STOP = set(
    [
        "a",
        "à",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "cette",
        "c",
        "d",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "est",
        "il",
        "ils",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "où",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "y",
        "l",
        "s",
        "n",
        "j",
        "m",
        "t",
        "qu'",
        "c'",
        "d'",
        "l'",
        "plus",
        "tout",
        "être",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "with",
        "as",
        "at",
        "by",
        "from",
        "i",
        "you",
        "he",
        "she",
        "we",
        "they",
        "me",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "not",
        "no",
        "but",
        "so",
        "if",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "just",
        "rt",
        "via",
        "http",
        "https",
        "www",
        "co",
        "com",
        "amp",
    ]
)


def leiden(
    graph: Graph, *, seed: int = 0, resolution: float = 1.0, iterations: int = 2
) -> np.ndarray:
    """Community of each node by Leiden on the undirected weighted graph (seeded).

    `iterations` caps the Leiden rounds: 2 keeps modularity within 0.001 of 3 on polblogs
    at two thirds of the time.
    """
    import networkit as nk

    if graph.n == 0:
        return np.zeros(0, dtype=np.int64)
    G = to_networkit(graph, undirected=True)
    if G.numberOfEdges() == 0:
        return np.arange(graph.n, dtype=np.int64)
    with networkit_seeded(seed, threads=1):
        algo = nk.community.ParallelLeiden(
            G, randomize=True, iterations=iterations, gamma=resolution
        )
        algo.run()
        raw = np.asarray(algo.getPartition().getVector(), dtype=np.int64)
    return _by_size(raw)


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel 0..k-1 by decreasing size, ties by first node: deterministic ids."""
    uniq, first, inv, counts = np.unique(
        labels, return_index=True, return_inverse=True, return_counts=True
    )
    order = np.lexsort((first, -counts))
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return rank[inv]


def modularity(graph: Graph, labels: np.ndarray, *, resolution: float = 1.0) -> float:
    """Newman–Girvan modularity of a partition on the undirected weighted graph."""
    u = simple_undirected(graph)
    total = u.weight.sum()
    if total <= 0:
        return 0.0
    strength = np.bincount(u.src, u.weight, u.n) + np.bincount(u.dst, u.weight, u.n)
    inside = u.weight[labels[u.src] == labels[u.dst]].sum()
    k = labels.max() + 1 if labels.size else 0
    per = np.bincount(labels, strength, k)
    return float(inside / total - resolution * (per**2).sum() / (2 * total) ** 2)


def stable_ids(
    nodes: np.ndarray, labels: np.ndarray, previous: dict[str, int]
) -> tuple[np.ndarray, int]:
    """Give each new community the id of the previous one it matches (Jaccard >= 0.5, one to
    one by the Hungarian method); others get fresh ids. Returns (ids, matched count).
    """
    from scipy.optimize import linear_sum_assignment

    if not previous or labels.size == 0:
        return labels, 0
    prev = pd.Series(previous)
    new_sizes = np.bincount(labels)
    old_sizes = prev.value_counts()
    old = prev.reindex(nodes.astype(str)).to_numpy()
    both = ~pd.isna(old)
    pairs = pd.DataFrame({"new": labels[both], "old": old[both].astype(np.int64)}).value_counts()
    cand = []
    for (c, p), inter in pairs.items():
        jac = inter / (new_sizes[c] + old_sizes[p] - inter)
        if jac >= STABLE_JACCARD:
            cand.append((c, p, jac))
    if not cand:
        mapping: dict[int, int] = {}
    else:
        rows = sorted({c for c, _, _ in cand})
        cols = sorted({p for _, p, _ in cand})
        cost = np.zeros((len(rows), len(cols)))
        for c, p, jac in cand:
            cost[rows.index(c), cols.index(p)] = -jac
        r, k = linear_sum_assignment(cost)
        mapping = {rows[i]: cols[j] for i, j in zip(r, k, strict=True) if cost[i, j] < 0}
    fresh = max(int(prev.max()), -1) + 1
    out = np.empty(len(new_sizes), dtype=np.int64)
    for c in range(len(new_sizes)):  # new ids by decreasing size (labels are in that order)
        if c in mapping:
            out[c] = mapping[c]
        else:
            out[c] = fresh
            fresh += 1
    return out[labels], len(mapping)


def author_undecided(project: Project) -> pd.Series:
    """Whether each author is undecided: the opinion model's states when available, else a
    majority of hesitant analysed posts.
    """
    try:
        from bascule.opinion.undecided import author_states

        states = author_states(project)
        return pd.Series(
            (states["state"] == "undecided").to_numpy(), index=states["author_id"].astype(str)
        )
    except (ImportError, AttributeError):
        from bascule.store import graph as sql

        h = sql.hesitation_by_author(project.store).to_pandas()
        return pd.Series(
            (h["hesitant"] * 2 >= h["analysed"]).to_numpy() & (h["analysed"] > 0).to_numpy(),
            index=h["author_id"].astype(str),
        )


def communities(
    graph: Graph,
    *,
    seed: int = 0,
    project: Project | None = None,
    resolution: float = 1.0,
    save: bool = True,
) -> dict[str, Any]:
    """Leiden communities with size, top accounts and, with a project, distinctive words and
    hashtags, stance mix per target and share of undecided (suppressed under min_group_size).

    With a project, ids follow the previous run's stored membership and the new one is saved.
    """
    labels = leiden(graph, seed=seed, resolution=resolution)
    ids = graph.nodes.astype(str)
    matched = 0
    if project is not None:
        from bascule.store import graph as sql

        prev = sql.previous_communities(project.store).to_pandas()
        previous = dict(
            zip(prev["author_id"].astype(str), prev["community"].astype(int), strict=True)
        )
        labels, matched = stable_ids(ids, labels, previous)
        if save and not project.read_only:
            import pyarrow as pa

            sql.save_communities(
                project.store,
                pa.table({"author_id": ids, "community": labels.astype(np.int32)}),
            )
    u = simple_undirected(graph)
    strength = np.bincount(u.src, u.weight, u.n) + np.bincount(u.dst, u.weight, u.n)
    handles = display_handles(graph)
    sizes = pd.Series(labels).value_counts()
    listed = [int(c) for c in sizes.index[:MAX_LISTED] if sizes[c] >= 2]
    rows: dict[int, dict[str, Any]] = {}
    for c in listed:
        members = np.flatnonzero(labels == c)
        top = members[np.lexsort((ids[members], -strength[members]))[:5]]
        rows[c] = {"id": c, "size": int(sizes[c]), "top_accounts": [str(handles[i]) for i in top]}
    if project is not None and rows:
        _describe(project, ids, labels, rows)
    return {
        "algorithm": "leiden (networkit ParallelLeiden, 1 thread)",
        "seed": seed,
        "resolution": resolution,
        "nodes": int(graph.n),
        "edges": int(u.m),
        "n_communities": int(len(sizes)),
        "modularity": modularity(graph, _by_size(labels)) if graph.n else 0.0,
        "kept_ids": matched,
        "communities": [rows[c] for c in listed],
        "membership": dict(zip(ids.tolist(), labels.astype(int).tolist(), strict=True)),
    }


def _describe(project: Project, ids: np.ndarray, labels: np.ndarray, rows: dict[int, dict]) -> None:
    """Add words, hashtags, stance mix and undecided share to the listed communities."""
    import pyarrow as pa

    from bascule.store import graph as sql

    min_size = project.config.privacy.min_group_size
    member = pd.Series(labels, index=ids)
    listed = list(rows)
    # stance mix toward each target, by analysed posts of the members
    st = sql.stance_counts(project.store).to_pandas()
    st["community"] = member.reindex(st["author_id"].astype(str)).to_numpy()
    st = st[st["community"].isin(listed)]
    agg = st.groupby(["community", "target_id"])[["favor", "against", "none"]].sum()
    undecided = author_undecided(project)
    und = pd.DataFrame({"c": member.reindex(undecided.index).to_numpy(), "u": undecided.to_numpy()})
    und = und[und["c"].isin(listed)].groupby("c")["u"].agg(["sum", "count"])
    for c, row in rows.items():
        if row["size"] < min_size:
            row.update(stance=None, undecided_share=None, suppressed=True)
            continue
        mix = {}
        if c in agg.index.get_level_values(0):
            for t, r in agg.loc[c].iterrows():
                total = r.sum()
                if total:
                    mix[str(t)] = {
                        k: round(float(r[k] / total), 4) for k in ("favor", "against", "none")
                    }
        row["stance"] = mix
        row["undecided_share"] = (
            round(float(und.loc[c, "sum"] / und.loc[c, "count"]), 4)
            if c in und.index and und.loc[c, "count"]
            else None
        )
        row["suppressed"] = False
    # distinctive words and hashtags (log-odds with an informative prior, Monroe et al. 2008)
    big = [c for c in listed if rows[c]["size"] >= min_size]
    if not big:
        return
    texts = sql.community_texts(
        project.store,
        pa.table({"author_id": ids, "community": labels.astype(np.int64)}).filter(
            pa.compute.is_in(pa.array(labels.astype(np.int64)), pa.array(big))
        ),
    ).to_pandas()
    counts = {c: Counter() for c in big}
    for c, text in zip(texts["community"], texts["text"], strict=True):
        counts[int(c)].update(t for t in _tokens(text))
    for c, words, tags in _distinctive(counts):
        rows[c]["words"], rows[c]["hashtags"] = words, tags


def _tokens(text: str) -> list[str]:
    toks = [t.lower() for t in _TOKEN.findall(text or "")]
    return [t for t in toks if t not in _STOP and len(t.lstrip("#")) > 1 and not t.isdigit()]


def _distinctive(counts: dict[int, Counter], k: int = 8) -> list[tuple[int, list[str], list[str]]]:
    """Top words and hashtags of each community by z-scored log-odds vs the others."""
    total = Counter()
    for cnt in counts.values():
        total.update(cnt)
    vocab = [w for w, n in total.items() if n >= 2]
    if not vocab:
        return [(c, [], []) for c in counts]
    idx = {w: i for i, w in enumerate(vocab)}
    prior = np.asarray([total[w] for w in vocab], dtype=np.float64)
    a0 = prior.sum()
    out = []
    for c, cnt in counts.items():
        y = np.zeros(len(vocab))
        for w, n in cnt.items():
            if w in idx:
                y[idx[w]] = n
        rest = prior - y
        n1, n2 = y.sum(), rest.sum()
        a = prior / a0 * 100.0 + 0.01
        d = np.log((y + a) / (n1 + a.sum() - y - a)) - np.log(
            (rest + a) / (n2 + a.sum() - rest - a)
        )
        z = d / np.sqrt(1.0 / (y + a) + 1.0 / (rest + a))
        order = np.argsort(-z, kind="stable")
        words = [vocab[i] for i in order if y[i] > 0 and not vocab[i].startswith("#")][:k]
        tags = [vocab[i] for i in order if y[i] > 0 and vocab[i].startswith("#")][:k]
        out.append((c, words, tags))
    return out


def communities_figure(result: dict[str, Any], lang: str = "fr") -> go.Figure:
    """Bar chart of community sizes, coloured by share of undecided when known."""
    import plotly.graph_objects as go

    from bascule.i18n import tr

    rows = result["communities"][:20]
    und = [r.get("undecided_share") for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[f"#{r['id']}" for r in rows],
            y=[r["size"] for r in rows],
            text=[", ".join(r["top_accounts"][:2]) for r in rows],
            marker={
                "color": [u if u is not None else 0 for u in und],
                "colorscale": "Oranges",
                "colorbar": {"title": tr(lang, "indécis", "undecided")},
            }
            if any(u is not None for u in und)
            else None,
        )
    )
    fig.update_layout(
        title=tr(lang, "Communautés (taille)", "Communities (size)"),
        xaxis_title=tr(lang, "communauté", "community"),
        yaxis_title=tr(lang, "comptes", "accounts"),
        height=360,
        margin={"l": 50, "r": 10, "t": 50, "b": 40},
    )
    return fig
