"""A fresh project (nothing collected yet): every page says so in words, nothing breaks."""

from __future__ import annotations

import pytest

from tests.web.webutil import PASSWORDS, login, serving


@pytest.fixture
def client(project):  # noqa: ANN001
    """A logged-in viewer on an empty project served by uvicorn on loopback."""
    from bascule.web.app import create_app
    from bascule.web.auth import create_user

    project.store.rows("SELECT 1")
    create_user(project, "vic", PASSWORDS["vic"], "viewer")
    with serving(create_app(project)) as base:
        c = login(base, "vic")
        yield c
        c.close()


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
