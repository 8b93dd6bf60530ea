"""The fast path for generic JSON lines: blocks of lines straight into Arrow columns.

Platform formats map record by record (`formats/`); generic JSONL, the format of bulk
archives, skips the intermediate `Post` objects: lines are read in blocks of ~18 MB and split
into an Arrow array in one copy (oversized and non-UTF-8 lines rejected here); `store.bulk`
parses, checks and writes them, calling back `line_spec`'s functions to pseudonymise each
distinct account once (`batch.Digests`) and the @mentions of a whole block in one regex pass
(`batch.Mentions`). Same rows, same rejects, several times faster. Generic CSV and Parquet
files take the same path, their rows made JSON objects (`sources.tables`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from bascule.privacy import Pseudonymizer, public_url
from bascule.sources.batch import (
    MAX_TEXT,
    Digests,
    Mentions,
    _scrub_raw,
    may_name_someone,
    split_buffer,
)
from bascule.sources.formats import generic
from bascule.sources.formats.common import DateRule
from bascule.sources.model import EXCERPT, Reject
from bascule.store.bulk import LineSpec

BLOCK_BYTES = 16 << 20


@dataclass
class Block:
    """One block of lines (`no, pos, line`), the rejects found before parsing, where the next
    block starts, the column map, its dotted names that are plain keys, the delimiter of the
    CSV file its lines (JSON objects) were made from, and the bytes of that file read (for
    the progress bar, where `offset` counts records)."""

    lines: pa.Table | None
    rejects: list[Reject]
    offset: int
    line: int
    columns: dict[str, str] | None
    flat: frozenset[str] = frozenset()
    delimiter: str | None = None
    read: int | None = None
    header: tuple[str, ...] | None = None  # a table's columns: `lines` holds c0, c1...


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
    return split_buffer(buf, 10, pa.binary(), terminated=True)


def iter_blocks(
    path: Path,
    opener: Any,
    *,
    start: tuple[int, int],
    seekable: bool,
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[Block]:
    """Blocks of a generic JSON-lines file, from `start` = (byte offset, lines done)."""
    cmap = _map_from_start(path, opener, mapping, max_bytes, block_bytes) if start[0] else None
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
            cmap = cmap or _resolve(lines, mapping)
            table, more = _checked(lines, first, cmap, source, max_bytes)
            rejects += more
            last = first + len(lines) - 1
            yield Block(table, rejects, offset, last, cmap.columns if cmap else None)


def iter_array_blocks(
    path: Path,
    *,
    start: tuple[int, int],
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
) -> Iterator[Block] | None:
    """Blocks of a generic JSON array file, its elements as lines numbered from 1, from
    `start` = (elements done, elements done); None when DuckDB cannot stream it (xz, bz2).
    An array that breaks is read again from the element it broke at by `jsonarray`: the
    elements before and after the break are imported, each broken one rejected."""
    import duckdb

    from bascule.store.bulk import json_array_elements

    if path.suffix.lower() in (".xz", ".bz2"):
        return None
    chunks = json_array_elements(str(path), max(max_bytes, 1 << 20) * 32)
    if chunks is None:
        return None
    broken: list[Reject] = []

    def elements() -> Iterator[pa.Array]:
        seen = 0
        try:
            for chunk in chunks:
                seen += len(chunk)
                yield chunk
        except duckdb.Error:
            yield from _elements_after_break(path, seen, source, max_bytes, broken)

    def blocks() -> Iterator[Block]:
        for b in json_blocks(elements(), start=start[0], mapping=mapping, source=source,
                             max_bytes=max_bytes, block_bytes=block_bytes):  # fmt: skip
            if broken:
                mine = [r for r in broken if r.line <= b.offset]
                del broken[: len(mine)]
                b = replace(b, rejects=sorted([*b.rejects, *mine], key=lambda r: r.line))
            yield b

    return blocks()


def _elements_after_break(
    path: Path, done: int, source: str, max_bytes: int, broken: list[Reject]
) -> Iterator[pa.Array]:
    """The elements after the first `done` of an array DuckDB could not read on, found by
    `jsonarray` (chunks of texts); a broken element is an empty text (skipped as a blank
    line) and its reject, with the line of the file it starts on, goes to `broken`."""
    from bascule.sources.jsonarray import elements_after

    texts: list[bytes] = []
    for e in elements_after(path, done, max_bytes=max_bytes):
        if e.broken:
            why = f"broken JSON: {e.broken} {e.where}"
            broken.append(Reject(source, e.number, why, _txt(e.text)))
        texts.append(b"" if e.broken else e.text)
        if len(texts) >= 2048:
            yield pa.array(texts, pa.binary())
            texts = []
    if texts:
        yield pa.array(texts, pa.binary())


def json_blocks(
    chunks: Iterable[Any],
    *,
    start: int,
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = 1 << 62,
    columns: dict[str, str] | None = None,
    flat: frozenset[str] = frozenset(),
    as_text: Callable[[Any], pa.Array] = lambda chunk: chunk,
    read: Callable[[int, int], int] | None = None,
) -> Iterator[Block]:
    """Blocks of JSON objects that come a chunk at a time, numbered from 1 in order (a JSON
    array's elements, a Parquet file's rows), from `start` objects done: what `iter_blocks`
    does for lines. `as_text` makes a chunk's texts (a chunk skipped is made text only to find
    the column map); the column map is `columns`, else found in the first texts.
    A block's `read` (for the progress bar) is `read(objects done, bytes of their texts)`,
    else those bytes."""
    cmap = generic.ColumnMap(columns) if columns is not None else None
    parts: list[pa.Array] = []
    n = size = rows = nbytes = 0
    first = start + 1

    def block() -> Block:
        nonlocal cmap
        text = pa.concat_arrays(parts).cast(pa.binary())
        cmap = cmap or _resolve(text, mapping)
        table, rejects = _checked(text, first, cmap, source, max_bytes)
        done = read(n, nbytes) if read else nbytes
        return Block(table, rejects, n, n, cmap.columns if cmap else None, flat, read=done)

    for chunk in chunks:
        if n + len(chunk) <= start:  # done before: the column map may come from it
            cmap = cmap or _resolve(as_text(chunk).cast(pa.binary()), mapping)
            n += len(chunk)
            continue
        if n < start:
            chunk, n = chunk.slice(start - n), start
        text = as_text(chunk)
        parts.append(text)
        n, rows = n + len(text), rows + len(text)
        got = int(pc.sum(pc.binary_length(text)).as_py() or 0)
        size, nbytes = size + got, nbytes + got
        if size >= block_bytes or rows >= block_rows:
            yield block()
            parts, size, rows, first = [], 0, 0, n + 1
    if parts:
        yield block()


def _checked(
    lines: pa.BinaryArray,
    first: int,
    cmap: generic.ColumnMap | None,
    source: str,
    max_bytes: int,
) -> tuple[pa.Table, list[Reject]]:
    """A block's lines as (`no`, `pos`, `line`) rows and the rejects found before parsing;
    every line a reject while no JSON object gave the column map."""
    if cmap is None:
        rejects = _python_rejects(lines, first, source, max_bytes)
        return _lines_table(pa.array([], pa.string()), pa.array([], pa.int64())), rejects
    return _prepare(lines, first, source, max_bytes)


SAMPLE = 2000  # JSON objects read to find the columns


def _map_from_start(
    path: Path, opener: Any, mapping: dict[str, str], max_bytes: int, block_bytes: int
) -> generic.ColumnMap | None:
    """The column map of a resumed file, from its first block as on the first run (the block
    it resumes at may lack keys the first ones had: its replies would then be lost)."""
    with opener(path) as f:
        for _, buf, _, _ in _line_blocks(f, 0, 0, max_bytes, block_bytes):
            return _resolve(split_lines(buf), mapping)
    return None


def _resolve(lines: pa.Array, mapping: dict[str, str]) -> generic.ColumnMap | None:
    """The column map from the keys of the first JSON objects among these lines (up to
    `SAMPLE`): a key the first record lacks (`in_reply_to_status_id` of an export that
    leaves out empty fields) still counts, where the first record alone lost every reply."""
    keys = sample_keys(lines[i].as_py() for i in range(len(lines)))
    return generic.ColumnMap.resolve(keys, mapping) if keys is not None else None


def sample_keys(texts: Iterable[bytes]) -> list[str] | None:
    """The keys (and nested keys, `user.id`) of the first `SAMPLE` JSON objects among these
    texts, the others skipped; None when there is none."""
    keys: dict[str, None] = {}
    seen = 0
    for text in texts:
        if not text.strip():
            continue
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict):
            keys.update(dict.fromkeys(generic.key_paths(obj)))
            seen += 1
            if seen >= SAMPLE:
                break
    return list(keys) if seen else None


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


def _lines_table(text: pa.Array, nos: pa.Array) -> pa.Table:
    return pa.table(
        {"no": nos, "pos": pa.array(np.arange(len(text), dtype=np.int64)), "line": text}
    )


def _prepare(
    lines: pa.BinaryArray, first: int, source: str, max_bytes: int
) -> tuple[pa.Table, list[Reject]]:
    """The block as (`no`, `pos`, `line`) text rows, without oversized or non-UTF-8 lines."""
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
    return _lines_table(text, nos), rejects


def line_spec(
    columns: dict[str, str],
    platform: str,
    pseudo: Pseudonymizer,
    source: str,
    flat: frozenset[str] = frozenset(),
    delimiter: str | None = None,
    dates: DateRule | None = None,
    header: tuple[str, ...] | None = None,
) -> LineSpec:
    """What `store.bulk` needs to write a generic file's blocks: the map and the callbacks
    that pseudonymise accounts and rewrite @mentions (nothing to rewrite with keep_handles).
    With a CSV `delimiter`, a reject quotes the record as a CSV line, not as the JSON object
    made of it."""
    subs = Mentions(pseudo)

    def scrub_text(rows: pa.Table) -> pa.Table:
        mask = pa.array(np.ones(rows.num_rows, dtype=bool))
        return pa.table(
            {"pos": rows["pos"], "value": subs.column(rows["value"], rows["platform"], mask)}
        )

    def scrub_raw(rows: pa.Table) -> pa.Table:
        values = rows["value"].combine_chunks().cast(pa.string())
        need = may_name_someone(values)
        if pc.any(need).as_py():
            sub = rows.filter(need)
            out = [
                _scrub_raw(raw, subs.function(plat))
                for raw, plat in zip(
                    sub["value"].to_pylist(), sub["platform"].to_pylist(), strict=True
                )
            ]
            values = pc.replace_with_mask(values, need, pa.array(out, pa.string()))
        return pa.table({"pos": rows["pos"], "value": values})

    def reject(no: int, reason: str, line: str) -> Reject:
        if delimiter is not None:
            line = delimiter.join("" if v is None else v for v in orjson.loads(line).values())
        elif reason == "broken JSON":
            try:
                orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                reason = _reason(exc)
        return Reject(source, no, reason, pseudo.scrub_record((line or "")[:EXCERPT]))

    return LineSpec(
        columns=columns,
        platform=platform,
        max_text=MAX_TEXT,
        source=source,
        accounts=lambda combos, others: _keys(combos, others, pseudo),
        scrub_text=None if pseudo.keep_all else scrub_text,
        scrub_raw=None if pseudo.keep_all else scrub_raw,
        reject=reject,
        public_url=None if pseudo.keep_all else public_url,
        flat=flat,
        date_format=dates.format if dates else None,
        timezone=dates.timezone if dates else None,
        header=header,
    )


def _keys(combos: pa.Table, others: pa.Table, p: Pseudonymizer) -> pa.Table:
    """author_id, public handle and pseudonymised flag of every account key.

    `combos` = distinct (platform, akey, handle) of posting accounts, `others` = (platform,
    akey) of accounts acted on. One digest per distinct key; a key keeps the first of its
    handles that is kept (official accounts, opted-in people), other keys (and accounts only
    replied to) get their pseudonym.
    """
    public: dict[tuple[str, str], str] = {}
    if (p.keep_all or p.kept) and combos.num_rows:
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
    keys = (
        pa.concat_tables([combos.select(["platform", "akey"]), others.cast(_KEY)])
        .group_by(["platform", "akey"], use_threads=False)
        .aggregate([])
    )
    plats, akeys = keys["platform"].combine_chunks(), keys["akey"].combine_chunks()
    hexes = Digests.of(p).many(plats, akeys)
    author_id = pc.binary_join_element_wise(plats, hexes, ":")
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


_KEY = pa.schema([("platform", pa.string()), ("akey", pa.string())])


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


def _txt(b: bytes) -> str:
    return b[:EXCERPT].decode("utf-8", "replace")


def _reason(exc: Exception) -> str:
    msg = str(exc)
    if "utf-8" in msg.lower() or "surrogates" in msg.lower():
        return "bad encoding: not valid UTF-8"
    return f"broken JSON: {msg.split(': line')[0]}"
