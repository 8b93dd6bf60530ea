"""Collect mapped posts into Arrow tables for the store, pseudonymising on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pyarrow as pa

from bascule.privacy import Pseudonymizer
from bascule.sources.model import Account, Post, Reject
from bascule.store.ingest import AUTHORS_SCHEMA, INTERACTIONS_SCHEMA, POSTS_SCHEMA

MAX_TEXT = 100_000


def _utc(ts: datetime) -> datetime:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


class BatchBuilder:
    """Accumulates posts (with their authors and interactions) and rejects."""

    def __init__(self, pseudonymizer: Pseudonymizer, *, source: str, run_id: int | None) -> None:
        self.p = pseudonymizer
        self.source = source
        self.run_id = run_id
        self.rejects: list[Reject] = []
        self._posts: dict[str, list] = {f.name: [] for f in POSTS_SCHEMA}
        self._authors: dict[str, tuple] = {}
        self._inter: dict[str, list] = {f.name: [] for f in INTERACTIONS_SCHEMA}

    def __len__(self) -> int:
        return len(self._posts["post_id"])

    def reject(self, line: int, reason: str, record: str | bytes | None = None) -> None:
        if isinstance(record, bytes):
            record = record[:2000].decode("utf-8", "replace")
        self.rejects.append(Reject(self.source, line, reason, (record or "")[:2000] or None))

    def author(self, acc: Account, seen: datetime) -> str:
        aid = self.p.author_id(acc.platform, acc.key)
        prev = self._authors.get(aid)
        if prev is None or (acc.handle and prev[4] is None and not prev[3]):
            handle, pseudo = self.p.handle(acc.platform, acc.key, acc.handle)
            self._authors[aid] = (
                aid,
                acc.platform,
                handle,
                None if pseudo else acc.display_name,
                pseudo,
                acc.followers,
                acc.following,
                acc.verified,
                seen,
                seen,
            )
        else:
            first = min(prev[8], seen)
            last = max(prev[9], seen)
            followers = acc.followers if acc.followers is not None else prev[5]
            self._authors[aid] = (*prev[:5], followers, *prev[6:8], first, last)
        return aid

    def add(self, post: Post) -> None:
        ts = _utc(post.created_at)
        plat = post.platform
        aid = self.author(post.author, ts)
        pid = f"{plat}:{post.native_id}"
        text = post.text
        if text is not None and len(text) > MAX_TEXT:
            text = text[:MAX_TEXT]
        row = self._posts
        row["post_id"].append(pid)
        row["platform"].append(plat)
        row["native_id"].append(str(post.native_id))
        row["author_id"].append(aid)
        row["created_at"].append(ts)
        row["text"].append(self.p.scrub_mentions(plat, text))
        row["lang"].append(post.lang)
        row["reply_to"].append(f"{plat}:{post.reply_to}" if post.reply_to else None)
        row["repost_of"].append(f"{plat}:{post.repost_of}" if post.repost_of else None)
        row["quote_of"].append(f"{plat}:{post.quote_of}" if post.quote_of else None)
        row["conversation_id"].append(post.conversation_id)
        row["url"].append(post.url)
        row["likes"].append(post.likes)
        row["reposts"].append(post.reposts)
        row["replies"].append(post.replies)
        row["quotes"].append(post.quotes)
        row["source"].append(self.source)
        row["run_id"].append(self.run_id)
        row["raw"].append(
            post.raw
            if self.p.keep_all
            else _scrub_raw(post.raw, lambda t, plat=plat: self.p.scrub_mentions(plat, t))
        )
        for kind, other, other_post in (
            ("repost", post.repost_of_author, post.repost_of),
            ("reply", post.reply_to_author, post.reply_to),
            ("quote", post.quote_of_author, post.quote_of),
        ):
            if other is not None:
                self._interaction(
                    aid,
                    self.author(other, ts),
                    kind,
                    pid,
                    f"{plat}:{other_post}" if other_post else None,
                    ts,
                )
        for m in post.mentions:
            self._interaction(aid, self.author(m, ts), "mention", pid, None, ts)

    def _interaction(
        self, src: str, dst: str, kind: str, pid: str, target: str | None, ts: datetime
    ) -> None:
        if src == dst and kind == "mention":
            return
        r = self._inter
        r["src_author"].append(src)
        r["dst_author"].append(dst)
        r["kind"].append(kind)
        r["post_id"].append(pid)
        r["target_post_id"].append(target)
        r["created_at"].append(ts)

    def tables(self) -> tuple[pa.Table, pa.Table, pa.Table]:
        posts = pa.table(self._posts, schema=POSTS_SCHEMA)
        authors = pa.Table.from_pylist(
            [dict(zip(AUTHORS_SCHEMA.names, a, strict=True)) for a in self._authors.values()],
            schema=AUTHORS_SCHEMA,
        )
        inter = pa.table(self._inter, schema=INTERACTIONS_SCHEMA)
        return posts, authors, inter

    def clear(self) -> None:
        for v in self._posts.values():
            v.clear()
        for v in self._inter.values():
            v.clear()
        self._authors.clear()
        self.rejects = []


_IDENTITY_KEYS = (
    "screen_name",
    "name",
    "username",
    "acct",
    "display_name",
    "handle",
    "description",
    "profile_image_url",
    "profile_image_url_https",
    "avatar",
    "avatar_static",
    "header",
    "header_static",
    "location",
    "url",
    "note",
    "email",
)


# handle-like keys dropped wherever they hold a string (generic tables, 4CAT, Twitter fields)
HANDLE_KEYS = frozenset(
    {
        "screen_name",
        "user_screen_name",
        "username",
        "user_name",
        "acct",
        "handle",
        "author_handle",
        "author_fullname",
        "in_reply_to_screen_name",
        "author",
        "reply_to",
        "mentions",
        "display_name",
        "user_description",
        "user_location",
    }
)
_HTML_MENTION = re.compile(r"@<span>([^<@\s]+)</span>")
_TRIGGERS = ('"user"', '"account"', '"author"', '"includes"', "@") + tuple(
    f'"{k}"' for k in HANDLE_KEYS
)


def _scrub_raw(raw: str | None, text_fn: Callable[[str], str | None] | None = None) -> str | None:
    """Drop account identity fields from a kept payload, so raw data stays pseudonymous.

    Handles in string values (`@name`) are pseudonymised with `text_fn` (the same function as
    for post text). Payloads are small; this reparses only when something may need it.
    """
    if raw is None or not any(k in raw for k in _TRIGGERS):
        return raw
    import orjson

    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return orjson.dumps(_scrub(obj, inside_account=False, text_fn=text_fn)).decode()


def _scrub(
    obj: object, *, inside_account: bool, text_fn: Callable[[str], str | None] | None = None
) -> object:
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if inside_account and k in _IDENTITY_KEYS:
                continue
            if k in HANDLE_KEYS and isinstance(v, str):
                continue
            is_acc = k in ("user", "account", "author", "users", "user_mentions", "mentions") or (
                inside_account and k == "profile"
            )
            out[k] = _scrub(
                v,
                inside_account=is_acc or (inside_account and isinstance(v, dict) and k != "status"),
                text_fn=text_fn,
            )
        return out
    if isinstance(obj, list):
        return [_scrub(v, inside_account=inside_account, text_fn=text_fn) for v in obj]
    if text_fn is not None and isinstance(obj, str) and "@" in obj:
        if "@<span>" in obj:  # Mastodon HTML mentions: `@<span>name</span>`
            obj = _HTML_MENTION.sub(r"@\1", obj)
        return text_fn(obj)
    return obj
