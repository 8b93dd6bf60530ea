"""4CAT CSV exports (digital-methods tool, 4cat.nl): one row per post, `id, thread_id,
timestamp, author, body, ...`, with platform-specific extra columns (Twitter, Mastodon,
Bluesky, Telegram, Reddit data sources).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bascule.sources.formats.common import host, parse_time, to_bool, to_id, to_int
from bascule.sources.model import Account, Post, RecordError

COLUMNS = {"id", "thread_id", "timestamp", "author", "body"}
_HOSTS = {
    "twitter.com": "twitter",
    "x.com": "twitter",
    "bsky.app": "bluesky",
    "t.me": "telegram",
    "www.reddit.com": "reddit",
    "reddit.com": "reddit",
}


def looks_like(columns: list[str]) -> bool:
    """True when a CSV header is a 4CAT export."""
    return set(columns) >= COLUMNS


def platform_of(row: Mapping[str, Any], default: str = "4cat") -> str:
    """The platform of a 4CAT row, from its URL's host (else `default`)."""
    h = host(row.get("url") or row.get("link") or "")
    if h is None:
        return default
    return _HOSTS.get(h, "mastodon" if "/@" in str(row.get("url")) else default)


def map_row(
    row: Mapping[str, Any],
    *,
    platform: str | None = None,
    raw: str | None = None,
    known: dict[str, str] | None = None,
) -> Post:
    """One 4CAT row as a Post (reply/retweet/quote flags and counts when the export has them).

    `known` maps handles to account ids seen so far, so replies and mentions (exported by
    handle only) point at the same author as that author's own posts.
    """
    pid = to_id(row.get("id"))
    if not pid:
        raise RecordError("missing id")
    plat = platform or platform_of(row)
    aid = to_id(row.get("author_id"))
    handle = row.get("author") or None
    if not aid and not handle:
        raise RecordError("missing author")
    known = {} if known is None else known
    if aid and handle:
        known[str(handle).lower()] = aid

    def acc(h: str) -> Account:
        return Account(plat, known.get(h.lower()), handle=h)

    when = row.get("timestamp") or row.get("unix_timestamp")
    if when and isinstance(when, str) and len(when) == 19 and when[10] == " ":
        when = when.replace(" ", "T")  # 4CAT writes "YYYY-MM-DD HH:MM:SS" in UTC
    reply_to = to_id(row.get("reply_to_id") or row.get("in_reply_to_id"))
    reply_handle = row.get("reply_to") or None
    thread = to_id(row.get("thread_id"))
    repost_of = to_id(row.get("retweeted_id") or row.get("reblog_id"))
    quote_of = to_id(row.get("quoted_id") or row.get("quote_id"))
    mentions = []
    for h in str(row.get("mentions") or "").split(","):
        h = h.strip().lstrip("@")
        if h and h != reply_handle:
            mentions.append(acc(h))
    return Post(
        platform=plat,
        native_id=pid,
        author=Account(
            plat,
            aid,
            handle=handle,
            display_name=row.get("author_fullname") or None,
            followers=to_int(row.get("author_followers") or row.get("followers")),
            verified=to_bool(row.get("verified") or row.get("author_verified")),
        ),
        created_at=parse_time(when),
        text=row.get("body"),
        lang=row.get("lang") or row.get("language") or None,
        reply_to=reply_to,
        reply_to_author=acc(reply_handle) if reply_handle else None,
        repost_of=repost_of,
        quote_of=quote_of,
        mentions=mentions,
        conversation_id=thread,
        url=row.get("url") or row.get("link") or None,
        likes=to_int(row.get("like_count") or row.get("likes") or row.get("favourites_count")),
        reposts=to_int(row.get("retweet_count") or row.get("reblogs_count")),
        replies=to_int(row.get("reply_count") or row.get("replies_count")),
        quotes=to_int(row.get("quote_count")),
        raw=raw,
    )
