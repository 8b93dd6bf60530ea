"""Delivery to a real local SMTP server (aiosmtpd) and a real local HTTP endpoint."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from bascule.alerts.deliver import deliver, payload, retry_failed
from bascule.project import Project
from bascule.store import alerts as sql

ALERT = {
    "alert_id": "forecast:m:1:caq",
    "kind": "forecast",
    "target_id": "caq",
    "post_id": "m:1",
    "title": "Critique of caq: ~140 reposts forecast",
    "detail": {"predicted_reposts": 140, "interval": [110, 220]},
    "score": 140.0,
    "created_at": datetime(2026, 9, 10, 12, 0),
}


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode())
        )
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as s:  # a free port (aiosmtpd's start() probes the given port)
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    c = Controller(inbox, hostname="127.0.0.1", port=port)
    c.start()
    try:
        yield inbox, port
    finally:
        c.stop()


@pytest.fixture
def http() -> Iterator[tuple[list, str, dict]]:
    received: list[dict] = []
    state = {"fail": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if self.path == "/flaky" and state["fail"] > 0:
                state["fail"] -= 1
                self.send_response(503)
            elif self.path == "/broken":
                self.send_response(500)
            else:
                received.append({"path": self.path, "body": body})
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received, f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()


def with_channels(project: Project, hooks: list[str], port: int) -> Project:
    cfg = project.config_path
    text = cfg.read_text(encoding="utf-8")
    quoted = ", ".join(f'"{h}"' for h in hooks)
    text = text.replace(
        "forecast_threshold = 100",
        f'forecast_threshold = 100\nwebhooks = [{quoted}]\nemail_to = ["veille@example.org"]\n'
        f'smtp_host = "127.0.0.1"\nsmtp_port = {port}',
        1,
    )
    cfg.write_text(text, encoding="utf-8")
    project.reload()
    return project


def test_alert_reaches_smtp_and_webhook_once(project, smtp, http) -> None:  # noqa: ANN001
    inbox, port = smtp
    received, base, _ = http
    with_channels(project, [f"{base}/hook"], port)
    sql.insert_new(project.store, [ALERT])
    r = deliver(project, [ALERT], backoff=0.01)
    assert r["sent"] == 2 and r["failed"] == 0
    assert len(received) == 1 and received[0]["path"] == "/hook"
    body = received[0]["body"]
    assert body["username"] == "Bascule" and body["text"] == body["content"]
    assert "~140 reposts" in body["text"] and body["alert"]["alert_id"] == ALERT["alert_id"]
    assert len(inbox.messages) == 1
    sender, rcpt, content = inbox.messages[0]
    assert rcpt == ["veille@example.org"] and sender == "bascule@localhost"
    assert "Subject: [Bascule] Critique of caq" in content
    # never twice to the same channel
    again = deliver(project, [ALERT], backoff=0.01)
    assert again == {"sent": 0, "failed": 0, "skipped": 2, "errors": []}
    assert len(received) == 1 and len(inbox.messages) == 1
    listed = sql.list_alerts(project.store)
    assert listed[0]["delivered_to"] == ["email:veille@example.org", f"webhook:{base}/hook"]


def test_retries_with_backoff_then_records_failures(project, smtp, http) -> None:  # noqa: ANN001
    _, port = smtp
    received, base, state = http
    state["fail"] = 2  # two 503s, then success on the third try
    with_channels(project, [f"{base}/flaky", f"{base}/broken"], port)
    sql.insert_new(project.store, [ALERT])
    r = deliver(project, [ALERT], backoff=0.01)
    assert r["sent"] == 2 and r["failed"] == 1
    assert [x["path"] for x in received] == ["/flaky"]
    assert "HTTP 500" in r["errors"][0]["error"]
    status = dict(
        project.store.rows("SELECT channel, status FROM alert_deliveries ORDER BY channel")
    )
    assert status[f"webhook:{base}/broken"] == "failed"
    assert status[f"webhook:{base}/flaky"] == "sent"
    # a later retry only tries the failed channel
    again = retry_failed(project, backoff=0.01)
    assert again["sent"] == 0 and again["failed"] == 1 and again["skipped"] == 2


def test_payload_is_slack_and_discord_compatible() -> None:
    p = payload(ALERT)
    assert set(p) >= {"text", "content", "username"}
    assert p["text"].startswith("[Bascule] ")
    assert "reposts forecast: 140" in p["text"] and "forecast interval: 110–220" in p["text"]
    # in a French project, French labels and numbers (the body was English field names)
    fr = payload({**ALERT, "detail": {"predicted_reposts": 1400, "baseline_posts": 2.42}}, "fr")
    assert "partages prévus : 1\u202f400" in fr["text"] and "attendues : 2,4" in fr["text"]
    assert "Cascade qui s'emballe · 2026-09-10 12:00 UTC" in fr["text"]


def test_no_channels_sends_nothing(project) -> None:  # noqa: ANN001
    assert deliver(project, [ALERT])["sent"] == 0


def _spreading_critique(project: Project) -> None:
    """A critique of the watched target `caq` reposted 80 times in its first hour."""
    import numpy as np
    import pyarrow as pa

    start = datetime(2026, 9, 10, 11, 0)
    project.store.insert(
        "posts",
        pa.table(
            {
                "post_id": ["m:1"],
                "platform": ["mastodon"],
                "native_id": ["1"],
                "author_id": ["m:a1"],
                "created_at": pa.array([start], pa.timestamp("us")),
                "text": ["La CAQ a menti"],
            }
        ),
    )
    project.store.insert(
        "analyses", pa.table({"post_id": ["m:1"], "target_id": ["caq"], "stance": ["against"]})
    )
    times = [start + timedelta(minutes=float(m)) for m in np.linspace(1, 59, 80)]
    project.store.insert(
        "interactions",
        pa.table(
            {
                "src_author": [f"m:r{i}" for i in range(80)],
                "dst_author": ["m:a1"] * 80,
                "kind": ["repost"] * 80,
                "post_id": [f"m:rp{i}" for i in range(80)],
                "target_post_id": ["m:1"] * 80,
                "created_at": pa.array(times, pa.timestamp("us")),
            }
        ),
    )


def test_watch_cli_checks_and_delivers(project, smtp, http, capsys) -> None:  # noqa: ANN001
    from bascule.cli import main

    inbox, port = smtp
    received, base, _ = http
    with_channels(project, [f"{base}/hook"], port)
    _spreading_critique(project)
    root = str(project.root)
    project.close()
    args = ["alerts", "watch", "-p", root, "--once", "--json", "--now", "2026-09-10T12:00"]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert [a["alert_id"] for a in out["alerts"]] == ["forecast:m:1:caq"]
    assert out["delivery"]["sent"] == 2
    assert len(received) == 1 and len(inbox.messages) == 1
    assert main(args) == 0  # nothing new, nothing sent again
    out = json.loads(capsys.readouterr().out)
    assert out["alerts"] == [] and out["delivery"]["sent"] == 0 and len(received) == 1
    assert main(["alerts", "watch", "-p", root, "--interval", "0"]) == 2


def test_listening_sends_what_failed_once_the_channel_is_back(project, smtp, http) -> None:  # noqa: ANN001
    # `listen` delivered new alerts only: one that failed (server down, or an address with
    # no SMTP server yet, which was not even recorded) was never sent
    from bascule.live.analyst import after_cycle

    inbox, port = smtp
    received, base, state = http
    with_channels(project, [f"{base}/flaky"], port)
    text = project.config_path.read_text(encoding="utf-8")
    project.config_path.write_text(text.replace('smtp_host = "127.0.0.1"\n', ""), "utf-8")
    project.reload()
    state["fail"] = 99  # the webhook is down
    sql.insert_new(project.store, [ALERT])
    first = deliver(project, [ALERT], backoff=0.01)
    assert (first["sent"], first["failed"]) == (0, 2)  # both recorded, e-mail included
    assert "smtp_host" in " ".join(e["error"] for e in first["errors"])
    state["fail"] = 0  # the webhook is back; the config gets its SMTP server
    project.config_path.write_text(text, "utf-8")
    project.reload()
    cycle = after_cycle(project, analyze=False, alerts=True)
    assert (cycle["delivered"], cycle["delivery_failed"]) == (2, 0)
    assert len(received) == 1 and len(inbox.messages) == 1


def test_smtp_failures_say_which_server_and_which_variable(project, monkeypatch) -> None:  # noqa: ANN001
    from tests.web.webutil import free_port

    port = free_port()  # nothing listens there
    with_channels(project, [], port)
    sql.insert_new(project.store, [ALERT])
    r = deliver(project, [ALERT])
    assert r["failed"] == 1 and f"SMTP 127.0.0.1:{port}:" in r["errors"][0]["error"]
    text = project.config_path.read_text(encoding="utf-8")
    project.config_path.write_text(
        text.replace(
            '\nsmtp_host = "127.0.0.1"',
            '\nsmtp_user_env = "BASCULE_TEST_SMTP_USER"\nsmtp_host = "127.0.0.1"',
        ),
        encoding="utf-8",
    )
    project.reload()
    monkeypatch.delenv("BASCULE_TEST_SMTP_USER", raising=False)
    r = deliver(project, [ALERT])
    assert "BASCULE_TEST_SMTP_USER, which is not set" in r["errors"][0]["error"]


def test_messages_link_to_the_war_room_when_its_address_is_known(project, smtp, http) -> None:  # noqa: ANN001
    from bascule.errors import ConfigError

    inbox, port = smtp
    received, base, _ = http
    with_channels(project, [f"{base}/hook"], port)
    cfg = project.config_path
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        text.replace(
            '[web]\nlanguage = "fr"', '[web]\nlanguage = "fr"\nurl = "https://qg.example.org/"'
        ),
        encoding="utf-8",
    )
    project.reload()
    sql.insert_new(project.store, [ALERT])
    assert deliver(project, [ALERT], backoff=0.01)["sent"] == 2
    link = "https://qg.example.org/alerts/forecast%3Am%3A1%3Acaq"
    assert f"Dans le war room : {link}" in received[0]["body"]["text"]  # a French project
    assert link in inbox.messages[0][2]
    cfg.write_text(
        text.replace('[web]\nlanguage = "fr"', '[web]\nlanguage = "fr"\nurl = "qg.example.org"'),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="http"):
        project.reload()
