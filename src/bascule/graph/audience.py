"""Audience: which communities a target's own posts reach (amplified, replied to, mentioned
by their members), how much, and which they never reach.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from bascule.store import graph as sql

if TYPE_CHECKING:
    from bascule.project import Project


def _membership(project: Project) -> pd.Series:
    """Stored communities, computed on the full interaction graph when none are stored yet."""
    prev = sql.previous_communities(project.store).to_pandas()
    if len(prev):
        return prev.set_index("author_id")["community"].astype(int)
    from bascule.graph.build import observed_graph
    from bascule.graph.communities import communities

    g = observed_graph(project, kind="all")
    return pd.Series(communities(g, project=project)["membership"], dtype=int)


def audience(project: Project, target: str) -> dict[str, Any]:
    """Per community: members reached by the target's official accounts, share, interactions."""
    from bascule.graph.describe import author_undecided

    t = project.config.target(target)
    authors = sql.authors(project.store).to_pandas()
    wanted = set(t.handles())
    local = {h.split("@")[0] for h in wanted}
    norm = authors["handle"].map(_norm)
    mine = norm.isin(wanted) | norm.map(lambda h: h.split("@")[0] in local)
    own = authors[mine.to_numpy() & ~authors["pseudonymised"].to_numpy(dtype=bool)]
    own_ids = own["author_id"].astype(str).tolist()
    result: dict[str, Any] = {
        "target": t.id,
        "accounts": [str(h) for h in own["handle"]],
        "posts": sql.posts_by(project.store, own_ids),
    }
    if not own_ids:
        result.update(
            reached=[],
            never_reached=[],
            why="accounts_not_stored" if t.accounts else "no_accounts",
            configured=list(t.accounts),
        )
        result["note"] = note(result, "en")
        return result
    member = _membership(project)
    reach = sql.reach_of(project.store, own_ids).to_pandas()
    reach = reach[~reach["author_id"].isin(own_ids)]
    reach["community"] = member.reindex(reach["author_id"].astype(str)).to_numpy()
    reach = reach.dropna(subset=["community"])
    sizes = member.value_counts()
    min_size = project.config.privacy.min_group_size
    und = author_undecided(project)
    und_c = pd.DataFrame({"c": member.reindex(und.index).to_numpy(), "u": und.to_numpy()}).dropna()
    und_c = und_c.groupby("c")["u"].agg(["sum", "count"])
    by_c = reach.groupby("community").agg(
        reached=("author_id", "nunique"), interactions=("n", "sum")
    )
    kinds = reach.pivot_table(index="community", columns="kind", values="n", aggfunc="sum").fillna(
        0
    )

    def undecided(c: int) -> float | None:
        if sizes.get(c, 0) < min_size or c not in und_c.index or not und_c.loc[c, "count"]:
            return None
        return round(float(und_c.loc[c, "sum"] / und_c.loc[c, "count"]), 4)

    reached = []
    for c, r in by_c.sort_values(["reached", "interactions"], ascending=False).iterrows():
        c = int(c)
        reached.append(
            {
                "community": c,
                "size": int(sizes.get(c, 0)),
                "reached": int(r["reached"]),
                "share_reached": round(float(r["reached"] / max(sizes.get(c, 1), 1)), 4),
                "interactions": int(r["interactions"]),
                "by_kind": {str(k): int(v) for k, v in kinds.loc[c].items() if v},
                "undecided_share": undecided(c),
            }
        )
    never = [
        {"community": int(c), "size": int(n), "undecided_share": undecided(int(c))}
        for c, n in sizes.items()
        if n >= 2 and int(c) not in by_c.index
    ]
    result.update(reached=reached, never_reached=never[:50])
    if not reached:
        result["why"] = "not_reached"
        result["note"] = note(result, "en")
    return result


def note(result: dict[str, Any], lang: str) -> str | None:
    """Why `audience` found no community reached, in French or English (None if it did)."""
    from bascule.i18n import number, tr

    why = result.get("why")
    if why == "accounts_not_stored":
        names = ", ".join(result["configured"])
        return tr(
            lang,
            f"aucun compte officiel de cette cible ({names}) n'est dans la base : aucune de "
            "leurs publications n'a été collectée ni importée",
            f"no official account of this target ({names}) is in the store: none of their "
            "posts was collected or imported",
        )
    if why == "no_accounts":
        return tr(
            lang,
            "aucun compte officiel n'est indiqué pour cette cible : ajoutez `accounts` à son "
            "entrée [[targets]] dans bascule.toml",
            "no official account is set for this target: add `accounts` to its [[targets]] "
            "entry in bascule.toml",
        )
    if why == "not_reached":
        names, posts = ", ".join(result["accounts"]), number(result["posts"], lang)
        return tr(
            lang,
            f"aucun compte d'une communauté n'a partagé, cité, répondu à ou mentionné {names} "
            f"({posts} publications dans la base)",
            f"no account in a community reposted, quoted, replied to or mentioned {names} "
            f"({posts} posts in the store)",
        )
    return None


def _norm(h: object) -> str:
    from bascule.config import normalize_handle

    return normalize_handle(str(h or ""))
