"""The project's configuration, `bascule.toml`: targets, sources, privacy, alerts, web.

Errors name the file, the line and the key, so a campaign's staff can fix them without a
traceback.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from bascule.errors import ConfigError

CONFIG_NAME = "bascule.toml"


def project_folder(path: str | Path) -> Path:
    """The project folder `path` names: itself, or the folder of a `bascule.toml` given for
    it (`-p demo/bascule.toml` is taken as `-p demo`, not refused)."""
    path = Path(path)
    return path.parent if path.name == CONFIG_NAME and path.is_file() else path


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def slug(text: str) -> str:
    """Lower-case ASCII slug, used for target ids and source names."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")


class ProjectSection(_Model):
    name: str = "Bascule project"
    language: Literal["fr", "en"] = "fr"
    timezone: str = "America/Toronto"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        """Checked here, so every command reports it (not only those that cut periods)."""
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise PydanticCustomError(
                "unknown_timezone",
                "unknown time zone '{zone}': use an IANA name such as 'America/Toronto', "
                "'Europe/Paris' or 'UTC'",
                {
                    "zone": v,
                    "fr": f"fuseau horaire inconnu {v!r} : donnez un nom IANA comme "
                    "'America/Toronto', 'Europe/Paris' ou 'UTC'",
                },
            ) from None
        return v


class Privacy(_Model):
    pseudonymize: bool = True
    keep_handles: bool = False
    min_group_size: int = Field(10, ge=1)
    retention_days: int | None = Field(None, ge=1)
    public_reach_threshold: int = Field(10_000, ge=0)
    opted_in: list[str] = []


class Target(_Model):
    id: str
    kind: Literal["party", "leader", "candidate", "issue", "other"] = "party"
    name: str
    name_en: str | None = None
    party: str | None = None
    aliases: list[str] = []
    hashtags: list[str] = []
    accounts: list[str] = []
    favor_hashtags: list[str] = []
    against_hashtags: list[str] = []

    @field_validator("id")
    @classmethod
    def _id_is_slug(cls, v: str) -> str:
        if not v or slug(v) != v:
            raise PydanticCustomError(
                "target_id",
                "target id must be lower-case letters, digits and '-', e.g. '{example}'",
                {
                    "example": slug(v),
                    "fr": "l'identifiant de cible s'écrit en minuscules, chiffres et '-', "
                    f"par exemple {slug(v)!r}",
                },
            )
        return v

    @field_validator("hashtags", "favor_hashtags", "against_hashtags")
    @classmethod
    def _hashtags(cls, v: list[str]) -> list[str]:
        out = []
        for h in v:
            h = h.strip()
            tag = h if h.startswith("#") else "#" + h  # "MLP" means #MLP
            if len(tag) < 2 or any(c.isspace() for c in tag) or tag.count("#") > 1:
                raise PydanticCustomError(
                    "hashtag",
                    "'{value}' is not a hashtag: one word after # (no space), e.g. '#{example}'",
                    {
                        "value": h,
                        "example": "".join(tag.split()).replace("#", "") or "caq",
                        "fr": f"{h!r} n'est pas un mot-clic : un seul mot après # (sans espace), "
                        f"par exemple '#{''.join(tag.split()).replace('#', '') or 'caq'}'",
                    },
                )
            out.append(tag)
        return out

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, v: list[str]) -> list[str]:
        for a in v:
            if "://" in a or "/" in a or any(c.isspace() for c in a.strip()) or not a.strip():
                raise PydanticCustomError(
                    "account",
                    "'{value}' is not an account: give its handle (@name, or @name@server on "
                    "Mastodon), not a link",
                    {
                        "value": a,
                        "fr": f"{a!r} n'est pas un compte : donnez son pseudo (@nom, ou "
                        "@nom@serveur sur Mastodon), pas un lien",
                    },
                )
        return [a.strip() for a in v]

    @property
    def label(self) -> str:
        return self.name

    def name_in(self, lang: str | None) -> str:
        """The target's name for readers of `lang`: its `name_en` in English, when set."""
        return (self.name_en or self.name) if lang == "en" else self.name

    def handles(self) -> list[str]:
        """Official account handles, normalised (no leading @, lower case)."""
        return [normalize_handle(a) for a in self.accounts]


