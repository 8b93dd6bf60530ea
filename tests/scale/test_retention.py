"""`prune` removes exactly what is older than the retention, and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from bascule.errors import BasculeError
from bascule.scale.retention import prune, prune_parquet
from bascule.sources.batch import BatchBuilder
from bascule.sources.model import Account, Post
from bascule.store.ingest import write_batch

NOW = datetime(2026, 11, 1, 12, 0)


def _load(project, n_authors: int = 12) -> None:  # noqa: ANN001
    b = BatchBuilder(project.pseudonymizer, source="test", run_id=None)
    for day in (40, 31, 29, 1):  # days before NOW
        for a in range(n_authors):
            ts = NOW - timedelta(days=day, minutes=a)
            b.add(
                Post(
                    "mastodon",
                    f"{day}-{a}",
                    Account("mastodon", f"u{a}"),
                    ts,
                    text="x",
                    repost_of=f"{day}-0" if a else None,
                    repost_of_author=Account("mastodon", "u0") if a else None,
                )
            )
    write_batch(project.store, *b.tables())
    ids = [r[0] for r in project.store.rows("SELECT post_id FROM posts")]
    project.store.insert(
        "analyses",
        pa.table(
            {
                "post_id": ids,
                "target_id": ["caq"] * len(ids),
                "stance": ["favor"] * len(ids),
            }
        ),
    )


def test_prune_removes_exactly_older_posts(project) -> None:  # noqa: ANN001
    _load(project)
    result = prune(project, days=30, now=NOW)
    assert result["posts"] == 24
    left = project.store.rows("SELECT min(created_at) FROM posts")[0][0]
    assert left >= NOW - timedelta(days=30)
    assert project.store.count("posts") == 24
    assert project.store.count("analyses") == 24
    orphan = project.store.scalar(
        "SELECT count(*) FROM interactions WHERE post_id NOT IN (SELECT post_id FROM posts)"
    )
    assert orphan == 0
    aggregates = project.store.rows("SELECT day, authors FROM aggregates ORDER BY day")
    assert [a for _, a in aggregates] == [12, 12]


def test_small_groups_are_not_kept_as_aggregates(project) -> None:  # noqa: ANN001
    _load(project, n_authors=5)
    prune(project, days=30, now=NOW)
    assert project.store.count("aggregates") == 0


def test_dry_run_deletes_nothing(project) -> None:  # noqa: ANN001
    _load(project)
    result = prune(project, days=30, now=NOW, dry_run=True)
    assert result["posts"] == 24 and project.store.count("posts") == 48


def test_no_retention_is_a_clear_error(project) -> None:  # noqa: ANN001
    project.config.privacy.retention_days = None
    with pytest.raises(BasculeError, match="retention_days"):
        prune(project, now=NOW)


def test_parquet_partitions_before_cutoff_removed(tmp_path) -> None:  # noqa: ANN001
    for d in ("2026-09-30", "2026-10-01", "2026-10-02"):
        (tmp_path / f"day={d}").mkdir()
        (tmp_path / f"day={d}" / "part-0.parquet").write_bytes(b"x")
    assert prune_parquet(tmp_path, datetime(2026, 10, 1).date()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["day=2026-10-01", "day=2026-10-02"]
