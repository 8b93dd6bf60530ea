"""Every command's --help runs, and every command is documented in docs/cli.md."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from bascule.cli import app, main


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in sorted(group.commands.items()):
        out.append((*prefix, name))
        if hasattr(cmd, "commands"):
            out += _commands(cmd, (*prefix, name))
    return out


COMMANDS = _commands(typer.main.get_command(app))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_runs(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*command, "--help"]) == 0
    assert "Usage" in capsys.readouterr().out


def test_main_help_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name, *_rest in COMMANDS:
        assert name in out


def test_flags_show_no_value_in_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--help"]) == 0
    out = capsys.readouterr().out
    assert "--json" in out and "<path>" in out  # options that take a value show its type
    assert "<bool>" not in out
    assert main(["status", "--json", "true"]) == 2  # a flag takes no value


def test_help_paragraphs_wrap_to_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a docstring's line breaks would cut sentences into ragged halves at 80 columns
    root = typer.main.get_command(app)
    for command in COMMANDS:
        cmd = root
        for name in command:
            cmd = cmd.commands[name]
        for paragraph in (cmd.help or "").split("\n\n"):
            assert "\n" not in paragraph, command
    monkeypatch.setenv("COLUMNS", "80")
    assert main(["poll", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "periods with fewer authors than privacy.min_group_size are hidden" in out
