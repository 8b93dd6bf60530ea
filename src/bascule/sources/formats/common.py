"""Helpers shared by the format mappers: timestamps, numbers, HTML text, ids."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

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
