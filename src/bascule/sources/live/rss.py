"""RSS/Atom news feeds: each item becomes a Post (platform "rss", author = the feed).

Feeds are fetched with httpx (conditional GET with ETag / Last-Modified) and parsed from bytes
by feedparser. Items are keyed by their guid, so an item seen twice is stored once, and one
published late with an earlier date than the newest stored is still stored.
"""

from __future__ import annotations

import calendar
import html
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import urlparse

import httpx

from bascule.sources.live.base import (
    Backoff,
    Page,
    RateLimited,
    Stats,
    Transient,
    retry_after_seconds,
)
from bascule.sources.model import Account, Post

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"[ \t\r\f\v]+")


def strip_html(text: str | None) -> str:
    """Plain text of an HTML fragment (tags dropped, entities decoded)."""
    if not text:
        return ""
    text = _TAG.sub(" ", text)
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _entry_time(entry: dict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        st = entry.get(key)
        if st:
            return datetime.fromtimestamp(calendar.timegm(st), UTC).replace(tzinfo=None)
    return None


def map_entry(entry: dict, feed_url: str, feed: dict, *, fetched_at: datetime) -> Post:
    """A feedparser entry as a Post: author = the feed, text = title + summary, url = link."""
    link = entry.get("link")
    native = entry.get("id") or link or f"{feed_url}#{entry.get('title', '')}"
    title = strip_html(entry.get("title"))
    summary = strip_html(entry.get("summary"))
    text = title if not summary or summary == title else f"{title}\n\n{summary}"
    lang = (feed.get("language") or "").split("-")[0].lower() or None
    return Post(
        platform="rss",
        native_id=str(native),
        author=Account(
            platform="rss",
            native_id=feed_url,
            handle=urlparse(feed_url).netloc or feed_url,
            display_name=strip_html(feed.get("title")) or None,
        ),
        created_at=_entry_time(entry) or fetched_at,
        text=text or None,
        lang=lang,
        url=link,
    )


class FeedDown(Transient):
    """A feed that did not answer (network, server error), worth another try; says why in
    English and in French (`fr`), without the feed's address (the warning gives it once)."""

    def __init__(self, why: str, fr: str) -> None:
        super().__init__(why)
        self.fr = fr


FEED_TRIES = 3  # tries of one feed per round (about 3 s of waits) before the next feed


class RssConnector:
    """Polls a list of feeds every `poll_seconds`; new items (by date) become posts."""

    def __init__(
        self,
        name: str,
        feeds: list[str],
        *,
        client: httpx.Client | None = None,
        since: datetime | None = None,
        poll_seconds: float = 60.0,
    ) -> None:
        self.name = name
        self.kind = "rss"
        self.feeds = feeds
        self.client = client or httpx.Client(timeout=30, follow_redirects=True)
        self.since = since
        self.poll_seconds = poll_seconds
        self.stats = Stats()

    def pages(
        self, cursors: dict[str, str], *, once: bool, stop: threading.Event
    ) -> Iterator[Page]:
        """One page per feed and poll; with `once`, a single round. A feed that stays down
        through its retries is reported and skipped until the next round: the other feeds go
        on."""
        backoff = Backoff(self.stats, stop, max_tries=FEED_TRIES)
        while not stop.is_set():
            for url in self.feeds:
                if stop.is_set():
                    return
                try:
                    page = backoff.call(lambda url=url: self._fetch(url, cursors))
                except RateLimited:
                    self._skipped(url, "rate limited by the server", "trop de requêtes")
                    continue
                except Transient as exc:
                    self._skipped(url, str(exc), getattr(exc, "fr", None))
                    continue
                if page:
                    cursors.update(page.cursors)
                    yield page
            if once or stop.wait(self.poll_seconds):
                return

    def _skipped(self, url: str, why: str, why_fr: str | None = None) -> None:
        """Say once that feed `url` was skipped until the next poll, and why (the URL once)."""
        self.stats.warn(
            f"{url}: {why}; skipped until the next poll",
            f"{url} : {why_fr or why} ; ignoré jusqu'au prochain relevé",
        )

    def _fetch(self, url: str, cursors: dict[str, str]) -> Page:
        import feedparser

        headers = {}
        if etag := cursors.get(f"{url}:etag"):
            headers["If-None-Match"] = etag
        if modified := cursors.get(f"{url}:modified"):
            headers["If-Modified-Since"] = modified
        try:
            resp = self.client.get(url, headers=headers)
        except httpx.TransportError as exc:
            why = str(exc) or type(exc).__name__  # a timeout may have no message
            raise FeedDown(f"unreachable ({why})", f"injoignable ({why})") from exc
        if resp.status_code == 429 or (resp.status_code == 503 and "retry-after" in resp.headers):
            raise RateLimited(retry_after_seconds(resp.headers.get("retry-after")))
        code = resp.status_code
        if code >= 500:
            raise FeedDown(f"server error (HTTP {code})", f"erreur du serveur (HTTP {code})")
        if code == 304:
            return Page()
        if code >= 400:
            self._skipped(url, f"HTTP {code}", f"HTTP {code}")
            return Page()
        parsed = feedparser.parse(resp.content)
        page = Page()
        if parsed.get("bozo") and not parsed.entries:
            page.rejects.append((f"not a feed: {parsed.get('bozo_exception')}", resp.text[:500]))
            self.stats.malformed += 1
            return page
        newest_key = f"{url}:newest"
        newest = cursors.get(newest_key)
        fetched = datetime.now(UTC).replace(tzinfo=None)
        best = newest
        for entry in parsed.entries:
            try:
                post = map_entry(entry, url, parsed.feed, fetched_at=fetched)
            except (TypeError, ValueError, AttributeError) as exc:
                page.rejects.append((f"bad feed item: {exc}", str(entry)[:500]))
                self.stats.malformed += 1
                continue
            stamp = post.created_at.isoformat()
            if self.since and post.created_at < self.since:
                continue
            page.posts.append(post)
            if best is None or stamp > best:
                best = stamp
        if best and best != newest:
            page.cursors[newest_key] = best
        if etag := resp.headers.get("etag"):
            page.cursors[f"{url}:etag"] = etag
        if modified := resp.headers.get("last-modified"):
            page.cursors[f"{url}:modified"] = modified
        return page
