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
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from bascule.errors import BasculeError, ConfigError
from bascule.i18n import colon


def channels(config: Any) -> dict[str, list[str]]:
    """Webhook URLs (config, plus `webhook_env`: comma-separated) and e-mail addresses."""
    a = config.alerts
    hooks = list(a.webhooks)
    if a.webhook_env:
        hooks += [u.strip() for u in os.environ.get(a.webhook_env, "").split(",") if u.strip()]
    return {"webhook": hooks, "email": list(a.email_to)}


# what a message says of an alert's detail: field -> (French, English, decimals or None)
_FIELDS = {
    "observed_reposts": ("partages vus", "reposts seen", 0),
    "predicted_reposts": ("partages prévus", "reposts forecast", 0),
    "interval": ("intervalle prévu", "forecast interval", 0),
    "posts": ("publications", "posts", 0),
    "baseline_posts": ("attendues", "expected", 1),
    "spreaders": ("comptes relais", "accounts spreading it", 0),
    "basis": ("fondement", "basis", None),
}


def message(alert: dict[str, Any], lang: str = "en", link: str | None = None) -> str:
    """The plain-text body of an alert, in `lang`: its title, kind and time, then the figures
    behind it, labelled and written the reader's way, then `link`, its page in the war room."""
    from bascule.alerts import KIND_LABELS
    from bascule.i18n import label, number, tr, when

    lines = [f"[Bascule] {alert['title']}"]
    kind = label(KIND_LABELS, alert.get("kind"), lang)
    at = alert.get("created_at")
    lines.append(f"{kind} · {when(at)} UTC" if at else kind)
    sep = colon(lang)
    if alert.get("post_id"):
        lines.append(f"{tr(lang, 'publication', 'post')}{sep}{alert['post_id']}")
    detail = alert.get("detail") or {}
    for key, (fr, en, digits) in _FIELDS.items():
        if key not in detail:
            continue
        v = detail[key]
        if digits is None:
            text = str(v)
        elif isinstance(v, list | tuple):
            text = "–".join(number(x, lang, digits) for x in v)
        else:
            text = number(v, lang, digits)
        lines.append(f"{tr(lang, fr, en)}{sep}{text}")
    if link:
        lines.append(f"{tr(lang, 'Dans le war room', 'In the war room')}{sep}{link}")
    return "\n".join(lines)


def war_room_link(config: Any, alert: dict[str, Any]) -> str | None:
    """The alert's page in the war room, when `[web] url` says where the team reaches it."""
    from urllib.parse import quote

    base = (config.web.url or "").rstrip("/")
    return f"{base}/alerts/{quote(str(alert['alert_id']), safe='')}" if base else None


def payload(alert: dict[str, Any], lang: str = "en", link: str | None = None) -> dict[str, Any]:
    """JSON that Slack and Mattermost (`text`) and Discord (`content`) all accept."""
    text = message(alert, lang, link)
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
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=a.email_from.rpartition("@")[2] or None)
    for k, v in headers.items():
        msg[k] = v
    msg.set_content(body)
    user = os.environ.get(a.smtp_user_env or "", "") if a.smtp_user_env else None
    if a.smtp_user_env and not user:
        raise ConfigError(
            f"alerts.smtp_user_env names {a.smtp_user_env}, which is not set in the environment",
            key="alerts",
        )
    try:
        with smtplib.SMTP(a.smtp_host, a.smtp_port, timeout=20) as smtp:
            if a.smtp_starttls:
                smtp.starttls()
            if user:
                smtp.login(user, os.environ.get(a.smtp_password_env or "", ""))
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:  # say which server
        raise RuntimeError(f"SMTP {a.smtp_host}:{a.smtp_port}: {exc}") from exc


def send_webhook(
    url: str,
    alert: dict[str, Any],
    *,
    client: httpx.Client,
    retries: int = 3,
    backoff: float = 0.5,
    lang: str = "en",
    link: str | None = None,
) -> None:
    """POST one alert as Slack/Mattermost/Discord-compatible JSON."""
    body = payload(alert, lang, link)
    post_json(url, body, client=client, retries=retries, backoff=backoff)


def send_email(config: Any, to: str, alert: dict[str, Any]) -> None:
    """Send one alert to one address through the configured SMTP server."""
    send_mail(
        config,
        to,
        f"[Bascule] {alert['title']}",
        message(alert, config.project.language, war_room_link(config, alert)),
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
                        send_webhook(
                            where,
                            alert,
                            client=client,
                            retries=retries,
                            backoff=backoff,
                            lang=project.config.project.language,
                            link=war_room_link(project.config, alert),
                        )
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


def retry_failed(project: Any, *, limit: int = 200, **kwargs: Any) -> dict[str, Any]:
    """Deliver again the stored alerts whose delivery to a configured channel failed (the
    first `limit` of them)."""
    from bascule.store import alerts as sql

    ch = channels(project.config)
    names = [f"webhook:{u}" for u in ch["webhook"]] + [f"email:{e}" for e in ch["email"]]
    return deliver(project, sql.failed_deliveries(project.store, names, limit), **kwargs)
