"""Bascule: the open-source social-web war room for politics.

>>> import bascule
>>> project = bascule.open_project("demo")
>>> project.posts().to_pandas()
"""

from bascule.errors import BasculeError, ConfigError
from bascule.project import Project, init_project, open_project

__version__ = "0.1.0"
__all__ = ["BasculeError", "ConfigError", "Project", "init_project", "open_project", "__version__"]
