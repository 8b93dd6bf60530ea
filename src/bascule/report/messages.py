"""Report section: the message lab — published messages and what made top posts stick."""

from __future__ import annotations

from bascule.i18n import tr
from bascule.messages.corpus import project_corpus
from bascule.messages.render import LABELS
from bascule.messages.score import DIMENSIONS, score
from bascule.report.html import Col, Section, table
from bascule.store.messages import messages, most_amplified

TOP_COLUMNS = [
    Col("post", "publication", "post"),
    Col("amplifications", "amplifications", "amplifications", "int"),
    Col("score", "score", "score", "num"),
    *(Col(d, *LABELS[d], "num") for d in DIMENSIONS),
]
SENT_COLUMNS = [
    Col("created_at", "date (UTC)", "date (UTC)", "when"),
    Col("source", "source", "source"),
    Col("post_id", "publication", "post"),
    Col("dry_run", "essai", "dry run"),
    Col("text", "texte", "text"),
]


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
                "amplifications": n,
                "score": r["score"],
                **{d: r["dimensions"][d]["score"] for d in DIMENSIONS},
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
            + table(rows, TOP_COLUMNS, lang=lang)
        )
    if sent:
        body += "<h3>" + tr(lang, "Messages publiés", "Published messages") + "</h3>"
        yes, no = tr(lang, "oui", "yes"), tr(lang, "non", "no")
        body += table(
            [{**m, "dry_run": yes if m["dry_run"] else no} for m in sent], SENT_COLUMNS, lang=lang
        )
    summary = [
        tr(
            lang,
            'Notez un brouillon : bascule message score "…" --vs "…"',
            'Score a draft: bascule message score "…" --vs "…"',
        )
    ]
    return Section("messages", tr(lang, "Atelier de messages", "Message lab"), body, summary)
