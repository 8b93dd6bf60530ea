"""The project's DuckDB database: opening, migrating, transactions, Arrow in and out."""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from bascule.errors import BasculeError
from bascule.store.schema import MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

# tables kept unique by their writers (no index: schema v3 and v4) -> their key columns
# meta key: rows were erased or pruned while the store was shared, so their texts still sit in
# the file's free blocks until `Store.compact` rewrites it (which clears the key)
COMPACTION_DUE = "compaction_due"
UNIQUE_WITHOUT_INDEX = {"posts": ("post_id",), "interactions": ("post_id", "kind", "dst_author")}

_POST_LOCKS: dict[str, threading.RLock] = {}
_WRITERS: dict[str, int] = {}  # database file -> this process's open writing stores
_POST_LOCKS_GUARD = threading.Lock()


def _post_lock(path: str) -> threading.RLock:
    """The posts lock of a database file in this process (a new one for in-memory stores)."""
    if path == ":memory:":
        return threading.RLock()
    key = str(Path(path).resolve())
    with _POST_LOCKS_GUARD:
        return _POST_LOCKS.setdefault(key, threading.RLock())


class Result:
    """The fully fetched rows of a statement, read like a DB-API cursor."""

    def __init__(self, rows: list[tuple]) -> None:
        self._rows, self._i = rows, 0

    def fetchone(self) -> tuple | None:
        if self._i >= len(self._rows):
            return None
        self._i += 1
        return self._rows[self._i - 1]

    def fetchall(self) -> list[tuple]:
        rest, self._i = self._rows[self._i :], len(self._rows)
        return rest


