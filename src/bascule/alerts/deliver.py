"""Deliver alerts by webhook (Slack / Mattermost / Discord-compatible JSON) and e-mail (SMTP).

Each (alert, channel) delivery is recorded in `alert_deliveries`; an alert already sent to a
channel is never sent there again, and a failed one is retried by the next `deliver`.
"""

from __future__ import annotations

import os
import smtplib
import time
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

import httpx

from bascule.errors import BasculeError, ConfigError


def channels(config: Any) -> dict[str, list[str]]:
    """Webhook URLs (config, plus `webhook_env`: comma-separated) and e-mail addresses."""
    a = config.alerts
    hooks = list(a.webhooks)
    if a.webhook_env:
        hooks += [u.strip() for u in os.environ.get(a.webhook_env, "").split(",") if u.strip()]
    return {"webhook": hooks, "email": list(a.email_to)}


def message(alert: dict[str, Any]) -> str:
    """The plain-text body of an alert."""
    lines = [f"[Bascule] {alert['title']}"]
    if alert.get("post_id"):
        lines.append(f"post: {alert['post_id']}")
    detail = alert.get("detail") or {}
    for key in ("predicted_reposts", "interval", "baseline_posts", "posts", "spreaders", "basis"):
        if key in detail:
            lines.append(f"{key}: {detail[key]}")
    return "\n".join(lines)


def payload(alert: dict[str, Any]) -> dict[str, Any]:
    """JSON that Slack and Mattermost (`text`) and Discord (`content`) all accept."""
    text = message(alert)
    return {
        "text": text,
        "content": text[:2000],
        "username": "Bascule",
        "alert": {k: alert.get(k) for k in ("alert_id", "kind", "target_id", "post_id", "score")},
    }


def post_json(
    url: str,
    body: dict[str, Any],
    *,
    client: httpx.Client,
    retries: int = 3,
    backoff: float = 0.5,
) -> None:
    """POST JSON to a webhook; retry on network errors and 429/5xx, waiting backoff * 2^attempt."""
    last: Exception | None = None
    for attempt in range(retries):
        try:
            r = client.post(url, json=body)
            if r.status_code < 400:
                return
            last = RuntimeError(f"HTTP {r.status_code}")
            if r.status_code != 429 and r.status_code < 500:
                break
        except httpx.HTTPError as exc:
            last = exc
        if attempt < retries - 1:
            time.sleep(backoff * 2**attempt)
    raise RuntimeError(f"webhook {url}: {last}")


def send_mail(config: Any, to: str, subject: str, body: str, headers: dict[str, str]) -> None:
    """Send one plain-text e-mail through the SMTP server configured in `[alerts]`."""
    a = config.alerts
    if not a.smtp_host:
        raise ConfigError(
            "an e-mail address is configured but alerts.smtp_host is not", key="alerts"
        )
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = a.email_from
    msg["To"] = to
    for k, v in headers.items():
        msg[k] = v
    msg.set_content(body)
    with smtplib.SMTP(a.smtp_host, a.smtp_port, timeout=20) as smtp:
        if a.smtp_starttls:
            smtp.starttls()
        if a.smtp_user_env:
            smtp.login(
                os.environ.get(a.smtp_user_env, ""),
                os.environ.get(a.smtp_password_env or "", ""),
            )
        smtp.send_message(msg)


def send_webhook(
    url: str,
    alert: dict[str, Any],
    *,
    client: httpx.Client,
    retries: int = 3,
    backoff: float = 0.5,
) -> None:
    """POST one alert as Slack/Mattermost/Discord-compatible JSON."""
    post_json(url, payload(alert), client=client, retries=retries, backoff=backoff)


def send_email(config: Any, to: str, alert: dict[str, Any]) -> None:
    """Send one alert to one address through the configured SMTP server."""
    send_mail(
        config,
        to,
        f"[Bascule] {alert['title']}",
        message(alert),
        {"X-Bascule-Alert": alert["alert_id"]},
    )


def deliver(
    project: Any,
    alerts: list[dict[str, Any]],
    *,
    client: httpx.Client | None = None,
    retries: int = 3,
    backoff: float = 0.5,
) -> dict[str, Any]:
    """Send each alert to every configured channel it has not reached yet; record each try."""
    from bascule.store import alerts as sql

    ch = channels(project.config)
    targets = [("webhook", u) for u in ch["webhook"]] + [("email", e) for e in ch["email"]]
    result: dict[str, Any] = {"sent": 0, "failed": 0, "skipped": 0, "errors": []}
    if not targets or not alerts:
        return result
    own = client is None
    client = client or httpx.Client(timeout=10.0)
    try:
        for alert in alerts:
            done = sql.sent_channels(project.store, alert["alert_id"])
            for kind, where in targets:
                channel = f"{kind}:{where}"
                if channel in done:
                    result["skipped"] += 1
                    continue
                try:
                    if kind == "webhook":
                        send_webhook(where, alert, client=client, retries=retries, backoff=backoff)
                    else:
                        send_email(project.config, where, alert)
                    status, error = "sent", None
                    result["sent"] += 1
                except (RuntimeError, OSError, smtplib.SMTPException, BasculeError) as exc:
                    # a config mistake (an address without its SMTP server) is a failed try
                    # too: recorded, so the alert goes once the config is fixed
                    status, error = "failed", str(exc)[:500]
                    result["failed"] += 1
                    result["errors"].append(
                        {"alert_id": alert["alert_id"], "channel": channel, "error": error}
                    )
                now = datetime.now(UTC).replace(tzinfo=None)
                sql.record_delivery(project.store, alert["alert_id"], channel, status, error, now)
    finally:
        if own:
            client.close()
    return result


def retry_failed(project: Any, *, limit: int | None = None, **kwargs: Any) -> dict[str, Any]:
    """Deliver again the stored alerts whose delivery to a configured channel failed (the
    first `limit` of them)."""
    from bascule.store import alerts as sql

    ch = channels(project.config)
    names = [f"webhook:{u}" for u in ch["webhook"]] + [f"email:{e}" for e in ch["email"]]
    failed = sql.failed_deliveries(project.store, names)
    return deliver(project, failed[:limit] if limit else failed, **kwargs)
