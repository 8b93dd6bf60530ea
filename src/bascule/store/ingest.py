"""Writing imported batches: posts, authors, interactions, rejects, progress — atomically.

One transaction per batch, with the file's progress or the connector's cursor, so a crash at
any point loses nothing and a rerun duplicates nothing (keys, new ones only).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
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


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class BatchResult:
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    deleted: int = 0  # stored posts removed by the batch's deletion notices

    def __iadd__(self, other: BatchResult) -> BatchResult:
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.rejected += other.rejected
        self.deleted += other.deleted
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
    deletions: Iterable[str] = (),
    primary: Sequence[str] | None = None,
) -> BatchResult:
    """Store one batch atomically; returns how many posts were new, duplicate, rejected, and
    deleted by the batch's deletion notices (`deletions`, post ids: tombstoned in the same
    transaction as the file's progress, so a crash cannot lose them).

    `primary` = the post ids of the records read, when the batch also holds posts embedded in
    them (a retweet's original): only those records count as duplicates, so an original
    already stored is not a duplicate of the file (it was counted as one or not depending on
    where the batches of the file ended).

    `progress` = (fingerprint, path, format, bytes_done, records_done, done) of a file;
    `cursors` = {(source, key): value} of a live connector. Posts of forgotten authors and
    deleted posts (tombstones) are never stored again.
    """
    rejects = list(rejects)
    received = posts.num_rows
    posts = first_of_each(posts, "post_id")
    with store.posts_lock, store.transaction() as con:
        con.register("_b_posts", posts)
        con.register("_b_authors", authors)
        con.register("_b_inter", interactions)
        try:
            imported = insert_new_posts(con, "_b_posts")
            note_skipped(con, run_id, "_b_posts")
            duplicates = received - imported
            if primary is not None:
                duplicates = len(primary) - _new_among(con, primary)
            merge_authors(con, "_b_authors")
            insert_interactions(con, "SELECT * FROM _b_inter")
            con.execute("DROP TABLE _seen")
        finally:
            for name in ("_b_posts", "_b_authors", "_b_inter"):
                con.unregister(name)
        deleted = _tombstone(con, deletions)
        finish_batch(con, rejects, run_id, progress, cursors)
    return BatchResult(imported, duplicates, len(rejects), deleted)


def _new_among(con: Any, post_ids: Sequence[str]) -> int:
    """How many distinct posts of `post_ids` the batch just stored (`_seen` holds the batch's
    posts that were stored before it, or may never be)."""
    con.register("_b_primary", pa.table({"post_id": pa.array(post_ids, pa.string())}))
    try:
        return con.execute(
            """SELECT count(DISTINCT post_id) FROM _b_primary
            WHERE post_id NOT IN (SELECT post_id FROM _seen)"""
        ).fetchall()[0][0]
    finally:
        con.unregister("_b_primary")


def insert_new_posts(
    con: Any,
    batch: str,
    select: str = "b.*",
    params: list | None = None,
    repost_of: str = "b.repost_of",
) -> int:
    """Insert `SELECT {select} FROM {batch} b` for the batch rows whose post_id is new
    (neither stored nor deleted), whose author was not forgotten and that do not repost a
    deleted or erased post (`repost_of`: the batch's expression of its post id); returns how
    many.

    Posts have no index (schema v3): the stored ones are found by a semi-join that hashes the
    batch's ids and scans only the post_id column of posts. A NOT EXISTS against posts may hash
    all of posts instead, and memory then grows with the store (DuckDB has no statistics on an
    Arrow batch to choose the smaller side). The batch holds each post_id once.

    Leaves the temporary table `_seen` (post_id, stored, run_id): the batch's posts stored
    before it (stored, with the run that stored them), and those deleted or reposting a
    deleted post (not stored, never to be), for `insert_interactions` and `note_skipped`.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _seen AS "
        "SELECT post_id, true AS stored, run_id FROM posts "
        f"WHERE post_id IN (SELECT post_id FROM {batch}) "
        f"UNION ALL SELECT post_id, false, NULL FROM tombstones "
        f"WHERE post_id IN (SELECT post_id FROM {batch}) "
        f"UNION ALL SELECT b.post_id, false, NULL FROM {batch} b "
        f"JOIN tombstones t ON t.post_id = {repost_of}"
    )
    imported = con.execute(
        f"INSERT INTO posts SELECT {select} FROM {batch} b "
        "WHERE NOT EXISTS (SELECT 1 FROM _seen q WHERE q.post_id = b.post_id) "
        "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = b.author_id)",
        params or [],
    ).fetchall()[0][0]
    return int(imported)


def note_skipped(con: Any, run_id: int | None, batch: str, source: str | None = None) -> None:
    """Record which earlier runs stored the posts of the batch that run `run_id` skipped
    (from `_seen`, left by `insert_new_posts`), per file: `source`, or the batch's `source`
    column. Undoing such an earlier run deletes them, so the file must be read again
    (`store.runs.undo_run`)."""
    if run_id is None:
        return
    where = "b.source" if source is None else "?"
    con.execute(
        f"""
        INSERT INTO run_overlaps
        SELECT ?, s.run_id, {where} AS src, count(*) FROM _seen s
        JOIN {batch} b ON b.post_id = s.post_id
        WHERE s.stored AND s.run_id IS NOT NULL AND s.run_id <> ? AND src IS NOT NULL
        GROUP BY s.run_id, src
        ON CONFLICT DO UPDATE SET posts = posts + excluded.posts
        """,
        [run_id, *([] if source is None else [source]), run_id],
    )


def merge_authors(con: Any, batch: str) -> None:
    """Authors of a batch (one row per author_id, the authors table's columns) into the store.

    An author seen again: a kept handle wins over a pseudonym, known counts are refreshed, the
    first and last time seen widen; rows change only where something does. A new author is
    inserted unless forgotten.
    """
    con.execute(
        f"""
        UPDATE authors a SET
            handle = CASE WHEN n.pseudonymised THEN a.handle ELSE n.handle END,
            display_name = coalesce(n.display_name, a.display_name),
            pseudonymised = a.pseudonymised AND n.pseudonymised,
            followers = coalesce(n.followers, a.followers),
            following = coalesce(n.following, a.following),
            verified = coalesce(n.verified, a.verified),
            first_seen = least(a.first_seen, n.first_seen),
            last_seen = greatest(a.last_seen, n.last_seen)
        FROM {batch} n
        WHERE n.author_id = a.author_id AND (
            n.first_seen < a.first_seen OR n.last_seen > a.last_seen
            OR (a.pseudonymised AND NOT n.pseudonymised)
            OR (n.display_name IS NOT NULL AND n.display_name IS DISTINCT FROM a.display_name)
            OR (n.followers IS NOT NULL AND n.followers IS DISTINCT FROM a.followers)
            OR (n.following IS NOT NULL AND n.following IS DISTINCT FROM a.following)
            OR (n.verified IS NOT NULL AND n.verified IS DISTINCT FROM a.verified))
        """
    )
    con.execute(
        f"INSERT INTO authors SELECT n.* FROM {batch} n "
        "WHERE NOT EXISTS (SELECT 1 FROM authors a WHERE a.author_id = n.author_id) "
        "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = n.author_id)"
    )


def insert_interactions(
    con: Any, select: str, *, batch_posts: bool = True, distinct: bool = True
) -> int:
    """Insert the interactions a query yields (the table's columns), new ones only (one per
    acting post, kind and account acted on), none touching a forgotten author; returns how
    many.

    `batch_posts`: the acting posts are a batch `insert_new_posts` just wrote, whose `_seen`
    table says which were stored before (only theirs can be stored already: an interaction
    lives and goes with its post) and which are deleted (their interactions never come back).
    Otherwise (links to stored posts), every stored interaction of the posts is checked.
    `distinct=False`: the query yields each (post, kind, account acted on) once already.
    Interactions have no index (schema v4): stored ones are found by a semi-join on `post_id`,
    so memory follows the batch, not the store.
    """
    skip = (
        "WHERE post_id NOT IN (SELECT post_id FROM _seen WHERE NOT stored)" if batch_posts else ""
    )
    rows = f"SELECT * FROM ({select}) i {skip}"
    if batch_posts:  # only the posts stored before can have stored interactions
        stored = con.execute("SELECT count(*) FROM _seen WHERE stored").fetchall()[0][0]
        acting = "(SELECT post_id FROM _seen WHERE stored)" if stored else ""
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE _new_i AS {rows}")
        rows, acting = "SELECT * FROM _new_i", "(SELECT post_id FROM _new_i)"
    known = (
        f"SELECT post_id, kind, dst_author FROM interactions WHERE post_id IN {acting}"
        if acting
        else "SELECT NULL AS post_id, NULL AS kind, NULL AS dst_author WHERE false"
    )
    added = con.execute(
        f"WITH _known AS ({known}) INSERT INTO interactions SELECT "
        + ("DISTINCT ON (i.post_id, i.kind, i.dst_author) " if distinct else "")
        + f"i.* FROM ({rows}) i "
        "WHERE NOT EXISTS (SELECT 1 FROM _known s WHERE s.post_id = i.post_id "
        "AND s.kind = i.kind AND s.dst_author = i.dst_author) "
        "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = i.src_author) "
        "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = i.dst_author)"
    ).fetchall()[0][0]
    if not batch_posts:
        con.execute("DROP TABLE _new_i")
    return int(added)


def finish_batch(
    con: Any,
    rejects: list[Any],
    run_id: int | None,
    progress: tuple[str, str, str, int, int, bool] | None,
    cursors: dict[tuple[str, str], str] | None = None,
) -> None:
    """The rest of a batch's transaction: its rejects, the file's progress, connector cursors."""
    write_rejects(con, rejects, run_id)
    if progress is not None:
        con.execute(
            "INSERT OR REPLACE INTO ingest_files VALUES (?,?,?,?,?,?,?)", [*progress, now()]
        )
    for (source, key), value in (cursors or {}).items():
        con.execute("INSERT OR REPLACE INTO cursors VALUES (?,?,?,?)", [source, key, value, now()])


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

    if (
        table.num_rows < 2
        or _monotonic(table[key])
        or pc.count_distinct(table[key]).as_py() == table.num_rows
    ):
        return table
    idx = pa.array(np.arange(table.num_rows, dtype=np.int64))
    first = (
        pa.table({"k": table[key], "i": idx})
        .group_by("k", use_threads=False)
        .aggregate([("i", "min")])["i_min"]
    )
    return table.take(pa.array(np.sort(first.to_numpy())))


def _monotonic(values: pa.ChunkedArray) -> bool:
    """Strictly increasing or decreasing (so all distinct): a cheap check that exports, sorted
    by id or date, usually pass."""
    import pyarrow.compute as pc

    a = values.combine_chunks()
    if a.null_count:
        return False
    head, tail = a.slice(0, len(a) - 1), a.slice(1)
    return bool(pc.all(pc.less(head, tail)).as_py() or pc.all(pc.greater(head, tail)).as_py())


def file_progress(store: Store, fingerprint: str) -> tuple[int, int, bool, str] | None:
    """(bytes_done, records_done, done, format) of a file imported before, if any."""
    row = store.execute(
        "SELECT bytes_done, records_done, done, format FROM ingest_files WHERE fingerprint = ?",
        [fingerprint],
    ).fetchone()
    return (int(row[0]), int(row[1]), bool(row[2]), str(row[3])) if row else None


def rejected_for(store: Store, sources: Iterable[str], reason: str) -> int:
    """How many stored rejects of these files' reason starts with `reason`."""
    return int(
        store.scalar(
            "SELECT count(*) FROM rejects WHERE source IN (SELECT unnest(?::VARCHAR[])) "
            "AND starts_with(reason, ?)",
            [list(sources), reason],
        )
    )


def drop_file_rejects(store: Store, sources: Iterable[str]) -> None:
    """Forget the rejects of an earlier read of a file read again from its start: the new
    read lists again what is still bad, so no line is counted twice."""
    store.execute(
        "DELETE FROM rejects WHERE source IN (SELECT unnest(?::VARCHAR[]))", [list(sources)]
    )


def get_cursor(store: Store, source: str, key: str) -> str | None:
    return store.scalar("SELECT value FROM cursors WHERE source = ? AND key = ?", [source, key])


def apply_deletions(store: Store, post_ids: Iterable[str]) -> int:
    """Delete posts the platform reported deleted, and tombstone them so they never return.

    Their interactions and analyses go too. Returns how many stored posts were removed.
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    with store.transaction() as con:
        return _tombstone(con, ids)


def _tombstone(con: Any, post_ids: Iterable[str]) -> int:
    """`apply_deletions` inside the caller's transaction."""
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


_LINKS_PENDING = "links_pending_runs"
_TARGETS = (("reply", "reply_to"), ("repost", "repost_of"), ("quote", "quote_of"))


def mark_links_pending(store: Store, run_id: int) -> None:
    """Remember that an import run's posts still need `link_targets` (a crash before it
    runs leaves the mark, and the next import links them)."""
    _save_links_pending(store.con, links_pending(store) | {run_id})


def _save_links_pending(con: Any, runs: set[int]) -> None:
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [_LINKS_PENDING, ",".join(str(r) for r in sorted(runs))],
    )


