"""Wilson intervals and the author-weighted trend."""

from __future__ import annotations

import numpy as np
import pytest

from bascule.opinion.intervals import ewma_shares, wilson


def test_wilson_exact_values() -> None:
    lo, hi = wilson(4, 12)
    assert (round(float(lo), 4), round(float(hi), 4)) == (0.1381, 0.6094)
    lo, hi = wilson(0, 10)
    assert float(lo) == 0.0 and round(float(hi), 4) == 0.2775
    lo, hi = wilson(np.array([10]), np.array([10]))
    assert round(float(lo[0]), 4) == 0.7225 and float(hi[0]) == 1.0
    with pytest.raises(ValueError):
        wilson(1, 0)


@pytest.mark.parametrize("n", [10, 30, 100])
def test_wilson_coverage_is_nominal(n: int) -> None:
    """Averaged over shares from 3 % to 60 %, coverage is within 2 points of 95 %."""
    rng = np.random.default_rng(7)
    covered = []
    for p in (0.03, 0.1, 0.2, 0.35, 0.5, 0.6):
        x = rng.binomial(n, p, size=4000)
        lo, hi = wilson(x, n)
        covered.append(np.mean((lo <= p) & (p <= hi)))
    assert 0.93 <= np.mean(covered) <= 0.97
    assert min(covered) >= 0.85  # Wald falls to ~0.26 at n=10, p=3 %


def test_ewma_weights_authors_and_gaps() -> None:
    counts = np.array([[10, 0], [0, 30]])
    # half-life 1 step, next period one step later: weights 0.5*10 vs 30
    out = ewma_shares(counts, np.array([0, 1]), halflife=1.0)
    assert out[0].tolist() == [1.0, 0.0]
    assert out[1, 0] == pytest.approx(5 / 35)
    # a gap of 3 steps shrinks the old period's weight to 1/8
    out = ewma_shares(counts, np.array([0, 3]), halflife=1.0)
    assert out[1, 0] == pytest.approx(1.25 / 31.25)
