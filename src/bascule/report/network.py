"""Report section: who drives word of mouth (Pareto view, top influencers, communities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bascule.i18n import tr
from bascule.report.html import Section, figure, table

if TYPE_CHECKING:
    from bascule.project import Project


def section(project: Project, lang: str) -> Section | None:
    """Lorenz curve and top influencers of the amplification graph, then the communities."""
    from bascule.graph.build import observed_graph
    from bascule.graph.communities import communities, communities_figure
    from bascule.graph.influence import influencers, lorenz_figure

    g = observed_graph(project, kind="amplify")
    if g.m == 0:
        return None
    res = influencers(g, project=project, top=10)
    p = res["pareto"]
    rows = [
        {
            tr(lang, "compte", "account"): r["handle"],
            tr(lang, "amplifications directes", "direct amplifications"): r["direct"],
            tr(lang, "en aval", "downstream"): r["downstream"],
            "PageRank": r["pagerank"],
            "k-core": r["core"],
            tr(lang, "officiel", "official"): r["official"] or "",
        }
        for r in res["top"]
    ]
    body = figure(lorenz_figure(res, lang))
    body += f"<h3>{tr(lang, 'Principaux amplificateurs', 'Top influencers')}</h3>" + table(rows)
    summary = [
        tr(
            lang,
            f"Le 1 % des comptes le plus amplifié produit {100 * p['top_1pct_share']:.0f} % "
            f"de l'amplification (top 10 % : {100 * p['top_10pct_share']:.0f} %).",
            f"The top 1% of accounts produce {100 * p['top_1pct_share']:.0f}% of amplification "
            f"(top 10%: {100 * p['top_10pct_share']:.0f}%).",
        )
    ]
    com = communities(observed_graph(project, kind="all"), project=project, save=False)
    if com["communities"]:
        crow = [
            {
                "#": c["id"],
                tr(lang, "taille", "size"): c["size"],
                tr(lang, "comptes centraux", "top accounts"): ", ".join(c["top_accounts"][:3]),
                tr(lang, "mots-clics", "hashtags"): ", ".join(c.get("hashtags", [])[:4]),
                tr(lang, "part d'indécis", "undecided share"): c.get("undecided_share"),
            }
            for c in com["communities"][:15]
        ]
        body += f"<h3>{tr(lang, 'Communautés', 'Communities')}</h3>"
        body += figure(communities_figure(com, lang=lang)) + table(crow)
        summary.append(
            tr(
                lang,
                f"{com['n_communities']:,} communautés (modularité {com['modularity']:.2f}).",
                f"{com['n_communities']:,} communities (modularity {com['modularity']:.2f}).",
            )
        )
    return Section("network", tr(lang, "Bouche-à-oreille", "Word of mouth"), body, summary)
