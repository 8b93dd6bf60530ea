"""Bulk import of generic JSON lines, set-based inside DuckDB, committed in groups of blocks.

`prepare_json_lines` parses, types and checks a block of lines (an Arrow table `no, pos,
line`) in one DuckDB statement, without the store, so it can run while the store writes the
previous block; Python only sees what needs a keyed hash or a mention rewrite (one row per
distinct account, and the texts holding an `@`), through the callbacks of a `LineSpec`, so
pseudonymisation stays in one place (`bascule.privacy`). A `BlockWriter` then writes the
blocks with the set operations every import shares (`store.ingest`).

For a generic file the mapped columns are the payload, so `raw` keeps only the fields the
column map did not take (NULL when it took them all): nothing is lost, nothing stored twice.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bascule.store.db import Store, scratch
from bascule.store.ingest import (
    BatchResult,
    finish_batch,
    first_of_each,
    insert_interactions,
    insert_new_posts,
    merge_authors,
    note_skipped,
)

_MACROS = r"""
CREATE OR REPLACE TEMP MACRO b_id(x) AS CASE
    WHEN x IS NULL OR x IN ('', 'nan', 'NaN', 'None', 'none', 'null') THEN NULL
    WHEN ends_with(x, '.0') AND TRY_CAST(x AS DOUBLE) IS NOT NULL THEN split_part(x, '.', 1)
    ELSE x END;
CREATE OR REPLACE TEMP MACRO b_rounded(x) AS
    regexp_full_match(x, '[0-9]([.][0-9]+)?[eE][+]?[0-9]+');
CREATE OR REPLACE TEMP MACRO b_ref(x) AS CASE WHEN b_rounded(b_id(x)) THEN NULL ELSE b_id(x) END;
CREATE OR REPLACE TEMP MACRO b_int(x) AS TRY_CAST(TRY_CAST(x AS DOUBLE) AS BIGINT);
CREATE OR REPLACE TEMP MACRO b_bool(x) AS CASE WHEN x IS NULL OR x = '' THEN NULL
    ELSE lower(trim(x)) IN ('1', 'true', 'yes', 'y', 't') END;
CREATE OR REPLACE TEMP MACRO b_epoch(v) AS CASE WHEN v > 1e17 THEN v / 1e9
    WHEN v > 1e14 THEN v / 1e6 WHEN v > 1e11 THEN v / 1e3 ELSE v END;
CREATE OR REPLACE TEMP MACRO b_from_epoch(s) AS CASE WHEN s BETWEEN 1 AND 4e9
    THEN make_timestamp(CAST(s * 1e6 AS BIGINT)) END;
CREATE OR REPLACE TEMP MACRO b_ts(x) AS CASE
    WHEN x IS NULL OR x = '' THEN NULL
    WHEN x[-1] = 'Z' THEN TRY_CAST(x AS TIMESTAMP)
    WHEN x[1] BETWEEN '0' AND '9' AND TRY_CAST(x AS DOUBLE) IS NOT NULL
        THEN b_from_epoch(b_epoch(TRY_CAST(x AS DOUBLE)))
    WHEN x[1] BETWEEN 'A' AND 'z' THEN
        CAST(try_strptime(x, '%a %b %d %H:%M:%S %z %Y') AS TIMESTAMP)
    ELSE CAST(TRY_CAST(x AS TIMESTAMPTZ) AS TIMESTAMP) END;
CREATE OR REPLACE TEMP MACRO b_local(x) AS NOT (x IS NULL OR trim(x) = ''
    OR regexp_matches(trim(x), '([zZ]|[+-]\d\d:?\d\d)$') OR trim(x)[1] BETWEEN 'A' AND 'z'
    OR TRY_CAST(trim(x) AS DOUBLE) IS NOT NULL);
