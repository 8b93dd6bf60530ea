"""Helpers of the web tests: the test project's data, logging in, reading CSRF tokens."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pyarrow as pa

PASSWORDS = {"ada": "admin-pass-1", "ana": "analyst-pass-1", "vic": "viewer-pass-1"}
XSS_TEXT = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"> vote!'
CONFIG = """
[project]
name = "Test <b>war</b> room"
language = "fr"
timezone = "UTC"

[privacy]
min_group_size = 5

[[targets]]
id = "caq"
kind = "party"
name = "Coalition avenir Québec"
aliases = ["CAQ"]

[[targets]]
id = "plq"
kind = "party"
name = "Parti libéral du Québec"
aliases = ["PLQ"]

[[targets]]
id = "pq"
kind = "party"
name = "Parti québécois"

[web]
language = "fr"
"""
T0 = datetime(2026, 9, 1, 12, 0, 0)


def write_rows(project) -> None:  # noqa: ANN001
    """40 authors posting on 3 days about caq (favor/against) and 12 about plq; 2 about pq."""
    authors, posts, analyses, inter = [], [], [], []
    for a in range(40):
        authors.append(
            {
                "author_id": f"mastodon:a{a}",
                "platform": "mastodon",
                "handle": f"p{a}",
                "pseudonymised": True,
                "followers": 10 * a,
            }
        )
    n = 0
    for day in range(3):
        for a in range(40):
            pid = f"mastodon:{n}"
            n += 1
            tid = "caq" if a < 28 else ("plq" if a < 38 else "pq")
            posts.append(
                {
                    "post_id": pid,
                    "platform": "mastodon",
                    "native_id": str(n),
                    "author_id": f"mastodon:a{a}",
                    "created_at": T0 + timedelta(days=day, minutes=a),
                    "text": f"post {n} #{tid}",
                    "lang": "fr",
                    "url": f"https://example.org/@p{a}/{n}",
                }
            )
            stance = "favor" if (a + day) % 3 else "against"
            analyses.append(
                {
                    "post_id": pid,
                    "target_id": tid,
                    "stance": stance,
                    "stance_score": 0.9,
                    "sentiment": 0.1,
                    "model": "test",
                }
            )
            if a and day == 0:
                inter.append(
                    {
                        "src_author": f"mastodon:a{a}",
                        "dst_author": f"mastodon:a{a % 5}",
                        "kind": "repost",
                        "post_id": pid,
                        "created_at": T0,
                    }
                )
    posts.append(
        {
            "post_id": "mastodon:xss",
            "platform": "mastodon",
            "native_id": "xss",
            "author_id": "mastodon:a1",
            "created_at": T0 + timedelta(days=2, hours=3),
            "text": XSS_TEXT + " [click](javascript:window.__pwned=3)",
            "lang": "fr",
            "url": "javascript:window.__pwned=4",
        }
    )
    store = project.store
    store.insert("authors", pa.Table.from_pylist(authors))
    store.insert("posts", pa.Table.from_pylist(posts))
    store.insert("analyses", pa.Table.from_pylist(analyses))
    store.insert("interactions", pa.Table.from_pylist(inter))
    alerts = [
        {
            "alert_id": "burst-caq-1",
            "kind": "burst",
            "target_id": "caq",
            "post_id": "mastodon:3",
            "title": "Pic de « #caq » : 12 publications pour 3,5 attendues",
            "detail": '{"term": "#caq", "posts": 12, "baseline_posts": 3.5, '
            '"start": "2026-09-01T12:00:00", "end": "2026-09-01T13:00:00"}',
            "score": 3.0,
            "created_at": T0 + timedelta(days=2),
        },
        {
            "alert_id": "critic-xss",
            "kind": "lone_critic",
            "target_id": "caq",
            "post_id": "mastodon:xss",
            "title": "<b>Critique</b> <script>x</script>",
            "detail": '{"reach": 50}',
            "score": 1.0,
            "created_at": T0 + timedelta(days=2, hours=4),
        },
    ]
    store.insert("alerts", pa.Table.from_pylist(alerts))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(app) -> Iterator[str]:  # noqa: ANN001
    """The app served by uvicorn on a free loopback port, in a thread: yields its base URL."""
    import uvicorn

    srv = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="error", access_log=False)
    )
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 10
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert srv.started, "server did not start"
    try:
        yield f"http://127.0.0.1:{srv.config.port}"
    finally:
        srv.should_exit = True
        th.join(timeout=5)


def login(base: str, user: str, password: str | None = None) -> httpx.Client:
    """An httpx client logged in through the real login form."""
    c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    page = c.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = c.post(
        "/login",
        data={"username": user, "password": password or PASSWORDS[user], "csrf_token": token},
    )
    assert r.status_code == 303, r.text
    return c


@contextmanager
def staffed(project, **app_options) -> Iterator[str]:  # noqa: ANN001
    """`project` served on loopback with an analyst (ana) and a viewer (vic): its base URL."""
    from bascule.web.app import create_app
    from bascule.web.auth import create_user

    for name, role in (("ana", "analyst"), ("vic", "viewer")):
        create_user(project, name, PASSWORDS[name], role)
    with serving(create_app(project, **app_options)) as base:
        yield base


def after_job(c: httpx.Client, path: str, running: str, hidden: str) -> httpx.Response:
    """A page that follows a background job, once the job has ended: until then it carries
    `id="{running}"`, refreshes itself and hides `id="{hidden}"` (nothing to click twice)."""
    deadline = time.monotonic() + 60
    while f'id="{running}"' in (page := c.get(path)).text:
        assert '<meta http-equiv="refresh"' in page.text and f'id="{hidden}"' not in page.text
        assert time.monotonic() < deadline, f"the job of {path} did not end"
        time.sleep(0.2)
    return page


def form_token(html: str) -> str:
    """The CSRF token of a page's first form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def csrf(client: httpx.Client) -> str:
    """The session's CSRF token, read from a page as the browser would."""
    page = client.get("/tipping")
    return re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
