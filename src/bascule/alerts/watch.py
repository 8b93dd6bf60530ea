"""Early warning: run the detectors over the store, keep the new alerts, list them.

Three detectors: the cascade forecast of critiques of a watched target (`forecast.py`), term
bursts against their own baseline (`bursts.py`) and the lone critic (`lone_critic.py`). Each
alert has a stable id (kind + what it is about), so running `check` again never repeats one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from bascule.alerts import KIND_LABELS
from bascule.i18n import label, tr

FORECAST_HOURS = 48  # critiques younger than this are forecast
BURST_DAYS = 7  # baseline window of the burst detector
LONE_CRITIC_HOURS = 72
MODEL_PATH = Path("models") / "forecast.pkl"


def _now(project: Any, now: datetime | str | None) -> datetime:
    """`now` (UTC), else the store's latest event time when older than the wall clock
    (replays)."""
    from bascule.dates import utc_when
    from bascule.store import alerts as sql

    if now is not None:
        return utc_when(now, "now")
    wall = datetime.now(UTC).replace(tzinfo=None)
    seen = sql.clock(project.store)
    return min(wall, seen) if seen else wall


def _targets(project: Any) -> list[str]:
    cfg = project.config
    return [cfg.target(t).id for t in cfg.alerts.watch] or [t.id for t in cfg.targets]


def critiques_read_by_cues_only(project: Any) -> bool:
    """True when no trained model read the watched targets' stances: critiques (against)
    then come only from against hashtags and rival official accounts (bursts are unaffected)."""
    from bascule.store.opinion import stance_models
    from bascule.text.analyze import cues_only

    return cues_only(stance_models(project.store, _targets(project)))


def forecaster(project: Any) -> Any:
    """The project's fitted model (`models/forecast.pkl`) or the plain Hawkes forecaster."""
    from bascule.alerts.forecast import CascadeForecaster

    path = project.root / MODEL_PATH
    return CascadeForecaster.load(path) if path.exists() else CascadeForecaster()


def forecast_alerts(project: Any, now: datetime) -> list[dict[str, Any]]:
    """Critiques of a watched target whose forecast final reposts pass the threshold."""
    from bascule.store import alerts as sql

    threshold = project.config.alerts.forecast_threshold
    model = forecaster(project)
    rows = sql.critiques_with_reposts(
        project.store, _targets(project), now - timedelta(hours=FORECAST_HOURS), now
    )
    out = []
    for post_id, target_id, created, reposts in rows:
        age = max((now - created) / timedelta(minutes=1), 1.0)
        times = np.array([0.0] + [(t - created) / timedelta(minutes=1) for t in reposts])
        f = model.predict(times, age)
        predicted = f["predicted"] - 1  # the original post is event 0
        if predicted < threshold:
            continue
        out.append(
            {
                "alert_id": f"forecast:{post_id}:{target_id}",
                "kind": "forecast",
                "target_id": target_id,
                "post_id": post_id,
                "detail": {
                    "observed_reposts": f["observed"] - 1,
                    "predicted_reposts": predicted,
                    "interval": [f["low"] - 1, f["high"] - 1],
                    "age_minutes": round(age, 1),
                    "threshold": threshold,
                    "method": f["method"],
                },
                "score": float(predicted),
                "created_at": now,
            }
        )
    return out


def burst_alerts(project: Any, now: datetime) -> list[dict[str, Any]]:
    """Terms, hashtags and links bursting against their own baseline (Kleinberg 2002)."""
    from bascule.alerts import bursts
    from bascule.store import alerts as sql

    terms, totals = sql.term_hourly_counts(project.store, now - timedelta(days=BURST_DAYS), now)
    found = bursts.detect(terms, totals, now=now, min_count=project.config.alerts.burst_min_count)
    return [
        {
            "alert_id": f"burst:{b['term']}:{b['start']}",
            "kind": "burst",
            "target_id": None,
            "post_id": None,
            "detail": b,
            "score": b["ratio"],
            "created_at": now,
        }
        for b in found
    ]


