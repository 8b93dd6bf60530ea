"""SQL of the diffusion area: cascade trials for learning probabilities, communities, supporters."""

from __future__ import annotations

import pyarrow as pa

from bascule.store.db import Store


def _arrow(store: Store, sql: str, params: list | None = None) -> pa.Table:
    """A query's rows as Arrow, through the relational API (no extra copy, no warning)."""
    store.con.execute("SELECT 1").fetchall()  # settle any pending DB-API result first
    return store.con.sql(sql, params=params or None).to_arrow_table()


def has_network(store: Store) -> bool:
    """Whether the store holds any amplification between two different authors."""
    rows = store.rows(  # fetchall: DuckDB 2 wants every result consumed before the next
        "SELECT count(*) > 0 FROM interactions WHERE kind IN ('repost', 'quote') "
        "AND src_author <> dst_author"
    )
    return bool(rows[0][0])


def amplification_trials(store: Store) -> pa.Table:
    """(src, dst, trials, successes) for every pair where dst amplified src at least once.

    Trials are src's original posts (not reposts) made while dst was watching src, counted from
    dst's first amplification of src onwards (dst was exposed then); successes are the distinct
    posts of src that dst reposted or quoted.
    """
    return _arrow(
        store,
        """WITH amp AS (
               SELECT i.dst_author AS src, i.src_author AS dst, i.target_post_id,
                      i.created_at
               FROM interactions i
               WHERE i.kind IN ('repost', 'quote') AND i.src_author <> i.dst_author),
           pairs AS (
               SELECT src, dst, min(created_at) AS since,
                      count(DISTINCT target_post_id) AS successes
               FROM amp GROUP BY ALL),
           own AS (
               SELECT author_id, created_at FROM posts WHERE repost_of IS NULL)
           SELECT p.src, p.dst,
                  greatest(p.successes, count(o.created_at)) AS trials,
                  p.successes
           FROM pairs p
           LEFT JOIN own o ON o.author_id = p.src
               AND (p.since IS NULL OR o.created_at >= p.since - INTERVAL 1 DAY)
           GROUP BY p.src, p.dst, p.successes ORDER BY p.src, p.dst""",
    )


def communities(store: Store) -> dict[str, int]:
    """Author id -> community, as saved by the last `bascule communities` run."""
    return {a: c for a, c in store.rows("SELECT author_id, community FROM communities")}


def supporters(store: Store, target_id: str, *, min_share: float = 0.5) -> list[str]:
    """Authors most of whose stance-bearing posts on `target_id` are in favour."""
    rows = store.rows(
        """SELECT p.author_id
           FROM analyses a JOIN posts p USING (post_id)
           WHERE a.target_id = ? AND a.stance IN ('favor', 'against')
           GROUP BY p.author_id
           HAVING avg(CASE WHEN a.stance = 'favor' THEN 1.0 ELSE 0.0 END) > ?
           ORDER BY p.author_id""",
        [target_id, min_share],
    )
    return [r[0] for r in rows]