class Source(_Model):
    kind: Literal["mastodon", "bluesky", "rss", "replay"]
    name: str | None = None
    instance: str | None = None
    hashtags: list[str] = []
    timelines: list[Literal["public", "local"]] = []
    queries: list[str] = []
    jetstream: str | None = None
    collections: list[str] = ["app.bsky.feed.post"]
    feeds: list[str] = []
    path: str | None = None
    format: str = "auto"
    platform: str | None = None  # replay of a generic file: whose posts they are (`twitter`...)
    speed: float = Field(60.0, gt=0)
    token_env: str | None = None
    handle_env: str | None = None
    password_env: str | None = None
    since: str | None = None
    poll_seconds: float = Field(60.0, gt=0)
    publish: bool = False

    def key(self, index: int) -> str:
        return self.name or f"{self.kind}-{index + 1}"


class Ambassador(_Model):
    handle: str
    platform: str = "mastodon"
    email: str | None = None
    webhook: str | None = None
    consent: str
    targets: list[str] = []


class Alerts(_Model):
    watch: list[str] = []
    forecast_threshold: int = Field(100, ge=1)
    burst_min_count: int = Field(5, ge=1)
    webhooks: list[str] = []
    webhook_env: str | None = None
    email_to: list[str] = []
    email_from: str = "bascule@localhost"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user_env: str | None = None
    smtp_password_env: str | None = None
    smtp_starttls: bool = False


class Web(_Model):
    language: Literal["fr", "en"] | None = None
    secure_cookies: bool = False
    session_hours: int = Field(12, ge=1)
    url: str | None = None  # where the team reaches the war room: alert messages link to it

    @field_validator("url")
    @classmethod
    def _url_is_http(cls, v: str | None) -> str | None:
        if v and not v.lower().startswith(("http://", "https://")):
            raise PydanticCustomError(
                "web_url",
                "the war room's address starts with http:// or https://",
                {"fr": "l'adresse du war room commence par http:// ou https://"},
            )
        return v


