"""What `listen` does after storing new posts: analyse them, check and send alerts, prune.

It runs beside the writer in its own thread and on its own DuckDB connection, so analysis
overlaps fetching and storing. Analysis and alerts are imported when present (`text.analyze`,
`alerts.watch`, `alerts.deliver`, `scale.retention`); a failure there is reported, and
listening goes on.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger("bascule.listen")

PRUNE_EVERY = 3600.0  # seconds between two retention passes while listening


class Analyst(threading.Thread):
    """Analyses new posts and checks alerts beside the writer, on its own DuckDB connection.

    Woken after each stored batch; at most one cycle per `every` seconds, plus a last one
    when listening ends, so analysis overlaps fetching and storing.
    """

    def __init__(self, root: Any, *, analyze: bool, alerts: bool, every: float) -> None:
        super().__init__(name="listen-analyse", daemon=True)
        self.root, self.analyze, self.alerts, self.every = root, analyze, alerts, every
        self.wake = threading.Event()
        self.finish = threading.Event()
        self.cycles: list[dict] = []
        self.next_prune = 0.0

    def run(self) -> None:
        from bascule.project import Project

        project = Project(self.root)
        try:
            while not self.finish.is_set():
                if self.wake.wait(0.2):
                    self._cycle(project)
                    self.finish.wait(self.every)
            if self.wake.is_set():
                self._cycle(project)
        finally:
            project.close()

    def _cycle(self, project: Any) -> None:
        self.wake.clear()
        cycle = after_cycle(project, analyze=self.analyze, alerts=self.alerts)
        if project.config.privacy.retention_days and time.monotonic() >= self.next_prune:
            self.next_prune = time.monotonic() + PRUNE_EVERY
            cycle.update(_prune(project))
        self.cycles.append(cycle)


def _prune(project: Any) -> dict:
    """Enforce `privacy.retention_days` while listening (`bascule prune`, when available)."""
    try:
        from bascule.scale.retention import prune
    except ImportError:
        return {}
    try:
        res = prune(project)  # marks the file for a rewrite when the listener stops
    except Exception as exc:  # noqa: BLE001 - keep listening; say why
        log.warning("prune failed: %s: %s", type(exc).__name__, exc)
        return {"prune_error": f"{type(exc).__name__}: {exc}"}
    return {"pruned": res}


RETRY_PER_CYCLE = 20  # failed deliveries tried again after each listening cycle


def after_cycle(project: Any, *, analyze: bool, alerts: bool) -> dict:
    """Analyse the new posts, then check and deliver alerts (when those modules exist).

    A failure here is reported in the summary and logged; listening goes on.
    """
    cycle: dict[str, Any] = {}
    if analyze:
        try:
            from bascule.text.analyze import analyze as run_analysis
        except ImportError:
            cycle["analysed_posts"] = None
        else:
            try:
                res = run_analysis(project)
                cycle["analysed_posts"] = (
                    res.get("analysed_posts") if isinstance(res, dict) else res
                )
            except Exception as exc:  # noqa: BLE001 - keep listening; say why
                cycle["analysis_error"] = f"{type(exc).__name__}: {exc}"
                log.warning("analysis failed: %s", cycle["analysis_error"])
    if alerts:
        try:
            from bascule.alerts.deliver import deliver, retry_failed
            from bascule.alerts.watch import check
        except ImportError:
            cycle["alerts"] = None
        else:
            try:
                found = check(project)
                cycle["alerts"] = len(found) if hasattr(found, "__len__") else found
                sent = deliver(project, found) if found else {"sent": 0, "failed": 0, "errors": []}
                # the ones a channel missed before (server down, config fixed since): a few
                # per cycle, one try each, so a long outage never stalls listening
                again = retry_failed(project, limit=RETRY_PER_CYCLE, retries=1)
                cycle["delivered"] = sent["sent"] + again["sent"]
                cycle["delivery_failed"] = sent["failed"] + again["failed"]
                errors = sent["errors"] + again["errors"]
                if errors:
                    log.warning(
                        "%d alert deliveries failed (retried next cycle); first: %s",
                        len(errors),
                        errors[0]["channel"] + ": " + errors[0]["error"],
                    )
            except Exception as exc:  # noqa: BLE001 - keep listening; say why
                cycle["alerts_error"] = f"{type(exc).__name__}: {exc}"
                log.warning("alerts failed: %s", cycle["alerts_error"])
    return cycle
