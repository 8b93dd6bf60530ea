"""Platform-neutral records: what every importer and connector produces from a payload.

Turning a platform payload into these records is a pure function per format (tested on real
payloads stored as files); pseudonymisation and storage happen later, in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class Account:
    platform: str
    native_id: str | None  # the platform's account id (preferred key)
    handle: str | None = None  # screen name / acct / bluesky handle
    display_name: str | None = None
    followers: int | None = None
    following: int | None = None
    verified: bool | None = None

    @property
    def key(self) -> str:
        """What the pseudonym is computed from: the native id, else the handle."""
        return str(self.native_id) if self.native_id else "@" + (self.handle or "").lower()


@dataclass(slots=True)
class Post:
    platform: str
    native_id: str
    author: Account
    created_at: datetime  # timezone-aware or naive UTC
    text: str | None = None
    lang: str | None = None
    reply_to: str | None = None  # native id of the post replied to
    reply_to_author: Account | None = None
    repost_of: str | None = None  # native id of the post amplified
    repost_of_author: Account | None = None
    quote_of: str | None = None
    quote_of_author: Account | None = None
    mentions: list[Account] = field(default_factory=list)
    conversation_id: str | None = None
    url: str | None = None
    likes: int | None = None
    reposts: int | None = None
    replies: int | None = None
    quotes: int | None = None
    raw: str | None = None  # the payload as received (JSON text)
    embedded: bool = False  # carried inside another record (a retweet's original), not read


EXCERPT = 300  # characters of a rejected record kept to show it


@dataclass(slots=True)
class Reject:
    """A record that could not be imported: where it was and why."""

    source: str
    line: int
    reason: str
    record: str | None = None


class RecordError(ValueError):
    """Raised by a mapping function when a payload cannot become a Post (the reason)."""


@dataclass(slots=True)
class Deletion:
    """A platform said this post was deleted: it is removed and never stored again."""

    platform: str
    native_id: str

    @property
    def post_id(self) -> str:
        """The store key of the deleted post."""
        return f"{self.platform}:{self.native_id}"
