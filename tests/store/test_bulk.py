"""Bulk writes of generic JSON lines: blocks committed in groups, all or nothing."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from bascule.sources.columnar import iter_blocks, line_spec
from bascule.sources.readers import MAX_RECORD_BYTES, open_binary
from bascule.store.bulk import BlockWriter, prepare_json_lines


def _blocks(project, tmp_path: Path, records: list[dict], block_bytes: int) -> list:
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    out = []
    for b in iter_blocks(
        path,
        open_binary,
        start=(0, 0),
        seekable=True,
        mapping={},
        source=str(path),
        max_bytes=MAX_RECORD_BYTES,
        block_bytes=block_bytes,
    ):
        spec = line_spec(b.columns, "generic", project.pseudonymizer, str(path))
        out.append((b, spec, prepare_json_lines(b.lines, spec, b.rejects)))
    return out


def _records(n: int) -> list[dict]:
    return [
        {
            "id": str(100 + i),
            "author_id": str(i % 3),
            "handle": "CoalitionAvenir" if i % 3 == 0 else f"person{i % 3}",
            "created_at": f"2026-09-{1 + i:02d}T12:00:00Z",
            "text": f"post {i} @person{(i + 1) % 3}",
        }
        for i in range(n)
    ]


def test_a_group_of_blocks_is_committed_at_once_with_authors_merged(project, tmp_path) -> None:
    blocks = _blocks(project, tmp_path, _records(12), block_bytes=400)
    assert len(blocks) >= 3
    other = project.store.con.cursor()  # another connection sees only committed data
    with BlockWriter(project.store, run_id=None, commit_rows=10**9) as w:
        for b, spec, prepared in blocks:
            assert w.write(prepared, spec, ("fp", "f", "jsonl", b.offset, b.line, False)) == []
        assert other.execute("SELECT count(*) FROM posts").fetchall() == [(0,)]
        results = w.commit()
    assert len(results) == len(blocks) and sum(r.imported for r in results) == 12
    assert other.execute("SELECT count(*) FROM posts").fetchall() == [(12,)]
    rows = project.store.rows(
        "SELECT handle, pseudonymised, first_seen, last_seen FROM authors "
        "WHERE handle = 'CoalitionAvenir'"
    )
    assert len(rows) == 1  # one author across the blocks, the kept handle, widest dates
    _, pseudonymised, first, last = rows[0]
    assert not pseudonymised and (first.day, last.day) == (1, 10)
    assert project.store.count("authors") == 3
    texts = [t for (t,) in project.store.rows("SELECT text FROM posts")]
    assert not any("@person" in t for t in texts) and any("@anon-" in t for t in texts)
    assert project.store.scalar("SELECT records_done FROM ingest_files") == blocks[-1][0].line


def test_a_group_that_fails_leaves_nothing(project, tmp_path) -> None:
    blocks = _blocks(project, tmp_path, _records(12), block_bytes=400)
    (b, spec, prepared), *_ = blocks
    with (
        pytest.raises(ZeroDivisionError),
        BlockWriter(project.store, run_id=None, commit_rows=10**9) as w,
    ):
        w.write(prepared, spec, ("fp", "f", "jsonl", b.offset, b.line, False))
        raise ZeroDivisionError
    assert project.store.count("posts") == 0 and project.store.count("authors") == 0
    assert project.store.scalar("SELECT count(*) FROM ingest_files") == 0
    (result,) = BlockWriter(project.store, run_id=None, commit_rows=0).write(
        prepared, spec, ("fp", "f", "jsonl", b.offset, b.line, False)
    )
    assert result.imported == prepared.rows.num_rows  # the store is usable again


def _hold_group_open(project, tmp_path, other_write) -> None:
    """An import's group is open (written, not committed) while another connection of the
    process writes the same posts; the group then commits."""
    import threading
    import time

    blocks = _blocks(project, tmp_path, _records(12), block_bytes=10**6)
    (b, spec, prepared), *_ = blocks
    started, errors = threading.Event(), []

    def other() -> None:
        started.wait()
        try:
            other_write(project.store.cursor())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    t = threading.Thread(target=other)
    t.start()
    with BlockWriter(project.store, run_id=None, commit_rows=10**9) as w:
        w.write(prepared, spec, ("fp", "f", "jsonl", b.offset, b.line, False))
        started.set()
        time.sleep(0.5)  # the other writer runs now, unless it waits for this group
    t.join(timeout=30)
    assert not t.is_alive() and errors == []
    store = project.store
    assert store.scalar("SELECT count(*) FROM posts") == 12
    assert store.scalar("SELECT count(DISTINCT post_id) FROM posts") == 12


def test_an_upload_and_the_listener_never_store_a_post_twice(project, tmp_path) -> None:
    """`serve --listen`: the listener's page (`write_batch`) carries posts an import is
    writing in the same process; each is stored once."""
    import pyarrow as pa

    from bascule.store.ingest import (
        AUTHORS_SCHEMA,
        INTERACTIONS_SCHEMA,
        POSTS_SCHEMA,
        write_batch,
    )

    posts = pa.Table.from_pylist(
        [
            {
                "post_id": f"generic:{100 + i}",
                "platform": "generic",
                "native_id": str(100 + i),
                "author_id": "generic:listened",
                "created_at": __import__("datetime").datetime(2026, 9, 1 + i),
                "text": f"post {i}",
            }
            for i in range(12)
        ],
        schema=POSTS_SCHEMA,
    )

    def listener(store) -> None:
        res = write_batch(
            store, posts, AUTHORS_SCHEMA.empty_table(), INTERACTIONS_SCHEMA.empty_table()
        )
        assert (res.imported, res.duplicates) == (0, 12)  # it waited for the import

    _hold_group_open(project, tmp_path, listener)


def test_two_uploads_of_one_file_at_once_store_each_post_once(project, tmp_path) -> None:
    blocks = _blocks(project, tmp_path / "..", _records(12), block_bytes=10**6)

    def second(store) -> None:
        with BlockWriter(store, run_id=None, commit_rows=10**9) as w:
            for b, spec, prepared in blocks:
                w.write(prepared, spec, ("fp2", "g", "jsonl", b.offset, b.line, False))
            results = w.commit()
        assert sum(r.imported for r in results) == 0 and sum(r.duplicates for r in results) == 12

    _hold_group_open(project, tmp_path, second)
    assert project.store.count("authors") == 3


PHEME_TWEETS = (
    Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo" / "tweets_v1.jsonl.gz"
)


def _full_tweets(copies: int) -> list[dict]:
    """The bundled PHEME tweets as the API gave them (2.7 KB a line), each copy with new ids."""
    import gzip

    tweets = [
        orjson.loads(line) for line in gzip.decompress(PHEME_TWEETS.read_bytes()).splitlines()
    ]
    return [
        {**t, "id": t["id"] + c * 10**17, "id_str": str(t["id"] + c * 10**17)}
        for c in range(copies)
        for t in tweets
    ]


def test_wide_records_go_through_duckdb_in_slices_with_the_same_rows(
    project, tmp_path, monkeypatch
) -> None:
    import bascule.store.bulk as bulk

    block, _, whole = _blocks(project, tmp_path, _full_tweets(1), block_bytes=64 << 20)[0]
    assert len(bulk._slices(block.lines)) == 2  # 3.2 MB of lines
    narrow = _blocks(project, tmp_path, _records(3000), block_bytes=64 << 20)[0][0]
    assert len(bulk._slices(narrow.lines)) == 1
    monkeypatch.setattr(bulk, "VECTOR_BYTES", 64 << 10)
    block, _, sliced = _blocks(project, tmp_path, _full_tweets(1), block_bytes=64 << 20)[0]
    assert len(bulk._slices(block.lines)) > 40
    assert sliced.rows.equals(whole.rows) and sliced.authors.equals(whole.authors)
    raw = orjson.loads(whole.rows["raw"][0].as_py())  # the fields no column took, kept
    assert "entities" in raw and "text" not in raw and "id" not in raw


def test_wide_blocks_are_committed_by_the_megabyte_too(project, tmp_path, monkeypatch) -> None:
    """47,000 records of 14 KB stayed in one open transaction to the end of the file."""
    import bascule.store.bulk as bulk

    blocks = _blocks(project, tmp_path, _full_tweets(1), block_bytes=256 << 10)
    assert len(blocks) > 8
    monkeypatch.setattr(bulk, "GROUP_BYTES", 256 << 10)
    committed = []
    with BlockWriter(project.store, run_id=None, commit_rows=10**9) as w:
        for b, spec, prepared in blocks:
            committed.append(
                len(w.write(prepared, spec, ("fp", "f", "jsonl", b.offset, b.line, False)))
            )
    assert sum(1 for n in committed if n) >= 2  # groups committed along the way
    assert project.store.count("posts") == sum(b[2].rows.num_rows for b in blocks)
