"""Networks: building them from the store or files, influence, communities, bridges."""

from bascule.graph.model import Graph

__all__ = ["Graph"]
