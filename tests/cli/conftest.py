"""Fixtures of the CLI tests: consoles wide enough not to wrap, a project closed for the
commands to open."""

from __future__ import annotations

import pytest

from bascule.cli.common import console, err_console


@pytest.fixture
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables and messages as wide as they like: a cell's words are not wrapped apart."""
    monkeypatch.setattr(console, "width", 300)
    monkeypatch.setattr(err_console, "width", 300)


@pytest.fixture
def root(project, wide, monkeypatch: pytest.MonkeyPatch) -> str:  # noqa: ANN001
    """An empty French project (the example config), closed for the commands to open."""
    monkeypatch.delenv("BASCULE_PROJECT", raising=False)
    path = str(project.root)
    project.close()
    return path
