"""`export` writes posts, authors, interactions, analyses as CSV, JSONL, Parquet by day."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import orjson
import pytest

from bascule.errors import InputError
from bascule.sources.importer import import_files
from bascule.store.export import export

PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


@pytest.fixture
def loaded(project):
    import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    import_files(project, [SAMPLES / "retweets.jsonl"], platform="twitter")
    return project


def test_jsonl_and_csv_round_trip(loaded) -> None:
    buf = io.BytesIO()
    n = export(loaded.store, "posts", "jsonl", buf)
    rows = [orjson.loads(x) for x in buf.getvalue().splitlines()]
    assert n == len(rows) == 14
    assert rows[0]["post_id"] == "twitter:553544694765215745" and "raw" not in rows[0]
    buf = io.BytesIO()
    export(loaded.store, "interactions", "csv", buf)
    got = list(csv.DictReader(io.StringIO(buf.getvalue().decode())))
    assert len(got) == 16 and {r["kind"] for r in got} == {"reply", "mention", "repost"}
    # times say they are UTC, as a spreadsheet or pandas would otherwise read them as local
    assert all(r["created_at"].endswith("Z") for r in got)
    assert rows[0]["created_at"].endswith("+00:00")
    from datetime import datetime

    stored = loaded.store.scalar(
        "SELECT created_at FROM posts WHERE post_id = ?", [rows[0]["post_id"]]
    )
    assert datetime.fromisoformat(rows[0]["created_at"]).replace(tzinfo=None) == stored


def test_date_and_target_filters(loaded) -> None:
    buf = io.BytesIO()
    n = export(
        loaded.store,
        "posts",
        "jsonl",
        buf,
        since="2015-01-09T13:32:21",
        until="2015-01-09T13:34:00",
    )
    assert n == 5  # retweets between 13:32:21 and 13:34:00
    loaded.store.execute(
        "INSERT INTO analyses VALUES ('twitter:553544694765215745', 'police', 'none', 0.9, 0, 'm', now())"
    )
    buf = io.BytesIO()
    assert export(loaded.store, "posts", "csv", buf, target="police") == 1
    buf = io.BytesIO()
    assert export(loaded.store, "analyses", "jsonl", buf, target="police") == 1
    buf = io.BytesIO()
    assert export(loaded.store, "authors", "jsonl", buf, target="police") == 1


def test_parquet_is_partitioned_by_day(project, tmp_path: Path) -> None:
    import_files(project, [PHEME / "tweets_v1.jsonl.gz"])
    out = tmp_path / "posts"
    n = export(project.store, "posts", "parquet", out)
    days = sorted(p.name for p in out.iterdir())
    assert days[0] == "day=2015-01-07" and len(days) >= 3
    back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*/*.parquet')").fetchall()[0][0]
    assert back == n == 1203
    with pytest.raises(InputError, match="--out"):
        export(project.store, "posts", "parquet", None)
    with pytest.raises(InputError, match="cannot export"):
        export(project.store, "tweets", "csv", io.BytesIO())


def test_a_second_export_into_the_same_folder_replaces_the_first(project, tmp_path: Path) -> None:
    # the earlier export's day folders stayed: reading the folder gave all 1,203 posts again
    import_files(project, [PHEME / "tweets_v1.jsonl.gz"])
    out = tmp_path / "posts"
    export(project.store, "posts", "parquet", out)
    n = export(project.store, "posts", "parquet", out, since="2015-01-09")
    back = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/*/*.parquet')").fetchall()[0][0]
    assert back == n < 1203
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # not ours: refused, kept
    with pytest.raises(InputError, match="holds other files"):
        export(project.store, "posts", "parquet", out)
    assert (out / "notes.txt").exists()
    with pytest.raises(InputError, match="is a file"):
        export(project.store, "posts", "parquet", out / "notes.txt")


def test_file_exports_make_their_folder_and_write_to_text_streams(loaded, tmp_path: Path) -> None:
    # a missing parent folder, a folder given as the file, and a notebook's text stdout
    # were tracebacks (FileNotFoundError, IsADirectoryError, AttributeError 'buffer')
    n = export(loaded.store, "posts", "csv", tmp_path / "new" / "sub" / "posts.csv")
    assert n and (tmp_path / "new" / "sub" / "posts.csv").exists()
    with pytest.raises(InputError, match="is a folder"):
        export(loaded.store, "posts", "csv", tmp_path / "new")
    text = io.StringIO()
    assert export(loaded.store, "posts", "jsonl", text) == n
    assert len(text.getvalue().splitlines()) == n


def test_posts_carry_what_analyze_read(loaded) -> None:
    # language and sentiment of posts that name no target were exported nowhere
    from bascule.text.analyze import analyze

    analyze(loaded)
    buf = io.BytesIO()
    export(loaded.store, "posts", "jsonl", buf)
    rows = [orjson.loads(x) for x in buf.getvalue().splitlines()]
    assert rows and all({"detected_lang", "sentiment", "hesitation"} <= set(r) for r in rows)
    assert all(r["detected_lang"] for r in rows if r["text"])


def test_the_format_follows_the_out_name_and_a_contradiction_is_refused(
    loaded, tmp_path: Path
) -> None:
    # `export posts -o out/auto.csv` without --format wrote JSON lines into the .csv file
    from bascule.store.export import export_format

    auto = tmp_path / "out" / "auto.csv"
    n = export(loaded.store, "posts", None, auto)
    assert n and auto.read_text().startswith("post_id,platform,native_id,")
    assert list(csv.DictReader(io.StringIO(auto.read_text())))[0]["post_id"]
    lines = tmp_path / "p.jsonl"
    export(loaded.store, "posts", None, lines)
    assert orjson.loads(lines.read_text().splitlines()[0])["post_id"]
    day = tmp_path / "a.parquet"  # one folder per day
    assert export(loaded.store, "posts", None, day) == n and any(day.glob("day=*/*.parquet"))
    assert export_format(None, tmp_path / "folder") == "parquet"
    assert export_format(None, tmp_path) == "parquet"  # an existing folder
    assert export_format(None, tmp_path / "x.json") == "jsonl"
    assert export_format(None, None) == "jsonl"  # standard output
    assert export_format("csv", tmp_path / "x.txt") == "csv"  # said, nothing contradicts it
    with pytest.raises(InputError, match="--format jsonl but --out a.csv names a csv") as err:
        export(loaded.store, "posts", "jsonl", tmp_path / "a.csv")
    assert err.value.fr and "--format jsonl" in err.value.fr
    with pytest.raises(InputError, match="--format csv but --out b.parquet"):
        export(loaded.store, "posts", "csv", tmp_path / "b.parquet")
    with pytest.raises(InputError, match="cannot tell the export format"):
        export(loaded.store, "posts", None, tmp_path / "a.txt")
    assert not (tmp_path / "a.csv").exists() and not (tmp_path / "b.parquet").exists()
    assert not (tmp_path / "a.txt").exists()
