"""The compact network every graph and diffusion algorithm works on.

Nodes are 0..n-1 with their original ids kept in `nodes`; edges are parallel numpy arrays
(src -> dst means influence flows from src to dst: dst may adopt/amplify what src posts).
Pure data, so the same object feeds networkit, numba kernels, CyNetDiff or Dask.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from bascule.errors import InputError


@dataclass
class Graph:
    nodes: np.ndarray  # original node ids (str), index = node number
    src: np.ndarray  # int64 edge sources
    dst: np.ndarray  # int64 edge targets
    weight: np.ndarray  # float64 edge weights (counts, or probabilities)
    directed: bool = True
    attrs: dict[str, np.ndarray] = field(default_factory=dict)  # per-node attributes
    # what `weight` holds: "count" (observed interactions), "weight" (a file's weights),
    # "probability" (edge activation probabilities, e.g. NetHEPT's `src dst p` lines)
    weight_kind: str = "count"

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return len(self.src)

    @classmethod
    def from_edges(
        cls,
        src_ids,
        dst_ids,
        weight=None,
        *,
        directed: bool = True,  # noqa: ANN001
        nodes=None,
        merge: str = "sum",
    ) -> Graph:  # noqa: ANN001
        """Build from parallel sequences of node ids; duplicate edges merged (`sum`|`max`|`keep`).

        `nodes` adds isolated nodes and fixes the node order when given.
        """
        s = np.asarray(src_ids).astype(str)
        d = np.asarray(dst_ids).astype(str)
        if s.shape != d.shape:
            raise InputError("edge sources and targets differ in length")
        w = np.ones(len(s)) if weight is None else np.asarray(weight, dtype=np.float64)
        if nodes is None:
            all_ids, inverse = np.unique(np.concatenate([s, d]), return_inverse=True)
            si, di = inverse[: len(s)], inverse[len(s) :]
        else:
            all_ids = np.asarray(nodes).astype(str)
            index = {v: i for i, v in enumerate(all_ids)}
            try:
                si = np.fromiter((index[x] for x in s), np.int64, len(s))
                di = np.fromiter((index[x] for x in d), np.int64, len(d))
            except KeyError as exc:
                raise InputError(f"edge refers to unknown node {exc.args[0]!r}") from None
        g = cls(all_ids, si.astype(np.int64), di.astype(np.int64), w, directed)
        return g.merged(merge) if merge != "keep" else g

    def merged(self, how: str = "sum") -> Graph:
        """Collapse duplicate edges: `sum` the weights, keep the `max`, or `or` probabilities.

        `or` gives 1 - prod(1 - p): parallel arcs are independent chances under the
        independent cascade model, so the merged arc keeps the same spread.
        """
        if self.m == 0:
            return self
        key = self.src * self.n + self.dst
        uniq, inv = np.unique(key, return_inverse=True)
        if how == "sum":
            w = np.bincount(inv, weights=self.weight, minlength=len(uniq))
        elif how == "or":
            logq = np.log1p(-np.clip(self.weight, 0.0, 1.0 - 1e-15))
            w = 1.0 - np.exp(np.bincount(inv, weights=logq, minlength=len(uniq)))
        else:
            w = np.full(len(uniq), -np.inf)
            np.maximum.at(w, inv, self.weight)
        return replace(self, src=uniq // self.n, dst=uniq % self.n, weight=w)

    def without_self_loops(self) -> Graph:
        keep = self.src != self.dst
        return replace(self, src=self.src[keep], dst=self.dst[keep], weight=self.weight[keep])

    def as_directed(self) -> Graph:
        """Undirected graphs become symmetric directed ones (both arcs)."""
        if self.directed:
            return self
        return replace(
            self,
            src=np.concatenate([self.src, self.dst]),
            dst=np.concatenate([self.dst, self.src]),
            weight=np.concatenate([self.weight, self.weight]),
            directed=True,
        )

    def csr(self, *, reverse: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, weights) of out-edges (in-edges when `reverse`)."""
        a, b = (self.dst, self.src) if reverse else (self.src, self.dst)
        order = np.argsort(a, kind="stable")
        indptr = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(np.bincount(a, minlength=self.n), out=indptr[1:])
        return indptr, b[order].astype(np.int64), self.weight[order]

    def in_degree(self) -> np.ndarray:
        return np.bincount(self.dst, minlength=self.n)

    def out_degree(self) -> np.ndarray:
        return np.bincount(self.src, minlength=self.n)

    def index_of(self, ids) -> np.ndarray:  # noqa: ANN001
        """Node numbers of original ids; a clear error for unknown ones."""
        index = {v: i for i, v in enumerate(self.nodes)}
        out = []
        for x in ids:
            if str(x) not in index:
                raise InputError(f"unknown node id {x!r}")
            out.append(index[str(x)])
        return np.asarray(out, dtype=np.int64)
