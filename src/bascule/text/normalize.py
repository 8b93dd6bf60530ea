"""Text folding shared by target matching, sentiment and stance: case and accents folded.

`Québec`, `QUEBEC` and `quebec` compare equal, so a campaign's aliases match however people
type them. The fold is a `str.translate` table built once, fast enough for millions of posts.
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "\u2019\u2018\u02bc\u00b4`"
_DASHES = "\u2010\u2011\u2012\u2013\u2014"


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        ch = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base and base != ch:
            table[code] = base.casefold()
    table.update({ord("æ"): "ae", ord("œ"): "oe", ord("Æ"): "ae", ord("Œ"): "oe"})
    table.update({ord(c): "'" for c in _APOSTROPHES})
    table.update({ord(c): "-" for c in _DASHES})
    table[0xA0] = " "
    table[0x202F] = " "
    return table


_TABLE = _build_table()
_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, accent-free, apostrophes and dashes unified: the key for every match."""
    if not text:
        return ""
    return text.casefold().translate(_TABLE)


def squash(text: str) -> str:
    """Fold and collapse whitespace (used for aliases written with several spaces)."""
    return _SPACES.sub(" ", fold(text)).strip()
