"""Replay connector: a dataset re-emitted at N× speed, resumable by record number."""

from __future__ import annotations

import json
import threading
import time

import pytest

from bascule.live.listen import listen
from bascule.sources.live.replay import ReplayConnector
from tests.sources.live.conftest import add_sources
from tests.sources.live.live_servers import make_statuses


def _write(path, statuses) -> None:
    path.write_text("\n".join(json.dumps(s) for s in statuses) + "\n{broken\n", encoding="utf-8")


def test_replay_once_then_resume(project, tmp_path) -> None:
    data = tmp_path / "statuses.jsonl"
    _write(data, make_statuses(30))
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\nformat = "mastodon"\n',
    )
    out = listen(project, once=True, analyze=False, alerts=False)
    src = out["sources"][0]
    assert (src["posts"], src["malformed"]) == (30, 1)
    assert project.store.scalar("SELECT value FROM cursors WHERE source = 'drill'") == "31"
    again = listen(project, once=True, analyze=False, alerts=False)
    assert again["posts"] == 0 and again["sources"][0]["malformed"] == 0


def test_replay_paces_at_speed(tmp_path) -> None:
    data = tmp_path / "statuses.jsonl"
    _write(data, make_statuses(4))  # one minute apart
    conn = ReplayConnector("drill", data, fmt="mastodon", speed=300.0)  # 60 s -> 0.2 s
    t0 = time.monotonic()
    pages = list(conn.pages({}, once=False, stop=threading.Event()))
    elapsed = time.monotonic() - t0
    assert sum(len(p.posts) for p in pages) == 4
    assert 0.55 <= elapsed < 2.0  # three gaps of 0.2 s


@pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning")
def test_replay_drill_runs_analysis_and_alerts(project, tmp_path) -> None:
    data = tmp_path / "statuses.jsonl"
    _write(data, make_statuses(20))
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\nformat = "mastodon"\n',
    )
    out = listen(project, once=True)
    cycle = out["cycles"][0]
    assert cycle["analysed_posts"] == 20
    assert "alerts_error" not in cycle and "analysis_error" not in cycle
    assert isinstance(cycle["alerts"], int)
