"""The command reference (docs/cli.md), generated from the commands themselves."""

from __future__ import annotations

from typing import Any

import typer


def _walk(cmd: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, cmd)]
    if hasattr(cmd, "commands"):
        for name in sorted(cmd.commands):
            out += _walk(cmd.commands[name], [*path, name])
    return out


def _options(cmd: Any) -> list[str]:
    lines = []
    for p in cmd.params:
        if type(p).__name__ == "Argument" or getattr(p, "param_type_name", "") == "argument":
            lines.append(f"- `{(p.name or '').upper()}` (argument)")
        elif getattr(p, "param_type_name", "") == "option" and p.name != "help":
            names = ", ".join(f"`{o}`" for o in p.opts + p.secondary_opts)
            helptext = " ".join((p.help or "").split())
            if p.required:  # as --help marks it; a user must not learn it from an error
                helptext = f"{helptext} (required)".lstrip()
            lines.append(f"- {names}: {helptext}".rstrip(": "))
    return lines


def markdown(app: typer.Typer) -> str:
    """Markdown reference of every command: usage, help text, arguments and options."""
    root = typer.main.get_command(app)
    parts = [
        "# Command reference",
        "",
        "Generated from the commands by `python -m bascule.cli.docs > docs/cli.md`; a test "
        "fails when it drifts from the code.",
        "",
    ]
    for path, cmd in _walk(root, []):
        if not path:
            continue
        parts.append(f"## bascule {' '.join(path)}")
        parts.append("")
        parts.append(" ".join((cmd.help or "").split("\n\n")[0].split()))
        opts = _options(cmd)
        if opts:
            parts.append("")
            parts.extend(opts)
        parts.append("")
    return "\n".join(parts)


if __name__ == "__main__":
    from bascule.cli import app

    print(markdown(app), end="")
