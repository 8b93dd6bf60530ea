"""CSV records with the line each starts on, and no row lost to an unclosed quote.

Python's `csv` module, lenient by default, reads an opening quote that never closes as one
field running over every following line: those rows vanish into one record (`1,a,"oops`
swallowed the rest of the file without an error). Here the reader is strict, so an unclosed
quote is an error; a record that failed over several lines gives a reject for its first line
only, and its other lines are read again as records of their own. A one-line record the strict
reader refuses (`"a"b`) is read as the lenient reader would, as before. Written here because
neither `csv` nor pyarrow's reader can resume after a bad record with line numbers.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from bascule.errors import InputError
from bascule.sources.model import EXCERPT

_SURROGATE = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
BAD_ENCODING = "bad encoding: not valid UTF-8"


@dataclass(slots=True)
class Row:
    """One CSV record: the line it starts on, its values (None when unreadable), and why it
    is unreadable (then `text` is its first line)."""

    line: int
    values: list[str] | None
    error: str | None = None
    text: str = ""

    @property
    def bad_encoding(self) -> bool:
        return bool(self.values) and any(_SURROGATE.search(v) for v in self.values)

    def problem(self, width: int, *, encoding: bool = True) -> str | None:
        """Why this record is no row of `width` columns (None: it is one, or a blank line).
        `encoding=False` leaves the encoding of a row of the right width to the caller (a
        test of every value, where `orjson` refuses the same surrogates for free)."""
        values = self.values
        if values is None:
            return (self.error or "bad CSV record")[:200]
        if not values:
            return None
        if (encoding or len(values) != width) and self.bad_encoding:
            return BAD_ENCODING
        if len(values) != width:
            return f"wrong number of columns: {len(values)} for {width}"
        return None

    def excerpt(self, delimiter: str) -> str | None:
        """The record as a line of text, for a reject (the bytes that were not UTF-8 shown
        as replacement characters)."""
        if self.values is None:
            return None
        text = delimiter.join(self.values)[:EXCERPT]
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


class _Lines:
    """The file's lines for the csv reader, numbered, with lines to read again first."""

    def __init__(self, text: TextIO, first: int) -> None:
        self._it = iter(text)
        self._again: deque[tuple[int, str]] = deque()
        self._next = first
        self.taken: list[tuple[int, str]] = []

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self._again:
            no, line = self._again.popleft()
        else:
            line = next(self._it)
            no, self._next = self._next, self._next + 1
        self.taken.append((no, line))
        return line

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extendleft(reversed(lines))


def csv_rows(text: TextIO, delimiter: str, first_line: int = 2) -> Iterator[Row]:
    """The records of `text` (positioned after the header), numbered from `first_line`."""
    lines = _Lines(text, first_line)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        lines.taken = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            taken = lines.taken
            if not taken:
                return
            no, first = taken[0]
            if len(taken) > 1:  # an unclosed quote ran over the next lines: read them again
                lines.read_again(taken[1:])
                yield Row(no, None, f"bad CSV record: {exc}", first.rstrip("\r\n"))
            else:
                yield _lenient(no, first, delimiter)
            continue
        yield Row(lines.taken[0][0] if lines.taken else 0, values)


def _lenient(no: int, line: str, delimiter: str) -> Row:
    """A one-line record as the lenient csv reader reads it (or its error)."""
    try:
        values = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error as exc:
        return Row(no, None, f"bad CSV record: {exc}", line.rstrip("\r\n"))
    return Row(no, values, None, line.rstrip("\r\n"))


def csv_header(text: TextIO, path: Path) -> tuple[str, list[str]] | None:
    """(delimiter, column names) from a CSV file's first line; None for an empty file."""
    first = text.readline()
    if not first:
        return None
    if not first.strip():
        raise InputError(
            f"{path}: the first line, which should name the columns, is empty",
            fr=f"{path} : la première ligne, qui doit nommer les colonnes, est vide",
        )
    # comma, tab, or the semicolon of spreadsheets set to French: the most used in the header
    delim = max((",", "\t", ";"), key=first.count)
    return delim, next(csv.reader([first], delimiter=delim))


@contextlib.contextmanager
def csv_file(
    path: Path, opener: Callable[[Path], IO[bytes]], max_bytes: int
) -> Iterator[tuple[IO[bytes], str, list[str], Iterator[Row]] | None]:
    """A CSV file opened for its records: (the binary file, for its position; delimiter;
    column names; the records after the header), or None when the file is empty."""
    csv.field_size_limit(max_bytes)
    with opener(path) as fb:
        text = io.TextIOWrapper(fb, encoding="utf-8-sig", errors="surrogateescape", newline="")
        head = csv_header(text, path)
        if head is None:
            yield None
            return
        delimiter, header = head
        yield fb, delimiter, header, csv_rows(text, delimiter)
