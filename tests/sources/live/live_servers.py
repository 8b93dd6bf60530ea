"""Local servers on loopback speaking the real protocols, for the live connector tests.

`FakeFediverse` is one HTTP server that answers like a Mastodon instance (REST timelines with
Link headers, the streaming API as Server-Sent Events), a Bluesky AppView
(`app.bsky.feed.searchPosts` over XRPC) and a news site (an RSS feed with ETag). `FakeJetstream`
is a WebSocket server that speaks Jetstream (`wantedCollections`, `cursor` = time_us).
Payloads are the protocol fixtures of data/samples/live, with ids and dates varied.
"""

from __future__ import annotations

import bisect
import contextlib
import copy
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "data" / "samples" / "live"
BASE_ID = 113_400_000_000_000_000
T0 = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def make_statuses(n: int, *, tag: str = "polqc", start: int = 1) -> list[dict]:
    """`n` statuses in the real REST format, ids BASE_ID+start.., one minute apart."""
    base = json.loads((SAMPLES / "mastodon_status.json").read_text(encoding="utf-8"))
    out = []
    for i in range(start, start + n):
        s = copy.deepcopy(base)
        sid = str(BASE_ID + i)
        s["id"] = sid
        s["created_at"] = _iso(T0 + timedelta(minutes=i))
        s["uri"] = f"https://mastodon.example/users/exemple_a/statuses/{sid}"
        s["url"] = f"https://mastodon.example/@exemple_a/{sid}"
        s["content"] = f'<p>Message {i} sur le débat <a href="#">#<span>{tag}</span></a></p>'
        s["account"]["id"] = str(109_000_000_000_000_000 + i % 7)
        s["account"]["username"] = s["account"]["acct"] = f"exemple_{i % 7}"
        s["account"]["url"] = f"https://mastodon.example/@exemple_{i % 7}"
        s["tags"] = [{"name": tag, "url": f"https://mastodon.example/tags/{tag}"}]
        out.append(s)
    return out


def make_post_views(n: int, *, start: int = 1) -> list[dict]:
    """`n` searchPosts PostViews, newest first, indexed one minute apart."""
    base = json.loads((SAMPLES / "bluesky_post_view.json").read_text(encoding="utf-8"))
    out = []
    for i in range(start, start + n):
        v = copy.deepcopy(base)
        did = f"did:plc:example{i % 5:017d}"
        v["uri"] = f"at://{did}/app.bsky.feed.post/3l6o{i:09d}"
        v["author"]["did"] = did
        v["author"]["handle"] = f"exemple-{i % 5}.bsky.social"
        v["record"]["createdAt"] = _iso(T0 + timedelta(minutes=i))
        v["record"]["text"] = f"Message {i} sur le débat #polqc"
        v["indexedAt"] = _iso(T0 + timedelta(minutes=i, seconds=1))
        out.append(v)
    return sorted(out, key=lambda v: v["indexedAt"], reverse=True)


def jetstream_create(i: int, *, text: str | None = None) -> dict:
    """A Jetstream commit `create` event (time_us grows with i)."""
    did = f"did:plc:example{i % 5:017d}"
    return {
        "did": did,
        "time_us": 1_789_480_000_000_000 + i * 1000,
        "kind": "commit",
        "commit": {
            "rev": f"3l6ov{i:08d}",
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": f"3l6ojs{i:07d}",
            "record": {
                "$type": "app.bsky.feed.post",
                "createdAt": _iso(T0 + timedelta(seconds=i)),
                "langs": ["fr"],
                "text": text or f"Jet {i} #polqc",
            },
            "cid": "bafyreib2rxk3rh6kzwq5ln2tsqqs7y3ngdnywfbfbgkbmnkshnsyvdbsb4",
        },
    }


def jetstream_delete(i: int, of: int) -> dict:
    """A Jetstream commit `delete` of the post created by event `of`."""
    ev = jetstream_create(of)
    return {
        "did": ev["did"],
        "time_us": 1_789_480_000_000_000 + i * 1000,
        "kind": "commit",
        "commit": {
            "rev": f"3l6ov{i:08d}",
            "operation": "delete",
            "collection": "app.bsky.feed.post",
            "rkey": ev["commit"]["rkey"],
        },
    }


class FakeFediverse:
    """Mastodon REST + streaming, Bluesky searchPosts XRPC and an RSS feed, on 127.0.0.1."""

    def __init__(self) -> None:
        self.statuses: dict[str, list[dict]] = {}  # tag -> statuses, any order
        self.public: list[dict] = []
        self.posts: dict[str, list[dict]] = {}  # query -> PostViews, newest first
        self.feed: bytes = (SAMPLES / "feed.xml").read_bytes()
        self.rate_limit = 0  # how many next requests answer 429
        self.retry_after = "1"
        self.delay = 0.0
        self.log: list[str] = []
        self.sse: list[bytes] = []  # raw SSE blocks sent to each stream client
        self.sse_hold = 5.0  # keep the stream open this long after sending
        self.block_after: int | None = None  # timeline requests answered before hanging
        self.release = threading.Event()
        self.lock = threading.Lock()
        self._sorted: dict[tuple[int, int], tuple[list[dict], list[int]]] = {}
        handler = type("Handler", (_Handler,), {"fake": self})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeFediverse:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def sorted_ids(self, statuses: list[dict]) -> tuple[list[dict], list[int]]:
        """Statuses oldest first and their ids, cached until the list changes."""
        key = (id(statuses), len(statuses))
        got = self._sorted.get(key)
        if got is None:
            items = sorted(statuses, key=lambda s: int(s["id"]))
            got = self._sorted[key] = (items, [int(s["id"]) for s in items])
        return got

    def requests(self, prefix: str) -> list[str]:
        """Logged request paths (with query) starting with `prefix`."""
        with self.lock:
            return [p for p in self.log if p.startswith(prefix)]


