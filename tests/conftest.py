"""Shared fixtures: real temporary projects and the small real datasets under data/."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def project(tmp_path: Path):
    """An empty project made with `bascule init` (the Quebec example config)."""
    from bascule.project import init_project

    p = init_project(tmp_path / "proj")
    yield p
    p.close()
