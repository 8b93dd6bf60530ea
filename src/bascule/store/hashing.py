"""Keyed hashes of many strings at once, by DuckDB's SHA-256 on every core.

HMAC-SHA256 (RFC 2104) is `H(outer pad || H(inner pad || message))`; DuckDB has SHA-256 but
no HMAC, so the two passes are written out. Used by bulk imports, where hundreds of thousands
of accounts and mentioned handles are pseudonymised per block; the result is the start of the
hex digest `hmac.new(key, message, sha256).hexdigest()` (tests check it).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from bascule.store.db import scratch

CACHE_LIMIT = 500_000  # cached digests per thread and key (about 60 bytes each in DuckDB)


def cached_hmac_prefix(messages: pa.Array, pads: tuple[bytes, bytes], width: int) -> pa.Array:
    """The first `width` hex digits of the HMAC-SHA256 of each message, remembering the
    digests of earlier calls in this thread's scratch DuckDB (bounded): a bulk import meets the
    same accounts block after block, and a join finds them without a Python loop."""
    import hashlib

    con = scratch()
    table = f"_hmac_{hashlib.sha256(pads[0]).hexdigest()[:16]}_{width}"
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (m VARCHAR, h VARCHAR)")
    con.register("_msgs", pa.table({"m": messages}))
    try:
        if con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > CACHE_LIMIT:
            con.execute(f"DELETE FROM {table}")
        con.execute(
            f"""INSERT INTO {table}
            SELECT m, left(sha256(?::BLOB || unhex(sha256(?::BLOB || encode(m)))), {width})
            FROM (SELECT DISTINCT m FROM _msgs WHERE m IS NOT NULL) n
            WHERE NOT EXISTS (SELECT 1 FROM {table} c WHERE c.m = n.m)""",
            [pads[1], pads[0]],
        )
        got = con.sql(f"SELECT c.m, c.h FROM {table} c SEMI JOIN _msgs USING (m)").to_arrow_table()
    finally:
        con.unregister("_msgs")
    found = pc.index_in(messages, value_set=got["m"].combine_chunks())
    return pc.take(got["h"].combine_chunks(), found)
