"""What several import tests share."""

from __future__ import annotations

import pytest

FAST_PATH = (
    "jsonl",
    "csv",
    "parquet",
    "xlsx",
)  # generic files, committed by `store.bulk.BlockWriter`


def killed_after_two_commits(monkeypatch: pytest.MonkeyPatch, fmt: str = "jsonl") -> None:
    """Raise (as a kill would stop the import) once two groups of posts are committed: a
    generic file's through the fast path's `BlockWriter`, other formats' by `write_batch`."""
    import bascule.sources.importer as importer
    import bascule.store.bulk as bulk

    owner, name = (bulk.BlockWriter, "commit") if fmt in FAST_PATH else (importer, "write_batch")
    real, calls = getattr(owner, name), []

    def killed(*args, **kw):  # noqa: ANN002, ANN003, ANN202
        got = real(*args, **kw)
        calls.append(got)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return got

    monkeypatch.setattr(owner, name, killed)
