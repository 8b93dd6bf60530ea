"""The `bascule` command line: thin commands that parse, call the library, print.

Each area registers its commands from its own module; heavy libraries are imported inside
the commands, so `bascule --help` stays instant.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import typer
from rich.markup import escape

from bascule.cli import (
    alerts,
    diffusion,
    importing,
    listening,
    messages,
    network,
    opinion,
    project,
    scale,
    text,
    web,
)
from bascule.cli.common import err_console
from bascule.errors import BasculeError, query_interrupted, write_error


def _flags_take_no_value() -> None:
    """Show flags as `--json`, not `--json <bool>`, in --help.

    Typer's rich help prints a value type after every option, flags included, as if
    `--json true` were valid (it fails: "unexpected extra argument"); click and Typer's
    plain help print no type for flags and counters. The rich help follows that rule here.
    """
    from typer.core import TyperOption

    shown = getattr(TyperOption, "display_type_rich", None)
    if shown is None or getattr(shown, "bascule_flags", False):  # another Typer: its own help
        return

    def display_type_rich(self: TyperOption, ctx: typer.Context) -> str | None:
        if self.is_flag or self.count:
            return None
        return shown(self, ctx)

    display_type_rich.bascule_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


_flags_take_no_value()

app = typer.Typer(
    name="bascule",
    help="Bascule: the social-web war room for politics. Listen, understand the undecided, "
    "find who drives word of mouth, warn early, plan the tipping point, make messages stick.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _module in (
    project,
    importing,
    text,
    opinion,
    network,
    diffusion,
    listening,
    alerts,
    web,
    messages,
    scale,
):
    _module.register(app)


def _prose(text: str | None) -> str | None:
    """Help text with each paragraph on one line: Typer keeps a docstring's line breaks,
    which a terminal narrower than the source then wraps into ragged halves."""
    if not text:
        return text
    paragraphs = inspect.cleandoc(text).split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs)


def _reflow_help(t: typer.Typer) -> None:
    """Every command's and group's help (`_prose`), through the command tree."""
    t.info.help = _prose(t.info.help)
    for c in t.registered_commands:
        c.help = _prose(c.help or (c.callback.__doc__ if c.callback else None))
    for g in t.registered_groups:
        g.help = _prose(g.help)
        if g.typer_instance is not None:
            _reflow_help(g.typer_instance)


_reflow_help(app)


def _error_lang(argv: list[str]) -> str:
    """The language a user error is told in: --lang, else the project's (from -p/--project,
    BASCULE_PROJECT or the current folder), else English."""
    import os

    from bascule.cli.common import ui_lang

    lang, folder = None, os.environ.get("BASCULE_PROJECT", ".")
    for i, arg in enumerate(argv):
        key, _, value = arg.partition("=")
        if key in ("--lang", "-p", "--project") and not value and i + 1 < len(argv):
            value = argv[i + 1]
        if key == "--lang" and value in ("fr", "en"):
            lang = value
        elif key in ("-p", "--project") and value:
            folder = value
    try:
        return ui_lang(Path(folder), lang=lang)
    except Exception:  # noqa: BLE001 - the error itself must still be told
        return "en"


def _tell(exc: BasculeError, argv: list[str] | None) -> int:
    """Print a user error in one line, in the user's language; its exit code."""
    lang = _error_lang(sys.argv[1:] if argv is None else argv)
    head = "Erreur :" if lang == "fr" else "Error:"
    err_console.print(
        f"[bold red]{head}[/] {escape(exc.say(lang))}", highlight=False, soft_wrap=True
    )
    return exc.exit_code


def _interrupted(argv: list[str] | None) -> int:
    """Ctrl-C (or SIGTERM): said, exit code 130; an import says it resumes where it was."""
    args = sys.argv[1:] if argv is None else argv
    lang = _error_lang(args)
    said = "Interrompu." if lang == "fr" else "Interrupted."
    if "import" in args[:1]:
        said += (
            " Relancez la même commande pour reprendre : rien ne sera importé deux fois."
            if lang == "fr"
            else " Run the same command again to resume: nothing is imported twice."
        )
    err_console.print(said)
    return 130


def main(argv: list[str] | None = None) -> int:
    """Entry point: user errors are printed in one line, with no traceback; so is a file that
    cannot be written (an `OSError` naming it), in any command, with exit code 2."""
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="bascule", standalone_mode=False)
    except BasculeError as exc:
        return _tell(exc, argv)
    except KeyboardInterrupt:
        return _interrupted(argv)
    except BrokenPipeError:
        return 0
    except OSError as exc:
        if exc.filename is None:  # not about a file the user named: a bug, shown as one
            raise
        return _tell(write_error(exc), argv)
    except Exception as exc:
        if query_interrupted(exc):  # Ctrl-C met while DuckDB ran a query
            return _interrupted(argv)
        # Usage errors come from click, or from the copy of click that Typer vendors.
        name = type(exc).__name__
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            return int(exc.exit_code)
        if name == "Abort":
            lang = _error_lang(sys.argv[1:] if argv is None else argv)
            err_console.print("Abandon." if lang == "fr" else "Aborted.")
            return 130
        if name == "Exit":
            return int(getattr(exc, "exit_code", 0))
        raise
    if rv == 130:  # Ctrl-C: Typer returns its exit code, having said nothing
        return _interrupted(argv)
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())
