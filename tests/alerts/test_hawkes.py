"""The Hawkes layer: SEISMIC's kernel, simulation, and parameters recovered by likelihood."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad

from bascule.alerts import hawkes


@pytest.mark.parametrize("theta", [0.242, 0.5, 2.0])
def test_kernel_integrates_to_one_and_cdf_matches(theta: float) -> None:
    head, _ = quad(lambda s: float(hawkes.kernel(np.array(s), theta=theta)), 0, 5)
    tail, _ = quad(lambda s: float(hawkes.kernel(np.array(s), theta=theta)), 5, np.inf)
    assert head + tail == pytest.approx(1.0, abs=1e-6)
    for s in (1.0, 5.0, 60.0, 600.0):
        part, _ = quad(lambda u: float(hawkes.kernel(np.array(u), theta=theta)), 0, min(s, 5))
        if s > 5:
            part += quad(lambda u: float(hawkes.kernel(np.array(u), theta=theta)), 5, s)[0]
        assert float(hawkes.kernel_cdf(np.array(s), theta=theta)) == pytest.approx(part, abs=1e-6)


def test_sampled_delays_follow_the_kernel() -> None:
    d = hawkes.sample_delays(200_000, np.random.default_rng(0), theta=0.5)
    for s in (2.0, 5.0, 60.0):
        assert (d <= s).mean() == pytest.approx(
            float(hawkes.kernel_cdf(np.array(s), theta=0.5)), abs=0.005
        )


def test_simulated_hawkes_parameters_are_recovered() -> None:
    rng = np.random.default_rng(1)
    cascades = [hawkes.simulate(0.7, horizon=2000, theta=0.5, seed=rng) for _ in range(300)]
    # mean size of a subcritical cascade is 1 / (1 - m), minus what falls past the horizon
    assert np.mean([c.size for c in cascades]) == pytest.approx(1 / 0.3, rel=0.15)
    fit = hawkes.fit(cascades, horizon=2000)
    assert fit["branching"] == pytest.approx(0.7, abs=0.05)
    assert fit["theta"] == pytest.approx(0.5, abs=0.1)


def test_simulation_is_reproducible_with_a_seed() -> None:
    a = hawkes.simulate(0.9, horizon=500, seed=3)
    b = hawkes.simulate(0.9, horizon=500, seed=3)
    assert np.array_equal(a, b) and a[0] == 0.0 and (np.diff(a) >= 0).all()
