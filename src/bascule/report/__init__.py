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


# the war room's narrow layouts for phones (`layout.meta.narrow` of a figure), one file for both
FIT_JS = Path(__file__).resolve().parents[1] / "web" / "static" / "fitcharts.js"


def build_report(project, out: str | Path, *, lang: str | None = None) -> Path:  # noqa: ANN001
    """Render every section into one HTML file (plotly.js inline: opens offline)."""
    lang = lang or project.config.project.language
    html = page(
        sections(project, lang),
        lang=lang,
        title=project.config.project.name,
        subtitle=tr(lang, "Rapport Bascule — généré le ", "Bascule report — generated ")
        + datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        min_group_size=project.config.privacy.min_group_size,
    )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out


def page(parts: list[Section], *, lang: str, title: str, subtitle: str, min_group_size: int) -> str:
    """Sections as one self-contained HTML page (plotly.js and its French inline), with the
    report's look and its privacy footer: the report, or one command's page (`--html`)."""
    from plotly.offline import get_plotlyjs

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2"]))
    return env.get_template("report.html.j2").render(
        lang=lang,
        title=title,
        subtitle=subtitle,
        sections=parts,
        plotly_js=get_plotlyjs(),
        plotly_locale=plotly_locale_script(lang),
        fit_js=FIT_JS.read_text(encoding="utf-8"),
        footer=tr(
            lang,
            "Auteurs pseudonymisés ; opinions de groupes de moins de {n} auteurs masquées "
            "(périodes, thèmes, communautés ; les parts d'un groupe montré sont publiées "
            "telles quelles).",
            "Authors pseudonymised; opinions of groups of fewer than {n} authors hidden "
            "(periods, themes, communities; a shown group's shares are published as they are).",
        ).format(n=min_group_size),
    )
