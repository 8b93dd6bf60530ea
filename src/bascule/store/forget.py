"""`bascule forget`: erase an author and every trace of them (GDPR art. 17; Quebec private-sector act s. 28).

Deletes their posts, the reposts of their posts, every interaction they are on either side of,
the analyses, labels and alerts about their posts, their community row, their author row, and
the rejects that quote them; references to their posts in other people's posts are cut (the
reference and the kept payload). Their author id goes into `forgotten` and the ids of the
deleted posts into `tombstones`, so no later import or connector stores them, or reposts of
their posts, again.
"""

from __future__ import annotations

import re
from typing import Any

from bascule.errors import InputError
from bascule.privacy import Pseudonymizer, normalize
from bascule.store.db import COMPACTION_DUE, Store, count_rows, delete_where
from bascule.store.ingest import now


def resolve(
    store: Store,
    who: str,
    *,
    pseudonymizer: Pseudonymizer | None = None,
    platform: str | None = None,
) -> set[str]:
    """Author ids matching an author id, a pseudonym, a kept handle, or `platform:native id`."""
    who = who.strip()
    rows = store.rows(
        "SELECT author_id, pseudonymised FROM authors WHERE author_id = ? OR lower(handle) = ?"
        + (" AND platform = ?" if platform else ""),
        [who, normalize(who)] + ([platform] if platform else []),
    )
    shared = sorted(aid for aid, pseudonymised in rows if pseudonymised and aid != who)
    if len(shared) > 1:  # pseudonyms are 40 bits: a million authors may hold a pair
        raise InputError(
            f"the pseudonym {who!r} is shared by {len(shared)} authors: pass the author id of "
            f"the one to erase ({', '.join(shared)}), e.g. from `bascule export authors`",
            fr=f"le pseudonyme {who!r} est porté par {len(shared)} auteurs : donnez "
            f"l'identifiant d'auteur de celui à effacer ({', '.join(shared)}), par exemple "
            "lu dans `bascule export authors`",
        )
    found = {aid for aid, _ in rows}
    for aid in _keyed_ids(store, who, pseudonymizer, platform):
        if store.scalar("SELECT count(*) FROM authors WHERE author_id = ?", [aid]) or (
            store.scalar("SELECT count(*) FROM posts WHERE author_id = ?", [aid])
        ):
            found.add(aid)
    return found


def _platforms(store: Store, platform: str | None) -> list[str]:
    """The platform given, else every one the store knows of (an erased author's too)."""
    if platform:
        return [platform]
    return [
        r[0]
        for r in store.rows(
            "SELECT DISTINCT platform FROM authors UNION SELECT DISTINCT platform FROM posts "
            "UNION SELECT DISTINCT split_part(author_id, ':', 1) FROM forgotten"
        )
    ]


def _keyed_ids(
    store: Store, who: str, pseudonymizer: Pseudonymizer | None, platform: str | None
) -> list[str]:
    """The author ids `who` is keyed to: `platform:native id` (or `platform:name`), or a
    handle on each platform (an author known only by a handle is keyed by `@handle`)."""
    if pseudonymizer is None:
        return []
    platforms = _platforms(store, platform)
    keys = []
    if ":" in who and not who.startswith("@") and who.split(":", 1)[0] in platforms:
        plat, native = who.split(":", 1)
        keys.append((plat, native))
        keys.append((plat, "@" + normalize(native)))
    else:
        for plat in platforms:
            keys.append((plat, normalize(who) if not who.startswith("@") else who[1:]))
            keys.append((plat, "@" + normalize(who)))
    return [pseudonymizer.author_id(plat, key) for plat, key in keys]


def forgotten_ids(
    store: Store,
    who: str,
    *,
    pseudonymizer: Pseudonymizer | None = None,
    platform: str | None = None,
) -> set[str]:
    """The author ids in `forgotten` that `who` names (an author id, `platform:native id`,
    a handle an erasure recorded, or a pseudonym: its 10 characters begin the hash of the
    author id): a person erased before, whom nothing matches any more."""
    candidates = {who.strip(), *_keyed_ids(store, who.strip(), pseudonymizer, platform)}
    marks = ", ".join("?" * len(candidates))
    found = {
        r[0]
        for r in store.rows(
            f"SELECT author_id FROM forgotten WHERE author_id IN ({marks})", sorted(candidates)
        )
    }
    name = who.strip().lower()
    if re.fullmatch(r"anon-[0-9a-f]{10}", name):
        found |= {
            r[0]
            for r in store.rows(
                "SELECT author_id FROM forgotten WHERE starts_with(split_part(author_id, ':', 2), ?)"
                + (" AND split_part(author_id, ':', 1) = ?" if platform else ""),
                [name[5:]] + ([platform] if platform else []),
            )
        }
    return found


