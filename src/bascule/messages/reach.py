"""`bascule message reach`: how far a post carried by given accounts would go, per community.

Simulated on the observed amplification network with the diffusion engine, so the forecast and
`bascule simulate` are one code path.
"""

from __future__ import annotations

from bascule.errors import InputError
from bascule.store.messages import community_membership, resolve_authors


def _states(project) -> dict[str, str]:  # noqa: ANN001
    try:
        from bascule.opinion.undecided import author_states
    except ImportError:  # pragma: no cover - the opinion layer ships with the package
        return {}
    df = author_states(project)
    return dict(zip(df["author_id"].astype(str), df["state"].astype(str), strict=True))


def reach(
    project,
    accounts: list[str],
    *,
    model: str = "ic",
    prob: str = "wc",  # noqa: ANN001
    runs: int = 1000,
    seed: int = 0,
    graph=None,
) -> dict:  # noqa: ANN001
    """Expected reach of a post carried by `accounts`, per community and among the undecided."""
    from bascule.diffusion.simulate import simulate
    from bascule.graph.build import observed_graph

    if not accounts:
        raise InputError(
            "give at least one account (--from ACCOUNT or --seeds FILE)",
            fr="indiquez au moins un compte",
        )
    g = graph if graph is not None else observed_graph(project, kind="amplify")
    nodes = set(g.nodes.tolist())
    if graph is None:
        resolved = resolve_authors(project.store, accounts)
        found = {a: r for a, r in resolved.items() if r is not None and r in nodes}
    else:
        found = {a: a for a in accounts if a in nodes}
    missing = sorted(set(accounts) - set(found))
    if not found:
        raise InputError(
            f"none of the accounts is in the observed network: {', '.join(accounts[:5])}. "
            "Check the handles with `bascule influencers` or `bascule ambassadors`.",
            fr=f"aucun de ces comptes n'est dans le réseau observé : {', '.join(accounts[:5])}. "
            "Vérifiez les noms dans la page Réseau (influenceurs, ambassadeurs).",
        )
    seeds = sorted(set(found.values()))
    membership = community_membership(project.store) if graph is None else {}
    by_comm = simulate(
        g,
        seeds,
        model=model,
        prob=prob,
        runs=runs,
        seed=seed,
        project=project,
        groups={k: v for k, v in membership.items() if k in nodes} or None,
    )
    states = _states(project) if graph is None else {}
    by_state = (
        simulate(
            g,
            seeds,
            model=model,
            prob=prob,
            runs=runs,
            seed=seed,
            project=project,
            groups={k: v for k, v in states.items() if k in nodes},
        )
        if states
        else None
    )
    undecided = next(
        (s for s in (by_state or {}).get("groups", []) if s["group"] == "undecided"), None
    )
    min_group = project.config.privacy.min_group_size
    communities = [c for c in by_comm.get("groups", []) if c["size"] >= min_group]
    return {
        "accounts": sorted(found),
        "not_in_network": missing,
        "model": model,
        "prob": prob,
        "runs": runs,
        "seed": seed,
        "spread": by_comm["spread"],
        "fraction": by_comm["fraction"],
        "network": {"nodes": by_comm["nodes"], "edges": by_comm["edges"]},
        "communities": communities,
        "communities_suppressed": len(by_comm.get("groups", [])) - len(communities),
        "undecided": undecided,
    }
