"""Generic CSV, Parquet and spreadsheet files through the columnar fast path of JSON lines.

Each row becomes a JSON object (its columns as keys; Parquet structs as nested objects) in
blocks like a JSON-lines file's (`columnar.Block`), so `store.bulk` parses, checks,
pseudonymises and writes them with the same code, rejects and results. Rows were mapped one
at a time into `Post` objects before: 3,600-32,000 posts/s, against the JSON-lines path's
hundreds of thousands. A block's `offset` is the number of records done (a table resumes by
record, not by byte) and its lines' `no` the line a CSV record starts on, or a Parquet row's
number.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pyarrow as pa

from bascule.sources.columnar import Block, json_blocks
from bascule.sources.csvrows import BAD_ENCODING, Row, csv_file
from bascule.sources.formats import generic
from bascule.sources.model import Reject

BLOCK_BYTES = 16 << 20
REJECTS_HELD = 50_000  # rejects of a CSV block, at most (each with a 300-character excerpt)


def _block(nos: list[int], lines: list[bytes], rejects: list[Reject], done: int, last: int,
           columns: dict[str, str], flat: frozenset[str], delimiter: str,
           read: int | None) -> Block:  # fmt: skip
    text = pa.array(lines, pa.binary()).cast(pa.string())
    table = pa.table(
        {
            "no": pa.array(nos, pa.int64()),
            "pos": pa.array(np.arange(len(lines), dtype=np.int64)),
            "line": text,
        }
    )
    return Block(table, rejects, done, last, columns, flat, delimiter, read)


def iter_csv_blocks(
    path: Path,
    opener: Any,
    *,
    start: tuple[int, int],
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = 1 << 62,
) -> Iterator[Block]:
    """Blocks of a generic CSV file, from `start` = (records done, line of the last)."""
    with csv_file(path, opener, max_bytes) as opened:
        if opened is None:
            return
        fb, delim, header, records = opened
        columns = generic.ColumnMap.resolve(header, mapping).columns
        flat = frozenset(h for h in header if "." in h)
        nos: list[int] = []
        lines: list[bytes] = []
        rejects: list[Reject] = []
        size = n = last = 0
        for row in records:
            n += 1
            last = row.line
            if n <= start[0]:
                continue
            line, reason = _as_json(row, header, max_bytes)
            if reason:
                rejects.append(Reject(source, row.line, reason, row.excerpt(delim)))
            elif line is not None:
                nos.append(row.line)
                lines.append(line)
                size += len(line)
            # rejects count too: a file of bad rows is held a block at a time, not whole
            if size >= block_bytes or len(lines) >= block_rows or len(rejects) >= REJECTS_HELD:
                yield _block(nos, lines, rejects, n, last, columns, flat, delim, _tell(fb))
                nos, lines, rejects, size = [], [], [], 0
        if lines or rejects:
            yield _block(nos, lines, rejects, n, last, columns, flat, delim, _tell(fb))


SHEET_DELIMITER = ";"  # a rejected row's cells, as its excerpt shows them


def iter_sheet_blocks(
    path: Path,
    *,
    start: tuple[int, int],
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = 1 << 62,
) -> Iterator[Block]:
    """Blocks of a spreadsheet's first sheet (`sources.sheets`), from `start` = (rows done,
    the last one's number): each row as the JSON object of its cells' texts."""
    from bascule.sources.sheets import sheet_rows

    header, rows = sheet_rows(path)
    if not header:
        return
    columns = generic.ColumnMap.resolve(header, mapping).columns
    flat = frozenset(h for h in header if "." in h)
    width, d = len(header), SHEET_DELIMITER
    nos: list[int] = []
    lines: list[bytes] = []
    rejects: list[Reject] = []
    size = n = last = 0
    for no, cells in rows:
        n, last = n + 1, no
        if n <= start[0]:
            continue
        cells = (cells + [None] * width)[:width] if len(cells) != width else cells
        # an empty cell is no key, as in a JSON line: nothing of it in `raw`
        line = orjson.dumps({h: c for h, c in zip(header, cells, strict=True) if c is not None})
        if len(line) > max_bytes:
            excerpt = d.join(c or "" for c in cells)
            rejects.append(Reject(source, no, f"record too large (> {max_bytes:,} bytes)", excerpt))
        else:
            nos.append(no)
            lines.append(line)
            size += len(line)
        if size >= block_bytes or len(lines) >= block_rows or len(rejects) >= REJECTS_HELD:
            yield _block(nos, lines, rejects, n, last, columns, flat, d, None)
            nos, lines, rejects, size = [], [], [], 0
    if lines or rejects:
        yield _block(nos, lines, rejects, n, last, columns, flat, d, None)


def _as_json(row: Row, header: list[str], max_bytes: int) -> tuple[bytes | None, str | None]:
    """A CSV record as a JSON object, or why it cannot be one (None, None: a blank line)."""
    reason = row.problem(len(header), encoding=False)
    if reason or not row.values:
        return None, reason
    try:
        line = orjson.dumps(dict(zip(header, row.values, strict=True)))
    except TypeError:  # orjson refuses the surrogates of bytes that were not UTF-8
        return None, BAD_ENCODING
    if len(line) > max_bytes:
        return None, f"record too large (> {max_bytes:,} bytes)"
    return line, None


def _tell(f: Any) -> int | None:
    try:
        return int(f.tell())
    except (OSError, ValueError, AttributeError):
        return None


def parquet_columns(schema: pa.Schema) -> list[str]:
    """A Parquet file's columns and the fields of its struct columns (`user.id`), as the
    keys of a JSON object are found (`generic.key_paths`)."""
    return schema.names + [
        f"{f.name}.{sub.name}" for f in schema if pa.types.is_struct(f.type) for sub in f.type
    ]


def iter_parquet_blocks(
    path: Path,
    *,
    start: tuple[int, int],
    mapping: dict[str, str],
    source: str,
    max_bytes: int,
    block_bytes: int = BLOCK_BYTES,
    block_rows: int = 1 << 62,
) -> Iterator[Block]:
    """Blocks of a generic Parquet file, from `start` = (rows done, rows done): each row as
    the JSON object DuckDB writes for it (`to_json`), numbered from 1."""
    import pyarrow.parquet as pq

    from bascule.store.bulk import rows_as_json

    pf = pq.ParquetFile(path)
    rows_in_file, file_bytes = max(pf.metadata.num_rows, 1), path.stat().st_size
    return json_blocks(
        pf.iter_batches(batch_size=min(8192, block_rows)),
        start=start[0],
        mapping=mapping,
        source=source,
        max_bytes=max_bytes,
        block_bytes=block_bytes,
        block_rows=block_rows,
        columns=generic.ColumnMap.resolve(parquet_columns(pf.schema_arrow), mapping).columns,
        flat=frozenset(c for c in pf.schema_arrow.names if "." in c),
        as_text=rows_as_json,
        read=lambda done, _: file_bytes * done // rows_in_file,  # rows read, as bytes
    )
