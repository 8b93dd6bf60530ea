"""Retention: delete raw posts past their time, keeping only large-enough daily aggregates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bascule.store.db import Store, delete_where

# What a prune deletes and keeps, written once: the dry run counts with these very
# predicates, so its figures are the real run's (`?` is the cutoff each time).
_OLD_POSTS = "(SELECT post_id FROM posts WHERE created_at < ?)"
# The day of a post in the time zone the aggregates are kept in (`$zone`).
_DAY = "CAST(timezone($zone, timezone('UTC', p.created_at)) AS DATE)"
# What the poll counts, per day (but the `$excluded` authors: the targets' official accounts,
# `opinion.voices`): one author, one voice (their latest stance that day on the
# target, as `opinion.poll` takes it), and the posts with each stance. Whole days: the day the
# cutoff splits is counted with all its posts when first touched, and a (day, target) already
# kept is never counted again (a second prune would see only its rest).
_KEPT_AGGREGATES = f"""
    SELECT day, target_id, stance, count(*) FILTER (WHERE latest) AS authors, count(*) AS posts
    FROM (
        SELECT {_DAY} AS day, a.target_id, a.stance,
               row_number() OVER (PARTITION BY {_DAY}, a.target_id, p.author_id
                                  ORDER BY p.created_at DESC, a.post_id DESC) = 1 AS latest
        FROM analyses a JOIN posts p USING (post_id)
        WHERE p.created_at < (SELECT max(created_at) FROM posts WHERE created_at < $cutoff)
                             + INTERVAL 3 DAY
          AND NOT list_contains($excluded, p.author_id)
    ) v
    WHERE day <= (SELECT CAST(timezone($zone, timezone('UTC', max(p.created_at))) AS DATE)
                  FROM posts p WHERE p.created_at < $cutoff)
      AND NOT EXISTS (SELECT 1 FROM aggregates k WHERE k.day = v.day AND k.target_id = v.target_id)
    GROUP BY ALL HAVING count(*) FILTER (WHERE latest) >= $k
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


def prune(
    store: Store,
    cutoff: datetime,
    *,
    min_group_size: int,
    timezone: str = "UTC",
    dry_run: bool = False,
    excluded: Sequence[str] = (),
) -> dict:
    """Delete posts created before `cutoff` and every row derived from them.

    Before deleting, daily stance counts per target are kept in `aggregates` when at least
    `min_group_size` authors stand behind them (smaller groups are never kept), counted as
    the poll counts a day: one author, one voice (their latest stance that day; the
    `excluded` authors, the targets' official accounts, not at all), days of
    `timezone` (the project's; a store that already keeps aggregates goes on in the zone of
    its first ones, so that no two kept days overlap). A (day, target) is counted whole,
    once: the day the cutoff splits is counted with its later posts too, so the next prune,
    which sees only the rest of it, does not replace it with a part. How the aggregates were
    counted, and the cutoff, are recorded for the poll (`kept_format`). Authors left with no
    post and no interaction are deleted too. A dry run changes nothing and returns the same
    figures the real run would.
    """
    fmt = kept_format(store)
    zone = fmt.get("timezone") or timezone
    kept_params = {"cutoff": cutoff, "zone": zone, "k": min_group_size, "excluded": list(excluded)}
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
            "aggregates": store.scalar(f"SELECT count(*) FROM ({_KEPT_AGGREGATES})", kept_params),
            "dry_run": True,
        }
    with store.transaction() as con:
        kept = con.execute(f"INSERT INTO aggregates {_KEPT_AGGREGATES}", kept_params).fetchall()[0][
            0
        ]
        if kept or counts["posts"]:
            _record_format(con, fmt, zone, min_group_size, cutoff if counts["posts"] else None)
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


# meta key: how the kept aggregates were counted, and the latest cutoff that deleted posts
KEPT_FORMAT = "kept_aggregates"


def kept_format(store: Store) -> dict:
    """How the rows of `aggregates` were counted, for whoever reads them back:

    - `timezone`: the zone of their days;
    - `each_stance_through`: the last day kept by an earlier Bascule, which counted UTC days
      and an author under each stance they took that day (None: every day is one voice);
    - `min_group_size`: the largest minimum any prune kept them with (a stance not kept had
      fewer authors than that);
    - `pruned_before`: the latest cutoff that deleted posts (naive UTC, ISO): no post before
      it is left, except ones imported since.

    Empty when nothing was ever pruned or kept.
    """
    import json

    value = store.scalar("SELECT value FROM meta WHERE key = ?", [KEPT_FORMAT])
    if value:
        return json.loads(value)
    last = store.scalar("SELECT max(day) FROM aggregates")
    if last is None:
        return {}
    # kept before this record existed: UTC days, an author under each stance they took
    return {"timezone": "UTC", "each_stance_through": last.isoformat()}


def _record_format(
    con: Any, fmt: dict, zone: str, min_group_size: int, cutoff: datetime | None
) -> None:
    import json

    before = fmt.get("pruned_before")
    if cutoff is not None and (before is None or cutoff > datetime.fromisoformat(before)):
        before = cutoff.isoformat()
    record = {
        "timezone": zone,
        "each_stance_through": fmt.get("each_stance_through"),
        "min_group_size": max(int(fmt.get("min_group_size") or 0), int(min_group_size)),
        "pruned_before": before,
    }
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [KEPT_FORMAT, json.dumps(record)])


def aggregates(store: Store, *, target: str | None = None) -> list[tuple]:
    """Kept daily aggregates (day, target_id, stance, authors, posts)."""
    where, params = ("WHERE target_id = ?", [target]) if target else ("", [])
    return store.rows(f"SELECT * FROM aggregates {where} ORDER BY day, target_id, stance", params)
