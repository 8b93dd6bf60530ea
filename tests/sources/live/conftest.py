"""Fixtures of the live connector tests: local protocol servers and projects with sources."""

from __future__ import annotations

import pytest

from tests.sources.live.live_servers import FakeFediverse, FakeJetstream


@pytest.fixture
def fedi():
    with FakeFediverse() as server:
        yield server


@pytest.fixture
def jet():
    with FakeJetstream() as server:
        yield server


def add_sources(project, toml: str) -> None:
    """Append `[[sources]]` tables to the project's bascule.toml and reload it."""
    with project.config_path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + toml.strip() + "\n")
    project.reload()
