"""Credentials of live sources: from environment variables, else `.bascule/secrets.toml`.

Never stored in the DuckDB file nor written to logs: the config only names the variable
(`token_env = "BASCULE_MASTODON_TOKEN"`), and the secrets file must be private (mode 600).
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

from bascule.errors import ConfigError

SECRETS_PATH = Path(".bascule") / "secrets.toml"


def credential(root: Path, name: str | None, *, required: bool = False) -> str | None:
    """The value of credential `name`: env var first, then the project's secrets file."""
    if not name:
        return None
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = Path(root) / SECRETS_PATH
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise ConfigError(
                f"{path} is readable by others (mode {mode:o}); run `chmod 600 {path}`"
            )
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"invalid TOML: {exc}", path=str(path)) from None
        got = data.get(name)
        if isinstance(got, str) and got.strip():
            return got.strip()
    if required:
        raise ConfigError(
            f"credential {name} not found: set the environment variable {name} "
            f'or add `{name} = "..."` to {path} (mode 600)'
        )
    return None
