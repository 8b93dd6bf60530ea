"""What the running app holds: the project, locks over its DuckDB store, and caches.

DuckDB connections are not safe for concurrent use from threads. The library functions use
`project.store` under one lock (`WebState.locked`); the web's own small queries (sessions,
users, the change marker) use a second connection from `store.con.cursor()` under its own
lock, so a login never waits for a long computation. Heavy results (poll, communities) are
cached, keyed on the store's change marker: a stale result is served while one background
thread recomputes it (stale-while-revalidate), so 50 clients never queue behind a recompute.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bascule.project import Project

T = TypeVar("T")
log = logging.getLogger("bascule.web")


class _Side:
    """A second DuckDB connection to the same database, shaped like a Store for store.web."""

    def __init__(self, con: Any) -> None:
        self.con = con


class WebState:
    """The project served, its locks and the result caches."""

    def __init__(
        self,
        project: Project,
        *,
        ttl: float = 30.0,
        max_entries: int = 256,
        marker_ttl: float = 1.0,
        login_attempts: int = 5,
        login_window: float = 300.0,
    ) -> None:
        from bascule.web.security import RateLimiter

        self.project = project
        self.lock = threading.RLock()
        self.side = _Side(project.store.con.cursor())
        self.side_lock = threading.Lock()
        self.ttl = ttl
        self.max_entries = max_entries
        self.marker_ttl = marker_ttl
        self.limiter = RateLimiter(login_attempts, login_window)
        self._cache: dict[Any, tuple[float, Any, Any]] = {}
        self._key_locks: dict[Any, threading.Lock] = {}
        self._refreshing: set[Any] = set()
        self._marker: tuple[float, Any] = (0.0, None)
        self.sessions: dict[str, tuple[float, dict | None]] = {}
        self.training: dict[str, Any] | None = None  # the stance model's last training job
        self.importing: dict[str, Any] | None = None  # the last import of an uploaded file
        self.last_undo: dict[str, Any] | None = None  # the last import undone (the page says it)
        self.listener: Any = None  # `web.listening.Listener` under `bascule serve --listen`

    def locked(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` while holding the store lock."""
        with self.lock:
            return fn(*args, **kwargs)

    def web_sql(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a `bascule.store.web` function on the side connection."""
        with self.side_lock:
            return fn(self.side, *args, **kwargs)

    def marker(self) -> Any:
        """The store's change marker (posts, alerts counts), re-read at most every second."""
        now = time.monotonic()
        at, value = self._marker
        if value is None or now - at > self.marker_ttl:
            from bascule.store.web import change_marker

            value = self.web_sql(change_marker)
            self._marker = (now, value)
        return value

    def _fresh(self, hit: tuple[float, Any, Any] | None, marker: Any, ttl: float) -> bool:
        return bool(hit) and hit[1] == marker and time.monotonic() - hit[0] < ttl

    def _compute(self, key: Any, fn: Callable[[], T], marker: Any) -> T:
        value = self.locked(fn)
        if len(self._cache) >= self.max_entries:  # drop the oldest quarter
            for old in sorted(self._cache, key=lambda k: self._cache[k][0])[
                : self.max_entries // 4 + 1
            ]:
                self._cache.pop(old, None)
                self._key_locks.pop(old, None)
        self._cache[key] = (time.monotonic(), marker, value)
        return value

    def _refresh(self, key: Any, fn: Callable[[], Any], marker: Any) -> None:
        try:
            self._compute(key, fn, marker)
        except Exception:  # noqa: BLE001 - keep serving the stale value; the next call retries
            log.exception("refreshing %r failed", key)
        finally:
            self._refreshing.discard(key)

    def cached(
        self, key: Any, fn: Callable[[], T], *, ttl: float | None = None, stale: bool = True
    ) -> T:
        """`fn()` cached for `ttl` seconds and while the store is unchanged.

        With `stale`, an outdated value is returned at once while one background thread
        recomputes it; without a value, callers wait for one computation per key.
        """
        ttl = self.ttl if ttl is None else ttl
        marker = self.marker()
        hit = self._cache.get(key)
        if self._fresh(hit, marker, ttl):
            return hit[2]
        if hit and stale:
            with self.side_lock:
                start = key not in self._refreshing
                self._refreshing.add(key)
            if start:
                threading.Thread(target=self._refresh, args=(key, fn, marker), daemon=True).start()
            return hit[2]
        klock = self._key_locks.setdefault(key, threading.Lock())
        with klock:
            hit = self._cache.get(key)
            if self._fresh(hit, marker, ttl):
                return hit[2]
            return self._compute(key, fn, marker)

    def has(self, key: Any) -> bool:
        """True when a value (fresh or stale) is cached for `key`."""
        return key in self._cache

    def invalidate_data(self) -> None:
        """Drop cached results (after the config or an alert changed)."""
        self._cache.clear()
        self._marker = (0.0, None)

    def invalidate(self) -> None:
        """Drop every cached result and session (after a user change)."""
        self.invalidate_data()
        self.sessions.clear()

    def close(self) -> None:
        """Close the side connection."""
        self.side.con.close()
