"""What the running app holds: the project, one lock over its DuckDB store, and caches.

DuckDB connections are not safe for concurrent use from threads: every store access of the
web app goes through `WebState.locked`, and heavy results (poll, communities) are cached with
a short TTL keyed on the store's change marker, so many clients cost one computation.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from bascule.project import Project

T = TypeVar("T")


class WebState:
    """The project served, its lock and the result caches."""

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
        self.ttl = ttl
        self.max_entries = max_entries
        self.marker_ttl = marker_ttl
        self.limiter = RateLimiter(login_attempts, login_window)
        self._cache: dict[Any, tuple[float, Any, Any]] = {}
        self._key_locks: dict[Any, threading.Lock] = {}
        self._marker: tuple[float, Any] = (0.0, None)
        self.sessions: dict[str, tuple[float, dict | None]] = {}

    def locked(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn` while holding the store lock."""
        with self.lock:
            return fn(*args, **kwargs)

    def marker(self) -> Any:
        """The store's change marker (posts, alerts counts), re-read at most every second."""
        now = time.monotonic()
        at, value = self._marker
        if value is None or now - at > self.marker_ttl:
            from bascule.store.web import change_marker

            value = self.locked(change_marker, self.project.store)
            self._marker = (now, value)
        return value

    def cached(self, key: Any, fn: Callable[[], T], *, ttl: float | None = None) -> T:
        """`fn()` cached for `ttl` seconds and while the store is unchanged.

        One computation per key at a time: concurrent callers wait for the first one.
        """
        ttl = self.ttl if ttl is None else ttl
        marker = self.marker()
        hit = self._cache.get(key)
        if hit and hit[1] == marker and time.monotonic() - hit[0] < ttl:
            return hit[2]
        klock = self._key_locks.setdefault(key, threading.Lock())
        with klock:
            hit = self._cache.get(key)
            if hit and hit[1] == marker and time.monotonic() - hit[0] < ttl:
                return hit[2]
            value = self.locked(fn)
            if len(self._cache) >= self.max_entries:  # drop the oldest quarter
                for old in sorted(self._cache, key=lambda k: self._cache[k][0])[
                    : self.max_entries // 4 + 1
                ]:
                    self._cache.pop(old, None)
                    self._key_locks.pop(old, None)
            self._cache[key] = (time.monotonic(), marker, value)
            return value

    def invalidate_data(self) -> None:
        """Drop cached results (after the config or an alert changed)."""
        self._cache.clear()
        self._marker = (0.0, None)

    def invalidate(self) -> None:
        """Drop every cached result and session (after a config or user change)."""
        self._cache.clear()
        self.sessions.clear()
        self._marker = (0.0, None)
