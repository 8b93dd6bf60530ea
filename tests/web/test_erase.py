"""Erasing a person from the war room while it runs, then the file rewritten when it stops."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.web.webutil import CONFIG, PASSWORDS, csrf, free_port, login, write_rows

BASCULE = "import sys; from bascule.cli import main; sys.exit(main(sys.argv[1:]))"


# Ctrl-C, and SIGTERM as systemd and `docker stop` send it: uvicorn raises SIGTERM again
# once it has shut down, which killed the process before it could rewrite the file
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_admin_erases_a_person_and_the_file_forgets_them_when_the_server_stops(
    tmp_path, stop: signal.Signals
) -> None:
    """Erasure requests arrive while the war room runs; `bascule forget` needed it stopped."""
    from bascule.project import init_project, open_project
    from bascule.web.auth import create_user

    root = tmp_path / "proj"
    p = init_project(root)
    (root / "bascule.toml").write_text(CONFIG, encoding="utf-8")
    p.reload()
    write_rows(p)
    create_user(p, "ada", PASSWORDS["ada"], "admin")
    p.close()
    gone = [b"post 40 #pq", b"post 80 #pq", b"post 120 #pq"]  # mastodon:a39's three posts
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", BASCULE, "serve", "-p", str(root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        c = login(base, "ada")
        assert 'action="/privacy/forget"' in c.get("/settings").text
        r = c.post(
            "/privacy/forget",
            data={"csrf_token": csrf(c), "people": "mastodon:a39\n@nobody-here"},
        )
        assert r.status_code == 200, r.text
        assert 'id="erased"' in r.text and "mastodon:a39" in r.text and "3 publications" in r.text
        assert "@nobody-here" in r.text and 'id="erase-unmatched"' in r.text
        refused = c.post("/privacy/forget", data={"csrf_token": csrf(c), "people": " "})
        assert refused.status_code == 422
    finally:
        server.send_signal(stop)
        out = server.communicate(timeout=60)[0].decode()
    assert server.returncode == 0, out  # stopped as asked, and cleaned up
    assert "Textes effacés retirés du fichier de la base" in out, out
    data = (root / "bascule.duckdb").read_bytes()
    assert not any(text in data for text in gone)
    with open_project(root) as q:
        assert q.store.scalar("SELECT count(*) FROM posts WHERE author_id = 'mastodon:a39'") == 0
        assert q.store.scalar("SELECT count(*) FROM meta WHERE key = 'compaction_due'") == 0


def test_the_page_says_who_was_erased_before(project) -> None:  # noqa: ANN001
    # `forget` says which people an earlier request erased; the page showed only the others
    from bascule.web.auth import create_user
    from tests.web.webutil import staffed

    (project.root / "bascule.toml").write_text(CONFIG, encoding="utf-8")
    project.reload()
    write_rows(project)
    create_user(project, "ada", PASSWORDS["ada"], "admin")
    with staffed(project) as base:
        c = login(base, "ada")
        first = c.post("/privacy/forget", data={"csrf_token": csrf(c), "people": "mastodon:a39"})
        assert first.status_code == 200 and 'id="erased"' in first.text
        assert 'id="erase-already"' not in first.text
        people = "mastodon:a39\nmastodon:a38"
        again = c.post("/privacy/forget", data={"csrf_token": csrf(c), "people": people})
        assert again.status_code == 200, again.text
        already = again.text.split('id="erase-already">', 1)[1].split("</p>", 1)[0]
        assert "Effacement déjà fait lors d" in already  # a French project
        assert '<span class="handle">mastodon:a39</span>' in already and "a38" not in already
        assert '<span class="handle">mastodon:a38</span>' in again.text  # erased now
        c.cookies.set("bascule_lang", "en")
        only = c.post("/privacy/forget", data={"csrf_token": csrf(c), "people": "mastodon:a39"})
        assert only.status_code == 200, only.text
        assert "Already erased by an earlier request: " in only.text
        assert '<span class="handle">mastodon:a39</span>' in only.text
