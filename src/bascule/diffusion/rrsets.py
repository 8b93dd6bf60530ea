"""Reverse-reachable (RR) sets and greedy maximum coverage, the core of IMM.

A random RR set is the set of nodes that reach a uniformly drawn root in one random
live-edge graph; the fraction of RR sets a seed set covers, times n, estimates its spread
(Borgs, Brautbar, Chayes & Lucier, SODA 2014). RR set `j` uses its own random stream keyed by
`(base, j)`, so the sets are the same whatever the number of threads.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from bascule.diffusion.engine import _pool, _stream, _uniform, n_threads, override


@nb.njit(cache=True, nogil=True)
def _rr_chunk(rindptr, rindices, rprobs, base, lo, hi, lt):  # noqa: ANN001
    """RR sets lo..hi-1: flat node array and per-set offsets (IC: BFS; LT: reverse walk)."""
    n = rindptr.shape[0] - 1
    stamp = np.zeros(n, dtype=np.int64)
    cap = max(1024, (hi - lo) * 8)
    flat = np.empty(cap, dtype=np.int32)
    offs = np.zeros(hi - lo + 1, dtype=np.int64)
    state = np.zeros(1, dtype=np.uint64)
    size = 0
    for j in range(lo, hi):
        state[0] = _stream(base, j)
        mark = j - lo + 1
        root = min(int(_uniform(state) * n), n - 1)
        start = size
        if size + 1 > cap:
            cap *= 2
            new = np.empty(cap, dtype=np.int32)
            new[:size] = flat[:size]
            flat = new
        flat[size] = root
        size += 1
        stamp[root] = mark
        if lt:
            v = root
            while True:
                r = _uniform(state)
                nxt = -1
                for e in range(rindptr[v], rindptr[v + 1]):
                    r -= rprobs[e]
                    if r < 0.0:
                        nxt = rindices[e]
                        break
                if nxt < 0 or stamp[nxt] == mark:
                    break
                stamp[nxt] = mark
                if size + 1 > cap:
                    cap *= 2
                    new = np.empty(cap, dtype=np.int32)
                    new[:size] = flat[:size]
                    flat = new
                flat[size] = nxt
                size += 1
                v = nxt
        else:
            head = start
            while head < size:
                v = flat[head]
                head += 1
                for e in range(rindptr[v], rindptr[v + 1]):
                    u = rindices[e]
                    if stamp[u] != mark and _uniform(state) < rprobs[e]:
                        stamp[u] = mark
                        if size + 1 > cap:
                            cap *= 2
                            new = np.empty(cap, dtype=np.int32)
                            new[:size] = flat[:size]
                            flat = new
                        flat[size] = u
                        size += 1
        offs[j - lo + 1] = size
    return flat[:size].copy(), offs


@nb.njit(cache=True, nogil=True)
def _greedy(flat, offs, n, k, allowed, costs, budget, ratio):  # noqa: ANN001
    """Greedy max coverage of RR sets: chosen nodes (in order) and sets covered after each.

    With `ratio`, picks the best coverage gain per unit cost (cost-effective greedy);
    picks stop when k nodes are chosen or nothing affordable adds coverage.
    """
    n_sets = offs.shape[0] - 1
    deg = np.zeros(n, dtype=np.int64)
    for i in range(flat.shape[0]):
        deg[flat[i]] += 1
    ptr = np.zeros(n + 1, dtype=np.int64)
    for v in range(n):
        ptr[v + 1] = ptr[v] + deg[v]
    fill = ptr[:-1].copy()
    sets = np.empty(flat.shape[0], dtype=np.int64)
    for j in range(n_sets):
        for i in range(offs[j], offs[j + 1]):
            v = flat[i]
            sets[fill[v]] = j
            fill[v] += 1
    covered = np.zeros(n_sets, dtype=np.bool_)
    chosen = np.zeros(n, dtype=np.bool_)
    picks = np.empty(k, dtype=np.int64)
    cover = np.empty(k, dtype=np.int64)
    total = 0
    spent = 0.0
    m = 0
    while m < k:
        best = -1
        best_score = 0.0
        for v in range(n):
            if chosen[v] or not allowed[v] or deg[v] <= 0 or spent + costs[v] > budget:
                continue
            score = deg[v] / costs[v] if ratio else float(deg[v])
            if score > best_score:
                best_score = score
                best = v
        if best < 0:
            break
        chosen[best] = True
        spent += costs[best]
        for i in range(ptr[best], ptr[best + 1]):
            j = sets[i]
            if not covered[j]:
                covered[j] = True
                total += 1
                for t in range(offs[j], offs[j + 1]):
                    deg[flat[t]] -= 1
        picks[m] = best
        cover[m] = total
        m += 1
    return picks[:m].copy(), cover[:m].copy()


class RRCollection:
    """A growing collection of RR sets, generated in parallel chunks (deterministic)."""

    def __init__(self, rev: tuple[np.ndarray, np.ndarray, np.ndarray], base: np.uint64,
                 lt: bool) -> None:  # fmt: skip
        self.rindptr, self.rindices, self.rprobs = rev
        self.base, self.lt = base, lt
        self.flats: list[np.ndarray] = []
        self.offs: list[np.ndarray] = []
        self.count = 0
        self._cache: tuple[np.ndarray, np.ndarray] | None = None

    def extend_to(self, target: int) -> None:
        """Generate RR sets until there are `target` of them."""
        target = int(np.ceil(target))
        if target <= self.count:
            return
        lo, hi = self.count, target
        other = override("rr_sets")
        if other is not None:
            flat, offs = other(self.rindptr, self.rindices, self.rprobs, self.base, lo, hi, self.lt)
            self.flats.append(flat)
            self.offs.append(offs)
            self.count, self._cache = target, None
            return
        threads = n_threads()
        bounds = [lo + (hi - lo) * i // threads for i in range(threads + 1)]

        def work(i: int) -> tuple[np.ndarray, np.ndarray]:
            return _rr_chunk(self.rindptr, self.rindices, self.rprobs, self.base,
                             bounds[i], bounds[i + 1], self.lt)  # fmt: skip

        if threads > 1 and hi - lo > 2000:
            parts = list(_pool().map(work, range(threads)))
        else:
            parts = [_rr_chunk(self.rindptr, self.rindices, self.rprobs, self.base, lo, hi,
                               self.lt)]  # fmt: skip
        for flat, offs in parts:
            self.flats.append(flat)
            self.offs.append(offs)
        self.count = target
        self._cache = None

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """All sets as (flat nodes, offsets)."""
        if self._cache is None:
            flat = np.concatenate(self.flats) if self.flats else np.zeros(0, np.int32)
            offs = [np.zeros(1, np.int64)]
            shift = 0
            for f, o in zip(self.flats, self.offs, strict=False):
                offs.append(o[1:] + shift)
                shift += len(f)
            self._cache = (flat, np.concatenate(offs))
        return self._cache

    def select(self, k: int, allowed: np.ndarray, costs: np.ndarray | None = None,
               budget: float | None = None) -> tuple[np.ndarray, float]:  # fmt: skip
        """Greedy seeds and the fraction of RR sets they cover (Leskovec et al. 2007 with costs)."""
        flat, offs = self.arrays()
        n = len(self.rindptr) - 1
        if costs is None or budget is None:
            unit = np.ones(n)
            picks, cover = _greedy(flat, offs, n, k, allowed, unit, np.inf, False)
        else:
            a = _greedy(flat, offs, n, k, allowed, costs, float(budget), False)
            b = _greedy(flat, offs, n, k, allowed, costs, float(budget), True)
            ca = a[1][-1] if len(a[1]) else 0
            cb = b[1][-1] if len(b[1]) else 0
            picks, cover = a if ca >= cb else b
        frac = float(cover[-1]) / max(self.count, 1) if len(cover) else 0.0
        return picks, frac
