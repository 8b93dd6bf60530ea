"""Web security pieces: argon2 passwords, tokens, login rate limit, headers, safe links."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# Scripts only from this app (no inline, no eval). Styles allow inline because Plotly writes
# style attributes into its SVG; an inline style cannot run code.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def hash_password(password: str) -> str:
    """An argon2id hash of the password (RFC 9106 parameters of argon2-cffi)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches; never raises on a bad hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def new_token() -> str:
    """A random URL-safe token (256 bits) for session cookies and CSRF."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What the database keeps of a session token: a stolen table logs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain http(s) link, else None (javascript:, data:, ... stay inert)."""
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if any(ord(c) < 33 for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


class RateLimiter:
    """At most `attempts` failures per key within `window` seconds (login throttling).

    Keys starting with `ip:` get `ip_factor` times more, so a shared office address is not
    locked out by one person's typos while one account is still protected.
    """

    def __init__(self, attempts: int = 5, window: float = 300.0, ip_factor: int = 5) -> None:
        self.attempts = attempts
        self.ip_factor = ip_factor
        self.window = window
        self._fails: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._fails[key]
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> float:
        """Seconds to wait when any key is over its limit, else 0."""
        now = time.monotonic()
        with self._lock:
            wait = 0.0
            for key in keys:
                q = self._prune(key, now)
                limit = self.attempts * (self.ip_factor if key.startswith("ip:") else 1)
                if len(q) >= limit:
                    wait = max(wait, q[0] + self.window - now)
            return wait

    def fail(self, *keys: str) -> None:
        """Record a failed attempt for every key."""
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._prune(key, now).append(now)

    def reset(self, *keys: str) -> None:
        """Forget the failures of these keys (after a successful login)."""
        with self._lock:
            for key in keys:
                self._fails.pop(key, None)


class SecurityHeaders:
    """ASGI middleware adding the strict CSP and friends to every HTTP response."""

    def __init__(self, app) -> None:  # noqa: ANN001 - any ASGI app
        self.app = app

    async def __call__(self, scope, receive, send) -> None:  # noqa: ANN001
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message) -> None:  # noqa: ANN001
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
