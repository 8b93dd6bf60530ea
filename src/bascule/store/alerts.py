"""SQL of the early-warning area: alerts, their deliveries, and what the detectors read."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pyarrow as pa

from bascule.dates import utc_when
from bascule.store.db import Store

_ALERT_COLS = (
    "alert_id",
    "kind",
    "target_id",
    "post_id",
    "title",
    "detail",
    "score",
    "created_at",
    "acknowledged_by",
)


# -- alerts -------------------------------------------------------------------------------
def insert_new(store: Store, alerts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Store the alerts whose id is not stored yet; return those (deduplication)."""
    if not alerts:
        return []
    ids = [a["alert_id"] for a in alerts]
    marks = ", ".join("?" * len(ids))
    known = {
        r[0] for r in store.rows(f"SELECT alert_id FROM alerts WHERE alert_id IN ({marks})", ids)
    }
    fresh, seen = [], set(known)
    for a in alerts:
        if a["alert_id"] not in seen:
            seen.add(a["alert_id"])
            fresh.append(a)
    if fresh:
        table = pa.table(
            {
                "alert_id": [a["alert_id"] for a in fresh],
                "kind": [a["kind"] for a in fresh],
                "target_id": pa.array([a.get("target_id") for a in fresh], pa.string()),
                "post_id": pa.array([a.get("post_id") for a in fresh], pa.string()),
                "title": [a["title"] for a in fresh],
                "detail": [json.dumps(a.get("detail", {}), ensure_ascii=False) for a in fresh],
                "score": pa.array([a.get("score") for a in fresh], pa.float64()),
                "created_at": pa.array([a["created_at"] for a in fresh], pa.timestamp("us")),
            }
        )
        store.insert("alerts", table)
    return fresh


