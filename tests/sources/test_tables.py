"""Generic CSV, Parquet and JSON-array files on the columnar fast path: the same rows,
rejects and results as the record-by-record path they replaced, and no row lost to a broken
quote."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import bascule.sources.importer as importer
from bascule.project import SECRET_PATH, init_project, open_project
from bascule.sources.csvrows import csv_rows
from bascule.sources.importer import import_files
from tests.sources.helpers import killed_after_two_commits

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"

_POSTS = """SELECT post_id, platform, native_id, author_id, created_at, text, lang, reply_to,
    repost_of, quote_of, conversation_id, url, likes, reposts, replies, quotes, raw
    FROM posts ORDER BY post_id"""
_AUTHORS = """SELECT author_id, platform, handle, pseudonymised, followers, following,
    verified, first_seen, last_seen FROM authors ORDER BY author_id"""
_LINKS = "SELECT * FROM interactions ORDER BY ALL"
_REJECTS = "SELECT line, reason, record FROM rejects ORDER BY line"


def _both_ways(tmp_path: Path, path: Path, monkeypatch, **kw) -> list[tuple]:  # noqa: ANN001
    """The stored posts, authors, links and rejects of `path` imported by the fast path and
    by the record path, in two projects made with the same secret."""
    got = []
    for way in ("fast", "records"):
        root = tmp_path / way
        p = init_project(root)
        if way == "records":
            p.close()
            (root / SECRET_PATH).write_bytes((tmp_path / "fast" / SECRET_PATH).read_bytes())
            p = open_project(root)
        with monkeypatch.context() as m:
            if way == "records":
                m.setattr(importer, "_fast_blocks", lambda *a: None)
            summary = import_files(p, [path], **kw)
        posts = [(*r[:-1], r[-1] and orjson.loads(r[-1])) for r in p.store.rows(_POSTS)]
        rejects = p.store.rows(_REJECTS)
        if path.suffix == ".parquet":  # excerpts of the same row as JSON written two ways
            rejects = [r[:2] for r in rejects]
        got.append(
            (summary.imported, summary.rejected, posts)
            + tuple(p.store.rows(q) for q in (_AUTHORS, _LINKS))
            + (rejects,)
        )
        p.close()
    return got


@pytest.mark.parametrize("name", ["tweets.csv", "tweets.parquet"])
def test_real_samples_store_what_the_record_path_stored(tmp_path, monkeypatch, name) -> None:  # noqa: ANN001
    fast, records = _both_ways(tmp_path, SAMPLES / name, monkeypatch, platform="twitter")
    assert fast[0] == 6 and fast[2]  # posts stored
    assert fast == records


def test_awkward_csv_stores_what_the_record_path_stored(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Dotted column names (keys, not paths), empty cells, epoch and offset dates, counts as
    decimals, unmapped columns, bad rows of every kind, a semicolon file."""
    f = tmp_path / "awkward.csv"
    f.write_text(
        "id;user.id;user.name;created_at;text;likes;lang;in_reply_to_status_id;extra\n"
        "1;10;Alice;2026-09-01T10:00:00Z;Le logement @bob;3.0;fr;;x\n"
        "2;11;bob;1788220800;La sante;;;1;\n"
        "3;;;2026-09-01 12:00:00+02:00;sans auteur;;;;\n"
        "4;12;carol;hier;mauvaise date;;;;\n"
        "5;13;dan;2026-09-02T10:00:00Z;trop;de;colonnes;;;;\n"
        "\n"
        '6;14;erin;2026-09-02T11:00:00Z;"multi\nligne";1;en;1;y\n'
        ";15;fay;2026-09-02T11:00:00Z;sans id;;;;\n"
        "7;16;gus;2026-09-02T11:00:00Z;latin-1 \xe9t\xe9;;;;\n"
        "8;17;hal;2026-09-02T11:00:00Z;latin-1 \xe9t\xe9 et trop;;;;;\n",
        encoding="latin-1",  # the last two rows: the rest is ASCII or escaped
    )
    fast, records = _both_ways(tmp_path, f, monkeypatch, mapping={"handle": "user.name"})
    assert fast[:2] == (3, 6)
    assert [r[1] for r in fast[-1][-2:]] == ["bad encoding: not valid UTF-8"] * 2
    assert fast == records


