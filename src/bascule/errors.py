"""Errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations


class BasculeError(Exception):
    """A user-facing error: the message says what is wrong and how to fix it."""

    exit_code = 2


class ConfigError(BasculeError):
    """The project's configuration is invalid; the message names file, line and key."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path, self.line, self.key = path, line, key
        where = path or "bascule.toml"
        if line:
            where = f"{where}:{line}"
        prefix = f"{where}: " + (f"[{key}] " if key else "")
        super().__init__(prefix + message)


class ProjectNotFound(BasculeError):
    """No Bascule project in the given folder."""


class InputError(BasculeError):
    """An input file or argument cannot be used as given."""