"""

# interactions a generic record can carry: kind -> the field naming the post acted on
_TARGET = {"reply": "reply_to", "repost": "repost_of", "quote": "quote_of"}


@dataclass
class LineSpec:
    """How to read a generic JSON-lines file and what Python must do for it.

    `columns` maps Post fields to JSON keys (dotted for nested). `accounts(combos, others)`
    gets the distinct (platform, akey, handle) of posting accounts and (platform, akey) of
    accounts replied to / reposted / quoted, and returns (platform, akey, author_id, handle,
    pseudonymised) for every key. `scrub_text` and `scrub_raw` get (pos, platform, value) rows
    (texts holding an `@`, kept payloads) and return (pos, value) rewritten, in the same
    order; None keeps all.
    `reject(no, reason, line)` makes the reject record of a bad line; `public_url(url, handle,
    akey)` the link kept for a post by a pseudonymised author (None keeps links as they are).
    A dotted key in `flat` names a top-level key (`user.id` of a CSV file), not a path.
    """

    columns: dict[str, str]
    platform: str
    max_text: int
    source: str
    accounts: Callable[[pa.Table, pa.Table], pa.Table]
    scrub_text: Callable[[pa.Table], pa.Table] | None
    scrub_raw: Callable[[pa.Table], pa.Table] | None
    reject: Callable[[int, str, str], Any]
    public_url: Callable[..., str | None] | None = None
    flat: frozenset[str] = frozenset()  # dotted keys that are keys, not paths (CSV columns)
    date_format: str | None = None  # how dates are written when not ISO (`DateRule`)
    timezone: str | None = None  # the zone of dates written without one (else UTC)
    header: tuple[str, ...] | None = None  # a table's columns: its block holds c0, c1...

    def cells(self) -> dict[str, str]:
        """A table block's column names -> its columns (`c0`...): the last of a repeated
        name, at the place of its first, as the JSON object of a row would hold them."""
        out: dict[str, str] = {}
        for i, name in enumerate(self.header or ()):
            out[name] = f"c{i}"
        return out


@dataclass
class Prepared:
    """A block ready to write: its valid rows (each post_id once, the first copy, texts and
    payloads already rewritten), every account it saw (the authors table's columns, one row
    each), rejects in line order, and how many valid rows it had with the copies."""

    rows: pa.Table
    authors: pa.Table
    rejects: list[Any]
    received: int


def prepare_json_lines(lines: pa.Table, spec: LineSpec, rejects: list[Any]) -> Prepared:
    """Parse, type and check a block of lines (`no, pos, line`), or of a table's rows (`no,
    pos, c0, c1...`: `spec.header`), pseudonymise its accounts and rewrite its mentions,
    without touching the store."""
    con = scratch()
    con.execute(_MACROS)
    sql = _extract_sql(spec)
    parts = [lines] if spec.header is not None else _slices(lines)
    x = pa.concat_tables(_run_sliced(con, "_lines", part, sql, [spec.platform]) for part in parts)
    bad = pc.is_valid(x["reason"])
    rejects = list(rejects)
    if pc.any(bad).as_py():
        b = x.filter(bad)
        text = _line_texts(con, lines, b["pos"], spec)
        rejects += [
            spec.reject(no, reason, line)
            for no, reason, line in zip(
                b["no"].to_pylist(), b["reason"].to_pylist(), text, strict=True
            )
        ]
        rejects.sort(key=lambda r: r.line)
        x = x.filter(pc.invert(bad))
    received = x.num_rows
    x = _with_remainders(con, first_of_each(x, "post_id"), lines, spec)
    keys = _keys(con, x, spec)
    x = _with_author_ids(x, keys, spec)
    authors = _block_authors(con, x, keys, spec)
    return Prepared(_public_urls(_scrubbed(x, spec), keys, spec), authors, rejects, received)


COMMIT_ROWS = 122_880  # a DuckDB row group: fewer rows go through the write-ahead log
GROUP_BYTES = 64 << 20  # or fewer rows when they are wide: 47,000 records of 14 KB were held
# in one open transaction to the end of the file (2 GB of RSS, nothing committed on a kill)


class BlockWriter:
    """Writes prepared blocks, each with its file progress, committing once at least
    `commit_rows` posts, or `GROUP_BYTES` of them, are pending (and on `commit`).

    A transaction that fills whole row groups has DuckDB write them compressed once, where
    block-sized commits go through the write-ahead log and are rewritten at checkpoints; the
    progress is committed with the rows it covers, so a crash loses at most one group and a
    rerun never duplicates. `write` and `commit` return the results they committed.
    An open group holds the store's `posts_lock`: no other connection of the process stores
    posts until it commits.
    """

    def __init__(self, store: Store, *, run_id: int | None, commit_rows: int = COMMIT_ROWS):
        self.store, self.run_id, self.commit_rows = store, run_id, commit_rows
        self._pending: list[BatchResult] = []
        self._authors: list[pa.Table] = []
        self._rows = self._bytes = 0
        self._open = False

    def write(
        self, block: Prepared, spec: LineSpec, progress: tuple[str, str, str, int, int, bool]
    ) -> list[BatchResult]:
        con = self.store.con
        if not self._open:
            self.store.posts_lock.acquire()  # held until the group commits (`Store`)
            try:
                con.execute("BEGIN TRANSACTION")
            except BaseException:
                self.store.posts_lock.release()
                raise
            self._open = True
        try:
            con.register("_x", block.rows)
            try:
                imported = _write(con, spec, self.run_id)
            finally:
                with contextlib.suppress(Exception):  # the transaction may be aborted
                    con.unregister("_x")
            finish_batch(con, block.rejects, self.run_id, progress)
        except BaseException:
            self.rollback()
            raise
        self._pending.append(BatchResult(imported, block.received - imported, len(block.rejects)))
        self._authors.append(block.authors)
        self._rows += block.rows.num_rows
        self._bytes += block.rows.nbytes
        full = self._rows >= self.commit_rows or self._bytes >= GROUP_BYTES
        return self.commit() if full else []

    def commit(self) -> list[BatchResult]:
        """Merge the group's authors and commit what is pending; returns its results."""
        if self._open:
            try:
                _merge_group_authors(self.store.con, self._authors)
            except BaseException:
                self.rollback()
                raise
            try:
                self.store.con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(Exception):  # a failed commit may have ended it
                    self.store.con.execute("ROLLBACK")
                raise
            finally:
                self._open = False
                self.store.posts_lock.release()
        done = self._pending
        self._clear()
        return done

    def _clear(self) -> None:
        """Nothing pending."""
        self._pending, self._authors, self._rows, self._bytes = [], [], 0, 0

    def rollback(self) -> None:
        if self._open:
            self._open = False
            self._clear()
            try:
                self.store.con.execute("ROLLBACK")
            finally:
                self.store.posts_lock.release()

    def __enter__(self) -> BlockWriter:
        return self

    def __exit__(self, kind: Any, *_: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.rollback()


VECTOR_BYTES = 2 << 20
_VECTOR = 2048  # rows DuckDB hands each function at once


def _slices(table: pa.Table) -> list[pa.Table]:
    """The table (its `line` column) whole, or in slices whose lines start within
    `VECTOR_BYTES` of each other when 2,048 of its lines hold more than that.

    DuckDB's JSON functions take 10 to 20 times the bytes of each vector of 2,048 lines they
    read (`json_merge_patch` the most): an 18 MB block of 4.8 KB records needed 160 MB to
    extract and 192 MB for its remainders, past the scratch cap. Narrow lines, the usual
    case, stay one statement a block; wide ones go a few MB at a time, so the memory stays
    bounded whatever the width of the records (a line is at most 1 MiB).
    """
    size = pc.binary_length(table["line"]).to_numpy(zero_copy_only=False).astype(np.int64)
    ends = np.cumsum(size)
    if len(size) <= _VECTOR:
        widest = int(ends[-1]) if len(size) else 0
    else:
        widest = int((ends[_VECTOR - 1 :] - np.concatenate([[0], ends[:-_VECTOR]])).max())
    if widest <= VECTOR_BYTES:
        return [table]
    window = (ends - size) // VECTOR_BYTES
    bounds = [0, *(np.flatnonzero(np.diff(window)) + 1).tolist(), len(size)]
    return [table.slice(a, b - a) for a, b in itertools.pairwise(bounds)]


def _run_sliced(con: Any, name: str, part: pa.Table, sql: str, params: list[Any]) -> pa.Table:
    con.register(name, part)
    try:
        return con.sql(sql, params=params).to_arrow_table()
    finally:
        con.unregister(name)


def _line_texts(con: Any, lines: pa.Table, pos: pa.ChunkedArray, spec: LineSpec) -> list[str]:
    """The lines at `pos`, for their rejects: a table's rows as the JSON objects of their
    cells (an empty cell is no key), as a JSON-lines block holds them."""
    if spec.header is None:
        return pc.take(lines["line"], pos).to_pylist()
    sql = f"SELECT {_object_sql(spec.cells())} AS line FROM _rows"
    got = _run_sliced(con, "_rows", lines.take(pos), sql, [])
    return got["line"].to_pylist()


def _object_sql(cells: dict[str, str]) -> str:
    """The JSON object (text) of a table row's cells, its null ones left out (`json_merge_patch`
    drops the members a patch sets to null); '{}' when it has none."""
    if not cells:
        return "'{}'"
    members = ", ".join(f"{_sql_ident(k)} := {c}" for k, c in cells.items())
    return f"CAST(json_merge_patch('{{}}', to_json(struct_pack({members}))) AS VARCHAR)"


def _sql_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _with_remainders(con: Any, x: pa.Table, lines: pa.Table, spec: LineSpec) -> pa.Table:
    """The rows with `raw`: what each line holds beyond the mapped fields (NULL when nothing),
    by `json_merge_patch` (in slices: `_slices`), or a table row's unmapped cells."""
    need = pc.fill_null(x["has_rest"], False).combine_chunks()
    x = x.drop_columns(["has_rest"])
    raw = pa.nulls(x.num_rows, pa.string())
    if pc.any(need).as_py() and spec.header is not None:
        cells = {k: c for k, c in spec.cells().items() if k not in set(spec.columns.values())}
        sql = f"SELECT nullif({_object_sql(cells)}, '{{}}') AS raw FROM _rest"
        got = _run_sliced(con, "_rest", lines.take(x["pos"].filter(need)), sql, [])["raw"]
        raw = pc.replace_with_mask(raw, need, got.combine_chunks())
    elif pc.any(need).as_py():
        rest = pa.table({"line": pc.take(lines["line"], x["pos"].filter(need))})
        patch = _remainder(spec.columns, spec.flat)[1]
        sql = (
            f"SELECT nullif(CAST(json_merge_patch(line, {patch}) AS VARCHAR), '{{}}') AS raw"
            " FROM _rest"
        )
        got = pa.chunked_array(
            [
                chunk
                for part in _slices(rest)
                for chunk in _run_sliced(con, "_rest", part, sql, [])["raw"].chunks
            ],
            pa.string(),
        ).combine_chunks()  # (a list of chunked arrays would go through Python objects)
        raw = pc.replace_with_mask(raw, need, got)
    return x.append_column("raw", raw)


_NO_KEYS = pa.table({"platform": pa.array([], pa.string()), "akey": pa.array([], pa.string())})


def _keys(con: Any, x: pa.Table, spec: LineSpec) -> pa.Table:
    """(platform, akey, author_id, handle, pseudonymised) of every account key of the rows."""
    con.register("_x", x)
    try:
        combos = con.sql("SELECT DISTINCT platform, akey, handle FROM _x").to_arrow_table()
        others = [
            f"SELECT platform, {t}_author AS akey FROM _x WHERE {t}_author IS NOT NULL"
            for t in _TARGET.values()
            if f"{t}_author" in spec.columns
        ]
        other = (
            con.sql(f"SELECT DISTINCT * FROM ({' UNION ALL '.join(others)})").to_arrow_table()
            if others
            else _NO_KEYS
        )
    finally:
        con.unregister("_x")
    return spec.accounts(combos, other)


def _scrubbed(x: pa.Table, spec: LineSpec) -> pa.Table:
    """The rows with texts and payloads rewritten by the spec's callbacks where they need it
    (here, off the writer's path, so the insert needs no join)."""
    for column, fn in (("text", spec.scrub_text), ("raw", spec.scrub_raw)):
        if fn is None or not x.num_rows:
            continue
        values = x[column].combine_chunks()
        need = pc.is_valid(values)
        if column == "text":
            need = pc.and_(need, pc.fill_null(pc.match_substring(values, "@"), False))
        if not pc.any(need).as_py():
            continue
        sub = pa.table({"pos": x["pos"], "platform": x["platform"], "value": values})
        got = fn(sub.filter(need))
        new = pc.replace_with_mask(values, need, got["value"].combine_chunks().cast(values.type))
        x = x.set_column(x.schema.get_field_index(column), column, new)
    return x


def _public_urls(x: pa.Table, keys: pa.Table, spec: LineSpec) -> pa.Table:
    """The rows with the links of pseudonymised authors' posts made nameless
    (`privacy.public_url`, through the spec's callback)."""
    if spec.public_url is None or not x.num_rows or x["url"].null_count == x.num_rows:
        return x
    pseudo = pc.take(
        keys["pseudonymised"], pc.index_in(x["author_id"], value_set=keys["author_id"])
    )
    need = pc.and_(pc.fill_null(pseudo, True), pc.is_valid(x["url"])).combine_chunks()
    if not pc.any(need).as_py():
        return x
    urls = x["url"].combine_chunks()
    sub = x.filter(need)
    fixed = pa.array(
        [
            spec.public_url(u, h, a)
            for u, h, a in zip(
                sub["url"].to_pylist(),
                sub["handle"].to_pylist(),
                sub["akey"].to_pylist(),
                strict=True,
            )
        ],
        pa.string(),
    )
    new = pc.replace_with_mask(urls, need, fixed.cast(urls.type))
    return x.set_column(x.schema.get_field_index("url"), "url", new)


def _with_author_ids(x: pa.Table, keys: pa.Table, spec: LineSpec) -> pa.Table:
    """The rows with `author_id` (and `<field>_author_id` of the accounts acted on) looked up
    among the keys, by Arrow: the store then needs no join to know who wrote what."""
    known = pc.binary_join_element_wise(keys["platform"], keys["akey"], "\x1f")

    def lookup(column: str) -> pa.ChunkedArray:
        kk = pc.binary_join_element_wise(x["platform"], x[column], "\x1f")
        return pc.take(keys["author_id"], pc.index_in(kk, value_set=known))

    out = x.append_column("author_id", lookup("akey"))
    for t in _TARGET.values():
        if f"{t}_author" in spec.columns:
            out = out.append_column(f"{t}_author_id", lookup(f"{t}_author"))
    return out


def _write(con: Any, spec: LineSpec, run_id: int | None) -> int:
    """Posts and interactions of the registered block; returns the posts stored."""
    imported = insert_new_posts(
        con,
        "_x",
        select="""b.post_id, b.platform, b.id, b.author_id, b.created_at,
            b.text, b.lang,
            b.platform || ':' || b.reply_to, b.platform || ':' || b.repost_of,
            b.platform || ':' || b.quote_of, b.conversation_id, b.url,
            b.likes, b.reposts, b.replies, b.quotes, ?, ?, b.raw""",
        params=[spec.source, run_id],
        repost_of="b.platform || ':' || b.repost_of",
    )
    note_skipped(con, run_id, "_x", spec.source)
    acted_on = _acted_on(spec)
    if acted_on:
        insert_interactions(
            con,
            " UNION ALL ".join(
                f"""SELECT author_id AS src_author, {t}_author_id AS dst_author, '{k}' AS kind,
                    post_id, platform || ':' || {t} AS target_post_id, created_at
                FROM _x WHERE {t}_author_id IS NOT NULL"""
                for k, t in acted_on.items()
            ),
            distinct=False,  # one row per post (`first_of_each`), one account per kind
        )
    con.execute("DROP TABLE _seen")
    return imported


def _acted_on(spec: LineSpec) -> dict[str, str]:
    """Interaction kind -> the field naming the post acted on, for the fields the map has."""
    return {k: t for k, t in _TARGET.items() if f"{t}_author" in spec.columns}


def _block_authors(con: Any, x: pa.Table, keys: pa.Table, spec: LineSpec) -> pa.Table:
    """Every account a block saw, one row each with the authors table's columns: authors when
    they posted, the others when acted on. Computed while the store writes the block before,
    so the writer only merges."""
    seen = " UNION ALL ".join(
        ["SELECT author_id, created_at AS t, followers, following, verified FROM _x"]
        + [
            f"SELECT {t}_author_id, created_at, NULL, NULL, NULL FROM _x "
            f"WHERE {t}_author_id IS NOT NULL"
            for t in _acted_on(spec).values()
        ]
    )
    con.register("_x", x)
    con.register("_k", keys)
    try:
        return con.sql(
            f"""
            SELECT s.author_id, any_value(k.platform) AS platform,
                any_value(k.handle) AS handle, NULL::VARCHAR AS display_name,
                bool_and(k.pseudonymised) AS pseudonymised,
                max(s.followers) AS followers, max(s.following) AS following,
                bool_or(s.verified) AS verified, min(s.t) AS first_seen, max(s.t) AS last_seen
            FROM ({seen}) s JOIN _k k ON k.author_id = s.author_id
            GROUP BY s.author_id
            """
        ).to_arrow_table()
    finally:
        con.unregister("_x")
        con.unregister("_k")


def _merge_group_authors(con: Any, blocks: list[pa.Table]) -> None:
    """Merge the authors of a group of blocks in one pass: an account seen in several blocks
    is updated once (DuckDB updates are costly), with what the latest block knew."""
    if not blocks:
        return
    con.register("_ga", pa.concat_tables(blocks))
    try:
        if len(blocks) == 1:
            merge_authors(con, "_ga")
            return
        con.execute(
            """
            CREATE OR REPLACE TEMP TABLE _a AS
            SELECT author_id, any_value(platform) AS platform,
                coalesce(arg_max(handle, last_seen) FILTER (WHERE NOT pseudonymised),
                    any_value(handle)) AS handle,
                arg_max(display_name, last_seen) FILTER (WHERE display_name IS NOT NULL)
                    AS display_name,
                bool_and(pseudonymised) AS pseudonymised,
                arg_max(followers, last_seen) FILTER (WHERE followers IS NOT NULL) AS followers,
                arg_max(following, last_seen) FILTER (WHERE following IS NOT NULL) AS following,
                arg_max(verified, last_seen) FILTER (WHERE verified IS NOT NULL) AS verified,
                min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM _ga GROUP BY author_id
            """
        )
        merge_authors(con, "_a")
        con.execute("DROP TABLE _a")
    finally:
        with contextlib.suppress(Exception):  # the transaction may be aborted
            con.unregister("_ga")


def rows_as_json(batch: pa.RecordBatch | pa.Table) -> pa.Array:
    """Each row as the JSON object of its columns (structs nested), by DuckDB: a generic
    table's rows then take the JSON-lines path (`sources.tables`)."""
    con = scratch()
    con.register("_rows", batch)
    try:
        got = con.sql("SELECT to_json(_rows) AS line FROM _rows").to_arrow_table()["line"]
    finally:
        con.unregister("_rows")
    return got.combine_chunks().cast(pa.string())


def json_array_elements(path: str, max_object_bytes: int) -> Iterator[pa.Array] | None:
    """The elements of a JSON array file as JSON texts, a chunk of up to 2,048 at a time
    (DuckDB's `read_json_objects` streams the array: memory follows one chunk, where parsing
    the whole document took 8 times its size); None when DuckDB cannot open it as an array.
    A malformed array raises `duckdb.Error` at the chunk where it breaks."""
    import duckdb

    con = scratch().cursor()
    quoted = str(path).replace("'", "''")
    try:
        reader = con.sql(
            f"SELECT json::VARCHAR AS json FROM read_json_objects('{quoted}', format = 'array', "
            f"maximum_object_size = {int(max_object_bytes)})"
        ).to_arrow_reader(2048)
    except duckdb.Error:
        con.close()
        return None

    def chunks() -> Iterator[pa.Array]:
        try:
            for batch in reader:
                yield batch.column(0)
        except OSError as exc:  # DuckDB's error, as the Arrow stream hands it on
            raise duckdb.InvalidInputException(str(exc)) from exc
        finally:
            con.close()

    return chunks()


def _path(column: str, flat: frozenset[str] = frozenset()) -> str:
    if "." in column and column not in flat:
        return "$." + ".".join('"' + p.replace('"', '\\"') + '"' for p in column.split("."))
    return '$."' + column.replace('"', '\\"') + '"'


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _remainder(columns: dict[str, str], keys: frozenset[str] = frozenset()) -> tuple[str, str]:
    """(top-level keys the map takes whole, a JSON merge patch deleting every mapped key);
    `keys` are dotted names that are top-level keys."""
    import json

    patch: dict[str, Any] = {}
    flat = set()
    for col in set(columns.values()):
        parts = [col] if col in keys else col.split(".")
        if len(parts) == 1:
            flat.add(col)
        node = patch
        for p in parts[:-1]:
            nxt = node.setdefault(p, {})
            if not isinstance(nxt, dict):
                break
            node = nxt
        else:
            node[parts[-1]] = None
    keys = "[" + ", ".join(_sql_text(k) for k in sorted(flat)) + "]::VARCHAR[]"
    return keys, _sql_text(json.dumps(patch))


def _created_sql(raw: str, spec: LineSpec) -> str:
    """The naive UTC time of a date as `DateRule.parse` reads it: by the spec's `strptime`
    format, else as `b_ts` reads it; a date written without its zone taken in the spec's
    `timezone`."""
    ts, local = f"b_ts({raw})", f"b_local({raw})"
    if spec.date_format:  # the pattern first, then what `b_ts` reads (a sheet's real dates)
        own = f"try_strptime(trim({raw}), {_sql_text(spec.date_format)})"
        zoned = "%z" in spec.date_format or "%Z" in spec.date_format
        if zoned:
            own = f"CAST({own} AS TIMESTAMP)"  # (the scratch connection's zone is UTC)
        local = f"CASE WHEN {own} IS NOT NULL THEN {str(not zoned).lower()} ELSE {local} END"
        ts = f"coalesce({own}, {ts})"
    if not spec.timezone:
        return ts
    zone = _sql_text(spec.timezone)
    return f"CASE WHEN {local} THEN CAST(timezone({zone}, {ts}) AS TIMESTAMP) ELSE {ts} END"


def _extract_sql(spec: LineSpec) -> str:
    """One row per non-empty line: its reason when bad, else the typed fields."""
    columns = spec.columns
    fields = list(columns)
    paths = "[" + ", ".join(_sql_text(_path(columns[f], spec.flat)) for f in fields) + "]"

    def f(name: str) -> str:
        return f"v[{fields.index(name) + 1}]" if name in columns else "NULL"

    handle = "NULL" if columns.get("handle") == columns.get("author") else f("handle")
    n = int(spec.max_text)
    if spec.header is not None:  # a table's cells: no JSON to parse
        cells = spec.cells()
        v = ", ".join(cells.get(columns[name], "NULL::VARCHAR") for name in fields)
        rest = [c for k, c in cells.items() if k not in set(columns.values())]
        any_rest = " OR ".join(f"{c} IS NOT NULL" for c in rest) or "false"
        source = (
            f"x AS (SELECT no, pos, NULL AS line, true AS object, [{v}] AS v, {any_rest} AS rest "
            "FROM _lines)"
        )
        carry, has_rest = "rest, ", "rest"
    else:
        flat, _ = _remainder(columns, spec.flat)
        carry = ""
        has_rest = f"len(list_filter(json_keys(line), lambda k: NOT list_contains({flat}, k))) > 0"
        source = f"""o AS (
        SELECT no, pos, line,
            starts_with(line, '{{') OR starts_with(ltrim(line), '{{') AS object
        FROM _lines WHERE starts_with(line, '{{') OR trim(line) <> ''
    ), x AS (
        SELECT no, pos, line, object,
            CASE WHEN object THEN try(json_extract_string(line, {paths})) END AS v
        FROM o
    )"""
    return f"""
    WITH {source}, y AS (
        SELECT no, pos, line, v, {carry}
            CASE WHEN v IS NULL THEN CASE WHEN NOT object AND json_valid(line)
                THEN 'not a JSON object' ELSE 'broken JSON' END END AS bad,
            b_id({f("id")}) AS id,
            b_id({f("author")}) AS author,
            nullif({handle}, '') AS handle,
            {f("created_at")} AS created_raw,
            {_created_sql(f("created_at"), spec)} AS created_at
        FROM x
    )
    SELECT no, pos,
        CASE WHEN bad IS NOT NULL THEN bad
             WHEN id IS NULL THEN 'missing id'
             WHEN b_rounded(id) THEN 'id rounded by a spreadsheet ''' || id || ''''
             WHEN b_rounded(author) THEN 'author id rounded by a spreadsheet ''' || author || ''''
             WHEN author IS NULL AND handle IS NULL THEN 'missing author'
             WHEN created_raw IS NULL OR created_raw = '' THEN 'missing date'
             WHEN created_at IS NULL OR year(created_at) NOT BETWEEN 1990 AND 2100
                THEN 'bad date ''' || left(created_raw, 60) || ''''
        END AS reason,
        coalesce(nullif({f("platform")}, ''), ?) AS platform,
        platform || ':' || id AS post_id,
        id,
        coalesce(handle, author) AS handle,
        coalesce(author, '@' || lower(handle)) AS akey,
        created_at,
        CASE WHEN strlen({f("text")}) <= {n} THEN {f("text")}
            ELSE left({f("text")}, {n}) END AS text,
        nullif({f("lang")}, '') AS lang,
        b_ref({f("reply_to")}) AS reply_to,
        b_ref({f("reply_to_author")}) AS reply_to_author,
        b_ref({f("repost_of")}) AS repost_of,
        b_ref({f("repost_of_author")}) AS repost_of_author,
        b_ref({f("quote_of")}) AS quote_of,
        b_ref({f("quote_of_author")}) AS quote_of_author,
        b_id({f("conversation_id")}) AS conversation_id,
        nullif({f("url")}, '') AS url,
        b_int({f("likes")}) AS likes,
        b_int({f("reposts")}) AS reposts,
        b_int({f("replies")}) AS replies,
        b_int({f("quotes")}) AS quotes,
        b_int({f("followers")}) AS followers,
        b_int({f("following")}) AS following,
        b_bool({f("verified")}) AS verified,
        CASE WHEN bad IS NULL THEN {has_rest} END AS has_rest
    FROM y
    """
