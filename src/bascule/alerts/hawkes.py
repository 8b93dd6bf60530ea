"""Self-exciting (Hawkes) process with SEISMIC's power-law memory kernel.

Zhao, Erdogdu, He, Rajaraman & Leskovec, "SEISMIC: A Self-Exciting Point Process Model for
Predicting Tweet Popularity", KDD 2015. The kernel is constant for `s0` minutes, then decays as
a power law of exponent 1 + theta; here it integrates to 1, so the branching ratio `m` is the
mean number of direct reposts an event triggers. No follower counts are needed (our data has
none): every event has the same infectiousness `m`.
"""

from __future__ import annotations

import numpy as np

S0 = 5.0  # minutes (SEISMIC's value)
THETA = 0.242  # SEISMIC's fitted exponent


def kernel(s: np.ndarray, *, s0: float = S0, theta: float = THETA) -> np.ndarray:
    """Memory kernel phi(s), normalised to integrate to 1 over [0, inf)."""
    s = np.asarray(s, dtype=float)
    c = theta / (s0 * (1.0 + theta))
    tail = c * (np.maximum(s, s0) / s0) ** (-(1.0 + theta))
    return np.where(s < 0, 0.0, np.where(s <= s0, c, tail))


def kernel_cdf(s: np.ndarray, *, s0: float = S0, theta: float = THETA) -> np.ndarray:
    """Integral of the kernel over [0, s]: the share of an event's offspring born by then."""
    s = np.clip(np.asarray(s, dtype=float), 0.0, None)
    c = theta / (s0 * (1.0 + theta))
    tail = 1.0 - (np.maximum(s, s0) / s0) ** (-theta) / (1.0 + theta)
    return np.where(s <= s0, c * s, tail)


def sample_delays(
    n: int, rng: np.random.Generator, *, s0: float = S0, theta: float = THETA
) -> np.ndarray:
    """Delays drawn from the kernel by inverse transform."""
    u = rng.random(n)
    head = theta / (1.0 + theta)
    c = head / s0
    return np.where(u <= head, u / c, s0 * ((1.0 - u) * (1.0 + theta)) ** (-1.0 / theta))


def simulate(
    branching: float,
    *,
    horizon: float,
    s0: float = S0,
    theta: float = THETA,
    max_events: int = 100_000,
    seed: int | np.random.Generator | None = None,
) -> np.ndarray:
    """One cascade: a root at time 0, each event begets Poisson(branching) children."""
    rng = np.random.default_rng(seed)
    times = [0.0]
    frontier = np.array([0.0])
    while frontier.size and len(times) < max_events:
        kids = rng.poisson(branching, frontier.size)
        parents = np.repeat(frontier, kids)
        child = parents + sample_delays(parents.size, rng, s0=s0, theta=theta)
        child = child[child <= horizon]
        times.extend(child.tolist())
        frontier = child
    return np.sort(np.array(times[:max_events]))


def _loglik_theta(
    cascades: list[np.ndarray], horizon: float, s0: float, theta: float
) -> tuple[float, float]:
    """Profile log-likelihood at theta (m at its closed-form MLE) and that m."""
    events, exposure, log_sum = 0, 0.0, 0.0
    for t in cascades:
        exposure += float(kernel_cdf(horizon - t, s0=s0, theta=theta).sum())
        if t.size < 2:
            continue
        d = t[1:, None] - t[None, :-1]  # d[j-1, i] = t_j - t_i
        phi = kernel(d, s0=s0, theta=theta) * np.tri(t.size - 1, t.size - 1, dtype=bool)
        log_sum += float(np.log(np.maximum(phi.sum(axis=1), 1e-300)).sum())
        events += t.size - 1
    m = events / exposure if exposure > 0 else 0.0
    return log_sum + events * np.log(max(m, 1e-300)) - m * exposure, m


def fit(
    cascades: list[np.ndarray],
    *,
    horizon: float,
    s0: float = S0,
    max_events: int = 150,
    max_cascades: int = 300,
    seed: int | np.random.Generator | None = 0,
) -> dict[str, float]:
    """Maximum-likelihood branching ratio and kernel exponent, pooled over cascades.

    Each cascade is observed on [0, horizon] and its first event is the immigrant (the
    original post). Long cascades are cut at `max_events` events (and their horizon at the
    last kept event), and at most `max_cascades` cascades (drawn with `seed`) are used, to
    bound the O(n^2) likelihood.
    """
    from scipy.optimize import minimize_scalar

    if len(cascades) > max_cascades:
        rng = np.random.default_rng(seed)
        pick = rng.choice(len(cascades), max_cascades, replace=False)
        cascades = [cascades[i] for i in sorted(pick)]
    cut = []
    for t in cascades:
        t = np.sort(t[t <= horizon])
        cut.append(t[:max_events] if t.size > max_events else t)
    # A cascade cut at max_events is observed up to its last kept event.
    groups: dict[float, list[np.ndarray]] = {}
    for t, full in zip(cut, cascades, strict=True):
        h = float(t[-1]) if (full <= horizon).sum() > t.size else horizon
        groups.setdefault(h, []).append(t)

    def _neg(log_theta: float) -> float:
        theta = float(np.exp(log_theta))
        return -sum(_loglik_theta(g, h, s0, theta)[0] for h, g in groups.items())

    res = minimize_scalar(_neg, bounds=(np.log(0.01), np.log(10.0)), method="bounded")
    theta = float(np.exp(res.x))
    events = sum(max(t.size - 1, 0) for t in cut)
    exposure = sum(
        float(kernel_cdf(h - t, s0=s0, theta=theta).sum()) for h, g in groups.items() for t in g
    )
    return {"branching": events / exposure, "theta": theta, "s0": s0}
