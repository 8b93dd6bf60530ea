"""Report section: the message lab — published messages and what made top posts stick."""

from __future__ import annotations

from bascule.i18n import tr
from bascule.messages.corpus import project_corpus
from bascule.messages.render import label
from bascule.messages.score import DIMENSIONS, score
from bascule.report.html import Section, table
from bascule.store.messages import messages, most_amplified


def section(project, lang: str) -> Section | None:  # noqa: ANN001
    top = most_amplified(project.store)
    sent = messages(project.store)
    if not top and not sent:
        return None
    corpus = project_corpus(project)
    rows = []
    for _post_id, text, n in top:
        r = score(text, "auto", corpus=corpus)
        rows.append(
            {
                "post": (text or "")[:140],
                tr(lang, "amplifications", "amplifications"): n,
                "score": r["score"],
                **{label(d, lang): r["dimensions"][d]["score"] for d in DIMENSIONS},
            }
        )
    body = ""
    if rows:
        body += (
            "<h3>"
            + tr(
                lang,
                "Les publications les plus amplifiées, notées « Made to Stick »",
                "Most amplified posts, scored on Made to Stick",
            )
            + "</h3>"
            + table(rows)
        )
    if sent:
        body += "<h3>" + tr(lang, "Messages publiés", "Published messages") + "</h3>"
        body += table(
            [
                {k: m[k] for k in ("created_at", "source", "post_id", "dry_run", "text")}
                for m in sent
            ]
        )
    summary = [
        tr(
            lang,
            'Notez un brouillon : bascule message score "…" --vs "…"',
            'Score a draft: bascule message score "…" --vs "…"',
        )
    ]
    return Section("messages", tr(lang, "Atelier de messages", "Message lab"), body, summary)
