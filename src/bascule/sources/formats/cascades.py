"""Propagation-tree edge lists (Twitter15/16 of Ma, Gao & Wong, ACL 2017, as `edges.tsv`).

Columns: `root_tweet_id, parent_uid, parent_tweet_id, parent_delay_min, child_uid,
child_tweet_id, child_delay_min`; the first row of a tree has parent `ROOT`. Times are the
root's snowflake time plus the delay. Each other row is a repost of the root by `child_uid`,
with a `repost` interaction towards `parent_uid`: the account they got it from. Most reposts
of the Twitter15 release carry the id of the tweet they repost instead of their own (502,335
of its 566,380 rows): such a repost gets the id `<that id>-<child_uid>`, so it is neither
lost as a duplicate nor confused with the tweet it reposts.
"""

from __future__ import annotations

from datetime import timedelta

from bascule.sources.formats.common import snowflake_time
from bascule.sources.model import Account, Post, RecordError

PLATFORM = "twitter"
COLUMNS = (
    "root_tweet_id",
    "parent_uid",
    "parent_tweet_id",
    "parent_delay_min",
    "child_uid",
    "child_tweet_id",
    "child_delay_min",
)


def looks_like(columns: list[str]) -> bool:
    """True when a TSV/CSV header is a cascades edge list."""
    return set(COLUMNS) <= set(columns)


def map_edge(row: dict[str, str], raw: str | None = None) -> Post:
    """One edge of a propagation tree as a Post (the root, or a repost of it)."""
    root, child = row.get("root_tweet_id"), row.get("child_tweet_id")
    child_uid, parent_uid = row.get("child_uid"), row.get("parent_uid")
    if not root or not child or not child_uid:
        raise RecordError("missing id")
    try:
        delay = float(row.get("child_delay_min") or 0.0)
    except ValueError:
        raise RecordError(f"bad delay {row.get('child_delay_min')!r}") from None
    if not delay >= 0:
        raise RecordError(f"bad delay {delay!r}")
    try:
        when = snowflake_time(root) + timedelta(minutes=delay)
    except ValueError:
        raise RecordError(f"bad tweet id {root!r}") from None
    author = Account(PLATFORM, child_uid)
    own = parent_uid in (None, "", "ROOT") or (
        child in (root, row.get("parent_tweet_id")) and child_uid == parent_uid
    )
    if own:
        return Post(PLATFORM, child, author, when, conversation_id=root, raw=raw)
    if child in (root, row.get("parent_tweet_id")):
        # the release gives most retweets the id of the tweet they retweeted: one account
        # retweets a tweet once, so the account names the retweet
        child = f"{child}-{child_uid}"
    return Post(
        PLATFORM,
        child,
        author,
        when,
        repost_of=root,
        repost_of_author=Account(PLATFORM, parent_uid),
        conversation_id=root,
        raw=raw,
    )
