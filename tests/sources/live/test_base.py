"""Backoff and Retry-After, credentials from env or a private secrets file."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from bascule.errors import ConfigError
from bascule.sources.live.base import Backoff, RateLimited, Stats, Transient, retry_after_seconds
from bascule.sources.live.credentials import credential


def test_retry_after_delta_and_http_date() -> None:
    assert retry_after_seconds("120") == 120.0
    now = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("Tue, 15 Sep 2026 12:00:30 GMT", now=now) == 30.0
    assert retry_after_seconds("Tue, 15 Sep 2026 11:00:00 GMT", now=now) == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def _flaky(errors: list[Exception]):
    def call() -> str:
        if errors:
            raise errors.pop(0)
        return "ok"

    return call


def test_backoff_honours_retry_after_then_doubles() -> None:
    slept: list[float] = []
    b = Backoff(Stats(), threading.Event(), sleep=slept.append)
    errors = [RateLimited(7.0), Transient("reset"), Transient("reset"), RateLimited(None)]
    assert b.call(_flaky(errors)) == "ok"
    assert slept == [7.0, 2.0, 4.0, 8.0]
    assert (b.stats.retries, b.stats.rate_limited, b.stats.requests) == (4, 2, 5)


def test_backoff_gives_up_after_max_tries_and_caps_waits() -> None:
    slept: list[float] = []
    b = Backoff(Stats(), threading.Event(), sleep=slept.append, max_tries=3, cap=5.0)
    with pytest.raises(RateLimited):
        b.call(_flaky([RateLimited(600.0)] * 5))
    assert slept == [5.0, 5.0]


def test_credentials_env_first_then_private_file(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("BASCULE_T_TOKEN", raising=False)
    assert credential(tmp_path, "BASCULE_T_TOKEN") is None
    with pytest.raises(ConfigError, match="BASCULE_T_TOKEN not found"):
        credential(tmp_path, "BASCULE_T_TOKEN", required=True)
    secrets = tmp_path / ".bascule" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text('BASCULE_T_TOKEN = "from-file"\n')
    secrets.chmod(0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        credential(tmp_path, "BASCULE_T_TOKEN")
    secrets.chmod(0o600)
    assert credential(tmp_path, "BASCULE_T_TOKEN") == "from-file"
    monkeypatch.setenv("BASCULE_T_TOKEN", "from-env")
    assert credential(tmp_path, "BASCULE_T_TOKEN") == "from-env"