def list_alerts(
    store: Store,
    *,
    since: datetime | str | None = None,
    kind: str | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Stored alerts, newest first, with the channels each was delivered to."""
    where, params = ["TRUE"], []
    if since is not None:
        where.append("a.created_at >= ?")
        params.append(utc_when(since, "since"))
    if kind:
        where.append("a.kind = ?")
        params.append(kind)
    rows = store.rows(
        f"""SELECT a.*, coalesce(list(d.channel ORDER BY d.channel)
                   FILTER (WHERE d.status = 'sent'), []) AS delivered_to
            FROM alerts a LEFT JOIN alert_deliveries d USING (alert_id)
            WHERE {" AND ".join(where)}
            GROUP BY ALL ORDER BY a.created_at DESC, a.alert_id LIMIT ?""",
        [*params, int(limit)],
    )
    out = []
    for r in rows:
        a = dict(zip((*_ALERT_COLS, "delivered_to"), r, strict=True))
        a["detail"] = json.loads(a["detail"]) if a["detail"] else {}
        a["created_at"] = a["created_at"].isoformat() if a["created_at"] else None
        out.append(a)
    return out


# -- deliveries ---------------------------------------------------------------------------
def sent_channels(store: Store, alert_id: str) -> set[str]:
    """Channels this alert was already delivered to."""
    return {
        r[0]
        for r in store.rows(
            "SELECT channel FROM alert_deliveries WHERE alert_id = ? AND status = 'sent'",
            [alert_id],
        )
    }


def record_delivery(
    store: Store, alert_id: str, channel: str, status: str, error: str | None, at: datetime
) -> None:
    """Remember one delivery attempt (a later success replaces a failure)."""
    store.execute(
        "INSERT OR REPLACE INTO alert_deliveries VALUES (?, ?, ?, ?, ?)",
        [alert_id, channel, status, error, at],
    )


def failed_deliveries(store: Store, channels: list[str], limit: int = 200) -> list[dict[str, Any]]:
    """Alerts whose last delivery to one of `channels` failed (to retry them)."""
    if not channels:
        return []
    marks = ", ".join("?" * len(channels))
    ids = [
        r[0]
        for r in store.rows(
            f"""SELECT DISTINCT alert_id FROM alert_deliveries
                WHERE status = 'failed' AND channel IN ({marks}) ORDER BY alert_id LIMIT ?""",
            [*channels, limit],
        )
    ]
    if not ids:  # the usual case, after every listening cycle
        return []
    by_id = {a["alert_id"]: a for a in list_alerts(store, limit=100_000)}
    return [by_id[i] for i in ids if i in by_id]


# -- what the detectors read --------------------------------------------------------------
def clock(store: Store) -> datetime | None:
    """The latest time seen in the store (posts or interactions)."""
    return store.scalar(
        "SELECT greatest(max(created_at), (SELECT max(created_at) FROM interactions)) FROM posts"
    )


def critiques_with_reposts(
    store: Store, targets: list[str], since: datetime, until: datetime
) -> list[tuple[str, str, datetime, list[datetime]]]:
    """(post_id, target_id, created_at, repost times) of posts against a watched target."""
    if not targets:
        return []
    marks = ", ".join("?" * len(targets))
    return store.rows(
        f"""WITH c AS (
                SELECT a.post_id, a.target_id, p.created_at FROM analyses a
                JOIN posts p USING (post_id)
                WHERE a.stance = 'against' AND a.target_id IN ({marks})
                  AND p.created_at >= ? AND p.created_at <= ?),
            ev AS (
                SELECT target_post_id AS post_id, post_id AS ev_id, created_at FROM interactions
                WHERE kind = 'repost' AND target_post_id IS NOT NULL
                UNION
                SELECT repost_of, post_id, created_at FROM posts WHERE repost_of IS NOT NULL)
            SELECT c.post_id, c.target_id, c.created_at,
                   coalesce(list(ev.created_at ORDER BY ev.created_at)
                            FILTER (WHERE ev.created_at IS NOT NULL AND ev.created_at <= ?), [])
            FROM c LEFT JOIN ev USING (post_id)
            GROUP BY ALL ORDER BY c.created_at, c.post_id, c.target_id""",
        [*targets, since, until, until],
    )


_TERMS_SQL = r"""
WITH p AS (
    SELECT date_trunc('hour', created_at) AS hour, lower(coalesce(text, '')) AS t
    FROM posts WHERE created_at >= ? AND created_at <= ? AND repost_of IS NULL),
terms AS (
    SELECT hour, unnest(list_distinct(list_concat(
        regexp_extract_all(t, '#[\pL\pN_]+'),
        regexp_extract_all(t, 'https?://[^\s<>"'']+'),
        regexp_extract_all(regexp_replace(t, 'https?://\S+|[#@]\S+', ' ', 'g'), '\pL{5,}')
    ))) AS term FROM p)
SELECT term, hour, count(*) FROM terms GROUP BY ALL ORDER BY term, hour
"""


def term_hourly_counts(
    store: Store, since: datetime, until: datetime
) -> tuple[list[tuple[str, datetime, int]], list[tuple[datetime, int]]]:
    """Posts per (term, hour) and posts per hour (original posts, not reposts)."""
    terms = store.rows(_TERMS_SQL, [since, until])
    totals = store.rows(
        "SELECT date_trunc('hour', created_at) AS h, count(*) FROM posts "
        "WHERE created_at >= ? AND created_at <= ? AND repost_of IS NULL GROUP BY h ORDER BY h",
        [since, until],
    )
    return terms, totals


def lone_critic_candidates(
    store: Store, targets: list[str], since: datetime, until: datetime
) -> list[tuple[str, str, str, datetime, int]]:
    """(post_id, target_id, author_id, created_at, earlier partisan posts) of critiques."""
    if not targets:
        return []
    marks = ", ".join("?" * len(targets))
    return store.rows(
        f"""SELECT a.post_id, a.target_id, p.author_id, p.created_at,
                   (SELECT count(*) FROM analyses a2 JOIN posts p2 USING (post_id)
                    WHERE p2.author_id = p.author_id AND a2.stance IN ('favor', 'against')
                      AND p2.created_at < p.created_at) AS history
            FROM analyses a JOIN posts p USING (post_id)
            WHERE a.stance = 'against' AND a.target_id IN ({marks})
              AND p.created_at >= ? AND p.created_at <= ?
            ORDER BY p.created_at, a.post_id""",
        [*targets, since, until],
    )


def spreaders(store: Store, post_ids: list[str], until: datetime) -> dict[str, list[str]]:
    """Authors who reposted or quoted each post (by `until`)."""
    if not post_ids:
        return {}
    marks = ", ".join("?" * len(post_ids))
    rows = store.rows(
        f"""SELECT target_post_id, list(DISTINCT src_author ORDER BY src_author)
            FROM interactions WHERE kind IN ('repost', 'quote')
              AND target_post_id IN ({marks}) AND created_at <= ?
            GROUP BY target_post_id""",
        [*post_ids, until],
    )
    return {r[0]: r[1] for r in rows}


def communities(store: Store) -> dict[str, int]:
    """author_id -> community (empty until the network's communities are computed)."""
    return dict(store.rows("SELECT author_id, community FROM communities"))


def hesitant_authors(store: Store) -> set[str]:
    """Authors with at least one post analysed as hesitant (fallback for undecided)."""
    return {
        r[0]
        for r in store.rows(
            "SELECT DISTINCT p.author_id FROM post_analyses pa JOIN posts p USING (post_id) "
            "WHERE pa.hesitation"
        )
    }
