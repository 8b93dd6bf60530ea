"""Schema migrations: a store written by an older Bascule opens with its data intact."""

from __future__ import annotations

from pathlib import Path

import duckdb

from bascule.store.db import Store
from bascule.store.schema import MIGRATIONS, SCHEMA_VERSION


def _old_store(path: Path, version: int) -> duckdb.DuckDBPyConnection:
    """A store as Bascule wrote it at schema `version`."""
    con = duckdb.connect(str(path))
    for sql in MIGRATIONS[:version]:
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
    return con


def test_version_2_store_migrates_with_its_posts(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    con = _old_store(path, 2)
    con.execute(
        "INSERT INTO posts (post_id, platform, native_id, author_id, created_at, text) "
        "VALUES ('x:1', 'x', '1', 'x:a', TIMESTAMP '2026-01-01 10:00:00', 'bonjour')"
    )
    con.close()
    store = Store(path)
    store.migrate()
    assert store.version() == SCHEMA_VERSION
    assert store.rows("SELECT post_id, text FROM posts") == [("x:1", "bonjour")]
    # posts are kept unique by the writer (anti-join), not by an index any more
    assert (
        store.scalar(
            "SELECT count(*) FROM duckdb_constraints() "
            "WHERE table_name = 'posts' AND constraint_type = 'PRIMARY KEY'"
        )
        == 0
    )
    store.close()


def test_a_store_held_by_another_process_says_what_to_do(tmp_path: Path) -> None:
    import subprocess
    import sys

    import pytest

    from bascule.errors import BasculeError

    path = tmp_path / "held.duckdb"
    Store(path).con.close()
    holder = subprocess.Popen(  # as `bascule serve` holds its project's store
        [sys.executable, "-c", f"import duckdb,sys,time; c=duckdb.connect({str(path)!r}); "
         "print('ok', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(BasculeError) as err:
            Store(path, read_only=True)
        assert "in use by another Bascule process" in str(err.value)
        assert "/api/poll" in str(err.value) and "API JSON" in err.value.fr
    finally:
        holder.kill()
        holder.wait()


def test_version_4_store_marks_which_runs_recorded_what_they_skipped(tmp_path: Path) -> None:
    # runs made before v5 did not record which posts they skipped: `runs undo` reads their
    # files again (`store.runs._legacy_files`), and only those
    path = tmp_path / "v4.duckdb"
    con = _old_store(path, 4)
    con.execute("INSERT INTO ingest_runs (run_id, status) VALUES (1, 'done'), (7, 'done')")
    con.close()
    store = Store(path)
    store.migrate()
    assert store.version() == SCHEMA_VERSION
    assert store.scalar("SELECT value FROM meta WHERE key = 'overlaps_from_run'") == "8"
    assert store.count("run_overlaps") == 0
    store.close()
