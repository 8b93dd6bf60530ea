"""`bascule message effect`: what a published post really did.

The observed cascade (who reposted, replied, quoted; which communities; how many undecided)
and the change in stance among exposed authors against comparable unexposed authors, as a
difference in differences (Card & Krueger, 1994) with a bootstrap interval over authors. With
little data the interval is wide and the verdict says so.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from bascule.errors import InputError
from bascule.i18n import label
from bascule.messages.reach import _states
from bascule.store.messages import (
    cascade,
    community_membership,
    post_row,
    post_targets,
    stance_by_author,
)

# what the difference in differences found, keyed by `finding`
FINDINGS = {
    "unmeasurable": (
        "pas assez d'auteurs vus avant et après pour mesurer un effet",
        "not enough authors seen both before and after to measure an effect",
    ),
    "too_few_exposed": (
        "trop peu d'auteurs exposés pour donner un effet fiable",
        "too few exposed authors to report a reliable effect",
    ),
    "toward_favor": ("la position a bougé vers « pour »", "stance moved toward favor"),
    "toward_against": ("la position a bougé vers « contre »", "stance moved toward against"),
    "no_change": (
        "aucun changement mesurable (l'intervalle contient zéro)",
        "no measurable change (the interval includes zero)",
    ),
}
NO_TARGET = (
    "la publication ne nomme aucune cible configurée : pas d'effet sur les positions à mesurer",
    "the post mentions no configured target: no stance effect to measure",
)


def verdict(row: dict, lang: str) -> str:
    """One target's finding (a row of `effect(...)["stance"]`) in French or English."""
    return label(FINDINGS, row["finding"], lang)


def effect(
    project,
    post_id: str,
    *,
    hours: int = 24,
    target: str | None = None,  # noqa: ANN001
    seed: int = 0,
    boot: int = 2000,
) -> dict:
    """Observed reach of `post_id` within `hours`, and its effect on stance (DiD with 95% CI)."""
    row = post_row(project.store, post_id)
    if row is None:
        raise InputError(
            f"no post {post_id!r} in the store (import or listen first)",
            fr=f"aucune publication « {post_id} » dans la base (importez ou écoutez d'abord)",
        )
    pid, author, created, _text = row
    end = created + timedelta(hours=hours)
    events = cascade(project.store, pid, end)
    exposed = sorted({a for a, _k, _t in events if a != author})
    membership = community_membership(project.store)
    states = _states(project)
    min_group = project.config.privacy.min_group_size
    comms: dict = {}
    for a in exposed:
        if a in membership:
            comms[membership[a]] = comms.get(membership[a], 0) + 1
    kinds: dict[str, int] = {}
    for _a, k, _t in events:
        kinds[k] = kinds.get(k, 0) + 1
    targets = [project.config.target(target).id] if target else post_targets(project.store, pid)
    result = {
        "post_id": pid,
        "hours": hours,
        "reach": {"authors": len(exposed), "events": len(events), **kinds},
        "communities_reached": {str(c): n for c, n in sorted(comms.items()) if n >= min_group},
        "communities_reached_small": sum(1 for n in comms.values() if n < min_group),
        "undecided_reached": sum(1 for a in exposed if states.get(a) == "undecided"),
        "stance": [
            _did(project, t, created, end, set(exposed) | {author}, exposed, seed, boot, pid)
            for t in targets
        ],
    }
    if not targets:
        result["note"] = NO_TARGET[1]
    return result


def _did(
    project,
    target: str,
    t0,
    t1,
    exclude: set,
    exposed: list,
    seed: int,  # noqa: ANN001
    boot: int,
    post_id: str | None = None,
) -> dict:
    window = t1 - t0
    before = stance_by_author(project.store, target, t0 - window, t0, post_id)
    after = stance_by_author(project.store, target, t0, t1 + window, post_id)
    both = set(before) & set(after)
    ex = [a for a in exposed if a in both]
    ctrl = [a for a in both if a not in exclude]
    min_group = project.config.privacy.min_group_size
    out = {"target": target, "exposed_authors": len(ex), "control_authors": len(ctrl)}
    if len(ex) < 2 or len(ctrl) < 2:
        out.update(estimate=None, ci95=None, finding="unmeasurable")
        out["verdict"] = verdict(out, "en")
        return out
    d_ex = np.array([after[a] - before[a] for a in ex])
    d_ctrl = np.array([after[a] - before[a] for a in ctrl])
    est = float(d_ex.mean() - d_ctrl.mean())
    rng = np.random.default_rng(seed)
    draws = rng.choice(d_ex, (boot, len(d_ex))).mean(1) - rng.choice(
        d_ctrl, (boot, len(d_ctrl))
    ).mean(1)
    lo, hi = (float(x) for x in np.quantile(draws, [0.025, 0.975]))
    small = len(ex) < min_group
    finding = (
        "too_few_exposed"
        if small
        else "toward_favor"
        if lo > 0
        else "toward_against"
        if hi < 0
        else "no_change"
    )
    out.update(
        estimate=None if small else round(est, 4),
        ci95=None if small else [round(lo, 4), round(hi, 4)],
        finding=finding,
    )
    out["verdict"] = verdict(out, "en")
    return out


def published(project, *, hours: int = 24) -> list[dict]:  # noqa: ANN001
    """The effect of every message the campaign really published (not dry runs), newest
    first; a message whose post the store does not hold yet (listening has not collected
    it) has `collected` False and nothing else measured."""
    from bascule.store.messages import messages

    out = []
    for m in reversed(messages(project.store)):
        if m["dry_run"] or not m["post_id"]:
            continue
        row = {k: m[k] for k in ("message_id", "source", "post_id", "text", "created_at")}
        if post_row(project.store, m["post_id"]) is None:
            out.append({**row, "collected": False})
            continue
        out.append({**row, "collected": True, "effect": effect(project, m["post_id"], hours=hours)})
    return out
