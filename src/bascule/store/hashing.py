"""Keyed hashes of many strings at once, by DuckDB's SHA-256 on every core.

HMAC-SHA256 (RFC 2104) is `H(outer pad || H(inner pad || message))`; DuckDB has SHA-256 but
no HMAC, so the two passes are written out. Used by bulk imports, where hundreds of thousands
of accounts and mentioned handles are pseudonymised per block; the result is the same hex
digest as `hmac.new(key, message, sha256).hexdigest()` (a test checks it).
"""

from __future__ import annotations

import pyarrow as pa

from bascule.store.db import scratch


def hmac_sha256_hex(messages: pa.Array, pads: tuple[bytes, bytes]) -> pa.Array:
    """Hex HMAC-SHA256 of each UTF-8 message, given the key's (inner, outer) pads."""
    con = scratch()
    con.register("_msgs", pa.table({"m": messages}))
    try:
        return (
            con.sql(
                "SELECT sha256(?::BLOB || unhex(sha256(?::BLOB || encode(m)))) FROM _msgs",
                params=[pads[1], pads[0]],
            )
            .to_arrow_table()[0]
            .combine_chunks()
        )
    finally:
        con.unregister("_msgs")
