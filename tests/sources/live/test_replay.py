"""Replay connector: a dataset re-emitted at N× speed, resumable by record number."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

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


def test_reordered_sources_keep_their_own_place_and_rejects_their_line(project, tmp_path) -> None:
    # an unnamed source's cursor went by its position: a source added before it took its
    # place and skipped that many records; rejects were numbered 1, 2, 3 in their page
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    _write(a, make_statuses(5))
    statuses = make_statuses(12)
    _write(b, statuses[5:])
    src_a = f'[[sources]]\nkind = "replay"\npath = "{a}"\nformat = "mastodon"\n'
    add_sources(project, src_a)
    assert listen(project, once=True, analyze=False, alerts=False)["posts"] == 5
    text = project.config_path.read_text(encoding="utf-8").replace(src_a.strip(), "")
    project.config_path.write_text(text, encoding="utf-8")
    add_sources(project, f'[[sources]]\nkind = "replay"\npath = "{b}"\nformat = "mastodon"\n')
    add_sources(project, src_a)  # now second
    out = listen(project, once=True, analyze=False, alerts=False)
    assert out["posts"] == 7  # all of b, nothing of a again
    lines = project.store.rows("SELECT DISTINCT line FROM rejects ORDER BY 1")
    assert lines == [(6,), (8,)]  # the broken last line of each file, where it is


def test_two_sources_cannot_share_a_name(project) -> None:
    from bascule.errors import ConfigError

    with pytest.raises(ConfigError, match="source name 'a' is used twice"):
        add_sources(
            project,
            '[[sources]]\nkind = "rss"\nname = "a"\nfeeds = ["http://x.example/f"]\n'
            '[[sources]]\nkind = "rss"\nname = "a"\nfeeds = ["http://y.example/f"]\n',
        )


def test_sigterm_stops_listening_like_ctrl_c(project, tmp_path) -> None:
    # `kill` (systemd, docker stop) left the run `running` forever, with no summary
    import signal
    import subprocess
    import sys

    data = tmp_path / "statuses.jsonl"
    _write(data, make_statuses(3))
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\n'
        'format = "mastodon"\nspeed = 0.001\n',  # a minute apart become days: still going
    )
    root = str(project.root)
    project.close()
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "bascule"), "listen", "-p", root, "--no-analyze"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(8)  # started, and the first record stored (the next is days away)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "drill (replay) : 1 nouvelle publication" in out  # a French project


def test_a_replayed_generic_file_takes_its_platform(project, tmp_path) -> None:
    # a replay source had no way to say whose posts a generic file holds: PHEME's retweets
    # became `generic` and linked to none of the tweets they repost
    data = tmp_path / "posts.jsonl"
    data.write_text(
        json.dumps({"id": "1", "author_id": "9", "created_at": "2026-09-01T10:00:00Z", "text": "a"})
        + "\n",
        encoding="utf-8",
    )
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\nplatform = "twitter"\n',
    )
    assert listen(project, once=True, analyze=False, alerts=False)["posts"] == 1
    assert project.store.rows("SELECT post_id FROM posts") == [("twitter:1",)]


def test_replaying_stored_posts_says_the_duplicates(project, tmp_path, capsys) -> None:
    # a file imported, then replayed: the summary's last line said "0 publication en 0,1 s"
    # and the run it recorded was not named, where `bascule import` says both
    from bascule.cli import main
    from bascule.project import open_project
    from bascule.store.runs import list_runs

    data = tmp_path / "statuses.jsonl"
    _write(data, make_statuses(30))  # and a broken last line
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\nformat = "mastodon"\n',
    )
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(data), "--format", "mastodon"]) == 1  # 1 rejected
    capsys.readouterr()
    listen_args = ["listen", "-p", root, "--once", "--no-analyze", "--no-alerts"]
    assert main(listen_args) == 0
    out = " ".join(capsys.readouterr().out.split())  # a French project
    assert "drill (replay) : 0 nouvelle publication, 30 doublons" in out
    assert "(import n° 2)" in out
    assert "0 publication en" in out and "(30 doublons ignorés, 1 mal formée)" in out
    with open_project(root) as p:
        run = list_runs(p.store)[0]
    assert (run["run_id"], run["imported"], run["duplicates"], run["rejected"]) == (2, 0, 30, 1)
    assert (run["format"], run["status"]) == ("live:replay", "done")
    # the same in English and in --json, whose totals now say the duplicates too
    _from_the_start(root)
    assert main([*listen_args, "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "drill (replay): 0 new posts, 30 duplicates" in out and "(run 3)" in out
    assert "(30 duplicates skipped, 1 malformed)" in out
    _from_the_start(root)
    assert main([*listen_args, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["posts"], summary["duplicates"], summary["malformed"]) == (0, 30, 1)
    assert summary["sources"][0]["run_id"] == 4


def _from_the_start(root: str) -> None:
    """The replay reads its file from the start again (as a new source would)."""
    from bascule.project import open_project

    with open_project(root) as p:
        p.store.execute("DELETE FROM cursors WHERE source = 'drill'")


def test_a_replay_older_than_the_retention_period_is_announced(project, tmp_path, capsys) -> None:
    # a drill on a 2015 dataset was stored, then deleted at once by the retention pass,
    # with nothing said before
    from datetime import datetime

    from bascule.cli import main
    from bascule.live.listen import make_connector, replays_past_retention, selected_sources

    data = tmp_path / "statuses.jsonl"
    statuses = make_statuses(3)
    for s in statuses:
        s["created_at"] = s["created_at"].replace(s["created_at"][:4], "2015", 1)
    _write(data, statuses)
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\nformat = "mastodon"\n',
    )
    conns = [make_connector(project, s, i) for i, s in selected_sources(project, None)]
    (name, first, days), *_ = replays_past_retention(project, conns)
    assert (name, first.year, days) == ("drill", 2015, 365)
    assert replays_past_retention(project, conns, now=datetime(2015, 6, 1)) == []
    root = str(project.root)
    project.close()
    args = ["listen", "-p", root, "--once", "--no-analyze", "--no-alerts", "--lang", "en"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "warning: source drill replays posts from 2015-" in out
    assert "remove retention_days from [privacy]" in out
