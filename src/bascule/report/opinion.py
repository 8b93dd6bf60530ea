"""Report section: the continuous poll of the most discussed targets, and the undecided."""

from __future__ import annotations

from html import escape
from typing import Any

from bascule.i18n import number, share, tr
from bascule.report.html import Col, Section, figure, paragraph, table
from bascule.store import opinion as sql
from bascule.store import queries

MAX_TARGETS = 4
THEME_COLUMNS = [
    Col("theme", "thème", "theme"),
    Col("words", "mots", "words"),
    Col("posts", "publications", "posts", "int"),
    Col("authors", "auteurs", "authors", "int"),
    Col("trend", "tendance", "trend"),
]


def poll_summary(r: dict, lang: str) -> str:
    """One line per target: the trend (what the chart's lines and end labels show), then the
    last period's own shares (noisier: fewer authors), each said to be what it is."""
    last = r["periods"][-1]
    t_for, t_against = share(last["trend_favor"], lang), share(last["trend_against"], lang)
    p_for, p_against = share(last["favor"], lang), share(last["against"], lang)
    n = number(last["authors"], lang)
    return tr(
        lang,
        f"{r['target_name']} : tendance {t_for} pour, {t_against} contre ; dernière période "
        f"({last['period']}, {n} auteurs) : {p_for} pour, {p_against} contre",
        f"{r['target_name']}: trend {t_for} for, {t_against} against; last period "
        f"({last['period']}, {n} authors): {p_for} for, {p_against} against",
    )


def section(project: Any, lang: str) -> Section | None:
    """Poll charts for the most discussed targets and the undecided's reasons (None before
    analyze). Days whose posts were pruned are in the charts, shaded, from the daily counts
    `prune` kept, and said under each chart; a target whose every post was pruned is still
    charted from them."""
    from bascule.opinion.poll import kept_note, poll, poll_figure, stance_note
    from bascule.opinion.undecided import undecided

    kept = sql.kept_targets(project.store)
    if sql.analysed_count(project.store) == 0 and not kept:
        return None
    known = {t.id for t in project.config.targets}
    body, summary = "", []
    notes: list[str] = []
    shown = 0
    mentioned = [t for t, _n, _a in queries.target_mentions(project.store)]
    for target_id in dict.fromkeys([*mentioned, *kept]):  # most discussed now, then pruned
        if target_id not in known or shown >= MAX_TARGETS:
            continue
        r = poll(project, target_id)
        if not r["periods"]:
            continue
        if lang == "en":
            r["target_name"] = project.config.target(target_id).name_en or r["target_name"]
        shown += 1
        note = stance_note(r, lang)
        if note and note not in notes:
            notes.append(note)
        summary.append(poll_summary(r, lang))
        body += figure(poll_figure(r, lang))
        note = kept_note(r, lang)  # which days come from kept counts: this target's own
        if note:
            body += paragraph(note)
    body = "".join(paragraph(n) for n in notes) + body
    if not shown:
        body += paragraph(
            tr(
                lang,
                "Aucune période n'atteint le minimum d'auteurs pour être montrée.",
                "No period reaches the minimum number of authors to be shown.",
            )
        )
    u = undecided(project)
    if u["authors"]:
        summary.append(undecided_summary(u, lang))
        body += f"<h3>{escape(tr(lang, 'Les indécis', 'The undecided'))}</h3>"
        body += undecided_body(u, lang)
    return Section(
        "opinion",
        tr(lang, "Sondage continu et indécis", "Continuous poll and undecided"),
        body,
        summary,
    )


def undecided_summary(u: dict, lang: str) -> str:
    a = u["authors"]
    return (
        tr(lang, "Indécis : ", "Undecided: ")
        + f"{number(a['undecided'], lang)} / {number(a['total'], lang)} "
        + tr(lang, "auteurs", "authors")
    )


def undecided_body(u: dict, lang: str) -> str:
    """The undecided as HTML: counts by state, the chart, the themes with their quotes; by
    week, the weeks left out for posts pruned from them (`pruned_note`), as the weekly poll
    says them under its chart."""
    from bascule.opinion.undecided import (
        STATES,
        days_note,
        pruned_note,
        state_label,
        undecided_figure,
    )

    a = u["authors"]
    colon = tr(lang, " : ", ": ")
    body = paragraph(
        ", ".join(f"{state_label(s, lang)}{colon}{number(a[s], lang)}" for s in STATES)
    )
    note = days_note(u, lang)
    if note:
        body += paragraph(note)
    body += figure(undecided_figure(u, lang))
    note = pruned_note(u, lang)
    if note:
        body += paragraph(note)
    return body + _themes(u, lang)


def undecided_page(u: dict, lang: str, project_name: str) -> str:
    """`bascule undecided --html`: the undecided as a page a campaign can read and share."""
    from bascule.report import page

    title = tr(lang, "Les indécis et leurs raisons", "The undecided and their reasons")
    if not u["authors"]:
        body = paragraph(
            tr(
                lang,
                f"Rien à montrer : aucune période d'au moins {u['min_group_size']} auteurs "
                "analysés dans cette fenêtre.",
                f"Nothing to show: no period of at least {u['min_group_size']} analysed "
                "authors in this window.",
            )
        )
        parts = [Section("undecided", title, body)]
    else:
        parts = [Section("undecided", title, undecided_body(u, lang), [undecided_summary(u, lang)])]
    return page(
        parts, lang=lang, title=project_name, subtitle=title, min_group_size=u["min_group_size"]
    )


def theme_name(theme_id: str, lang: str) -> str:
    """ "theme-2" as a reader says it: "thème 2" / "theme 2"."""
    return tr(lang, "thème ", "theme ") + theme_id.rsplit("-", 1)[-1]


def _themes(u: dict, lang: str) -> str:
    if not u["themes"]:
        return ""
    from bascule.opinion.themes import trend_label

    rows = [
        {
            "theme": theme_name(t["id"], lang),
            "words": ", ".join(t["words"]),
            "posts": t["posts"],
            "authors": t["authors"],
            "trend": trend_label(t["trend"], lang),
        }
        for t in u["themes"]
    ]
    out = table(rows, THEME_COLUMNS, lang=lang)
    for t in u["themes"]:
        out += f"<h4>{escape(theme_name(t['id'], lang))} — {escape(t['label'])}</h4>"
        for q in t["quotes"]:
            out += f"<blockquote>{escape(q['text'])}<br><small>— {escape(q['author'])}</small></blockquote>"
    unassigned, posts = number(u["unassigned"], lang), number(u["posts"], lang)
    out += paragraph(
        tr(
            lang,
            f"{unassigned} publications sur {posts} sans thème (ou dans un thème "
            f"de moins de {u['min_group_size']} auteurs).",
            f"{unassigned} of {posts} posts in no theme (or in a theme of fewer "
            f"than {u['min_group_size']} authors).",
        )
    )
    return out
