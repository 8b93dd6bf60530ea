"""Spreadsheets: the first sheet of an Excel (.xlsx, .xlsm, .xlsb, .xls) or OpenDocument
(.ods) file, read by python-calamine (Rust's calamine: no Excel, no LibreOffice), as a table
whose first non-empty row names the columns.

Social-listening tools and campaign staff hand over spreadsheets more often than CSV. Each
cell becomes the text a CSV export of it would hold (a whole number without `.0`, a date as
ISO 8601 without a zone), so a sheet goes through the generic CSV path (`sources.tables`):
same column map, rejects, pseudonyms and resume by record. A row's number is its row in the
sheet, as the spreadsheet shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bascule.errors import InputError

EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # a zip (.xlsx, .ods), an OLE2 file (.xls)


def is_sheet(path: Path, head: bytes = b"") -> bool:
    """A spreadsheet, by its extension, or by its first bytes (`head`) whatever its name:
    an Excel workbook saved as `export.csv` is still one."""
    return path.suffix.lower() in EXTENSIONS or head.startswith(_MAGIC)


def sheet_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str | None]]]]:
    """The first sheet's column names (its first row of two cells or more: an export's title
    or date above them is no heading; a blank name becomes `column_N`, a repeated one gets
    `_2`...), and then (row number, cell texts) of every non-empty row after it. A file that
    is no spreadsheet is an InputError."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        rows = enumerate(book.get_sheet_by_index(0).iter_rows(), 1)
        for _no, cells in rows:
            if sum(c not in ("", None) for c in cells) >= 2:  # (not a title above them)
                return _names(cells), _cells(rows)
        other = _filled_sheet(book)
    except (CalamineError, OSError, ValueError, IndexError) as exc:
        why = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        raise InputError(
            f"{path}: not a readable spreadsheet ({why})",
            fr=f"{path} : ce n'est pas un classeur lisible ({why})",
        ) from None
    if other is not None:  # only the first sheet is read: say where the posts are
        first = book.sheet_names[0]
        raise InputError(
            f"{path}: its first sheet, {first!r}, is empty; the posts seem to be on sheet "
            f"{other!r}: move that sheet first (or save it alone) and import the file again",
            fr=f"{path} : sa première feuille, « {first} », est vide ; les publications "
            f"semblent être sur la feuille « {other} » : placez-la en premier (ou "
            "enregistrez-la seule) et importez le fichier de nouveau",
        )
    return [], iter(())


def _filled_sheet(book: Any) -> str | None:
    """The name of the first sheet after the first that holds a cell, if any."""
    return next(iter(_filled_sheets(book)), None)


def _filled_sheets(book: Any) -> list[str]:
    """The names of the sheets after the first that hold a cell."""
    return [
        name
        for i, name in enumerate(book.sheet_names[1:], 1)
        if any(any(c not in ("", None) for c in r) for r in book.get_sheet_by_index(i).iter_rows())
    ]


def other_sheets(path: Path) -> list[str]:
    """The sheets of a workbook that an import left unread (only the first is read), for a
    note: nothing on them may go unsaid."""
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        return _filled_sheets(CalamineWorkbook.from_path(str(path)))
    except (CalamineError, OSError, ValueError, IndexError):
        return []


def _names(cells: list[Any]) -> list[str]:
    names: list[str] = []
    for i, c in enumerate(cells, 1):
        name = cell_text(c) or f"column_{i}"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base}_{n}"
        names.append(name)
    return names


def _cells(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[str | None]]]:
    for no, cells in rows:
        texts = [cell_text(c) for c in cells]
        if any(t is not None for t in texts):
            yield no, texts


def cell_text(value: Any) -> str | None:
    """A cell as a CSV export would write it: None when empty, a whole number without its
    `.0` (a post id, a count), a date and time as ISO 8601 (no zone: `--timezone` says it)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip() or None
    return str(value)