class Config(_Model):
    project: ProjectSection = ProjectSection()
    privacy: Privacy = Privacy()
    targets: list[Target] = []
    sources: list[Source] = []
    ambassadors: list[Ambassador] = []
    alerts: Alerts = Alerts()
    web: Web = Web()

    @field_validator("targets")
    @classmethod
    def _unique_targets(cls, v: list[Target]) -> list[Target]:
        seen: set[str] = set()
        for i, t in enumerate(v):
            if t.id in seen:
                # the index lets parse_config point at the duplicate, not at [[targets]]
                raise PydanticCustomError(
                    "duplicate_target",
                    "target id '{id}' is used twice: give each [[targets]] its own id",
                    {
                        "id": t.id,
                        "at": (i, "id"),
                        "fr": f"l'identifiant de cible '{t.id}' sert deux fois : donnez à "
                        "chaque [[targets]] le sien",
                    },
                )
            seen.add(t.id)
        return v

    @field_validator("sources")
    @classmethod
    def _unique_sources(cls, v: list[Source]) -> list[Source]:
        seen: set[str] = set()
        for i, src in enumerate(v):
            name = src.key(i)
            if name in seen:  # their cursors and counts would mix
                raise PydanticCustomError(
                    "duplicate_source",
                    "source name '{name}' is used twice: give each [[sources]] its own name",
                    {
                        "name": name,
                        "at": (i, "name"),
                        "fr": f"le nom de source '{name}' sert deux fois : donnez à chaque "
                        "[[sources]] le sien",
                    },
                )
            seen.add(name)
        return v

    @model_validator(mode="after")
    def _targets_named_exist(self) -> Config:
        """A leader's `party` and each `alerts.watch` entry name a target: checked on
        loading, with the line, rather than ignored (party) or failing later (watch)."""
        ids = [t.id for t in self.targets]
        known = ", ".join(ids) or "none configured"
        for i, t in enumerate(self.targets):
            if t.party is not None and t.party not in ids:
                raise PydanticCustomError(
                    "unknown_party",
                    "'{party}' is not the id of a target (targets: {known}): party names "
                    "the [[targets]] of the leader's party",
                    {
                        "party": t.party,
                        "known": known,
                        "at": ("targets", i, "party"),
                        "fr": f"'{t.party}' n'est l'identifiant d'aucune cible (cibles : {known}) "
                        ": party nomme la [[targets]] du parti de ce chef",
                    },
                )
        for name in self.alerts.watch:
            if not self._find(name):
                raise PydanticCustomError(
                    "unknown_watch",
                    "'{name}' is not a target (targets: {known}): watch lists target ids",
                    {
                        "name": name,
                        "known": known,
                        "at": ("alerts", "watch"),
                        "fr": f"'{name}' n'est pas une cible (cibles : {known}) : watch donne "
                        "des identifiants de cibles",
                    },
                )
        return self

    def _find(self, target_id: str) -> Target | None:
        """The target with this id, name, English name or slug; None if no target has it."""
        for t in self.targets:
            if target_id in (t.id, t.name, t.name_en) or slug(target_id) == t.id:
                return t
        return None

    def target(self, target_id: str) -> Target:
        """The target with this id (or name); a clear error otherwise."""
        found = self._find(target_id)
        if found is not None:
            return found
        known = ", ".join(t.id for t in self.targets) or "none configured"
        raise ConfigError(
            f"unknown target {target_id!r} (known: {known})",
            fr=f"cible inconnue {target_id!r} (cibles : {known})",
        )

    def target_name(self, target_id: str, lang: str | None) -> str:
        """The name in `lang` of the target with this id (the id itself if none has it: a
        stored result may name a target since removed from the config)."""
        found = next((t for t in self.targets if t.id == target_id), None)
        return found.name_in(lang) if found else target_id

    def kept_handles(self) -> set[str]:
        """Handles that stay in clear: official accounts and opted-in people."""
        kept = {normalize_handle(h) for h in self.privacy.opted_in}
        for t in self.targets:
            kept.update(t.handles())
        for a in self.ambassadors:
            kept.add(normalize_handle(a.handle))
        return kept

    def official_handles(self) -> dict[str, str]:
        """Map official handle -> target id."""
        return {h: t.id for t in self.targets for h in t.handles()}


def normalize_handle(handle: str) -> str:
    """`@Name@instance.social` and `name` compare equal on the local part, case-folded."""
    h = handle.strip().lstrip("@").lower()
    return h


def load_config(path: str | Path) -> Config:
    """Read and validate a `bascule.toml`; raise ConfigError with file:line on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError("file not found", fr="fichier introuvable", path=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"not valid UTF-8 ({exc.reason})",
            fr=f"pas en UTF-8 valide ({exc.reason})",
            path=str(path),
        ) from exc
    except OSError as exc:  # unreadable (permissions...): said as such, not as a write
        reason = (exc.strerror or str(exc)).lower()
        raise ConfigError(
            f"cannot be read ({reason})", fr=f"illisible ({reason})", path=str(path)
        ) from exc
    return parse_config(text, path=str(path))


def parse_config(text: str, *, path: str = CONFIG_NAME) -> Config:
    """Validate TOML text as a Bascule config."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(
            f"invalid TOML: {exc}",
            fr=f"TOML invalide : {_toml_fr(str(exc))}",
            path=path,
            line=int(m.group(1)) if m else None,
        ) from exc
    try:
        return Config.model_validate(data)
    except ValidationError as exc:
        err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
        loc = tuple(err["loc"]) + tuple(err.get("ctx", {}).get("at", ()))
        key = ".".join(str(p) for p in loc)
        en, fr = humane(err)
        raise ConfigError(en, fr=fr, path=path, line=locate(text, loc), key=key) from None


