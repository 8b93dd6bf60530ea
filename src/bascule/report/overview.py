"""Report section: what is in the store (volume over time, platforms, languages, targets)."""

from __future__ import annotations

from bascule.i18n import date_axis, number, tr, when
from bascule.report.html import Col, Section, figure, table
from bascule.store import queries


def summary(project) -> dict:  # noqa: ANN001
    """The short summary `make demo` prints: posts, authors, dates, languages, top targets."""
    s = project.status()
    names = {t.id: t.name for t in project.config.targets}
    return {
        "posts": s["posts"],
        "authors": s["authors"],
        "interactions": s["interactions"],
        "rejects": s["rejects"],
        "date_range": s["date_range"],
        "languages": dict(queries.languages(project.store)[:8]),
        "top_targets": [
            {"target": names.get(t, t), "posts": n, "authors": a}
            for t, n, a in queries.target_mentions(project.store)[:8]
        ],
    }


def target_name(project, target_id: str, lang: str) -> str:  # noqa: ANN001
    """A target's name in the report's language (its `name_en` in English, when set)."""
    for t in project.config.targets:
        if t.id == target_id:
            return (t.name_en or t.name) if lang == "en" else t.name
    return target_id


def date_range_text(first, last, lang: str) -> str:  # noqa: ANN001
    """ "du 2015-01-07 11:07 au 2015-01-15 07:43", or that there is no post yet."""
    if first is None or last is None:
        return tr(lang, "aucune publication pour l'instant", "no posts yet")
    return tr(lang, f"du {when(first)} au {when(last)}", f"from {when(first)} to {when(last)}")


LANG_COLUMNS = [
    Col("lang", "langue", "language"),
    Col("posts", "publications", "posts", "int"),
]
TARGET_COLUMNS = [
    Col("target", "cible", "target"),
    Col("posts", "publications", "posts", "int"),
    Col("authors", "auteurs", "authors", "int"),
]


def section(project, lang: str) -> Section:  # noqa: ANN001
    import plotly.graph_objects as go

    s = summary(project)
    rows = queries.posts_per_day(project.store)
    fig = go.Figure()
    for plat in sorted({r[1] for r in rows}):
        pts = [r for r in rows if r[1] == plat]
        fig.add_bar(x=[r[0] for r in pts], y=[r[2] for r in pts], name=plat)
    fig.update_layout(
        title=tr(lang, "Publications par jour", "Posts per day"),
        barmode="stack",
        height=320,
        margin={"l": 40, "r": 10, "t": 40, "b": 30},
        separators=tr(lang, ",\u202f", ".,"),
    )
    fig.update_xaxes(**date_axis(lang))
    first, last = s["date_range"] or (None, None)
    posts, authors = number(s["posts"], lang), number(s["authors"], lang)
    interactions = number(s["interactions"], lang)
    summary_lines = [
        tr(
            lang,
            f"{posts} publications de {authors} auteurs",
            f"{posts} posts by {authors} authors",
        ),
        date_range_text(first, last, lang),
        tr(
            lang,
            f"{interactions} interactions (partages, réponses, citations, mentions)",
            f"{interactions} interactions (reposts, replies, quotes, mentions)",
        ),
    ]
    if s["rejects"]:
        rejects = number(s["rejects"], lang)
        summary_lines.append(
            tr(
                lang,
                f"{rejects} enregistrements rejetés (voir `bascule status`)",
                f"{rejects} records rejected (see `bascule status`)",
            )
        )
    body = figure(fig)
    body += f"<h3>{tr(lang, 'Langues', 'Languages')}</h3>" + table(
        [{"lang": k, "posts": v} for k, v in s["languages"].items()], LANG_COLUMNS, lang=lang
    )
    if s["top_targets"]:
        top = [
            {"target": target_name(project, t, lang), "posts": n, "authors": a}
            for t, n, a in queries.target_mentions(project.store)[:8]
        ]
        body += f"<h3>{tr(lang, 'Cibles les plus citées', 'Most mentioned targets')}</h3>"
        body += table(top, TARGET_COLUMNS, lang=lang)
    return Section("overview", tr(lang, "Vue d'ensemble", "Overview"), body, summary_lines)
