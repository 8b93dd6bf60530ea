"""The --project option every command shares (`cli.common.ProjectOpt`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bascule.cli import main

pytestmark = pytest.mark.usefixtures("wide")  # (tests/cli/conftest.py)


def test_a_wrong_folder_is_told_in_french_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nope = tmp_path / "nope"
    assert main(["status", "-p", str(nope), "--lang", "fr"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"Erreur : aucun projet Bascule dans {nope} (pas de bascule.toml). Créez-en un avec "
        f"`bascule init {nope}` ou donnez --project DOSSIER."
    )
    assert main(["status", "-p", str(nope)]) == 2
    assert capsys.readouterr().err.startswith(f"Error: no Bascule project in {nope}")


def test_the_config_file_names_its_project(project, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    # `-p PROJECT/bascule.toml` suggested `bascule init PROJECT/bascule.toml`
    root = project.root
    project.close()
    assert main(["status", "-p", str(root / "bascule.toml"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["posts"] == 0
    assert main(["alerts", "list", "-p", str(root / "bascule.toml")]) == 0
    assert "aucune publication" in capsys.readouterr().out  # the project's language: French


def test_another_file_is_not_a_project_folder(
    project,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    secret = project.root / ".bascule" / "secret.key"
    project.close()
    assert main(["status", "-p", str(secret), "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        f"Error: {secret} is a file, not a project folder: pass --project DIR, the folder "
        "that holds bascule.toml."
    )
