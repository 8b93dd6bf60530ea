"""Dates and times a user types (`--since`, `--until`, `--now`): ISO 8601 only, one reading.

07/01/2015 is 7 January to a French reader and July 1 to an American one; guessing gives a
plausible but wrong window with no warning, so such dates are refused, with their readings.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bascule.errors import InputError

_SLASHED = re.compile(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})(?:[ T](\S.*))?$")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def parse_when(value: str | date, option: str = "date") -> datetime:
    """A date (midnight) or date-time written in ISO 8601; a clear error for anything else.

    A time zone offset (`Z`, `+02:00`) is kept: each caller knows whether its option is in
    UTC or in the project's time zone. Python dates and date-times pass as they are.
    """
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    en, fr = _explain(text, option)
    raise InputError(en, fr=fr)


def utc_when(value: str | date, option: str = "date") -> datetime:
    """`parse_when`, as a naive UTC date-time (the store's): an offset is converted, a time
    without one is taken as UTC already."""
    when = parse_when(value, option)
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return when


def iso_when(value: str, option: str = "date") -> str:
    """`value` checked by `parse_when` and written canonically: YYYY-MM-DD for a date,
    YYYY-MM-DDTHH:MM:SS[+HH:MM] for a date-time."""
    when = parse_when(value, option)
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        return when.isoformat()


def _explain(text: str, option: str) -> tuple[str, str]:
    """Why `text` is refused and what to write instead (both readings of a slash date), in
    English and French."""
    fmt = "write it as YYYY-MM-DD (or YYYY-MM-DDTHH:MM for a time)"
    fmt_fr = "écrivez-la AAAA-MM-JJ (ou AAAA-MM-JJTHH:MM pour une heure)"
    m = _SLASHED.match(text)
    if not m:
        return (
            f"{option}: {text!r} is not a date or time; {fmt}",
            f"{option} : {text!r} n'est ni une date ni une heure ; {fmt_fr}",
        )
    a, b, c, rest = m.groups()
    time = f"T{rest}" if rest else ""
    if len(a) == 4:  # 2015/01/07: year first, one reading
        readings = [_day(int(a), int(b), int(c))]
    elif len(c) == 4:
        readings = [_day(int(c), int(b), int(a)), _day(int(c), int(a), int(b))]
    else:
        return (
            f"{option}: {text!r} is not a date (which is the year?); {fmt}",
            f"{option} : {text!r} n'est pas une date (où est l'année ?) ; {fmt_fr}",
        )
    found = list(dict.fromkeys(r for r in readings if r is not None))
    if not found:
        return (
            f"{option}: {text!r} is not a date; {fmt}",
            f"{option} : {text!r} n'est pas une date ; {fmt_fr}",
        )
    if len(found) == 1:
        iso = f"{found[0].isoformat()}{time}"
        return (
            f"{option}: {text!r} is not an ISO date; {fmt}: {iso}",
            f"{option} : {text!r} n'est pas une date ISO ; {fmt_fr} : {iso}",
        )
    day_first, month_first = found
    a_iso, b_iso = f"{day_first.isoformat()}{time}", f"{month_first.isoformat()}{time}"
    return (
        f"{option}: {text!r} is ambiguous (day or month first?); {fmt}: "
        f"{a_iso} for {_name(day_first)}, {b_iso} for {_name(month_first)}",
        f"{option} : {text!r} est ambiguë (le jour ou le mois d'abord ?) ; {fmt_fr} : "
        f"{a_iso} pour le {_name(day_first, 'fr')}, {b_iso} pour le {_name(month_first, 'fr')}",
    )


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _name(d: date, lang: str = "en") -> str:
    months = _MONTHS_FR if lang == "fr" else _MONTHS
    return f"{d.day} {months[d.month - 1]} {d.year}"


_MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre")  # fmt: skip
