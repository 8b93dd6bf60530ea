"""What every command shares: the --project option, output helpers, error display."""

from __future__ import annotations

import json
import sys
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
