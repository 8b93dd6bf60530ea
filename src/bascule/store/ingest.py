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
            # INSERT OR IGNORE returns the rows it inserted (duplicates: the first one wins)
            imported = con.execute(
                "INSERT OR IGNORE INTO posts SELECT p.* FROM _b_posts p "
                "WHERE NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.post_id = p.post_id) "
                "AND NOT EXISTS (SELECT 1 FROM forgotten f WHERE f.author_id = p.author_id)"
            ).fetchall()[0][0]
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


def limit_memory(store: Store, limit: str) -> None:
    """Lower DuckDB's memory limit (never raise it) for a long-running bulk job."""
    import re

    current = str(store.rows("SELECT current_setting('memory_limit')")[0][0])
    units = {
        "kib": 2**10,
        "mib": 2**20,
        "gib": 2**30,
        "tib": 2**40,
        "kb": 10**3,
        "mb": 10**6,
        "gb": 10**9,
        "tb": 10**12,
    }

    def size(text: str) -> float:
        m = re.match(r"\s*([\d.]+)\s*([a-zA-Z]+)", text)
        return float(m.group(1)) * units.get(m.group(2).lower(), 1) if m else float("inf")

    if size(limit) < size(current):
        store.execute(f"SET memory_limit = '{limit}'")
    _json_con().execute("SET memory_limit = '192MB'")


# -- vectorised extraction for generic JSON lines (the fast import path) ------------------------
_JSON_CON = None

_MACROS = r"""
CREATE MACRO b_id(x) AS CASE
    WHEN x IS NULL OR x IN ('', 'nan', 'NaN', 'None', 'none', 'null') THEN NULL
    WHEN ends_with(x, '.0') AND TRY_CAST(x AS DOUBLE) IS NOT NULL THEN split_part(x, '.', 1)
    ELSE x END;
CREATE MACRO b_int(x) AS TRY_CAST(TRY_CAST(x AS DOUBLE) AS BIGINT);
CREATE MACRO b_bool(x) AS CASE WHEN x IS NULL OR x = '' THEN NULL
    ELSE lower(trim(x)) IN ('1', 'true', 'yes', 'y', 't') END;
CREATE MACRO b_epoch(v) AS CASE WHEN v > 1e17 THEN v / 1e9 WHEN v > 1e14 THEN v / 1e6
    WHEN v > 1e11 THEN v / 1e3 ELSE v END;
CREATE MACRO b_from_epoch(s) AS CASE WHEN s BETWEEN 1 AND 4e9
    THEN make_timestamp(CAST(s * 1e6 AS BIGINT)) END;
CREATE MACRO b_ts(x) AS CASE
    WHEN x IS NULL OR x = '' THEN NULL
    WHEN x[-1] = 'Z' THEN TRY_CAST(x AS TIMESTAMP)
    WHEN x[1] BETWEEN '0' AND '9' AND TRY_CAST(x AS DOUBLE) IS NOT NULL
        THEN b_from_epoch(b_epoch(TRY_CAST(x AS DOUBLE)))
    WHEN x[1] BETWEEN 'A' AND 'z' THEN
        CAST(try_strptime(x, '%a %b %d %H:%M:%S %z %Y') AS TIMESTAMP)
    ELSE CAST(TRY_CAST(x AS TIMESTAMPTZ) AS TIMESTAMP) END;
"""


def _json_con():  # noqa: ANN202 - a private in-memory DuckDB connection
    global _JSON_CON
    if _JSON_CON is None:
        import duckdb

        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        con.execute(_MACROS)
        _JSON_CON = con
    return _JSON_CON


def _path(column: str) -> str:
    if "." in column:
        return "$." + ".".join('"' + p.replace('"', '\\"') + '"' for p in column.split("."))
    return '$."' + column.replace('"', '\\"') + '"'


