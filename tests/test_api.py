"""The public Python API: exactly what `__all__` says, every name importable."""

from __future__ import annotations

import bascule


def test_every_public_name_resolves() -> None:
    for name in bascule.__all__:
        assert getattr(bascule, name) is not None, name


def test_all_is_sorted_and_unique() -> None:
    assert bascule.__all__ == sorted(set(bascule.__all__))
