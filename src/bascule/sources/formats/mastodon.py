"""Mastodon statuses as the REST and streaming APIs return them (docs.joinmastodon.org).

Post ids are `INSTANCE:ID`, INSTANCE being the server the status was read from: status ids
are local to a server, and `in_reply_to_id` / `reblog.id` are ids on that same server, so
replies and boosts join their parents. When the reading server is not given, it is inferred
from the status itself (the host of a local account's URL, else of the status URI).
Accounts are keyed by their full address `user@host`, the same on every server.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from bascule.sources.formats.common import host, html_text, parse_time, to_int
from bascule.sources.model import Account, Post, RecordError

PLATFORM = "mastodon"


def account(obj: dict[str, Any], instance: str | None = None) -> Account:
    """A Mastodon account (or mention) as an Account keyed by `user@host`."""
    acct = obj.get("acct") or obj.get("username")
    if not acct:
        raise RecordError("account without acct")
    if "@" not in acct:
        domain = host(obj.get("url")) or instance
        if domain:
            acct = f"{acct}@{domain}"
    acct = acct.lstrip("@").lower()
    return Account(
        platform=PLATFORM,
        native_id=acct,
        handle=acct,
        display_name=obj.get("display_name") or None,
        followers=to_int(obj.get("followers_count")),
        following=to_int(obj.get("following_count")),
        verified=None,
    )


def infer_instance(obj: dict[str, Any]) -> str | None:
    """The server a status was read from, as far as the status itself tells."""
    local = infer_local(obj)
    if local:
        return local
    return host(obj.get("uri")) or host(obj.get("url"))


def infer_local(obj: dict[str, Any]) -> str | None:
    """The reading server when the status shows one of its local accounts (acct without @)."""
    reblog = obj.get("reblog") if isinstance(obj.get("reblog"), dict) else {}
    for acc in (obj.get("account"), reblog.get("account"), *(obj.get("mentions") or ())):
        if isinstance(acc, dict) and acc.get("acct") and "@" not in acc["acct"]:
            got = host(acc.get("url"))
            if got:
                return got
    return None


def map_status(obj: dict[str, Any], raw: str | None = None, *, instance: str | None = None) -> Post:
    """One Mastodon status (with reblog, reply, mentions, counts) as a Post.

    A boost becomes a repost of the boosted status (its text is the boosted text).
    """
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    sid = obj.get("id")
    if sid in (None, ""):
        raise RecordError("missing id")
    if not isinstance(obj.get("account"), dict):
        raise RecordError("missing account")
    inst = (instance or infer_instance(obj) or "unknown").lower()
    author = account(obj["account"], inst)
    mentions = []
    by_id: dict[str, Account] = {}
    for m in obj.get("mentions") or ():
        try:
            acc = account(m, inst)
        except RecordError:
            continue
        mentions.append(acc)
        if m.get("id") is not None:
            by_id[str(m["id"])] = acc
    reblog = obj.get("reblog")
    repost_of = repost_author = None
    text = html_text(obj.get("content"))
    lang = obj.get("language")
    if isinstance(reblog, dict) and reblog.get("id") is not None:
        repost_of = f"{inst}:{reblog['id']}"
        if isinstance(reblog.get("account"), dict):
            repost_author = account(reblog["account"], inst)
        text = html_text(reblog.get("content"))
        lang = lang or reblog.get("language")
        mentions = []
    reply_to = obj.get("in_reply_to_id")
    reply_author = None
    if reply_to is not None:
        reply_author = by_id.get(str(obj.get("in_reply_to_account_id")))
        if reply_author is None and str(obj.get("in_reply_to_account_id")) == str(
            obj["account"].get("id")
        ):
            reply_author = author  # a self-reply (thread)
    if reply_author is not None:
        mentions = [m for m in mentions if m.native_id != reply_author.native_id]
    quote = obj.get("quote")
    quote_of = quote_author = None
    if isinstance(quote, dict):  # Mastodon 4.4+: {"state": ..., "quoted_status": {...}}
        q = quote.get("quoted_status") if "quoted_status" in quote else quote
        if isinstance(q, dict) and q.get("id") is not None:
            quote_of = f"{inst}:{q['id']}"
            if isinstance(q.get("account"), dict):
                quote_author = account(q["account"], inst)
    return Post(
        platform=PLATFORM,
        native_id=f"{inst}:{sid}",
        author=author,
        created_at=parse_time(obj.get("created_at")),
        text=text,
        lang=lang,
        reply_to=f"{inst}:{reply_to}" if reply_to is not None else None,
        reply_to_author=reply_author,
        repost_of=repost_of,
        repost_of_author=repost_author,
        quote_of=quote_of,
        quote_of_author=quote_author,
        mentions=mentions,
        conversation_id=None,
        url=obj.get("url") or obj.get("uri"),
        likes=to_int(obj.get("favourites_count")),
        reposts=to_int(obj.get("reblogs_count")),
        replies=to_int(obj.get("replies_count")),
        quotes=to_int(obj.get("quotes_count")),
        raw=raw,
    )


def map_all(obj: dict[str, Any], raw: str | None = None, *, instance: str | None = None) -> list:
    """The status, then the boosted status it embeds (so the original is stored too)."""
    inst = instance or infer_instance(obj) if isinstance(obj, dict) else instance
    out = [map_status(obj, raw, instance=inst)]
    reblog = obj.get("reblog")
    if isinstance(reblog, dict):
        with contextlib.suppress(RecordError):
            out.append(replace(map_status(reblog, None, instance=inst), embedded=True))
    return out