class _Handler(BaseHTTPRequestHandler):
    fake: FakeFediverse
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, obj: object, status: int = 200, headers: dict | None = None) -> None:
        body = json.dumps(obj).encode()
        self._send(status, body, "application/json; charset=utf-8", headers)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        fake = self.fake
        url = urlparse(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        with fake.lock:
            fake.log.append(self.path)
            limited = fake.rate_limit > 0 and "/instance" not in self.path
            if limited:
                fake.rate_limit -= 1
        if fake.delay:
            time.sleep(fake.delay)
        blocked = fake.block_after is not None and "/timelines/" in self.path
        if blocked and len(fake.requests("/api/v1/timelines/")) > fake.block_after:
            fake.release.wait(30)  # a server that stops answering
        if limited:
            self._json({"error": "Too many requests"}, 429, {"Retry-After": fake.retry_after})
            return
        path = url.path
        if path == "/api/v1/instance":
            self._json(
                {
                    "uri": "mastodon.example",
                    "version": "4.3.0",
                    "urls": {"streaming_api": fake.url.replace("http", "ws", 1)},
                }
            )
        elif path.rstrip("/") == "/api/v2/instance":
            feeds = {"local": "public", "remote": "public"}
            self._json(
                {
                    "domain": "mastodon.example",
                    "version": "4.3.0",
                    "configuration": {
                        "urls": {"streaming": fake.url.replace("http", "ws", 1)},
                        "timelines_access": {"live_feeds": feeds, "hashtag_feeds": feeds},
                    },
                }
            )
        elif path.startswith("/api/v1/timelines/tag/"):
            self._timeline(fake.statuses.get(path.rsplit("/", 1)[1].lower(), []), q)
        elif path == "/api/v1/timelines/public":
            self._timeline(fake.public, q)
        elif path.startswith("/api/v1/streaming/"):
            self._stream()
        elif path == "/xrpc/app.bsky.feed.searchPosts":
            self._search(q)
        elif path == "/feed.xml":
            etag = f'"v1-{len(fake.feed)}"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", "application/rss+xml", {"ETag": etag})
            else:
                self._send(200, fake.feed, "application/rss+xml; charset=utf-8", {"ETag": etag})
        else:
            self._json({"error": "Record not found"}, 404)

    def _timeline(self, statuses: list[dict], q: dict) -> None:
        """Mastodon paging: max_id (older), since_id / min_id (newer), newest first, Link."""
        limit = min(int(q.get("limit", 20)), 40)
        items, ids = self.fake.sorted_ids(statuses)  # oldest first
        lo, hi = 0, len(items)
        if "max_id" in q:
            hi = bisect.bisect_left(ids, int(q["max_id"]))
        if "since_id" in q or "min_id" in q:
            lo = bisect.bisect_right(ids, int(q.get("min_id", q.get("since_id"))))
        newer = "min_id" in q  # the oldest `limit` after min_id, else the newest before max_id
        page = items[lo : min(hi, lo + limit)] if newer else items[max(lo, hi - limit) : hi]
        page = page[::-1]
        headers = {}
        if page:
            base = f"{self.fake.url}{urlparse(self.path).path}"
            headers["Link"] = (
                f'<{base}?max_id={page[-1]["id"]}>; rel="next", '
                f'<{base}?min_id={page[0]["id"]}>; rel="prev"'
            )
        self._json(page, headers=headers)

    def _search(self, q: dict) -> None:
        views = self.fake.posts.get(q.get("q", ""), [])
        start = int(q.get("cursor") or 0)
        limit = int(q.get("limit", 25))
        chunk = views[start : start + limit]
        out: dict = {"posts": chunk, "hitsTotal": len(views)}
        if start + limit < len(views):
            out["cursor"] = str(start + limit)
        self._json(out)

    def _stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        try:
            chunk(b":)\n\n")
            for block in list(self.fake.sse):
                chunk(block)
            end = time.monotonic() + self.fake.sse_hold
            while time.monotonic() < end:
                time.sleep(0.1)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.close_connection = True


class FakeJetstream:
    """A Jetstream WebSocket server: replays `events` from `cursor`, then stays open."""

    def __init__(self) -> None:
        from websockets.sync.server import serve

        self.events: list[str] = []  # raw messages (JSON text, or junk for malformed tests)
        self.connections: list[str] = []
        self.hold = 30.0  # seconds the connection stays open after the replay
        self.server = serve(self._handler, "127.0.0.1", 0)
        self.url = f"ws://127.0.0.1:{self.server.socket.getsockname()[1]}/subscribe"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeJetstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()

    def _handler(self, ws) -> None:  # noqa: ANN001 - websockets connection
        url = urlparse(ws.request.path)
        q = parse_qs(url.query)
        self.connections.append(ws.request.path)
        cursor = int(q["cursor"][-1]) if "cursor" in q else None
        wanted = set(q.get("wantedCollections", []))
        for raw in list(self.events):
            try:
                ev = json.loads(raw)
                t_us = int(ev["time_us"])
                coll = (ev.get("commit") or {}).get("collection")
            except (ValueError, KeyError, TypeError):
                ws.send(raw)
                continue
            if cursor is not None and t_us < cursor:
                continue
            if wanted and coll and coll not in wanted:
                continue
            ws.send(raw)
        with contextlib.suppress(Exception):  # the client went away
            ws.recv(timeout=self.hold)
