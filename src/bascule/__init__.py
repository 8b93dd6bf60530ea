"""Bascule: the open-source social-web war room for politics.

The Python API mirrors the command line, for notebooks and scripts:

    >>> import bascule
    >>> project = bascule.open_project("demo")
    >>> bascule.import_files(project, ["export.jsonl"])
    >>> bascule.analyze(project)
    >>> bascule.poll(project, "caq", by="day")["periods"][:3]
    >>> project.posts().to_pandas()

Functions are imported on first use, so `import bascule` stays light.
"""

from __future__ import annotations

import importlib
from typing import Any

from bascule.errors import BasculeError, ConfigError, InputError
from bascule.project import Project, init_project, open_project

__version__ = "0.1.0"

# name -> "module:attribute", the same functions the CLI, the report and the web app call.
_API = {
    "import_files": "bascule.sources.importer:import_files",
    "export": "bascule.project:export",
    "forget": "bascule.project:forget",
    "runs": "bascule.project:runs",
    "undo_import": "bascule.project:undo_import",
    "analyze": "bascule.text.analyze:analyze",
    "StanceModel": "bascule.text.stance:StanceModel",
    "poll": "bascule.opinion.poll:poll",
    "undecided": "bascule.opinion.undecided:undecided",
    "author_states": "bascule.opinion.undecided:author_states",
    "Graph": "bascule.graph.model:Graph",
    "read_graph": "bascule.graph.io:read_graph",
    "observed_graph": "bascule.graph.build:observed_graph",
    "influencers": "bascule.graph.influence:influencers",
    "communities": "bascule.graph.communities:communities",
    "bridges": "bascule.graph.bridges:bridges",
    "ambassadors": "bascule.graph.ambassadors:ambassadors",
    "audience": "bascule.graph.audience:audience",
    "simulate": "bascule.diffusion.simulate:simulate",
    "seeds": "bascule.diffusion.imm:seeds",
    "tipping": "bascule.diffusion.tipping:tipping",
    "listen": "bascule.live.listen:listen",
    "check_alerts": "bascule.alerts.watch:check",
    "list_alerts": "bascule.alerts.watch:list_alerts",
    "score_message": "bascule.messages.score:score",
    "compare_messages": "bascule.messages.score:compare",
    "reach": "bascule.messages.reach:reach",
    "effect": "bascule.messages.effect:effect",
    "publish": "bascule.messages.publish:publish",
    "build_report": "bascule.report:build_report",
    "prune": "bascule.scale.retention:prune",
    "analyze_dask": "bascule.scale.dask_engine:analyze_dask",
}

__all__ = [
    "BasculeError",
    "ConfigError",
    "Graph",
    "InputError",
    "Project",
    "StanceModel",
    "__version__",
    "ambassadors",
    "analyze",
    "analyze_dask",
    "audience",
    "author_states",
    "bridges",
    "build_report",
    "check_alerts",
    "communities",
    "compare_messages",
    "effect",
    "export",
    "forget",
    "import_files",
    "influencers",
    "init_project",
    "list_alerts",
    "listen",
    "observed_graph",
    "open_project",
    "poll",
    "prune",
    "publish",
    "reach",
    "read_graph",
    "runs",
    "score_message",
    "seeds",
    "simulate",
    "tipping",
    "undecided",
    "undo_import",
]


def __getattr__(name: str) -> Any:
    spec = _API.get(name)
    if spec is None:
        raise AttributeError(f"module 'bascule' has no attribute {name!r}")
    module, attr = spec.split(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
