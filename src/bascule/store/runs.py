"""Import runs: what each `import` (or listening session) added, and undoing one.

Undoing a run is how a mistaken import is taken back, a file imported without the
`--platform` its replies and reposts needed, say: only the posts the run added go (a post
already stored by an earlier run stays), with what was derived from them, so the file can be
imported again the right way without counting anything twice.

A run's `status`: `running` (still going), `done`, `failed`, `stopped` (an import or a
listening session stopped by Ctrl-C, SIGTERM or the war room shutting down, before its source
had given everything), `interrupted` (cut short by a kill, a crash or a power cut: found
`running` when the store was next opened) and `undone`. A listening session records one
run per source, and only for a source that stored or rejected something, or failed
(`live.listen`): restarts that find nothing new leave no empty runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import duckdb

from bascule.errors import AlreadyDone, InputError
from bascule.store.db import Store, count_rows, delete_where

# (path, format) -> batches of the (platform, native id) of the posts a file holds
FileKeys = Callable[[str, str], Iterable[list[tuple[str, str]]]]

RUN_COLUMNS = (
    "run_id",
    "source",
    "format",
    "started_at",
    "finished_at",
    "imported",
    "duplicates",
    "rejected",
    "status",
)

_COUNTS = ("imported", "duplicates", "rejected")


def close_interrupted(store: Store) -> int:
    """Mark `interrupted` the runs left `running` by a process that died (the caller knows
    none is still going), with the posts and rejects they committed as their counts (their
    duplicates were never counted); returns how many. A rerun of the same files resumes
    where they stopped, as a new run."""
    stale = store.scalar("SELECT count(*) FROM ingest_runs WHERE status = 'running'")
    if not stale:
        return 0
    with store.transaction() as con:
        con.execute(
            """
            UPDATE ingest_runs r SET status = 'interrupted',
                imported = (SELECT count(*) FROM posts p WHERE p.run_id = r.run_id),
                rejected = (SELECT count(*) FROM rejects j WHERE j.run_id = r.run_id)
            WHERE status = 'running'
            """
        )
    return int(stale)


def list_runs(store: Store, limit: int = 50) -> list[dict[str, Any]]:
    """The latest import runs, newest first: the posts each imported, the duplicates it
    skipped (posts stored before: a replay, a file imported again) and the records it
    rejected, and the posts it still holds."""
    cols = ", ".join(f"coalesce(r.{c}, 0)" if c in _COUNTS else f"r.{c}" for c in RUN_COLUMNS)
    rows = store.rows(
        f"""
        SELECT {cols}, coalesce(p.n, 0)
        FROM ingest_runs r
        LEFT JOIN (SELECT run_id, count(*) AS n FROM posts GROUP BY run_id) p USING (run_id)
        ORDER BY r.run_id DESC LIMIT ?
        """,
        [limit],
    )
    return [dict(zip((*RUN_COLUMNS, "posts_held"), r, strict=True)) for r in rows]


def same_posts_hint(store: Store, run_id: int) -> tuple[str, int] | None:
    """(platform, how many): the generic posts run `run_id` stored whose native ids are
    those of posts stored under another platform (tweets.csv imported without `--platform
    twitter` into a project holding the same tweets from the API): the same posts twice,
    and their authors, counted as two people each; the platform most of them match, None
    when none does. The remedy is `platform_hint`'s: undo the run, import with --platform."""
    rows = store.rows(
        """
        SELECT q.platform, count(DISTINCT p.native_id) AS n
        FROM posts p JOIN posts q ON q.native_id = p.native_id AND q.platform <> 'generic'
        WHERE p.run_id = ? AND p.platform = 'generic'
        GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1
        """,
        [run_id],
    )
    return (rows[0][0], int(rows[0][1])) if rows else None


