"""Collect mapped posts into Arrow tables for the store, pseudonymising on the way."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bascule.privacy import MENTION, Pseudonymizer, public_url, redact_emails
from bascule.sources.model import Account, Post, Reject
from bascule.store.ingest import AUTHORS_SCHEMA, INTERACTIONS_SCHEMA, POSTS_SCHEMA

MAX_TEXT = 100_000


def _utc(ts: datetime) -> datetime:
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    return ts


class Digests:
    """`Pseudonymizer.digest` for many accounts at once, with a bounded cache shared by the
    blocks of an import."""

    LIMIT = 250_000  # cached accounts (about 200 bytes each)

    def __init__(self, p: Pseudonymizer) -> None:
        self.p = p
        self.cache: dict[str, str] = {}
        self.mentions: dict[str, dict[str, str]] = {}
        self._msgs = pa.array([], pa.string())  # `many`'s pairs met, and their digests
        self._hexes = pa.array([], pa.string())

    @classmethod
    def of(cls, p: Pseudonymizer) -> Digests:
        """The digests of this pseudonymizer (made once per pseudonymizer object)."""
        got = _DIGESTS.get(id(p))
        if got is None or got.p is not p:
            _DIGESTS.clear()
            got = _DIGESTS[id(p)] = cls(p)
        return got

    def hex(self, platform: str, account: str) -> str:
        """Hex HMAC of `platform:account` (account lowercased), as `Pseudonymizer.digest`."""
        msg = f"{platform}:{str(account).lower()}"
        return self.cache.get(msg) or self._one(msg)

    def many(self, platforms: pa.Array, accounts: pa.Array) -> pa.Array:
        """The first 20 hex digits of `hex` of each (platform, account) pair (lowercased by
        Arrow when ASCII): all an author id or a pseudonym takes.

        Known pairs are looked up by Arrow (`index_in`) in the digests of the pairs met
        before; only new ones are hashed, by `hashlib`: an import meets the same accounts
        block after block. The accounts of the 1M-post benchmark took 0.76 s through a dict
        lookup per pair, 1.5 s through a cache table in DuckDB before that.
        """
        if pc.all(pc.string_is_ascii(accounts)).as_py() is not False:
            low = pc.ascii_lower(accounts)
        else:
            low = pa.array([a.lower() for a in accounts.to_pylist()], pa.string())
        msgs = pc.binary_join_element_wise(platforms, low, ":")
        idx = pc.index_in(msgs, value_set=self._msgs)
        if idx.null_count:
            new = pc.unique(msgs.filter(pc.is_null(idx)))
            get, digest = self.cache.get, self.p.hexdigest
            hexes = pa.array([(get(m) or digest(m))[:20] for m in new.to_pylist()], pa.string())
            known = pa.concat_arrays([self._msgs, new])
            digests = pa.concat_arrays([self._hexes, hexes])
            if len(known) > self.LIMIT:  # bounded memory: keep this call's pairs only
                mine = pc.unique(msgs)
                known, digests = mine, pc.take(digests, pc.index_in(mine, value_set=known))
            self._msgs, self._hexes = known, digests
            idx = pc.index_in(msgs, value_set=self._msgs)
        return pc.take(self._hexes, idx)

    def _one(self, msg: str) -> str:
        got = self.p.hexdigest(msg)
        if len(self.cache) >= self.LIMIT:
            self.cache.clear()
        self.cache[msg] = got
        return got

    def author_id(self, platform: str, account: str) -> str:
        """`Pseudonymizer.author_id`."""
        return f"{platform}:{self.hex(platform, account)[:20]}"

    def pseudonym(self, platform: str, account: str) -> str:
        """`Pseudonymizer.pseudonym`."""
        return "anon-" + self.hex(platform, account)[:10]


_DIGESTS: dict[int, Digests] = {}


_SEP = "\x00"  # neither a word character nor `@`: a mention never spans or touches it


class Mentions:
    """`Pseudonymizer.scrub_mentions` for many strings at once: one regex pass over the
    strings of a block joined by NUL, one pseudonym per distinct handle."""

    def __init__(self, p: Pseudonymizer) -> None:
        self.p = p
        self.memo = Digests.of(p).mentions  # {platform: {handle: replacement}}, kept

    def _replacement(self, platform: str, handle: str) -> str:
        memo = self.memo.setdefault(platform, {})
        got = memo.get(handle)
        if got is None:
            if self.p.keeps(handle):
                got = "@" + handle
            else:
                got = "@" + Digests.of(self.p).pseudonym(platform, "@" + handle.lower())
            if len(memo) >= Digests.LIMIT:  # bounded memory
                memo.clear()
            memo[handle] = got
        return got

    def function(self, platform: str) -> Any:
        """Scrub one string (the `text_fn` of `_scrub_raw`)."""

        def repl(m: re.Match[str]) -> str:
            return self._replacement(platform, m.group(1))

        return lambda t: MENTION.sub(repl, redact_emails(t)) if t and "@" in t else t

    def many(self, platform: str, texts: list[str]) -> list[str]:
        """Scrub a list of strings of one platform."""
        joined = self._joined(platform, texts)
        if joined is None:
            fn = self.function(platform)
            return [fn(t) for t in texts]
        return joined.split(_SEP)

    def _joined(self, platform: str, texts: list[str]) -> str | None:
        """The scrubbed strings joined by NUL (None when a string holds NUL itself)."""
        joined = _SEP.join(texts)
        if joined.count(_SEP) != len(texts) - 1:
            return None
        joined = redact_emails(joined)
        # split keeps the handles at odd positions: replace them, no Python call per match
        parts = MENTION.split(joined)
        memo = self.memo.setdefault(platform, {})
        get, new = memo.get, self._replacement
        parts[1::2] = [get(h) or new(platform, h) for h in parts[1::2]]
        return "".join(parts)

    def column(
        self, values: pa.ChunkedArray, platforms: pa.ChunkedArray, mask: pa.ChunkedArray
    ) -> pa.Array:
        """`values` with the rows where `mask` holds scrubbed."""
        idx = pc.indices_nonzero(mask)
        sub = pc.take(values, idx)
        plats = pc.take(platforms, idx)
        distinct = pc.unique(plats).to_pylist()
        flat = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
        m = mask.combine_chunks() if isinstance(mask, pa.ChunkedArray) else mask
        if len(distinct) == 1:
            joined = self._joined(distinct[0], sub.to_pylist())
            if joined is not None:  # one array from one buffer (NUL is never inside
                # another UTF-8 character): no Python string per row
                parts = split_buffer(joined.encode(), 0, pa.string(), terminated=False)
                return pc.replace_with_mask(flat, m, parts.cast(flat.type))
            new = self.many(distinct[0], sub.to_pylist())
        else:
            new = [None] * len(idx)
            for plat in distinct:
                sel = pc.equal(plats, plat)
                got = self.many(plat, pc.filter(sub, sel).to_pylist())
                for i, v in zip(pc.indices_nonzero(sel).to_pylist(), got, strict=True):
                    new[i] = v
        return pc.replace_with_mask(flat, m, pa.array(new, flat.type))


def split_buffer(buf: bytes, sep: int, kind: pa.DataType, *, terminated: bool) -> pa.Array:
    """The parts of a buffer between `sep` bytes as an Arrow string or binary array, in one
    copy. `terminated`: a final separator ends the last part (lines), rather than starting an
    empty one (joined strings)."""
    a = np.frombuffer(buf, np.uint8)
    cuts = np.flatnonzero(a == sep)
    ends = cuts if terminated and (not buf or buf[-1] == sep) else np.append(cuts, len(buf))
    n = len(ends)
    offsets = np.empty(n + 1, np.int64)
    offsets[0] = 0
    offsets[1:] = ends - np.arange(n)  # part i has i separators before it
    data = a[a != sep] if len(cuts) else a
    if offsets[-1] < 2**31:
        offsets = offsets.astype(np.int32)
    else:
        kind = pa.large_string() if pa.types.is_string(kind) else pa.large_binary()
    return pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


class BatchBuilder:
    """Accumulates posts (with their authors and interactions) and rejects."""

    def __init__(self, pseudonymizer: Pseudonymizer, *, source: str, run_id: int | None) -> None:
        self.p = pseudonymizer
        self.d = Digests.of(pseudonymizer)
        self._mentions = Mentions(pseudonymizer)
        self._scrubs: dict[str, Callable[[str | None], str | None]] = {}
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
        record = self.p.scrub_record((record or "")[:2000]) or None
        self.rejects.append(Reject(self.source, line, reason, record))

    def keep_reject(self, r: Reject) -> None:
        """A reader's reject, its excerpt pseudonymised as every stored one is."""
        self.rejects.append(replace(r, record=self.p.scrub_record(r.record)))

    def author(self, acc: Account, seen: datetime) -> str:
        aid = self.d.author_id(acc.platform, acc.key)
        prev = self._authors.get(aid)
        kept = bool(acc.handle) and self.p.keeps(acc.handle)  # `Pseudonymizer.handle`
        # first sighting, or the first to name a kept account that an earlier one (a quoted
        # or reposted author, known by id alone) left pseudonymised
        if prev is None or (kept and prev[4]):
            if kept:
                handle, pseudo = acc.handle.lstrip("@"), False
            else:
                handle, pseudo = self.d.pseudonym(acc.platform, acc.key), True
            first = seen if prev is None else min(prev[8], seen)
            last = seen if prev is None else max(prev[9], seen)
            self._authors[aid] = (
                aid,
                acc.platform,
                handle,
                None if pseudo else acc.display_name,
                pseudo,
                acc.followers,
                acc.following,
                acc.verified,
                first,
                last,
            )
        else:
            first = min(prev[8], seen)
            last = max(prev[9], seen)
            followers = acc.followers if acc.followers is not None else prev[5]
            self._authors[aid] = (*prev[:5], followers, *prev[6:8], first, last)
        return aid

    def add(self, post: Post) -> str:
        """Add a post; returns its post id as stored."""
        ts = _utc(post.created_at)
        plat = post.platform
        if plat == "bluesky":  # its post ids carry the account id (`privacy.hide_dids`)
            post = _without_dids(post, self.p)
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
        scrub = self._scrub(plat)
        row["text"].append(scrub(text))
        row["lang"].append(post.lang)
        row["reply_to"].append(f"{plat}:{post.reply_to}" if post.reply_to else None)
        row["repost_of"].append(f"{plat}:{post.repost_of}" if post.repost_of else None)
        row["quote_of"].append(f"{plat}:{post.quote_of}" if post.quote_of else None)
        row["conversation_id"].append(post.conversation_id)
        row["url"].append(
            public_url(post.url, post.author.handle, post.author.key)
            if self._authors[aid][4]
            else post.url
        )
        row["likes"].append(post.likes)
        row["reposts"].append(post.reposts)
        row["replies"].append(post.replies)
        row["quotes"].append(post.quotes)
        row["source"].append(self.source)
        row["run_id"].append(self.run_id)
        row["raw"].append(post.raw if self.p.keep_all else _scrub_raw(post.raw, scrub))
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
        return pid

    def _scrub(self, platform: str) -> Callable[[str | None], str | None]:
        """`Pseudonymizer.scrub_mentions` of this platform (memoised per handle)."""
        got = self._scrubs.get(platform)
        if got is None:
            got = (lambda t: t) if self.p.keep_all else self._mentions.function(platform)
            self._scrubs[platform] = got
        return got

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


