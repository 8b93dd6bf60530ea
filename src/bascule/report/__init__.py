"""`bascule report`: a self-contained HTML report, one section per capability."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from bascule.i18n import plotly_locale_script, tr
from bascule.report.html import Section

# Each entry is "module:function"; the function takes (project, lang) and returns a Section
# or None when it has nothing to show yet (e.g. before `bascule analyze`).
SECTIONS = [
    "bascule.report.overview:section",
    "bascule.report.opinion:section",
    "bascule.report.network:section",
    "bascule.report.alerts:section",
    "bascule.report.diffusion:section",
    "bascule.report.messages:section",
]

TEMPLATES = Path(__file__).parent / "templates"


def sections(project, lang: str) -> list[Section]:  # noqa: ANN001
    out = []
    for spec in SECTIONS:
        module, func = spec.split(":")
        s = getattr(importlib.import_module(module), func)(project, lang)
        if s is not None:
            out.append(s)
    return out


def build_report(project, out: str | Path, *, lang: str | None = None) -> Path:  # noqa: ANN001
    """Render every section into one HTML file (plotly.js inline: opens offline)."""
    from plotly.offline import get_plotlyjs

    lang = lang or project.config.project.language
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]))
    html = env.get_template("report.html.j2").render(
        lang=lang,
        title=project.config.project.name,
        subtitle=tr(lang, "Rapport Bascule — généré le ", "Bascule report — generated ")
        + datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        sections=sections(project, lang),
        plotly_js=get_plotlyjs(),
        plotly_locale=plotly_locale_script(lang),
        footer=tr(
            lang,
            "Auteurs pseudonymisés ; groupes de moins de {n} auteurs supprimés.",
            "Authors pseudonymised; groups under {n} authors suppressed.",
        ).format(n=project.config.privacy.min_group_size),
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
