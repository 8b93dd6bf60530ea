"""Generic tables (JSONL, CSV, Parquet, spreadsheets) with a column mapping: `--map id=tweet_id,text=body`.

Fields not given are detected from common column names (`id`, `tweet_id`, `user_id`,
`created_at`, `text`, `in_reply_to_status_id`, `retweet_count`, ...). Dotted names reach
into nested JSON objects (`user.id_str`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from bascule.errors import InputError
from bascule.i18n import plural_s
from bascule.sources.formats.common import DateRule, to_bool, to_id, to_int
from bascule.sources.model import Account, Post, RecordError

# field -> column names tried in order when the mapping does not name one (English first, then
# the French a Quebec team's own spreadsheet would use)
CANDIDATES: dict[str, tuple[str, ...]] = {
    "id": (
        *("id", "post_id", "native_id", "tweet_id", "id_str", "status_id", "retweet_id", "uri"),
        "identifiant",
    ),
    "author": (
        "author_id",
        "user_id",
        "user.id_str",
        "user.id",
        "uid",
        "account_id",
        "author",
        "username",
        "screen_name",
        "user_screen_name",
        "handle",
        "auteur",
        "compte",
    ),
    "handle": (
        *("user_screen_name", "screen_name", "username", "handle", "author_handle", "author"),
        *("pseudo", "auteur", "compte"),
    ),
    "created_at": (
        "created_at",
        "createdAt",
        "timestamp",
        "date",
        "datetime",
        "time",
        "published",
        "unix_timestamp",
        "date_publication",
        "horodatage",
    ),
    "text": ("text", "full_text", "body", "content", "message", "tweet", "texte", "contenu"),
    "lang": ("lang", "language", "langue"),
    "reply_to": (
        "in_reply_to_status_id",
        "in_reply_to_status_id_str",
        "reply_to",
        "in_reply_to_id",
        "in_reply_to",
        "parent_id",
    ),
    "reply_to_author": (
        "in_reply_to_user_id",
        "in_reply_to_user_id_str",
        "reply_to_author",
        "in_reply_to_account_id",
    ),
    "repost_of": ("retweeted_status_id", "repost_of", "retweet_of", "reblog_of", "retweeted_id"),
    "repost_of_author": ("retweeted_user_id", "repost_of_author", "retweeted_status_user_id"),
    "quote_of": ("quoted_status_id", "quote_of", "quoted_id"),
    "quote_of_author": ("quoted_user_id", "quote_of_author"),
    "conversation_id": ("conversation_id", "thread_id"),
    "url": ("url", "link", "permalink", "lien"),
    "likes": ("favorite_count", "like_count", "likes", "favourites_count", "likes_count", "j_aime"),
    "reposts": ("retweet_count", "reposts", "repost_count", "reblogs_count", "shares", "partages"),
    "replies": ("reply_count", "replies", "replies_count", "reponses", "réponses"),
    "quotes": ("quote_count", "quotes"),
    "followers": ("user_followers_count", "followers_count", "followers", "abonnes", "abonnés"),
    "following": ("user_friends_count", "friends_count", "following_count", "following"),
    "verified": ("user_verified", "verified"),
    "platform": ("platform",),
}
FIELDS = tuple(CANDIDATES)
# an id a spreadsheet held as a number and wrote in scientific notation (1.83747E+18): its
# last digits are lost, so posts (or accounts) would share it: such a post or author id is a
# reject, such an id of a post or account acted on is dropped (`store.bulk`: `b_rounded`)
ROUNDED_ID = re.compile(r"[0-9]([.][0-9]+)?[eE][+]?[0-9]+")
_ISO = DateRule()  # `parse_time`: ISO 8601, Twitter's dates, epochs; UTC when no zone


def parse_mapping(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """`"id=tweet_id,author=user"` (or a dict) → {field: column}; unknown fields are errors."""
    if not spec:
        return {}
    if isinstance(spec, str):
        pairs = {}
        for part in spec.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise InputError(
                    f"--map: expected field=column, got {part.strip()!r}",
                    fr=f"correspondance des colonnes (--map) : champ=colonne attendu, "
                    f"pas {part.strip()!r}",
                )
            k, v = part.split("=", 1)
            pairs[k.strip()] = v.strip()
        spec = pairs
    bad = sorted(set(spec) - set(FIELDS))
    if bad:
        s = plural_s(len(bad), "fr")
        raise InputError(
            f"--map: unknown field(s) {', '.join(bad)}; known: {', '.join(FIELDS)}",
            fr=f"correspondance des colonnes (--map) : champ{s} inconnu{s} {', '.join(bad)} ; "
            f"champs connus : {', '.join(FIELDS)}",
        )
    return dict(spec)


def key_paths(record: Mapping[str, Any]) -> list[str]:
    """A record's keys and those of the objects it holds (`user.id`), for `ColumnMap.resolve`:
    `user.id_str` is then taken only where the record has it, not wherever it has a `user`."""
    out = list(record)
    for key, value in record.items():
        if isinstance(value, Mapping):
            out += [f"{key}.{sub}" for sub in value]
    return out


@dataclass
class ColumnMap:
    """Which column feeds which Post field, resolved once against a file's columns."""

    columns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(cls, available: Iterable[str], mapping: Mapping[str, str] | None) -> ColumnMap:
        """Explicit mapping first, then the first candidate column present."""
        have = list(available)
        cols = dict(mapping or {})
        for name, col in cols.items():
            if "." not in col and col not in have:
                raise InputError(
                    f"--map {name}={col}: no column {col!r} (have: {', '.join(have)})",
                    fr=f"correspondance des colonnes (--map) {name}={col} : pas de colonne "
                    f"{col!r} (colonnes : {', '.join(have)})",
                )
        used = set(cols.values())
        nested = {h.split(".", 1)[0] for h in have if "." in h}  # objects whose keys are known
        written: dict[str, str] = {}  # a heading as people write it (`J'aime`) -> `j_aime`
        for h in have:
            written.setdefault(_plain(h), h)
        for name, cands in CANDIDATES.items():
            if name in cols:
                continue
            for c in cands:
                top = c.split(".", 1)[0]
                present = c in have if "." in c and top in nested else top in have
                if not present and "." not in c and _plain(c) in written:
                    c, present = written[_plain(c)], True
                if present and c not in used:
                    cols[name] = c
                    if name != "handle":
                        used.add(c)
                    break
        for need in ("id", "author", "created_at"):
            if need not in cols:
                raise InputError(
                    f"cannot tell which column is the post {need}; give it with "
                    f"--map {need}=COLUMN (columns: {', '.join(have)})",
                    fr=f"impossible de savoir quelle colonne donne « {need} » : indiquez-la "
                    f"dans la correspondance des colonnes, {need}=COLONNE "
                    f"(colonnes : {', '.join(have)})",
                )
        return cls(cols)

    def get(self, row: Mapping[str, Any], name: str) -> Any:
        col = self.columns.get(name)
        if col is None:
            return None
        if col in row or "." not in col:
            return row.get(col)
        cur: Any = row
        for part in col.split("."):
            if not isinstance(cur, Mapping):
                return None
            cur = cur.get(part)
        return cur


