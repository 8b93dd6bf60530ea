"""Report section: who drives word of mouth (Pareto view, top influencers, communities)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bascule.i18n import number, percent, tr
from bascule.report.html import Col, Section, figure, paragraph, table

if TYPE_CHECKING:
    from bascule.project import Project

# the web's network page formats these columns the same way
INFLUENCER_COLUMNS = [
    Col("handle", "compte", "account"),
    Col("direct", "amplifications directes", "direct amplifications", "int"),
    Col("downstream", "en aval", "downstream", "int"),
    Col("pagerank", "PageRank", "PageRank", "pct", 1),
    Col("core", "k-cœur", "k-core", "int"),
    Col("official", "officiel", "official"),
]
COMMUNITY_COLUMNS = [
    Col("id", "n°", "#"),
    Col("size", "taille", "size", "int"),
    Col("top_accounts", "comptes centraux", "top accounts"),
    Col("hashtags", "mots-clics", "hashtags"),
    Col("undecided_share", "part d'indécis", "undecided share", "pct"),
]


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
    names = {t.id: t.name for t in project.config.targets}
    rows = [
        {**r, "official": names.get(r["official"], r["official"]) if r["official"] else ""}
        for r in res["top"]
    ]
    body = figure(lorenz_figure(res, lang))
    body += f"<h3>{tr(lang, 'Principaux amplificateurs', 'Top influencers')}</h3>" + table(
        rows, INFLUENCER_COLUMNS, lang=lang
    )
    top1, top10 = (percent(p[k], lang) for k in ("top_1pct_share", "top_10pct_share"))
    summary = [
        tr(
            lang,
            f"Le 1 % des comptes le plus amplifié produit {top1} de l'amplification "
            f"(top 10 % : {top10}).",
            f"The top 1% of accounts produce {top1} of amplification (top 10%: {top10}).",
        )
    ]
    com = communities(observed_graph(project, kind="all"), project=project, save=False)
    if com["communities"]:
        crow = [
            {
                **c,
                "top_accounts": ", ".join(c["top_accounts"][:3]),
                "hashtags": ", ".join(c.get("hashtags", [])[:4]),
            }
            for c in com["communities"][:15]
        ]
        body += f"<h3>{tr(lang, 'Communautés', 'Communities')}</h3>"
        body += figure(communities_figure(com, lang=lang))
        # every interaction: more members than the tipping table's amplification network
        size = tr(
            lang,
            "Taille : les membres en interaction (partages, citations, réponses, mentions).",
            "Size: the members interacting (reposts, quotes, replies, mentions).",
        )
        body += paragraph(size)
        body += table(crow, COMMUNITY_COLUMNS, lang=lang)
        n_com = number(com["n_communities"], lang)
        modularity = number(com["modularity"], lang, 2)
        summary.append(
            tr(
                lang,
                f"{n_com} communautés (modularité {modularity}).",
                f"{n_com} communities (modularity {modularity}).",
            )
        )
    return Section("network", tr(lang, "Bouche-à-oreille", "Word of mouth"), body, summary)