def links_pending(store: Store) -> set[int]:
    value = store.scalar("SELECT value FROM meta WHERE key = ?", [_LINKS_PENDING])
    return {int(r) for r in value.split(",") if r} if value else set()


def link_targets(store: Store, runs: set[int]) -> int:
    """Interactions for replies, reposts and quotes whose author the import did not give
    (exports often name the post acted on, not its author: PHEME's retweets, Twitter15's
    trees, generic files): the author is the stored post's. Both ways: posts of these runs
    acting on any stored post, and stored posts acting on posts of these runs (a file of
    retweets imported before the tweets). Returns the interactions added; forgets the runs."""
    if not runs:
        return 0
    import duckdb

    with contextlib.suppress(duckdb.Error):  # another transaction open: link without it
        # the import's blocks written out first: its joins then have a bulk import's memory cap
        # to themselves (without, 1.2M posts by distinct authors ran out of 256 MB)
        store.execute("CHECKPOINT")
    ids = ", ".join(str(int(r)) for r in sorted(runs))
    acts = " UNION ALL ".join(
        f"SELECT post_id, author_id, created_at, run_id, '{kind}' AS kind, {col} AS target "
        f"FROM posts WHERE {col} IS NOT NULL"
        for kind, col in _TARGETS
    )
    with store.posts_lock, store.transaction() as con:
        added = 0
        stored = con.execute(f"SELECT count(*) FROM posts WHERE run_id IN ({ids})").fetchall()
        if stored[0][0]:  # an import that stored nothing links nothing
            added = insert_interactions(
                con,
                f"""
                SELECT a.author_id AS src_author, t.author_id AS dst_author, a.kind, a.post_id,
                    a.target AS target_post_id, a.created_at
                FROM ({acts}) a JOIN posts t ON t.post_id = a.target
                WHERE (a.run_id IN ({ids}) OR t.run_id IN ({ids}))
                  AND NOT EXISTS (SELECT 1 FROM interactions i
                                  WHERE i.post_id = a.post_id AND i.kind = a.kind)
                """,
                batch_posts=False,
            )
        _save_links_pending(con, links_pending(store) - runs)
    return added


def platform_hint(store: Store, run_id: int) -> tuple[str, int] | None:
    """(platform, how many): the generic posts of an import run that reply to, repost or
    quote a post no generic post is, but one stored under another platform is (a file of
    retweets imported without `--platform twitter`: linked to nothing); None when none."""
    rows = store.rows(
        """
        WITH acted AS (
            SELECT coalesce(repost_of, reply_to, quote_of) AS target FROM posts
            WHERE run_id = ? AND platform = 'generic'
        )
        SELECT q.platform, count(*) FROM acted a
        JOIN posts q ON 'generic:' || q.native_id = a.target AND q.platform <> 'generic'
        WHERE a.target NOT IN (SELECT post_id FROM posts WHERE platform = 'generic')
        GROUP BY 1 ORDER BY 2 DESC LIMIT 1
        """,
        [run_id],
    )
    return (rows[0][0], int(rows[0][1])) if rows else None
