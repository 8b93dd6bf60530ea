"""SQL of text analysis: pending posts, post_analyses and analyses rows, stance labels.

`analyze` reads batches of posts not yet analysed (keyset pagination on post_id, so an
interrupted run resumes where it stopped), writes each batch in one transaction, and lets
reposts inherit the analyses of their original. Analysing again (`--redo`) replaces the rows
in place, batch after batch: every post keeps an analysis throughout (the old one until its
batch comes), then rows the new pass did not write are dropped.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from bascule.store.db import Store

POST_ANALYSES_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("lang", pa.string()),
        ("lang_score", pa.float64()),
        ("sentiment", pa.float64()),
        ("hesitation", pa.bool_()),
        ("model", pa.string()),
    ]
)
ANALYSES_SCHEMA = pa.schema(
    [
        ("post_id", pa.string()),
        ("target_id", pa.string()),
        ("stance", pa.string()),
        ("stance_score", pa.float64()),
        ("sentiment", pa.float64()),
        ("model", pa.string()),
    ]
)

# Posts to analyse from their own text: not reposts, or reposts whose original is absent.
_OWN_TEXT = """
    (p.repost_of IS NULL OR NOT EXISTS (SELECT 1 FROM posts o WHERE o.post_id = p.repost_of))
"""


def _one(store: Store, sql: str, params: list | None = None) -> int:
    rows = store.rows(sql, params)  # fetch everything: DuckDB 2 wants results consumed
    return int(rows[0][0]) if rows else 0


def _count(store: Store, table: str) -> int:
    return _one(store, f"SELECT count(*) FROM {table}")


def settle(store: Store) -> None:
    """Finish any pending result (DuckDB 2 refuses `register` while a fetchone() is open)."""
    store.rows("SELECT 1")


def _exec(con: object, sql: str) -> None:
    con.execute(sql).fetchall()  # type: ignore[attr-defined]


def _pending(older_than: datetime | None) -> str:
    """Posts without an analysis (or, to analyse again, with one older than `older_than`)."""
    stale = " AND a.analyzed_at >= ?" if older_than is not None else ""
    return (
        f"NOT EXISTS (SELECT 1 FROM post_analyses a WHERE a.post_id = p.post_id{stale}) "
        f"AND {_OWN_TEXT}"
    )


def count_pending(store: Store, *, older_than: datetime | None = None) -> int:
    """Posts that `analyze` would read from their own text."""
    params = [older_than] if older_than is not None else []
    return _one(store, f"SELECT count(*) FROM posts p WHERE {_pending(older_than)}", params)


def pending_batch(
    store: Store, *, after: str | None, limit: int, older_than: datetime | None = None
) -> pa.Table:
    """Next `limit` posts to analyse after post_id `after` (see `count_pending`): post_id,
    text, lang, author_handle."""
    settle(store)
    params: list[Any] = [after or ""] + ([older_than] if older_than is not None else [])
    return store.arrow(
        f"""SELECT p.post_id, p.text, p.lang, au.handle AS author_handle
            FROM posts p LEFT JOIN authors au ON au.author_id = p.author_id
            WHERE p.post_id > ? AND {_pending(older_than)}
            ORDER BY p.post_id LIMIT ?""",
        [*params, int(limit)],
    )


def _stamp(table: pa.Table, at: datetime) -> pa.Table:
    col = pa.array([at] * table.num_rows, type=pa.timestamp("us"))
    return table.append_column("analyzed_at", col)


def write_batch(store: Store, post_rows: pa.Table, analysis_rows: pa.Table) -> None:
    """Write one batch of analyses atomically (replacing older rows of the same posts)."""
    at = now()
    settle(store)

    def write() -> None:
        with store.transaction() as con:
            if post_rows.num_rows:
                con.register("_pa_ids", post_rows.select(["post_id"]))
                _exec(con, "DELETE FROM analyses WHERE post_id IN (SELECT post_id FROM _pa_ids)")
                con.unregister("_pa_ids")
            store.insert("post_analyses", _stamp(post_rows, at), on_conflict="replace")
            store.insert("analyses", _stamp(analysis_rows, at), on_conflict="replace")

    store.retrying(write)


def inherit_reposts(store: Store) -> tuple[int, int]:
    """Reposts take their original's analyses (a repost endorses what it repeats)."""
    with store.transaction() as con:
        before_p, before_a = _count(store, "post_analyses"), _count(store, "analyses")
        _exec(
            con,
            """INSERT OR IGNORE INTO post_analyses
               SELECT r.post_id, a.lang, a.lang_score, a.sentiment, a.hesitation,
                      'repost-of:' || coalesce(a.model, ''), a.analyzed_at
               FROM posts r JOIN post_analyses a ON a.post_id = r.repost_of
               WHERE r.repost_of IS NOT NULL""",
        )
        _exec(
            con,
            """INSERT OR IGNORE INTO analyses
               SELECT r.post_id, a.target_id, a.stance, a.stance_score, a.sentiment,
                      'repost-of:' || coalesce(a.model, ''), a.analyzed_at
               FROM posts r JOIN analyses a ON a.post_id = r.repost_of
               WHERE r.repost_of IS NOT NULL""",
        )
        return _count(store, "post_analyses") - before_p, _count(store, "analyses") - before_a


