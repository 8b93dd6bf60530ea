"""Pseudonymisation of authors with a keyed hash (HMAC-SHA256 with a per-project secret).

The secret lives outside the DuckDB file (`.bascule/secret.key`, mode 600), so the store
alone cannot be reversed to account ids. Official accounts and opted-in people keep their
handle; `privacy.keep_handles = true` keeps all.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

SECRET_ENV = "BASCULE_SECRET"


def make_secret(path: Path) -> bytes:
    """Create the per-project secret file (never overwrites an existing one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return read_secret(path)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key.encode()


def read_secret(path: Path) -> bytes:
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.strip().encode()
    return path.read_text().strip().encode()


@dataclass
class Pseudonymizer:
    """Turns platform account ids into stable author ids and public-facing handles."""

    secret: bytes
    kept: set[str] = field(default_factory=set)
    keep_all: bool = False
    _cache: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def digest(self, platform: str, account: str) -> str:
        key = (platform, account)
        got = self._cache.get(key)
        if got is None:
            msg = f"{platform}:{account}".encode()
            got = hmac.new(self.secret, msg, hashlib.sha256).hexdigest()
            if len(self._cache) > 2_000_000:
                self._cache.clear()
            self._cache[key] = got
        return got

    def author_id(self, platform: str, account: str) -> str:
        """Stable id of an account; `account` is the native id, or the handle when no id exists."""
        return f"{platform}:{self.digest(platform, str(account).lower())[:20]}"

    def pseudonym(self, platform: str, account: str) -> str:
        return "anon-" + self.digest(platform, str(account).lower())[:10]

    def keeps(self, handle: str | None) -> bool:
        if self.keep_all:
            return True
        return bool(handle) and normalize(handle) in self.kept

    def handle(self, platform: str, account: str, handle: str | None) -> tuple[str, bool]:
        """(public handle, pseudonymised?) for an account."""
        if handle and self.keeps(handle):
            return handle.lstrip("@"), False
        return self.pseudonym(platform, account), True

    def scrub_mentions(self, platform: str, text: str | None) -> str | None:
        """Replace @handles of people who are not kept by their pseudonym, in post text."""
        if not text or self.keep_all or "@" not in text:
            return text

        def repl(m: re.Match[str]) -> str:
            h = m.group(1)
            if self.keeps(h):
                return m.group(0)
            return "@" + self.pseudonym(platform, "@" + h.lower())

        return _MENTION.sub(repl, text)


_MENTION = re.compile(
    r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})?)"
)


def normalize(handle: str) -> str:
    return handle.strip().lstrip("@").lower()
