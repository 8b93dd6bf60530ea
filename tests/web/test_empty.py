"""A fresh project (nothing collected yet): every page says so in words, nothing breaks."""

from __future__ import annotations

import threading
import time

import pytest

from tests.web.webutil import PASSWORDS, free_port, login


@pytest.fixture
def client(project):  # noqa: ANN001
    """A logged-in viewer on an empty project served by uvicorn on loopback."""
    import uvicorn

    from bascule.web.app import create_app
    from bascule.web.auth import create_user

    project.store.rows("SELECT 1")
    create_user(project, "vic", PASSWORDS["vic"], "viewer")
    port = free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(project), host="127.0.0.1", port=port, log_level="error")
    )
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert srv.started
    c = login(f"http://127.0.0.1:{port}", "vic")
    yield c
    c.close()
    srv.should_exit = True
    th.join(timeout=5)


def test_empty_project_pages_explain_themselves(client) -> None:  # noqa: ANN001
    for path in ("/", "/undecided", "/network", "/alerts", "/tipping", "/messages"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert "Traceback" not in r.text and 'class="error"' not in r.text, (path, r.text[-800:])
    assert 'id="no-network"' in client.get("/network").text
    assert 'id="no-alerts"' in client.get("/alerts").text
    assert 'id="undecided-empty"' in client.get("/undecided").text
    home = client.get("/").text
    assert "chart-fig-poll" not in home  # no chart with a meaningless axis
    assert "poll-empty-" in home or "Pas encore disponible" in home
