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


class AlreadyDone(InputError):
    """What was asked was done before (an import run undone twice): nothing left to do."""


# why a file cannot be written, by errno: (English, French); others keep the system's words
_OS_REASONS = {
    "ENOENT": ("no such file or folder", "fichier ou dossier introuvable"),
    "EEXIST": ("it exists and is not a folder", "existe déjà et n'est pas un dossier"),
    "ENOTDIR": (
        "a part of the path is a file, not a folder",
        "une partie du chemin est un fichier, pas un dossier",
    ),
    "EISDIR": ("it is a folder", "c'est un dossier"),
    "EACCES": ("permission denied", "permission refusée"),
    "EPERM": ("operation not permitted", "opération non permise"),
    "EROFS": ("read-only file system", "système de fichiers en lecture seule"),
    "ENOSPC": ("no space left on the device", "plus de place sur le disque"),
    "EDQUOT": ("disk quota exceeded", "quota de disque dépassé"),
    "ENAMETOOLONG": ("file name too long", "nom de fichier trop long"),
}


def write_error(exc: OSError) -> InputError:
    """An `OSError` naming a file (an output path under a regular file, a folder the user
    may not write to, a full disk) as a one-line user error: "cannot write PATH: REASON".

    Inputs that cannot be read raise their own, clearer errors before this: what reaches it
    is a file a command was told to write.
    """
    import errno
    import os

    path = exc.filename
    shown = os.fsdecode(path) if isinstance(path, str | bytes | os.PathLike) else str(path)
    code = errno.errorcode.get(exc.errno or 0, "")
    strerror = exc.strerror or str(exc)
    en, fr = _OS_REASONS.get(code, (strerror.lower(), strerror.lower()))
    return InputError(f"cannot write {shown}: {en}", fr=f"impossible d'écrire {shown} : {fr}")


def query_interrupted(exc: BaseException) -> bool:
    """Whether an error is Ctrl-C (or SIGTERM) met while DuckDB ran a query: DuckDB then stops
    the query and raises "Query interrupted" (a RuntimeError, or its InterruptException)
    instead of letting Python raise KeyboardInterrupt."""
    return isinstance(exc, RuntimeError | _duckdb_error()) and "interrupted" in str(exc).lower()


def _duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.InterruptException
