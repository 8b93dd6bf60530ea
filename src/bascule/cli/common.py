"""What every command shares: the --project option, output helpers, error display."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bascule.i18n import tr

console = Console()
err_console = Console(stderr=True)


def check_project(value: Path) -> Path:
    """Callback of every --project option: the folder, also when given as its bascule.toml
    (so every command, and the paths it builds from the folder, take either)."""
    from bascule.config import project_folder

    return project_folder(value)


ProjectOpt = Annotated[
    Path,
    typer.Option(
        "--project",
        "-p",
        help="Project folder (holds bascule.toml).",
        envvar="BASCULE_PROJECT",
        show_default=True,
        callback=check_project,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def check_lang(value: str | None) -> str | None:
    """Callback of every --lang option: the output languages are French and English."""
    if value is not None and value not in ("fr", "en"):
        raise typer.BadParameter(f"{value!r}: the languages are fr and en")
    return value


LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang", help="Output language: fr or en (default: the project's).", callback=check_lang
    ),
]


def ui_lang(project_dir: Path, project: Any = None, lang: str | None = None) -> str:
    """The language a command speaks: --lang, else the project's, else English (a network
    file read outside any project)."""
    if lang:
        return lang
    if project is not None:
        return project.config.project.language
    from bascule.config import CONFIG_NAME, load_config, project_folder
    from bascule.errors import ConfigError

    try:
        return load_config(project_folder(project_dir) / CONFIG_NAME).project.language
    except (ConfigError, OSError):
        return "en"


# what an empty project lacks, and what to run: (French, English)
NO_POSTS = (
    "Ce projet ne contient encore aucune publication : importez-en avec "
    "`bascule import FICHIER`, puis lancez `bascule analyze`.",
    "This project has no posts yet: import some with `bascule import FILE`, then run "
    "`bascule analyze`.",
)
NO_INTERACTIONS = (
    "Ce projet ne contient encore aucune interaction (partage, citation, réponse, mention) : "
    "importez des publications qui en portent avec `bascule import FICHIER`, puis lancez "
    "`bascule analyze`.",
    "This project has no interactions yet (reposts, quotes, replies, mentions): import posts "
    "that carry them with `bascule import FILE`, then run `bascule analyze`.",
)
NOT_ANALYSED = (
    "Aucune publication de ce projet n'est encore analysée : lancez `bascule analyze`.",
    "No post of this project is analysed yet: run `bascule analyze`.",
)


def say_nothing_yet(project: Any, lang: str, *, need: str = "posts") -> bool:
    """Say in one sentence, instead of empty tables and 0% shares, that the project holds
    no posts yet (or no `need`: "interactions", "analyses") and what to run; True if said."""
    store = project.store
    if store.count("posts") == 0:
        said = NO_POSTS
    elif need == "interactions" and store.count("interactions") == 0:
        said = NO_INTERACTIONS
    elif need == "analyses" and store.count("post_analyses") == 0:
        said = NOT_ANALYSED
    else:
        return False
    console.print(tr(lang, *said), highlight=False, soft_wrap=True)
    return True


def print_rows(
    rows: list[dict],
    columns: list[Any],
    title: str,
    lang: str,
    *,
    limit: int | None = 20,
    total: int | None = None,
    what: tuple[str, str] = ("lignes", "rows"),
    more: str | None = None,
) -> None:
    """Print `rows` as a table of `columns` (report `Col`s: a header and a format in each
    language), the first `limit` when given, and say how many of the `total` (default: all
    the rows) are left out, of `what` (French, English), and where to find them (`more`,
    default: --json).
    """
    from rich.table import Table

    from bascule.i18n import number

    shown = rows if limit is None else rows[:limit]
    t = Table(title=title)
    for c in columns:  # long values wrap instead of being cut
        t.add_column(
            c.header(lang), overflow="fold", justify="left" if c.kind == "text" else "right"
        )
    for r in shown:
        t.add_row(*(c.cell(_flat(r.get(c.key)), lang) for c in columns))
    console.print(t)
    total = len(rows) if total is None else total
    if len(shown) < total:
        more = more or tr(lang, "--json les donne toutes", "--json lists them all")
        console.print(
            tr(
                lang,
                f"{number(len(shown), lang)} {what[0]} sur {number(total, lang)} ({more}).",
                f"Showing {number(len(shown), lang)} of {number(total, lang)} {what[1]} ({more}).",
            )
        )


def _flat(v: Any) -> Any:
    """A list or mapping cell as one line of text."""
    if isinstance(v, list):
        return ", ".join(map(str, v))
    if isinstance(v, dict):
        return " ".join(f"{k}:{x}" for k, x in v.items())
    return v


def check_when(param: typer.CallbackParam, value: str | None) -> str | None:
    """Callback of every date option (--since, --until, --now): one parser, ISO 8601 only,
    so 07/01/2015 is refused by every command rather than read month-first by some."""
    if not value:
        return None
    from bascule.dates import iso_when

    name = next((o for o in param.opts if o.startswith("--")), f"--{param.name}")
    return iso_when(value, name)


GraphOpt = Annotated[
    Path | None,
    typer.Option(
        "--graph",
        help="Use this network file (CSV/TSV edge list, GML, GraphML, GEXF) "
        "instead of the project's store.",
    ),
]


def open_project(path: Path, *, read_only: bool = False):  # noqa: ANN201 - lazy import
    """Open the project, importing the package only when a command runs."""
    from bascule.project import open_project as _open

    return _open(path, read_only=read_only)


def print_json(obj: Any) -> None:
    """Write JSON to standard output (numpy and dates made serialisable)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(o: Any) -> Any:
    import numpy as np

    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return None if np.isnan(o) else float(o)
    if isinstance(o, np.ndarray):
        return o.tolist()
    if isinstance(o, set | frozenset | tuple):
        return list(o)
    return str(o)


