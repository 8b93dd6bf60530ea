"""Report section: what is in the store (volume over time, platforms, languages, targets)."""

from __future__ import annotations

from bascule.i18n import date_axis, number, tr, when
from bascule.report.html import Col, Section, figure, table
from bascule.store import queries


def summary(project) -> dict:  # noqa: ANN001
    """The short summary `make demo` prints: posts, authors, dates, languages, top targets.

    Each top target keeps its id (`target`, as `poll --target` takes it) with its names
    (`name` in the project's language, `name_en` when set), as `poll --json` gives them: the
    reader's language picks the name (`top_target_name`), never the data.
    """
    s = project.status()
    return {
        "posts": s["posts"],
        "authors": s["authors"],
        "interactions": s["interactions"],
        "rejects": s["rejects"],
        "date_range": s["date_range"],
        "languages": dict(queries.languages(project.store)[:8]),
        "top_targets": top_targets(project),
    }


def top_targets(project, limit: int = 8) -> list[dict]:  # noqa: ANN001
    """The most mentioned targets: id, names, posts and authors (a target no longer in
    bascule.toml is named by its id)."""
    known = {t.id: t for t in project.config.targets}
    out = []
    for target_id, posts, authors in queries.target_mentions(project.store)[:limit]:
        t = known.get(target_id)
        out.append(
            {
                "target": target_id,
                "name": t.name if t else target_id,
                "name_en": t.name_en if t else None,
                "posts": posts,
                "authors": authors,
            }
        )
    return out


def top_target_name(entry: dict, lang: str) -> str:
    """A `top_targets` entry's name in `lang`: its English name in English, when set."""
    return (lang == "en" and entry.get("name_en")) or entry["name"]


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
        top = [{**t, "target": top_target_name(t, lang)} for t in s["top_targets"]]
        body += f"<h3>{tr(lang, 'Cibles les plus citées', 'Most mentioned targets')}</h3>"
        body += table(top, TARGET_COLUMNS, lang=lang)
    return Section("overview", tr(lang, "Vue d'ensemble", "Overview"), body, summary_lines)
