"""`bascule prune`: enforce `privacy.retention_days` on the store and on Parquet datasets."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bascule.errors import BasculeError, InputError
from bascule.opinion.voices import official_authors
from bascule.store import retention

_DAY_DIR = re.compile(r"^(?:day|created_day|date)=(\d{4}-\d{2}-\d{2})$")


def cutoff_for(days: int, now: datetime | None = None) -> datetime:
    """The instant before which raw posts must be gone (naive UTC)."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now - timedelta(days=days)


def prune(
    project,
    *,
    days: int | None = None,
    now: datetime | None = None,  # noqa: ANN001
    parquet: str | Path | list[Path] | tuple[Path, ...] = (),
    dry_run: bool = False,
    compact: bool = False,
) -> dict:
    """Delete raw data older than the retention period (config or `days`); daily aggregates
    stay, counted in the project's days as the poll counts them (`bascule poll --by day` reads
    them back); and the day partitions past it in each Parquet dataset of `parquet` (one folder or
    several). `compact` then rewrites the database file so the deleted texts are gone from
    it too (`Store.compact`: it needs the store to itself, as `bascule prune` has it)."""
    if isinstance(parquet, str | Path):  # one folder, not its characters
        parquet = [Path(parquet)]
    if days is None:  # 0 is a value (refused below), not "use the config's"
        days = project.config.privacy.retention_days
        if days is None:
            raise BasculeError(
                "no retention period: set privacy.retention_days in bascule.toml or pass --days"
            )
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise InputError(
            f"--days {days}: a retention period is a whole number of days, at least 1 "
            "(0 would delete every post collected until now, a negative count posts "
            "not yet written)",
            fr=f"--days {days} : la durée de conservation est un nombre entier de jours, au "
            "moins 1 (0 effacerait toutes les publications recueillies jusqu'ici, un nombre "
            "négatif des publications pas encore écrites)",
        )
    cut = cutoff_for(days, now)
    result = retention.prune(
        project.store,
        cut,
        min_group_size=project.config.privacy.min_group_size,
        timezone=project.config.project.timezone,  # the poll's days
        dry_run=dry_run,
        excluded=official_authors(project),  # as the poll leaves them out
    )
    result["cutoff"] = cut.isoformat(sep=" ")
    result["retention_days"] = days
    result["parquet_partitions"] = sum(
        prune_parquet(Path(p), cut.date(), dry_run=dry_run) for p in parquet
    )
    from bascule.store.forget import compaction_due, mark_compaction_due

    result["compacted_bytes"] = 0
    if not dry_run and compact and (result["posts"] or compaction_due(project.store)):
        result["compacted_bytes"] = project.store.compact()
    elif not dry_run and result["posts"]:  # a listener shares the store: rewrite it later
        mark_compaction_due(project.store)
    return result


def prune_parquet(root: Path, cutoff: date, *, dry_run: bool = False) -> int:
    """Remove day partitions (`day=YYYY-MM-DD` folders) strictly before `cutoff`."""
    root = Path(root)
    if not root.exists():
        raise BasculeError(f"no Parquet dataset at {root}")
    if root == Path(root.anchor) or root == Path.home():
        raise BasculeError(f"{root} is not a Parquet dataset folder: name the export's folder")
    removed = 0
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        m = _DAY_DIR.match(folder.name)
        if m and date.fromisoformat(m.group(1)) < cutoff and folder.exists():
            removed += 1
            if not dry_run:
                shutil.rmtree(folder)
    return removed
