"""Errors a user can cause and fix; the CLI prints them without a traceback."""

from __future__ import annotations


class BasculeError(Exception):
    """A user-facing error: the message says what is wrong and how to fix it.

    `fr` is the same message in French, for the web war room's French pages (the CLI and
    the JSON API speak English); errors a campaign's staff meet in the web UI have one.
    """

    exit_code = 2

    def __init__(self, message: str = "", *, fr: str | None = None) -> None:
        super().__init__(message)
        self.fr = fr

    def say(self, lang: str) -> str:
        """The message in `lang` ("fr" or "en"): English when no French one was given."""
        return self.fr if lang == "fr" and self.fr else str(self)


class ConfigError(BasculeError):
    """The project's configuration is invalid; the message names file, line and key."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        key: str | None = None,
        fr: str | None = None,
    ) -> None:
        self.path, self.line, self.key = path, line, key
        self.message, self.message_fr = message, fr  # without where: to say it elsewhere
        where = path or "bascule.toml"
        if line:
            where = f"{where}:{line}"
        prefix = f"{where}: " + (f"[{key}] " if key else "")
        super().__init__(prefix + message, fr=prefix + fr if fr else None)


class ProjectNotFound(BasculeError):
    """No Bascule project in the given folder."""


class InputError(BasculeError):
    """An input file or argument cannot be used as given."""
