"""SQL of the web app: user accounts and login sessions (tables `users`, `web_sessions`)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bascule.store.db import Store


def _run(store: Store, sql: str, params: list[Any]) -> list[tuple]:
    """Execute and fetch everything (DuckDB wants each result consumed before the next)."""
    return store.con.execute(sql, params).fetchall()


def _one(store: Store, sql: str, params: list[Any]) -> tuple | None:
    rows = _run(store, sql, params)
    return rows[0] if rows else None


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


ROLES = ("admin", "analyst", "viewer")


def add_user(
    store: Store, username: str, password_hash: str, role: str, *, language: str | None = None
) -> None:
    """Create an account, or give an existing one this password and role (the caller hashes
    the password). An existing account keeps its creation date and, unless one is given, its
    language; its sessions end, so a new password locks out whoever held the old one."""
    existed = get_user(store, username) is not None
    _run(
        store,
        "INSERT INTO users VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
        "password_hash = excluded.password_hash, role = excluded.role, "
        "language = coalesce(excluded.language, users.language)",
        [username, password_hash, role, language, _now()],
    )
    if existed:
        _run(store, "DELETE FROM web_sessions WHERE username = ?", [username])


def end_sessions(store: Store, username: str, *, keep: str | None = None) -> None:
    """Log an account out everywhere, but for the session whose token hash is `keep`."""
    _run(
        store,
        "DELETE FROM web_sessions WHERE username = ? AND token_hash IS DISTINCT FROM ?",
        [username, keep],
    )


def get_user(store: Store, username: str) -> dict[str, Any] | None:
    """The account row as a dict, or None."""
    row = _one(
        store,
        "SELECT username, password_hash, role, language, created_at FROM users WHERE username = ?",
        [username],
    )
    if row is None:
        return None
    return dict(
        zip(("username", "password_hash", "role", "language", "created_at"), row, strict=True)
    )


def list_users(store: Store) -> list[dict[str, Any]]:
    """Every account without its password hash, by name."""
    rows = _run(
        store, "SELECT username, role, language, created_at FROM users ORDER BY username", []
    )
    return [
        {"username": u, "role": r, "language": lang, "created_at": str(c) if c else None}
        for u, r, lang, c in rows
    ]


def set_password_hash(store: Store, username: str, password_hash: str) -> None:
    """Store a re-hashed password (argon2 parameters upgraded)."""
    _run(store, "UPDATE users SET password_hash = ? WHERE username = ?", [password_hash, username])


def set_role(store: Store, username: str, role: str) -> None:
    """Change an account's role."""
    _run(store, "UPDATE users SET role = ? WHERE username = ?", [role, username])


def remove_user(store: Store, username: str) -> bool:
    """Delete an account and its sessions; False when there was none."""
    existed = get_user(store, username) is not None
    _run(store, "DELETE FROM web_sessions WHERE username = ?", [username])
    _run(store, "DELETE FROM users WHERE username = ?", [username])
    return existed


def count_admins(store: Store) -> int:
    """How many admin accounts exist (the last one cannot be removed from the web)."""
    return int(_one(store, "SELECT count(*) FROM users WHERE role = 'admin'", [])[0])


def add_session(
    store: Store, token_hash: str, username: str, csrf_token: str, expires_at: datetime
) -> None:
    """Record a login session (only the hash of the cookie token is stored)."""
    _run(
        store,
        "INSERT INTO web_sessions VALUES (?, ?, ?, ?, ?)",
        [token_hash, username, csrf_token, _now(), expires_at],
    )


def get_session(store: Store, token_hash: str) -> dict[str, Any] | None:
    """The unexpired session joined with its user, or None."""
    row = _one(
        store,
        "SELECT s.username, s.csrf_token, s.expires_at, u.role, u.language FROM web_sessions s "
        "JOIN users u USING (username) WHERE s.token_hash = ? AND s.expires_at > ?",
        [token_hash, _now()],
    )
    if row is None:
        return None
    return dict(zip(("username", "csrf_token", "expires_at", "role", "language"), row, strict=True))


def delete_session(store: Store, token_hash: str) -> None:
    """Log a session out."""
    _run(store, "DELETE FROM web_sessions WHERE token_hash = ?", [token_hash])


def purge_sessions(store: Store) -> int:
    """Delete expired sessions; returns how many were left before."""
    now = _now()
    n = int(_one(store, "SELECT count(*) FROM web_sessions WHERE expires_at <= ?", [now])[0])
    _run(store, "DELETE FROM web_sessions WHERE expires_at <= ?", [now])
    return n


def set_language(store: Store, username: str, language: str) -> None:
    """Remember the UI language a user picked."""
    _run(store, "UPDATE users SET language = ? WHERE username = ?", [language, username])


def change_marker(store: Store) -> tuple[int, int, Any]:
    """(posts, alerts, latest analysis): cached pages are recomputed when the store changes,
    analyses included (a model trained from the web analyses every post again)."""
    row = _one(
        store,
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM alerts), "
        "(SELECT max(analyzed_at) FROM post_analyses)",
        [],
    )
    return int(row[0]), int(row[1]), row[2]


def get_post(store: Store, post_id: str) -> dict[str, Any] | None:
    """One post for display (text untrusted: escape it), or None."""
    cols = ("post_id", "platform", "created_at", "text", "lang", "url", "author_id")
    row = _one(store, f"SELECT {', '.join(cols)} FROM posts WHERE post_id = ?", [post_id])
    return dict(zip(cols, row, strict=True)) if row else None


def burst_posts(
    store: Store, term: str, start: datetime, end: datetime, limit: int = 5
) -> list[dict[str, Any]]:
    """The posts behind a burst: originals holding `term` (as the detector counts them,
    lower-cased) between `start` and `end`, the most reposted first."""
    cols = ("post_id", "platform", "created_at", "text", "lang", "url", "reposts")
    rows = store.rows(
        f"""SELECT {", ".join(cols)} FROM posts
            WHERE created_at >= ? AND created_at < ? AND repost_of IS NULL
              AND contains(lower(coalesce(text, '')), ?)
            ORDER BY coalesce(reposts, 0) + coalesce(quotes, 0) DESC, created_at, post_id
            LIMIT ?""",
        [start, end, term, limit],
    )
    return [dict(zip(cols, r, strict=True)) for r in rows]


def acknowledge_alert(store: Store, alert_id: str, username: str) -> bool:
    """Mark an alert as seen by a user; False when there is no such alert."""
    if _one(store, "SELECT count(*) FROM alerts WHERE alert_id = ?", [alert_id])[0] == 0:
        return False
    _run(store, "UPDATE alerts SET acknowledged_by = ? WHERE alert_id = ?", [username, alert_id])
    return True
