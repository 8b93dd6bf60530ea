"""Report building blocks: a Section, tables and Plotly figures as HTML fragments."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from bascule.i18n import DASH, number, share, tr, when


@dataclass
class Section:
    """One capability's part of the report (or of a web page)."""

    id: str
    title: str
    body: str  # trusted HTML built with the helpers below
    summary: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Col:
    """A report table column: its key in the rows, its French and English header, and how
    its values read (one format per column, so a column never mixes "24" and "8.000").

    kind: text | int (12 927) | num (`digits` decimals) | pct (a share: 47 %, 0,2 %) |
    when (2026-09-03 16:00).
    """

    key: str
    fr: str
    en: str
    kind: str = "text"
    digits: int = 0

    def header(self, lang: str | None) -> str:
        return tr(lang, self.fr, self.en)

    def cell(self, v: Any, lang: str | None) -> str:
        if self.kind == "text":
            return "" if v is None else str(v)
        if v is None or v == "":
            return DASH
        if self.kind == "int":
            return number(v, lang, 0)
        if self.kind == "num":
            return number(v, lang, self.digits)
        if self.kind == "pct":
            return share(v, lang, self.digits)
        if self.kind == "when":
            return when(v)
        raise ValueError(f"unknown column kind {self.kind!r}")


def figure(fig: Any) -> str:
    """A Plotly figure as a div; the page embeds plotly.js once, inline."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def table(
    rows: list[dict[str, Any]],
    columns: list[str] | list[Col] | None = None,
    headers: list[str] | None = None,
    *,
    lang: str | None = None,
) -> str:
    """An escaped HTML table of dicts.

    The report passes `Col`s (a header in each language, one format per column); plain keys
    are still accepted, their numbers then formatted per column from the values.
    """
    if not rows:
        return "<p class='empty'>—</p>"
    cols = [c if isinstance(c, Col) else _infer(c, rows) for c in (columns or list(rows[0]))]
    heads = headers or [c.header(lang) for c in cols]
    head = "".join(f"<th>{escape(str(h))}</th>" for h in heads)
    opens = ["<td class='num'>" if c.kind in ("int", "num", "pct") else "<td>" for c in cols]
    body = "".join(
        "<tr>"
        + "".join(
            f"{o}{escape(c.cell(r.get(c.key), lang))}</td>"
            for o, c in zip(opens, cols, strict=True)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _infer(key: str, rows: list[dict[str, Any]]) -> Col:
    """A column of plain values: integers when every number is whole, else one number of
    decimals for the whole column (3 below 10, none above)."""
    values = [r.get(key) for r in rows if r.get(key) is not None]
    nums = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if not values or len(nums) != len(values):
        return Col(key, key, key)
    if all(float(v).is_integer() for v in nums):
        return Col(key, key, key, "int")
    return Col(key, key, key, "num", 3 if max(abs(v) for v in nums) < 10 else 0)