def undo_run(
    store: Store,
    run_id: int,
    *,
    file_keys: FileKeys | None = None,
) -> dict[str, Any]:
    """Delete the posts run `run_id` added, their interactions, analyses and alerts, its
    rejects, the authors it alone brought in, and its files' import progress (so they can
    be imported again); returns how many rows of each went, and in `import_again` the files
    of later imports that must be read again (`_later_files`; `file_keys` reads a file's
    post ids: `sources.importer.post_keys`, given by the callers above the store; without
    it every later file that skipped duplicates is named).

    A run undone before has nothing left to take: that is an InputError (the CLI, the war
    room's form sent twice, the Python API), rather than a report of 0 posts."""
    status = store.rows("SELECT status, format FROM ingest_runs WHERE run_id = ?", [run_id])
    if not status:
        raise InputError(
            f"no import run {run_id}: `bascule runs` lists them",
            fr=f"aucun import n° {run_id} : `bascule runs` les liste",
        )
    if status[0][0] == "undone":
        raise AlreadyDone(
            f"import run {run_id} was already undone: nothing of it is left to take back",
            fr=f"l'import n° {run_id} est déjà annulé : il n'en reste rien à reprendre",
        )
    # read before the posts go: which later files hold some of them
    again = _later_files(store, run_id, file_keys)
    # a run still "running" here was cut short (kill, crash): the store has one writer, and
    # the caller holds it (the war room refuses while its own import runs)
    # a listening session: its sources' cursors have moved past these posts
    out: dict[str, Any] = {"live": str(status[0][1] or "").startswith("live:")}
    with store.transaction() as con:
        con.execute(
            "CREATE TEMP TABLE _u_posts AS SELECT post_id, author_id FROM posts WHERE run_id = ?",
            [run_id],
        )
        out["posts"] = count_rows(con, "SELECT count(*) FROM _u_posts")
        sources = [
            r[0]
            for r in con.execute(
                "SELECT DISTINCT source FROM posts WHERE run_id = ? "
                "UNION SELECT DISTINCT source FROM rejects WHERE run_id = ?",
                [run_id, run_id],
            ).fetchall()
            if r[0]
        ]
        orphan = (
            "author_id NOT IN (SELECT author_id FROM posts) "
            "AND author_id NOT IN (SELECT src_author FROM interactions) "
            "AND author_id NOT IN (SELECT dst_author FROM interactions)"
        )
        con.execute(f"CREATE TEMP TABLE _u_orphans AS SELECT author_id FROM authors WHERE {orphan}")
        mine = "post_id IN (SELECT post_id FROM _u_posts)"
        out["interactions"] = delete_where(con, "interactions", mine)
        out["analyses"] = delete_where(con, "analyses", mine)
        out["post_analyses"] = delete_where(con, "post_analyses", mine)
        out["alerts"] = delete_where(con, "alerts", mine)
        con.execute("DELETE FROM posts WHERE post_id IN (SELECT post_id FROM _u_posts)")
        # authors the run alone brought in (its posts' authors, the accounts they reposted or
        # mentioned): no post and no interaction left, where they had some before
        gone = f"{orphan} AND author_id NOT IN (SELECT author_id FROM _u_orphans)"
        out["communities"] = delete_where(con, "communities", gone)
        out["authors"] = delete_where(con, "authors", gone)
        con.execute(  # the others were seen when their remaining posts say
            """
            UPDATE authors SET first_seen = s.first, last_seen = s.last
            FROM (SELECT author_id, min(created_at) AS first, max(created_at) AS last
                  FROM posts WHERE author_id IN (SELECT author_id FROM _u_posts)
                  GROUP BY author_id) s
            WHERE authors.author_id = s.author_id
            """
        )
        out["rejects"] = delete_where(con, "rejects", "run_id = ?", [run_id])
        con.execute(
            "DELETE FROM run_overlaps WHERE run_id = ? OR earlier_run = ?", [run_id, run_id]
        )
        # a later import skipped as duplicates the posts this run had stored: those are gone
        # now, so its files must be read again (which adds only what is missing)
        out["import_again"] = again if out["posts"] else []
        if out["import_again"]:
            marks = ", ".join("?" * len(out["import_again"]))
            con.execute(f"DELETE FROM ingest_files WHERE path IN ({marks})", out["import_again"])
        if sources:
            marks = ", ".join("?" * len(sources))
            out["files"] = delete_where(con, "ingest_files", f"path IN ({marks})", sources)
        else:
            out["files"] = 0
        con.execute("UPDATE ingest_runs SET status = 'undone' WHERE run_id = ?", [run_id])
        con.execute("DROP TABLE _u_posts")
        con.execute("DROP TABLE _u_orphans")
    return out


