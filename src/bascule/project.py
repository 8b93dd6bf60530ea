"""A Bascule project: a folder with `bascule.toml`, `bascule.duckdb` and a secret key."""

from __future__ import annotations

import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from bascule.config import CONFIG_NAME, Config, load_config, parse_config, project_folder
from bascule.errors import BasculeError, ConfigError, InputError, ProjectNotFound
from bascule.privacy import Pseudonymizer, make_secret, read_secret
from bascule.store import Store

DB_NAME = "bascule.duckdb"
SECRET_PATH = Path(".bascule") / "secret.key"
TEMPLATE = Path(__file__).parent / "resources" / "bascule.example.toml"


class Project:
    """Configuration, store and pseudonymiser of one project folder.

    The Python API mirrors the CLI: `bascule.open_project("demo").posts()` returns Arrow.
    """

    def __init__(self, root: str | Path, *, read_only: bool = False) -> None:
        self.root = project_folder(root).resolve()
        self.config_path = self.root / CONFIG_NAME
        if not self.config_path.exists():
            raise _not_found(Path(root), self.root)
        self.config: Config = load_config(self.config_path)
        self.read_only = read_only

    @cached_property
    def store(self) -> Store:
        return Store(self.root / DB_NAME, read_only=self.read_only)

    @cached_property
    def pseudonymizer(self) -> Pseudonymizer:
        secret_file = self.root / SECRET_PATH
        try:
            secret = read_secret(secret_file)
        except FileNotFoundError:
            raise BasculeError(
                f"the project's secret key {secret_file} is missing: pseudonyms cannot be "
                "computed. Restore it from your backup (or set BASCULE_SECRET).",
                fr=f"la clé secrète du projet {secret_file} manque : les pseudonymes ne "
                "peuvent être calculés. Restaurez-la depuis votre sauvegarde (ou définissez "
                "BASCULE_SECRET).",
            ) from None
        except OSError as exc:  # unreadable: said as such, not as a file to write
            raise BasculeError(
                f"the project's secret key {secret_file} cannot be read ({exc.strerror})",
                fr=f"la clé secrète du projet {secret_file} est illisible ({exc.strerror})",
            ) from None
        p = self.config.privacy
        return Pseudonymizer(secret, kept=self.config.kept_handles(), keep_all=p.keep_handles)

    def reload(self) -> None:
        """Re-read `bascule.toml` (after an edit from the web UI, say)."""
        self.config = load_config(self.config_path)
        self.__dict__.pop("pseudonymizer", None)

    # -- data as Arrow tables (the notebook API) ----------------------------------------
    def posts(
        self, *, since: str | None = None, until: str | None = None, target: str | None = None
    ) -> pa.Table:
        from bascule.store import queries

        target_id = self.config.target(target).id if target else None
        return queries.posts(self.store, since=since, until=until, target=target_id)

    def authors(self) -> pa.Table:
        from bascule.store import queries

        return queries.table(self.store, "authors")

    def interactions(self, *, since: str | None = None, until: str | None = None) -> pa.Table:
        from bascule.store import queries

        return queries.interactions(self.store, since=since, until=until)

    def analyses(self, *, target: str | None = None) -> pa.Table:
        from bascule.store import queries

        target_id = self.config.target(target).id if target else None
        return queries.analyses(self.store, target=target_id)

    def status(self) -> dict:
        from bascule.store import queries

        return queries.status(self.store)

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _not_found(given: Path, root: Path) -> ProjectNotFound:
    """No project at `given` (resolved to `root`): create one, or name the right folder."""
    if root.is_file():
        return ProjectNotFound(
            f"{given} is a file, not a project folder: pass --project DIR, the folder that "
            f"holds {CONFIG_NAME}.",
            fr=f"{given} est un fichier, pas un dossier de projet : donnez --project DOSSIER, "
            f"le dossier qui contient {CONFIG_NAME}.",
        )
    return ProjectNotFound(
        f"no Bascule project in {root} (no {CONFIG_NAME}). "
        f"Create one with `bascule init {given}` or pass --project DIR.",
        fr=f"aucun projet Bascule dans {root} (pas de {CONFIG_NAME}). "
        f"Créez-en un avec `bascule init {given}` ou donnez --project DOSSIER.",
    )


def open_project(root: str | Path = ".", *, read_only: bool = False) -> Project:
    """Open the project in `root` (the folder holding `bascule.toml`, or that file itself)."""
    return Project(root, read_only=read_only)


