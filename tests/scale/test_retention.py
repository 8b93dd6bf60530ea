"""`prune` removes exactly what is older than the retention, and nothing else."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from bascule.errors import BasculeError, InputError
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


def _load_old_only_author(project) -> None:  # noqa: ANN001
    """`gone` posted only 40 days ago (a repost of u0): the prune leaves it nothing."""
    b = BatchBuilder(project.pseudonymizer, source="test", run_id=None)
    b.add(
        Post(
            "mastodon",
            "gone-1",
            Account("mastodon", "gone"),
            NOW - timedelta(days=40, hours=1),
            text="x",
            repost_of="40-0",
            repost_of_author=Account("mastodon", "u0"),
        )
    )
    write_batch(project.store, *b.tables())


def test_dry_run_figures_are_the_real_runs(project) -> None:  # noqa: ANN001
    # the dry run said "0 authors ... kept 0 daily aggregates" whatever the real run did
    _load(project)
    _load_old_only_author(project)
    dry = prune(project, days=30, now=NOW, dry_run=True)
    assert project.store.count("posts") == 49 and project.store.count("aggregates") == 0
    real = prune(project, days=30, now=NOW)
    figures = ("posts", "interactions", "analyses", "authors", "aggregates", "cutoff")
    assert {k: dry[k] for k in figures} == {k: real[k] for k in figures}
    assert (real["posts"], real["authors"], real["aggregates"]) == (25, 1, 2)
    assert project.store.count("aggregates") == 2


def test_zero_or_negative_days_are_refused(project) -> None:  # noqa: ANN001
    # --days 0 fell back to the config's 365; --days -5 deleted posts "older" than next week
    _load(project)
    for days in (0, -5):
        with pytest.raises(InputError, match="at least 1"):
            prune(project, days=days, now=NOW)
    assert project.store.count("posts") == 48
    assert prune(project, days=1, now=NOW, dry_run=True)["retention_days"] == 1


def test_prune_command_refuses_zero_days(project, capsys) -> None:  # noqa: ANN001
    from bascule.cli import main

    _load(project)
    root = str(project.root)
    project.close()
    assert main(["prune", "-p", root, "--days", "0"]) == 2
    assert "--days 0 : la durée de conservation est un nombre entier" in capsys.readouterr().err
    assert main(["prune", "-p", root, "--days=-5", "--dry-run"]) == 2
    assert main(["prune", "-p", root, "--days", "100000", "--dry-run"]) == 0  # from the 1750s
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("Supprimerait 0 publications")  # a French project
    assert "garderait 0 agrégats quotidiens" in out


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


def test_a_day_split_by_the_cutoff_is_counted_whole_once(project) -> None:  # noqa: ANN001
    # the day the cutoff cut in two was kept as its early part, then replaced by its late
    # part at the next prune: 12 authors where 24 stood behind the stance that day
    b = BatchBuilder(project.pseudonymizer, source="test", run_id=None)
    split = NOW - timedelta(days=30)  # 2026-10-02 12:00
    for a in range(24):
        hours = -6 if a < 12 else 6  # 06:00 and 18:00 that day
        b.add(
            Post("mastodon", f"s-{a}", Account("mastodon", f"u{a}"), split + timedelta(hours=hours))
        )
    write_batch(project.store, *b.tables())
    ids = [r[0] for r in project.store.rows("SELECT post_id FROM posts")]
    project.store.insert(
        "analyses",
        pa.table({"post_id": ids, "target_id": ["caq"] * 24, "stance": ["favor"] * 24}),
    )
    first = prune(project, days=30, now=NOW, dry_run=True)
    assert prune(project, days=30, now=NOW) == {**first, "dry_run": False}
    assert (first["posts"], first["aggregates"]) == (12, 1)
    assert project.store.count("posts") == 12
    again = prune(project, days=30, now=NOW + timedelta(days=1))
    assert (again["posts"], again["aggregates"]) == (12, 0)
    rows = project.store.rows("SELECT day, authors, posts FROM aggregates")
    assert [(str(d), a, p) for d, a, p in rows] == [("2026-10-02", 24, 24)]


def test_prune_leaves_nothing_that_names_deleted_posts_or_authors(project) -> None:  # noqa: ANN001
    _load(project)
    store = project.store
    old = store.scalar("SELECT post_id FROM posts WHERE created_at < ? LIMIT 1",
                       [NOW - timedelta(days=35)])  # fmt: skip
    store.execute(
        "INSERT INTO alerts (alert_id, kind, target_id, post_id, title, created_at) "
        "VALUES ('forecast:x', 'forecast', 'caq', ?, 't', ?)",
        [old, NOW - timedelta(days=35)],
    )
    store.execute("INSERT INTO alert_deliveries VALUES ('forecast:x', 'email:a@b.c', 'sent', NULL, ?)",
                  [NOW])  # fmt: skip
    authors = [r[0] for r in store.rows("SELECT author_id FROM authors")]
    for a in authors:
        store.execute("INSERT INTO communities VALUES (?, 1, ?)", [a, NOW])
    store.execute("INSERT INTO rejects VALUES (1, 'f', 3, 'bad date', 'MT @someone', ?)",
                  [NOW - timedelta(days=40)])  # fmt: skip
    result = prune(project, days=3, now=NOW)  # every post but the last day's goes
    assert result["alerts"] == 1 and store.count("alerts") == 0
    assert store.count("alert_deliveries") == 0 and store.count("rejects") == 0
    kept = {r[0] for r in store.rows("SELECT author_id FROM authors")}
    assert {r[0] for r in store.rows("SELECT author_id FROM communities")} == kept


def test_the_prune_command_rewrites_the_file(project, capsys) -> None:  # noqa: ANN001
    from pathlib import Path

    from bascule.cli import main

    b = BatchBuilder(project.pseudonymizer, source="test", run_id=None)
    b.add(Post("mastodon", "old", Account("mastodon", "u1"), datetime(2020, 1, 1),
               text="quelque chose de très personnel écrit en 2020"))  # fmt: skip
    write_batch(project.store, *b.tables())
    project.store.con.execute("CHECKPOINT")
    path, root = Path(project.store.path), str(project.root)
    project.close()
    assert "très personnel".encode() in path.read_bytes()
    assert main(["prune", "-p", root, "--days", "30", "--json"]) == 0
    assert "très personnel".encode() not in path.read_bytes()  # not left in freed blocks


def test_kept_counts_are_the_polls_days_and_voices(project) -> None:  # noqa: ANN001
    # kept as UTC days with an author under each stance they took: 02:00 UTC on Oct 2 is
    # 22:00 on Oct 1 in Toronto, and twelve authors who turned against count once, against
    from bascule.store.retention import kept_format

    b = BatchBuilder(project.pseudonymizer, source="test", run_id=None)
    for a in range(12):
        for pid, hour in ((f"m-{a}", 14), (f"e-{a}", 26)):  # Oct 1 10:00 and 22:00 local
            b.add(Post("mastodon", pid, Account("mastodon", f"u{a}"),
                       datetime(2026, 10, 1) + timedelta(hours=hour)))  # fmt: skip
    write_batch(project.store, *b.tables())
    rows = project.store.rows("SELECT post_id, native_id FROM posts")
    stance = {pid: "favor" if native.startswith("m-") else "against" for pid, native in rows}
    project.store.insert(
        "analyses",
        pa.table(
            {"post_id": list(stance), "target_id": ["caq"] * 24, "stance": list(stance.values())}
        ),  # fmt: skip
    )
    assert prune(project, days=30, now=NOW + timedelta(days=1))["aggregates"] == 1
    assert kept_format(project.store) == {
        "timezone": "America/Toronto",
        "each_stance_through": None,
        "min_group_size": 10,
        "pruned_before": "2026-10-03T12:00:00",
    }
    rows = project.store.rows("SELECT day, target_id, stance, authors, posts FROM aggregates")
    assert [(str(d), t, s, a, p) for d, t, s, a, p in rows] == [
        ("2026-10-01", "caq", "against", 12, 12)  # "favor": 12 posts, no one's last word
    ]


def test_a_dry_run_records_nothing(project) -> None:  # noqa: ANN001
    from bascule.store.retention import kept_format

    _load(project)
    prune(project, days=30, now=NOW, dry_run=True)
    assert kept_format(project.store) == {}
    prune(project, days=30, now=NOW)
    assert kept_format(project.store)["pruned_before"] == "2026-10-02T12:00:00"
    prune(project, days=60, now=NOW)  # an earlier cutoff: the latest one is kept
    assert kept_format(project.store)["pruned_before"] == "2026-10-02T12:00:00"
