"""SQL for the message lab: the recent corpus, published messages, ambassador notices."""

from __future__ import annotations

from bascule.store.db import Store


def recent_texts(
    store: Store, *, days: int = 30, at_least: int = 1_000, limit: int = 50_000
) -> list[str]:
    """Texts of original posts from the last `days` days of data (not of the clock), or the
    `at_least` latest when those days hold fewer: a few new posts after a quiet month must
    not shrink the reference to a handful."""
    return [
        r[0]
        for r in store.rows(
            """
            SELECT text FROM posts
            WHERE repost_of IS NULL AND text IS NOT NULL
            QUALIFY created_at >= max(created_at) OVER () - to_days(CAST(? AS INTEGER))
                 OR row_number() OVER (ORDER BY created_at DESC, post_id) <= ?
            ORDER BY created_at DESC, post_id LIMIT ?
            """,
            [days, at_least, limit],
        )
    ]


def resolve_authors(store: Store, names: list[str]) -> dict[str, str | None]:
    """Map each given handle, pseudonym or author_id to an author_id (None when unknown)."""
    out: dict[str, str | None] = {}
    for name in names:
        key = name.strip().lstrip("@")
        row = store.execute(
            "SELECT author_id FROM authors WHERE author_id = ? OR lower(handle) = lower(?) "
            "ORDER BY author_id LIMIT 1",
            [name.strip(), key],
        ).fetchone()
        out[name] = row[0] if row else None
    return out


def community_membership(store: Store) -> dict[str, int]:
    """The last stored community of each author (filled by `bascule communities`)."""
    return dict(store.rows("SELECT author_id, community FROM communities"))


def post_row(store: Store, post_id: str) -> tuple | None:
    """(post_id, author_id, created_at, text) of a post by post_id or native id."""
    return store.execute(
        "SELECT post_id, author_id, created_at, text FROM posts WHERE post_id = ? OR native_id = ? "
        "ORDER BY post_id LIMIT 1",
        [post_id, post_id],
    ).fetchone()


def cascade(store: Store, post_id: str, until) -> list[tuple]:  # noqa: ANN001
    """(author_id, kind, created_at) of reposts, replies and quotes of a post until `until`."""
    return store.rows(
        "SELECT src_author, kind, created_at FROM interactions "
        "WHERE target_post_id = ? AND kind IN ('repost', 'reply', 'quote') AND created_at <= ? "
        "ORDER BY created_at",
        [post_id, until],
    )


def post_targets(store: Store, post_id: str) -> list[str]:
    return [
        r[0]
        for r in store.rows(
            "SELECT target_id FROM analyses WHERE post_id = ? ORDER BY target_id", [post_id]
        )
    ]


def stance_by_author(
    store: Store,
    target: str,
    start,  # noqa: ANN001
    end,  # noqa: ANN001
    exclude_post: str | None = None,
) -> dict[str, float]:
    """Mean stance (+1 favor, -1 against, 0 none) of each author toward `target` in [start, end).

    Posts that repost, quote or reply to `exclude_post` are left out: they are the exposure
    itself (a repost inherits the stance of what it reposts), not an outcome of it.
    """
    return dict(
        store.rows(
            """
        SELECT p.author_id, avg(CASE a.stance WHEN 'favor' THEN 1 WHEN 'against' THEN -1 ELSE 0 END)
        FROM analyses a JOIN posts p USING (post_id)
        WHERE a.target_id = ? AND p.created_at >= ? AND p.created_at < ?
          AND (CAST(? AS VARCHAR) IS NULL OR (p.post_id <> ?
               AND coalesce(p.repost_of, '') <> ? AND coalesce(p.quote_of, '') <> ?
               AND coalesce(p.reply_to, '') <> ?))
        GROUP BY p.author_id
        """,
            [target, start, end, *[exclude_post] * 5],
        )
    )


