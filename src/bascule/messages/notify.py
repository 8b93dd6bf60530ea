"""`bascule ambassadors notify|shared`: send the message kit to opted-in ambassadors, then see
who shared it.

Only people listed in `[[ambassadors]]` of `bascule.toml`, with their recorded consent, are
ever contacted, and only for the targets they signed up for (all targets when their list is
empty). Nothing is sent without `yes=True`; each (message, ambassador) is sent once, a failed
send is retried by the next run. Delivery: a JSON webhook (Slack, Mattermost and Discord accept
it) and e-mail through the SMTP server of `[alerts]`.
"""

from __future__ import annotations

import hashlib
import smtplib
from datetime import UTC, datetime
from typing import Any

import httpx

from bascule.alerts.deliver import post_json, send_mail
from bascule.config import slug
from bascule.errors import ConfigError, InputError
from bascule.i18n import tr
from bascule.store import messages as sql


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def kit_id(target: str, text: str) -> str:
    """A stable id for a kit given as text, so sending it again never notifies anyone twice."""
    return hashlib.sha256(f"kit\n{target}\n{text.strip()}".encode()).hexdigest()[:16]


# the `status` of a recipient and the `reason` of a skipped ambassador, in French and English
WORDS = {
    "would send": ("recevrait le kit", "would send"),
    "already sent": ("l'avait déjà", "already sent"),
    "sent": ("envoyé", "sent"),
    "failed": ("échec", "failed"),
    "no consent recorded": ("aucun consentement noté", "no consent recorded"),
    "not signed up for this target": (
        "pas inscrit pour cette cible",
        "not signed up for this target",
    ),
    "no e-mail or webhook given": ("ni courriel ni webhook indiqué", "no e-mail or webhook given"),
}


def eligible(config: Any, target_id: str) -> tuple[list[Any], list[dict[str, str]]]:
    """Ambassadors who consented and signed up for `target_id`, and the others with why not."""
    ok, skipped = [], []
    for a in config.ambassadors:
        wanted = {_target_id(config, t) for t in a.targets}
        if not a.consent.strip():
            skipped.append({"handle": a.handle, "reason": "no consent recorded"})
        elif a.targets and target_id not in wanted:
            skipped.append({"handle": a.handle, "reason": "not signed up for this target"})
        elif not (a.email or a.webhook):
            skipped.append({"handle": a.handle, "reason": "no e-mail or webhook given"})
        else:
            ok.append(a)
    return ok, skipped


def _target_id(config: Any, name: str) -> str:
    """A target named in an ambassador's list, by id or name (its slug when unknown)."""
    try:
        return config.target(name).id
    except ConfigError:
        return slug(name)


def kit_body(lang: str | None, handle: str, target_name: str, text: str, url: str | None) -> str:
    """The plain-text kit: the message to relay, its link, and why the person receives it."""
    link = f"\n\n{url}" if url else ""
    return tr(
        lang,
        f"Bonjour {handle},\n\nUn message à relayer si vous le souhaitez ({target_name}) :"
        f"\n\n{text}{link}\n\nVous recevez ceci parce que vous avez accepté d'être ambassadeur "
        "ou ambassadrice. Répondez STOP pour ne plus rien recevoir.",
        f"Hello {handle},\n\nA message to share if you wish ({target_name}):\n\n{text}{link}"
        "\n\nYou receive this because you agreed to be an ambassador. Reply STOP to receive "
        "nothing more.",
    )


def send_webhook(
    url: str, body: dict[str, Any], *, client: httpx.Client, retries: int = 3, backoff: float = 0.5
) -> None:
    """POST the kit as JSON (the alerts' webhook sender, with its retries)."""
    post_json(url, body, client=client, retries=retries, backoff=backoff)


def send_email(config: Any, to: str, subject: str, body: str, message_id: str) -> None:
    """Send the kit to one address through the SMTP server configured in `[alerts]`."""
    send_mail(config, to, subject, body, {"X-Bascule-Kit": message_id})


def _kit(project: Any, message: str, target_id: str) -> dict[str, Any]:
    """The kit: a recorded message (by its id, as `message publish` printed it) or a text."""
    if not message or not message.strip():
        raise InputError("the message is empty")
    row = sql.message_row(project.store, message.strip())
    if row is not None:
        url = sql.post_url(project.store, row["post_id"]) if row["post_id"] else None
        return {
            "message_id": row["message_id"],
            "text": row["text"],
            "post_id": row["post_id"],
            "url": url,
        }
    return {
        "message_id": kit_id(target_id, message),
        "text": message.strip(),
        "post_id": None,
        "url": None,
    }


