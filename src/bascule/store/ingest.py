"""Writing imported batches: posts, authors, interactions, rejects, progress — atomically.

One transaction per batch, with the file's progress or the connector's cursor, so a crash at
any point loses nothing and a rerun duplicates nothing (keys, new ones only).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
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


# an author seen again: a kept handle wins over a pseudonym, counts are refreshed, the first and
# last time seen widen
AUTHOR_UPSERT = """
    ON CONFLICT (author_id) DO UPDATE SET
        handle = CASE WHEN excluded.pseudonymised THEN authors.handle ELSE excluded.handle END,
        display_name = coalesce(excluded.display_name, authors.display_name),
        pseudonymised = authors.pseudonymised AND excluded.pseudonymised,
        followers = coalesce(excluded.followers, authors.followers),
        following = coalesce(excluded.following, authors.following),
        verified = coalesce(excluded.verified, authors.verified),
        first_seen = least(authors.first_seen, excluded.first_seen),
        last_seen = greatest(authors.last_seen, excluded.last_seen)
"""


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
    received = posts.num_rows
    posts = first_of_each(posts, "post_id")
    with store.transaction() as con:
        con.register("_b_posts", posts)
        con.register("_b_authors", authors)
        con.register("_b_inter", interactions)
        try:
            # a post goes in only if its post_id is new (posts has no index: see schema v3)
            known_posts(con, "_b_posts")
            imported = con.execute(
                "INSERT INTO posts SELECT p.* FROM _b_posts p "
                "WHERE NOT EXISTS (SELECT 1 FROM _seen q WHERE q.post_id = p.post_id) "
                "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = p.author_id)"
            ).fetchall()[0][0]
            con.execute("DROP TABLE _seen")
            con.execute(
                """
                INSERT INTO authors SELECT a.* FROM _b_authors a
                WHERE NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = a.author_id)
                """
                + AUTHOR_UPSERT
            )
            con.execute(
                "INSERT OR IGNORE INTO interactions SELECT i.* FROM _b_inter i "
                "WHERE NOT EXISTS (SELECT 1 FROM forgotten f "
                "WHERE f.author_id = i.src_author OR f.author_id = i.dst_author)"
            )
        finally:
            for name in ("_b_posts", "_b_authors", "_b_inter"):
                con.unregister(name)
        write_rejects(con, rejects, run_id)
        if progress is not None:
            con.execute(
                "INSERT OR REPLACE INTO ingest_files VALUES (?,?,?,?,?,?,?)", [*progress, now()]
            )
        for (source, key), value in (cursors or {}).items():
            con.execute(
                "INSERT OR REPLACE INTO cursors VALUES (?,?,?,?)", [source, key, value, now()]
            )
    return BatchResult(imported, received - imported, len(rejects))


def known_posts(con: Any, batch: str) -> None:
    """Temp table `_seen`: the batch's post_ids already stored or deleted (tombstoned).

    A semi-join that hashes the batch's ids and scans only the post_id column of posts: a
    NOT EXISTS against posts may hash all of posts instead, and memory then grows with the
    store (DuckDB has no statistics on an Arrow batch to choose the smaller side).
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _seen AS "
        f"SELECT post_id FROM posts WHERE post_id IN (SELECT post_id FROM {batch}) "
        f"UNION ALL SELECT post_id FROM tombstones WHERE post_id IN (SELECT post_id FROM {batch})"
    )


def write_rejects(con: Any, rejects: list[Any], run_id: int | None) -> None:
    """Insert rejects (objects with source, line, reason, record) inside a transaction."""
    if not rejects:
        return
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


def first_of_each(table: pa.Table, key: str) -> pa.Table:
    """The rows of `table` whose `key` was not seen in an earlier row (the first one wins)."""
    import pyarrow.compute as pc

    if table.num_rows < 2 or pc.count_distinct(table[key]).as_py() == table.num_rows:
        return table
    idx = pa.array(range(table.num_rows), pa.int64())
    first = (
        pa.table({"k": table[key], "i": idx})
        .group_by("k", use_threads=False)
        .aggregate([("i", "min")])["i_min"]
    )
    return table.take(pa.array(np.sort(first.to_numpy())))


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


@contextlib.contextmanager
def bulk_load(store: Store, memory_limit: str) -> Iterator[None]:
    """Settings for a long bulk import, restored afterwards: DuckDB's memory capped (never
    raised: a multi-GB file stays well under 1 GiB of RSS) and checkpoints deferred to one at
    the end (the write-ahead log keeps every committed block durable meanwhile)."""
    before = dict(
        store.rows(
            "SELECT name, value FROM duckdb_settings() "
            "WHERE name IN ('memory_limit', 'checkpoint_threshold', 'preserve_insertion_order')"
        )
    )
    if _size(memory_limit) < _size(str(before["memory_limit"])):
        store.execute(f"SET memory_limit = '{memory_limit}'")
    store.execute("SET checkpoint_threshold = '64MB'")
    store.execute("SET preserve_insertion_order = false")
    try:
        yield
    finally:
        for name, value in before.items():
            store.execute(f"SET {name} = '{value}'")
        import duckdb

        with contextlib.suppress(duckdb.Error):  # another transaction open: DuckDB will later
            store.execute("CHECKPOINT")


_UNITS = {
    "kib": 2**10,
    "mib": 2**20,
    "gib": 2**30,
    "tib": 2**40,
    "kb": 10**3,
    "mb": 10**6,
    "gb": 10**9,
    "tb": 10**12,
}


def _size(text: str) -> float:
    m = re.match(r"\s*([\d.]+)\s*([a-zA-Z]+)", text)
    return float(m.group(1)) * _UNITS.get(m.group(2).lower(), 1) if m else float("inf")