def forget(
    store: Store,
    *authors: str,
    pseudonymizer: Pseudonymizer | None = None,
    platform: str | None = None,
) -> dict[str, Any]:
    """Erase each author (id, pseudonym, kept handle or `platform:native id`) everywhere; a
    handle (`@name`) also erases the mentions of that name in other people's posts.

    Returns {"forgotten": [author ids], "deleted": {table: rows}, "already": [names of
    people erased before], "handles": [handles taken as those of the accounts erased],
    "unmatched": [names that matched no author]}. Whatever matched is erased. A handle that
    matched no author, given with an account that did (or was erased before), is that
    account's handle, as PRIVACY.md's `twitter:12345 @theirname` gives it, when it left a
    trace: @mentions of it were found, or an earlier erasure recorded it; it goes into
    `forgotten` keyed as a handle, with the account's platform, so a later import that
    knows them by it stores nothing and asking again says they were erased. A name that
    matched nothing else is listed (a handle may still have erased the @mentions of it),
    and when nothing matched at all it is an InputError, so a typo never looks like a
    successful erasure.
    """
    ids: set[str] = set()
    known: set[str] = set()  # ids of the people named who were erased before
    already: list[str] = []
    unmatched: list[str] = []
    traced: list[str] = []  # unmatched handles whose @mentions were found
    for who in authors:
        got = resolve(store, who, pseudonymizer=pseudonymizer, platform=platform)
        gone = set() if got else forgotten_ids(store, who, pseudonymizer=pseudonymizer,
                                                platform=platform)  # fmt: skip
        ids |= got
        known |= gone
        if gone:
            already.append(who)
        elif not got:
            unmatched.append(who)
            if _mentioned(store, _mention_pseudonyms(store, (who,), pseudonymizer)):
                traced.append(who)
    handles = [w for w in traced if _is_handle(w)] if ids or known else []
    unmatched = [w for w in unmatched if w not in handles]
    if not ids and not traced and not already:
        names = ", ".join(repr(w) for w in unmatched)
        raise InputError(
            f"no author matches {names}: give an author id, a pseudonym (anon-…), a kept "
            "handle, or PLATFORM:ACCOUNT_ID (e.g. twitter:12345, mastodon:user@host)",
            fr=f"aucun auteur ne correspond à {names} : donnez un identifiant d'auteur, un "
            "pseudonyme (anon-…), un pseudo conservé en clair, ou PLATEFORME:IDENTIFIANT "
            "(par exemple twitter:12345, mastodon:nom@serveur)",
        )
    tokens = [
        a.split(":", 1)[1] if ":" in a and not a.startswith("@") else a.lstrip("@") for a in authors
    ]
    deleted = _erase(
        store,
        sorted(ids),
        [t for t in tokens if len(t) >= 4],
        _mention_pseudonyms(store, authors, pseudonymizer),
        remember=_handle_ids(handles, ids | known, pseudonymizer),
    )
    return {
        "forgotten": sorted(ids),
        "deleted": deleted,
        "already": already,
        "handles": handles,
        "unmatched": unmatched,
    }


def _is_handle(name: str) -> bool:
    """`@name` (or a bare name): not an author id, `platform:id` or a pseudonym."""
    return name.startswith("@") or (":" not in name and not name.startswith("anon-"))


def _handle_ids(
    handles: list[str], accounts: set[str], pseudonymizer: Pseudonymizer | None
) -> list[str]:
    """The author ids of `handles` keyed as handles, on the platforms of `accounts` (the
    account ids erased with them): what `forgotten` records so that they stay erased."""
    if pseudonymizer is None or not handles:
        return []
    platforms = sorted({a.split(":", 1)[0] for a in accounts})
    return sorted(
        {pseudonymizer.author_id(p, "@" + normalize(h)) for h in handles for p in platforms}
    )


def _mention_pseudonyms(
    store: Store, authors: tuple[str, ...], pseudonymizer: Pseudonymizer | None
) -> list[str]:
    """What `@handle` became in other people's text, for each handle given: a mention is
    pseudonymised from the handle, which the store does not keep, so only a handle given to
    `forget` finds them."""
    if pseudonymizer is None:
        return []
    handles = [
        normalize(a)
        for a in authors
        if not a.startswith("anon-") and (a.startswith("@") or ":" not in a)
    ]
    if not handles:
        return []
    platforms = [r[0] for r in store.rows("SELECT DISTINCT platform FROM posts")]
    return [pseudonymizer.pseudonym(p, "@" + h) for h in handles for p in platforms]


def _mentioned(store: Store, pseudonyms: list[str]) -> bool:
    return any(
        store.scalar("SELECT count(*) FROM posts WHERE contains(text, ?)", ["@" + p])
        for p in pseudonyms
    )


