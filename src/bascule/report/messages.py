"""Report section: the message lab — published messages and what made top posts stick."""

from __future__ import annotations

from bascule.i18n import colon, number, tr
from bascule.messages.corpus import project_corpus
from bascule.messages.effect import published, verdict
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
EFFECT_COLUMNS = [
    Col("created_at", "publié (UTC)", "published (UTC)", "when"),
    Col("text", "texte", "text"),
    Col("authors", "auteurs atteints en 24 h", "authors reached in 24 h", "int"),
    Col("undecided", "dont indécis", "of whom undecided", "int"),
    Col("stance", "effet sur les positions", "effect on stances"),
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
    effects = [e for e in published(project) if e["collected"]]
    if effects:
        body += (
            "<h3>"
            + tr(lang, "Effet mesuré des messages publiés", "Measured effect of published messages")
            + "</h3>"
        )
        body += table([_effect_row(e, lang) for e in effects], EFFECT_COLUMNS, lang=lang)
    summary = [
        tr(
            lang,
            'Notez un brouillon : bascule message score "…" --vs "…"',
            'Score a draft: bascule message score "…" --vs "…"',
        )
    ]
    return Section("messages", tr(lang, "Atelier de messages", "Message lab"), body, summary)


def _effect_row(e: dict, lang: str) -> dict:
    """One published message: its reach in 24 h and what it did to each target's stances."""
    eff = e["effect"]
    sep = colon(lang)
    stances = []
    for s in eff["stance"]:
        found = verdict(s, lang)
        if s["estimate"] is not None:
            found += f" ({number(s['estimate'], lang, 2)})"
        stances.append(f"{s['target']}{sep}{found}")
    return {
        "created_at": e["created_at"],
        "text": (e["text"] or "")[:140],
        "authors": eff["reach"]["authors"],
        "undecided": eff["undecided_reached"],
        "stance": "; ".join(stances) or tr(lang, "aucune cible nommée", "no target named"),
    }
