"""The elements of a JSON array that breaks: each one found again, the broken ones apart.

DuckDB streams a well-formed array fast (`store.bulk.json_array_elements`) but stops at the
first syntax error, with the elements of the buffer it was reading: one unclosed string in a
20,000-post export lost all of them. No JSON library goes on after an error (a parser cannot
know where the next value starts), so this scanner finds the elements' boundaries itself, by
their brackets and strings, and gives each element's text for the caller to parse and reject
on its own. A break that derails the brackets (an unclosed string, a missing brace) is caught
where JSON cannot be (a raw line break inside a string, an element start where one is
expected in a pretty-printed file: a line opening `{` at the column the elements open at),
and the scan starts again at the next such line, or after the next `},{` of a one-line array. Only files DuckDB refused are read here,
so the pure-Python pace (about 10-20 MB/s) costs nothing to good files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_OUTSIDE = re.compile(rb'[\[\]{}",\n]')
_INSIDE = re.compile(rb'["\\\n]')
_RESUME = re.compile(rb"\n|\}[ \t\r]*,[ \t\r]*(?=\{)")  # a line, or `},{` within one
_CHUNK = 8 << 20


@dataclass(frozen=True)
class Element:
    """One element of the array: its number (from 1), the file line it starts on, its text,
    and why it is broken (None when its brackets and strings close; it may still not parse)."""

    number: int
    line: int
    text: bytes
    broken: str | None = None

    @property
    def where(self) -> str:
        """Where it starts in the file, for a reject's reason."""
        return f"(element starting on line {self.line} of the file)"


def elements_after(path: Path, done: int, *, max_bytes: int) -> Iterator[Element]:
    """The elements of the array file `path` after its first `done` (those DuckDB read
    before it broke), compressed or not."""
    from bascule.sources.readers import open_binary

    with open_binary(path) as f:
        for e in array_elements(f, max_bytes=max_bytes):
            if e.number > done:
                yield e


def array_elements(f: IO[bytes], *, max_bytes: int) -> Iterator[Element]:
    """Every element of the JSON array read from `f`, in order. An element longer than
    `max_bytes` keeps only its first `max_bytes + 1` bytes (enough for its reject)."""
    scan = _Scan(max_bytes)
    carry = b""
    chunk = f.read(max(_CHUNK, 1 << 16))  # where the first element opens is in its first line
    while True:
        buf = carry + chunk
        done = not chunk
        keep = scan.feed(buf, final=done)
        yield from scan.out
        scan.out.clear()
        if done:
            return
        carry = buf[keep:]
        chunk = f.read(_CHUNK)


