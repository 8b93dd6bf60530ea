"""The observed network from the store: who amplified, replied to or mentioned whom."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from bascule.config import normalize_handle
from bascule.errors import InputError
from bascule.graph.io import graph_from_ids
from bascule.graph.model import Graph
from bascule.store import graph as sql

if TYPE_CHECKING:
    from bascule.project import Project


KIND_CHOICES = tuple(sql.KINDS)


def observed_graph(
    project: Project,
    *,
    kind: str = "amplify",
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> Graph:
    """Directed weighted graph: edge src -> dst when dst amplified (replied to, mentioned) src.

    Nodes are author ids; weight counts the interactions; self-interactions are left out.
    Node attributes: handle, pseudonymised, followers, official (target id or "").
    """
    if kind not in sql.KINDS:
        raise InputError(f"unknown graph kind {kind!r} (choose from {', '.join(sql.KINDS)})")
    target_id = project.config.target(target).id if target else None
    t = sql.influence_edges(project.store, kind=kind, since=since, until=until, target=target_id)
    g = graph_from_ids(
        t.column("src").to_numpy(zero_copy_only=False),
        t.column("dst").to_numpy(zero_copy_only=False),
        t.column("weight").to_numpy(),
        weight_kind="count",
    )
    g.attrs.update(author_attrs(project, g.nodes))
    return g


def author_attrs(project: Project, ids: np.ndarray) -> dict[str, np.ndarray]:
    """Per-node handle, pseudonymised, followers and official target for author ids."""
    a = sql.authors(project.store).to_pandas().set_index("author_id")
    a = a.reindex([str(x) for x in ids])
    official = official_of(project, a["handle"].fillna("").tolist())
    return {
        "handle": a["handle"].fillna("").to_numpy(dtype=object),
        "pseudonymised": a["pseudonymised"].fillna(True).to_numpy(dtype=bool),
        "followers": a["followers"].fillna(0).to_numpy(dtype=np.int64),
        "official": np.asarray(official, dtype=object),
    }


def official_of(project: Project | None, handles: list[str]) -> list[str]:
    """The target id each handle is an official account of ("" if none)."""
    if project is None:
        return [""] * len(handles)
    off = project.config.official_handles()
    local = {h.split("@")[0]: t for h, t in off.items()}
    out = []
    for h in handles:
        n = normalize_handle(h or "")
        out.append(off.get(n) or (local.get(n.split("@")[0], "") if n else ""))
    return out
