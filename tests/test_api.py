"""The public Python API: exactly what `__all__` says, every name importable."""

from __future__ import annotations

from pathlib import Path

import pytest

import bascule
from bascule.errors import BasculeError


def test_every_public_name_resolves() -> None:
    for name in bascule.__all__:
        assert getattr(bascule, name) is not None, name


def test_all_is_sorted_and_unique() -> None:
    assert bascule.__all__ == sorted(set(bascule.__all__))


def _sample(project, data_dir) -> None:  # noqa: ANN001
    bascule.import_files(project, data_dir / "samples" / "mastodon_statuses.jsonl")  # one path


def test_dates_with_an_offset_are_instants(project, data_dir) -> None:  # noqa: ANN001
    # `posts(since=...)` dropped the offset: 01:00+01:00 was read as 01:00 UTC
    from datetime import timedelta

    _sample(project, data_dir)
    times = sorted(project.posts()["created_at"].to_pylist())
    mid = times[len(times) // 2]
    naive = project.posts(since=mid.isoformat()).num_rows
    same = (mid + timedelta(hours=5)).isoformat() + "+05:00"  # the same instant
    assert project.posts(since=same).num_rows == naive
    assert project.posts(since=mid.isoformat() + "Z").num_rows == naive


@pytest.mark.parametrize("call", ["posts", "interactions", "alerts"])
def test_a_bad_date_is_a_clear_error(project, call: str) -> None:  # noqa: ANN001
    # DuckDB's ConversionException, with the SQL in it, reached notebooks
    fn = {
        "posts": lambda: project.posts(since="yesterday"),
        "interactions": lambda: project.interactions(until="2015-01-32"),
        "alerts": lambda: bascule.list_alerts(project, since="07/01/2015"),
    }[call]
    with pytest.raises(BasculeError, match="since|until"):
        fn()


def test_alert_calls_check_their_arguments(project) -> None:  # noqa: ANN001
    assert bascule.check_alerts(project, now="2015-01-07T14:00", kinds=["burst"]) == []
    with pytest.raises(BasculeError, match="unknown alert kind 'bogus'"):
        bascule.check_alerts(project, kinds=["bogus"])
    with pytest.raises(BasculeError, match="unknown alert kind"):
        bascule.list_alerts(project, kind="bogus")


def test_tipping_runs_on_the_graph_it_is_given() -> None:
    import numpy as np

    from bascule.graph.model import Graph

    ring = np.arange(40)
    g = Graph.from_edges([f"a{i}" for i in ring], [f"a{(i + 1) % 40}" for i in ring])
    result = bascule.tipping("threshold", graph=g, runs=2, refine=False)
    assert (result["graph"], result["n"]) == ("observed", 40)


def test_prune_takes_one_parquet_folder_as_a_string(project, tmp_path: Path) -> None:  # noqa: ANN001
    # a str was iterated character by character, from "/" over the whole file system
    (tmp_path / "ex" / "day=2001-01-01").mkdir(parents=True)
    got = bascule.prune(project, days=30, dry_run=True, parquet=str(tmp_path / "ex"))
    assert got["parquet_partitions"] == 1
    with pytest.raises(BasculeError, match="not a Parquet dataset folder"):
        bascule.prune(project, days=30, dry_run=True, parquet="/")


def test_export_and_forget_take_the_project(project, data_dir, tmp_path: Path) -> None:  # noqa: ANN001
    # both wanted `project.store` ("'Project' object has no attribute 'rows'"), and a target
    # name exported 0 rows without a word
    import io

    bascule.import_files(project, [data_dir / "samples" / "mastodon_statuses.jsonl"])
    buf = io.BytesIO()
    assert bascule.export(project, "posts", "jsonl", buf) == project.store.count("posts")
    with pytest.raises(BasculeError, match="unknown target"):
        bascule.export(project, "posts", "csv", io.BytesIO(), target="nobody")
    aid = project.store.rows("SELECT author_id FROM authors LIMIT 1")[0][0]
    assert bascule.forget(project, aid)["forgotten"] == [aid]


def test_runs_and_undo_import_from_python(project, data_dir) -> None:  # noqa: ANN001
    _sample(project, data_dir)
    (run,) = bascule.runs(project)
    assert run["posts_held"] == project.store.count("posts") > 0
    assert bascule.undo_import(project, run["run_id"])["posts"] == run["posts_held"]
    assert project.store.count("posts") == 0 and bascule.runs(project)[0]["status"] == "undone"
    with pytest.raises(bascule.InputError, match="already undone"):  # nothing left to take
        bascule.undo_import(project, run["run_id"])
