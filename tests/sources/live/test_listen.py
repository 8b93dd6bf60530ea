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
