"""Read queries shared by every layer: posts, interactions, analyses, status."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from bascule.dates import utc_when
from bascule.store.db import Store
from bascule.store.forget import compaction_due

TABLES = (
    "posts",
    "authors",
    "interactions",
    "post_analyses",
    "analyses",
    "rejects",
    "ingest_runs",
    "alerts",
)


def _window(col: str, since: str | None, until: str | None) -> tuple[str, list[Any]]:
    where, params = [], []
    if since:
        where.append(f"{col} >= ?")
        params.append(utc_when(since, "since"))
    if until:
        where.append(f"{col} < ?")
        params.append(utc_when(until, "until"))
    return (" AND ".join(where) or "TRUE"), params


def table(store: Store, name: str) -> pa.Table:
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}")
    return store.arrow(f"SELECT * FROM {name}")


def posts(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
    columns: str = "p.*",
) -> pa.Table:
    """Posts in [since, until), optionally only those mentioning a target (analysed)."""
    where, params = _window("p.created_at", since, until)
    if target:
        where += " AND p.post_id IN (SELECT post_id FROM analyses WHERE target_id = ?)"
        params.append(target)
    return store.arrow(
        f"SELECT {columns} FROM posts p WHERE {where} ORDER BY p.created_at, p.post_id", params
    )


def interactions(
    store: Store,
    *,
    since: str | None = None,
    until: str | None = None,
    kinds: list[str] | None = None,
) -> pa.Table:
    where, params = _window("created_at", since, until)
    if kinds:
        where += f" AND kind IN ({', '.join('?' * len(kinds))})"
        params += kinds
    return store.arrow(f"SELECT * FROM interactions WHERE {where}", params)


def analyses(
    store: Store, *, target: str | None = None, since: str | None = None, until: str | None = None
) -> pa.Table:
    """Per (post, target) analyses joined with the post's author, time and language."""
    where, params = _window("p.created_at", since, until)
    if target:
        where += " AND a.target_id = ?"
        params.append(target)
    return store.arrow(
        f"""SELECT a.post_id, a.target_id, p.author_id, p.created_at, pa.lang, a.stance,
                   a.stance_score, a.sentiment, a.model, a.analyzed_at
            FROM analyses a JOIN posts p USING (post_id)
            LEFT JOIN post_analyses pa USING (post_id)
            WHERE {where} ORDER BY p.created_at, a.post_id, a.target_id""",
        params,
    )


def status(store: Store) -> dict[str, Any]:
    """Counts a user checks after an import: posts, authors, interactions, per platform."""
    counts = {t: store.count(t) for t in ("posts", "authors", "interactions", "rejects")}
    counts["analysed_posts"] = store.count("post_analyses")
    per_platform = {
        p: {"posts": n, "first": str(a) if a else None, "last": str(b) if b else None}
        for p, n, a, b in store.rows(
            "SELECT platform, count(*), min(created_at), max(created_at) FROM posts "
            "GROUP BY platform ORDER BY platform"
        )
    }
    first, last = store.execute("SELECT min(created_at), max(created_at) FROM posts").fetchone()
    kinds = dict(store.rows("SELECT kind, count(*) FROM interactions GROUP BY kind ORDER BY kind"))
    return {
        **counts,
        "platforms": per_platform,
        "interaction_kinds": kinds,
        "date_range": [str(first) if first else None, str(last) if last else None],
        "schema_version": store.version(),
        "compaction_due": compaction_due(store),  # erased texts still in the file's free blocks
    }


def posts_per_day(store: Store) -> list[tuple]:
    """(day, platform, posts, authors) for the activity chart."""
    return store.rows(
        "SELECT date_trunc('day', created_at) AS day, platform, count(*), count(DISTINCT author_id) "
        "FROM posts GROUP BY ALL ORDER BY day, platform"
    )


def languages(store: Store) -> list[tuple[str, int]]:
    """Languages as analysed when available, else as declared by the source."""
    return store.rows(
        "SELECT coalesce(pa.lang, p.lang, 'und') AS lang, count(*) AS n FROM posts p "
        "LEFT JOIN post_analyses pa USING (post_id) GROUP BY ALL ORDER BY n DESC, lang"
    )


def target_mentions(store: Store) -> list[tuple[str, int, int]]:
    """(target_id, posts, authors) from the analyses."""
    return store.rows(
        "SELECT a.target_id, count(*) AS n, count(DISTINCT p.author_id) FROM analyses a "
        "JOIN posts p USING (post_id) GROUP BY ALL ORDER BY n DESC, a.target_id"
    )