def record_message(
    store: Store,
    message_id: str,
    source: str,
    platform: str,
    post_id: str | None,
    text: str,
    dry_run: bool,
    created_at,
) -> None:  # noqa: ANN001
    store.execute(
        "INSERT OR REPLACE INTO messages VALUES (?,?,?,?,?,?,?)",
        [message_id, source, platform, post_id, text, dry_run, created_at],
    ).fetchall()


def messages(store: Store) -> list[dict]:
    cols = ["message_id", "source", "platform", "post_id", "text", "dry_run", "created_at"]
    return [
        dict(zip(cols, r, strict=True))
        for r in store.rows(f"SELECT {', '.join(cols)} FROM messages ORDER BY created_at")
    ]


def record_notice(
    store: Store, message_id: str, ambassador: str, channel: str, status: str, sent_at
) -> bool:  # noqa: ANN001
    """Record a notice once; False when this ambassador already got this message.

    A failed notice is overwritten by the next try; a sent one is never touched again.
    """
    n = store.execute(
        "INSERT INTO ambassador_notices VALUES (?,?,?,?,?) "
        "ON CONFLICT (message_id, ambassador) DO UPDATE SET channel = excluded.channel, "
        "status = excluded.status, sent_at = excluded.sent_at "
        "WHERE ambassador_notices.status <> 'sent'",
        [message_id, ambassador, channel, status, sent_at],
    ).fetchall()[0][0]
    return bool(n)


def sent_notices(store: Store, message_id: str) -> set[str]:
    """Ambassadors who already received this message (status 'sent')."""
    return {
        r[0]
        for r in store.rows(
            "SELECT ambassador FROM ambassador_notices WHERE message_id = ? AND status = 'sent'",
            [message_id],
        )
    }


def message_row(store: Store, message_id: str) -> dict | None:
    """A recorded message (published or dry run) by its id, or None."""
    cols = ["message_id", "source", "platform", "post_id", "text", "dry_run", "created_at"]
    row = store.execute(
        f"SELECT {', '.join(cols)} FROM messages WHERE message_id = ?", [message_id]
    ).fetchone()
    return dict(zip(cols, row, strict=True)) if row else None


def post_url(store: Store, post_id: str) -> str | None:
    """The public URL of a stored post, when the platform gave one."""
    return store.scalar("SELECT url FROM posts WHERE post_id = ?", [post_id])


def notices(store: Store, message_id: str) -> list[tuple]:
    return store.rows(
        "SELECT ambassador, channel, status, sent_at FROM ambassador_notices WHERE message_id = ? "
        "ORDER BY ambassador",
        [message_id],
    )


def shared_by(
    store: Store,
    author_ids: list[str],
    text: str,
    since,
    post_id: str | None,  # noqa: ANN001
) -> set[str]:
    """Which of `author_ids` reposted `post_id` or posted text containing the kit since `since`."""
    if not author_ids:
        return set()
    marks = ", ".join("?" * len(author_ids))
    probe = text.strip()[:60]
    rows = store.rows(
        f"""
        SELECT DISTINCT author_id FROM posts
        WHERE author_id IN ({marks}) AND created_at >= ?
          AND ((? IS NOT NULL AND (repost_of = ? OR quote_of = ?))
               OR (? <> '' AND contains(text, ?)))
        """,
        [*author_ids, since, post_id, post_id, post_id, probe, probe],
    )
    return {r[0] for r in rows}


def most_amplified(store: Store, *, limit: int = 5) -> list[tuple]:
    """(post_id, text, amplifications) of the original posts reposted or quoted most."""
    return store.rows(
        """
        SELECT p.post_id, p.text, count(*) AS n FROM interactions i
        JOIN posts p ON p.post_id = i.target_post_id
        WHERE i.kind IN ('repost', 'quote') AND p.text IS NOT NULL
        GROUP BY p.post_id, p.text ORDER BY n DESC, p.post_id LIMIT ?
        """,
        [limit],
    )