EngineOpt = Annotated[
    str, typer.Option("--engine", help="embedded (this machine) or dask (a Dask cluster).")
]
WorkersOpt = Annotated[int, typer.Option("--workers", help="Local Dask workers (--engine dask).")]
SchedulerOpt = Annotated[
    str | None, typer.Option("--scheduler", help="Address of a running Dask scheduler.")
]


def dask_client(scheduler: str | None, workers: int):  # noqa: ANN201 - (Client, LocalCluster|None)
    """A client to a running scheduler, or to a new LocalCluster of `workers` processes."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


@contextlib.contextmanager
def diffusion_engine(engine: str, workers: int, scheduler: str | None) -> Iterator[None]:
    """Run Monte Carlo and RR-set batches on Dask inside the block when asked."""
    from bascule.errors import InputError

    if engine == "embedded":
        yield
        return
    if engine != "dask":
        raise InputError(
            f"unknown engine {engine!r}: use embedded or dask",
            fr=f"moteur inconnu {engine!r} : choisissez embedded ou dask",
        )
    from bascule.diffusion.engine import backend
    from bascule.scale.dask_diffusion import backend as dask_backend

    client, cluster = dask_client(scheduler, workers)
    try:
        with backend(**dask_backend(client)):
            yield
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def compact_if_due(proj, lang: str | None = None) -> None:  # noqa: ANN001 - a Project
    """Rewrite the database file without the rows erased or pruned while a server or listener
    held the store (`store.forget.mark_compaction_due`): the rewrite needs the store to
    itself, so it waits for them to stop."""
    from bascule.i18n import tr
    from bascule.store.forget import compaction_due

    if compaction_due(proj.store):
        lang = lang or proj.config.project.language
        with console.status(
            tr(
                lang,
                "Réécriture du fichier de la base sans les textes effacés…",
                "Rewriting the database file without the erased texts…",
            )
        ):
            proj.store.compact()
        console.print(
            tr(
                lang,
                "Textes effacés retirés du fichier de la base.",
                "Erased texts removed from the database file.",
            ),
            highlight=False,
        )


@contextlib.contextmanager
def sigterm_as_ctrl_c() -> Iterator[None]:
    """SIGTERM (`kill`, systemd, `docker stop`) stops a long command as Ctrl-C does, while
    the block runs: the same cleanup (`listen` closes its runs and prints its summary, `serve`
    closes the store and rewrites its file) and exit code. uvicorn takes both signals while it
    serves, then raises the signal again for the handler it found: SIGTERM's default one
    killed the process there. This one raises KeyboardInterrupt, which `uvicorn.run`
    swallows as it does Ctrl-C's."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach the main thread only
        return

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        if before is not None:  # None: a handler set outside Python, which cannot be restored
            signal.signal(signal.SIGTERM, before)
