"""`bascule.open_project`: which folder it opens, and what it says when there is none."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.errors import ProjectNotFound
from bascule.project import open_project


def test_a_missing_project_is_told_in_both_languages(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFound) as info:
        open_project(tmp_path / "nope")
    assert str(info.value).startswith(f"no Bascule project in {tmp_path / 'nope'}")
    assert info.value.say("fr") == (
        f"aucun projet Bascule dans {tmp_path / 'nope'} (pas de bascule.toml). Créez-en un "
        f"avec `bascule init {tmp_path / 'nope'}` ou donnez --project DOSSIER."
    )


def test_its_bascule_toml_opens_the_project(project) -> None:  # noqa: ANN001
    root = project.root
    project.close()
    with open_project(root / "bascule.toml", read_only=True) as p:
        assert p.root == root and p.status()["posts"] == 0
