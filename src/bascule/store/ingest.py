"""Writing imported batches: posts, authors, interactions, rejects, progress — atomically.

One transaction per batch, with the file's progress or the connector's cursor, so a crash at
any point loses nothing and a rerun duplicates nothing (keys + INSERT OR IGNORE).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa

from bascule.store.db import Store

POSTS_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("platform", pa.string()),
        ("native_id", pa.string()),
        ("author_id", pa.string()),
        ("created_at", pa.timestamp("us")),
        ("text", pa.string()),
        ("lang", pa.string()),
        ("reply_to", pa.string()),
        ("repost_of", pa.string()),
        ("quote_of", pa.string()),
        ("conversation_id", pa.string()),
        ("url", pa.string()),
        ("likes", pa.int64()),
        ("reposts", pa.int64()),
        ("replies", pa.int64()),
        ("quotes", pa.int64()),
        ("source", pa.string()),
        ("run_id", pa.int64()),
        ("raw", pa.string()),
    ]
)
AUTHORS_SCHEMA = pa.schema(
    [
        ("author_id", pa.string()),
        ("platform", pa.string()),
        ("handle", pa.string()),
        ("display_name", pa.string()),
        ("pseudonymised", pa.bool_()),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("verified", pa.bool_()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
    ]
)
INTERACTIONS_SCHEMA = pa.schema(
    [
        ("src_author", pa.string()),
        ("dst_author", pa.string()),
        ("kind", pa.string()),
        ("post_id", pa.string()),
        ("target_post_id", pa.string()),
        ("created_at", pa.timestamp("us")),
    ]
)


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class BatchResult:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0

    def __iadd__(self, other: BatchResult) -> BatchResult:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        return self


def start_run(store: Store, source: str, fmt: str) -> int:
    run_id = int(store.scalar("SELECT nextval('run_ids')"))
    store.execute(
        "INSERT INTO ingest_runs (run_id, source, format, started_at, status) VALUES (?,?,?,?,?)",
        [run_id, source, fmt, now(), "running"],
    )
    return run_id


def finish_run(store: Store, run_id: int, result: BatchResult, status: str = "done") -> None:
    store.execute(
        "UPDATE ingest_runs SET finished_at=?, imported=?, duplicates=?, rejected=?, status=? "
        "WHERE run_id=?",
        [now(), result.imported, result.duplicates, result.rejected, status, run_id],
    )


def write_batch(
    store: Store,
    posts: pa.Table,
    authors: pa.Table,
    interactions: pa.Table,
    rejects: Iterable = (),
    *,
    run_id: int | None = None,
    progress: tuple[str, str, str, int, int, bool] | None = None,
    cursors: dict[tuple[str, str], str] | None = None,
) -> BatchResult:
    """Store one batch atomically; returns how many posts were new, duplicate, rejected.

    `progress` = (fingerprint, path, format, bytes_done, records_done, done) of a file;
    `cursors` = {(source, key): value} of a live connector. Posts of forgotten authors and
    deleted posts (tombstones) are never stored again.
    """
    rejects = list(rejects)
    with store.transaction() as con:
        con.register("_b_posts", posts)
        con.register("_b_authors", authors)
        con.register("_b_inter", interactions)
        try:
            before = store.count("posts")
            con.execute(
                "INSERT OR IGNORE INTO posts SELECT p.* FROM _b_posts p "
                "WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.post_id = p.post_id) "
                "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = p.author_id)"
            )
            imported = store.count("posts") - before
            con.execute(
                """
                INSERT INTO authors SELECT a.* FROM _b_authors a
                WHERE NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = a.author_id)
                ON CONFLICT (author_id) DO UPDATE SET
                    handle = CASE WHEN excluded.pseudonymised THEN authors.handle
                                  ELSE excluded.handle END,
                    display_name = coalesce(excluded.display_name, authors.display_name),
                    pseudonymised = authors.pseudonymised AND excluded.pseudonymised,
                    followers = coalesce(excluded.followers, authors.followers),
                    following = coalesce(excluded.following, authors.following),
                    verified = coalesce(excluded.verified, authors.verified),
                    first_seen = least(authors.first_seen, excluded.first_seen),
                    last_seen = greatest(authors.last_seen, excluded.last_seen)
                """
            )
            con.execute(
                "INSERT OR IGNORE INTO interactions SELECT i.* FROM _b_inter i "
                "WHERE NOT EXISTS (SELECT 1 FROM forgotten f "
                "WHERE f.author_id = i.src_author OR f.author_id = i.dst_author)"
            )
        finally:
            for name in ("_b_posts", "_b_authors", "_b_inter"):
                con.unregister(name)
        if rejects:
            t = now()
            rej = pa.table(
                {
                    "run_id": pa.array([run_id] * len(rejects), pa.int64()),
                    "source": pa.array([r.source for r in rejects], pa.string()),
                    "line": pa.array([r.line for r in rejects], pa.int64()),
                    "reason": pa.array([r.reason for r in rejects], pa.string()),
                    "record": pa.array([r.record for r in rejects], pa.string()),
                    "created_at": pa.array([t] * len(rejects), pa.timestamp("us")),
                }
            )
            con.register("_b_rejects", rej)
            try:
                con.execute("INSERT INTO rejects SELECT * FROM _b_rejects")
            finally:
                con.unregister("_b_rejects")
        if progress is not None:
            con.execute(
                "INSERT OR REPLACE INTO ingest_files VALUES (?,?,?,?,?,?,?)", [*progress, now()]
            )
        for (source, key), value in (cursors or {}).items():
            con.execute(
                "INSERT OR REPLACE INTO cursors VALUES (?,?,?,?)", [source, key, value, now()]
            )
    return BatchResult(imported, posts.num_rows - imported, len(rejects))


def file_progress(store: Store, fingerprint: str) -> tuple[int, int, bool] | None:
    """(bytes_done, records_done, done) of a file imported before, if any."""
    row = store.execute(
        "SELECT bytes_done, records_done, done FROM ingest_files WHERE fingerprint = ?",
        [fingerprint],
    ).fetchone()
    return (int(row[0]), int(row[1]), bool(row[2])) if row else None


def get_cursor(store: Store, source: str, key: str) -> str | None:
    return store.scalar("SELECT value FROM cursors WHERE source = ? AND key = ?", [source, key])


def apply_deletions(store: Store, post_ids: Iterable[str]) -> int:
    """Delete posts the platform reported deleted, and tombstone them so they never return.

    Their interactions and analyses go too. Returns how many stored posts were removed.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    t = now()
    tomb = pa.table(
        {
            "post_id": pa.array(ids, pa.string()),
            "deleted_at": pa.array([t] * len(ids), pa.timestamp("us")),
        }
    )
    with store.transaction() as con:
        con.register("_b_tomb", tomb)
        try:
            con.execute("INSERT OR IGNORE INTO tombstones SELECT * FROM _b_tomb")
            removed = con.execute(
                "SELECT count(*) FROM posts WHERE post_id IN (SELECT post_id FROM _b_tomb)"
            ).fetchone()[0]
            for table in ("interactions", "post_analyses", "analyses", "posts"):
                con.execute(f"DELETE FROM {table} WHERE post_id IN (SELECT post_id FROM _b_tomb)")
        finally:
            con.unregister("_b_tomb")
    return int(removed)


def rejects_of_run(store: Store, run_id: int, limit: int = 1000) -> list[tuple]:
    """(source, line, reason, record) of a run's rejects, in file order."""
    return store.rows(
        "SELECT source, line, reason, record FROM rejects WHERE run_id = ? "
        "ORDER BY source, line LIMIT ?",
        [run_id, limit],
    )
