"""The command reference in docs/cli.md is exactly what the commands say (no drift)."""

from __future__ import annotations

from pathlib import Path

from bascule.cli import app
from bascule.cli.docs import markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_cli_reference_is_current() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown(app), (
        "docs/cli.md is out of date: run `python -m bascule.cli.docs > docs/cli.md`"
    )


def test_readme_names_the_two_commands() -> None:
    readme = (DOCS.parent.parent / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_required_options_are_marked() -> None:
    text = markdown(app)
    assert "- `--source`: Source to post through: its name in bascule.toml" in text
    assert "(a mastodon or bluesky one). (required)\n" in text
    assert "- `--json`: Print JSON instead of a table.\n" in text
