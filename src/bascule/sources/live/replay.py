"""Replay: re-emit a dataset file as if it arrived live, at N× speed, for drills and demos.

Records are read with `sources.readers.iter_posts` (any importable format); the gap between
two posts' timestamps is waited out divided by `speed`. With `--once` the file is emitted at
full speed. The cursor is the record number stored last, kept per file, so a replay resumes
where it stopped, even when the sources are reordered.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from bascule.config import Source
from bascule.errors import ConfigError
from bascule.sources.live.base import Page, Stats, naive_utc
from bascule.sources.model import Deletion, Post, Reject

BATCH = 1000
BATCH_SECONDS = 0.5
MAX_GAP = 60.0  # never wait more than a minute between two replayed posts


class ReplayConnector:
    """Re-emits the records of `path` (format `fmt`) at `speed` times their real pace."""

    kind = "replay"

    def __init__(
        self,
        name: str,
        path: Path,
        *,
        fmt: str = "auto",
        speed: float = 60.0,
        platform: str | None = None,
    ) -> None:
        self.name = name
        self.path = Path(path)
        self.fmt = fmt
        self.speed = speed
        self.platform = platform
        self.stats = Stats()

    @classmethod
    def from_source(cls, root: Path, source: Source, name: str) -> ReplayConnector:
        """The connector for a `[[sources]]` entry; `path` is relative to the project folder."""
        if not source.path:
            raise ConfigError(f'source {name!r}: a replay source needs `path = "file"`')
        path = Path(source.path)
        if not path.is_absolute():
            path = Path(root) / path
        if not path.exists():
            raise ConfigError(f"source {name!r}: {path} does not exist")
        return cls(name, path, fmt=source.format, speed=source.speed, platform=source.platform)

    def first_date(self) -> datetime | None:
        """When the file's first post was written (naive UTC), None if it holds none."""
        from bascule.sources.readers import iter_posts

        options = {"platform": self.platform} if self.platform else {}
        for _, item in iter_posts(self.path, self.fmt, **options):
            if isinstance(item, Post):
                return naive_utc(item.created_at)
        return None

    def pages(
        self, cursors: dict[str, str], *, once: bool, stop: threading.Event
    ) -> Iterator[Page]:
        """Pages of records after the stored record number, paced unless `once`."""
        from bascule.sources.readers import iter_posts

        key = f"record:{self.path.resolve()}"  # the file's own: sources may be reordered
        done = int(cursors.get(key, "0"))
        page = Page()
        flushed = time.monotonic()
        prev: datetime | None = None
        options = {"platform": self.platform} if self.platform else {}
        for no, item in iter_posts(self.path, self.fmt, deletions=True, **options):
            if stop.is_set():
                return
            if no <= done:
                continue
            if isinstance(item, Post) and not once:
                ts = naive_utc(item.created_at)
                gap = (ts - prev).total_seconds() / self.speed if prev is not None else 0.0
                prev = ts if prev is None or ts > prev else prev
                if gap > 0:
                    if page:
                        yield self._close(page, cursors)
                        page, flushed = Page(), time.monotonic()
                    if stop.wait(min(gap, MAX_GAP)):
                        return
            self._add(item, page, no)
            page.cursors[key] = str(no)
            if len(page.posts) >= BATCH or time.monotonic() - flushed >= BATCH_SECONDS:
                yield self._close(page, cursors)
                page, flushed = Page(), time.monotonic()
        if page:
            yield self._close(page, cursors)

    def _add(self, item: Post | Reject | Deletion, page: Page, no: int) -> None:
        if isinstance(item, Post):
            page.posts.append(item)
        elif isinstance(item, Deletion):
            page.deletions.append(item.post_id)
        else:
            page.rejects.append((item.reason, item.record or "", item.line or no))
            self.stats.malformed += 1

    @staticmethod
    def _close(page: Page, cursors: dict[str, str]) -> Page:
        cursors.update(page.cursors)
        return page
