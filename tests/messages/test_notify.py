"""Ambassador kits sent to a real local SMTP server and a real local webhook, once each."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyarrow as pa
import pytest
from aiosmtpd.controller import Controller

from bascule.cli import main
from bascule.config import Ambassador
from bascule.errors import InputError
from bascule.messages.notify import notify, shared


class _Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: ANN001, N802
        self.mails.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8"))
        )
        return "250 OK"


class _Hook(BaseHTTPRequestHandler):
    received: list[dict] = []
    fail_first = 0

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if _Hook.fail_first > 0:
            _Hook.fail_first -= 1
            self.send_response(400)
            self.end_headers()
            return
        _Hook.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[_Inbox, int]]:
    inbox = _Inbox()
    port = _free_port()
    c = Controller(inbox, hostname="127.0.0.1", port=port)
    c.start()
    yield inbox, port
    c.stop()


@pytest.fixture
def hook() -> Iterator[str]:
    _Hook.received, _Hook.fail_first = [], 0
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    httpd.shutdown()
    httpd.server_close()


def _configure(project, port: int, hook: str) -> None:  # noqa: ANN001
    project.config.alerts.smtp_host = "127.0.0.1"
    project.config.alerts.smtp_port = port
    project.config.alerts.email_from = "equipe@campagne.test"
    project.config.ambassadors = [
        Ambassador(
            handle="@alice", email="alice@example.test", consent="form 2026-09-01", targets=["caq"]
        ),  # fmt: skip
        Ambassador(handle="@bob", webhook=hook, consent="signed 2026-09-02"),
        Ambassador(handle="@carol", email="carol@example.test", consent="  "),
        Ambassador(
            handle="@dan",
            email="dan@example.test",
            consent="yes",
            targets=["Parti libéral du Québec"],
        ),
        Ambassador(handle="@eve", consent="yes"),
    ]


TEXT = "Hier, 3 familles sur 4 ont payé plus pour se loger."


def test_dry_run_sends_nothing(project, smtp, hook: str) -> None:  # noqa: ANN001
    inbox, port = smtp
    _configure(project, port, hook)
    project.config.ambassadors.append(
        Ambassador(
            handle="@fay",
            email="f@example.test",
            consent="yes",
            targets=["Coalition avenir Québec"],
        )
    )
    r = notify(project, "caq", TEXT)
    assert r["dry_run"] and r["sent"] == 0
    assert [(x["handle"], x["status"]) for x in r["recipients"]] == [
        ("@alice", "would send"),
        ("@bob", "would send"),
        ("@fay", "would send"),  # signed up for the target by its name
    ]
    assert {x["handle"]: x["reason"] for x in r["skipped"]} == {
        "@carol": "no consent recorded",
        "@dan": "not signed up for this target",
        "@eve": "no e-mail or webhook given",
    }
    assert inbox.mails == [] and _Hook.received == []
    assert project.store.scalar("SELECT count(*) FROM ambassador_notices") == 0


def test_send_once_to_consenting_only(project, smtp, hook: str) -> None:  # noqa: ANN001
    inbox, port = smtp
    _configure(project, port, hook)
    r = notify(project, "caq", TEXT, yes=True)
    assert (r["sent"], r["failed"], r["already_sent"]) == (2, 0, 0)
    assert len(inbox.mails) == 1
    frm, to, content = inbox.mails[0]
    assert (frm, to) == ("equipe@campagne.test", ["alice@example.test"])
    mail = email.message_from_string(content, policy=email.policy.default)
    assert TEXT in mail.get_content() and mail["X-Bascule-Kit"] == r["message_id"]
    assert mail["Subject"] == "[Bascule] Message à relayer : Coalition avenir Québec"
    assert len(_Hook.received) == 1
    kit = _Hook.received[0]["kit"]
    assert kit["text"] == TEXT and kit["ambassador"] == "@bob" and kit["target"] == "caq"
    rows = project.store.rows(
        "SELECT ambassador, channel, status FROM ambassador_notices ORDER BY ambassador"
    )
    assert rows == [("@alice", "email", "sent"), ("@bob", "webhook", "sent")]
    # sending the same kit again notifies nobody twice
    again = notify(project, "caq", TEXT, yes=True)
    assert again["message_id"] == r["message_id"]
    assert (again["sent"], again["already_sent"]) == (0, 2)
    assert len(inbox.mails) == 1 and len(_Hook.received) == 1


def test_failed_webhook_is_retried_next_run(project, smtp, hook: str) -> None:  # noqa: ANN001
    _inbox, port = smtp
    _configure(project, port, hook)
    _Hook.fail_first = 1  # a 400 is not retried within the run
    r = notify(project, "caq", TEXT, yes=True, backoff=0.0)
    assert (r["sent"], r["failed"]) == (1, 1)
    bob = next(x for x in r["recipients"] if x["handle"] == "@bob")
    assert bob["status"] == "failed" and "HTTP 400" in bob["errors"][0]
    r2 = notify(project, "caq", TEXT, yes=True, backoff=0.0)
    assert (r2["sent"], r2["already_sent"]) == (1, 1)
    assert project.store.rows("SELECT status FROM ambassador_notices ORDER BY ambassador") == [
        ("sent",),
        ("sent",),
    ]


def _add_post(project, post_id: str, author: str, handle: str, text: str, when: str,  # noqa: ANN001
              repost_of: str | None = None) -> None:  # fmt: skip
    t = datetime.fromisoformat(when)
    project.store.insert(
        "authors",
        pa.table(
            {
                "author_id": [author],
                "platform": ["mastodon"],
                "handle": [handle],
                "pseudonymised": [False],
            }
        ),  # fmt: skip
    )
    project.store.insert(
        "posts",
        pa.table(
            {
                "post_id": [post_id],
                "platform": ["mastodon"],
                "native_id": [post_id],
                "author_id": [author],
                "created_at": [t],
                "text": [text],
                "repost_of": [repost_of],
            }
        ),  # fmt: skip
    )


def test_shared_shows_who_relayed_the_kit(project, smtp, hook: str) -> None:  # noqa: ANN001
    _inbox, port = smtp
    _configure(project, port, hook)
    r = notify(project, "caq", TEXT, yes=True)
    # alice posts the kit text after the notice; bob posts something else
    _add_post(project, "m:1", "mastodon:a", "alice", f"Je relaie : {TEXT}", "2099-01-01T10:00")
    _add_post(project, "m:2", "mastodon:b", "bob", "Rien à voir", "2099-01-01T10:05")
    s = shared(project, r["message_id"])
    assert (s["notified"], s["shared"], s["share_rate"]) == (2, 1, 0.5)
    assert {a["handle"]: a["shared"] for a in s["ambassadors"]} == {"@alice": True, "@bob": False}
    with pytest.raises(InputError, match="no ambassador was notified"):
        shared(project, "0000")


def test_shared_counts_reposts_of_a_published_post(project, smtp, hook: str) -> None:  # noqa: ANN001
    from bascule.store.messages import record_message

    _inbox, port = smtp
    _configure(project, port, hook)
    _add_post(project, "mastodon:9", "mastodon:c", "campagne", TEXT, "2026-10-01T12:00")
    record_message(
        project.store,
        "pub1",
        "equipe",
        "mastodon",
        "mastodon:9",
        TEXT,
        False,
        datetime(2026, 10, 1),
    )
    r = notify(project, "caq", "pub1", yes=True)
    assert r["message_id"] == "pub1" and r["post_id"] == "mastodon:9"
    _add_post(project, "m:3", "mastodon:b", "bob", "", "2099-01-01T10:00", repost_of="mastodon:9")
    s = shared(project, "pub1")
    assert {a["handle"]: a["shared"] for a in s["ambassadors"]} == {"@alice": False, "@bob": True}


def test_cli_notify_dry_run_and_unknown_target(project, capsys) -> None:  # noqa: ANN001
    root = project.root
    cfg = root / "bascule.toml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8")
        + '\n[[ambassadors]]\nhandle = "@alice"\nemail = "a@example.test"\nconsent = "form"\n',
        encoding="utf-8",
    )
    project.close()
    assert main(["ambassadors", "notify", "-p", str(root), "-t", "caq", "-m", TEXT, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] and [x["handle"] for x in out["recipients"]] == ["@alice"]
    assert main(["ambassadors", "notify", "-p", str(root), "-t", "caq", "-m", TEXT]) == 0
    out = " ".join(capsys.readouterr().out.split())  # a French project
    assert "@alice : recevrait le kit" in out and "Essai : 1 ambassadeur recevrait le kit" in out
    assert main(["ambassadors", "notify", "-p", str(root), "-t", "nope", "-m", TEXT]) == 2
    assert "cible inconnue 'nope'" in capsys.readouterr().err  # a French project
    assert main(["ambassadors", "shared", "-p", str(root), "abc"]) == 2
