"""Mastodon: hashtag and public timelines through Mastodon.py, streaming when a token allows.

Back-fill pages backwards with `max_id` (down to `since`), then follows forwards with
`min_id`; both cursors are stored with each page. With a token, once caught up it listens to
the streaming API (Server-Sent Events) for new statuses and deletions, and polls again after a
stream drops. Payloads are mapped from the JSON as received (`formats.mastodon.map_all`).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from bascule.config import Source
from bascule.errors import ConfigError
from bascule.sources.formats.common import host
from bascule.sources.formats.mastodon import map_all
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
from bascule.sources.model import Deletion, RecordError

PAGE_LIMIT = 40  # the API's maximum for timelines


class RecordingSession(requests.Session):
    """A requests session that keeps the last response, for its JSON and Retry-After."""

    last: requests.Response | None = None

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        resp = super().request(*args, **kwargs)
        self.last = resp
        return resp


def raw_client(**kwargs: Any) -> Any:
    """A Mastodon.py client that returns the JSON as received, without its typed objects.

    Bascule maps and stores the payload itself (`formats.mastodon`); Mastodon.py's casting to
    typed entities costs about 20 ms per status, which caps a back-fill near 50 posts/s.
    """
    from mastodon import Mastodon

    class RawMastodon(Mastodon):
        def _Mastodon__try_cast_to_type(self, value: Any, override_type: Any = None) -> tuple:  # noqa: N802
            return value, None

    return RawMastodon(**kwargs)


def _id(value: Any) -> tuple[int, str]:
    """Sort key of a status id: Mastodon's numeric snowflakes, or Pleroma's fixed-width flakes."""
    text = str(value)
    return len(text), text


class MastodonConnector:
    """Hashtag and public/local timelines of one instance (Mastodon.py client injected)."""

    kind = "mastodon"

    def __init__(
        self,
        name: str,
        client: Any,
        session: RecordingSession,
        *,
        hashtags: list[str] = (),
        timelines: list[str] = (),
        since: datetime | None = None,
        streaming: bool = False,
        poll_seconds: float = 60.0,
        stream_batch_seconds: float = 0.5,
    ) -> None:
        self.name = name
        self.client = client
        self.session = session
        self.instance = host(client.api_base_url) or "unknown"
        self.streams = [f"tag:{t.lstrip('#').lower()}" for t in hashtags] + list(timelines)
        if not self.streams:
            raise ConfigError(f"source {name!r}: a mastodon source needs hashtags or timelines")
        self.since = since
        self.streaming = streaming
        self.poll_seconds = poll_seconds
        self.stream_batch_seconds = stream_batch_seconds
        self.stats = Stats()

    @classmethod
    def from_source(
        cls, root: Path, source: Source, name: str, *, since: datetime | None
    ) -> MastodonConnector:
        """The connector for a `[[sources]]` entry; the token comes from `token_env`."""
        if not source.instance:
            raise ConfigError(f'source {name!r}: a mastodon source needs `instance = "https://…"`')
        token = credential(root, source.token_env, required=bool(source.token_env))
        session = RecordingSession()
        client = raw_client(
            api_base_url=source.instance,
            access_token=token,
            ratelimit_method="throw",
            request_timeout=30,
            session=session,
        )
        return cls(
            name,
            client,
            session,
            hashtags=source.hashtags,
            timelines=source.timelines,
            since=since,
            streaming=token is not None,
            poll_seconds=source.poll_seconds,
        )

    # -- pages ----------------------------------------------------------------------------
    def pages(
        self, cursors: dict[str, str], *, once: bool, stop: threading.Event
    ) -> Iterator[Page]:
        """Back-fill then follow every stream; with a token and not `once`, stream afterwards."""
        backoff = Backoff(self.stats, stop, max_tries=6 if once else None)
        while not stop.is_set():
            for stream in self.streams:
                yield from self._catch_up(stream, cursors, backoff, stop)
            if once or stop.is_set():
                return
            if self.streaming:
                yield from self._stream(cursors, stop)
            if stop.wait(self.poll_seconds):  # after a dropped stream too: no tight loop
                return

    def _catch_up(
        self, stream: str, cursors: dict[str, str], backoff: Backoff, stop: threading.Event
    ) -> Iterator[Page]:
        newest_k, back_k = f"{stream}:newest", f"{stream}:backfill"
        while cursors.get(back_k) != "done" and not stop.is_set():
            max_id = cursors.get(back_k) or None
            statuses = backoff.call(lambda max_id=max_id: self._fetch(stream, max_id=max_id))
            page = Page()
            if not statuses:
                page.cursors[back_k] = "done"
                page.cursors.setdefault(newest_k, cursors.get(newest_k, "0"))
            else:
                if newest_k not in cursors:
                    page.cursors[newest_k] = str(max((s.get("id") for s in statuses), key=_id))
                older = self._map(statuses, page)
                low = min((s.get("id") for s in statuses), key=_id)
                page.cursors[back_k] = "done" if older else str(low)
            cursors.update(page.cursors)
            yield page
        while not stop.is_set():
            min_id = cursors.get(newest_k, "0")
            statuses = backoff.call(lambda min_id=min_id: self._fetch(stream, min_id=min_id))
            if not statuses:
                return
            page = Page()
            self._map(statuses, page)
            page.cursors[newest_k] = str(max((s.get("id") for s in statuses), key=_id))
            cursors.update(page.cursors)
            yield page
            if len(statuses) < PAGE_LIMIT:
                return

    def _map(self, statuses: list[dict], page: Page) -> bool:
        """Add mapped statuses to `page`; True when one is older than `since` (stop back-fill)."""
        older = False
        for obj in statuses:
            try:
                posts = map_all(obj, json.dumps(obj, ensure_ascii=False), instance=self.instance)
            except (RecordError, TypeError, ValueError, KeyError) as exc:
                page.rejects.append((f"bad status: {exc}", json.dumps(obj)[:500]))
                self.stats.malformed += 1
                continue
            if self.since and naive_utc(posts[0].created_at) < self.since:
                older = True
                continue
            page.posts.extend(posts)
        return older

    def _fetch(self, stream: str, **params: Any) -> list[dict]:
        """One page of a timeline, as the JSON list the server sent."""
        from mastodon import errors as merr

        params = {k: v for k, v in params.items() if v is not None}
        try:
            if stream.startswith("tag:"):
                data = self.client.timeline_hashtag(stream[4:], limit=PAGE_LIMIT, **params)
            else:
                data = self.client.timeline_public(
                    limit=PAGE_LIMIT, local=stream == "local", **params
                )
        except merr.MastodonRatelimitError as exc:
            raise RateLimited(self._retry_after()) from exc
        except (merr.MastodonNetworkError, merr.MastodonServerError) as exc:
            raise Transient(f"{stream}: {exc}") from exc
        except merr.MastodonAPIError as exc:
            if self.session.last is not None and self.session.last.status_code == 503:
                raise Transient(f"{stream}: {exc}") from exc
            raise
        if not isinstance(data, list):
            raise Transient(f"{stream}: the server did not answer a list")
        return [s for s in data if isinstance(s, dict)]

    def _retry_after(self) -> float | None:
        last = self.session.last
        return retry_after_seconds(last.headers.get("Retry-After")) if last is not None else None

    # -- streaming ------------------------------------------------------------------------
    def _stream(self, cursors: dict[str, str], stop: threading.Event) -> Iterator[Page]:
        """Stream every hashtag/timeline until one stream drops (then the caller polls)."""
        events: queue.Queue = queue.Queue(maxsize=10_000)
        dropped = threading.Event()
        ended = threading.Event()  # tells this round's stream threads to let go
        for stream in self.streams:
            listener = SseListener(stream, events, stop, ended)
            th = threading.Thread(
                target=self._run_stream,
                args=(stream, listener, dropped),
                name=f"{self.name}-{stream}",
                daemon=True,
            )
            th.start()
        try:
            while not stop.is_set():
                page = self._drain(events, cursors, stop)
                if page:
                    cursors.update(page.cursors)
                    yield page
                elif dropped.is_set():
                    return
        finally:
            ended.set()

    def _run_stream(self, stream: str, listener: SseListener, dropped: threading.Event) -> None:
        try:
            if stream.startswith("tag:"):
                self.client.stream_hashtag(stream[4:], listener, run_async=False, timeout=120)
            else:
                self.client.stream_public(listener, run_async=False, local=stream == "local")
        except Exception as exc:  # noqa: BLE001 - the stream dropped: poll, then reconnect
            self.stats.errors.append(f"stream {stream}: {type(exc).__name__}")
        finally:
            dropped.set()

    def _drain(self, events: queue.Queue, cursors: dict[str, str], stop: threading.Event) -> Page:
        page = Page()
        try:
            item = events.get(timeout=self.stream_batch_seconds)
        except queue.Empty:
            return page
        items = [item]
        while len(items) < 500:
            try:
                items.append(events.get_nowait())
            except queue.Empty:
                break
        for stream, name, data in items:
            if name == "malformed":
                page.rejects.append(("malformed stream message", data))
                self.stats.malformed += 1
            elif name == "delete":
                sid = data.strip().strip('"')
                page.deletions.append(Deletion("mastodon", f"{self.instance}:{sid}").post_id)
                page.deletions_known_only = True
            elif name in ("update", "status.update"):
                try:
                    obj = json.loads(data)
                    posts = map_all(obj, data, instance=self.instance)
                except (RecordError, TypeError, ValueError, KeyError, AttributeError) as exc:
                    page.rejects.append((f"bad status in stream: {exc}", data[:500]))
                    self.stats.malformed += 1
                    continue
                page.posts.extend(posts)
                key = f"{stream}:newest"
                if name == "update" and _id(obj["id"]) > _id(cursors.get(key, "0")):
                    page.cursors[key] = str(obj["id"])
                    cursors[key] = page.cursors[key]
        return page


class SseListener:
    """A Mastodon.py stream listener that parses Server-Sent Events itself, tolerantly.

    Mastodon.py's own parser aborts the stream on a malformed event; here a bad event is
    counted and skipped, and the raw JSON of each status is kept.
    """

    def __init__(
        self, stream: str, out: queue.Queue, stop: threading.Event, ended: threading.Event
    ) -> None:
        self.stream = stream
        self.out = out
        self.stop = stop
        self.ended = ended

    def handle_stream(self, response: requests.Response) -> None:
        """Read `event:`/`data:` blocks until the server closes or we are stopped."""
        event: dict[str, str] = {}
        for raw in response.iter_lines(chunk_size=1024, decode_unicode=False):
            if self.stop.is_set() or self.ended.is_set():
                return
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                self._put("malformed", raw[:500].decode("utf-8", "replace"))
                event = {}
                continue
            if not line:
                self._dispatch(event)
                event = {}
            elif line.startswith(":"):
                continue  # heartbeat
            elif ":" in line:
                key, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                event[key] = event[key] + "\n" + value if key in event else value
            else:
                self._put("malformed", line[:500])

    def _dispatch(self, event: dict[str, str]) -> None:
        if not event:
            return
        name = event.get("event")
        if name is None or "data" not in event:
            self._put("malformed", json.dumps(event)[:500])
        elif name in ("update", "status.update", "delete"):
            self._put(name, event["data"])

    def _put(self, name: str, data: str) -> None:
        self.out.put((self.stream, name, data))

    # Mastodon.py calls these on some paths; nothing to do here.
    on_abort: Callable[[Exception], None] = staticmethod(lambda err: None)
