"""The fast path for generic JSON lines: blocks of lines straight into Arrow columns.

Platform formats map record by record (`formats/`); generic JSONL, the format of bulk
archives, skips the intermediate `Post` objects: lines are read in blocks of a few MB, decoded
with orjson, the mapped fields appended to column lists, and authors pseudonymised once per
distinct account. Same rows, same rejects, several times faster.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from bascule.privacy import Pseudonymizer
from bascule.sources.batch import HANDLE_KEYS, MAX_TEXT, _scrub_raw
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
) -> Iterator[tuple[int, list[bytes], int, list[tuple[int, bytes]]]]:
    """(first line number, complete lines, offset after them, oversized (line, excerpt))."""
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
            lines = [tail] if tail else []
            yield line_no + 1, lines, offset + len(tail), big
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
        parts = buf.split(b"\n")
        tail = parts.pop()
        first = line_no + 1
        done = len(buf) - len(tail)
        line_no += len(parts)
        if len(tail) > max_bytes:
            skipping = (line_no + 1, tail[:EXCERPT])
            line_no += 1
            done += len(tail)
            tail = b""
        offset += done
        yield first, parts, offset, big


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
        for first, lines, offset, big in _line_blocks(
            f, start[0], start[1], max_bytes, block_bytes
        ):
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
            last = first + len(lines) - 1 if lines else first - 1
            yield Block(*tables, rejects, offset, last)


def _resolve(lines: list[bytes], mapping: dict[str, str]) -> generic.ColumnMap | None:
    """The column map from the first JSON object among these lines."""
    for line in lines:
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            return generic.ColumnMap.resolve(obj.keys(), mapping)
    return None


def _python_rejects(lines: list[bytes], first: int, source: str, max_bytes: int) -> list[Reject]:
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
    lines: list[bytes],
    first: int,
    cmap: generic.ColumnMap,
    platform: str,
    pseudo: Pseudonymizer,
    source: str,
    run_id: int | None,
    max_bytes: int,
) -> tuple[tuple[pa.Table, pa.Table, pa.Table], list[Reject]]:
    """One block through DuckDB: decode and type every field at once, pseudonymise per key."""
    from bascule.store.ingest import assemble_json_rows, extract_json_lines

    rejects: list[Reject] = []
    keep = [i for i, line in enumerate(lines) if len(line) <= max_bytes]
    if len(keep) < len(lines):
        rejects += _python_rejects(
            [lines[i] if len(lines[i]) > max_bytes else b"" for i in range(len(lines))],
            first,
            source,
            max_bytes,
        )
        lines = [lines[i] for i in keep]
        nos = [first + i for i in keep]
    else:
        nos = list(range(first, first + len(lines)))
    if any(line.endswith(b"\r") for line in lines):  # CRLF files
        lines = [line.rstrip(b"\r") for line in lines]
    binary = pa.array(lines, pa.binary())
    try:
        text = binary.cast(pa.string())
    except pa.ArrowInvalid:  # some line is not UTF-8: find it, keep the others
        good = []
        for i, line in enumerate(lines):
            try:
                line.decode("utf-8")
                good.append(i)
            except UnicodeDecodeError:
                rejects.append(Reject(source, nos[i], "bad encoding: not valid UTF-8", _txt(line)))
        text = pa.array([lines[i].decode("utf-8") for i in good], pa.string())
        nos = [nos[i] for i in good]
    table = pa.table(
        {
            "no": pa.array(nos, pa.int64()),
            "pos": pa.array(range(len(nos)), pa.int64()),
            "line": text,
        }
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
    return assemble_json_rows(rows, keys, source=source, run_id=run_id), rejects


_KNOWN: dict[tuple[str, str, str | None], tuple] = {}  # (pseudonymizer, id, handle, pseudo)


def _keys(rows: pa.Table, p: Pseudonymizer) -> pa.Table:
    """author_id, public handle and pseudonymised flag of every account key in the rows."""
    out: dict[tuple[str, str], tuple[str, str, bool]] = {}
    if len(_KNOWN) > 200_000:  # bounded memory
        _KNOWN.clear()
    combos = rows.group_by(["platform", "akey", "handle"], use_threads=False).aggregate([])
    for plat, akey, handle in zip(
        combos["platform"].to_pylist(),
        combos["akey"].to_pylist(),
        combos["handle"].to_pylist(),
        strict=True,
    ):
        got = out.get((plat, akey))
        if got is None or (got[2] and handle and p.keeps(handle)):
            known = _KNOWN.get((plat, akey, handle))
            if known is None or known[0] is not p:
                public, pseudo = p.handle(plat, akey, handle)
                known = (p, p.author_id(plat, akey), public, pseudo)
                _KNOWN[(plat, akey, handle)] = known
            out[(plat, akey)] = known[1:]
    for col in ("reply_to_author", "repost_of_author", "quote_of_author"):
        others = rows.select(["platform", col]).filter(pc.is_valid(rows[col]))
        if not others.num_rows:
            continue
        others = others.group_by(["platform", col], use_threads=False).aggregate([])
        for plat, other in zip(
            others["platform"].to_pylist(), others[col].to_pylist(), strict=True
        ):
            if (plat, other) not in out:
                public, pseudo = p.handle(plat, other, None)
                out[(plat, other)] = (p.author_id(plat, other), public, pseudo)
    return pa.table(
        {
            "platform": pa.array([k[0] for k in out], pa.string()),
            "akey": pa.array([k[1] for k in out], pa.string()),
            "author_id": pa.array([v[0] for v in out.values()], pa.string()),
            "handle": pa.array([v[1] for v in out.values()], pa.string()),
            "pseudonymised": pa.array([v[2] for v in out.values()], pa.bool_()),
        }
    )


def _scrub(rows: pa.Table, p: Pseudonymizer) -> pa.Table:
    """Pseudonymise @mentions in texts and identity fields in kept payloads (only rows that
    contain them are touched in Python)."""
    if p.keep_all or rows.num_rows == 0:
        return rows
    has_at = pc.fill_null(pc.match_substring(rows["text"], "@"), False)
    if pc.any(has_at).as_py():
        texts = rows["text"].to_pylist()
        plats = rows["platform"].to_pylist()
        for i in pc.indices_nonzero(has_at).to_pylist():
            texts[i] = p.scrub_mentions(plats[i], texts[i])
        rows = rows.set_column(
            rows.schema.get_field_index("text"), "text", pa.array(texts, pa.string())
        )
    keys = "|".join(sorted(HANDLE_KEYS | {"user", "account", "author", "includes"}))
    ident = pc.match_substring_regex(rows["raw"], f'"({keys})"')
    at = pc.match_substring(rows["raw"], "@")
    if pc.any(at).as_py() or pc.any(ident).as_py():
        raws = rows["raw"].to_pylist()
        plats = rows["platform"].to_pylist()
        for i in pc.indices_nonzero(ident).to_pylist():  # identity fields: rewrite the JSON
            raws[i] = _scrub_raw(raws[i], lambda t, pl=plats[i]: p.scrub_mentions(pl, t))
        only_at = pc.and_(at, pc.invert(ident))
        for i in pc.indices_nonzero(only_at).to_pylist():
            # `@handle` only inside string values: the same substitution on the JSON text
            # keeps it valid JSON (handles are letters, digits, `_ . -`), without reparsing
            raws[i] = p.scrub_mentions(plats[i], raws[i])
        rows = rows.set_column(
            rows.schema.get_field_index("raw"), "raw", pa.array(raws, pa.string())
        )
    return rows


def _txt(b: bytes) -> str:
    return b[:EXCERPT].decode("utf-8", "replace")


def _reason(exc: Exception) -> str:
    msg = str(exc)
    if "utf-8" in msg.lower() or "surrogates" in msg.lower():
        return "bad encoding: not valid UTF-8"
    return f"broken JSON: {msg.split(': line')[0]}"
