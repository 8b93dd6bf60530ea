"""Report tests write posts as the opinion tests do."""

from __future__ import annotations

import pytest

from ..opinion.conftest import Writer


@pytest.fixture
def writer(project) -> Writer:  # noqa: ANN001
    return Writer(project)
