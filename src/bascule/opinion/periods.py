"""Periods cut in the project's time zone, and windows aligned on whole periods.

A week is the ISO week: it starts on Monday at 00:00, wall-clock time in the project's time
zone, and is named by that Monday's date (2015-01-05). The poll and the undecided count hours,
days and weeks (`BY`).

Aligning `--since/--until` on whole periods means that every published cell is a full hour,
day or week, whatever window was asked: two queries can never be subtracted to isolate a part of
a period (a differencing attack on a suppressed group).
"""

from __future__ import annotations

from datetime import timedelta

import pandas as pd

from bascule.dates import parse_when
from bascule.errors import InputError

BY = ("hour", "day", "week")
_STEP = {"hour": pd.Timedelta(hours=1), "day": pd.Timedelta(days=1), "week": pd.Timedelta(days=7)}
_PAD = timedelta(days=2)  # larger than any UTC offset: fetch, then cut in local time


def check_by(by: str, choices: tuple[str, ...] = BY) -> str:
    """The period name if it is one of `choices`, or a clear error."""
    if by not in choices:
        raise InputError(
            f"--by must be one of {', '.join(choices)} (got {by!r})",
            fr=f"--by vaut {', '.join(choices)} (reçu {by!r})",
        )
    return by


def to_local(utc: pd.Series, tz: str) -> pd.Series:
    """Naive UTC timestamps -> naive wall-clock time in `tz`."""
    s = pd.to_datetime(utc)
    return s.dt.tz_localize("UTC").dt.tz_convert(tz).dt.tz_localize(None)


def floor(local: pd.Series | pd.Timestamp, by: str) -> pd.Series | pd.Timestamp:
    """Start of the period holding each wall-clock time (a week's: its Monday, 00:00)."""
    if by == "week":
        return _monday(local)
    freq = "h" if by == "hour" else "D"
    return local.dt.floor(freq) if isinstance(local, pd.Series) else local.floor(freq)


def _monday(local: pd.Series | pd.Timestamp) -> pd.Series | pd.Timestamp:
    """Midnight of the Monday on or before each wall-clock time (ISO weeks start on Monday)."""
    if isinstance(local, pd.Series):
        day = local.dt.floor("D")
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    day = local.floor("D")
    return day - pd.Timedelta(days=day.day_of_week)


def _parse(value: str | None, name: str, tz: str | None) -> pd.Timestamp | None:
    """Wall-clock time in `tz`: a time with an offset (`Z`, `-04:00`) is converted to it."""
    if value in (None, ""):
        return None
    ts = pd.Timestamp(parse_when(value, f"--{name}"))  # ISO only: 07/01/2015 is refused
    if ts.tzinfo is not None:
        ts = (ts.tz_convert(tz) if tz else ts).tz_localize(None)
    return ts


def window(
    since: str | None, until: str | None, by: str | None, tz: str | None = None
) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """[since, until) in local time (the project's `tz`), widened to whole periods (None stays
    open). A bare date or time is local already; one with an offset is converted."""
    s, u = _parse(since, "since", tz), _parse(until, "until", tz)
    if by is None:
        if s is not None and u is not None and u <= s:
            raise InputError(
                f"--until ({until}) must be after --since ({since})",
                fr=f"--until ({until}) doit venir après --since ({since})",
            )
        return s, u
    if s is not None:
        s = floor(s, by)
    if u is not None:
        fu = floor(u, by)
        u = fu if fu == u else fu + _STEP[by]
    if s is not None and u is not None and u <= s:
        raise InputError(
            f"--until ({until}) must be after --since ({since})",
            fr=f"--until ({until}) doit venir après --since ({since})",
        )
    return s, u


def fetch_bounds(
    since: pd.Timestamp | None, until: pd.Timestamp | None
) -> tuple[str | None, str | None]:
    """UTC bounds for SQL that surely contain the local window (cut exactly afterwards)."""
    return (
        str(since - _PAD) if since is not None else None,
        str(until + _PAD) if until is not None else None,
    )


def in_window(
    local: pd.Series, since: pd.Timestamp | None, until: pd.Timestamp | None
) -> pd.Series:
    """Mask of local times inside [since, until)."""
    m = pd.Series(True, index=local.index)
    if since is not None:
        m &= local >= since
    if until is not None:
        m &= local < until
    return m


def step(by: str) -> pd.Timedelta:
    """Length of one period."""
    return _STEP[by]


def label(period: pd.Timestamp, by: str) -> str:
    """ISO label of a period: 2026-09-14 (a day, or the week starting that Monday) or
    2026-09-14T13:00 (an hour). A week keeps a plain date: sortable, and read by any tool."""
    return period.strftime("%Y-%m-%dT%H:00") if by == "hour" else period.strftime("%Y-%m-%d")


def steps(periods: pd.Series | pd.DatetimeIndex, by: str) -> pd.Series:
    """Period index since the first one (gaps count), for time-aware smoothing."""
    p = pd.Series(pd.to_datetime(periods))
    if p.empty:
        return p.astype(float)
    return (p - p.iloc[0]) / _STEP[by]


# a period's length, as plotly wants it
PERIOD_MS = {"day": 86_400_000, "hour": 3_600_000, "week": 7 * 86_400_000}
_TICKS_WITHIN = {"day": 14 * 86_400, "week": 16 * 7 * 86_400}  # seconds from first to last


def day_ticks(labels: list[str], by: str) -> dict:
    """Plotly x-axis settings for a chart of periods: a label a day (or a week, on its
    Mondays), under its period, when daily points span two weeks or less (plotly would label
    every 12 hours), weekly ones sixteen weeks or less; else none (plotly picks)."""
    from datetime import datetime

    if by not in _TICKS_WITHIN or not labels:
        return {}
    first, last = (datetime.fromisoformat(str(p)) for p in (labels[0], labels[-1]))
    if (last - first).total_seconds() > _TICKS_WITHIN[by]:
        return {}
    ticks = {"dtick": PERIOD_MS[by], "ticklabelmode": "period"}
    return {**ticks, "tick0": str(labels[0])} if by == "week" else ticks
