"""The lone critic: an author with no partisan history whose critique of a target spreads
into communities with many undecided.

Such a post carries more weight with the undecided than a partisan's (the messenger is not
seen as interested), so a campaign wants to know early. A critique qualifies when its author
had no earlier post analysed as favouring or opposing any target, at least `min_spreaders`
authors reposted or quoted it, and it reached communities (from the `communities` table) whose
share of undecided authors is at least `undecided_share`. Without communities in the store,
the undecided share among the spreaders themselves is used, and the detail says so.
"""

from __future__ import annotations

from collections import Counter
from typing import Any


def undecided_authors(project: Any) -> tuple[set[str], str]:
    """Undecided authors and where they come from (opinion states, else hesitant posts)."""
    from bascule.store import alerts as sql

    try:
        from bascule.opinion.undecided import author_states

        states = author_states(project)
        if len(states):
            return set(states.loc[states["state"] == "undecided", "author_id"]), "opinion"
    except ImportError:
        pass
    return sql.hesitant_authors(project.store), "hesitation"


def assess(
    spreaders: list[str],
    undecided: set[str],
    communities: dict[str, int],
    *,
    undecided_share: float = 0.3,
) -> dict[str, Any]:
    """How far a post's spreaders reach into undecided-heavy communities."""
    if communities:
        sizes = Counter(communities.values())
        und = Counter(communities[a] for a in undecided if a in communities)
        reached = Counter(communities[a] for a in spreaders if a in communities)
        heavy = {
            c: und[c] / sizes[c]
            for c in reached
            if sizes[c] and und[c] / sizes[c] >= undecided_share
        }
        return {
            "basis": "communities",
            "communities_reached": len(reached),
            "undecided_communities": sorted(heavy),
            "spreaders_in_undecided_communities": sum(reached[c] for c in heavy),
            "qualifies": bool(heavy),
        }
    share = sum(a in undecided for a in spreaders) / len(spreaders) if spreaders else 0.0
    return {
        "basis": "spreaders (no communities in the store: run the network communities first)",
        "undecided_spreaders_share": round(share, 3),
        "qualifies": share >= undecided_share,
    }


def detect(
    project: Any,
    candidates: list[tuple],
    spread: dict[str, list[str]],
    *,
    min_spreaders: int = 5,
    undecided_share: float = 0.3,
) -> list[dict[str, Any]]:
    """Lone-critic findings among (post_id, target_id, author_id, created_at, history) rows."""
    from bascule.store import alerts as sql

    rows = [c for c in candidates if c[4] == 0 and len(spread.get(c[0], [])) >= min_spreaders]
    if not rows:
        return []
    undecided, source = undecided_authors(project)
    comms = sql.communities(project.store)
    out = []
    for post_id, target_id, author_id, created_at, _ in rows:
        who = [a for a in spread[post_id] if a != author_id]
        if len(who) < min_spreaders:
            continue
        a = assess(who, undecided, comms, undecided_share=undecided_share)
        if a["qualifies"]:
            out.append(
                {
                    "post_id": post_id,
                    "target_id": target_id,
                    "author_id": author_id,
                    "created_at": created_at,
                    "spreaders": len(who),
                    "undecided_source": source,
                    **a,
                }
            )
    return out
