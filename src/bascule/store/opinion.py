"""SQL of the opinion area: stances for the poll (and the days `prune` kept of them), political
posts for the undecided."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bascule.store.db import Store
from bascule.store.retention import kept_format as kept_format  # how the kept days were counted

# Posts removed by the platform or by a "forget me" request never enter an aggregate.
_ALIVE = """p.post_id NOT IN (SELECT post_id FROM tombstones)
    AND p.author_id NOT IN (SELECT author_id FROM forgotten)"""


def _df(store: Store, sql: str, params: list) -> pd.DataFrame:
    """Query results as pandas (what the opinion computations work on)."""
    return store.con.execute(sql, params).df()


def _window(since: str | None, until: str | None) -> tuple[str, list]:
    where, params = [], []
    if since:
        where.append("p.created_at >= CAST(? AS TIMESTAMP)")
        params.append(since)
    if until:
        where.append("p.created_at < CAST(? AS TIMESTAMP)")
        params.append(until)
    return " AND ".join([*where, _ALIVE]), params


def stances(
    store: Store,
    target_id: str,
    *,
    since: str | None,
    until: str | None,
    excluded: Sequence[str] = (),
) -> pd.DataFrame:
    """(post_id, author_id, created_at, stance) of every analysed post about one target, but
    those of the `excluded` authors."""
    where, params = _window(since, until)
    return _df(
        store,
        f"""SELECT a.post_id, p.author_id, p.created_at, a.stance
            FROM analyses a JOIN posts p USING (post_id)
            WHERE a.target_id = ? AND {where} AND NOT list_contains(?, p.author_id)
            ORDER BY p.created_at, a.post_id""",
        [target_id, *params, list(excluded)],
    )


def kept_days(store: Store, target_id: str) -> pd.DataFrame:
    """(day, stance, authors) that `bascule prune` kept for one target (see `kept_format`)."""
    return _df(
        store,
        "SELECT day, stance, authors FROM aggregates WHERE target_id = ? ORDER BY day, stance",
        [target_id],
    )


def kept_targets(store: Store) -> list[str]:
    """Targets with days kept by `bascule prune`, most kept days first."""
    rows = store.rows(
        "SELECT target_id FROM aggregates GROUP BY target_id "
        "ORDER BY count(DISTINCT day) DESC, target_id"
    )
    return [r[0] for r in rows]


def political_posts(store: Store, *, since: str | None, until: str | None) -> pd.DataFrame:
    """Posts with a stance on some target or an explicit hesitation (or not analysed yet).

    Columns: post_id, author_id, created_at, text, lang, hesitation (NULL when the post has
    no `post_analyses` row: the caller detects hesitation itself), analysed (has stances).
    Pure reposts are left out: their text is someone else's.
    """
    where, params = _window(since, until)
    return _df(
        store,
        f"""SELECT p.post_id, p.author_id, p.created_at, p.text,
                   coalesce(pa.lang, p.lang) AS lang, pa.hesitation,
                   p.post_id IN (SELECT post_id FROM analyses) AS analysed
            FROM posts p LEFT JOIN post_analyses pa USING (post_id)
            WHERE {where} AND p.repost_of IS NULL
              AND (pa.post_id IS NULL OR pa.hesitation
                   OR p.post_id IN (SELECT post_id FROM analyses))
            ORDER BY p.created_at, p.post_id""",
        params,
    )


def favors(store: Store, *, since: str | None, until: str | None) -> pd.DataFrame:
    """(post_id, target_id) for every stance in favour of a target."""
    where, params = _window(since, until)
    return _df(
        store,
        f"""SELECT a.post_id, a.target_id
            FROM analyses a JOIN posts p USING (post_id)
            WHERE a.stance = 'favor' AND {where}""",
        params,
    )


def named_accounts(store: Store, handles: Sequence[str]) -> list[str]:
    """author_id of the accounts kept in clear under one of `handles` (lower case, no `@`)."""
    if not handles:
        return []
    rows = store.rows(
        "SELECT author_id FROM authors WHERE NOT pseudonymised "
        "AND list_contains(?, lower(ltrim(handle, '@')))",
        [sorted(set(handles))],
    )
    return [r[0] for r in rows]


def handles(store: Store, author_ids: Sequence[str]) -> dict[str, str]:
    """author_id -> handle as stored (a pseudonym unless the person is kept in clear)."""
    if not author_ids:
        return {}
    rows = store.rows(
        "SELECT author_id, handle FROM authors WHERE list_contains(?, author_id)",
        [list(author_ids)],
    )
    return dict(rows)


def analysed_count(store: Store) -> int:
    """Number of (post, target) analyses: zero before `bascule analyze`."""
    return int(store.scalar("SELECT count(*) FROM analyses"))


def stance_models(store: Store, target_ids: Sequence[str] | None = None) -> list[str]:
    """The models that labelled the stored stances (of these targets, or of all): a repost's
    inherited label counts as its source's model."""
    where = f"WHERE target_id IN ({', '.join('?' * len(target_ids))})" if target_ids else ""
    rows = store.rows(
        f"SELECT DISTINCT regexp_replace(model, '^repost-of:', '') FROM analyses {where} "
        "ORDER BY 1",
        list(target_ids or []),
    )
    return [r[0] for r in rows]


_MODEL_CHECK = "stance_model_check"


def save_model_check(store: Store, check: dict) -> None:
    """Remember how the project's stance model was measured when it was trained (None when
    too few human labels to measure it), so polls can say how far to trust it."""
    import json

    store.execute(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)", [_MODEL_CHECK, json.dumps(check, default=str)]
    )


def model_check(store: Store) -> dict | None:
    """What `save_model_check` recorded for the project's model, if anything."""
    import json

    value = store.scalar("SELECT value FROM meta WHERE key = ?", [_MODEL_CHECK])
    return json.loads(value) if value else None
