"""Listening inside the war room: `bascule serve --listen` runs `bascule listen` in a
background thread of the web app, so a campaign listens and looks at the same time.

A DuckDB file has one writing process: `bascule listen` and `bascule serve` cannot both open
it. Here the listener is a thread of the served process with its own connection to the same
database (as the listener's analyst already has), so posts, analyses and alerts appear in the
pages as they arrive (the cache marker counts posts and analyses).
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


class Listener:
    """`bascule listen` (every configured source, analysis and alerts on) in a thread; `job`
    says `state` (running, stopped, failed), `started`, the sources and, once ended, the
    summary or the error."""

    def __init__(self, root: Path, *, analyze: bool = True, alerts: bool = True) -> None:
        self.root, self.analyze, self.alerts = Path(root), analyze, alerts
        self.stop = threading.Event()
        self.job: dict[str, Any] = {"state": "stopped"}
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from bascule.project import Project

        project = Project(self.root)  # its own connection: the pages keep theirs
        sources = [s.name or s.kind for s in project.config.sources]
        started = datetime.now(UTC).isoformat()
        self.job = {"state": "running", "started": started, "sources": sources}
        self._thread = threading.Thread(
            target=self._run, args=(project,), name="bascule-serve-listen", daemon=True
        )
        self._thread.start()

    def _run(self, project: Any) -> None:
        from bascule.live.listen import listen
        from bascule.web.data import job_failed

        job = self.job
        try:
            job["summary"] = listen(
                project, stop_event=self.stop, analyze=self.analyze, alerts=self.alerts
            )
            job["state"] = "stopped"
        except Exception as exc:  # noqa: BLE001 - the war room goes on; the page says why
            job_failed(job, exc, "listening")
        finally:
            project.close()

    def close(self, timeout: float = 30.0) -> None:
        """Stop listening (what was fetched is stored first) and wait for the thread."""
        self.stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