def extract_json_lines(
    lines: pa.Table, columns: dict[str, str], platform: str, max_text: int
) -> pa.Table:
    """Mapped fields of JSON lines (`no`, `pos`, `line`), parsed and typed by DuckDB at once.

    `columns` maps Post fields to JSON keys (dotted for nested). Returns one row per non-empty
    line: `no, reason` (NULL when fine) and the typed fields, with `akey` (the account key:
    native id, else `@handle`), the line itself as `raw`, and whether the text and the line
    hold an `@` (`text_at`, `raw_at`: the rows mention scrubbing must look at).
    """
    fields = list(columns)
    paths = "[" + ", ".join("'" + _path(columns[f]).replace("'", "''") + "'" for f in fields) + "]"

    def f(name: str) -> str:
        return f"v[{fields.index(name) + 1}]" if name in columns else "NULL"

    handle = "NULL" if columns.get("handle") == columns.get("author") else f("handle")
    sql = f"""
    WITH v AS (
        SELECT no, pos, line,
            CASE WHEN NOT json_valid(line) THEN 'broken JSON'
                 WHEN NOT starts_with(line, '{{') AND NOT starts_with(ltrim(line), '{{')
                    THEN 'not a JSON object' END AS bad
        FROM _lines WHERE starts_with(line, '{{') OR trim(line) <> ''
    ), x AS (
        SELECT no, pos, line, bad,
            CASE WHEN bad IS NULL THEN json_extract_string(line, {paths}) END AS v
        FROM v
    ), y AS (
        SELECT no, pos, line, bad, v,
            b_id({f("id")}) AS id,
            b_id({f("author")}) AS author,
            nullif({handle}, '') AS handle,
            {f("created_at")} AS created_raw,
            b_ts({f("created_at")}) AS created_at
        FROM x
    )
    SELECT no, pos,
        CASE WHEN bad IS NOT NULL THEN bad
             WHEN id IS NULL THEN 'missing id'
             WHEN author IS NULL AND handle IS NULL THEN 'missing author'
             WHEN created_raw IS NULL OR created_raw = '' THEN 'missing date'
             WHEN created_at IS NULL OR year(created_at) NOT BETWEEN 1990 AND 2100
                THEN 'bad date ''' || left(created_raw, 60) || ''''
        END AS reason,
        coalesce(nullif({f("platform")}, ''), ?) AS platform,
        id,
        author,
        coalesce(handle, author) AS handle,
        coalesce(author, '@' || lower(handle)) AS akey,
        created_at,
        CASE WHEN strlen({f("text")}) <= {int(max_text)} THEN {f("text")}
            ELSE left({f("text")}, {int(max_text)}) END AS text,
        contains({f("text")}, '@') AS text_at,
        contains(line, '@') AS raw_at,
        nullif({f("lang")}, '') AS lang,
        b_id({f("reply_to")}) AS reply_to,
        b_id({f("reply_to_author")}) AS reply_to_author,
        b_id({f("repost_of")}) AS repost_of,
        b_id({f("repost_of_author")}) AS repost_of_author,
        b_id({f("quote_of")}) AS quote_of,
        b_id({f("quote_of_author")}) AS quote_of_author,
        b_id({f("conversation_id")}) AS conversation_id,
        nullif({f("url")}, '') AS url,
        b_int({f("likes")}) AS likes,
        b_int({f("reposts")}) AS reposts,
        b_int({f("replies")}) AS replies,
        b_int({f("quotes")}) AS quotes,
        b_int({f("followers")}) AS followers,
        b_int({f("following")}) AS following,
        b_bool({f("verified")}) AS verified
    FROM y
    """
    con = _json_con()
    con.register("_lines", lines)
    try:
        out = con.sql(sql, params=[platform]).to_arrow_table()
    finally:
        con.unregister("_lines")
    import pyarrow.compute as pc

    raw = pc.take(lines["line"], out["pos"])
    return out.drop_columns(["pos"]).append_column("raw", raw)
