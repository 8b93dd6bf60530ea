"""Report section: the continuous poll of the most discussed targets, and the undecided."""

from __future__ import annotations

from html import escape
from typing import Any

from bascule.i18n import tr
from bascule.report.html import Section, figure, paragraph, table
from bascule.store import opinion as sql
from bascule.store import queries

MAX_TARGETS = 4


def section(project: Any, lang: str) -> Section | None:
    """Poll charts for the most discussed targets and the undecided's reasons (None before analyze)."""
    from bascule.opinion.poll import cues_only_text, poll, poll_figure
    from bascule.opinion.undecided import STATES, state_label, undecided, undecided_figure

    if sql.analysed_count(project.store) == 0:
        return None
    known = {t.id for t in project.config.targets}
    body, summary = "", []
    cues_only = False
    shown = 0
    for target_id, _n, _a in queries.target_mentions(project.store):
        if target_id not in known or shown >= MAX_TARGETS:
            continue
        r = poll(project, target_id)
        if not r["periods"]:
            continue
        shown += 1
        cues_only = cues_only or r["cues_only"]
        last = r["periods"][-1]
        summary.append(
            tr(
                lang,
                f"{r['target_name']} : {last['favor']:.0%} pour, {last['against']:.0%} contre "
                f"({last['period']}, {last['authors']} auteurs)",
                f"{r['target_name']}: {last['favor']:.0%} for, {last['against']:.0%} against "
                f"({last['period']}, {last['authors']} authors)",
            )
        )
        body += figure(poll_figure(r, lang))
    if cues_only:
        body = paragraph(cues_only_text(lang)) + body
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
        a = u["authors"]
        summary.append(
            tr(lang, "Indécis : ", "Undecided: ")
            + f"{a['undecided']:,} / {a['total']:,} "
            + tr(lang, "auteurs", "authors")
        )
        body += f"<h3>{escape(tr(lang, 'Les indécis', 'The undecided'))}</h3>"
        body += paragraph(", ".join(f"{state_label(s, lang)} : {a[s]:,}" for s in STATES))
        body += figure(undecided_figure(u, lang))
        body += _themes(u, lang)
    return Section(
        "opinion",
        tr(lang, "Sondage continu et indécis", "Continuous poll and undecided"),
        body,
        summary,
    )


def _themes(u: dict, lang: str) -> str:
    if not u["themes"]:
        return ""
    rows = [
        {
            "theme": t["id"],
            "words": ", ".join(t["words"]),
            "posts": t["posts"],
            "authors": t["authors"],
            "trend": (t["trend"] or {}).get("direction", "—"),
        }
        for t in u["themes"]
    ]
    out = table(
        rows,
        headers=[
            tr(lang, x, y)
            for x, y in (
                ("thème", "theme"),
                ("mots", "words"),
                ("publications", "posts"),
                ("auteurs", "authors"),
                ("tendance", "trend"),
            )
        ],
    )
    for t in u["themes"]:
        out += f"<h4>{escape(t['id'])} — {escape(t['label'])}</h4>"
        for q in t["quotes"]:
            out += f"<blockquote>{escape(q['text'])}<br><small>— {escape(q['author'])}</small></blockquote>"
    out += paragraph(
        tr(
            lang,
            f"{u['unassigned']:,} publications sur {u['posts']:,} sans thème (ou dans un thème "
            f"de moins de {u['min_group_size']} auteurs).",
            f"{u['unassigned']:,} of {u['posts']:,} posts in no theme (or in a theme of fewer "
            f"than {u['min_group_size']} authors).",
        )
    )
    return out
