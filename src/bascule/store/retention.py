"""Retention: delete raw posts past their time, keeping only large-enough daily aggregates."""

from __future__ import annotations

from datetime import datetime

from bascule.store.db import Store, delete_where

# What a prune deletes and keeps, written once: the dry run counts with these very
# predicates, so its figures are the real run's (`?` is the cutoff each time).
_OLD_POSTS = "(SELECT post_id FROM posts WHERE created_at < ?)"
# whole days: the day the cutoff splits is counted with all its posts when first touched,
# and a day already kept is never counted again (a second prune would see only its rest)
_KEPT_AGGREGATES = """
    SELECT * FROM (
        SELECT CAST(p.created_at AS DATE) AS day, a.target_id, a.stance,
               count(DISTINCT p.author_id) AS authors, count(*) AS posts
        FROM analyses a JOIN posts p USING (post_id)
        WHERE CAST(p.created_at AS DATE)
            <= (SELECT CAST(max(created_at) AS DATE) FROM posts WHERE created_at < ?)
        GROUP BY ALL HAVING count(DISTINCT p.author_id) >= ?
    ) g
    WHERE NOT EXISTS (SELECT 1 FROM aggregates k
                      WHERE k.day = g.day AND k.target_id = g.target_id AND k.stance = g.stance)
"""
# authors left with no post and no interaction once the old ones are gone
_ORPHANED_AUTHORS = f"""
    authors a
    WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.author_id = a.author_id
                        AND NOT coalesce(p.created_at < ?, false))
      AND NOT EXISTS (SELECT 1 FROM interactions i
                      WHERE (i.src_author = a.author_id OR i.dst_author = a.author_id)
                        AND i.post_id NOT IN {_OLD_POSTS})
"""


def prune(store: Store, cutoff: datetime, *, min_group_size: int, dry_run: bool = False) -> dict:
    """Delete posts created before `cutoff` and every row derived from them.

    Before deleting, daily stance counts per target are kept in `aggregates` when at least
    `min_group_size` authors stand behind them (smaller groups are never kept). A day is
    counted whole, once: the day the cutoff splits is counted with its later posts too, so
    the next prune, which sees only the rest of it, does not replace it with a part. Authors left
    with no post and no interaction are deleted too. A dry run changes nothing and returns
    the same figures the real run would.
    """
    counts = {
        "posts": store.scalar("SELECT count(*) FROM posts WHERE created_at < ?", [cutoff]),
        "interactions": store.scalar(
            f"SELECT count(*) FROM interactions WHERE post_id IN {_OLD_POSTS}", [cutoff]
        ),
        "analyses": store.scalar(
            f"SELECT count(*) FROM analyses WHERE post_id IN {_OLD_POSTS}", [cutoff]
        ),
    }
    # what still names the deleted posts and authors: alerts about a post (its id names its
    # author in one public lookup), community memberships, and the rejected lines read
    # before the cutoff (their excerpts quote people)
    traces = {
        "alerts": ("alerts", f"post_id IN {_OLD_POSTS}", [cutoff]),
        "communities": (
            "communities",
            f"author_id IN (SELECT a.author_id FROM {_ORPHANED_AUTHORS})",
            [cutoff] * 2,
        ),
        "rejects": ("rejects", "created_at < ?", [cutoff]),
    }
    for key, (table, where, params) in traces.items():
        counts[key] = store.scalar(f"SELECT count(*) FROM {table} WHERE {where}", params)
    if dry_run:
        return {
            **counts,
            "authors": store.scalar(f"SELECT count(*) FROM {_ORPHANED_AUTHORS}", [cutoff] * 2),
            "aggregates": store.scalar(
                f"SELECT count(*) FROM ({_KEPT_AGGREGATES})", [cutoff, min_group_size]
            ),
            "dry_run": True,
        }
    with store.transaction() as con:
        kept = con.execute(
            f"INSERT INTO aggregates {_KEPT_AGGREGATES}", [cutoff, min_group_size]
        ).fetchall()[0][0]
        # before the posts go, so that the predicates are the dry run's
        for table, where, params in traces.values():
            con.execute(f"DELETE FROM {table} WHERE {where}", params).fetchall()
        delete_where(con, "alert_deliveries", "alert_id NOT IN (SELECT alert_id FROM alerts)")
        counts["authors"] = con.execute(
            f"DELETE FROM {_ORPHANED_AUTHORS}", [cutoff] * 2
        ).fetchall()[0][0]
        for table in ("analyses", "post_analyses", "interactions"):
            con.execute(f"DELETE FROM {table} WHERE post_id IN {_OLD_POSTS}", [cutoff]).fetchall()
        con.execute("DELETE FROM posts WHERE created_at < ?", [cutoff]).fetchall()
    return {**counts, "aggregates": kept, "dry_run": False}


def aggregates(store: Store, *, target: str | None = None) -> list[tuple]:
    """Kept daily aggregates (day, target_id, stance, authors, posts)."""
    where, params = ("WHERE target_id = ?", [target]) if target else ("", [])
    return store.rows(f"SELECT * FROM aggregates {where} ORDER BY day, target_id, stance", params)
