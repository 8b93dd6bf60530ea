"""SQL of the network area: interaction edges, cascades, authors, stances, communities."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from bascule.store.db import Store
from bascule.store.queries import _window

KINDS = {
    "amplify": ("repost", "quote"),
    "reply": ("reply",),
    "mention": ("mention",),
    "all": ("repost", "quote", "reply", "mention"),
}


def _filters(
    kind: str, since: str | None, until: str | None, target: str | None, alias: str = "i"
) -> tuple[str, list[Any]]:
    kinds = KINDS[kind]
    where, params = _window(f"{alias}.created_at", since, until)
    where += f" AND {alias}.kind IN ({', '.join('?' * len(kinds))})"
    params += list(kinds)
    if target:
        where += (
            f" AND ({alias}.post_id IN (SELECT post_id FROM analyses WHERE target_id = ?)"
            f" OR {alias}.target_post_id IN (SELECT post_id FROM analyses WHERE target_id = ?))"
        )
        params += [target, target]
    return where, params


def influence_edges(
    store: Store,
    *,
    kind: str = "amplify",
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> pa.Table:
    """(src, dst, weight): influence from the acted-on author to the actor, counted."""
    where, params = _filters(kind, since, until, target)
    return store.arrow(
        f"""SELECT i.dst_author AS src, i.src_author AS dst, count(*)::DOUBLE AS weight
            FROM interactions i WHERE {where} AND i.src_author <> i.dst_author
            GROUP BY ALL ORDER BY src, dst""",
        params,
    )


def cascade_links(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> pa.Table:
    """(post_id, parent_post_id, author_id, parent_author): amplifications post by post."""
    where, params = _filters("amplify", since, until, target)
    return store.arrow(
        f"""SELECT i.post_id, i.target_post_id AS parent_post_id, i.src_author AS author_id,
                   i.dst_author AS parent_author
            FROM interactions i WHERE {where} AND i.target_post_id IS NOT NULL
            ORDER BY i.created_at, i.post_id""",
        params,
    )


def authors(store: Store) -> pa.Table:
    """Author id, public handle, pseudonymised flag and followers."""
    return store.arrow(
        "SELECT author_id, handle, pseudonymised, followers FROM authors ORDER BY author_id"
    )


def stance_counts(store: Store) -> pa.Table:
    """(author_id, target_id, favor, against, none) counts of analysed posts."""
    return store.arrow(
        """SELECT p.author_id, a.target_id,
                  count(*) FILTER (WHERE a.stance = 'favor') AS favor,
                  count(*) FILTER (WHERE a.stance = 'against') AS against,
                  count(*) FILTER (WHERE a.stance NOT IN ('favor', 'against')) AS none
           FROM analyses a JOIN posts p USING (post_id) GROUP BY ALL ORDER BY ALL""",
    )


def hesitation_by_author(store: Store) -> pa.Table:
    """(author_id, hesitant posts, analysed posts) from post_analyses."""
    return store.arrow(
        """SELECT p.author_id, count(*) FILTER (WHERE pa.hesitation) AS hesitant,
                  count(*) AS analysed
           FROM post_analyses pa JOIN posts p USING (post_id) GROUP BY ALL ORDER BY ALL""",
    )


def community_texts(store: Store, membership: pa.Table, *, per_community: int = 2000) -> pa.Table:
    """(community, text) of the latest posts of each community's members (capped)."""
    store.con.register("_membership", membership)
    try:
        return store.arrow(
            """SELECT community, text FROM (
                   SELECT m.community, p.text, row_number() OVER (
                       PARTITION BY m.community ORDER BY p.created_at DESC, p.post_id) AS r
                   FROM posts p JOIN _membership m USING (author_id)
                   WHERE p.text IS NOT NULL AND p.repost_of IS NULL)
               WHERE r <= ? ORDER BY community""",
            [per_community],
        )
    finally:
        store.con.unregister("_membership")


def previous_communities(store: Store) -> pa.Table:
    """The membership saved by the last `communities` run."""
    return store.arrow("SELECT author_id, community FROM communities ORDER BY author_id")


def save_communities(store: Store, membership: pa.Table) -> None:
    """Replace the stored membership (author_id, community) in one transaction."""
    with store.transaction() as con:
        con.execute("DELETE FROM communities").fetchall()
        con.register("_new_membership", membership)
        try:
            con.execute(
                "INSERT INTO communities SELECT author_id, community, now()::TIMESTAMP "
                "FROM _new_membership"
            )
        finally:
            con.unregister("_new_membership")


def reach_of(store: Store, author_ids: list[str]) -> pa.Table:
    """(author_id, kind, n): who amplified, replied to or mentioned these authors."""
    if not author_ids:
        return pa.table(
            {
                "author_id": pa.array([], pa.string()),
                "kind": pa.array([], pa.string()),
                "n": pa.array([], pa.int64()),
            }
        )
    where = f"i.dst_author IN ({', '.join('?' * len(author_ids))}) AND i.src_author <> i.dst_author"
    params: list[Any] = list(author_ids)
    return store.arrow(
        f"""SELECT i.src_author AS author_id, i.kind, count(*) AS n FROM interactions i
            WHERE {where} GROUP BY ALL ORDER BY ALL""",
        params,
    )


def posts_by(store: Store, author_ids: list[str]) -> int:
    """How many posts these authors wrote."""
    if not author_ids:
        return 0
    rows = store.rows(
        f"SELECT count(*) FROM posts WHERE author_id IN ({', '.join('?' * len(author_ids))})",
        author_ids,
    )
    return int(rows[0][0])
