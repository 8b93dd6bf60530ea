"""Storage: the DuckDB schema and every SQL query of Bascule (the only place with SQL)."""

from bascule.store.db import Store
from bascule.store.schema import SCHEMA_VERSION

__all__ = ["Store", "SCHEMA_VERSION"]
