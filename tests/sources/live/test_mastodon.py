"""Mastodon connector through Mastodon.py against a local instance: back-fill, follow, 429,
streaming with deletions and malformed events."""

from __future__ import annotations

import json
import threading
import time

from bascule.live.listen import listen
from tests.sources.live.conftest import add_sources
from tests.sources.live.live_servers import BASE_ID, make_statuses


def _source(fedi, extra: str = "") -> str:
    return (
        f'[[sources]]\nkind = "mastodon"\nname = "masto"\ninstance = "{fedi.url}"\n'
        f'hashtags = ["polqc"]\npoll_seconds = 0.5\n{extra}'
    )


def test_backfill_then_follow(project, fedi) -> None:
    fedi.statuses["polqc"] = make_statuses(95)
    add_sources(project, _source(fedi))
    out = listen(project, once=True, analyze=False, alerts=False)
    assert out["posts"] == 95
    # 3 pages of 40/40/15, one empty page ends the back-fill, one empty follow page
    tag = fedi.requests("/api/v1/timelines/tag/polqc")
    assert len(tag) == 5
    assert "min_id" in tag[-1]
    cur = dict(project.store.rows("SELECT key, value FROM cursors WHERE source = 'masto'"))
    assert cur == {"tag:polqc:newest": str(BASE_ID + 95), "tag:polqc:backfill": "done"}
    host = fedi.url.split("://")[1]
    assert (
        project.store.scalar("SELECT min(post_id) FROM posts") == f"mastodon:{host}:{BASE_ID + 1}"
    )
    # raw payload kept, identity fields scrubbed
    raw = json.loads(project.store.scalar("SELECT raw FROM posts LIMIT 1"))
    assert "display_name" not in raw["account"]
    # 50 new statuses: followed with min_id, in two pages, nothing twice
    fedi.statuses["polqc"] += make_statuses(50, start=96)
    again = listen(project, once=True, analyze=False, alerts=False)
    assert (again["posts"], again["sources"][0]["duplicates"]) == (50, 0)
    assert project.store.count("posts") == 145


def test_since_bounds_the_backfill(project, fedi) -> None:
    fedi.statuses["polqc"] = make_statuses(100)  # 12:01 .. 13:40 on 2026-09-15
    add_sources(project, _source(fedi, 'since = "2026-09-15T13:00:00"'))
    out = listen(project, once=True, analyze=False, alerts=False)
    assert out["posts"] == 41  # 13:00 .. 13:40
    assert project.store.scalar("SELECT min(created_at) FROM posts").isoformat() == (
        "2026-09-15T13:00:00"
    )


def test_rate_limited_server_is_waited_out(project, fedi) -> None:
    fedi.statuses["polqc"] = make_statuses(10)
    fedi.rate_limit, fedi.retry_after = 2, "1"
    add_sources(project, _source(fedi))
    t0 = time.monotonic()
    out = listen(project, once=True, analyze=False, alerts=False)
    src = out["sources"][0]
    assert (src["posts"], src["rate_limited"], src["retries"]) == (10, 2, 2)
    assert time.monotonic() - t0 >= 2.0  # Retry-After: 1, twice


def test_streaming_updates_deletes_and_malformed(project, fedi, monkeypatch) -> None:
    monkeypatch.setenv("BASCULE_TEST_TOKEN", "s3cret-token")
    fedi.statuses["polqc"] = make_statuses(3)
    new = make_statuses(2, start=4)
    fedi.sse = [
        f"event: update\ndata: {json.dumps(new[0])}\n\n".encode(),
        b"event: update\ndata: {not json\n\n",
        b"this line is not an SSE field\n\n",
        f"event: delete\ndata: {BASE_ID + 2}\n\n".encode(),
        f"event: update\ndata: {json.dumps(new[1])}\n\n".encode(),
    ]
    fedi.sse_hold = 30
    add_sources(project, _source(fedi, 'token_env = "BASCULE_TEST_TOKEN"'))
    stop = threading.Event()
    result: dict = {}

    def run() -> None:
        result.update(listen(project, analyze=False, alerts=False, stop_event=stop))

    th = threading.Thread(target=run)
    th.start()
    deadline = time.monotonic() + 15
    while not fedi.requests("/api/v1/streaming/hashtag") and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)
    stop.set()
    th.join(10)
    assert not th.is_alive()
    src = result["sources"][0]
    assert (src["posts"], src["deleted"], src["malformed"]) == (5, 1, 2)
    host = fedi.url.split("://")[1]
    ids = {r[0] for r in project.store.rows("SELECT post_id FROM posts")}
    assert f"mastodon:{host}:{BASE_ID + 2}" not in ids
    assert len(ids) == 4
    assert project.store.count("tombstones") == 1
    stream = fedi.requests("/api/v1/streaming/hashtag")[0]
    assert "tag=polqc" in stream
    # the token never reaches the store nor the logs
    dump = " ".join(str(r) for r in project.store.rows("SELECT * FROM cursors"))
    dump += " ".join(str(r) for r in project.store.rows("SELECT * FROM ingest_runs"))
    assert "s3cret" not in dump


def test_public_and_local_timelines(project, fedi) -> None:
    fedi.public = make_statuses(45)
    add_sources(
        project,
        f'[[sources]]\nkind = "mastodon"\nname = "pub"\ninstance = "{fedi.url}"\n'
        'timelines = ["public", "local"]\n',
    )
    out = listen(project, once=True, analyze=False, alerts=False)
    assert (out["posts"], out["sources"][0]["duplicates"]) == (45, 45)
    assert any("local=1" in r for r in fedi.requests("/api/v1/timelines/public"))
