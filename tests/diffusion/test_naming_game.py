"""The fast naming-game sweep against the method it replaced (reference kernel, every fraction).

`contagion.naming_game` reads each interaction's outcome from a table and draws one 64-bit
number a step; `tipping` bisects the committed fraction and reuses the clock's runs. None of
it may change what is measured: these tests compare with `contagion.naming_game_reference`
(the former kernel, kept) and with the whole grid, on small graphs, with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest

from bascule.diffusion import contagion, engine
from bascule.diffusion import tipping as tp
from bascule.diffusion.engine import base_seed


def _graph(kind: str, n: int) -> tuple[tuple[np.ndarray, np.ndarray], int, bool]:
    if kind == "complete":
        return (np.zeros(1, np.int64), np.zeros(0, np.int64)), n, True
    csr, m = tp.largest_component(tp.random_graph(kind, n, seed=0))
    return csr, m, False


@pytest.mark.parametrize(
    ("kind", "n", "fraction", "sweeps"),
    [
        ("complete", 200, 0.08, 600),  # below the tipping point: a quarter of the runs tip
        ("complete", 200, 0.12, 600),  # above: all tip, in about 37 sweeps
        ("er", 400, 0.05, 800),  # near it: the share that tips is most sensitive
        ("ba", 400, 0.05, 800),
    ],
)
def test_the_fast_kernel_has_the_reference_statistics(
    kind: str, n: int, fraction: float, sweeps: int
) -> None:
    # same model, same budget, other random numbers: the share of runs that reach consensus,
    # the final adoption and the time to consensus agree within sampling error
    csr, m, complete = _graph(kind, n)
    order = np.arange(m, dtype=np.int64)
    ncom, runs = int(round(fraction * m)), 300
    a, wa = contagion.naming_game_reference(*csr, complete, order, ncom, True, runs,
                                            base_seed([1, ncom]), sweeps)  # fmt: skip
    b, wb = contagion.naming_game(*csr, complete, order, ncom, True, np.arange(runs),
                                  base_seed([2, ncom]), sweeps)  # fmt: skip
    pa, pb = np.mean(wa >= 0), np.mean(wb >= 0)
    se = np.sqrt((pa * (1 - pa) + pb * (1 - pb)) / runs)
    assert abs(pa - pb) <= 4 * se + 0.01
    se = np.sqrt((a.var() + b.var()) / runs)
    assert abs(a.mean() - b.mean()) <= 4 * se + 0.01
    if pa > 0.5 and pb > 0.5:
        ta, tb = np.median(wa[wa >= 0]), np.median(wb[wb >= 0])
        assert abs(ta - tb) <= 0.15 * ta


def test_the_fast_kernel_applies_the_rule() -> None:
    # the outcome table, read back: a committed agent never changes, an AB speaker that says
    # B to a committed listener changes nothing, agreement collapses both to the word
    t = contagion._OUTCOME
    A, B, AB, C = contagion.A, contagion.B, contagion.AB, contagion.C

    def outcome(sp: int, sl: int, coin: int) -> tuple[int, int, int]:
        e = int(t[(sp * 4 + sl) * 2 + coin])
        return e & 3, (e >> 2) & 3, (e >> 4) - 2

    assert outcome(C, B, 0) == (C, AB, 0) and outcome(C, AB, 1) == (C, A, 1)
    assert outcome(B, C, 0) == (B, C, 0) and outcome(AB, C, 1) == (AB, C, 0)
    assert outcome(AB, C, 0) == (A, C, 1) and outcome(AB, AB, 0) == (A, A, 2)
    assert outcome(AB, AB, 1) == (B, B, 0) and outcome(B, A, 0) == (B, AB, -1)
    assert outcome(A, A, 1) == (A, A, 0) and outcome(AB, B, 0) == (AB, AB, 0)


def test_a_point_does_not_depend_on_how_its_runs_are_split(monkeypatch) -> None:  # noqa: ANN001
    csr, m, _ = _graph("er", 300)
    order = np.arange(m, dtype=np.int64)
    args = (csr, False, order, 15, True, 10, base_seed(7), 400)
    split = tp.naming_game_runs(*args)
    monkeypatch.setattr(engine, "n_threads", lambda: 1)
    whole = tp.naming_game_runs(*args)
    assert np.array_equal(split[0], whole[0]) and np.array_equal(split[1], whole[1])
    monkeypatch.setattr(engine, "n_threads", lambda: 3)  # 10 runs in 10 chunks of one
    assert np.array_equal(tp.naming_game_runs(*args)[1], whole[1])


def _previous_method(monkeypatch, **kwargs) -> dict:  # noqa: ANN001, ANN003
    """`tipping` as it was: the reference kernel, serial, every fraction of the sweep."""

    def reference(indptr, indices, complete, order, ncom, shuffle, run_ids, base, sweeps):  # noqa: ANN001
        assert np.array_equal(run_ids, np.arange(len(run_ids)))  # one batch, runs 0..runs-1
        return contagion.naming_game_reference(indptr, indices, complete, order, ncom, shuffle,
                                               len(run_ids), base, sweeps)  # fmt: skip

    with monkeypatch.context() as m:
        m.setattr(contagion, "naming_game", reference)
        m.setattr(engine, "n_threads", lambda: 1)
        return tp.tipping("naming-game", whole_curve=True, **kwargs)


@pytest.mark.parametrize(("kind", "n"), [("complete", 300), ("er", 500), ("ba", 500)])
def test_the_tipping_point_is_the_previous_methods(kind: str, n: int, monkeypatch) -> None:  # noqa: ANN001
    # measured over 10 seeds: complete 9.26 % (sd 0.12) before, 9.30 % (0.13) now; ER
    # 4.69 % (0.16) and 4.73 % (0.08); BA 4.67 % (0.16) and 4.72 % (0.25)
    old, new = [], []
    for seed in range(4):
        old.append(_previous_method(monkeypatch, graph_kind=kind, n=n, runs=16, seed=seed))
        new.append(tp.tipping("naming-game", kind, n=n, runs=16, seed=seed))
    crit_old = np.mean([r["critical_fraction"] for r in old])
    crit_new = np.mean([r["critical_fraction"] for r in new])
    assert abs(crit_old - crit_new) <= 0.005
    assert all(r["params"]["search"] == "bisection" for r in new)
    # the limit, 10 times the median sweeps to consensus with 20 % committed, is measured
    limits = [[r["params"]["max_sweeps"] for r in rs] for rs in (old, new)]  # each time
    assert abs(np.mean(limits[0]) - np.mean(limits[1])) <= 0.15 * np.mean(limits[0])
    if kind == "complete":  # the known value: mean field 9.79 %, a little less at n = 300
        assert 0.085 <= crit_new <= 0.1


def test_bisection_finds_the_whole_sweeps_crossing() -> None:
    # each point draws from streams keyed by (seed, committed): the points bisection measures
    # are those of the whole sweep, number for number, and so is the crossing between them
    for kind, n, seed in [("complete", 400, 0), ("er", 600, 1), ("ba", 600, 2)]:
        grid = tp.tipping("naming-game", kind, n=n, runs=12, seed=seed, whole_curve=True)
        fast = tp.tipping("naming-game", kind, n=n, runs=12, seed=seed)
        whole = {r["fraction"]: r for r in grid["curve"]}
        tips = [whole[f]["tipped_rate"] >= 0.5 for f in np.linspace(0, 0.2, 11)]
        assert tips == sorted(tips)  # one crossing on the sweep's 11 points: bisection's premise
        assert all(whole[r["fraction"]] == r for r in fast["curve"])
        assert fast["critical_fraction"] == grid["critical_fraction"]
        assert fast["critical_interval"] == grid["critical_interval"]
        assert len(fast["curve"]) <= 11 < len(grid["curve"])  # 2 ends, 4 halvings, 5 refined


def test_a_network_that_never_agrees_costs_one_batch_of_runs(monkeypatch) -> None:  # noqa: ANN001
    # the demo's network: with 20 % committed no run agrees within the 10,000-sweep ceiling,
    # and each point of the sweep took as long (11 points + the clock: 12 batches of 16 runs
    # of 10,000 sweeps, 2 minutes). Here an ER graph with a ceiling of 40 sweeps (it needs
    # about 120): the runs that measured the clock are the 20 % point, and nothing tipping
    # there, nothing below it is run; the whole grid runs 10 points more
    monkeypatch.setattr(tp, "SWEEP_CEILING", 40)
    kernel, simulated = contagion.naming_game, []

    def counting(*args):  # noqa: ANN002
        simulated.append(len(args[6]))
        return kernel(*args)

    monkeypatch.setattr(contagion, "naming_game", counting)
    res = tp.tipping("naming-game", "er", n=1000, runs=8, seed=0)
    assert res["reference_sweeps"] is None and res["params"]["max_sweeps"] == 40
    assert res["critical_fraction"] is None and [r["fraction"] for r in res["curve"]] == [0, 0.2]
    top = res["curve"][-1]
    assert top["committed"] == 197 and top["runs_capped"] == 8 and 0.5 < top["adoption"] < 1
    assert sum(simulated) == tp.CLOCK_MIN_RUNS  # the clock's runs, and no other
    simulated.clear()
    grid = tp.tipping("naming-game", "er", n=1000, runs=8, seed=0, whole_curve=True)
    assert sum(simulated) == tp.CLOCK_MIN_RUNS + 8 * 9  # 0 % needs no run, 20 % is the clock's
    assert len(grid["curve"]) == 11
    assert grid["curve"][-1] == top
