"""Edge probabilities learned from the cascades observed in the store.

The static Bernoulli model of Goyal, Bonchi & Lakshmanan (WSDM 2010), the maximum-likelihood
estimate of independent-cascade probabilities when who-amplified-whom is observed (the EM of
Saito et al., KES 2008, reduces to it then): p(u,v) = posts of u that v amplified / posts of u
v was exposed to. Estimates are smoothed with a uniform Beta(1, 1) prior (posterior mean), so a
single observed trial does not give certainty.
"""

from __future__ import annotations

import numpy as np

from bascule.graph.model import Graph
from bascule.store.diffusion import amplification_trials


def learned_table(project) -> dict[tuple[str, str], float]:  # noqa: ANN001
    """(src id, dst id) -> learned activation probability, from the store's amplifications."""
    t = amplification_trials(project.store).to_pydict()
    out = {}
    for s, d, n, k in zip(t["src"], t["dst"], t["trials"], t["successes"], strict=False):
        out[(str(s), str(d))] = (float(k) + 1.0) / (float(n) + 2.0)
    return out


def learned_probabilities(graph: Graph, project) -> np.ndarray:  # noqa: ANN001
    """One learned probability per edge of `graph`; edges never seen amplifying get 0."""
    table = learned_table(project)
    ids = np.asarray(graph.nodes).astype(str)
    return np.array(
        [table.get((ids[s], ids[d]), 0.0) for s, d in zip(graph.src, graph.dst, strict=False)],
        dtype=np.float64,
    )
