"""Report building blocks: a Section, tables and Plotly figures as HTML fragments."""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any


@dataclass
class Section:
    """One capability's part of the report (or of a web page)."""

    id: str
    title: str
    body: str  # trusted HTML built with the helpers below
    summary: list[str] = field(default_factory=list)


def figure(fig: Any) -> str:
    """A Plotly figure as a div; the page embeds plotly.js once, inline."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False})


def table(
    rows: list[dict[str, Any]], columns: list[str] | None = None, headers: list[str] | None = None
) -> str:
    """An escaped HTML table of dicts."""
    if not rows:
        return "<p class='empty'>—</p>"
    columns = columns or list(rows[0])
    headers = headers or columns
    head = "".join(f"<th>{escape(str(h))}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_fmt(r.get(c)))}</td>" for c in columns) + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def paragraph(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _fmt(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)
