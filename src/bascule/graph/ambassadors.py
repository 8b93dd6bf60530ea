"""Ambassadors: supporters of a target (favor stance, not official accounts) ranked by the
amplification they already produce. Only public figures (followers above the public-reach
threshold) and opted-in people are shown by handle; others stay pseudonymised.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from bascule.config import normalize_handle
from bascule.graph.build import official_of
from bascule.graph.influence import cascade_influence, stored_cascades
from bascule.store import graph as sql

if TYPE_CHECKING:
    from bascule.project import Project


def display_name(
    project: Project,
    author_id: str,
    handle: str,
    pseudonymised: bool,
    followers: int | None,
) -> tuple[str, bool]:
    """(name to show, shown by handle?) under the project's privacy rules."""
    p = project.config.privacy
    opted = {normalize_handle(h) for h in p.opted_in} | {
        normalize_handle(a.handle) for a in project.config.ambassadors
    }
    public = (followers or 0) >= p.public_reach_threshold
    if not pseudonymised and (public or normalize_handle(handle) in opted):
        return handle, True
    if pseudonymised:
        return handle, False  # the store holds the pseudonym already
    return "anon-" + hashlib.sha256(author_id.encode()).hexdigest()[:10], False


def ambassadors(project: Project, target: str, *, limit: int = 50) -> dict[str, Any]:
    """Supporters of `target` ranked by amplification produced (about the target, then all)."""
    tid = project.config.target(target).id
    st = sql.stance_counts(project.store).to_pandas()
    st = st[(st["target_id"] == tid) & (st["favor"] > st["against"]) & (st["favor"] > 0)]
    authors = sql.authors(project.store).to_pandas().set_index("author_id")
    st = st[st["author_id"].isin(authors.index)]
    a = authors.reindex(st["author_id"])
    official = np.asarray(official_of(project, a["handle"].fillna("").tolist()), dtype=object)
    st = st[official == ""].copy()
    on_target = cascade_influence(stored_cascades(project, target=tid))
    overall = cascade_influence(stored_cascades(project))
    idx = st["author_id"].astype(str)
    st["target_amplification"] = on_target.sum(axis=1).reindex(idx).fillna(0).to_numpy()
    st["direct"] = overall["direct"].reindex(idx).fillna(0).to_numpy()
    st["downstream"] = overall["downstream"].reindex(idx).fillna(0).to_numpy()
    st["total"] = st["direct"] + st["downstream"]
    st = st.sort_values(
        ["target_amplification", "total", "favor", "author_id"],
        ascending=[False, False, False, True],
    )
    comm = sql.previous_communities(project.store).to_pandas().set_index("author_id")["community"]
    rows = []
    for r, rec in enumerate(st.head(limit).itertuples(index=False)):
        info = authors.loc[rec.author_id]
        followers = None if pd.isna(info["followers"]) else int(info["followers"])
        name, shown = display_name(
            project, rec.author_id, str(info["handle"]), bool(info["pseudonymised"]), followers
        )
        c = comm.get(rec.author_id)
        rows.append(
            {
                "rank": r + 1,
                "handle": name,
                "shown_by_handle": shown,
                "favor_posts": int(rec.favor),
                "target_amplification": float(rec.target_amplification),
                "direct": float(rec.direct),
                "downstream": float(rec.downstream),
                "followers": followers if shown else None,
                "community": None if c is None or pd.isna(c) else int(c),
            }
        )
    return {"target": tid, "supporters": int(len(st)), "ambassadors": rows}
