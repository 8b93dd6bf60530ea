"""Generic CSV, Parquet and spreadsheet files through the columnar fast path.

A Parquet row becomes a JSON object (its columns as keys, structs as nested objects), as a
JSON-lines file's line; a CSV record or a sheet's row goes as it is, a column a cell (`c0`,
`c1`...: no JSON object made of it and parsed again). Either way `store.bulk` checks,
pseudonymises and writes the blocks (`columnar.Block`) with the same code, rejects and
results. Rows were mapped one at a time into `Post` objects before: 3,600-32,000 posts/s,
against the JSON-lines path's hundreds of thousands. A block's `offset` is the number of
records done (a table resumes by record, not by byte) and its rows' `no` the line a CSV
record starts on, a sheet's row number, or a Parquet row's number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from bascule.sources.columnar import Block, json_blocks
from bascule.sources.csvrows import BAD_ENCODING, Row, csv_file
from bascule.sources.formats import generic
from bascule.sources.model import Reject

BLOCK_BYTES = 16 << 20
REJECTS_HELD = 50_000  # rejects of a CSV block, at most (each with a 300-character excerpt)


def _block(nos: list[int], rows: list[list[str | None]], rejects: list[Reject], done: int,
           last: int, header: list[str], columns: dict[str, str], flat: frozenset[str],
           delimiter: str, read: int | None) -> Block:  # fmt: skip
    """A block of a table's rows, one column a cell (`c0`, `c1`...): the extraction reads
    them as they are, with no JSON object made of each row and parsed again."""
    cells = list(zip(*rows, strict=True)) if rows else [() for _ in header]
    table = pa.table(
        {
            "no": pa.array(nos, pa.int64()),
            "pos": pa.array(np.arange(len(rows), dtype=np.int64)),
            **{f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(cells)},
        }
    )
    return Block(table, rejects, done, last, columns, flat, delimiter, read, tuple(header))


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
        checked = ((r.line, r, r.values, r.problem(len(header), encoding=False)) for r in records)
        for held, rejects, n, last in _grouped(
            checked, start=start[0], header=header, source=source, max_bytes=max_bytes,
            block_bytes=block_bytes, block_rows=block_rows, excerpt=lambda r: r.excerpt(delim),
        ):  # fmt: skip
            yield _csv_block(held, rejects, n, last, header, columns, flat, delim, fb, source)


def _grouped(
    records: Iterator[tuple[int, Any, list[str | None] | None, str | None]],
    *,
    start: int,
    header: list[str],
    source: str,
    max_bytes: int,
    block_bytes: int,
    block_rows: int,
    excerpt: Callable[[Any], str | None],
) -> Iterator[tuple[list[Any], list[Reject], int, int]]:
    """A table's records, each (line, record, its cells, why it is unreadable), gathered
    into blocks after the first `start`: (records kept, rejects, records done, line of the
    last). A record too large for a JSON line is a reject too; rejects count towards a
    block, so a file of bad rows is held a block at a time, not whole."""
    overhead = sum(len(h) + 6 for h in header)  # a row's JSON object beyond its values
    kept: list[Any] = []
    rejects: list[Reject] = []
    size = n = last = 0
    for line, record, cells, reason in records:
        n, last = n + 1, line
        if n <= start:
            continue
        width = overhead + sum(map(len, filter(None, cells))) if cells else 0
        if not reason and width > max_bytes:
            reason = f"record too large (> {max_bytes:,} bytes)"
        if reason:
            rejects.append(Reject(source, line, reason, excerpt(record)))
        elif cells:
            kept.append(record)
            size += width
        if size >= block_bytes or len(kept) >= block_rows or len(rejects) >= REJECTS_HELD:
            yield kept, rejects, n, last
            kept, rejects, size = [], [], 0
    if kept or rejects:
        yield kept, rejects, n, last


def _csv_block(held: list[Row], rejects: list[Reject], done: int, last: int,
               header: list[str], columns: dict[str, str], flat: frozenset[str], delim: str,
               fb: Any, source: str) -> Block:  # fmt: skip
    """The block of these CSV records; a record holding bytes that were not UTF-8 (the
    surrogates `csv_file` kept them as, which Arrow refuses) goes to the rejects."""
    try:
        return _block([r.line for r in held], [r.values for r in held], rejects, done, last,
                      header, columns, flat, delim, _tell(fb))  # fmt: skip
    except (UnicodeEncodeError, pa.ArrowInvalid):
        bad = [r for r in held if r.bad_encoding]
        rejects = sorted(
            rejects + [Reject(source, r.line, BAD_ENCODING, r.excerpt(delim)) for r in bad],
            key=lambda r: r.line,
        )
        good = [r for r in held if not r.bad_encoding]
        return _block([r.line for r in good], [r.values for r in good], rejects, done, last,
                      header, columns, flat, delim, _tell(fb))  # fmt: skip


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
    the last one's number): its cells' texts, a column each (`_block`)."""
    from bascule.sources.sheets import sheet_rows

    header, rows = sheet_rows(path)
    if not header:
        return
    columns = generic.ColumnMap.resolve(header, mapping).columns
    flat = frozenset(h for h in header if "." in h)
    width, d = len(header), SHEET_DELIMITER
    padded = (
        (no, (no, cells), cells, None)
        for no, cells in ((no, (c + [None] * width)[:width]) for no, c in rows)
    )
    for kept, rejects, n, last in _grouped(
        padded, start=start[0], header=header, source=source, max_bytes=max_bytes,
        block_bytes=block_bytes, block_rows=block_rows,
        excerpt=lambda rec: d.join(c or "" for c in rec[1]),
    ):  # fmt: skip
        nos, held = [no for no, _ in kept], [cells for _, cells in kept]
        yield _block(nos, held, rejects, n, last, header, columns, flat, d, None)


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
