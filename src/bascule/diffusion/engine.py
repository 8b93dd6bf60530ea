"""Compiled Monte Carlo kernels for independent cascade and linear threshold diffusion.

Independent cascade (IC) and linear threshold (LT) follow Kempe, Kleinberg & Tardos (KDD 2003).
The graph is CSR arrays of out-edges with one activation probability (IC) or weight (LT) per
edge. Each run draws from its own counter-based stream (splitmix64, Steele et al. 2014) keyed
by `(base, run)`, so results depend only on the seed, never on thread scheduling. Kernels are
cached on disk and shared by every caller (simulation, CELF, tipping).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar

import numba as nb
import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0

# Another executor (e.g. a Dask cluster) may take over the batch work: same arguments, same
# results, since every run and RR set draws from its own keyed stream.
_BACKEND: ContextVar[dict[str, Callable] | None] = ContextVar("diffusion_backend", default=None)


@contextlib.contextmanager
def backend(
    *,
    monte_carlo: Callable | None = None,
    rr_sets: Callable | None = None,
    map: Callable | None = None,
) -> Iterator[None]:  # noqa: A002 - the builtin's role
    """Run Monte Carlo batches, RR-set sampling and sweeps (`map(fn, items)`) with these."""
    token = _BACKEND.set({"monte_carlo": monte_carlo, "rr_sets": rr_sets, "map": map})
    try:
        yield
    finally:
        _BACKEND.reset(token)


def override(name: str) -> Callable | None:
    """The function standing in for `name` in the current block, if any."""
    b = _BACKEND.get()
    return b.get(name) if b else None


@nb.njit(cache=True)
def _mix(z: np.uint64) -> np.uint64:
    z = (z ^ (z >> _S30)) * _M1
    z = (z ^ (z >> _S27)) * _M2
    return z ^ (z >> _S31)


@nb.njit(cache=True)
def _uniform(state: np.ndarray) -> float:
    """Next uniform in [0, 1) from a one-element uint64 state (splitmix64)."""
    state[0] += GOLDEN
    return float(_mix(state[0]) >> _S11) * _INV53


@nb.njit(cache=True)
def _stream(base: np.uint64, run: np.int64) -> np.uint64:
    return _mix(base ^ _mix(np.uint64(run) * GOLDEN + GOLDEN))


@nb.njit(cache=True, nogil=True)
def _ic_run(indptr, indices, probs, seeds, state, stamp, mark, queue, groups, counts):  # noqa: ANN001
    """One IC cascade; returns the number of active nodes, adds per-group counts."""
    head = 0
    tail = 0
    for s in seeds:
        if stamp[s] != mark:
            stamp[s] = mark
            queue[tail] = s
            tail += 1
    while head < tail:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if stamp[v] != mark and _uniform(state) < probs[e]:
                stamp[v] = mark
                queue[tail] = v
                tail += 1
    if counts.shape[0] > 0:
        for i in range(tail):
            g = groups[queue[i]]
            if g >= 0:
                counts[g] += 1
    return tail


@nb.njit(cache=True, nogil=True)
def _lt_run(indptr, indices, weights, seeds, state, stamp, mark, queue, groups, counts, acc, thr):  # noqa: ANN001
    """One LT cascade (thresholds drawn lazily, uniform on [0, 1])."""
    head = 0
    tail = 0
    for s in seeds:
        if stamp[s] != mark:
            stamp[s] = mark
            queue[tail] = s
            tail += 1
    # stamp: mark = active, -mark = touched (threshold drawn, accumulating)
    while head < tail:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            sv = stamp[v]
            if sv == mark:
                continue
            if sv != -mark:
                stamp[v] = -mark
                acc[v] = 0.0
                thr[v] = _uniform(state)
            acc[v] += weights[e]
            if acc[v] >= thr[v]:
                stamp[v] = mark
                queue[tail] = v
                tail += 1
    if counts.shape[0] > 0:
        for i in range(tail):
            g = groups[queue[i]]
            if g >= 0:
                counts[g] += 1
    return tail


@nb.njit(cache=True, nogil=True)
def _mc_chunk(indptr, indices, probs, seeds, lo, hi, base, lt, groups, out, counts):  # noqa: ANN001
    """Runs lo..hi-1 of a Monte Carlo batch, written into `out` and `counts` (releases the GIL)."""
    n = indptr.shape[0] - 1
    stamp = np.zeros(n, dtype=np.int64)
    queue = np.empty(n, dtype=np.int64)
    acc = np.zeros(n if lt else 0, dtype=np.float64)
    thr = np.zeros(n if lt else 0, dtype=np.float64)
    state = np.zeros(1, dtype=np.uint64)
    for r in range(lo, hi):
        state[0] = _stream(base, r)
        mark = r - lo + 1
        if lt:
            out[r] = _lt_run(
                indptr, indices, probs, seeds, state, stamp, mark, queue, groups, counts[r],
                acc, thr,
            )  # fmt: skip
        else:
            out[r] = _ic_run(
                indptr, indices, probs, seeds, state, stamp, mark, queue, groups, counts[r]
            )


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    """The long-lived worker pool shared by Monte Carlo and RR-set generation."""
    global _POOL  # noqa: PLW0603 - one long-lived pool, created on first use
    if _POOL is None:
        _POOL = ThreadPoolExecutor(
            max(nb.config.NUMBA_NUM_THREADS, 1), thread_name_prefix="bascule"
        )
    return _POOL


def monte_carlo(
    indptr: np.ndarray,
    indices: np.ndarray,
    probs: np.ndarray,
    seeds: np.ndarray,
    runs: int,
    base: np.uint64,
    lt: bool,
    groups: np.ndarray,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Spread of `runs` independent cascades from `seeds` (IC, or LT when `lt`), all cores.

    Returns (active nodes per run, active count per run and group). Run r always uses the
    stream (base, r), so the result does not depend on how runs are split between threads.
    """
    other = override("monte_carlo")
    if other is not None:
        return other(indptr, indices, probs, seeds, runs, base, lt, groups, n_groups)
    out = np.zeros(runs, dtype=np.int64)
    counts = np.zeros((runs, n_groups), dtype=np.int64)
    args = (indptr, indices, probs, seeds)
    threads = n_threads()
    if threads <= 1 or runs < 64:
        _mc_chunk(*args, 0, runs, base, lt, groups, out, counts)
        return out, counts
    bounds = [runs * i // threads for i in range(threads + 1)]
    futures = [
        _pool().submit(_mc_chunk, *args, bounds[i], bounds[i + 1], base, lt, groups, out, counts)
        for i in range(threads)
    ]
    for f in futures:
        f.result()
    return out, counts


def base_seed(seed: int | list[int] | np.random.Generator | None) -> np.uint64:
    """A 64-bit stream key from a `seed=` argument (int or Generator), via SeedSequence."""
    if isinstance(seed, np.random.Generator):
        return np.uint64(seed.integers(0, 2**63 - 1))
    return np.uint64(np.random.SeedSequence(seed if seed is not None else 0).generate_state(1)[0])


def n_threads() -> int:
    """Threads to use: numba's setting (all cores by default, `NUMBA_NUM_THREADS`)."""
    return int(nb.get_num_threads())
