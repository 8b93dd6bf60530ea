"""Networks: building them from the store or files, influence, communities, bridges.

`read_graph`/`write_graph` read and write network files; `observed_graph` builds the
interaction network of a project; `to_networkx` hands a graph to networkx.
"""

from bascule.graph.io import read_graph, to_networkx, write_graph
from bascule.graph.model import Graph

__all__ = ["Graph", "read_graph", "to_networkx", "write_graph"]