def _without_dids(post: Post, p: Pseudonymizer) -> Post:
    """The post with the DIDs in its own and its targets' at:// ids keyed-hashed."""
    from dataclasses import replace

    return replace(
        post,
        native_id=p.hide_dids(str(post.native_id)),
        reply_to=p.hide_dids(post.reply_to),
        repost_of=p.hide_dids(post.repost_of),
        quote_of=p.hide_dids(post.quote_of),
        conversation_id=p.hide_dids(post.conversation_id),
        raw=p.hide_dids(post.raw),
    )


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
# keys naming an account wherever they are (in_reply_to_user_id, referenced_tweet_author_id...)
_ACCOUNT_WORDS = frozenset(
    {"user", "users", "author", "account", "screen", "username", "handle", "acct", "did"}
)
# what an account object may keep: its counts and flags, nothing that names or points to it
_ACCOUNT_FACTS = frozenset(
    {
        "followers_count",
        "friends_count",
        "following_count",
        "followings_count",
        "statuses_count",
        "listed_count",
        "favourites_count",
        "followersCount",
        "followsCount",
        "postsCount",
        "public_metrics",
        "verified",
        "protected",
        "bot",
        "locked",
        "created_at",
        "lang",
    }
)
# a link to a tweet through its author's handle: by id only, which needs no name
_TWEET_LINK = re.compile(
    r"\b((?:twitter|x)\.com/)(?!i/|hashtag/|search|intent/|home\b)[A-Za-z0-9_]{1,15}(?=/)"
)
# an ActivityPub actor in a link (Mastodon's `uri`: /users/<name>/statuses/<id>)
_AP_ACTOR = re.compile(r"/users/([A-Za-z0-9_.\-]+)(?=/)")
_HTML_MENTION = re.compile(r"@<span>([^<@\s]+)</span>")
# where a post was sent from: exact GPS points (Twitter's `coordinates`, `geo`) and places
# name where a person stands; the analysis never needs them
_PLACE_KEYS = frozenset({"coordinates", "geo", "place", "geo_location"})
_TRIGGERS = (
    ('"user"', '"account"', '"author"', '"includes"', "@", "_user", "_author", "_account")
    + tuple(f'"{k}"' for k in _PLACE_KEYS)
    + ("twitter.com/", "x.com/", "/users/")
    + tuple(f'"{k}"' for k in HANDLE_KEYS)
)