def test_parquet_structs_timestamps_and_numbers(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "user": [
                {"id": "u1", "screen_name": "Alice"},
                {"id": "u2", "screen_name": "bob"},
                {"id": None, "screen_name": None},
            ],  # fmt: skip
            "created_at": pa.array(
                [dt.datetime(2026, 9, 1, 10), dt.datetime(2026, 9, 1, 11), None],
                pa.timestamp("us", tz="UTC"),
            ),
            "text": ["Le logement @bob", None, "x"],
            "retweet_count": pa.array([1.0, None, 2.0]),
            "score": [0.5, 0.25, None],
        }
    )
    f = tmp_path / "posts.parquet"
    pq.write_table(table, f)
    fast, records = _both_ways(tmp_path, f, monkeypatch)
    assert fast[:2] == (2, 1)
    assert fast == records


def _rows(text: str) -> list[tuple]:
    return [(r.line, r.values, r.error is not None) for r in csv_rows(io.StringIO(text), ",")]


def test_an_unclosed_quote_does_not_swallow_the_next_rows() -> None:
    """Python's lenient reader read `"hello, world` and every line after it as one field: the
    rest of the file vanished into one record of the right width, with no error."""
    lenient = list(csv.reader(io.StringIO('1,a,"hello, world\n2,b,fine\n3,c,also\n')))
    assert len(lenient) == 1  # what went wrong before
    assert _rows('1,a,"hello, world\n2,b,fine\n3,c,also\n') == [
        (2, None, True),
        (3, ["2", "b", "fine"], False),
        (4, ["3", "c", "also"], False),
    ]
    # closed again by a later quote: the rows between come back too
    assert [r[:2] for r in _rows('1,a,"oops\n2,b,fine\n3,c,"q"\n4,d,x\n')] == [
        (2, None),
        (3, ["2", "b", "fine"]),
        (4, ["3", "c", "q"]),
        (5, ["4", "d", "x"]),
    ]


def test_good_quotes_and_one_line_oddities_read_as_before() -> None:
    assert _rows('1,a,"two\nlines, quoted"\n2,b,"x""y"\n3,c,"a"b\n') == [
        (2, ["1", "a", "two\nlines, quoted"], False),
        (4, ["2", "b", 'x"y'], False),
        (5, ["3", "c", "ab"], False),  # lenient on one line, as csv always was
    ]


def test_an_unclosed_quote_rejects_one_line_and_imports_the_rest(project, tmp_path) -> None:  # noqa: ANN001
    f = tmp_path / "posts.csv"
    f.write_text(
        "id,author,created_at,text\n"
        '1,alice,2026-09-01T10:00:00Z,"Le logement, enfin\n'
        "2,bob,2026-09-01T11:00:00Z,La santé\n"
        "3,carol,2026-09-01T12:00:00Z,La langue\n",
        encoding="utf-8",
    )
    s = import_files(project, [f])
    assert s.imported == 2 and s.rejected == 1
    assert s.to_dict()["rejects"][0]["line"] == 2
    assert "bad CSV record" in s.to_dict()["rejects"][0]["reason"]


def test_oversized_parquet_rows_are_rejected_and_the_rest_imported(project, tmp_path) -> None:  # noqa: ANN001
    rows = {
        "id": ["1", "2", "3"],
        "author": ["a", "b", "c"],
        "created_at": ["2026-09-01T10:00:00Z"] * 3,
        "text": ["court", "x" * (2 << 20), "court aussi"],
    }
    f = tmp_path / "big.parquet"
    pq.write_table(pa.table(rows), f)
    s = import_files(project, [f])
    assert s.imported == 2 and s.rejected == 1
    assert s.to_dict()["rejects"][0]["line"] == 2
    assert s.to_dict()["rejects"][0]["reason"].startswith("record too large")


