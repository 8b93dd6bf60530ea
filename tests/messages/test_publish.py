"""Publishing posts through a local server speaking the Mastodon API, then tracking the post."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bascule.config import Source
from bascule.errors import ConfigError, InputError
from bascule.messages.publish import publish


class _Mastodon(BaseHTTPRequestHandler):
    posted: list[dict] = []

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, obj: object, code: int = 200) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/api/v1/instance") or self.path.startswith("/api/v2/instance"):
            self._send(
                {"uri": "127.0.0.1", "title": "test", "version": "4.3.0", "domain": "127.0.0.1"}
            )
        else:
            self._send({"error": "not found"}, 404)

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length).decode()
        assert self.headers.get("Authorization") == "Bearer s3cret"
        from urllib.parse import parse_qs

        form = parse_qs(raw) if "=" in raw and not raw.startswith("{") else json.loads(raw)
        text = form["status"][0] if isinstance(form["status"], list) else form["status"]
        n = len(self.posted) + 1
        status = {
            "id": str(110000 + n),
            "uri": f"https://127.0.0.1/users/campagne/statuses/{110000 + n}",
            "url": f"https://127.0.0.1/@campagne/{110000 + n}",
            "created_at": "2026-10-01T12:00:00.000Z",
            "content": f"<p>{text}</p>",
            "language": "fr",
            "visibility": "public",
            "reblogs_count": 0,
            "favourites_count": 0,
            "replies_count": 0,
            "in_reply_to_id": None,
            "reblog": None,
            "mentions": [],
            "tags": [],
            "account": {
                "id": "42",
                "username": "campagne",
                "acct": "campagne",
                "display_name": "Campagne",
                "followers_count": 1200,
                "following_count": 10,
                "url": "https://127.0.0.1/@campagne",
            },
        }
        self.posted.append(status)
        self._send(status)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Mastodon)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_dry_run_posts_nothing(project, server: str) -> None:  # noqa: ANN001
    project.config.sources = [
        Source(kind="mastodon", name="equipe", instance=server, token_env="T_TOKEN")
    ]
    _Mastodon.posted = []
    r = publish(project, "equipe", "Un message")
    assert r["dry_run"] and r["post_id"] is None and _Mastodon.posted == []


def test_publish_posts_and_tracks(project, server: str, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("T_TOKEN", "s3cret")
    project.config.sources = [
        Source(kind="mastodon", name="equipe", instance=server, token_env="T_TOKEN")
    ]
    _Mastodon.posted = []
    r = publish(project, "equipe", "Hier, 3 familles sur 4 ont payé plus.", yes=True)
    assert len(_Mastodon.posted) == 1
    assert r["post_id"] and not r["dry_run"]
    stored = project.store.rows("SELECT post_id, text FROM posts")
    assert stored == [(r["post_id"], "Hier, 3 familles sur 4 ont payé plus.")]
    assert project.store.scalar("SELECT post_id FROM messages WHERE NOT dry_run") == r["post_id"]


def test_unknown_source_and_empty_text(project) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError, match="no source named"):
        publish(project, "nope", "x")
    with pytest.raises(InputError, match="empty"):
        publish(project, "nope", "  ")


class _Bluesky:
    """The one call `publish` makes of an atproto client: `send_post`, answering the new
    post's `at://` URI as a PDS does."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def send_post(self, text: str) -> object:
        self.sent.append(text)
        n = len(self.sent)
        return type("Ref", (), {"uri": f"at://did:plc:campagne42/app.bsky.feed.post/3kab{n}"})()


def test_a_bluesky_post_is_tracked_under_its_stored_id(project) -> None:  # noqa: ANN001
    from bascule.messages.effect import published

    project.config.sources = [Source(kind="bluesky", name="bsky", handle_env="H", password_env="P")]
    client = _Bluesky()
    r = publish(project, "bsky", "Le 3 octobre, votez.", yes=True, client_factory=lambda *_: client)
    stored = project.store.scalar("SELECT post_id FROM posts")
    # the account id is hidden in the stored id, and the message points at that very post
    assert client.sent == ["Le 3 octobre, votez."] and "did:plc" not in stored
    assert r["post_id"] == stored
    (m,) = published(project)
    assert m["collected"] and m["effect"]["post_id"] == stored
    assert m["effect"]["reach"]["authors"] == 0
    # the report's message lab shows what it did, for each target the analysis found in it
    from bascule.report.messages import section
    from bascule.text.analyze import analyze

    body = section(project, "fr").body
    assert "Effet mesuré des messages publiés" in body and "Le 3 octobre, votez." in body
    assert "aucune cible nommée" in body
    publish(project, "bsky", "Le 4 octobre, votez CAQ.", yes=True, client_factory=lambda *_: client)
    analyze(project, progress=False)
    body = section(project, "fr").body
    assert "caq : pas assez d&#x27;auteurs vus avant et après" in body  # nobody reacted yet
