"""Confidence intervals for shares of authors.

Wilson score intervals (Wilson 1927), one per category: unlike the Wald interval they stay
inside [0, 1] and keep close to nominal coverage for the small groups (10-50 authors) and the
extreme shares (a party at 3 %) of a daily poll (Brown, Cai & DasGupta 2001, Stat. Sci. 16).
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np


def wilson(
    successes: np.ndarray | int, n: np.ndarray | int, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval (lo, hi) for `successes` out of `n` (arrays broadcast)."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    if np.any(n <= 0):
        raise ValueError("n must be positive")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = x / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    lo = np.where(x <= 0, 0.0, np.clip(centre - half, 0.0, 1.0))
    hi = np.where(x >= n, 1.0, np.clip(centre + half, 0.0, 1.0))
    return lo, hi


def ewma_shares(counts: np.ndarray, steps: np.ndarray, *, halflife: float = 3.0) -> np.ndarray:
    """Exponentially weighted shares over time, weighted by authors (one row per period).

    `counts` is (periods, categories) of authors, `steps` the period index of each row (gaps
    allowed): weight of period s at t is n_s * 0.5 ** ((t - s) / halflife), past only.
    """
    counts = np.asarray(counts, dtype=float)
    steps = np.asarray(steps, dtype=float)
    out = np.empty_like(counts)
    for i in range(len(counts)):
        w = 0.5 ** ((steps[i] - steps[: i + 1]) / halflife)
        num = (w[:, None] * counts[: i + 1]).sum(axis=0)
        out[i] = num / num.sum() if num.sum() > 0 else np.nan
    return out
