"""A small real project served by uvicorn on loopback, shared by every web test module."""

from __future__ import annotations

import pytest

from tests.web.webutil import CONFIG, PASSWORDS, serving, write_rows


@pytest.fixture(scope="session")
def web_project(tmp_path_factory: pytest.TempPathFactory):
    """A project with posts, analyses, interactions, alerts and three accounts."""
    from bascule.project import init_project
    from bascule.web.auth import create_user

    root = tmp_path_factory.mktemp("web") / "proj"
    p = init_project(root)
    (root / "bascule.toml").write_text(CONFIG, encoding="utf-8")
    p.reload()
    p.store.rows("SELECT 1")  # consume init's last result (DuckDB 2 wants it)
    write_rows(p)
    for name, role in (("ada", "admin"), ("ana", "analyst"), ("vic", "viewer")):
        create_user(p, name, PASSWORDS[name], role)
    yield p
    p.close()


@pytest.fixture(scope="session")
def server(web_project):  # noqa: ANN001
    """The app served by uvicorn in a thread; yields (base_url, app)."""
    from bascule.web.app import create_app

    app = create_app(web_project, login_attempts=5, login_window=60)
    with serving(app) as base:
        yield base, app


@pytest.fixture
def pruned(project):  # noqa: ANN001, ANN201
    """A project with posts on Sept 1-3 and 20 whose first two days were pruned (`bascule
    prune`), served on loopback; yields (base_url, project)."""
    from bascule.scale.retention import prune
    from tests.opinion.conftest import Writer
    from tests.opinion.test_poll_kept import NOW, history
    from tests.web.webutil import staffed

    history(Writer(project))
    prune(project, days=30, now=NOW)
    with staffed(project) as base:
        yield base, project