def _erase(
    store: Store, ids: list[str], tokens: list[str], mentions: list[str], *, remember: list[str]
) -> dict[str, int]:
    """Delete every trace of the authors `ids` (see the module), the rejects holding one of
    `tokens`, their @`mentions`; record `ids` and `remember` (their handles) as forgotten."""
    handles = [
        r[0] for r in store.rows(f"SELECT handle FROM authors WHERE author_id IN ({_q(ids)})", ids)
    ]
    out: dict[str, int] = {}
    with store.transaction() as con:
        con.execute("CREATE TEMP TABLE _f_authors (author_id VARCHAR)")
        if ids:
            con.executemany("INSERT INTO _f_authors VALUES (?)", [[a] for a in ids])
        con.execute(
            "CREATE TEMP TABLE _f_posts AS SELECT post_id FROM posts "
            "WHERE author_id IN (SELECT author_id FROM _f_authors)"
        )
        con.execute(
            "INSERT INTO _f_posts SELECT post_id FROM posts "
            "WHERE repost_of IN (SELECT post_id FROM _f_posts)"
        )
        out["posts"] = count_rows(con, "SELECT count(*) FROM _f_posts")
        out["interactions"] = delete_where(
            con,
            "interactions",
            "src_author IN (SELECT author_id FROM _f_authors) "
            "OR dst_author IN (SELECT author_id FROM _f_authors) "
            "OR post_id IN (SELECT post_id FROM _f_posts) "
            "OR target_post_id IN (SELECT post_id FROM _f_posts)",
        )
        out["analyses"] = delete_where(con, "analyses", "post_id IN (SELECT post_id FROM _f_posts)")
        out["post_analyses"] = delete_where(
            con, "post_analyses", "post_id IN (SELECT post_id FROM _f_posts)"
        )
        out["stance_labels"] = delete_where(
            con, "stance_labels", "text_id IN (SELECT post_id FROM _f_posts)"
        )
        out["alerts"] = delete_where(con, "alerts", "post_id IN (SELECT post_id FROM _f_posts)")
        delete_where(  # their deliveries name the alert, and so the post
            con, "alert_deliveries", "alert_id NOT IN (SELECT alert_id FROM alerts)"
        )
        out["communities"] = delete_where(
            con, "communities", "author_id IN (SELECT author_id FROM _f_authors)"
        )
        for col in ("reply_to", "quote_of"):
            con.execute(
                f"UPDATE posts SET {col} = NULL, raw = NULL "
                f"WHERE {col} IN (SELECT post_id FROM _f_posts)"
            )
        con.execute("DELETE FROM posts WHERE post_id IN (SELECT post_id FROM _f_posts)")
        con.execute(  # their posts and the reposts of them never come back with a re-import
            "INSERT OR IGNORE INTO tombstones SELECT post_id, ? FROM _f_posts", [now()]
        )
        out["authors"] = delete_where(
            con, "authors", "author_id IN (SELECT author_id FROM _f_authors)"
        )
        out["mentions"] = 0
        for h in handles + mentions:  # their name or pseudonym in other people's text and
            # kept payload, whatever its case (a kept handle is written @RT_com or @rt_com)
            pattern = "@" + re.escape(h) + r"\b"
            for col in ("text", "raw"):
                out["mentions"] += con.execute(
                    f"UPDATE posts SET {col} = regexp_replace({col}, ?, '@[forgotten]', 'gi') "
                    f"WHERE regexp_matches({col}, ?, 'i')",
                    [pattern, pattern],
                ).fetchall()[0][0]
        out["rejects"] = 0
        for tok in tokens + handles:
            pattern = r"(^|[^\w])" + re.escape(tok) + r"($|[^\w])"
            out["rejects"] += delete_where(con, "rejects", "regexp_matches(record, ?)", [pattern])
        t = now()
        if ids or remember:
            con.executemany(
                "INSERT OR IGNORE INTO forgotten VALUES (?, ?)",
                [[a, t] for a in sorted({*ids, *remember})],
            )
        con.execute("DROP TABLE _f_posts")
        con.execute("DROP TABLE _f_authors")
    return out


def _q(items: list[Any]) -> str:
    return ", ".join("?" * len(items)) or "NULL"


def mark_compaction_due(store: Store) -> None:
    """Remember that erased rows still sit in the database file's free blocks (an erasure or a
    prune made while a server held the store): the next `Store.compact` clears it."""
    store.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [COMPACTION_DUE, "1"])


def compaction_due(store: Store) -> bool:
    return store.scalar("SELECT count(*) FROM meta WHERE key = ?", [COMPACTION_DUE]) > 0
