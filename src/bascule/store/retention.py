"""Retention: delete raw posts past their time, keeping only large-enough daily aggregates."""

from __future__ import annotations

from datetime import datetime

from bascule.store.db import Store


def prune(store: Store, cutoff: datetime, *, min_group_size: int, dry_run: bool = False) -> dict:
    """Delete posts created before `cutoff` and every row derived from them.

    Before deleting, daily stance counts per target are kept in `aggregates` when at least
    `min_group_size` authors stand behind them (smaller groups are never kept). Authors left
    with no post and no interaction are deleted too.
    """
    old = "(SELECT post_id FROM posts WHERE created_at < ?)"
    counts = {
        "posts": store.scalar("SELECT count(*) FROM posts WHERE created_at < ?", [cutoff]),
        "interactions": store.scalar(
            f"SELECT count(*) FROM interactions WHERE post_id IN {old}", [cutoff]
        ),
        "analyses": store.scalar(f"SELECT count(*) FROM analyses WHERE post_id IN {old}", [cutoff]),
    }
    if dry_run:
        return {**counts, "authors": 0, "aggregates": 0, "dry_run": True}
    with store.transaction() as con:
        kept = con.execute(
            """
            INSERT OR REPLACE INTO aggregates
            SELECT CAST(p.created_at AS DATE) AS day, a.target_id, a.stance,
                   count(DISTINCT p.author_id) AS authors, count(*) AS posts
            FROM analyses a JOIN posts p USING (post_id)
            WHERE p.created_at < ?
            GROUP BY ALL HAVING count(DISTINCT p.author_id) >= ?
            """,
            [cutoff, min_group_size],
        ).fetchall()[0][0]
        for table in ("analyses", "post_analyses", "interactions"):
            con.execute(f"DELETE FROM {table} WHERE post_id IN {old}", [cutoff]).fetchall()
        con.execute("DELETE FROM posts WHERE created_at < ?", [cutoff]).fetchall()
        counts["authors"] = con.execute(
            """
            DELETE FROM authors a WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.author_id = a.author_id)
              AND NOT EXISTS (SELECT 1 FROM interactions i
                              WHERE i.src_author = a.author_id OR i.dst_author = a.author_id)
            """
        ).fetchall()[0][0]
    return {**counts, "aggregates": kept, "dry_run": False}


def aggregates(store: Store, *, target: str | None = None) -> list[tuple]:
    """Kept daily aggregates (day, target_id, stance, authors, posts)."""
    where, params = ("WHERE target_id = ?", [target]) if target else ("", [])
    return store.rows(f"SELECT * FROM aggregates {where} ORDER BY day, target_id, stance", params)
