"""Helpers shared by the format mappers: timestamps, numbers, HTML text, ids."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bascule.errors import InputError
from bascule.sources.model import RecordError

TWITTER_EPOCH_MS = 1288834974657
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
_EPOCH = datetime(1970, 1, 1)


def parse_time(value: Any) -> datetime:
    """Parse a timestamp (ISO 8601, Twitter's `Wed Jan 07 11:07:51 +0000 2015`, epoch s/ms/µs).

    Returns naive UTC; raises RecordError("bad date ...") when it cannot.
    """
    if value is None or value == "":
        raise RecordError("missing date")
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if not isinstance(value, str):
        raise RecordError(f"bad date {value!r}")
    try:
        return _parse_str(value.strip())
    except (ValueError, OverflowError, KeyError, IndexError):
        raise RecordError(f"bad date {value[:60]!r}") from None


_OFFSET = re.compile(r"([zZ]|[+-]\d\d:?\d\d)$")


def is_local_time(value: str) -> bool:
    """A date written without its time zone (`2026-09-01 10:00`, not `...Z`, `...+02:00`,
    an epoch number or Twitter's `+0000`): a local time of some zone. `DateRule` says which."""
    s = value.strip()
    return bool(s) and not (s[:1].isalpha() or _OFFSET.search(s) or _is_number(s))


def _is_number(s: str) -> bool:
    try:
        float(s)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class DateRule:
    """How a generic file writes its dates, when not (only) as `parse_time` reads them: a
    `strptime` format (`%d/%m/%Y %H:%M`, as spreadsheets write them in French), and the time
    zone of dates written without one (default UTC). `store.bulk` reads them the same way in
    SQL (DuckDB's `strptime` takes the same format)."""

    format: str | None = None
    timezone: str | None = None

    def __post_init__(self) -> None:
        if self.format is not None and "%" not in self.format:
            raise InputError(
                f"--date-format {self.format!r}: give a strptime pattern, e.g. %d/%m/%Y %H:%M",
                fr=f"--date-format {self.format!r} : donnez un modèle strptime, par exemple "
                "%d/%m/%Y %H:%M",
            )
        if self.timezone is not None:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise InputError(
                    f"--timezone: unknown time zone {self.timezone!r} (e.g. America/Toronto)",
                    fr=f"--timezone : fuseau horaire inconnu {self.timezone!r} (par exemple "
                    "America/Toronto)",
                ) from None

    def parse(self, value: Any) -> datetime:
        """The value read with this rule, as naive UTC: by the format, else as `parse_time`
        reads it (a sheet's cells that hold real dates are ISO 8601)."""
        ts = self._formatted(value)
        if ts is None:
            ts = parse_time(value)
            local = isinstance(value, str) and is_local_time(value)
        else:
            local = ts.tzinfo is None
            if not local:
                ts = ts.astimezone(UTC).replace(tzinfo=None)
        if local and self.timezone:
            ts = _local_to_utc(ts, ZoneInfo(self.timezone))
        if not 1990 <= ts.year <= 2100:
            raise RecordError(f"bad date {str(value)[:60]!r}")
        return ts

    def _formatted(self, value: Any) -> datetime | None:
        if self.format is None or not isinstance(value, str):
            return None
        try:
            return datetime.strptime(value.strip(), self.format)
        except ValueError:
            return None


def _local_to_utc(ts: datetime, zone: ZoneInfo) -> datetime:
    """A local time of `zone` as naive UTC, as DuckDB's `timezone()` reads it on the set-based
    path (`store.bulk`): a time the clocks skipped (02:30 on spring forward) in the offset
    before the change, one they showed twice (01:30 on fall back) as the later. Both are the
    later of Python's two readings (`fold` 0 and 1), which differ only there."""
    return max(
        ts.replace(tzinfo=zone, fold=fold).astimezone(UTC).replace(tzinfo=None) for fold in (0, 1)
    )


_DAY_MONTH = re.compile(
    r"^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(:\d{2})?)?$"
)


def guess_date_format(examples: list[str]) -> tuple[str, bool] | None:
    """The `strptime` format of dates such as `01/09/2026 10:00` that `parse_time` refused,
    and whether it is a guess (every example reads day first or month first alike: day
    first, as French and most of the world write them); None when they are not such dates."""
    found = [m for m in (_DAY_MONTH.match(e.strip()) for e in examples) if m]
    if not found or len(found) < len(examples):
        return None
    m = found[0]
    sep, year = m.group(2), "%Y" if len(m.group(4)) == 4 else "%y"
    time = "" if m.group(5) is None else " %H:%M" + (":%S" if m.group(7) else "")
    if any(int(x.group(1)) > 12 for x in found):
        order, ambiguous = ("%d", "%m"), False
    elif any(int(x.group(3)) > 12 for x in found):
        order, ambiguous = ("%m", "%d"), False
    else:
        order, ambiguous = ("%d", "%m"), True
    return f"{order[0]}{sep}{order[1]}{sep}{year}{time}", ambiguous


def _from_epoch(x: float) -> datetime:
    if x > 1e17:  # nanoseconds
        x /= 1e9
    elif x > 1e14:  # microseconds
        x /= 1e6
    elif x > 1e11:  # milliseconds
        x /= 1e3
    if not 0 < x < 4e9:
        raise RecordError(f"bad date {x!r} (epoch out of range)")
    return _EPOCH + timedelta(seconds=x)


@lru_cache(maxsize=65536)
def _parse_str(s: str) -> datetime:
    if s[:1].isalpha():  # Twitter v1.1: "Wed Jan 07 11:07:51 +0000 2015"
        parts = s.split()
        hh, mm, ss = (int(x) for x in parts[3].split(":"))
        ts = datetime(int(parts[5]), _MONTHS[parts[1]], int(parts[2]), hh, mm, ss)
        off = parts[4]
        sign = -1 if off[0] == "-" else 1
        delta = timedelta(hours=int(off[1:3]), minutes=int(off[3:5]))
        return ts - sign * delta
    if s.replace(".", "", 1).isdigit():
        return _from_epoch(float(s))
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    ts = datetime.fromisoformat(s)
    if ts.tzinfo is not None:
        ts = ts.astimezone(UTC).replace(tzinfo=None)
    if not 1990 <= ts.year <= 2100:
        raise ValueError("year out of range")
    return ts


def snowflake_time(tweet_id: str | int) -> datetime:
    """Creation time encoded in a Twitter snowflake id (ids after November 2010)."""
    n = int(tweet_id)
    if n < 29_700_000_000:  # pre-snowflake sequential ids (before 2010-11-04) carry no time
        raise RecordError(f"tweet id {tweet_id} predates snowflake ids: no time in it")
    return _EPOCH + timedelta(milliseconds=(n >> 22) + TWITTER_EPOCH_MS)


def to_int(value: Any) -> int | None:
    """An integer count from a number or a numeric string; None when absent or not a number."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def to_bool(value: Any) -> bool | None:
    """True/False from booleans or their usual spellings in CSV files."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes", "y", "t")


def to_id(value: Any) -> str | None:
    """A native id as text (floats from CSV like `123.0` lose their `.0`), None if empty."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return str(int(value))
    s = str(value).strip()
    if not s or s.lower() in ("nan", "none", "null"):
        return None
    return s


_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)


def tweet_text(text: str | None) -> str | None:
    """A tweet's text as its author typed it: the Twitter API (v1.1 and v2) escapes `&`, `<`
    and `>` as HTML entities, and only those, so a typed "&amp;" arrives as "&amp;amp;"."""
    if not text or "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def html_text(content: str | None) -> str | None:
    """Plain text of Mastodon HTML content: paragraphs and line breaks become newlines."""
    if not content:
        return content
    if "<" not in content and "&" not in content:
        return content
    return html.unescape(_TAG.sub("", _BREAK.sub("\n", content))).strip()


def host(url: str | None) -> str | None:
    """The host part of a URL, lower case."""
    if not url or "://" not in url:
        return None
    return url.split("://", 1)[1].split("/", 1)[0].lower() or None
