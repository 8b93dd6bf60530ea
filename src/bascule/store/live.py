"""SQL of live listening: connector cursors and platform deletions (tombstones)."""

from __future__ import annotations

import pyarrow as pa

from bascule.store.db import Store
from bascule.store.ingest import now


def load_cursors(store: Store, source: str) -> dict[str, str]:
    """Every cursor stored for `source` (key -> value), to resume where the store stands."""
    rows = store.rows("SELECT key, value FROM cursors WHERE source = ?", [source])
    return {k: v for k, v in rows if v is not None}


def apply_deletions(store: Store, post_ids: list[str], *, known_only: bool = False) -> int:
    """Honour deletions from the platform: tombstone the posts, remove them and what hangs on them.

    Returns how many stored posts were removed. Tombstones keep a deleted post from coming back
    with a later page or a re-import; `known_only` tombstones only posts that were stored (for
    firehose deletions of posts never collected).
    """
    ids = sorted(set(post_ids))
    if not ids:
        return 0
    table = pa.table({"post_id": pa.array(ids, pa.string())})
    with store.transaction() as con:
        con.register("_del_ids", table)
        try:
            known = " WHERE post_id IN (SELECT post_id FROM posts)" if known_only else ""
            con.execute(
                f"INSERT OR IGNORE INTO tombstones SELECT post_id, ? FROM _del_ids{known}", [now()]
            )
            removed = int(
                con.execute(
                    "SELECT count(*) FROM posts WHERE post_id IN (SELECT post_id FROM _del_ids)"
                ).fetchone()[0]
            )
            for table_name in ("analyses", "post_analyses", "interactions", "posts"):
                con.execute(
                    f"DELETE FROM {table_name} WHERE post_id IN (SELECT post_id FROM _del_ids)"
                )
        finally:
            con.unregister("_del_ids")
    return removed


def source_counts(store: Store, source: str) -> dict[str, int]:
    """Posts stored from `source` and rejects (malformed records) counted for it."""
    posts = int(store.scalar("SELECT count(*) FROM posts WHERE source = ?", [source]))
    rejects = int(store.scalar("SELECT count(*) FROM rejects WHERE source = ?", [source]))
    return {"posts": posts, "rejects": rejects}
