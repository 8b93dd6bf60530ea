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