class _Scan:
    """The scanner's state between chunks: the brackets open, inside a string or not, the
    element being read, or skipping lines to the next element after a break."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.stack: list[bytes] = []  # the closers expected; [b"]"] inside the top array
        self.in_string = False
        self.number = 0
        self.line = 1
        self.start_col: int | None = None  # the column elements open at, on lines of their own
        self.one_line: bool | None = None  # the first element held on its line
        self.parts: list[bytes] = []
        self.size = 0
        self.elem_line = 0
        self.open = False  # an element is being read
        self.resync: str | None = None  # "skip" to the next line or `},{`; "check" a line
        self.ended = False  # the array closed: the rest is not read
        self.out: list[Element] = []
        self.tail = b""  # the last byte other than a blank of the bytes read before

    # -- the element being read ---------------------------------------------------------------
    def _begin(self) -> None:
        self.open, self.parts, self.size, self.elem_line = True, [], 0, self.line

    def _take(self, piece: bytes) -> None:
        if self.open and self.size <= self.max_bytes:
            piece = piece[: self.max_bytes + 1 - self.size]
            self.parts.append(piece)
            self.size += len(piece)

    def _emit(self, broken: str | None = None) -> None:
        text = b"".join(self.parts).strip()
        if text or broken:
            if self.one_line is None:
                self.one_line = b"\n" not in text
            self.number += 1
            self.out.append(Element(self.number, self.elem_line, text, broken))
        self.open, self.parts, self.size = False, [], 0

    def _break(self, why: str) -> None:
        """The element cannot be read on: reject it, and look for the next one."""
        if self.open or why:
            self._emit(why)
        self.in_string, self.resync, self.stack = False, "skip", [b"]"]

    # -- scanning -----------------------------------------------------------------------------
    def feed(self, buf: bytes, *, final: bool) -> int:
        """Scan `buf`; returns the offset the next call must start from (its unread tail)."""
        rest = self._feed(buf, final=final)
        self.tail = buf[:rest].rstrip()[-1:] or self.tail
        return rest

    def _feed(self, buf: bytes, *, final: bool) -> int:
        i, n, seg = 0, len(buf), 0  # seg: the start of what the element has not taken yet
        while i < n and not self.ended:
            if self.resync == "skip":
                m = _RESUME.search(buf, i)
                if m is None:  # (no line break in the rest: reading its end again is safe)
                    return n if final else max(i, n - 64)
                if m.group() == b"\n":
                    self.line += 1
                    i, self.resync = m.end(), "check"
                    continue
                self.resync, i = None, m.end()  # `},{` on one line: the next element
                seg = i
                self._begin()
                continue
            if self.resync == "check":
                opens = self._opens_element(buf, i, final)
                if opens is None:
                    return i
                if not opens:
                    self.resync = "skip"
                    continue
                self.resync, seg = None, i
                self._begin()
            m = (_INSIDE if self.in_string else _OUTSIDE).search(buf, i)
            if m is None:
                i = n
                break
            j = m.start()
            c = buf[j : j + 1]
            if self.in_string:
                if c == b"\\":
                    if j + 1 >= n and not final:
                        return self._keep(buf, seg, j)
                    i = j + 2
                elif c == b'"':
                    self.in_string, i = False, j + 1
                else:  # a raw line break: JSON strings hold none, so this one never closed
                    self._take(buf[seg:j])
                    self._break("a string is not closed on its line")
                    i = seg = j  # the resync reads this line break
                continue
            if c == b"\n":
                if len(self.stack) > 1 and self._cuts():
                    opens = self._opens_element(
                        buf, j + 1, final, after=buf[:j].rstrip()[-1:] or self.tail
                    )
                    if opens is None:
                        return self._keep(buf, seg, j)
                    if opens:  # a new element where the last one should have closed
                        self._take(buf[seg:j])
                        self._emit("an element does not close before the next one opens")
                        self.stack = [b"]"]
                        self.line += 1
                        i = seg = j + 1
                        self._begin()
                        continue
                self.line += 1
            elif not self.stack:
                if c == b"[":
                    self.stack, seg = [b"]"], j + 1  # the array itself
            elif c == b'"':
                self._begin_at(buf, j)
                self.in_string = True
            elif c in b"[{":
                self._begin_at(buf, j)
                self.stack.append(b"]" if c == b"[" else b"}")
            elif c in b"]}":
                if self.stack[-1] != c:
                    self._take(buf[seg : j + 1])
                    self._break(f"an unexpected {c.decode()}")
                    i = seg = j  # (a stray `}` may be the `},{` the resync looks for)
                    continue
                self.stack.pop()
                if not self.stack:  # the array closes: its last element ends here
                    self._emit_scalar(buf, seg, j)
                    self.ended = True
                    return n
            elif c == b"," and len(self.stack) == 1:
                self._emit_scalar(buf, seg, j)
                seg = j + 1
            i = j + 1
        if final:
            if self.open:
                self._take(buf[seg:i])
                self._emit("the file ends inside this element" if len(self.stack) > 1 else None)
            return n
        return self._keep(buf, seg, i)

    def _cuts(self) -> bool:
        """Can a line opening `{` end an element that did not close? Where elements open on
        lines of their own, indented deeper than what they hold (`indent=2`) or each on one
        line; not where everything starts at the margin (`indent=0`): an object nested in a
        list opens lines there too."""
        return self.start_col is not None and bool(self.start_col > 0 or self.one_line)

    def _emit_scalar(self, buf: bytes, seg: int, j: int) -> None:
        """End the element at `j` (a number or a literal opens no bracket: it starts here)."""
        if not self.open and buf[seg:j].strip():
            self._begin()
        self._take(buf[seg:j])
        if self.open:
            self._emit()

    def _keep(self, buf: bytes, seg: int, i: int) -> int:
        """Add what was read of the element, and give back where to go on."""
        if not self.open and len(self.stack) == 1 and buf[seg:i].strip():
            self._begin()  # a number or a literal, cut by the end of the chunk
        self._take(buf[seg:i])
        return i

    def _begin_at(self, buf: bytes, j: int) -> None:
        if len(self.stack) == 1 and not self.open:
            self._begin()
            if self.number == 0:  # the first: does it open a line of its own?
                line_start = buf.rfind(b"\n", 0, j) + 1
                if line_start and not buf[line_start:j].strip():
                    self.start_col = j - line_start

    def _opens_element(
        self, buf: bytes, i: int, final: bool, *, after: bytes | None = None
    ) -> bool | None:
        """Does the line at `i` open an element (None: too few bytes read to know)? Inside an
        element (`after`: the byte before the line break), only a line after a comma, opening
        `{` at the column the elements open at."""
        end = buf.find(b"\n", i)
        if end < 0 and not final and len(buf) - i < 4096:
            return None
        line = buf[i:end] if end >= 0 else buf[i:]
        body = line.lstrip(b" \t\r")
        if not body.startswith(b"{"):
            return False
        col = len(line) - len(body)
        if after is not None:
            return after == b"," and col == self.start_col
        return self.start_col is None or col == self.start_col
