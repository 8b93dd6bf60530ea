"""Pseudonymisation of authors with a keyed hash (HMAC-SHA256 with a per-project secret).

The secret lives outside the DuckDB file (`.bascule/secret.key`, mode 600), so the store
alone cannot be reversed to account ids. Official accounts and opted-in people keep their
handle; `privacy.keep_handles = true` keeps all.
"""

from __future__ import annotations

import hashlib
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

    def __post_init__(self) -> None:
        # HMAC (RFC 2104) with the keyed inner and outer hash states prepared once: copying two
        # sha256 states is about 40% faster than `hmac.copy()`, and imports hash every account.
        key = self.secret if len(self.secret) <= 64 else hashlib.sha256(self.secret).digest()
        key = key.ljust(64, b"\0")
        self.pads = (bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key))
        self._inner = hashlib.sha256(self.pads[0])
        self._outer = hashlib.sha256(self.pads[1])

    def hexdigest(self, message: str) -> str:
        """HMAC-SHA256 of `message` under the project secret, in hex."""
        inner = self._inner.copy()
        inner.update(message.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def digest(self, platform: str, account: str) -> str:
        key = (platform, account)
        got = self._cache.get(key)
        if got is None:
            got = self.hexdigest(f"{platform}:{account}")
            if len(self._cache) > 2_000_000:
                self._cache.clear()
            self._cache[key] = got
        return got

    def author_id(self, platform: str, account: str) -> str:
        """Stable id of an account; `account` is the native id, or the handle when no id exists."""
        return f"{platform}:{self.digest(platform, str(account).lower())[:20]}"

    def pseudonym(self, platform: str, account: str) -> str:
        return "anon-" + self.digest(platform, str(account).lower())[:10]

    def hide_dids(self, value: str | None) -> str | None:
        """`value` with each Bluesky account id (`did:plc:…`, `did:web:…`) keyed-hashed into
        `did:anon:…`: Bluesky post ids are `at://DID/…` URIs, and a DID resolves to its
        account in one public lookup. The same DID always gives the same id, so replies,
        reposts and deletions still find their posts."""
        if not value or self.keep_all or "did:" not in value:
            return value
        return _DID.sub(lambda m: "did:anon:" + self.digest("bluesky", m.group(0))[:20], value)

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
        """Replace @handles of people who are not kept by their pseudonym, and e-mail
        addresses by "[email]", in post text."""
        if not text or self.keep_all or "@" not in text:
            return text
        text = redact_emails(text)

        def repl(m: re.Match[str]) -> str:
            h = m.group(1)
            if self.keeps(h):
                return m.group(0)
            return "@" + self.pseudonym(platform, "@" + h.lower())

        return MENTION.sub(repl, text)

    def scrub_record(self, text: str | None) -> str | None:
        """A rejected record's excerpt as the store may keep it: @mentions, Bluesky account
        ids and the values of JSON keys naming an account (`screen_name`, `acct`, `handle`…)
        replaced by pseudonyms, kept accounts left as they are. The pseudonyms are those of a
        `reject` namespace: an excerpt helps find the line, it is never joined to authors."""
        if not text or self.keep_all:
            return text

        def field(m: re.Match[str]) -> str:
            v = m.group(2)
            hidden = v if not v or self.keeps(v) else self.pseudonym("reject", v)
            return m.group(1) + hidden + m.group(3)

        text = self.hide_dids(self.scrub_mentions("reject", text)) or text
        return _ACCOUNT_NUMBER.sub(field, _ACCOUNT_FIELD.sub(field, text))


# JSON keys naming an account or holding its number, with a string value (which the excerpt
# may cut) or a bare number
_ACCOUNT_KEYS = (
    r"screen_name|username|user_name|acct|handle|display_name|name|login|author"
    r"|[a-z_]*user_id(?:_str)?|[a-z_]*author_id|account_id"
)
_ACCOUNT_FIELD = re.compile(rf'("(?:{_ACCOUNT_KEYS})"\s*:\s*")((?:[^"\\]|\\.)*)("|$)')
_ACCOUNT_NUMBER = re.compile(rf'("(?:{_ACCOUNT_KEYS})"\s*:\s*)(\d+)()')
_DID = re.compile(r"did:(?:plc|web):[A-Za-z0-9._:%\-]+")
_TWEET_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/[^/]+/status(?:es)?/(\d+)"
)


def public_url(url: str | None, *names: str | None) -> str | None:
    """The link of a post whose author is pseudonymised: a tweet by its id alone
    (`twitter.com/i/web/status/ID` opens it); a link through an account (`/@name`,
    `/users/name`, `/profile/...`, or naming one of `names`: the author's handle or account
    id) dropped; others (an article's page in a feed) kept."""
    if not url:
        return None
    m = _TWEET_URL.match(url)
    if m:
        return f"https://twitter.com/i/web/status/{m.group(1)}"
    low = url.lower()
    if any(t in low for t in _ACCOUNT_PATHS) or any(
        n and len(n) > 2 and n.lower().lstrip("@") in low for n in names
    ):
        return None
    return url


_ACCOUNT_PATHS = ("/@", "/users/", "/profile/", "did:", "/user/", "/u/")


# A mention: `@` not preceded by a word character or `@`, then a handle (with its server, for
# Mastodon). The look-behind sits after the `@` so the regex engine jumps from one `@` to the
# next instead of trying every position (about 40x faster on long texts).
# the domain of an e-mail address, found from its "@" (a regex starting with the local part
# tries every position of a block of 250,000 posts: 50 times slower); `redact_emails` walks
# back over the local part
_EMAIL_DOMAIN = re.compile(r"@(?<=[\w.+-]@)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
EMAIL_MARK = "[email]"


def redact_emails(text: str) -> str:
    """`text` with each e-mail address replaced by "[email]"; a Mastodon handle
    ("@name@server") is not an address and stays for the mention pseudonyms."""
    if "@" not in text:
        return text
    out: list[str] = []
    last = 0
    for m in _EMAIL_DOMAIN.finditer(text):
        at = start = m.start()
        while start > last and (text[start - 1].isalnum() or text[start - 1] in "._+-"):
            start -= 1
        if start == at or (start > 0 and text[start - 1] == "@"):
            continue
        out += [text[last:start], EMAIL_MARK]
        last = m.end()
    return "".join([*out, text[last:]]) if out else text


MENTION = re.compile(
    r"@(?<![\w@]@)([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})?)"
)


def normalize(handle: str) -> str:
    return handle.strip().lstrip("@").lower()
