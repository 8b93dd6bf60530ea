"""Every date option of every command reads dates the same way: ISO 8601, never a guess."""

from __future__ import annotations

import json
from typing import Any

import pytest
import typer

from bascule.cli import app, main

AMBIGUOUS = "07/01/2015"  # 7 January in a French project, July 1 to an American


def _date_options(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """(command..., option) for each --since, --until and --now in the app."""
    out = []
    for name, cmd in sorted(group.commands.items()):
        if hasattr(cmd, "commands"):
            out += _date_options(cmd, (*prefix, name))
            continue
        for p in cmd.params:
            out += [(*prefix, name, o) for o in p.opts if o in ("--since", "--until", "--now")]
    return out


DATE_OPTIONS = _date_options(typer.main.get_command(app))


def test_the_app_has_date_options() -> None:
    commands = {o[:-1] for o in DATE_OPTIONS}
    assert {("poll",), ("export",), ("undecided",), ("alerts", "list")} <= commands
    assert ("alerts", "watch", "--now") in DATE_OPTIONS and len(DATE_OPTIONS) >= 16


@pytest.mark.parametrize("args", DATE_OPTIONS, ids=" ".join)
def test_every_date_option_refuses_a_slash_date(
    args: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    *command, option = args
    assert main([*command, option, AMBIGUOUS]) == 2
    err = capsys.readouterr().err
    assert f"{option}: '{AMBIGUOUS}' is ambiguous" in err
    assert "YYYY-MM-DD" in err and "2015-01-07 for 7 January 2015" in err
    assert "2015-07-01 for 1 July 2015" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_poll_and_export_agree_in_a_french_project(
    project, capsys: pytest.CaptureFixture[str]
) -> None:
    assert project.config.project.language == "fr"
    root = str(project.root)
    project.close()
    assert main(["poll", "-p", root, "-t", "caq", "--json", "--since", AMBIGUOUS]) == 2
    poll_err = capsys.readouterr().err
    assert main(["export", "posts", "-p", root, "--since", AMBIGUOUS]) == 2
    export_err = capsys.readouterr().err
    assert poll_err == export_err
    assert "écrivez-la AAAA-MM-JJ" in poll_err and poll_err.startswith("Erreur :")  # French
    assert main(["poll", "-p", root, "-t", "caq", "--json", "--since", "2015-01-07"]) == 0
    assert json.loads(capsys.readouterr().out)["since"] == "2015-01-07"
    assert main(["export", "posts", "-p", root, "--since", "2015-01-07T10:00Z"]) == 0


def test_errors_speak_the_language_of_the_project_they_name(
    project, tmp_path, monkeypatch, capsys
) -> None:  # noqa: ANN001
    from bascule.cli import _error_lang

    root = str(project.root)  # `bascule init`: a French project
    project.close()
    assert _error_lang(["poll", "-p", root]) == "fr"
    assert _error_lang(["poll", f"--project={root}", "--lang", "en"]) == "en"
    assert _error_lang(["poll"]) == "en"  # no project in the current folder: English
    monkeypatch.setenv("BASCULE_PROJECT", root)
    assert _error_lang(["poll", "-t", "x"]) == "fr"
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bascule.toml").write_text("[project\n")  # the error is still told, in English
    assert _error_lang(["poll", "-p", str(broken)]) == "en"
    assert main(["poll", "-p", str(broken), "-t", "x"]) == 2
    assert capsys.readouterr().err.startswith("Error: ")
