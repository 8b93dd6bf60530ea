"""Message scores as a radar chart and an HTML card (report, web and `--html`)."""

from __future__ import annotations

from html import escape

from bascule.i18n import number, tr
from bascule.messages.score import DIMENSIONS

LABELS = {
    "simple": ("Simple", "Simple"),
    "unexpected": ("Inattendu", "Unexpected"),
    "concrete": ("Concret", "Concrete"),
    "credible": ("Crédible", "Credible"),
    "emotional": ("Émotion", "Emotional"),
    "stories": ("Histoire", "Stories"),
}


def label(dim: str, lang: str) -> str:
    fr, en = LABELS[dim]
    return tr(lang, fr, en)


def score_figure(results: dict[str, dict], lang: str = "fr"):  # noqa: ANN201
    """A radar of the six dimensions for one or more named drafts."""
    import plotly.graph_objects as go

    fig = go.Figure()
    theta = [label(d, lang) for d in DIMENSIONS]
    for name, res in results.items():
        r = [res["dimensions"][d]["score"] for d in DIMENSIONS]
        fig.add_trace(
            go.Scatterpolar(
                r=[*r, r[0]],
                theta=[*theta, theta[0]],
                fill="toself",
                name=f"{name} ({res['score']})",
            )
        )
    fig.update_layout(
        # the dimension names stand outside the circle: the side margins hold the longest
        # ("Inattendu", "Unexpected") at the size they are written
        polar={
            "radialaxis": {"range": [0, 100]},
            "angularaxis": {"tickfont": {"size": 12}},
            "domain": {"x": [0, 1], "y": [0, 1]},
        },
        # below the radar: a legend at its right took the width the circle needs on a phone
        legend={"orientation": "h", "x": 0.5, "xanchor": "center", "y": -0.08, "yanchor": "top"},
        height=400,
        margin={"l": 72, "r": 72, "t": 30, "b": 30},
    )
    return fig


def score_html(text: str, result: dict, lang: str = "fr") -> str:
    """An escaped HTML card: the draft, the overall score, each dimension's evidence and tip."""
    rows = "".join(
        f"<tr><th>{escape(label(d, lang))}</th><td>{result['dimensions'][d]['score']}</td>"
        f"<td>{escape(_evidence(result['dimensions'][d]['evidence'], lang))}</td>"
        f"<td>{escape(suggestion(result['dimensions'][d], lang))}</td></tr>"
        for d in DIMENSIONS
    )
    head = tr(
        lang,
        "<tr><th>Dimension</th><th>Score</th><th>Indices</th><th>Suggestion</th></tr>",
        "<tr><th>Dimension</th><th>Score</th><th>Evidence</th><th>Suggestion</th></tr>",
    )
    return (
        f"<blockquote>{escape(text)}</blockquote>"
        f"<p><strong>{tr(lang, 'Score global :', 'Overall score:')} {result['score']}/100</strong></p>"
        f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
    )


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:960px;margin:1.5rem auto;padding:0 1rem;"
    "color:#222}blockquote{border-left:4px solid #888;margin:1rem 0;padding:.5rem 1rem;"
    "background:#f6f6f6;white-space:pre-wrap;overflow-wrap:anywhere}table{border-collapse:"
    "collapse;width:100%;margin-bottom:2rem}th,td{border:1px solid #ddd;padding:.4rem;"
    "text-align:left;vertical-align:top}td:nth-child(2){text-align:right;font-weight:bold}"
    ".note{color:#a33}"
)
SHOWN_CHARS = 5_000


def score_page(texts: dict[str, str], results: dict[str, dict], lang: str = "fr") -> str:
    """A self-contained HTML page (styles and plotly.js inlined, nothing fetched) for drafts."""
    fig = score_figure(results, lang).to_html(full_html=False, include_plotlyjs=True)
    cards = []
    for name, res in results.items():
        text = texts[name]
        shown = text[:SHOWN_CHARS]
        notes = list(res.get("notes", []))
        if len(text) > SHOWN_CHARS:
            notes.append(
                tr(
                    lang,
                    f"affichage limité aux {SHOWN_CHARS} premiers caractères sur {len(text)}",
                    f"showing the first {SHOWN_CHARS} of {len(text)} characters",
                )
            )
        title = f"<h2>{escape(name)}</h2>" if len(results) > 1 else ""
        note_html = "".join(f"<p class='note'>{escape(n)}</p>" for n in notes)
        cards.append(title + score_html(shown, res, lang) + note_html)
    heading = tr(lang, "Message : score « Made to Stick »", "Message: Made to Stick score")
    return (
        f"<!doctype html><html lang='{'en' if lang == 'en' else 'fr'}'><head>"
        "<meta charset='utf-8'><meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{escape(heading)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(heading)}</h1>{fig}{''.join(cards)}</body></html>"
    )


EVIDENCE = {
    "reading_ease": ("lisibilité", "reading ease"),
    "formula": ("formule", "formula"),
    "words": ("mots", "words"),
    "sentences": ("phrases", "sentences"),
    "long_words": ("mots longs", "long words"),
    "surprise_cues": ("indices de surprise", "surprise cues"),
    "question": ("question", "question"),
    "novelty_vs_corpus": ("nouveauté / corpus", "novelty vs corpus"),
    "words_new_to_corpus": ("mots absents du corpus", "words new to the corpus"),
    "corpus_posts": ("publications du corpus", "corpus posts"),
    "mean_concreteness": ("concrétude moyenne (1-5)", "mean concreteness (1-5)"),
    "scale": ("échelle", "scale"),
    "rated_words": ("mots notés", "rated words"),
    "most_concrete": ("les plus concrets", "most concrete"),
    "most_abstract": ("les plus abstraits", "most abstract"),
    "numbers": ("nombres", "numbers"),
    "places": ("lieux", "places"),
    "sources": ("sources", "sources"),
    "testimony": ("témoignage", "testimony"),
    "links": ("liens", "links"),
    "sentiment": ("sentiment", "sentiment"),
    "intensity": ("intensité", "intensity"),
    "affect_words": ("mots d'émotion", "emotion words"),
    "you_address": ("adresse directe", "you-address"),
    "people": ("personnes", "people"),
    "exclamations": ("exclamations", "exclamations"),
    "time_sequence": ("suite dans le temps", "time sequence"),
    "first_person": ("première personne", "first person"),
    "past_tense": ("passé", "past tense"),
}


def suggestion(dimension: dict, lang: str) -> str:
    """A dimension's suggestion in the reader's language (older results: the draft's)."""
    return (dimension.get("suggestions") or {}).get(lang) or dimension["suggestion"]


def _evidence(ev: dict, lang: str = "fr") -> str:
    """Evidence as readable text: labelled, lists joined, empty items left out."""
    parts = []
    for k, v in ev.items():
        if v in (None, [], 0, False, "") or k == "scale":
            continue
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v)
        if v is True:
            v = tr(lang, "oui", "yes")
        elif isinstance(v, int):  # 1 203 in French, 1,203 in English
            v = number(v, lang)
        elif isinstance(v, float):  # 91,2 and 0,957 in French
            v = number(v, lang, min(3, len(f"{round(v, 3)}".partition(".")[2])))
        fr, en = EVIDENCE.get(k, (k, k))
        parts.append(f"{tr(lang, fr, en)} : {v}" if lang == "fr" else f"{en}: {v}")
    return " ; ".join(parts) if lang == "fr" else "; ".join(parts)