def lone_critic_alerts(project: Any, now: datetime) -> list[dict[str, Any]]:
    """Critiques by authors without partisan history that reach undecided communities."""
    from bascule.alerts import lone_critic
    from bascule.store import alerts as sql

    cands = sql.lone_critic_candidates(
        project.store, _targets(project), now - timedelta(hours=LONE_CRITIC_HOURS), now
    )
    spread = sql.spreaders(project.store, [c[0] for c in cands if c[4] == 0], now)
    out = []
    for f in lone_critic.detect(project, cands, spread):
        f["created_at"] = f["created_at"].isoformat()
        out.append(
            {
                "alert_id": f"lone_critic:{f['post_id']}:{f['target_id']}",
                "kind": "lone_critic",
                "target_id": f["target_id"],
                "post_id": f["post_id"],
                "detail": f,
                "score": float(f["spreaders"]),
                "created_at": now,
            }
        )
    return out


DETECTORS = {
    "forecast": forecast_alerts,
    "burst": burst_alerts,
    "lone_critic": lone_critic_alerts,
}


def check(
    project: Any, *, now: datetime | str | None = None, kinds: list[str] | None = None
) -> list[dict[str, Any]]:
    """Run the detectors, store the alerts not seen before and return them."""
    from bascule.store import alerts as sql

    for k in kinds or ():
        _check_kind(k, DETECTORS)
    now = _now(project, now)
    found: list[dict[str, Any]] = []
    for kind, detector in DETECTORS.items():
        if kinds is None or kind in kinds:
            found += detector(project, now)
    lang = project.config.project.language
    for a in found:  # as delivered (mail, webhook); pages show `title(a, their language)`
        a["title"] = title(a, lang, project.config) or label(KIND_LABELS, a["kind"], lang)
    fresh = sql.insert_new(project.store, found)
    for a in fresh:
        a["created_at"] = a["created_at"].isoformat()
    return fresh


def list_alerts(
    project: Any,
    *,
    since: datetime | str | None = None,
    kind: str | None = None,
    limit: int = 100,
    lang: str | None = None,
) -> list[dict[str, Any]]:
    """Stored alerts, newest first (for `bascule alerts list` and the web UI), their titles in
    `lang` (default: as stored, in the project's language)."""
    from bascule.store import alerts as sql

    if kind:
        _check_kind(kind, DETECTORS)
    rows = sql.list_alerts(project.store, since=since, kind=kind, limit=limit)
    if lang is not None:
        for a in rows:
            a["title"] = title(a, lang, project.config) or a["title"]
    return rows


def _check_kind(kind: str, known: dict) -> None:
    from bascule.errors import InputError

    if kind not in known:
        raise InputError(
            f"unknown alert kind {kind!r}: use {', '.join(known)}",
            fr=f"type d'alerte inconnu {kind!r} : au choix {', '.join(known)}",
        )


def title(alert: dict[str, Any], lang: str, config: Any = None) -> str | None:
    """An alert's headline in `lang`, from its kind, target (by its name in `config`) and
    detail (None when its detail lacks what the headline says): stored alerts are read in
    each reader's language."""
    from bascule.i18n import number

    d, target = alert.get("detail") or {}, alert.get("target_id")
    if target and config is not None:
        target = config.target_name(target, lang)
    try:
        if alert["kind"] == "forecast":
            predicted, seen = d["predicted_reposts"], d["observed_reposts"]
            age = d["age_minutes"]
            return tr(
                lang,
                f"Critique de {target} : ~{number(predicted, 'fr')} partages prévus "
                f"({number(seen, 'fr')} en {number(age, 'fr')} min)",
                f"Critique of {target}: ~{number(predicted, 'en')} reposts forecast "
                f"({number(seen, 'en')} in {number(age, 'en')} min)",
            )
        if alert["kind"] == "burst":
            return tr(
                lang,
                f"Pic de « {d['term']} » : {number(d['posts'], 'fr')} publications pour "
                f"{number(d['baseline_posts'], 'fr', 1)} attendues",
                f"Burst of '{d['term']}': {number(d['posts'], 'en')} posts vs "
                f"{number(d['baseline_posts'], 'en', 1)} expected",
            )
        if alert["kind"] == "lone_critic":
            return tr(
                lang,
                f"Critique de {target} par un auteur sans passé partisan, "
                f"relayée par {d['spreaders']} comptes vers des indécis",
                f"Critique of {target} by an author with no partisan history, "
                f"spread by {d['spreaders']} accounts towards the undecided",
            )
    except (KeyError, TypeError):
        return None
    return None