def now() -> datetime:
    """The clock of `analyzed_at` (UTC, naive)."""
    return datetime.now(UTC).replace(tzinfo=None)


_REDO = "analyze_redo_since"


def start_redo(store: Store, *, redo: bool) -> datetime | None:
    """When the pass analysing every post again began: now with `redo` (recorded, so an
    interrupted pass is finished by the next `analyze`), else that of an unfinished one."""
    if redo:
        since = now()
        store.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [_REDO, since.isoformat()])
        return since
    value = store.scalar("SELECT value FROM meta WHERE key = ?", [_REDO])
    return datetime.fromisoformat(value) if value else None


def end_redo(store: Store, since: datetime) -> None:
    """Finish a pass analysing every post again: forget the analyses written before `since`
    (what it did not rewrite: reposts' inherited rows, posts no longer read from their own
    text), and the pass itself, together. Labels are kept."""
    with store.transaction() as con:
        con.execute("DELETE FROM post_analyses WHERE analyzed_at < ?", [since]).fetchall()
        con.execute("DELETE FROM analyses WHERE analyzed_at < ?", [since]).fetchall()
        con.execute("DELETE FROM meta WHERE key = ?", [_REDO]).fetchall()


def counts(store: Store) -> dict[str, int]:
    """Analysed posts and (post, target) rows in the store."""
    return {"post_analyses": _count(store, "post_analyses"), "analyses": _count(store, "analyses")}


# -- stance labels (human and weak) -------------------------------------------------------
def add_label(
    store: Store, text_id: str, target_id: str, text: str | None, label: str, labeled_by: str
) -> None:
    """Record (or overwrite) one label given to a (text, target) pair."""
    at = now()
    with store.transaction() as con:
        con.execute(
            "INSERT OR REPLACE INTO stance_labels VALUES (?, ?, ?, ?, ?, ?)",
            [text_id, target_id, text, label, labeled_by, at],
        ).fetchall()


def last_label(store: Store, labeled_by: str) -> dict[str, Any] | None:
    """The most recent label one person gave (text_id, target_id, text, label), or None."""
    settle(store)
    rows = store.rows(
        "SELECT text_id, target_id, text, label FROM stance_labels WHERE labeled_by = ? "
        "ORDER BY labeled_at DESC, text_id DESC LIMIT 1",
        [labeled_by],
    )
    if not rows:
        return None
    return dict(zip(("text_id", "target_id", "text", "label"), rows[0], strict=True))


def remove_label(store: Store, text_id: str, target_id: str) -> None:
    """Forget the label given to a (text, target) pair (an undo)."""
    with store.transaction() as con:
        con.execute(
            "DELETE FROM stance_labels WHERE text_id = ? AND target_id = ?", [text_id, target_id]
        ).fetchall()


def label_counts(store: Store) -> dict[str, int]:
    """How many stance labels people gave, per label."""
    settle(store)
    return dict(store.rows("SELECT label, count(*) FROM stance_labels GROUP BY label"))


def labels(store: Store) -> pa.Table:
    """Every stance label: text_id, target_id, text, label, labeled_by, labeled_at."""
    settle(store)
    return store.arrow("SELECT * FROM stance_labels ORDER BY labeled_at, text_id, target_id")


def mentions(store: Store, *, limit: int | None = None, target_id: str | None = None) -> pa.Table:
    """Analysed (post, target) pairs not labelled yet, with text and author handle, for
    bootstrap and labelling (of one target, or of all)."""
    sql = """SELECT a.post_id, a.target_id, p.text, au.handle AS author_handle, a.stance,
                    a.stance_score
             FROM analyses a JOIN posts p USING (post_id)
             LEFT JOIN authors au ON au.author_id = p.author_id
             WHERE p.repost_of IS NULL AND (CAST(? AS VARCHAR) IS NULL OR a.target_id = ?)
               AND NOT EXISTS (SELECT 1 FROM stance_labels l
                               WHERE l.text_id = a.post_id AND l.target_id = a.target_id)
             ORDER BY a.post_id, a.target_id"""
    if limit:
        sql += f" LIMIT {int(limit)}"
    settle(store)
    return store.arrow(sql, [target_id, target_id])


def posts_for_bootstrap(store: Store, *, limit: int = 500_000) -> pa.Table:
    """Original posts with author handle (the most recent `limit`), for weak labels."""
    settle(store)
    return store.arrow(
        """SELECT p.post_id, p.text, p.lang, au.handle AS author_handle
           FROM posts p LEFT JOIN authors au ON au.author_id = p.author_id
           WHERE p.repost_of IS NULL AND p.text IS NOT NULL
           ORDER BY p.created_at DESC, p.post_id LIMIT ?""",
        [int(limit)],
    )
