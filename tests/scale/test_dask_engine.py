"""The Dask engine gives the same analyses, row for row, as the embedded engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.project import init_project
from bascule.scale.dask_engine import analyze_dask
from bascule.sources.importer import import_files
from bascule.text.analyze import analyze

DATA = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"
COLUMNS = "post_id, target_id, stance, round(stance_score, 9), round(sentiment, 9), model"


def _project(root: Path):  # noqa: ANN202
    p = init_project(root, template=DATA / "bascule.toml")
    import_files(p, [DATA / "tweets_v1.jsonl.gz"], fmt="twitter-v1")
    return p


@pytest.mark.slow
def test_dask_matches_embedded(tmp_path: Path, dask_client) -> None:  # noqa: ANN001
    a, b = _project(tmp_path / "a"), _project(tmp_path / "b")
    try:
        embedded = analyze(a)
        distributed = analyze_dask(b, scheduler=dask_client.scheduler.address, partition_rows=300)
        assert distributed["partitions"] >= 3
        assert distributed["analysed_posts"] == embedded["analysed_posts"] > 1000
        q = f"SELECT {COLUMNS} FROM analyses ORDER BY post_id, target_id"
        rows_a, rows_b = a.store.rows(q), b.store.rows(q)
        assert rows_a and rows_a == rows_b
        q = (
            "SELECT post_id, lang, round(lang_score, 6), round(sentiment, 9), hesitation "
            "FROM post_analyses ORDER BY post_id"
        )
        assert a.store.rows(q) == b.store.rows(q)
    finally:
        a.close()
        b.close()


def test_cli_analyze_engine_dask(tmp_path: Path, dask_client, capsys) -> None:  # noqa: ANN001
    import json

    from bascule.cli import main

    p = _project(tmp_path / "c")
    p.close()
    args = [
        "analyze",
        "-p",
        str(tmp_path / "c"),
        "--engine",
        "dask",
        "--scheduler",
        dask_client.scheduler.address,
        "--batch-size",
        "500",
        "--json",
    ]
    assert main(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["engine"] == "dask" and out["analysed_posts"] > 1000 and out["partitions"] == 3
    assert main(["analyze", "-p", str(tmp_path / "c"), "--engine", "spark"]) == 2
