"""Report section: who to convince first (IMM seeds) and how many committed tip each community."""

from __future__ import annotations

from bascule.i18n import number, tr
from bascule.report.html import Col, Section, figure, paragraph, table

SEED_COLUMNS = [Col("rank", "n°", "#", "int"), Col("account", "compte", "account")]
# the web's tipping page formats these columns the same way
TIPPING_COLUMNS = [
    Col("community", "communauté", "community"),
    Col(
        "size",
        "membres dans le réseau d'amplification",
        "members in the amplification network",
        "int",
    ),
    Col("committed", "engagés nécessaires", "committed needed", "int"),
    Col("fraction", "part", "fraction", "pct", 1),
    Col("who", "qui (d'abord)", "who (first)"),
]


def section(project, lang: str) -> Section | None:  # noqa: ANN001
    """IMM seeds of the amplification network, their reach, and per-community tipping points."""
    from bascule.graph.build import observed_graph
    from bascule.store.diffusion import has_network

    if not has_network(project.store):
        return None
    g = observed_graph(project)
    if g.n < 3 or g.m == 0:
        return None
    from bascule.diffusion import imm, tipping
    from bascule.store.diffusion import communities

    k = min(10, g.n)
    res = imm.seeds(g, k, model="ic", prob="wc", eps=0.2, seed=0, runs=500)
    handles = g.attrs.get("handle")
    name = (
        {str(v): str(h) for v, h in zip(g.nodes, handles, strict=False)}
        if handles is not None
        else {}
    )
    rows = [{"rank": i + 1, "account": name.get(s, s)} for i, s in enumerate(res["seeds"])]
    s = res["spread"]
    mean, lo, hi = (number(v, lang) for v in (s["mean"], *s["ci95"]))
    n = number(g.n, lang)
    body = paragraph(
        tr(
            lang,
            f"Convaincre ces {k} comptes atteint en moyenne {mean} des {n} comptes "
            f"du réseau d'amplification (IC, cascade pondérée ; IC 95\u202f% {lo}–{hi}).",
            f"Convincing these {k} accounts reaches on average {mean} of the {n} "
            f"accounts of the amplification network (IC, weighted cascade; 95% CI {lo}–{hi}).",
        )
    )
    body += table(rows, SEED_COLUMNS, lang=lang)
    summary = [
        tr(
            lang,
            f"{k} comptes à convaincre d'abord : portée {mean}",
            f"{k} accounts to convince first: reach {mean}",
        )  # fmt: skip
    ]
    membership = communities(project.store)
    if membership:
        min_size = project.config.privacy.min_group_size
        per = tipping.community_tipping(g, membership, min_size=min_size, seed=0)
        body += f"<h3>{tr(lang, 'Bascule par communauté', 'Tipping per community')}</h3>"
        body += paragraph(
            tr(
                lang,
                "Nombre minimal de membres engagés (les plus connectés d'abord) pour qu'une "
                "majorité de la communauté adopte (modèle à seuil de Watts, φ = 0,18).",
                "Fewest committed members (best connected first) for a majority of the "
                "community to adopt (Watts threshold model, φ = 0.18).",
            )
        )
        from bascule.graph.backend import display_handles

        shown = dict(zip(g.nodes.astype(str), display_handles(g), strict=True))
        per = sorted(per, key=lambda r: (-r["size"], str(r["community"])))
        body += table(
            [
                {
                    "community": r["community"],
                    "size": r["size"],
                    "committed": r["committed_needed"],
                    "fraction": r["fraction"],
                    "who": ", ".join(shown.get(str(x), str(x)) for x in r["seeds"][:5])
                    + (" …" if len(r["seeds"]) > 5 else ""),
                }
                for r in per[:20]
            ],
            TIPPING_COLUMNS,
            lang=lang,
        )
        if len(per) > 20:
            body += paragraph(
                tr(
                    lang,
                    f"… et {len(per) - 20} autres communautés.",
                    f"… and {len(per) - 20} more communities.",
                )
            )
    # a figure of the whole curve (every fraction: a fraction of a second on 300 people)
    res_t = tipping.tipping("naming-game", "complete", n=300, runs=8, seed=0, whole_curve=True)
    body += f"<h3>{tr(lang, 'Minorité engagée', 'Committed minority')}</h3>"
    body += figure(tipping.tipping_figure(res_t, lang))
    return Section("diffusion", tr(lang, "Planifier la bascule", "Plan the tipping point"), body,
                   summary)  # fmt: skip