def _ref(value: Any) -> str | None:
    """The id of a post or account acted on; None when a spreadsheet rounded it (it would
    link the post to another one, or to none: the link is dropped, the post kept)."""
    got = to_id(value)
    return None if got is None or ROUNDED_ID.fullmatch(got) else got


def _plain(name: str) -> str:
    """A column name without case, accents or punctuation (`J’aime`, `Réponses`, `Date de
    publication` -> `j_aime`, `reponses`, `date_de_publication`): spreadsheets' headings
    are written by people, the candidate names in snake case."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", "_", bare.lower()).strip("_")


def remainder(row: Mapping[str, Any], cmap: ColumnMap) -> str | None:
    """The row's fields the column map did not take, as JSON (None when it took them all).

    A generic file's mapped columns are its payload: storing the whole row again would keep
    everything twice, so `raw` keeps only the rest (as `store.bulk` does for JSON lines).
    """
    rest: dict[str, Any] = dict(row)
    for col in set(cmap.columns.values()):
        if col in rest:
            del rest[col]
            continue
        *parents, leaf = col.split(".")
        node: Any = rest
        for part in parents:
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, dict) and leaf in node:
            node = _copy_path(rest, parents)
            del node[leaf]
    return orjson.dumps(rest, default=str).decode() if rest else None


def _copy_path(row: dict[str, Any], parents: list[str]) -> dict[str, Any]:
    """The nested dict at `parents`, copied on the way so the caller's row stays intact."""
    node = row
    for part in parents:
        node[part] = dict(node[part])
        node = node[part]
    return node


def map_row(
    row: Mapping[str, Any],
    cmap: ColumnMap,
    *,
    platform: str = "generic",
    raw: str | None = None,
    dates: DateRule | None = None,
) -> Post:
    """One table row as a Post, through the resolved column map; `raw` is replaced by the
    fields the map did not take (see `remainder`); dates read as `dates` says, if given."""
    g = cmap.get
    pid = to_id(g(row, "id"))
    if not pid:
        raise RecordError("missing id")
    if ROUNDED_ID.fullmatch(pid):
        raise RecordError(f"id rounded by a spreadsheet {pid!r}")
    plat = str(g(row, "platform") or platform)
    aid = to_id(g(row, "author"))
    if aid and ROUNDED_ID.fullmatch(aid):
        raise RecordError(f"author id rounded by a spreadsheet {aid!r}")
    handle = g(row, "handle")
    handle = str(handle) if handle not in (None, "") else None
    if not aid and not handle:
        raise RecordError("missing author")
    author = Account(
        plat,
        aid,
        handle=handle if cmap.columns.get("handle") != cmap.columns.get("author") else aid,
        followers=to_int(g(row, "followers")),
        following=to_int(g(row, "following")),
        verified=to_bool(g(row, "verified")),
    )

    def other(post_field: str) -> tuple[str | None, Account | None]:
        target = _ref(g(row, post_field))
        who = _ref(g(row, post_field + "_author"))
        return target, (Account(plat, who) if who else None)

    reply_to, reply_author = other("reply_to")
    repost_of, repost_author = other("repost_of")
    quote_of, quote_author = other("quote_of")
    text = g(row, "text")
    return Post(
        platform=plat,
        native_id=pid,
        author=author,
        created_at=(dates or _ISO).parse(g(row, "created_at")),
        text=None if text is None else str(text),
        lang=g(row, "lang") or None,
        reply_to=reply_to,
        reply_to_author=reply_author,
        repost_of=repost_of,
        repost_of_author=repost_author,
        quote_of=quote_of,
        quote_of_author=quote_author,
        conversation_id=to_id(g(row, "conversation_id")),
        url=g(row, "url") or None,
        likes=to_int(g(row, "likes")),
        reposts=to_int(g(row, "reposts")),
        replies=to_int(g(row, "replies")),
        quotes=to_int(g(row, "quotes")),
        raw=remainder(row, cmap),
    )