def test_a_parquet_file_cut_short_resumes_at_the_right_row(project, tmp_path, monkeypatch) -> None:  # noqa: ANN001

    t = pq.read_table(SAMPLES / "tweets.parquet")
    many = pa.concat_tables([t] * 4)
    ids = pa.array([str(10**12 + i) for i in range(many.num_rows)])
    many = many.set_column(0, "tweet_id", ids)
    f = tmp_path / "many.parquet"
    pq.write_table(many, f, row_group_size=5)
    with monkeypatch.context() as m:
        killed_after_two_commits(m)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [f], batch_size=2)
    done = project.store.count("posts")
    assert 0 < done < 24
    again = import_files(project, [f], batch_size=2)
    assert again.files[0].status == "resumed" and again.imported == 24 - done
    assert project.store.count("posts") == 24


def test_a_file_of_bad_rows_is_held_a_block_at_a_time(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Rejects did not count toward a block's size: a CSV of bad rows was held whole."""
    import bascule.sources.tables as tables
    from bascule.sources.readers import open_binary

    f = tmp_path / "bad.csv"
    f.write_text("id,author,created_at,text\n" + "1,a,too,many,columns\n" * 120, encoding="utf-8")
    monkeypatch.setattr(tables, "REJECTS_HELD", 50)
    blocks = list(
        tables.iter_csv_blocks(
            f, open_binary, start=(0, 0), mapping={}, source="bad.csv", max_bytes=1 << 20
        )
    )
    assert [len(b.rejects) for b in blocks] == [50, 50, 20]
    assert [b.offset for b in blocks] == [50, 100, 120]  # each resumes after its records


def _generic_posts(n: int) -> list[dict]:
    return [
        {"id": str(10**12 + i), "author_id": str(i % 7), "created_at": "2026-09-01T10:00:00Z",
         "text": f"post {i} @user{i % 3}", "in_reply_to_status_id": str(10**12) if i % 4 else None,
         "extra": {"n": i}}
        for i in range(n)
    ]  # fmt: skip


def test_a_generic_json_array_stores_what_the_record_path_stored(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """Pretty-printed, with elements that are no objects or lack an id; then broken at the
    end (DuckDB gave up on the buffer where it broke, on both paths: now both read on)."""
    posts = _generic_posts(30)
    posts[5] = [1, 2]  # type: ignore[call-overload]
    del posts[7]["id"]
    text = orjson.dumps(posts, option=orjson.OPT_INDENT_2)
    for name, data, counts in [
        ("posts.json", text, (28, 2)),
        ("broken.json", text[:-2] + b',\n  {"id": "9", "te', (28, 3)),
    ]:
        f = tmp_path / name
        f.write_bytes(data)
        fast, records = _both_ways(tmp_path / name.split(".")[0], f, monkeypatch)
        assert counts is None or fast[:2] == counts
        assert fast[:-1] == records[:-1]
        assert [r[:2] for r in fast[-1]] == [r[:2] for r in records[-1]]  # excerpts: same element
        assert counts or fast[-1][-1][1].startswith("broken JSON")


def test_a_json_array_cut_short_resumes_at_the_right_element(
    project, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    import bascule.sources.importer as importer_module

    f = tmp_path / "posts.json"
    f.write_bytes(orjson.dumps(_generic_posts(9000)))
    monkeypatch.setattr(importer_module, "JSONL_BYTES_PER_RECORD", 1)  # blocks of 64 KB
    with monkeypatch.context() as m:
        killed_after_two_commits(m)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [f], batch_size=200)
    done = project.store.count("posts")
    assert 0 < done < 9000
    again = import_files(project, [f], batch_size=200)
    assert again.files[0].status == "resumed" and again.imported == 9000 - done
    assert again.duplicates == 0  # it starts after the elements done (it read them all again)
    assert project.store.count("posts") == 9000
    assert project.store.scalar("SELECT count(reply_to) FROM posts") == 6750
