"""Bluesky connector: searchPosts through the atproto SDK, Jetstream over a WebSocket."""

from __future__ import annotations

import json
import threading
import time

from bascule.live.listen import listen
from tests.sources.live.conftest import add_sources
from tests.sources.live.live_servers import jetstream_create, jetstream_delete, make_post_views


def test_search_posts_backfill_then_follow(project, fedi) -> None:
    fedi.posts["polqc"] = make_post_views(230)
    fedi.rate_limit, fedi.retry_after = 1, "0"  # the first call is answered 429
    add_sources(
        project,
        f'[[sources]]\nkind = "bluesky"\nname = "bsky"\ninstance = "{fedi.url}"\n'
        'queries = ["polqc"]\npoll_seconds = 0.5\n',
    )
    out = listen(project, once=True, analyze=False, alerts=False)
    assert (out["posts"], out["sources"][0]["rate_limited"]) == (230, 1)
    calls = fedi.requests("/xrpc/app.bsky.feed.searchPosts")[1:]
    assert [("cursor=" in c) for c in calls[:3]] == [False, True, True]  # 100 + 100 + 30
    row = project.store.rows(
        "SELECT p.text, p.likes, p.lang, a.pseudonymised FROM posts p JOIN authors a "
        "USING (author_id) WHERE p.native_id LIKE '%3l6o000000230'"
    )
    assert row == [("Message 230 sur le débat #polqc", 9, "fr", True)]
    # 7 newer posts: read from the top until the stored newest, nothing twice
    fedi.posts["polqc"] = make_post_views(7, start=231) + fedi.posts["polqc"]
    again = listen(project, once=True, analyze=False, alerts=False)
    assert (again["posts"], again["sources"][0]["duplicates"]) == (7, 0)
    assert project.store.count("posts") == 237


def test_jetstream_cursor_deletions_and_malformed(project, jet) -> None:
    jet.events = [json.dumps(jetstream_create(i)) for i in range(1, 6)]
    jet.events += [
        "{this is not json",
        json.dumps({"did": "did:plc:x", "kind": "commit"}),  # no time_us
        json.dumps(jetstream_create(6, text="Recette de tarte aux bleuets")),  # no keyword
        json.dumps(jetstream_delete(7, of=2)),
        json.dumps(jetstream_delete(8, of=99)),  # a post we never stored
    ]
    add_sources(
        project,
        f'[[sources]]\nkind = "bluesky"\nname = "jet"\njetstream = "{jet.url}"\n'
        'hashtags = ["polqc"]\npoll_seconds = 0.3\n',
    )
    out = listen(project, once=True, analyze=False, alerts=False)
    src = out["sources"][0]
    # post 2 is created then deleted: never stored, but tombstoned
    assert (src["posts"], src["deleted"], src["malformed"]) == (4, 1, 2)
    assert project.store.count("posts") == 4
    assert project.store.count("tombstones") == 1  # the unknown post is not tombstoned
    cursor = project.store.scalar("SELECT value FROM cursors WHERE key = 'jetstream:cursor'")
    assert cursor == str(jetstream_delete(8, of=99)["time_us"])
    assert "wantedCollections=app.bsky.feed.post" in jet.connections[0]
    # restart: resumes from the cursor; the deleted post never comes back
    jet.events.append(json.dumps(jetstream_create(9)))
    again = listen(project, once=True, analyze=False, alerts=False)
    assert f"cursor={cursor}" in jet.connections[1]
    assert again["posts"] == 1
    assert project.store.count("posts") == 5


def test_jetstream_reconnects_from_its_cursor(project, jet) -> None:
    jet.events = [json.dumps(jetstream_create(i)) for i in range(1, 4)]
    jet.hold = 0.2  # the server drops every connection
    add_sources(
        project,
        f'[[sources]]\nkind = "bluesky"\nname = "jet"\njetstream = "{jet.url}"\n'
        "poll_seconds = 0.5\n",
    )
    stop = threading.Event()
    result: dict = {}
    th = threading.Thread(
        target=lambda: result.update(listen(project, analyze=False, alerts=False, stop_event=stop))
    )
    th.start()
    deadline = time.monotonic() + 15
    while len(jet.connections) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    jet.events.append(json.dumps(jetstream_create(4)))
    while len(jet.connections) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    stop.set()
    th.join(10)
    src = result["sources"][0]
    assert (src["posts"], project.store.count("posts")) == (4, 4)
    # the cursor is inclusive (no gap on equal time_us): a reconnect replays one stored event
    assert 1 <= src["duplicates"] <= len(jet.connections) - 1
    assert f"cursor={jetstream_create(3)['time_us']}" in jet.connections[1]
    assert src["retries"] >= 2