def init_project(
    root: str | Path, *, template: str | Path | None = None, force: bool = False
) -> Project:
    """Create a project folder with the commented example config and a fresh secret.

    The config is read and validated before anything is written, and folders this call
    made are removed if a later step fails: a failed init leaves nothing behind.
    """
    root = Path(root)
    cfg = root / CONFIG_NAME
    if root.exists() and not root.is_dir():
        raise BasculeError(
            f"{root} is a file: give a folder to create the project in.",
            fr=f"{root} est un fichier : donnez un dossier où créer le projet.",
        )
    if cfg.exists() and not force:
        raise BasculeError(
            f"{cfg} exists already; use --force to overwrite the config.",
            fr=f"{cfg} existe déjà ; --force pour remplacer la configuration.",
        )
    source = Path(template or TEMPLATE)
    text = _read_template(source)
    parse_config(text, path=str(source))  # a bad --config is reported, and nothing is made
    made = [d for d in (root, *root.parents) if not d.exists()]  # the topmost is the last
    root.mkdir(parents=True, exist_ok=True)
    try:
        cfg.write_text(text, encoding="utf-8")
        make_secret(root / SECRET_PATH)
        (root / ".bascule" / ".gitignore").write_text("*\n")
        project = Project(root)
        project.store  # noqa: B018 - creates and migrates the database
    except BaseException:
        if made:
            shutil.rmtree(made[-1], ignore_errors=True)
        raise
    return project


def _read_template(path: Path) -> str:
    """The text of the config to start from; a clear error when it cannot be read."""
    hint = "give the path of an existing bascule.toml, or leave out --config to start from "
    hint += "the commented example"
    fr = "donnez le chemin d'un bascule.toml existant, ou omettez --config pour partir de "
    fr += "l'exemple commenté"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"--config {path}: no such file; {hint}",
            fr=f"--config {path} : fichier introuvable ; {fr}",
        ) from None
    except IsADirectoryError:
        raise InputError(
            f"--config {path}: is a folder; {hint}", fr=f"--config {path} : est un dossier ; {fr}"
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not valid UTF-8 ({exc.reason})", path=str(path)) from None
    except OSError as exc:
        raise InputError(
            f"--config {path}: cannot be read ({exc.strerror}); {hint}",
            fr=f"--config {path} : illisible ({exc.strerror}) ; {fr}",
        ) from None


def export(
    project: Project | Any,
    what: str,
    fmt: str | None = None,
    out: Any = None,
    *,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> int:
    """`bascule export` from Python: posts, authors, interactions or analyses of a project
    (its target by id or name, checked), as `fmt` to `out` (a file, a Parquet folder, a
    stream; stdout by default); without `fmt`, the format `out`'s name says (JSON lines on a
    stream); returns the rows written. A store works too."""
    from bascule.store.export import export as write

    store = getattr(project, "store", project)
    if target and hasattr(project, "config"):
        target = project.config.target(target).id
    return write(store, what, fmt, out, since=since, until=until, target=target)


def forget(
    project: Project | Any,
    *authors: str,
    platform: str | None = None,
    compact: bool = True,
    **kw: Any,
) -> dict:
    """`bascule forget` from Python: erase each author and every trace of them (see
    `store.forget.forget`), then rewrite the database file so their texts are gone from it
    too (`compact`; `Store.compact` needs the store to itself: without it, as in the war room,
    the file is marked for a rewrite when the store is free, `compaction_due`). A store works
    too, with `pseudonymizer=`."""
    from bascule.store.forget import forget as erase
    from bascule.store.forget import mark_compaction_due

    if hasattr(project, "pseudonymizer"):
        kw.setdefault("pseudonymizer", project.pseudonymizer)
    store = getattr(project, "store", project)
    result = erase(store, *authors, platform=platform, **kw)
    result["compacted_bytes"] = 0
    if result["forgotten"] or result["deleted"].get("mentions"):  # texts were rewritten
        if compact:
            result["compacted_bytes"] = store.compact()
        else:
            mark_compaction_due(store)
    return result


def forget_summary(result: dict, lang: str) -> str:
    """What an erasure (`forget`'s result) removed, in one sentence of `lang`."""
    from bascule.i18n import numbers, tr

    keys = ("posts", "interactions", "analyses", "mentions")
    posts, inter, analyses, mentions = numbers(result["deleted"], keys, lang)
    return tr(
        lang,
        f"{posts} publications, {inter} interactions et {analyses} analyses supprimées ; "
        f"{mentions} mentions remplacées par @[forgotten].",
        f"deleted {posts} posts, {inter} interactions, {analyses} analyses; "
        f"{mentions} mentions replaced by @[forgotten].",
    )


def runs(project: Project | Any, limit: int = 50) -> list[dict]:
    """`bascule runs` from Python: the latest import runs, newest first."""
    from bascule.store.runs import list_runs

    return list_runs(getattr(project, "store", project), limit)


def undo_import(project: Project | Any, run_id: int) -> dict:
    """`bascule runs undo` from Python: take an import run back (see `store.runs.undo_run`)."""
    from bascule.sources.importer import post_keys
    from bascule.store.runs import undo_run

    return undo_run(getattr(project, "store", project), run_id, file_keys=post_keys)
