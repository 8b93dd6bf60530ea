"""`bascule serve --listen`: the war room listens to its sources while it serves (one
process writes the store), and the pages show the posts as they arrive."""

from __future__ import annotations

import json
import time

from tests.sources.live.conftest import add_sources
from tests.sources.live.live_servers import make_statuses
from tests.web.webutil import PASSWORDS, login, serving

N = 40


def test_the_war_room_listens_while_it_serves(project, tmp_path) -> None:  # noqa: ANN001
    from bascule.web.app import create_app
    from bascule.web.auth import create_user

    data = tmp_path / "statuses.jsonl"  # one minute apart, replayed 1,200x: 0.05 s each
    data.write_text("\n".join(json.dumps(s) for s in make_statuses(N)) + "\n", encoding="utf-8")
    add_sources(
        project,
        f'[[sources]]\nkind = "replay"\nname = "drill"\npath = "{data}"\n'
        'format = "mastodon"\nspeed = 1200\n',
    )
    create_user(project, "ana", PASSWORDS["ana"], "analyst")
    app = create_app(project, listen=True)
    with serving(app) as base:
        c = login(base, "ana")
        page = c.get("/settings").text
        assert 'id="listening"' in page and "drill" in page
        seen, deadline = [], time.monotonic() + 60
        while (n := c.get("/api/status").json()["posts"]) < N:
            seen.append(n)
            assert time.monotonic() < deadline, f"only {n} posts stored"
            time.sleep(0.1)
        assert any(0 < s < N for s in seen)  # the pages saw posts arrive, not all at once
        while project.store.rows("SELECT count(*) FROM post_analyses")[0][0] < N:
            assert time.monotonic() < deadline, "the new posts were not analysed"
            time.sleep(0.1)
        poll = c.get("/api/poll", params={"target": "caq"})
        assert poll.status_code == 200
    job = app.state.web.listener.job
    assert job["state"] == "stopped" and job["summary"]["posts"] == N, job
    assert project.store.rows("SELECT count(DISTINCT post_id), count(*) FROM posts")[0] == (N, N)


def test_serve_listen_needs_a_source(project, capsys) -> None:  # noqa: ANN001
    from bascule.cli import main
    from bascule.web.auth import create_user

    create_user(project, "ana", PASSWORDS["ana"], "analyst")
    root = str(project.root)
    project.close()
    assert main(["serve", "-p", root, "--listen"]) == 2
    assert "aucune source à écouter" in capsys.readouterr().err  # a French project