# the same test for a whole column at once (Arrow's RE2 in one pass; see `may_name_someone`)
_TRIGGER_RE = "|".join(re.escape(k) for k in _TRIGGERS)


def may_name_someone(payloads: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Which kept payloads `_scrub_raw` may change (the others it returns as they are):
    one vectorised pass instead of a Python loop over every payload."""
    return pc.fill_null(pc.match_substring_regex(payloads, _TRIGGER_RE), False)


@functools.lru_cache(maxsize=8192)  # a payload's keys repeat from record to record
def _names_account(key: str) -> bool:
    return not _ACCOUNT_WORDS.isdisjoint(re.split(r"[_.\-]", key.lower()))


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
            f = _key_flags(k)
            if f & _PLACE:
                continue
            if isinstance(v, str):  # leaves inline (most values): no call per value
                if f & _HANDLE or (inside_account and not f & _FACT):
                    continue
                if "twitter.com/" in v or "x.com/" in v:
                    v = _TWEET_LINK.sub(r"\1i/web", v)
                if "/users/" in v and text_fn is not None:
                    v = _AP_ACTOR.sub(lambda m: "/users/" + _actor(m.group(1), text_fn), v)
                out[k] = _text(v, text_fn) if text_fn is not None and "@" in v else v
            elif isinstance(v, dict | list):
                if inside_account and f & _IDENTITY and not f & _FACT:
                    continue
                is_acc = f & _ACCOUNT or (inside_account and k == "profile")
                out[k] = _scrub(
                    v,
                    inside_account=bool(is_acc)
                    or (inside_account and isinstance(v, dict) and k != "status"),
                    text_fn=text_fn,
                )
            elif (inside_account and not f & _FACT) or f & _NAMES_NOT_ACCOUNT:
                continue  # an account's number (in_reply_to_user_id)
            else:
                out[k] = v
        return out
    if isinstance(obj, list):
        return [
            _scrub(v, inside_account=inside_account, text_fn=text_fn)
            if isinstance(v, (dict, list, str))
            else v
            for v in obj
        ]
    if text_fn is not None and isinstance(obj, str) and "@" in obj:
        return _text(obj, text_fn)
    return obj


_PLACE, _IDENTITY, _HANDLE, _FACT, _ACCOUNT, _NAMES_NOT_ACCOUNT = 1, 2, 4, 8, 16, 32


@functools.lru_cache(maxsize=8192)
def _key_flags(key: str) -> int:
    """What `_scrub` needs to know of a key, worked out once per key (a payload walk meets
    the same few dozen keys a million times: 1.9 s of 8.6 for 30,000 API tweets)."""
    names = _names_account(key)
    return (
        (_PLACE if key in _PLACE_KEYS else 0)
        | (_IDENTITY if key in _IDENTITY_KEYS else 0)
        | (_HANDLE if key in HANDLE_KEYS or names else 0)
        | (_FACT if key in _ACCOUNT_FACTS else 0)
        | (_ACCOUNT if key in _ACCOUNT_KEYS else 0)
        | (_NAMES_NOT_ACCOUNT if names and key not in _ACCOUNT_KEYS else 0)
    )


_ACCOUNT_KEYS = frozenset({"user", "account", "author", "users", "user_mentions", "mentions"})


def _actor(name: str, text_fn: Callable[[str], str | None]) -> str:
    """An account name in a link, as its pseudonym (the one `@name` gets in text)."""
    return (text_fn("@" + name) or "").lstrip("@") or "anon"


def _text(value: str, text_fn: Callable[[str], str | None]) -> str | None:
    if "@<span>" in value:  # Mastodon HTML mentions: `@<span>name</span>`
        value = _HTML_MENTION.sub(r"@\1", value)
    return text_fn(value)
