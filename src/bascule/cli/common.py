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

console = Console()
err_console = Console(stderr=True)

ProjectOpt = Annotated[
    Path,
    typer.Option(
        "--project",
        "-p",
        help="Project folder (holds bascule.toml).",
        envvar="BASCULE_PROJECT",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


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
        raise InputError(f"unknown engine {engine!r}: use embedded or dask")
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
