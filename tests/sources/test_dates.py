"""Dates as spreadsheets write them (`01/09/2026 10:00`, local times): named, then read."""

from __future__ import annotations

import bz2
import json
from datetime import datetime
from pathlib import Path

import pytest

from bascule.errors import InputError
from bascule.sources.formats.common import DateRule, guess_date_format
from bascule.sources.importer import import_files

# (as written, naive UTC when read day first in Quebec's zone): summer and winter time, a
# date with its own offset, and one in UTC; a time the clocks skipped (spring forward: read
# in the offset before) and one they showed twice (fall back: the later one), as DuckDB
# reads them on the set-based path
ROWS = [
    ("01/09/2026 10:00", datetime(2026, 9, 1, 14, 0)),
    ("13/12/2026 09:30", datetime(2026, 12, 13, 14, 30)),
    ("2/3/2026 23:05", datetime(2026, 3, 3, 4, 5)),
    ("08/03/2026 02:30", datetime(2026, 3, 8, 7, 30)),
    ("01/11/2026 01:30", datetime(2026, 11, 1, 6, 30)),
]
RULE = DateRule("%d/%m/%Y %H:%M", "America/Toronto")


def test_a_date_rule_reads_local_day_first_dates() -> None:
    assert [RULE.parse(v) for v, _ in ROWS] == [want for _, want in ROWS]
    iso = DateRule(timezone="America/Toronto")  # ISO dates: local when they say no zone
    assert iso.parse("2026-09-01 10:00") == datetime(2026, 9, 1, 14, 0)
    assert iso.parse("2026-09-01T10:00:00Z") == datetime(2026, 9, 1, 10, 0)
    assert iso.parse("2026-09-01T10:00:00+02:00") == datetime(2026, 9, 1, 8, 0)
    assert iso.parse("Wed Jan 07 11:07:51 +0000 2015") == datetime(2015, 1, 7, 11, 7, 51)
    with_offset = DateRule("%d/%m/%Y %H:%M %z", "America/Toronto")
    assert with_offset.parse("01/09/2026 10:00 +0200") == datetime(2026, 9, 1, 8, 0)
    with pytest.raises(InputError, match="strptime pattern"):
        DateRule("dd/mm/yyyy")
    with pytest.raises(InputError, match="unknown time zone") as err:
        DateRule(timezone="Mars/Olympus")
    assert "fuseau horaire inconnu" in err.value.fr


def test_the_format_of_rejected_dates_is_guessed() -> None:
    assert guess_date_format(["01/09/2026 10:00", "13/09/2026 11:30"]) == ("%d/%m/%Y %H:%M", False)
    assert guess_date_format(["09/13/26 10:00:01"]) == ("%m/%d/%y %H:%M:%S", False)
    assert guess_date_format(["01.09.2026"]) == ("%d.%m.%Y", True)  # day first unless shown
    assert guess_date_format(["hier", "01/09/2026"]) is None


def _files(tmp_path: Path) -> tuple[Path, Path]:
    """The rows as a CSV file (read set-based, in DuckDB) and as a bz2 JSON array (read
    record by record, in Python)."""
    records = [
        {"id": str(i), "author": f"a{i}", "created_at": v, "text": f"post {i}"}
        for i, (v, _) in enumerate(ROWS)
    ]
    csv = tmp_path / "posts.csv"
    csv.write_text(
        "id,author,created_at,text\n"
        + "".join(f"{r['id']},{r['author']},{r['created_at']},{r['text']}\n" for r in records)
    )
    array = tmp_path / "posts.json.bz2"
    array.write_bytes(bz2.compress(json.dumps(records, indent=1).encode()))
    return csv, array


@pytest.mark.parametrize("which", [0, 1], ids=["set-based", "record-by-record"])
def test_both_import_paths_read_dates_as_the_rule_says(project, tmp_path, which: int) -> None:  # noqa: ANN001
    path = _files(tmp_path)[which]
    first = import_files(project, [path])
    assert first.rejected == len(ROWS) and first.files[0].format_hint is None
    assert first.files[0].date_hint == {
        "example": "01/09/2026 10:00", "format": "%d/%m/%Y %H:%M", "ambiguous": False,
    }  # fmt: skip
    again = import_files(project, [path], date_format=RULE.format, timezone=RULE.timezone)
    assert (again.imported, again.rejected, again.files[0].status) == (len(ROWS), 0, "imported")
    got = dict(project.store.rows("SELECT native_id, created_at FROM posts"))
    assert got == {str(i): want for i, (_, want) in enumerate(ROWS)}
    assert project.store.count("rejects") == 0  # the first read's went with it
