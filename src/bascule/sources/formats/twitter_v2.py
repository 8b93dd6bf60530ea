"""Twitter API v2 JSON: response pages (`data` + `includes`), single tweets, twarc2 lines.

Post ids are tweet ids; authors are keyed by user id, with the handle taken from
`includes.users` (or twarc2's expanded `author`).
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from typing import Any

from bascule.sources.formats.common import parse_time, to_bool, to_id, to_int, tweet_text
from bascule.sources.model import Account, Post, RecordError

PLATFORM = "twitter"


def user(obj: dict[str, Any]) -> Account:
    """A v2 user object as an Account."""
    pm = obj.get("public_metrics") or {}
    return Account(
        platform=PLATFORM,
        native_id=to_id(obj.get("id")),
        handle=obj.get("username"),
        display_name=obj.get("name") or None,
        followers=to_int(pm.get("followers_count")),
        following=to_int(pm.get("following_count")),
        verified=to_bool(obj.get("verified")),
    )


def map_tweet(
    obj: dict[str, Any],
    raw: str | None = None,
    *,
    users: dict[str, dict[str, Any]] | None = None,
    tweets: dict[str, dict[str, Any]] | None = None,
) -> Post:
    """One v2 tweet as a Post; `users`/`tweets` are the page's `includes`, by id."""
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    tid = to_id(obj.get("id"))
    if not tid:
        raise RecordError("missing id")
    users = users or {}
    tweets = tweets or {}
    aid = to_id(obj.get("author_id"))
    prof = obj.get("author") if isinstance(obj.get("author"), dict) else users.get(aid or "")
    if not aid and not prof:
        raise RecordError("missing author_id")
    author = user(prof) if prof else Account(PLATFORM, aid)
    if author.native_id is None:
        author.native_id = aid

    def acc_of(tweet_id: str | None, fallback_uid: str | None = None) -> Account | None:
        t = tweets.get(tweet_id or "")
        uid = to_id((t or {}).get("author_id")) or fallback_uid
        if not uid:
            return None
        return user(users[uid]) if uid in users else Account(PLATFORM, uid)

    refs = {r.get("type"): to_id(r.get("id")) for r in obj.get("referenced_tweets") or ()}
    reply_to, repost_of, quote_of = (
        refs.get("replied_to"),
        refs.get("retweeted"),
        refs.get("quoted"),
    )
    reply_author = acc_of(reply_to, to_id(obj.get("in_reply_to_user_id"))) if reply_to else None
    if reply_author is None and obj.get("in_reply_to_user_id"):
        reply_author = acc_of(None, to_id(obj.get("in_reply_to_user_id")))
    repost_author = acc_of(repost_of) if repost_of else None
    quote_author = acc_of(quote_of) if quote_of else None
    skip = {a.native_id for a in (reply_author, repost_author) if a is not None}
    mentions = []
    if not repost_of:
        for m in (obj.get("entities") or {}).get("mentions") or ():
            mid = to_id(m.get("id"))
            if (mid or m.get("username")) and mid not in skip:
                mentions.append(Account(PLATFORM, mid, handle=m.get("username")))
    pm = obj.get("public_metrics") or {}
    text = obj.get("text")
    note = obj.get("note_tweet")
    if isinstance(note, dict) and note.get("text"):
        text = note["text"]
    return Post(
        platform=PLATFORM,
        native_id=tid,
        author=author,
        created_at=parse_time(obj.get("created_at")),
        text=tweet_text(text),
        lang=obj.get("lang"),
        reply_to=reply_to,
        reply_to_author=reply_author,
        repost_of=repost_of,
        repost_of_author=repost_author,
        quote_of=quote_of,
        quote_of_author=quote_author,
        mentions=mentions,
        conversation_id=to_id(obj.get("conversation_id")),
        url=f"https://twitter.com/{author.handle or 'i/web'}/status/{tid}",
        likes=to_int(pm.get("like_count")),
        reposts=to_int(pm.get("retweet_count")),
        replies=to_int(pm.get("reply_count")),
        quotes=to_int(pm.get("quote_count")),
        raw=raw,
    )


def map_all(obj: dict[str, Any], raw: str | None = None) -> list[Post]:
    """Every tweet of a v2 line: a page's `data` and `includes.tweets`, or a single tweet."""
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    data = obj.get("data")
    inc = obj.get("includes") or {}
    users = {to_id(u.get("id")): u for u in inc.get("users") or () if isinstance(u, dict)}
    tweets = {to_id(t.get("id")): t for t in inc.get("tweets") or () if isinstance(t, dict)}
    if data is None:
        if "id" not in obj and "errors" in obj:
            return []  # an error-only page
        return [map_tweet(obj, raw, users=users, tweets=tweets)]
    items = data if isinstance(data, list) else [data]
    import orjson

    out = []
    for t in items:
        own = raw if not isinstance(data, list) else orjson.dumps(t).decode()
        out.append(map_tweet(t, own, users=users, tweets=tweets))
    for t in tweets.values():
        with contextlib.suppress(RecordError):
            post = map_tweet(t, orjson.dumps(t).decode(), users=users, tweets=tweets)
            out.append(replace(post, embedded=True))  # an expansion: the page's context
    return out