# tomllib's messages in French (the parser speaks English only), by pattern
_TOML_FR = [
    (r"Expected '=' after a key in a key/value pair", "« = » attendu après une clé"),
    (r"Invalid value", "valeur invalide (un texte s'écrit entre guillemets)"),
    (r"Expected '\]' at the end of a table declaration", "« ] » attendu à la fin du nom de table"),
    (r"Cannot overwrite a value", "cette clé a déjà une valeur"),
    (r"Unterminated string", "texte sans guillemet fermant"),
    (r"Expected newline or end of document after a statement", "fin de ligne attendue"),
    (r"Cannot declare \((.*)\) twice", lambda m: f"la table [{_keys(m)}] est déclarée deux fois"),
    (r"Illegal character", "caractère interdit"),
    (r"\(at line (\d+), column (\d+)\)", r"(ligne \1, colonne \2)"),
    (r"\(at end of document\)", "(en fin de fichier)"),
]


def _keys(m: re.Match[str]) -> str:
    """The dotted name of a table tomllib gives as a tuple: ('a', 'b') -> a.b"""
    return ".".join(re.findall(r"'([^']*)'", m.group(1)))


def _toml_fr(message: str) -> str:
    for pattern, fr in _TOML_FR:
        message = re.sub(pattern, fr, message)
    return message


# pydantic's messages in French, by error type (English stays pydantic's own)
_FR = {
    "missing": "clé obligatoire manquante",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "float_parsing": "un nombre est attendu",
    "float_type": "un nombre est attendu",
    "bool_parsing": "true ou false est attendu",
    "bool_type": "true ou false est attendu",
    "string_type": "un texte entre guillemets est attendu",
    "list_type": 'une liste est attendue, par exemple ["a", "b"]',
    "dict_type": "une table est attendue",
    "model_type": "une table est attendue",
    "literal_error": "valeur attendue : {expected}",
    "greater_than_equal": "la valeur doit être au moins {ge}",
    "greater_than": "la valeur doit dépasser {gt}",
    "less_than_equal": "la valeur doit être au plus {le}",
}


def humane(err: dict[str, Any]) -> tuple[str, str]:
    """A pydantic error as a sentence a campaign's staff can act on: (English, French)."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "unknown key (check its spelling)", "clé inconnue (vérifiez l'orthographe)"
    if kind == "missing":
        return "required key is missing", _FR["missing"]
    msg = err["msg"].removeprefix("Value error, ")
    if kind == "literal_error":
        ctx = {**ctx, "expected": str(ctx.get("expected", "")).replace(" or ", " ou ")}
    fr = ctx.get("fr") or (_FR[kind].format_map(ctx) if kind in _FR else msg)
    got = err.get("input")
    says_it = "fr" in ctx or kind == "value_error"  # our own checks name the value
    if isinstance(got, str | int | float | bool) and not says_it:
        msg += f" (got {got!r})"
        fr += f" (reçu {got!r})"
    return msg, fr


_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-]+)\s*\]\]?")
_KEY = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")


def locate(text: str, loc: tuple[Any, ...]) -> int | None:
    """Best line number in TOML `text` for a validation location like ('targets', 2, 'id')."""
    lines = text.splitlines()
    parts = [p for p in loc if isinstance(p, str)]
    indexes = [p for p in loc if isinstance(p, int)]
    want_table = parts[0] if parts else None
    want_index = indexes[0] if indexes and len(loc) > 1 and isinstance(loc[1], int) else None
    key = parts[-1] if len(parts) > 1 else None
    current, count, header_line = "", -1, None
    for no, line in enumerate(lines, 1):
        h = _HEADER.match(line)
        if h:
            current = h.group(2)
            if current == want_table:
                count += 1
                if want_index is None or count == want_index:
                    header_line = no
            continue
        k = _KEY.match(line)
        if not k:
            continue
        in_wanted = current == want_table and (want_index is None or count == want_index)
        if in_wanted and key and k.group(1) == key:
            return no
        if current == "" and want_table and k.group(1) == want_table:
            return no
    return header_line
