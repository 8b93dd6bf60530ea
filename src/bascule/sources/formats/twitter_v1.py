"""Twitter API v1.1 tweet JSON (the format of PHEME and many public research datasets).

Post ids are the tweet ids (`id_str`); authors are keyed by the user id. A retweet becomes a
repost of the retweeted tweet, whose full object is stored too.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from bascule.sources.formats.common import parse_time, to_bool, to_id, to_int, tweet_text
from bascule.sources.model import Account, Deletion, Post, RecordError

PLATFORM = "twitter"


def user(obj: dict[str, Any]) -> Account:
    """A v1.1 user object as an Account."""
    uid = to_id(obj.get("id_str") or obj.get("id"))
    name = obj.get("screen_name")
    if not uid and not name:
        raise RecordError("user without id")
    return Account(
        platform=PLATFORM,
        native_id=uid,
        handle=name,
        display_name=obj.get("name") or None,
        followers=to_int(obj.get("followers_count")),
        following=to_int(obj.get("friends_count")),
        verified=to_bool(obj.get("verified")),
    )


def _text(obj: dict[str, Any]) -> str | None:
    ext = obj.get("extended_tweet")
    if isinstance(ext, dict) and ext.get("full_text"):
        return tweet_text(ext["full_text"])
    return tweet_text(obj.get("full_text") or obj.get("text"))


def map_tweet(obj: dict[str, Any], raw: str | None = None) -> Post:
    """One v1.1 tweet (reply, retweet, quote, mentions, counts) as a Post."""
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    tid = to_id(obj.get("id_str") or obj.get("id"))
    if not tid:
        raise RecordError("missing id")
    if not isinstance(obj.get("user"), dict):
        raise RecordError("missing user")
    author = user(obj["user"])
    reply_to = to_id(obj.get("in_reply_to_status_id_str") or obj.get("in_reply_to_status_id"))
    reply_uid = to_id(obj.get("in_reply_to_user_id_str") or obj.get("in_reply_to_user_id"))
    reply_author = None
    if reply_uid or obj.get("in_reply_to_screen_name"):
        reply_author = Account(PLATFORM, reply_uid, handle=obj.get("in_reply_to_screen_name"))
    rt = obj.get("retweeted_status")
    repost_of = repost_author = None
    if isinstance(rt, dict):
        repost_of = to_id(rt.get("id_str") or rt.get("id"))
        if isinstance(rt.get("user"), dict):
            repost_author = user(rt["user"])
    qt = obj.get("quoted_status")
    quote_of = to_id(obj.get("quoted_status_id_str") or obj.get("quoted_status_id"))
    quote_author = None
    if isinstance(qt, dict):
        quote_of = quote_of or to_id(qt.get("id_str") or qt.get("id"))
        if isinstance(qt.get("user"), dict):
            quote_author = user(qt["user"])
    ents = obj.get("entities") or {}
    ext = obj.get("extended_tweet")
    if isinstance(ext, dict) and isinstance(ext.get("entities"), dict):
        ents = ext["entities"]
    skip = {a.native_id for a in (reply_author, repost_author) if a is not None}
    mentions = []
    for m in ents.get("user_mentions") or ():
        mid = to_id(m.get("id_str") or m.get("id"))
        if (mid or m.get("screen_name")) and mid not in skip:
            mentions.append(Account(PLATFORM, mid, handle=m.get("screen_name")))
    name = author.handle
    return Post(
        platform=PLATFORM,
        native_id=tid,
        author=author,
        created_at=parse_time(obj.get("created_at")),
        text=_text(obj),
        lang=obj.get("lang"),
        reply_to=reply_to,
        reply_to_author=reply_author,
        repost_of=repost_of,
        repost_of_author=repost_author,
        quote_of=quote_of,
        quote_of_author=quote_author,
        mentions=[] if repost_of else mentions,
        url=f"https://twitter.com/{name or 'i/web'}/status/{tid}",
        likes=to_int(obj.get("favorite_count")),
        reposts=to_int(obj.get("retweet_count")),
        replies=to_int(obj.get("reply_count")),
        quotes=to_int(obj.get("quote_count")),
        raw=raw,
    )


def map_all(obj: dict[str, Any], raw: str | None = None) -> list[Post | Deletion]:
    """The tweet, then the retweeted and quoted tweets it embeds; delete notices as Deletion."""
    if isinstance(obj, dict) and "delete" in obj and "user" not in obj:
        st = (obj.get("delete") or {}).get("status") or {}
        sid = to_id(st.get("id_str") or st.get("id"))
        if not sid:
            raise RecordError("delete notice without id")
        return [Deletion(PLATFORM, sid)]
    if isinstance(obj, dict) and "limit" in obj and "user" not in obj:
        return []  # a rate-limit notice of the streaming API
    out: list[Post | Deletion] = [map_tweet(obj, raw)]
    for key in ("retweeted_status", "quoted_status"):
        inner = obj.get(key)
        if isinstance(inner, dict):
            with contextlib.suppress(RecordError):
                out.append(replace(map_tweet(inner, None), embedded=True))
    return out
