"""`bascule listen`: kill -9 mid back-fill then rerun stores every post exactly once; CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bascule.errors import ConfigError
from bascule.live.listen import listen
from tests.sources.live.conftest import add_sources
from tests.sources.live.live_servers import BASE_ID, make_statuses

CLI = [sys.executable, "-c", "import sys; from bascule.cli import main; sys.exit(main())"]


def _source(fedi) -> str:
    return (
        f'[[sources]]\nkind = "mastodon"\nname = "masto"\ninstance = "{fedi.url}"\n'
        'hashtags = ["polqc"]\npoll_seconds = 0.5\n'
    )


def _settled(path: Path, *, quiet: float = 1.5, limit: float = 30.0) -> None:
    """Wait until the database's write-ahead log has stopped growing (the writer is idle)."""
    size, since, deadline = -1, time.monotonic(), time.monotonic() + limit
    while time.monotonic() < deadline:
        now = path.stat().st_size if path.exists() else -1
        if now != size:
            size, since = now, time.monotonic()
        elif size > 0 and time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def test_kill_9_then_rerun_stores_each_post_exactly_once(project, fedi) -> None:
    fedi.statuses["polqc"] = make_statuses(400)
    fedi.block_after = 5  # 5 pages of 40, then the server hangs
    add_sources(project, _source(fedi))
    root = project.root
    project.close()
    proc = subprocess.Popen(
        [*CLI, "listen", "-p", str(root), "--no-analyze", "--no-alerts"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 30
        while len(fedi.requests("/api/v1/timelines/tag/")) < 6 and time.monotonic() < deadline:
            time.sleep(0.05)
            assert proc.poll() is None, proc.stderr.read().decode()
        _settled(root / "bascule.duckdb.wal")
        proc.kill()  # SIGKILL mid back-fill: no cleanup, no final commit
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert project.store.count("posts") == 200
    backfill = project.store.scalar("SELECT value FROM cursors WHERE key = 'tag:polqc:backfill'")
    assert backfill == str(BASE_ID + 201)  # the oldest stored id
    project.close()
    before = len(fedi.requests("/api/v1/timelines/tag/"))
    fedi.block_after = None
    fedi.release.set()
    done = subprocess.run(
        [*CLI, "listen", "-p", str(root), "--once", "--json", "--no-analyze", "--no-alerts"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["sources"][0]["posts"], out["sources"][0]["duplicates"]) == (200, 0)
    resumed = fedi.requests("/api/v1/timelines/tag/")[before]
    assert f"max_id={backfill}" in resumed
    assert project.store.count("posts") == 400
    assert project.store.scalar("SELECT count(DISTINCT native_id) FROM posts") == 400


def test_unknown_source_is_a_clear_error(project, fedi) -> None:
    add_sources(project, _source(fedi))
    with pytest.raises(ConfigError, match="unknown source nope"):
        listen(project, once=True, sources=["nope"])


def test_no_sources_is_a_clear_error(project) -> None:
    with pytest.raises(ConfigError, match=r"no \[\[sources\]\]"):
        listen(project, once=True)


def test_cli_once_selects_a_source(project, fedi, capsys) -> None:
    from bascule.cli import main

    fedi.statuses["polqc"] = make_statuses(3)
    add_sources(project, _source(fedi))
    add_sources(
        project, f'[[sources]]\nkind = "rss"\nname = "news"\nfeeds = ["{fedi.url}/feed.xml"]'
    )
    root = str(project.root)
    project.close()
    code = main(["listen", "-p", root, "--once", "--source", "news", "--json", "--no-analyze"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [(s["source"], s["posts"]) for s in out["sources"]] == [("news", 2)]
    assert not fedi.requests("/api/v1/timelines")


def test_a_source_mistake_names_the_file_and_line(project) -> None:  # noqa: ANN001
    # "bascule.toml: source 'rss-1': ..." with no folder nor line; a feed without http://
    # was retried for 31 s as a network error
    from bascule.errors import ConfigError

    add_sources(project, '[[sources]]\nkind = "rss"\nname = "news"\nfeeds = ["example.org/x.xml"]')
    line = project.config_path.read_text(encoding="utf-8").splitlines().index("[[sources]]") + 1
    with pytest.raises(ConfigError) as info:
        listen(project, once=True, analyze=False, alerts=False)
    assert str(info.value).startswith(f"{project.config_path}:{line}: source 'news': feed")
    assert "not a web address" in str(info.value)


def _news(project, *feeds: str) -> None:  # noqa: ANN001
    urls = ", ".join(f'"{f}"' for f in feeds)
    add_sources(project, f'[[sources]]\nkind = "rss"\nname = "news"\nfeeds = [{urls}]')


def test_a_restart_that_finds_nothing_records_no_run(project, fedi) -> None:  # noqa: ANN001
    # every start recorded a run per source, empty ones too: `bascule runs` filled with rows
    # of zeros, one per source and restart
    from bascule.store.runs import list_runs
    from tests.sources.live.test_rss import _publish

    fedi.statuses["polqc"] = make_statuses(3)
    add_sources(project, _source(fedi))
    _news(project, f"{fedi.url}/feed.xml")
    first = listen(project, once=True, analyze=False, alerts=False)
    runs = {r["source"]: r for r in list_runs(project.store)}
    assert {s["source"]: s["run_id"] for s in first["sources"]} == {
        name: r["run_id"] for name, r in runs.items()
    }
    assert (runs["masto"]["imported"], runs["news"]["imported"]) == (3, 2)
    for _ in range(2):  # restarts: nothing new anywhere
        again = listen(project, once=True, analyze=False, alerts=False)
        assert again["posts"] == 0
        assert [(s["status"], s["run_id"]) for s in again["sources"]] == [("done", None)] * 2
    assert len(list_runs(project.store)) == 2
    _publish(fedi, "Nouvel article", "news-new", "Wed, 16 Sep 2026 08:00:00 -0400")
    third = listen(project, once=True, analyze=False, alerts=False)
    latest = list_runs(project.store)
    assert len(latest) == 3 and (latest[0]["source"], latest[0]["imported"]) == ("news", 1)
    assert [s["run_id"] for s in third["sources"]] == [None, latest[0]["run_id"]]


def test_a_source_that_fails_still_records_its_run(project) -> None:  # noqa: ANN001
    from bascule.sources.live.base import Stats
    from bascule.store.runs import list_runs

    class Gone:
        name, kind = "masto", "mastodon"

        def __init__(self) -> None:
            self.stats = Stats()

        def pages(self, cursors, *, once, stop):  # noqa: ANN001, ANN202
            yield from ()
            raise ConnectionError("the instance is gone")

    out = listen(project, once=True, analyze=False, alerts=False, connectors=[Gone()])
    src = out["sources"][0]
    assert src["status"] == "failed" and "instance is gone" in src["error"]
    (run,) = list_runs(project.store)
    assert (run["run_id"], run["status"], run["imported"]) == (src["run_id"], "failed", 0)


@pytest.mark.parametrize("moment", ["mid-fetch", "between polls"])
@pytest.mark.parametrize("command", ["listen", "serve"])
def test_sigterm_records_the_run_stopped(project, fedi, command, moment) -> None:  # noqa: ANN001
    # stopped by SIGTERM, the war room's listener recorded its RSS run `done`: the feed's
    # connector returns when asked to stop, and that was taken for having read everything
    import signal

    from bascule.store.runs import list_runs
    from bascule.web.auth import create_user
    from tests.sources.live.live_servers import FakeFediverse
    from tests.web.webutil import PASSWORDS, free_port

    with FakeFediverse() as slow:
        slow.delay = 4.0  # a second feed that answers in 4 s: SIGTERM comes meanwhile
        feeds = [f"{fedi.url}/feed.xml"] + (
            [f"{slow.url}/feed.xml"] if moment == "mid-fetch" else []
        )
        _news(project, *feeds)
        create_user(project, "ana", PASSWORDS["ana"], "analyst")
        root = str(project.root)
        project.close()
        args = {
            "listen": ["listen", "-p", root, "--no-analyze", "--no-alerts"],
            "serve": ["serve", "-p", root, "--listen", "--port", str(free_port())],
        }[command]
        proc = subprocess.Popen(
            [*CLI, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        asked = slow if moment == "mid-fetch" else fedi
        try:
            deadline = time.monotonic() + 60
            while not asked.requests("/feed.xml"):
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "the feed was never asked"
                time.sleep(0.05)
            time.sleep(1.5)  # the first feed's posts are stored by now (next poll in 60 s)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    # uvicorn raises the SIGTERM again once the war room has shut down: `serve` takes it as
    # Ctrl-C (it died of it, before closing the store)
    assert proc.returncode == 0, err
    (run,) = list_runs(project.store)
    assert (run["source"], run["status"], run["imported"]) == ("news", "stopped", 2), out