def notify(
    project: Any,
    target: str,
    message: str,
    *,
    yes: bool = False,
    client: httpx.Client | None = None,
    retries: int = 3,
    backoff: float = 0.5,
) -> dict[str, Any]:
    """Send the kit to the consenting ambassadors of `target` (dry run unless `yes`), once each.

    `message` is either the id printed by `bascule message publish` (its post is then tracked
    as the thing to repost) or the text itself.
    """
    config = project.config
    t = config.target(target)
    kit = _kit(project, message, t.id)
    lang = config.project.language
    name = t.name_en if (lang == "en" and getattr(t, "name_en", None)) else t.name
    people, skipped = eligible(config, t.id)
    done = sql.sent_notices(project.store, kit["message_id"])
    subject = tr(
        lang, f"[Bascule] Message à relayer : {name}", f"[Bascule] Message to share: {name}"
    )
    result: dict[str, Any] = {
        **kit,
        "target": t.id,
        "dry_run": not yes,
        "recipients": [],
        "skipped": skipped,
        "sent": 0,
        "failed": 0,
        "already_sent": 0,
    }
    if yes and any(a.email for a in people) and not config.alerts.smtp_host:
        raise ConfigError(
            "an ambassador has an e-mail but alerts.smtp_host is not set", key="alerts"
        )
    if yes and people and sql.message_row(project.store, kit["message_id"]) is None:
        # a kit given as text is kept like a message, so `shared` can match the text later
        sql.record_message(
            project.store,
            kit["message_id"],
            f"ambassadors:{t.id}",
            "kit",
            None,
            kit["text"],
            False,
            _now(),
        )
    own = client is None and yes
    http = client or (httpx.Client(timeout=10.0) if yes else None)
    try:
        for a in people:
            channels = [c for c, v in (("email", a.email), ("webhook", a.webhook)) if v]
            entry: dict[str, Any] = {"handle": a.handle, "channels": channels}
            result["recipients"].append(entry)
            if a.handle in done:
                entry["status"] = "already sent"
                result["already_sent"] += 1
                continue
            if not yes:
                entry["status"] = "would send"
                continue
            body = kit_body(lang, a.handle, name, kit["text"], kit["url"])
            ok, errors = [], []
            for channel in channels:
                try:
                    if channel == "email":
                        send_email(config, a.email, subject, body, kit["message_id"])
                    else:
                        payload = {
                            "text": body,
                            "content": body[:2000],
                            "username": "Bascule",
                            "kit": {k: kit[k] for k in ("message_id", "text", "post_id", "url")}
                            | {"target": t.id, "ambassador": a.handle},
                        }
                        send_webhook(
                            a.webhook, payload, client=http, retries=retries, backoff=backoff
                        )
                    ok.append(channel)
                except (RuntimeError, OSError, smtplib.SMTPException) as exc:
                    errors.append(f"{channel}: {str(exc)[:300]}")
            status = "sent" if ok else "failed"
            entry["status"] = status
            if errors:
                entry["errors"] = errors
            result["sent" if ok else "failed"] += 1
            sql.record_notice(
                project.store,
                kit["message_id"],
                a.handle,
                "+".join(ok or channels),
                status,
                _now(),
            )
    finally:
        if own and http is not None:
            http.close()
    if not yes:
        result["note"] = tr(
            lang,
            "simulation : rien n'a été envoyé ; ajoutez --yes pour envoyer",
            "dry run: nothing was sent; add --yes to send",
        )
    return result


def shared(project: Any, message_id: str) -> dict[str, Any]:
    """Who was notified of a kit and which of them shared it since (reposts, quotes or text)."""
    rows = sql.notices(project.store, message_id)
    if not rows:
        raise InputError(
            f"no ambassador was notified of {message_id!r} "
            "(run `bascule ambassadors notify --yes` first)",
            fr=f"aucun ambassadeur n'a été prévenu de {message_id!r} "
            "(lancez d'abord `bascule ambassadors notify --yes`)",
        )
    msg = sql.message_row(project.store, message_id)
    sent = [r for r in rows if r[2] == "sent"]
    text, post_id = (msg["text"], msg["post_id"]) if msg else ("", None)
    since = min((r[3] for r in sent), default=None)
    resolved = sql.resolve_authors(project.store, [r[0] for r in sent])
    ids = {h: a for h, a in resolved.items() if a is not None}
    who = sql.shared_by(project.store, sorted(set(ids.values())), text, since, post_id)
    people = []
    for handle, channel, status, sent_at in rows:
        people.append(
            {
                "handle": handle,
                "channel": channel,
                "status": status,
                "sent_at": sent_at,
                "in_data": handle in ids,
                "shared": ids.get(handle) in who if status == "sent" else False,
            }
        )
    n_shared = sum(p["shared"] for p in people)
    return {
        "message_id": message_id,
        "post_id": post_id,
        "notified": len(sent),
        "failed": sum(1 for r in rows if r[2] != "sent"),
        "shared": n_shared,
        "share_rate": round(n_shared / len(sent), 4) if sent else None,
        "ambassadors": people,
    }