class Store:
    """One DuckDB file; every SQL statement of Bascule goes through the `store` package."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = str(path) if path else ":memory:"
        self.posts_lock = _post_lock(self.path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                # DuckDB: one process may write a file, and then none other may open it;
                # several may read it at once (read_only), but not beside a writer
                raise BasculeError(
                    f"the database {self.path} is in use by another Bascule process: "
                    "`bascule serve`, `bascule listen`, or a Python session or notebook that "
                    "opened the project (`bascule.open_project(...)`), which holds it until "
                    "`project.close()` or the end of its `with` block. Read-only sessions "
                    "(`open_project(path, read_only=True)`) can share it with each other, but "
                    "not with a process that writes, as most commands do. Stop or close it; "
                    "or, while `bascule serve` runs, import through the war room's Import page "
                    "and read results from its pages or its JSON API (/api/poll, "
                    "/api/undecided…: see /openapi.json); `bascule serve --listen` listens and "
                    "serves at once.",
                    fr=f"la base {self.path} est utilisée par un autre processus Bascule : "
                    "`bascule serve`, `bascule listen`, ou une session Python ou un notebook "
                    "qui a ouvert le projet (`bascule.open_project(...)`) et le garde jusqu'à "
                    "`project.close()` ou la fin de son bloc `with`. Des sessions en lecture "
                    "seule (`open_project(chemin, read_only=True)`) peuvent le partager entre "
                    "elles, mais pas avec un processus qui écrit, comme la plupart des "
                    "commandes. Arrêtez-le ou fermez-le ; ou, pendant que `bascule serve` "
                    "tourne, importez par la page Importer du war room et lisez les résultats "
                    "dans ses pages ou son API JSON (/api/poll, /api/undecided… : voir "
                    "/openapi.json) ; `bascule serve --listen` écoute et sert à la fois.",
                ) from None
            raise BasculeError(f"cannot open {self.path}: {exc}") from None
        if not read_only:
            self.migrate()
        self._check_version()
        if not read_only:
            self._first_opening()

    def _first_opening(self) -> None:
        """When no other store of this process writes the file, close the runs left
        `running` (`runs.close_interrupted`): DuckDB lets one process at a time write a file,
        and a run needs an open store, so whoever left them is gone (killed, crashed)."""
        if self.path == ":memory:":
            return
        key = self._writer_key = str(Path(self.path).resolve())
        with _POST_LOCKS_GUARD:
            first = not _WRITERS.get(key)
            _WRITERS[key] = _WRITERS.get(key, 0) + 1
        if first:
            from bascule.store.runs import close_interrupted

            close_interrupted(self)

    # -- schema -----------------------------------------------------------------------
    def version(self) -> int:
        exists = self.scalar(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'"
        )
        if not exists:
            return 0
        value = self.scalar("SELECT value FROM meta WHERE key = 'schema_version'")
        return int(value) if value is not None else 0

    def migrate(self) -> None:
        """Apply every migration newer than the database, each in its own transaction."""
        current = self.version()
        for version in range(current + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                self.con.execute(MIGRATIONS[version - 1])
                self.con.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(version)]
                )

    def _check_version(self) -> None:
        v = self.version()
        if v > SCHEMA_VERSION:
            raise BasculeError(
                f"{self.path} was written by a newer Bascule (schema {v} > {SCHEMA_VERSION}); "
                "upgrade Bascule to open it."
            )

    # -- access -------------------------------------------------------------------------
    # posts have no index (schema v3): a writer stores a post only if its id is not stored yet.
    # Two connections of one process (an upload and the listener of `serve --listen`) would
    # each miss the other's uncommitted posts and store them twice, so every transaction that
    # adds posts holds `posts_lock` from its start to its end (DuckDB allows one writing
    # process per file, so a process-wide lock covers every writer).
    @contextlib.contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        try:
            self.con.execute("COMMIT")
        except duckdb.TransactionException:
            with contextlib.suppress(duckdb.Error):  # a failed commit may have ended it
                self.con.execute("ROLLBACK")
            raise

    def retrying(self, fn: Callable[[], T], *, tries: int = 5, wait: float = 0.05) -> T:
        """`fn()` (one transaction), run again when another connection of this process
        wrote the same rows first (DuckDB's optimistic concurrency: a listener's analyst
        and a retraining may analyse the same new post at once)."""
        for attempt in range(tries):
            try:
                return fn()
            except duckdb.TransactionException:
                if attempt == tries - 1:
                    raise
                time.sleep(wait * (attempt + 1))
        raise AssertionError("unreachable")

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> Result:
        """Run a statement and fetch its whole result at once.

        DuckDB 2 refuses new work on a connection while a result is still open, so results
        are always consumed here; read them with `fetchone()` / `fetchall()`.
        """
        return Result(self.con.execute(sql, params or []).fetchall())

    def run(self, sql: str, params: Sequence[Any] | None = None) -> int | None:
        """Run a write statement and return the number of rows it changed, if any."""
        rows = self.execute(sql, params).fetchall()
        return int(rows[0][0]) if rows and rows[0] and isinstance(rows[0][0], int) else None

    def arrow(self, sql: str, params: Sequence[Any] | None = None) -> pa.Table:
        """Query result as an Arrow table (no intermediate copy)."""
        return self.con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def rows(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | None = None) -> Any:
        rows = self.con.execute(sql, params or []).fetchall()
        return rows[0][0] if rows else None

    def insert(self, table: str, data: pa.Table, *, on_conflict: str = "ignore") -> int:
        """Insert an Arrow table by column name; returns the number of rows written.

        `on_conflict`: "ignore" keeps existing rows (idempotent imports), "replace" overwrites.
        """
        if data.num_rows == 0:
            return 0
        cols = ", ".join(f'"{c}"' for c in data.column_names)
        name = f"_arrow_{table}"
        key = UNIQUE_WITHOUT_INDEX.get(table)
        if key is None:
            verb = {"ignore": "INSERT OR IGNORE", "replace": "INSERT OR REPLACE", "error": "INSERT"}
            sql = f"{verb[on_conflict]} INTO {table} ({cols}) SELECT {cols} FROM {name}"
        else:  # no index to conflict on (schema v3, v4): "replace" deletes first, "ignore" skips
            same = " AND ".join(f"t.{k} = n.{k}" for k in key)
            sql = f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name} n"
            if on_conflict == "ignore":
                sql += f" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})"
        self.con.register(name, data)
        try:
            with self.posts_lock if key is not None else contextlib.nullcontext():
                if key is not None and on_conflict == "replace":
                    self.con.execute(
                        f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM {name} n WHERE {same})"
                    )
                return int(self.con.execute(sql).fetchall()[0][0])
        finally:
            self.con.unregister(name)

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {table}"))

    def cursor(self) -> Store:
        """Another connection to the same open database, for another thread: its own
        transactions over the same data (DuckDB's MVCC), so a long import in one thread does
        not keep the other from reading. Close it when done."""
        other = Store.__new__(Store)
        other.path, other.con, other.posts_lock = self.path, self.con.cursor(), self.posts_lock
        return other

    def close(self) -> None:
        self.con.close()
        key, self._writer_key = getattr(self, "_writer_key", None), None
        if key is not None:
            with _POST_LOCKS_GUARD:
                _WRITERS[key] -= 1

    def compact(self) -> int:
        """Rewrite the database file with only its live rows; returns the bytes saved.

        DuckDB reuses the blocks of deleted rows but never wipes them: after `forget` or a
        prune, the erased texts stay readable in the file (and in every copy of it) until
        they happen to be overwritten. Copying every table into a new file and putting it in
        place of the old one leaves no trace. Needs the store to itself (no other cursor).
        """
        import os

        if self.path == ":memory:":
            return 0
        before = os.path.getsize(self.path)
        tmp = self.path + ".compact"
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.remove(leftover)
        name = self.con.execute("SELECT current_database()").fetchone()[0]
        self.con.execute("CHECKPOINT")
        quoted = tmp.replace("'", "''")  # a folder named "l'équipe" is a path too
        self.con.execute(f"ATTACH '{quoted}' AS bascule_compact")
        try:
            self.con.execute(f'COPY FROM DATABASE "{name}" TO bascule_compact')
        finally:
            self.con.execute("DETACH bascule_compact")
        self.con.close()
        os.replace(tmp, self.path)
        if os.path.exists(self.path + ".wal"):
            os.remove(self.path + ".wal")
        self.con = duckdb.connect(self.path)
        self.con.execute("DELETE FROM meta WHERE key = ?", [COMPACTION_DUE])
        return before - os.path.getsize(self.path)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_SCRATCH = threading.local()


def scratch() -> duckdb.DuckDBPyConnection:
    """This thread's private in-memory DuckDB, for work that needs no store (parsing a block
    of lines): small memory cap, UTC, closed at exit.

    One DuckDB thread: this work runs beside the store's writes (a bulk import prepares the
    next block while the store writes the last), and both pipelines splitting into threads
    only makes them fight over the cores (measured on 1M and 3M posts: a little less CPU,
    0-4 % less time, within this machine's noise).
    """
    con = getattr(_SCRATCH, "con", None)
    if con is None:
        con = _SCRATCH.con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'; SET memory_limit = '96MB'; SET threads = 1")
        atexit.register(con.close)
    return con


def count_rows(con: Any, sql: str, params: list[Any] | None = None) -> int:
    """The integer a `SELECT count(*) ...` gives, inside a transaction."""
    return int(con.execute(sql, params or []).fetchone()[0])


def delete_where(con: Any, table: str, where: str, params: list[Any] | None = None) -> int:
    """Delete the rows of `table` matching `where`; returns how many went."""
    n = count_rows(con, f"SELECT count(*) FROM {table} WHERE {where}", params)
    if n:
        con.execute(f"DELETE FROM {table} WHERE {where}", params or [])
    return n
