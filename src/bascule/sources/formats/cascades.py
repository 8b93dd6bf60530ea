"""Propagation-tree edge lists (Twitter15/16 of Ma, Gao & Wong, ACL 2017, as `edges.tsv`).

Columns: `root_tweet_id, parent_uid, parent_tweet_id, parent_delay_min, child_uid,
child_tweet_id, child_delay_min`; the first row of a tree has parent `ROOT`. Times are the
root's snowflake time plus the delay. Each other row is a repost by `child_uid` of the post
of `parent_uid` it got it from (the root, or the parent's own repost or reply): so the
interaction (child acted on parent, target the parent's post) names the post of the account
it names, the amplification graph has the tree's edges, and cascade links form the tree
(downstream credit), as when the file is read with `--graph`.

Most reposts of the Twitter15 release carry the id of the tweet they repost instead of their
own (502,335 of its 566,380 rows): such a repost gets the id `<that id>-<uid>`, so it is
neither lost as a duplicate nor confused with the tweet it reposts. A tree node's post id
comes from its (uid, tweet id, delay) alone, so a row names its parent's post as the
parent's own row named it: the source tweet is the node with the root's id at delay 0 (in
the whole release, the root's author exactly); another tweet id is the node's own when its
snowflake time is the node's time (in the whole release, own tweets are within 1.4 s of
it, carried ids further away).
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


# own tweets are within 0.022 minutes of their node's time in the whole release: delays are
# rounded to 0.01 minutes
_OWN_TOLERANCE_MIN = 0.05


def node_post_id(root: str, uid: str, tweet: str, delay: float) -> str:
    """The post id of the tree node (uid, tweet id, delay) of the tree of `root`."""
    if tweet == root:
        return root if delay == 0 else f"{root}-{uid}"
    try:
        lag = (snowflake_time(tweet) - snowflake_time(root)) / timedelta(minutes=1)
    except ValueError:
        raise RecordError(f"bad tweet id {tweet!r}") from None
    return tweet if abs(lag - delay) <= _OWN_TOLERANCE_MIN else f"{tweet}-{uid}"


def _delay(row: dict[str, str], column: str) -> float:
    try:
        delay = float(row.get(column) or 0.0)
    except ValueError:
        raise RecordError(f"bad delay {row.get(column)!r}") from None
    if not delay >= 0:
        raise RecordError(f"bad delay {delay!r}")
    return delay


def map_edge(row: dict[str, str], raw: str | None = None) -> Post:
    """One edge of a propagation tree as a Post: the root, or a repost of the parent's post."""
    root, child = row.get("root_tweet_id"), row.get("child_tweet_id")
    child_uid, parent_uid = row.get("child_uid"), row.get("parent_uid")
    if not root or not child or not child_uid:
        raise RecordError("missing id")
    delay = _delay(row, "child_delay_min")
    try:
        when = snowflake_time(root) + timedelta(minutes=delay)
    except ValueError:
        raise RecordError(f"bad tweet id {root!r}") from None
    author = Account(PLATFORM, child_uid)
    if parent_uid in (None, "", "ROOT"):
        return Post(PLATFORM, child, author, when, conversation_id=root, raw=raw)
    parent_tweet = row.get("parent_tweet_id")
    if not parent_tweet:
        raise RecordError("missing parent tweet id")
    post_id = node_post_id(root, child_uid, child, delay)
    parent_id = node_post_id(root, parent_uid, parent_tweet, _delay(row, "parent_delay_min"))
    if post_id in (parent_id, root):
        # a node listed again as a child (of itself, or the source under one of its
        # retweeters): the same post, with no new repost in it
        return Post(PLATFORM, post_id, author, when, conversation_id=root, raw=raw)
    return Post(
        PLATFORM,
        post_id,
        author,
        when,
        repost_of=parent_id,
        repost_of_author=Account(PLATFORM, parent_uid),
        conversation_id=root,
        raw=raw,
    )
