"""The fast path for generic JSON lines: blocks of lines straight into Arrow columns.

Platform formats map record by record (`formats/`); generic JSONL, the format of bulk
archives, skips the intermediate `Post` objects: lines are read in blocks of ~18 MB, split into
an Arrow array in one copy, decoded and typed by DuckDB at once (`store.ingest`), authors
pseudonymised once per distinct account (`batch.Digests`), @mentions of a whole block in one
regex pass (`batch.Mentions`), and the tables assembled with Arrow kernels, the text and
payload columns passed on without copies. Same rows, same rejects, several times faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from bascule.privacy import Pseudonymizer
from bascule.sources.batch import HANDLE_KEYS, MAX_TEXT, Digests, Mentions, _scrub_raw
from bascule.sources.formats import generic
from bascule.sources.model import Reject
from bascule.store.ingest import AUTHORS_SCHEMA, INTERACTIONS_SCHEMA, POSTS_SCHEMA

BLOCK_BYTES = 16 << 20
EXCERPT = 300


@dataclass
class Block:
    """Arrow tables for one block of lines, its rejects, and where the next block starts."""

    posts: pa.Table
    authors: pa.Table
    interactions: pa.Table
    rejects: list[Reject]
    offset: int
    line: int


def _line_blocks(
    f: IO[bytes], offset: int, line_no: int, max_bytes: int, block: int
) -> Iterator[tuple[int, bytes, int, list[tuple[int, bytes]]]]:
    """(first line number, a buffer of complete lines, offset after them, oversized (line,
    excerpt)). Lines end with a newline, but for the last line of the file."""
    tail = b""
    skipping: tuple[int, bytes] | None = None
    while True:
        data = f.read(block)
        if not data:
            big = []
            if skipping is not None:
                big.append(skipping)
            elif tail.strip() and len(tail) > max_bytes:
                big.append((line_no + 1, tail[:EXCERPT]))
                line_no += 1
                offset += len(tail)
                tail = b""
            yield line_no + 1, tail, offset + len(tail), big
            return
        big = []
        if skipping is not None:
            idx = data.find(b"\n")
            if idx < 0:
                offset += len(data)
                continue
            offset += idx + 1
            big.append(skipping)
            skipping = None
            data = data[idx + 1 :]
        buf = tail + data if tail else data
        cut = buf.rfind(b"\n") + 1
        lines, tail = buf[:cut], buf[cut:]
        first = line_no + 1
        line_no += lines.count(b"\n")
        if len(tail) > max_bytes:
            skipping = (line_no + 1, tail[:EXCERPT])
            line_no += 1
            cut += len(tail)
            tail = b""
        offset += cut
        yield first, lines, offset, big


def split_lines(buf: bytes) -> pa.BinaryArray:
    """The lines of a buffer as an Arrow array (newlines dropped), in one copy."""
    if not buf:
        return pa.array([], pa.binary())
    a = np.frombuffer(buf, np.uint8)
    nl = np.flatnonzero(a == 10)
    ends = nl if buf[-1] == 10 else np.append(nl, len(buf))
    n = len(ends)
    offsets = np.empty(n + 1, np.int32)  # blocks are far below 2 GiB
    offsets[0] = 0
    offsets[1:] = ends - np.arange(n)  # line i has i newlines before it
    data = a[a != 10] if len(nl) else a
    return pa.BinaryArray.from_buffers(
        pa.binary(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def iter_blocks(
    path: Path,
    opener: Any,
    *,
    start: tuple[int, int],
    seekable: bool,
    mapping: dict[str, str],
    platform: str,
    pseudo: Pseudonymizer,
    source: str,
    run_id: int | None,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[Block]:
    """Blocks of a generic JSON-lines file, from `start` = (byte offset, lines done)."""
    cmap: generic.ColumnMap | None = None
    with opener(path) as f:
        if start[0]:
            if seekable:
                f.seek(start[0])
            else:
                left = start[0]
                while left > 0:
                    got = f.read(min(left, 1 << 20))
                    if not got:
                        break
                    left -= len(got)
        for first, buf, offset, big in _line_blocks(f, start[0], start[1], max_bytes, block_bytes):
            lines = split_lines(buf)
            del buf
            rejects = [
                Reject(source, no, f"record too large (> {max_bytes:,} bytes)", _txt(ex))
                for no, ex in big
            ]
            if cmap is None:
                cmap = _resolve(lines, mapping)
            if cmap is None:  # no JSON object yet: every line of the block is a reject
                rejects += _python_rejects(lines, first, source, max_bytes)
                tables = _empty()
            else:
                tables, more = _vectorised(
                    lines, first, cmap, platform, pseudo, source, run_id, max_bytes
                )
                rejects += more
            last = first + len(lines) - 1
            yield Block(*tables, rejects, offset, last)


def _resolve(lines: pa.Array, mapping: dict[str, str]) -> generic.ColumnMap | None:
    """The column map from the first JSON object among these lines."""
    for i in range(len(lines)):
        line = lines[i].as_py()
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            return generic.ColumnMap.resolve(obj.keys(), mapping)
    return None


def _python_rejects(
    lines: pa.Array | list[bytes], first: int, source: str, max_bytes: int
) -> list[Reject]:
    if isinstance(lines, pa.Array):
        lines = lines.to_pylist()
    out = []
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if len(line) > max_bytes:
            reason = f"record too large (> {max_bytes:,} bytes)"
        else:
            try:
                orjson.loads(line)
                reason = "not a JSON object"
            except orjson.JSONDecodeError as exc:
                reason = _reason(exc)
        out.append(Reject(source, first + i, reason, _txt(line)))
    return out


def _empty() -> tuple[pa.Table, pa.Table, pa.Table]:
    return (
        POSTS_SCHEMA.empty_table(),
        AUTHORS_SCHEMA.empty_table(),
        INTERACTIONS_SCHEMA.empty_table(),
    )


def _vectorised(
    lines: pa.BinaryArray,
    first: int,
    cmap: generic.ColumnMap,
    platform: str,
    pseudo: Pseudonymizer,
    source: str,
    run_id: int | None,
    max_bytes: int,
) -> tuple[tuple[pa.Table, pa.Table, pa.Table], list[Reject]]:
    """One block through DuckDB: decode and type every field at once, pseudonymise per key."""
    from bascule.store.ingest import extract_json_lines

    rejects: list[Reject] = []
    nos = pa.array(np.arange(first, first + len(lines), dtype=np.int64))
    over = pc.greater(pc.binary_length(lines), max_bytes)
    if pc.any(over).as_py():
        idx = pc.indices_nonzero(over).to_pylist()
        rejects += [
            _python_rejects([lines[i].as_py()], first + i, source, max_bytes)[0] for i in idx
        ]
        lines, nos = lines.filter(pc.invert(over)), nos.filter(pc.invert(over))
    try:
        text = lines.cast(pa.string())
    except pa.ArrowInvalid:  # some line is not UTF-8: find it, keep the others
        good = []
        for i, line in enumerate(lines.to_pylist()):
            try:
                line.decode("utf-8")
                good.append(i)
            except UnicodeDecodeError:
                no = nos[i].as_py()
                rejects.append(Reject(source, no, "bad encoding: not valid UTF-8", _txt(line)))
        keep = pa.array(good, pa.int64())
        text = lines.take(keep).cast(pa.string())
        nos = nos.take(keep)
    if pc.any(pc.ends_with(text, "\r")).as_py():  # CRLF files
        text = pc.utf8_rtrim(text, "\r")
    table = pa.table(
        {"no": nos, "pos": pa.array(np.arange(len(text), dtype=np.int64)), "line": text}
    )
    rows = extract_json_lines(table, cmap.columns, platform, MAX_TEXT)
    bad = rows.filter(pc.is_valid(rows["reason"]))
    if bad.num_rows:
        for no, reason, raw in zip(
            bad["no"].to_pylist(), bad["reason"].to_pylist(), bad["raw"].to_pylist(), strict=True
        ):
            if reason == "broken JSON":
                try:
                    orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    reason = _reason(exc)
            rejects.append(Reject(source, no, reason, (raw or "")[:EXCERPT]))
        rows = rows.filter(pc.is_null(rows["reason"]))
    rows = _scrub(rows, pseudo)
    keys = _keys(rows, pseudo)
    return assemble(rows, keys, source=source, run_id=run_id), rejects


def assemble(
    rows: pa.Table, keys: pa.Table, *, source: str, run_id: int | None
) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(posts, authors, interactions) Arrow tables from extracted rows and the account key map.

    `keys` = (platform, akey, author_id, handle, pseudonymised), one row per account key. The
    text and payload columns are passed on, not copied.
    """
    n = rows.num_rows
    plat = rows["platform"]
    one = pc.count_distinct(plat).as_py() <= 1

    def key(platforms: Any, akeys: Any) -> Any:
        return akeys if one else pc.binary_join_element_wise(platforms, akeys, "\x1f")

    known = key(keys["platform"], keys["akey"])

    def lookup(platforms: Any, akeys: Any) -> Any:
        return pc.index_in(key(platforms, akeys), value_set=known)

    def prefixed(col: str) -> Any:
        return pc.binary_join_element_wise(plat, rows[col], ":")

    author_id = keys["author_id"].take(lookup(plat, rows["akey"]))
    post_id = prefixed("id")
    posts = pa.table(
        {
            "post_id": post_id,
            "platform": plat,
            "native_id": rows["id"],
            "author_id": author_id,
            "created_at": rows["created_at"],
            "text": rows["text"],
            "lang": rows["lang"],
            "reply_to": prefixed("reply_to"),
            "repost_of": prefixed("repost_of"),
            "quote_of": prefixed("quote_of"),
            "conversation_id": rows["conversation_id"],
            "url": rows["url"],
            "likes": rows["likes"],
            "reposts": rows["reposts"],
            "replies": rows["replies"],
            "quotes": rows["quotes"],
            "source": pa.array(np.full(n, source, dtype=object), pa.string())
            if n
            else pa.array([], pa.string()),
            "run_id": pa.nulls(n, pa.int64()) if run_id is None else pa.array(np.full(n, run_id)),
            "raw": rows["raw"],
        }
    ).cast(POSTS_SCHEMA)
    inter = []
    for kind, target, other in (
        ("repost", "repost_of", "repost_of_author"),
        ("reply", "reply_to", "reply_to_author"),
        ("quote", "quote_of", "quote_of_author"),
    ):
        mask = pc.is_valid(rows[other])
        if not pc.any(mask).as_py():
            continue
        sub = posts.filter(mask)
        dst = keys["author_id"].take(lookup(sub["platform"], rows[other].filter(mask)))
        inter.append(
            pa.table(
                {
                    "src_author": sub["author_id"],
                    "dst_author": dst,
                    "kind": pa.array([kind] * sub.num_rows, pa.string()),
                    "post_id": sub["post_id"],
                    "target_post_id": sub[target],
                    "created_at": sub["created_at"],
                }
            ).cast(INTERACTIONS_SCHEMA)
        )
    inter = pa.concat_tables(inter) if inter else INTERACTIONS_SCHEMA.empty_table()
    seen = pa.concat_tables(
        [
            pa.table(
                {
                    "author_id": author_id,
                    "t": rows["created_at"],
                    "followers": rows["followers"],
                    "following": rows["following"],
                    "verified": rows["verified"],
                }
            ).cast(_SEEN),
            pa.table(
                {
                    "author_id": inter["dst_author"],
                    "t": inter["created_at"],
                    "followers": pa.nulls(inter.num_rows, pa.int64()),
                    "following": pa.nulls(inter.num_rows, pa.int64()),
                    "verified": pa.nulls(inter.num_rows, pa.bool_()),
                }
            ).cast(_SEEN),
        ]
    )
    agg = seen.group_by("author_id", use_threads=False).aggregate(
        [
            ("followers", "max"),
            ("following", "max"),
            ("verified", "any"),
            ("t", "min"),
            ("t", "max"),
        ]
    )
    at = pc.index_in(agg["author_id"], value_set=keys["author_id"])
    authors = pa.table(
        {
            "author_id": agg["author_id"],
            "platform": keys["platform"].take(at),
            "handle": keys["handle"].take(at),
            "display_name": pa.nulls(agg.num_rows, pa.string()),
            "pseudonymised": keys["pseudonymised"].take(at),
            "followers": agg["followers_max"],
            "following": agg["following_max"],
            "verified": agg["verified_any"],
            "first_seen": agg["t_min"],
            "last_seen": agg["t_max"],
        }
    ).cast(AUTHORS_SCHEMA)
    return posts, authors, inter


