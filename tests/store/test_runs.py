"""Undoing an import run: a mistaken import taken back leaves the store as if never made."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.errors import InputError
from bascule.project import init_project
from bascule.sources.importer import import_files, post_keys
from bascule.store.runs import list_runs, undo_run
from bascule.text.analyze import analyze

DATA = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"
TABLES = ("posts", "authors", "interactions", "post_analyses", "analyses", "rejects")


def _counts(project) -> dict[str, int]:  # noqa: ANN001
    return {t: project.store.count(t) for t in TABLES}


def test_undo_then_import_right_equals_importing_right(project, tmp_path: Path) -> None:  # noqa: ANN001
    import_files(project, [DATA / "tweets_v1.jsonl.gz"], fmt="twitter-v1")
    before = _counts(project)
    wrong = import_files(project, [DATA / "retweets.jsonl.gz"])  # without --platform twitter
    assert wrong.platform_hint is not None and wrong.platform_hint[0] == "twitter"
    analyze(project)
    runs = list_runs(project.store)
    assert [r["run_id"] for r in runs][0] == wrong.run_id and runs[0]["posts_held"] > 11_000
    out = undo_run(project.store, wrong.run_id)
    assert out["posts"] == wrong.imported and out["files"] == 1
    after = _counts(project)
    assert after["posts"] == before["posts"] and after["interactions"] == before["interactions"]
    assert after["authors"] == before["authors"]  # the retweeters it alone brought in are gone
    assert list_runs(project.store)[0]["status"] == "undone"
    # the file imports again (its progress went with the run), this time the right way
    right = import_files(project, [DATA / "retweets.jsonl.gz"], platform="twitter")
    assert right.imported == wrong.imported and right.platform_hint is None
    fresh = init_project(tmp_path / "fresh", template=DATA / "bascule.toml")
    import_files(fresh, [DATA / "tweets_v1.jsonl.gz"], fmt="twitter-v1")
    import_files(fresh, [DATA / "retweets.jsonl.gz"], platform="twitter")
    got, want = _counts(project), _counts(fresh)
    fresh.close()
    for t in ("posts", "authors", "interactions", "rejects"):
        assert got[t] == want[t], t
    with pytest.raises(InputError, match="no import run 999"):
        undo_run(project.store, 999)


def test_undo_says_which_later_files_to_import_again(project, tmp_path: Path) -> None:  # noqa: ANN001
    import gzip

    with gzip.open(DATA / "tweets_v1.jsonl.gz", "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:700]) + "\n")
    b.write_text("\n".join(lines[500:]) + "\n")  # 200 tweets in both files
    first = import_files(project, [a], fmt="twitter-v1")
    second = import_files(project, [b], fmt="twitter-v1")
    assert second.duplicates == 200
    out = undo_run(project.store, first.run_id)
    # b's 200 shared tweets went with a's run: b is named, and reads again to what is missing
    assert out["import_again"] == [str(b)]
    assert import_files(project, [b], fmt="twitter-v1").imported == 200
    assert project.store.count("posts") == len(lines) - 500


def test_a_run_cut_short_can_be_undone(project) -> None:  # noqa: ANN001
    run = import_files(project, [DATA / "tweets_v1.jsonl.gz"], fmt="twitter-v1").run_id
    project.store.execute("UPDATE ingest_runs SET status = 'running' WHERE run_id = ?", [run])
    assert undo_run(project.store, run)["posts"] == 1203  # killed: still "running", never again


def test_runs_left_running_by_a_dead_process_are_closed_as_interrupted(project) -> None:  # noqa: ANN001
    from bascule.project import open_project
    from bascule.store import ingest

    done = import_files(project, [DATA / "tweets_v1.jsonl.gz"], fmt="twitter-v1").run_id
    # what a killed import leaves: its run "running", with the posts it committed
    project.store.execute("UPDATE ingest_runs SET status = 'running' WHERE run_id = ?", [done])
    other = open_project(project.root)  # a second store of this process: it may be running
    assert other.store.scalar("SELECT status FROM ingest_runs") == "running"
    other.close()
    live = ingest.start_run(project.store, "feed", "live:rss")
    project.close()  # no store of this process writes the file now: nobody runs them
    runs = {r["run_id"]: r for r in list_runs(open_project(project.root).store)}
    assert runs[done]["status"] == "interrupted" and runs[done]["imported"] == 1203
    assert (runs[live]["status"], runs[live]["imported"]) == ("interrupted", 0)
    assert undo_run(project.store, done)["posts"] == 1203  # and can be undone


SAMPLES = DATA.parent / "samples"


def _audit_runs(project) -> list[int]:  # noqa: ANN001
    """The audit's sequence: the tweets from the API, their retweets as generic, the same
    tweets as generic Parquet, then as generic CSV (whose 6 duplicates are the Parquet's)."""
    files = ("twitter_v1.jsonl", "retweets.jsonl", "tweets.parquet", "tweets.csv")
    return [import_files(project, [SAMPLES / f]).run_id for f in files]


def _unread(path: str, fmt: str):  # noqa: ANN202
    raise AssertionError(f"{path} was read again: imports record what they skipped")


def _as_before_v5(project) -> None:  # noqa: ANN001
    """The runs as a store made before imports recorded what they skipped (schema v5)."""
    project.store.execute("DELETE FROM run_overlaps")
    project.store.execute("UPDATE meta SET value = '999' WHERE key = 'overlaps_from_run'")


@pytest.mark.parametrize("recorded", [True, False], ids=["recorded", "before-v5"])
def test_undo_names_only_the_later_files_that_hold_its_posts(project, recorded: bool) -> None:  # noqa: ANN001
    # `runs undo 2` (the retweets) told to import tweets.csv again, whose duplicates were the
    # Parquet file's posts (run 3), and dropped its progress
    runs = _audit_runs(project)
    if not recorded:
        _as_before_v5(project)
    keys = _unread if recorded else post_keys  # recorded: no later file is read again
    csv_progress = project.store.scalar(
        "SELECT count(*) FROM ingest_files WHERE path = ?", [str(SAMPLES / "tweets.csv")]
    )
    out = undo_run(project.store, runs[1], file_keys=keys)
    assert out["posts"] == 8 and out["import_again"] == []
    assert (
        project.store.scalar(
            "SELECT count(*) FROM ingest_files WHERE path = ?", [str(SAMPLES / "tweets.csv")]
        )
        == csv_progress
        == 1
    )
    # the Parquet file's run: tweets.csv skipped exactly its posts, so it is named
    out = undo_run(project.store, runs[2], file_keys=keys)
    assert out["import_again"] == [str(SAMPLES / "tweets.csv")]
    # (with no reader of files, the store names every later file that skipped duplicates)
    again = import_files(project, [SAMPLES / "tweets.csv"])
    assert (again.imported, again.duplicates) == (6, 0)


def test_imports_record_which_runs_posts_they_skipped_per_file(project, tmp_path: Path) -> None:  # noqa: ANN001
    lines = (SAMPLES / "twitter_v1.jsonl").read_text().splitlines()
    a, b, c = (tmp_path / f"{n}.jsonl" for n in "abc")
    a.write_text("\n".join(lines[:2]) + "\n")
    b.write_text("\n".join(lines[2:4]) + "\n")
    c.write_text("\n".join(lines[1:3]) + "\n")  # one of a's tweets, one of b's
    ra, rb = (import_files(project, [f], fmt="twitter-v1").run_id for f in (a, b))
    rc = import_files(project, [c], fmt="twitter-v1")
    assert rc.duplicates == 2
    got = project.store.rows(
        "SELECT run_id, earlier_run, source, posts FROM run_overlaps ORDER BY earlier_run"
    )
    assert got == [(rc.run_id, ra, str(c), 1), (rc.run_id, rb, str(c), 1)]
    assert import_files(project, [c], fmt="twitter-v1").duplicates == 0  # done: not read again
    c.unlink()  # a file gone is named all the same: reading it again adds only what is missing
    assert undo_run(project.store, ra, file_keys=_unread)["import_again"] == [str(c)]
    assert project.store.scalar(
        "SELECT count(*) FROM run_overlaps WHERE earlier_run = ?", [ra]
    ) == 0  # fmt: skip
    # c's progress went with that undo (it is to be read again): not named twice
    assert undo_run(project.store, rb, file_keys=_unread)["import_again"] == []


def test_a_later_file_that_cannot_be_read_again_is_named(project, tmp_path: Path) -> None:  # noqa: ANN001
    # before v5 the store did not say which posts an import skipped: a file gone cannot tell,
    # and naming it loses nothing (reading it again adds only what is missing)
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes((SAMPLES / "tweets.csv").read_bytes())
    b.write_bytes((SAMPLES / "tweets.csv").read_bytes())
    first = import_files(project, [a]).run_id
    assert import_files(project, [b]).duplicates == 6
    _as_before_v5(project)
    b.unlink()
    assert undo_run(project.store, first, file_keys=post_keys)["import_again"] == [str(b)]


def test_undoing_a_run_twice_is_refused(project) -> None:  # noqa: ANN001
    run = import_files(project, [SAMPLES / "twitter_v1.jsonl"]).run_id
    assert undo_run(project.store, run)["posts"] == 6
    with pytest.raises(InputError, match=f"import run {run} was already undone") as err:
        undo_run(project.store, run)
    assert err.value.fr and "déjà annulé" in err.value.fr
