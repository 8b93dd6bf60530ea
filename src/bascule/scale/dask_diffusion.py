"""Monte Carlo cascades and RR-set sampling split across Dask workers.

Run `r` (and RR set `j`) always draws from the random stream keyed by (base, r), so a run
split over any number of workers returns exactly what the embedded engine returns.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from bascule.diffusion import engine, rrsets


def _mc_task(
    indptr,
    indices,
    probs,
    seeds,
    lo: int,
    hi: int,
    base,
    lt: bool,  # noqa: ANN001
    groups,
    n_groups: int,
) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Runs lo..hi-1 on one worker (the engine's own compiled kernel)."""
    out = np.zeros(hi, dtype=np.int64)
    counts = np.zeros((hi, n_groups), dtype=np.int64)
    engine._mc_chunk(indptr, indices, probs, seeds, lo, hi, base, lt, groups, out, counts)
    return out[lo:hi], counts[lo:hi]


def _bounds(total: int, chunks: int) -> list[tuple[int, int]]:
    chunks = max(1, min(chunks, total))
    cuts = [total * i // chunks for i in range(chunks + 1)]
    return [(cuts[i], cuts[i + 1]) for i in range(chunks) if cuts[i + 1] > cuts[i]]


def monte_carlo(
    client: Any,
    indptr: np.ndarray,
    indices: np.ndarray,
    probs: np.ndarray,
    seeds: np.ndarray,
    runs: int,
    base: np.uint64,
    lt: bool,
    groups: np.ndarray,
    n_groups: int,
    *,
    chunks: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """`engine.monte_carlo` on a Dask cluster: same arguments, same result."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    graph = client.scatter([indptr, indices, probs, seeds, groups], broadcast=True, hash=False)
    futures = [
        client.submit(_mc_task, *graph[:4], lo, hi, base, lt, graph[4], n_groups, pure=False)
        for lo, hi in _bounds(runs, chunks or 4 * workers)
    ]
    parts = client.gather(futures)
    out = np.concatenate([p[0] for p in parts])
    counts = np.concatenate([p[1] for p in parts]) if n_groups else np.zeros((runs, 0), np.int64)
    return out, counts


def _rr_task(rindptr, rindices, rprobs, base, lo: int, hi: int, lt: bool):  # noqa: ANN001, ANN202
    flat, offs = rrsets._rr_chunk(rindptr, rindices, rprobs, base, lo, hi, lt)
    return np.asarray(flat).copy(), np.asarray(offs).copy()


def rr_sets(
    client: Any,
    rindptr: np.ndarray,
    rindices: np.ndarray,
    rprobs: np.ndarray,
    base: np.uint64,
    lo: int,
    hi: int,
    lt: bool,
    *,
    chunks: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """RR sets lo..hi-1 sampled on Dask workers: (flat node array, per-set offsets)."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    graph = client.scatter([rindptr, rindices, rprobs], broadcast=True, hash=False)
    futures = [
        client.submit(_rr_task, *graph, base, a + lo, b + lo, lt, pure=False)
        for a, b in _bounds(hi - lo, chunks or 4 * workers)
    ]
    parts = client.gather(futures)
    flats, offsets, shift = [], [np.zeros(1, dtype=np.int64)], 0
    for flat, offs in parts:
        flats.append(flat)
        offsets.append(offs[1:] + shift)
        shift += len(flat)
    return np.concatenate(flats), np.concatenate(offsets)


def backend(client: Any) -> dict:
    """Keyword arguments for `diffusion.engine.backend(...)` that run batches on `client`."""
    from functools import partial

    return {
        "monte_carlo": partial(monte_carlo, client),
        "rr_sets": partial(rr_sets, client),
        "map": partial(sweep, client),
    }


def sweep(client: Any, fn: Any, items: Any) -> list:
    """`map(fn, items)` with one Dask task per item (points of a tipping sweep), in order."""
    return client.gather(client.map(fn, list(items), pure=False))
