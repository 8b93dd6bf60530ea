"""Platform deletions: tombstoned, removed with their interactions and analyses, never back."""

from __future__ import annotations

from datetime import datetime

from bascule.sources.batch import BatchBuilder
from bascule.sources.model import Account, Post
from bascule.store.ingest import write_batch
from bascule.store.live import apply_deletions, load_cursors


def _post(i: int, **kw) -> Post:
    return Post(
        platform="bluesky",
        native_id=f"p{i}",
        author=Account("bluesky", f"did:plc:a{i}"),
        created_at=datetime(2026, 9, 15, 12, i),
        text=f"post {i}",
        **kw,
    )


def _write(project, posts, cursors=None) -> int:
    b = BatchBuilder(project.pseudonymizer, source="s", run_id=None)
    for p in posts:
        b.add(p)
    return write_batch(project.store, *b.tables(), cursors=cursors).imported


def test_deletion_removes_post_and_interactions_and_blocks_reimport(project) -> None:
    reply = _post(2, reply_to="p1", reply_to_author=Account("bluesky", "did:plc:a1"))
    assert _write(project, [_post(1), reply], {("s", "k"): "v1"}) == 2
    store = project.store
    assert store.count("interactions") == 1
    assert load_cursors(store, "s") == {"k": "v1"}
    assert apply_deletions(store, ["bluesky:p2", "bluesky:p9"]) == 1
    assert store.count("posts") == 1 and store.count("interactions") == 0
    assert {r[0] for r in store.rows("SELECT post_id FROM tombstones")} == {
        "bluesky:p2",
        "bluesky:p9",
    }
    assert _write(project, [reply, _post(9), _post(3)]) == 1  # only p3 is new
    assert store.count("interactions") == 0  # nor the deleted reply's link to its author


def test_known_only_tombstones_stored_posts_only(project) -> None:
    _write(project, [_post(1)])
    assert apply_deletions(project.store, ["bluesky:p1", "bluesky:p5"], known_only=True) == 1
    assert project.store.rows("SELECT post_id FROM tombstones") == [("bluesky:p1",)]
