"""Report section: the early-warning alerts (forecasts, bursts, lone critics) and deliveries."""

from __future__ import annotations

from collections import Counter
from typing import Any

from bascule.alerts import KIND_LABELS
from bascule.i18n import number, tr
from bascule.report.html import Col, Section, paragraph, table

COLUMNS = [
    Col("when", "Quand (UTC)", "When (UTC)", "when"),
    Col("kind", "Type", "Kind"),
    Col("target", "Cible", "Target"),
    Col("alert", "Alerte", "Alert"),
    Col("score", "Score", "Score", "num", 2),
    Col("sent", "Envoyée par", "Sent by"),
]


def summary(project: Any, limit: int = 30, lang: str | None = None) -> dict[str, Any]:
    """Alert counts per kind and the latest alerts, titled in `lang` (what the section and
    web page show)."""
    from bascule.alerts.watch import list_alerts

    rows = list_alerts(project, limit=1000, lang=lang)
    return {
        "total": len(rows),
        "by_kind": dict(Counter(a["kind"] for a in rows)),
        "delivered": sum(bool(a["delivered_to"]) for a in rows),
        "latest": rows[:limit],
    }


def section(project: Any, lang: str) -> Section | None:
    """The alerts section; None before any alert was raised."""
    s = summary(project, lang=lang)
    if not s["total"]:
        return None
    label = {k: tr(lang, *v) for k, v in KIND_LABELS.items()}
    rows = [
        {
            "when": a["created_at"],
            "kind": label.get(a["kind"], a["kind"]),
            "target": a.get("target_id") or "",
            "alert": a["title"],
            "score": a.get("score"),
            "sent": ", ".join(c.split(":", 1)[0] for c in a["delivered_to"]),
        }
        for a in s["latest"]
    ]
    body = paragraph(
        tr(
            lang,
            "Prévisions : processus auto-excitant à mémoire en loi de puissance (SEISMIC, "
            "Zhao et al. 2015) ; pics : automate de Kleinberg (2002) contre la base de chaque "
            "terme ; critiques isolées : auteurs sans passé partisan relayés vers des indécis.",
            "Forecasts: self-exciting process with a power-law memory (SEISMIC, Zhao et al. "
            "2015); bursts: Kleinberg's automaton (2002) against each term's own baseline; lone "
            "critics: authors with no partisan history spread towards the undecided.",
        )
    )
    body += table(rows, COLUMNS, lang=lang)
    total, delivered = number(s["total"], lang), number(s["delivered"], lang)
    colon = tr(lang, " : ", ": ")
    summary_lines = [
        tr(lang, f"{total} alertes", f"{total} alerts")
        + " ("
        + ", ".join(
            f"{label.get(k, k)}{colon}{number(n, lang)}" for k, n in sorted(s["by_kind"].items())
        )
        + ")",
        tr(lang, f"{delivered} envoyées", f"{delivered} delivered"),
    ]
    return Section(
        id="alerts",
        title=tr(lang, "Alertes précoces", "Early warning"),
        body=body,
        summary=summary_lines,
    )
