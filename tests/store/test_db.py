"""The store's lock: what DuckDB allows across processes, and what the error says."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bascule.errors import BasculeError
from bascule.store import Store


@contextmanager
def _notebook(root: Path, *, read_only: bool) -> Iterator[None]:
    """Another process holding the project as a notebook does, with `bascule.open_project`."""
    code = (
        f"import bascule, time; p = bascule.open_project({str(root)!r}, read_only={read_only}); "
        "p.status(); print('ok', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        yield
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_a_notebook_holding_the_project_is_named(project) -> None:  # noqa: ANN001
    # the error blamed `bascule serve` or `bascule listen` only
    root, db = project.root, project.root / "bascule.duckdb"
    project.close()
    with _notebook(root, read_only=False), pytest.raises(BasculeError) as err:
        Store(db, read_only=True)
    assert "a Python session or notebook that opened the project" in str(err.value)
    assert "`project.close()`" in str(err.value) and "read_only=True" in str(err.value)
    assert "une session Python ou un notebook" in err.value.fr


def test_read_only_sessions_share_the_file_but_not_with_a_writer(project) -> None:  # noqa: ANN001
    # what the message says of read_only=True, as DuckDB does it
    root, db = project.root, project.root / "bascule.duckdb"
    project.close()
    with _notebook(root, read_only=True):
        with Store(db, read_only=True) as reader:
            assert reader.count("posts") == 0
        with pytest.raises(BasculeError, match="in use by another Bascule process"):
            Store(db)
