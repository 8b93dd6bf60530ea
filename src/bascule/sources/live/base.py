"""What every live connector shares: pages of posts with their cursor, and polite backoff.

A connector turns a platform's pages or stream into `Page`s: posts, deletions, malformed
records and the cursor values that are true once the page is stored. `listen` writes each page
in one transaction with its cursors, so a restart resumes exactly where the store stands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol, TypeVar

from bascule.dates import utc_when
from bascule.errors import ConfigError, InputError
from bascule.sources.model import Post

T = TypeVar("T")

MAX_WAIT = 300.0  # never sleep longer than five minutes on one backoff


@dataclass(slots=True)
class Page:
    """One unit of work: stored atomically with `cursors` (key -> value of this source)."""

    posts: list[Post] = field(default_factory=list)
    deletions: list[str] = field(default_factory=list)  # post ids: "platform:native_id"
    # (reason, record) or (reason, record, line): the line or record number in its file
    rejects: list[tuple] = field(default_factory=list)
    cursors: dict[str, str] = field(default_factory=dict)
    deletions_known_only: bool = False  # tombstone only posts we stored (firehose deletes)

    def __bool__(self) -> bool:
        return bool(self.posts or self.deletions or self.rejects or self.cursors)


class Said(str):
    """A warning for the reader: the English text (what `--json` gives), and its French in
    `fr` (what a French project's summary prints)."""

    fr: str

    def __new__(cls, en: str, fr: str) -> Said:
        said = super().__new__(cls, en)
        said.fr = fr
        return said


@dataclass
class Stats:
    """Counters a connector keeps while it runs (read by `listen` for its summary)."""

    requests: int = 0
    retries: int = 0
    rate_limited: int = 0
    malformed: int = 0
    errors: list[str] = field(default_factory=list)  # plain English, or `Said` in both

    def warn(self, en: str, fr: str) -> None:
        """Add a warning once (a feed down for a day is said once, not at every poll)."""
        if en not in self.errors:
            self.errors.append(Said(en, fr))


class Connector(Protocol):
    """A live source: yields pages from its stored cursors until caught up (`once`) or stopped."""

    name: str
    kind: str
    stats: Stats

    def pages(
        self, cursors: dict[str, str], *, once: bool, stop: threading.Event
    ) -> Iterator[Page]:
        """Pages after `cursors`; with `once`, return when nothing new remains."""
        ...


class RateLimited(Exception):
    """The server said 429 (or 503 with Retry-After): wait `retry_after` seconds."""

    def __init__(self, retry_after: float | None) -> None:
        super().__init__(f"rate limited (retry after {retry_after}s)")
        self.retry_after = retry_after


class Transient(Exception):
    """A network or server error worth retrying after a pause."""


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date), if any."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class Backoff:
    """Retry a call on `RateLimited` (honouring Retry-After) and `Transient` (exponential)."""

    stats: Stats
    stop: threading.Event
    base: float = 1.0
    cap: float = MAX_WAIT
    max_tries: int | None = 6  # None: forever (continuous listening)
    sleep: Callable[[float], object] | None = None

    def call(self, fn: Callable[[], T]) -> T:
        """Run `fn` until it succeeds, waiting between tries; re-raise after `max_tries`."""
        tries = 0
        while True:
            tries += 1
            self.stats.requests += 1
            try:
                return fn()
            except RateLimited as exc:
                self.stats.rate_limited += 1
                wait = exc.retry_after
                if wait is None:
                    wait = self.base * 2 ** min(tries - 1, 10)
                err: Exception = exc
            except Transient as exc:
                wait = self.base * 2 ** min(tries - 1, 10)
                err = exc
            if self.max_tries is not None and tries >= self.max_tries:
                raise err
            if self.stop.is_set():
                raise err
            self.stats.retries += 1
            self._wait(min(wait, self.cap))

    def _wait(self, seconds: float) -> None:
        if self.sleep is not None:
            self.sleep(seconds)
        else:
            self.stop.wait(seconds)


def parse_since(since: str | None) -> datetime | None:
    """The `since` bound of a source as naive UTC (`bascule.dates`: ISO 8601 only)."""
    if not since:
        return None
    try:
        return utc_when(since, "since")
    except InputError as exc:
        raise ConfigError(str(exc)) from None


def naive_utc(ts: datetime) -> datetime:
    """Drop the time zone of an aware datetime after converting it to UTC."""
    if ts.tzinfo is not None:
        return ts.astimezone(UTC).replace(tzinfo=None)
    return ts