_SEEN = pa.schema(
    [
        ("author_id", pa.string()),
        ("t", pa.timestamp("us")),
        ("followers", pa.int64()),
        ("following", pa.int64()),
        ("verified", pa.bool_()),
    ]
)


def _keys(rows: pa.Table, p: Pseudonymizer) -> pa.Table:
    """author_id, public handle and pseudonymised flag of every account key in the rows.

    One digest per distinct key; a key keeps the first of its handles that is kept (official
    accounts, opted-in people), other keys (and accounts only replied to) get their pseudonym.
    """
    public: dict[tuple[str, str], str] = {}
    if p.keep_all or p.kept:
        combos = rows.group_by(["platform", "akey", "handle"], use_threads=False).aggregate([])
        kept = _kept(combos["handle"], p)
        if pc.any(kept).as_py():
            sub = combos.filter(kept)
            for plat, akey, handle in zip(
                sub["platform"].to_pylist(),
                sub["akey"].to_pylist(),
                sub["handle"].to_pylist(),
                strict=True,
            ):
                public.setdefault((plat, akey), handle.lstrip("@"))
    parts = [rows.select(["platform", "akey"])]
    for col in ("reply_to_author", "repost_of_author", "quote_of_author"):
        others = rows.select(["platform", col]).filter(pc.is_valid(rows[col]))
        if others.num_rows:
            parts.append(others.rename_columns(["platform", "akey"]))
    keys = pa.concat_tables(parts).group_by(["platform", "akey"], use_threads=False).aggregate([])
    plats, akeys = keys["platform"].combine_chunks(), keys["akey"].combine_chunks()
    hexes = pa.array(Digests.of(p).many(plats, akeys), pa.string())
    author_id = pc.binary_join_element_wise(plats, pc.utf8_slice_codeunits(hexes, 0, 20), ":")
    handle = pc.binary_join_element_wise("anon-", pc.utf8_slice_codeunits(hexes, 0, 10), "")
    pseudo = pa.array(np.ones(len(keys), dtype=bool))
    if public:
        names = [public.get(k) for k in zip(plats.to_pylist(), akeys.to_pylist(), strict=True)]
        mask = pa.array([n is not None for n in names], pa.bool_())
        handle = pc.if_else(mask, pa.array(names, pa.string()), handle)
        pseudo = pc.invert(mask)
    return pa.table(
        {
            "platform": plats,
            "akey": akeys,
            "author_id": author_id,
            "handle": handle,
            "pseudonymised": pseudo,
        }
    )


