"""Message scores as a radar chart and an HTML card (report, web and `--html`)."""

from __future__ import annotations

from html import escape

from bascule.i18n import tr
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
        polar={"radialaxis": {"range": [0, 100]}},
        height=380,
        margin={"l": 40, "r": 40, "t": 30, "b": 30},
    )
    return fig


def score_html(text: str, result: dict, lang: str = "fr") -> str:
    """An escaped HTML card: the draft, the overall score, each dimension's evidence and tip."""
    rows = "".join(
        f"<tr><th>{escape(label(d, lang))}</th><td>{result['dimensions'][d]['score']}</td>"
        f"<td>{escape(_evidence(result['dimensions'][d]['evidence']))}</td>"
        f"<td>{escape(result['dimensions'][d]['suggestion'])}</td></tr>"
        for d in DIMENSIONS
    )
    head = tr(
        lang,
        "<tr><th>Dimension</th><th>Score</th><th>Indices</th><th>Suggestion</th></tr>",
        "<tr><th>Dimension</th><th>Score</th><th>Evidence</th><th>Suggestion</th></tr>",
    )
    return (
        f"<blockquote>{escape(text)}</blockquote>"
        f"<p><strong>{tr(lang, 'Score global', 'Overall score')}: {result['score']}/100</strong></p>"
        f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
    )


def _evidence(ev: dict) -> str:
    parts = []
    for k, v in ev.items():
        if v in (None, [], 0, False, ""):
            continue
        if isinstance(v, list):
            v = ", ".join(str(x) for x in v)
        parts.append(f"{k}: {v}")
    return "; ".join(parts)
