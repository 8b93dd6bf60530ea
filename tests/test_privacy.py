"""The keyed hash behind pseudonyms is exactly HMAC-SHA256 under the project secret."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from bascule.privacy import Pseudonymizer


@pytest.mark.parametrize("secret", [b"", b"short", b"k" * 64, b"long" * 40])
def test_hexdigest_is_hmac_sha256(secret: bytes) -> None:
    p = Pseudonymizer(secret)
    for msg in ("twitter:12345", "mastodon:alice@example.org", "bluesky:did:plc:é"):
        assert p.hexdigest(msg) == hmac.new(secret, msg.encode(), hashlib.sha256).hexdigest()


def test_pseudonyms_are_stable_and_keyed() -> None:
    a, b = Pseudonymizer(b"one"), Pseudonymizer(b"two")
    assert a.author_id("twitter", "42") == Pseudonymizer(b"one").author_id("twitter", "42")
    assert a.author_id("twitter", "42") != b.author_id("twitter", "42")
    assert a.pseudonym("twitter", "42").startswith("anon-")
