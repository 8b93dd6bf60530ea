"""Bluesky (AT Protocol): `app.bsky.feed.post` and `app.bsky.feed.repost` records, Jetstream
commit events, and the `PostView` / `FeedViewPost` objects of the AppView API.

Post ids are the record's `at://DID/COLLECTION/RKEY` URI (globally unique); authors are keyed
by their DID, which never changes when a handle does.
"""

from __future__ import annotations

from typing import Any

from bascule.sources.formats.common import parse_time, to_int
from bascule.sources.model import Account, Deletion, Post, RecordError

PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"


def did_of(uri: str | None) -> str | None:
    """The DID (repository) part of an at:// URI."""
    if not uri or not uri.startswith("at://"):
        return None
    return uri[5:].split("/", 1)[0] or None


def web_url(uri: str, handle: str | None = None) -> str | None:
    """The bsky.app address of a post URI."""
    parts = uri[5:].split("/")
    if len(parts) != 3 or parts[1] != POST:
        return None
    return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"


def _acc(did: str | None, profile: dict[str, Any] | None = None) -> Account | None:
    if not did:
        return None
    p = profile or {}
    return Account(
        platform=PLATFORM,
        native_id=did,
        handle=p.get("handle"),
        display_name=p.get("displayName") or None,
        followers=to_int(p.get("followersCount")),
        following=to_int(p.get("followsCount")),
    )


def _embedded_uri(embed: Any) -> str | None:
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type", "")
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        return _embedded_uri(embed.get("record"))
    rec = embed.get("record")
    if isinstance(rec, dict):
        uri = rec.get("uri")
        if isinstance(uri, str):
            return uri
        return _embedded_uri(rec)
    return None


def map_post_record(
    uri: str,
    did: str,
    record: dict[str, Any],
    raw: str | None = None,
    *,
    author: dict[str, Any] | None = None,
    counts: dict[str, Any] | None = None,
) -> Post:
    """An `app.bsky.feed.post` record (text, createdAt, reply, quote embed, facets) as a Post."""
    if not isinstance(record, dict):
        raise RecordError("record is not a JSON object")
    if not uri or not did:
        raise RecordError("missing id")
    reply = record.get("reply") or {}
    parent = (reply.get("parent") or {}).get("uri") if isinstance(reply, dict) else None
    root = (reply.get("root") or {}).get("uri") if isinstance(reply, dict) else None
    quote = _embedded_uri(record.get("embed"))
    if quote and "/app.bsky.feed.post/" not in quote:
        quote = None  # an embedded feed generator or list, not a post
    mentions: list[Account] = []
    for facet in record.get("facets") or ():
        for feat in (facet or {}).get("features") or ():
            is_mention = (feat or {}).get("$type", "").endswith("#mention")
            if is_mention and feat.get("did") and feat["did"] != did_of(parent):
                mentions.append(_acc(feat["did"]))
    langs = record.get("langs") or []
    c = counts or {}
    prof = author or {}
    return Post(
        platform=PLATFORM,
        native_id=uri,
        author=_acc(did, prof),
        created_at=parse_time(record.get("createdAt")),
        text=record.get("text"),
        lang=langs[0] if langs else None,
        reply_to=parent,
        reply_to_author=_acc(did_of(parent)),
        quote_of=quote,
        quote_of_author=_acc(did_of(quote)),
        mentions=mentions,
        conversation_id=root or (uri if parent is None else None),
        url=web_url(uri, prof.get("handle")),
        likes=to_int(c.get("likeCount")),
        reposts=to_int(c.get("repostCount")),
        replies=to_int(c.get("replyCount")),
        quotes=to_int(c.get("quoteCount")),
        raw=raw,
    )


def map_repost_record(uri: str, did: str, record: dict[str, Any], raw: str | None = None) -> Post:
    """An `app.bsky.feed.repost` record as a repost Post of its subject."""
    if not isinstance(record, dict):
        raise RecordError("record is not a JSON object")
    subject = (record.get("subject") or {}).get("uri")
    if not uri or not did or not subject:
        raise RecordError("missing id" if not uri else "repost without subject")
    return Post(
        platform=PLATFORM,
        native_id=uri,
        author=_acc(did),
        created_at=parse_time(record.get("createdAt")),
        repost_of=subject,
        repost_of_author=_acc(did_of(subject)),
        raw=raw,
    )


def map_record(uri: str, did: str, record: dict[str, Any], raw: str | None = None) -> Post | None:
    """A post or repost record by its `$type` (or collection in the URI); None for others."""
    kind = record.get("$type") if isinstance(record, dict) else None
    kind = kind or (uri.split("/")[3] if uri.count("/") >= 4 else None)
    if kind == POST:
        return map_post_record(uri, did, record, raw)
    if kind == REPOST:
        return map_repost_record(uri, did, record, raw)
    return None


def map_jetstream_event(event: dict[str, Any], raw: str | None = None) -> Post | Deletion | None:
    """A Jetstream event: commit create/update → Post, delete → Deletion, others → None."""
    if not isinstance(event, dict):
        raise RecordError("not a JSON object")
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    did = event.get("did")
    coll, rkey = commit.get("collection"), commit.get("rkey")
    if coll not in (POST, REPOST):
        return None
    if not did or not rkey:
        raise RecordError("missing id")
    uri = f"at://{did}/{coll}/{rkey}"
    op = commit.get("operation")
    if op == "delete":
        return Deletion(PLATFORM, uri)
    if op not in ("create", "update"):
        return None
    record = commit.get("record")
    if coll == POST:
        return map_post_record(uri, did, record, raw)
    return map_repost_record(uri, did, record, raw)


def map_post_view(view: dict[str, Any], raw: str | None = None) -> Post:
    """A `PostView` (getPosts, searchPosts, feeds): record plus author profile and counts."""
    uri = view.get("uri")
    author = view.get("author") or {}
    did = author.get("did") or did_of(uri)
    return map_post_record(uri, did, view.get("record"), raw, author=author, counts=view)


def map_any(obj: Any, raw: str | None = None) -> list[Post | Deletion]:
    """Any Bluesky JSON line this importer knows; a list of what it holds (may be empty)."""
    if not isinstance(obj, dict):
        raise RecordError("not a JSON object")
    if "kind" in obj and "did" in obj:
        got = map_jetstream_event(obj, raw)
        return [got] if got is not None else []
    if isinstance(obj.get("post"), dict):  # FeedViewPost, maybe a repost by someone
        post = map_post_view(obj["post"], raw)
        reason = obj.get("reason") or {}
        if reason.get("$type", "").endswith("reasonRepost") and reason.get("by"):
            by = reason["by"]
            rid = reason.get("uri") or f"at://{by.get('did')}/{REPOST}/via-{post.native_id}"
            repost = Post(
                platform=PLATFORM,
                native_id=rid,
                author=_acc(by.get("did"), by),
                created_at=parse_time(reason.get("indexedAt")),
                repost_of=post.native_id,
                repost_of_author=post.author,
                raw=None,
            )
            return [repost, post]
        return [post]
    if isinstance(obj.get("record"), dict) and "author" in obj:
        return [map_post_view(obj, raw)]
    uri = obj.get("uri")
    record = obj.get("value", obj.get("record"))
    if isinstance(uri, str) and isinstance(record, dict):  # listRecords / getRecord output
        got = map_record(uri, obj.get("did") or did_of(uri), record, raw)
        return [got] if got is not None else []
    raise RecordError("not a Bluesky post, repost, PostView or Jetstream event")