def _scrub(rows: pa.Table, p: Pseudonymizer) -> pa.Table:
    """Pseudonymise @mentions in texts and identity fields in kept payloads (only rows that
    contain them are touched, and mentions of a whole block in one regex pass)."""
    if p.keep_all or rows.num_rows == 0:
        return rows
    subs = Mentions(p)
    has_at = _flag(rows, "text_at", "text")
    if pc.any(has_at).as_py():
        rows = _set(rows, "text", subs.column(rows["text"], rows["platform"], has_at))
    keys = "|".join(sorted(HANDLE_KEYS | {"user", "account", "author", "includes"}))
    ident = pc.fill_null(pc.match_substring_regex(rows["raw"], f'"({keys})"'), False)
    at = _flag(rows, "raw_at", "raw")
    if pc.any(ident).as_py():  # identity fields: rewrite the JSON, row by row
        raws = rows["raw"].to_pylist()
        plats = rows["platform"].to_pylist()
        for i in pc.indices_nonzero(ident).to_pylist():
            raws[i] = _scrub_raw(raws[i], subs.function(plats[i]))
        rows = _set(rows, "raw", pa.array(raws, pa.string()))
        at = pc.and_(at, pc.invert(ident))
    if pc.any(at).as_py():
        # `@handle` only inside string values: the same substitution on the JSON text keeps
        # it valid JSON (handles are letters, digits, `_ . -`), without reparsing
        rows = _set(rows, "raw", subs.column(rows["raw"], rows["platform"], at))
    return rows


