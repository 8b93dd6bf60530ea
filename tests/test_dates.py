"""Dates a user types: ISO 8601 only; a slash date is refused with the readings it could have."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bascule.dates import iso_when, parse_when
from bascule.errors import InputError


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2015-01-07", "2015-01-07"),
        (" 2015-01-07 ", "2015-01-07"),
        ("20150107", "2015-01-07"),
        ("2015-01-07T10:05", "2015-01-07T10:05:00"),
        ("2015-01-07 10:05:30", "2015-01-07T10:05:30"),
        ("2015-01-07T10:05Z", "2015-01-07T10:05:00+00:00"),
        ("2015-01-07T10:05+02:00", "2015-01-07T10:05:00+02:00"),
    ],
)
def test_iso_dates_and_times_are_read(text: str, iso: str) -> None:
    assert iso_when(text, "--since") == iso


def test_offsets_are_kept_for_the_caller() -> None:
    when = parse_when("2015-01-07T10:05+02:00")
    assert when.utcoffset() == timedelta(hours=2)
    assert parse_when("2015-01-07") == datetime(2015, 1, 7)
    assert parse_when(datetime(2015, 1, 7, tzinfo=UTC)).tzinfo is UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "07/01/2015",
            "--since: '07/01/2015' is ambiguous (day or month first?); write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time): 2015-01-07 for 7 January 2015, "
            "2015-07-01 for 1 July 2015",
        ),
        (
            "07/01/2015 10:30",
            "--since: '07/01/2015 10:30' is ambiguous (day or month first?); write it as "
            "YYYY-MM-DD (or YYYY-MM-DDTHH:MM for a time): 2015-01-07T10:30 for 7 January 2015, "
            "2015-07-01T10:30 for 1 July 2015",
        ),
        (
            "25/12/2015",
            "--since: '25/12/2015' is not an ISO date; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time): 2015-12-25",
        ),
        (
            "2015/01/07",
            "--since: '2015/01/07' is not an ISO date; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time): 2015-01-07",
        ),
        (
            "07/07/2015",
            "--since: '07/07/2015' is not an ISO date; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time): 2015-07-07",
        ),
        (
            "31/02/2015",
            "--since: '31/02/2015' is not a date; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time)",
        ),
        (
            "07/01/15",
            "--since: '07/01/15' is not a date (which is the year?); write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time)",
        ),
        (
            "yesterday",
            "--since: 'yesterday' is not a date or time; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time)",
        ),
        (
            "2015-13-01",
            "--since: '2015-13-01' is not a date or time; write it as YYYY-MM-DD "
            "(or YYYY-MM-DDTHH:MM for a time)",
        ),
    ],
)
def test_other_dates_are_refused_with_what_to_write(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_when(text, "--since")
    assert str(info.value) == message


def test_the_python_api_reads_dates_the_same_way(project) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll

    with pytest.raises(InputError, match="'07/01/2015' is ambiguous"):
        poll(project, "caq", since="07/01/2015")
    assert poll(project, "caq", since="2015-01-07")["since"] == "2015-01-07"
