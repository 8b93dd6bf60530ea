"""Bluesky: `app.bsky.feed.searchPosts` through the atproto SDK, and the Jetstream firehose.

searchPosts back-fills each query with its `cursor` (down to `since`), then follows by reading
the newest results until it meets what it has stored. Jetstream is read over a WebSocket with
`cursor` = the `time_us` of the last stored event, so a restart replays from there. Jetstream
carries all of Bluesky: when the source has `hashtags` or `queries`, only posts matching one of
them are kept (deletions are honoured for stored posts only).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bascule.config import Source
from bascule.errors import ConfigError
from bascule.sources.formats.bluesky import map_jetstream_event, map_post_view
from bascule.sources.live.base import (
    Backoff,
    Page,
    RateLimited,
    Stats,
    Transient,
    naive_utc,
    retry_after_seconds,
)
from bascule.sources.live.credentials import credential
from bascule.sources.model import Deletion, Post, RecordError

PUBLIC_APPVIEW = "https://public.api.bsky.app"
PDS = "https://bsky.social"
SEARCH_LIMIT = 100
FOLLOW_MAX_PAGES = 10
JETSTREAM_BATCH = 2000


class BlueskyConnector:
    """Queries through searchPosts (atproto `Client` injected) and/or a Jetstream WebSocket."""

    kind = "bluesky"

    def __init__(
        self,
        name: str,
        *,
        client: Any = None,
        queries: list[str] = (),
        jetstream: str | None = None,
        collections: list[str] = ("app.bsky.feed.post",),
        keywords: list[str] = (),
        since: datetime | None = None,
        poll_seconds: float = 60.0,
        idle_seconds: float = 2.0,
    ) -> None:
        if not queries and not jetstream:
            raise ConfigError(f"source {name!r}: a bluesky source needs `queries` or `jetstream`")
        if queries and client is None:
            raise ConfigError(f"source {name!r}: searchPosts needs an atproto client")
        self.name = name
        self.client = client
        self.queries = list(queries)
        self.jetstream = jetstream
        self.collections = list(collections)
        self.keywords = [k.lower().lstrip("#") for k in keywords if k.strip()]
        self.since = since
        self.poll_seconds = poll_seconds
        self.idle_seconds = idle_seconds
        self.stats = Stats()

    @classmethod
    def from_source(
        cls, root: Path, source: Source, name: str, *, since: datetime | None
    ) -> BlueskyConnector:
        """The connector for a `[[sources]]` entry (login when handle/password are named)."""
        client = None
        if source.queries:
            from atproto import Client

            handle = credential(root, source.handle_env, required=bool(source.handle_env))
            password = credential(root, source.password_env, required=bool(source.password_env))
            base = source.instance or (PDS if handle else PUBLIC_APPVIEW)
            client = Client(base_url=base.rstrip("/") + "/xrpc")
            if handle and password:
                client.login(handle, password)
        return cls(
            name,
            client=client,
            queries=source.queries,
            jetstream=source.jetstream,
            collections=source.collections,
            keywords=[*source.hashtags, *source.queries],
            since=since,
            poll_seconds=source.poll_seconds,
            idle_seconds=min(2.0, source.poll_seconds),
        )

    # -- pages ----------------------------------------------------------------------------
    def pages(
        self, cursors: dict[str, str], *, once: bool, stop: threading.Event
    ) -> Iterator[Page]:
        """Catch up every query, then read Jetstream (until idle with `once`), in turns."""
        backoff = Backoff(self.stats, stop, max_tries=6 if once else None)
        ws, drops = None, 0
        try:
            while not stop.is_set():
                for q in self.queries:
                    yield from self._search(q, cursors, backoff, stop)
                if self.jetstream:
                    if ws is None:
                        ws = backoff.call(lambda: self._connect(cursors))
                    window = None if once else self.poll_seconds
                    try:
                        for page in self._read_jetstream(
                            ws, cursors, stop, once=once, window=window
                        ):
                            drops = 0
                            yield page
                    except Transient as exc:
                        # the stream dropped: resume from the stored cursor, after a pause
                        self.stats.errors.append(str(exc))
                        ws.close()
                        ws = None
                        if once:
                            return
                        drops += 1
                        self.stats.retries += 1
                        if stop.wait(min(backoff.base * 2 ** min(drops - 1, 6), 60.0)):
                            return
                        continue
                if once:
                    return
                if not self.jetstream and stop.wait(self.poll_seconds):
                    return
        finally:
            if ws is not None:
                ws.close()

    # -- searchPosts ------------------------------------------------------------------------
    def _search(
        self, q: str, cursors: dict[str, str], backoff: Backoff, stop: threading.Event
    ) -> Iterator[Page]:
        newest_k, back_k = f"q:{q}:newest", f"q:{q}:backfill"
        while cursors.get(back_k) != "done" and not stop.is_set():
            cur = cursors.get(back_k) or None
            data = backoff.call(lambda cur=cur: self._fetch(q, cur))
            views = data.get("posts") or []
            page = Page()
            older = self._map_views(views, page, newer_than=None)
            if newest_k not in cursors:
                page.cursors[newest_k] = max(
                    (str(v.get("indexedAt") or "") for v in views if isinstance(v, dict)),
                    default="",
                )
            nxt = data.get("cursor")
            page.cursors[back_k] = "done" if older or not nxt or not views else str(nxt)
            cursors.update(page.cursors)
            yield page
        newest = cursors.get(newest_k, "")
        cur = None
        best = newest
        for n in range(FOLLOW_MAX_PAGES):
            if stop.is_set():
                return
            data = backoff.call(lambda cur=cur: self._fetch(q, cur))
            views = data.get("posts") or []
            page = Page()
            reached = self._map_views(views, page, newer_than=newest)
            for v in views:
                if isinstance(v, dict) and str(v.get("indexedAt") or "") > best:
                    best = str(v["indexedAt"])
            cur = data.get("cursor")
            done = reached or not cur or not views
            if not done and n == FOLLOW_MAX_PAGES - 1:
                # more new posts than one round reads: move on, and say a gap may remain
                self.stats.errors.append(f"searchPosts {q!r}: over {n + 1} pages new; gap")
                done = True
            if done and best != newest:
                page.cursors[newest_k] = best  # once the gap is closed (or given up)
            if page:
                cursors.update(page.cursors)
                yield page
            if done:
                return

    def _map_views(self, views: list, page: Page, *, newer_than: str | None) -> bool:
        """Add posts to `page`; True when the back-fill bound or the stored newest is reached."""
        reached = False
        for v in views:
            if not isinstance(v, dict):
                page.rejects.append(("searchPosts result is not an object", str(v)[:500]))
                self.stats.malformed += 1
                continue
            if newer_than is not None and str(v.get("indexedAt") or "") <= newer_than:
                reached = True
                continue
            raw = json.dumps(v, ensure_ascii=False)
            try:
                post = map_post_view(v, raw)
            except (RecordError, TypeError, ValueError, KeyError, AttributeError) as exc:
                page.rejects.append((f"bad post view: {exc}", raw[:500]))
                self.stats.malformed += 1
                continue
            if self.since and naive_utc(post.created_at) < self.since:
                reached = newer_than is None or reached
                continue
            page.posts.append(post)
        return reached

    def _fetch(self, q: str, cursor: str | None) -> dict:
        from atproto import exceptions as aexc
        from atproto import models

        params = models.AppBskyFeedSearchPosts.Params(
            q=q, limit=SEARCH_LIMIT, cursor=cursor, sort="latest"
        )
        try:
            resp = self.client.invoke_query("app.bsky.feed.searchPosts", params=params)
        except aexc.RateLimitExceededError as exc:
            headers = exc.response.headers if exc.response is not None else {}
            raise RateLimited(retry_after_seconds(_header(headers, "retry-after"))) from exc
        except aexc.NetworkError as exc:
            raise Transient(f"searchPosts {q!r}: {exc}") from exc
        except aexc.RequestException as exc:
            if exc.response is not None and exc.response.status_code >= 500:
                raise Transient(f"searchPosts {q!r}: {exc}") from exc
            raise
        content = resp.content
        if not isinstance(content, dict):
            raise Transient(f"searchPosts {q!r}: the server did not answer JSON")
        return content

    # -- Jetstream --------------------------------------------------------------------------
    def _url(self, cursors: dict[str, str]) -> str:
        params: list[tuple[str, str]] = [("wantedCollections", c) for c in self.collections]
        cur = cursors.get("jetstream:cursor")
        if cur is None and self.since is not None:
            cur = str(int(self.since.timestamp() * 1_000_000))
        if cur is not None:
            params.append(("cursor", cur))
        sep = "&" if "?" in self.jetstream else "?"
        return f"{self.jetstream}{sep}{urlencode(params)}" if params else self.jetstream

    def _connect(self, cursors: dict[str, str]) -> Any:
        from websockets.exceptions import InvalidStatus, WebSocketException
        from websockets.sync.client import connect

        try:
            return connect(self._url(cursors), open_timeout=30, max_size=2**22)
        except InvalidStatus as exc:
            resp = exc.response
            if resp.status_code in (429, 503):
                raise RateLimited(retry_after_seconds(resp.headers.get("Retry-After"))) from exc
            raise Transient(f"jetstream: HTTP {resp.status_code}") from exc
        except (OSError, WebSocketException, TimeoutError) as exc:
            raise Transient(f"jetstream: {exc}") from exc

    def _read_jetstream(
        self,
        ws: Any,
        cursors: dict[str, str],
        stop: threading.Event,
        *,
        once: bool,
        window: float | None,
    ) -> Iterator[Page]:
        """Pages of Jetstream events; returns after `window` s, or once idle/caught up."""
        from websockets.exceptions import ConnectionClosed

        start_us = int(time.time() * 1_000_000)
        started = time.monotonic()
        while not stop.is_set():
            page, last_us, idle = Page(), None, False
            batch_end = time.monotonic() + 0.5
            while len(page.posts) + len(page.deletions) < JETSTREAM_BATCH:
                timeout = max(0.0, batch_end - time.monotonic())
                if not page and once:
                    timeout = self.idle_seconds
                try:
                    msg = ws.recv(timeout=timeout)
                except TimeoutError:
                    idle = not page
                    break
                except ConnectionClosed as exc:
                    if page:
                        break
                    raise Transient(f"jetstream closed: {exc}") from exc
                t_us = self._event(msg, page)
                if t_us is not None:
                    last_us = t_us
                if time.monotonic() >= batch_end:
                    break
            if last_us is not None:
                page.cursors["jetstream:cursor"] = str(last_us)
            if page:
                cursors.update(page.cursors)
                yield page
            if once and (idle or (last_us is not None and last_us >= start_us)):
                return
            if window is not None and time.monotonic() - started >= window:
                return

    def _event(self, msg: str | bytes, page: Page) -> int | None:
        """Add one Jetstream message to `page`; returns its `time_us` (None if malformed)."""
        try:
            event = json.loads(msg)
            t_us = int(event["time_us"])
        except (ValueError, TypeError, KeyError):
            page.rejects.append(("malformed Jetstream message", _text(msg)[:500]))
            self.stats.malformed += 1
            return None
        try:
            got = map_jetstream_event(event, _text(msg))
        except (RecordError, TypeError, ValueError, KeyError, AttributeError) as exc:
            page.rejects.append((f"bad Jetstream event: {exc}", _text(msg)[:500]))
            self.stats.malformed += 1
            return t_us
        if isinstance(got, Deletion):
            page.deletions.append(got.post_id)
            page.deletions_known_only = bool(self.keywords)
        elif isinstance(got, Post) and self._wanted(got):
            page.posts.append(got)
        return t_us

    def _wanted(self, post: Post) -> bool:
        if not self.keywords:
            return True
        text = (post.text or "").lower()
        return any(k in text for k in self.keywords)


def _text(msg: str | bytes) -> str:
    return msg.decode("utf-8", "replace") if isinstance(msg, bytes) else msg


def _header(headers: dict, name: str) -> str | None:
    for k, v in (headers or {}).items():
        if k.lower() == name:
            return v[1] if isinstance(v, tuple) else v
    return None