_PY_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"  # what str.strip() removes, in ASCII


def _kept(handles: pa.ChunkedArray, p: Pseudonymizer) -> pa.Array:
    """`Pseudonymizer.keeps` of each handle: by Arrow for ASCII handles (same rules), by
    Python for the others (Unicode case folding and spaces are Python's own)."""
    handles = handles.combine_chunks()
    present = pc.fill_null(pc.greater(pc.binary_length(handles), 0), False)
    if p.keep_all:
        return present
    norm = pc.ascii_lower(pc.utf8_ltrim(pc.utf8_trim(handles, _PY_SPACE), "@"))
    names = pa.array(sorted(p.kept), pa.string())
    kept = pc.and_(present, pc.fill_null(pc.is_in(norm, value_set=names), False))
    other = pc.invert(pc.fill_null(pc.string_is_ascii(handles), True))
    if pc.any(other).as_py():
        idx = pc.indices_nonzero(other)
        got = [p.keeps(h) for h in handles.take(idx).to_pylist()]
        kept = pc.replace_with_mask(kept, other, pa.array(got, pa.bool_()))
    return kept


def _flag(rows: pa.Table, flag: str, column: str) -> pa.ChunkedArray:
    """Rows whose `column` holds an `@` (from the extraction's flag when it has one)."""
    got = rows[flag] if flag in rows.column_names else pc.match_substring(rows[column], "@")
    return pc.fill_null(got, False)


def _set(rows: pa.Table, name: str, column: pa.Array | pa.ChunkedArray) -> pa.Table:
    return rows.set_column(rows.schema.get_field_index(name), name, column)


def _txt(b: bytes) -> str:
    return b[:EXCERPT].decode("utf-8", "replace")


def _reason(exc: Exception) -> str:
    msg = str(exc)
    if "utf-8" in msg.lower() or "surrogates" in msg.lower():
        return "bad encoding: not valid UTF-8"
    return f"broken JSON: {msg.split(': line')[0]}"