def _later_files(store: Store, run_id: int, file_keys: FileKeys | None) -> list[str]:
    """The files of later, not undone imports that skipped as duplicates posts run `run_id`
    had stored: once these posts are gone, such a file must be read again (reading it adds
    only what is missing, while leaving it out would lose posts).

    Imports record which runs' posts they skipped, per file (`ingest.note_skipped`, schema
    v5). Runs made before (below `overlaps_from_run`) recorded only how many, so their files
    that skipped some are read again, ids only (`_legacy_files`)."""
    if not store.scalar("SELECT count(*) FROM posts WHERE run_id = ?", [run_id]):
        return []  # nothing was skipped that undoing the run deletes
    stored = dict(
        store.rows("SELECT path, arg_max(format, updated_at) FROM ingest_files GROUP BY path")
    )
    recorded = {
        r[0]
        for r in store.rows(
            "SELECT DISTINCT o.source FROM run_overlaps o JOIN ingest_runs r USING (run_id) "
            "WHERE o.earlier_run = ? AND r.run_id > ? AND r.status <> 'undone'",
            [run_id, run_id],
        )
    }
    since = int(store.scalar("SELECT value FROM meta WHERE key = 'overlaps_from_run'") or 0)
    legacy = _legacy_files(store, run_id, since, stored, file_keys)
    return sorted((recorded & stored.keys()) | set(legacy))


def _legacy_files(
    store: Store, run_id: int, since: int, stored: dict[str, str], file_keys: FileKeys | None
) -> list[str]:
    """`_later_files` among the later runs made before imports recorded what they skipped
    (run ids below `since`).

    Each file of such a run that skipped some (among those whose progress is stored; a
    run's label lists its files, joined by ", ") is read again, ids only, and named when it
    holds a post of this run: compared by platform and native id, or by native id alone for a
    record read as "generic" (a generic file's `--platform` is not stored), and counting the
    originals a record embeds (a retweet's, skipped when stored too). A file the run itself
    read is named unread; one that cannot be read again (moved, or its ids need the `--map`
    it was imported with) is named too."""
    labels = store.rows(
        "SELECT source FROM ingest_runs WHERE run_id > ? AND run_id < ? AND duplicates > 0 "
        "AND status <> 'undone'",
        [run_id, since],
    )
    paths = {p for (label,) in labels for p in (label or "").split(", ") if p}
    candidates = sorted(paths & stored.keys())
    if not candidates:
        return []
    own = {r[0] for r in store.rows("SELECT DISTINCT source FROM posts WHERE run_id = ?", [run_id])}
    if file_keys is None:  # no reader given (reading files is the sources' job): name them all
        return candidates
    store.execute(
        "CREATE OR REPLACE TEMP TABLE _u_keys AS "
        "SELECT DISTINCT platform, native_id FROM posts WHERE run_id = ?",
        [run_id],
    )
    try:
        return [
            p for p in candidates if p in own or _holds_run_posts(store, file_keys, p, stored[p])
        ]
    finally:
        store.execute("DROP TABLE IF EXISTS _u_keys")


def _holds_run_posts(store: Store, file_keys: FileKeys, path: str, fmt: str) -> bool:
    """Whether the file holds a post of `_u_keys` (the undone run's); True when it cannot
    be read again, or none of its records gave a post id (see `_later_files`)."""
    import pyarrow as pa

    read = 0
    try:
        for batch in file_keys(path, fmt):
            read += len(batch)
            keys = pa.table(
                {
                    "platform": pa.array([k[0] for k in batch], pa.string()),
                    "native_id": pa.array([k[1] for k in batch], pa.string()),
                }
            )
            store.con.register("_f_keys", keys)
            try:
                hit = store.scalar(
                    "SELECT count(*) FROM _f_keys f JOIN _u_keys u USING (native_id) "
                    "WHERE f.platform = 'generic' OR f.platform = u.platform"
                )
            finally:
                store.con.unregister("_f_keys")
            if hit:
                return True
    except (OSError, ValueError, InputError, duckdb.Error):  # gone, or unreadable as it
        return True  # was imported (a --map it needed): it cannot tell
    return read == 0
