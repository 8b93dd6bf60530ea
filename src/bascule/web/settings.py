"""Editing `bascule.toml` from the web: validate first, keep the user's comments, then reload."""

from __future__ import annotations

import json
import os
import re
from typing import Any

from bascule.config import Config, Target, humane, parse_config
from bascule.errors import ConfigError

_HEADER = re.compile(r"^\s*\[")
_TARGETS = re.compile(r"^\s*\[\[\s*targets\s*\]\]\s*(#.*)?$")
_ID = re.compile(r"^\s*id\s*=\s*[\"']([^\"']*)[\"']")
FIELDS = (
    "id",
    "kind",
    "name",
    "name_en",
    "party",
    "aliases",
    "hashtags",
    "accounts",
    "favor_hashtags",
    "against_hashtags",
)
LIST_FIELDS = ("aliases", "hashtags", "accounts", "favor_hashtags", "against_hashtags")


def _toml_value(v: Any) -> str:
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def render_target(target: Target) -> str:
    """The `[[targets]]` block of one target, as TOML."""
    lines = ["[[targets]]"]
    for key, value in target.model_dump(exclude_none=True).items():
        if isinstance(value, list) and not value and key not in FIELDS:
            continue
        lines.append(f"{key} = {_toml_value(value)}")
    return "\n".join(lines) + "\n"


def _target_blocks(lines: list[str]) -> list[tuple[int, int, str | None]]:
    """(start, end, id) line spans of every `[[targets]]` table."""
    out = []
    i = 0
    while i < len(lines):
        if _TARGETS.match(lines[i]):
            j = i + 1
            tid = None
            while j < len(lines) and not _HEADER.match(lines[j]):
                m = _ID.match(lines[j])
                if m and tid is None:
                    tid = m.group(1)
                j += 1
            # leave trailing comments and blank lines to the next table
            end = j
            while end > i + 1 and (
                not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")
            ):
                end -= 1
            out.append((i, end, tid))
            i = j
        else:
            i += 1
    return out


def upsert_target(text: str, target: Target, *, old_id: str | None = None) -> str:
    """TOML text with the target's table replaced (or appended), other lines untouched."""
    lines = text.splitlines()
    want = old_id or target.id
    block = render_target(target).rstrip("\n").splitlines()
    for start, end, tid in _target_blocks(lines):
        if tid == want:
            lines[start:end] = block
            return "\n".join(lines) + "\n"
    return "\n".join(lines).rstrip("\n") + "\n\n" + "\n".join(block) + "\n"


def remove_target(text: str, target_id: str) -> str:
    """TOML text without this target's table."""
    lines = text.splitlines()
    for start, end, tid in _target_blocks(lines):
        if tid == target_id:
            del lines[start:end]
            return "\n".join(lines) + "\n"
    raise ConfigError(f"unknown target {target_id!r}", fr=f"cible inconnue {target_id!r}")


def target_from_form(form: dict[str, Any], base: Target | None = None) -> Target:
    """A validated Target from form fields (lists one per line or comma-separated); what the
    form does not carry keeps its value in `base`, the target being edited, so saving a form
    never drops a setting it does not show."""
    data: dict[str, Any] = base.model_dump(exclude_none=True) if base is not None else {}
    for key in FIELDS:
        value = form.get(key)
        if value is None:
            continue
        value = str(value).strip()
        if key in LIST_FIELDS:
            data[key] = [x.strip() for x in re.split(r"[\n,]", value) if x.strip()]
        elif value:
            data[key] = value
    try:
        return Target.model_validate(data)
    except Exception as exc:  # pydantic ValidationError: one readable line
        errs = getattr(exc, "errors", lambda: [])()
        if errs:
            e = errs[0]
            where = ".".join(str(p) for p in e["loc"])
            en, fr = humane(e)
            raise ConfigError(f"{where}: {en}", fr=f"{where} : {fr}") from None
        raise ConfigError(str(exc)) from None


def save_config(project: Any, text: str) -> Config:
    """Validate TOML text as a config, write `bascule.toml` atomically and reload the project."""
    config = parse_config(text, path=project.config_path.name)  # errors name the file, not
    # where it lies on the server
    if project.config.targets and not config.targets:  # an emptied editor, saved by mistake
        raise ConfigError(
            "this would remove every target (and with them the poll, the undecided and the "
            "alerts): remove targets one by one in the list above",
            fr="cela retirerait toutes les cibles (et avec elles le sondage, les indécis et "
            "les alertes) : retirez-les une à une dans la liste ci-dessus",
        )
    tmp = project.config_path.with_suffix(".toml.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, project.config_path)
    project.reload()
    return config
