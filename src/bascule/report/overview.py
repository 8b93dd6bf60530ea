"""Report section: what is in the store (volume over time, platforms, languages, targets)."""

from __future__ import annotations

from bascule.i18n import tr
from bascule.report.html import Section, figure, table
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
    )
    first, last = s["date_range"]
    summary_lines = [
        tr(
            lang,
            f"{s['posts']:,} publications de {s['authors']:,} auteurs",
            f"{s['posts']:,} posts by {s['authors']:,} authors",
        ),
        tr(lang, f"du {first} au {last}", f"from {first} to {last}"),
        tr(
            lang,
            f"{s['interactions']:,} interactions (partages, réponses, citations, mentions)",
            f"{s['interactions']:,} interactions (reposts, replies, quotes, mentions)",
        ),
    ]
    if s["rejects"]:
        summary_lines.append(
            tr(
                lang,
                f"{s['rejects']:,} enregistrements rejetés (voir `bascule status`)",
                f"{s['rejects']:,} records rejected (see `bascule status`)",
            )
        )
    body = figure(fig)
    body += f"<h3>{tr(lang, 'Langues', 'Languages')}</h3>" + table(
        [{"lang": k, "posts": v} for k, v in s["languages"].items()]
    )
    if s["top_targets"]:
        body += f"<h3>{tr(lang, 'Cibles les plus citées', 'Most mentioned targets')}</h3>"
        body += table(s["top_targets"])
    return Section("overview", tr(lang, "Vue d'ensemble", "Overview"), body, summary_lines)
