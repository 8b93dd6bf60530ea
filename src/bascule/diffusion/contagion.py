"""Compiled kernels for tipping dynamics: naming game with committed agents, threshold cascades.

- Binary-agreement naming game with a committed minority (Xie et al., Phys. Rev. E 84, 011130,
  2011): opinions A, B or both (AB); committed agents hold A forever. A speaker says one of its
  words (at random when it holds both); if the listener knows it, both keep only that word,
  otherwise the listener adds it. Initially every uncommitted agent holds B.
- Watts threshold model (PNAS 2002): a node adopts once the fraction of its adopting
  neighbours reaches its threshold φ; committed nodes adopt from the start.
Committed agents are either the first `ncom` of `order` or, when `shuffle`, drawn at random
per run. Each run has its own random stream keyed by `(base, run)`, so a run's result does not
depend on which thread or batch computes it. These kernels are serial: each call is short, and
serial kernels compile several times faster than parallel ones (callers split the runs).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from bascule.diffusion.engine import GOLDEN, _mix, _stream, _uniform

A, B, AB = 0, 1, 2
C = 3  # a committed agent: holds A and never changes (the fast kernel's fourth state)
_S32 = np.uint64(32)
_S31 = np.uint64(31)
_ONE = np.uint64(1)
_LOW31 = np.uint64(0x7FFFFFFF)


def _outcomes() -> np.ndarray:
    """Every interaction of the naming game, as a table the kernel reads instead of branching.

    Key `(speaker * 4 + listener) * 2 + coin` over the states A, B, AB, C (committed A; `coin`
    picks the word of an AB speaker: 0 says A). Entry: new speaker state | new listener state
    << 2 | (change in the number holding only A, + 2) << 4. Built from the rule itself, as the
    reference kernel applies it step by step.
    """
    table = np.zeros(32, dtype=np.int64)
    for sp in (A, B, AB, C):
        for sl in (A, B, AB, C):
            for coin in (0, 1):
                word = A if sp in (A, C) or (sp == AB and coin == 0) else B
                new_sp, new_sl = sp, sl
                if sl in (word, AB) or (sl == C and word == A):  # the listener knows it
                    new_sp = sp if sp == C else word
                    new_sl = sl if sl == C else word
                elif sl != C:  # it learns the word; a committed listener learns nothing
                    new_sl = AB
                delta = sum(int(x in (A, C)) for x in (new_sp, new_sl))
                delta -= sum(int(x in (A, C)) for x in (sp, sl))
                table[(sp * 4 + sl) * 2 + coin] = new_sp | new_sl << 2 | (delta + 2) << 4
    return table


_OUTCOME = _outcomes()


@nb.njit(cache=True, nogil=True)
def _pick_committed(order, ncom, shuffle, state, mark):  # noqa: ANN001
    """Mark the committed agents (partial Fisher-Yates when `shuffle`)."""
    n = order.shape[0]
    perm = order.copy()
    for i in range(ncom):
        if shuffle:
            j = i + min(int(_uniform(state) * (n - i)), n - i - 1)
            perm[i], perm[j] = perm[j], perm[i]
        mark[perm[i]] = True


@nb.njit(cache=True, nogil=True)
def _opening(order, ncom, shuffle, base, run, committed_word):  # noqa: ANN001, ANN202
    """Run `run`'s random state, who is committed, the agents' words (`committed_word` for
    the committed, B for the others) and how many are committed: how both kernels start."""
    n = order.shape[0]
    state = np.zeros(1, dtype=np.uint64)
    state[0] = _stream(base, run)
    committed = np.zeros(n, dtype=np.bool_)
    _pick_committed(order, ncom, shuffle, state, committed)
    s = np.full(n, B, dtype=np.int8)
    n_a = 0
    for v in range(n):
        if committed[v]:
            s[v] = committed_word
            n_a += 1
    return state, committed, s, n_a


@nb.njit(cache=True, nogil=True)
def naming_game(indptr, indices, complete, order, ncom, shuffle, run_ids, base, max_sweeps):  # noqa: ANN001
    """Final share of A (all agents) and sweeps to A-consensus (-1 if none) of each run.

    The same dynamics as `naming_game_reference`, step for step (a speaker drawn uniformly,
    a listener uniformly among its neighbours, or among all others on the `complete` graph;
    consensus checked after every step; at most `max_sweeps` sweeps of n steps), computed
    faster: one 64-bit draw a step (32 bits pick the speaker, 31 the listener, 1 the word of
    an AB speaker; multiply-shift, bias below n / 2^31) and the outcome read from the table
    `_OUTCOME` rather than found through data-dependent branches, which a CPU mispredicts
    (1.7 to 3 times fewer nanoseconds a step on the demo's network). Runs are those of
    `run_ids`: run r draws from the stream `(base, r)`, so the runs of one point may be split
    between threads.
    """
    n = order.shape[0]
    m = run_ids.shape[0]
    share = np.zeros(m, dtype=np.float64)
    when = np.full(m, -1.0)
    nn = np.uint64(n)
    others = np.uint64(max(n - 1, 1))
    for i in range(m):
        state, _, s, n_a = _opening(order, ncom, shuffle, base, run_ids[i], C)
        x = state[0]
        steps = np.int64(max_sweeps) * n
        t = np.int64(0)
        while t < steps and n_a < n:
            t += 1
            x += GOLDEN
            z = _mix(x)
            sp = np.int64(((z >> _S32) * nn) >> _S32)
            if complete:
                li = np.int64((((z >> _ONE) & _LOW31) * others) >> _S31)
                li = li + 1 if li >= sp else li
            else:
                first = indptr[sp]
                deg = indptr[sp + 1] - first
                if deg == 0:
                    continue
                li = indices[first + np.int64((((z >> _ONE) & _LOW31) * np.uint64(deg)) >> _S31)]
            e = _OUTCOME[(np.int64(s[sp]) * 4 + np.int64(s[li])) * 2 + np.int64(z & _ONE)]
            s[sp] = e & 3
            s[li] = (e >> 2) & 3
            n_a += (e >> 4) - 2
        share[i] = n_a / n
        if n_a == n:
            when[i] = t / n
    return share, when


@nb.njit(cache=True, nogil=True)
def naming_game_reference(indptr, indices, complete, order, ncom, shuffle, runs, base, max_sweeps):  # noqa: ANN001
    """Final share of A (all agents) and sweeps to A-consensus (-1 if none) per run.

    The rule applied step by step as written, with up to three uniform draws a step: the
    kernel `tipping` used before `naming_game`, kept as the reference that one is tested and
    benchmarked against (`tests/diffusion/test_tipping.py`, `bench/bench_tipping.py`).
    """
    n = order.shape[0]
    share = np.zeros(runs, dtype=np.float64)
    when = np.full(runs, -1.0)
    for r in range(runs):
        state, committed, s, n_a = _opening(order, ncom, shuffle, base, r, A)
        steps = np.int64(max_sweeps) * n
        t = np.int64(0)
        while t < steps and n_a < n:
            t += 1
            sp = min(int(_uniform(state) * n), n - 1)
            if complete:
                li = min(int(_uniform(state) * (n - 1)), n - 2)
                li = li + 1 if li >= sp else li
            else:
                deg = indptr[sp + 1] - indptr[sp]
                if deg == 0:
                    continue
                li = indices[indptr[sp] + min(int(_uniform(state) * deg), deg - 1)]
            w = s[sp]
            if w == AB:
                w = A if _uniform(state) < 0.5 else B
            sl = s[li]
            if sl == w or sl == AB:  # noqa: SIM109 - numba-compiled
                if not committed[sp] and s[sp] != w:
                    n_a += int(w == A) - int(s[sp] == A)
                    s[sp] = w
                if not committed[li] and sl != w:
                    n_a += int(w == A) - int(sl == A)
                    s[li] = w
            elif not committed[li]:
                n_a -= int(sl == A)
                s[li] = AB
        share[r] = n_a / n
        if n_a == n:
            when[r] = t / n
    return share, when


@nb.njit(cache=True, nogil=True)
def _threshold_run(indptr, indices, phi, committed, active, count, queue):  # noqa: ANN001
    """Deterministic Watts cascade from the committed nodes; returns the number of adopters."""
    n = phi.shape[0]
    tail = 0
    for v in range(n):
        active[v] = committed[v]
        count[v] = 0
        if committed[v]:
            queue[tail] = v
            tail += 1
    head = 0
    while head < tail:
        u = queue[head]
        head += 1
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if active[v]:
                continue
            count[v] += 1
            if count[v] >= phi[v] * (indptr[v + 1] - indptr[v]):
                active[v] = True
                queue[tail] = v
                tail += 1
    return tail


@nb.njit(cache=True, nogil=True)
def threshold(indptr, indices, phi, order, ncom, shuffle, runs, base):  # noqa: ANN001
    """Adopters per run of the Watts threshold model (symmetric CSR adjacency)."""
    n = phi.shape[0]
    out = np.zeros(runs, dtype=np.int64)
    for r in range(runs):
        state = np.zeros(1, dtype=np.uint64)
        state[0] = _stream(base, r)
        committed = np.zeros(n, dtype=np.bool_)
        _pick_committed(order, ncom, shuffle, state, committed)
        active = np.zeros(n, dtype=np.bool_)
        count = np.zeros(n, dtype=np.int64)
        queue = np.empty(n, dtype=np.int64)
        out[r] = _threshold_run(indptr, indices, phi, committed, active, count, queue)
    return out


@nb.njit(cache=True)
def naming_game_ode(p, t_max, dt):  # noqa: ANN001
    """Mean-field naming game (Xie et al. 2011, eqs. 1–2) from all-B; returns (n_A, n_B)."""
    na, nb_ = 0.0, 1.0 - p
    steps = int(t_max / dt)
    for _ in range(steps):
        k1a, k1b = _rhs(na, nb_, p)
        k2a, k2b = _rhs(na + 0.5 * dt * k1a, nb_ + 0.5 * dt * k1b, p)
        k3a, k3b = _rhs(na + 0.5 * dt * k2a, nb_ + 0.5 * dt * k2b, p)
        k4a, k4b = _rhs(na + dt * k3a, nb_ + dt * k3b, p)
        na += dt / 6 * (k1a + 2 * k2a + 2 * k3a + k4a)
        nb_ += dt / 6 * (k1b + 2 * k2b + 2 * k3b + k4b)
    return na, nb_


@nb.njit(cache=True)
def _rhs(na, nb_, p):  # noqa: ANN001
    nab = 1.0 - p - na - nb_
    da = -na * nb_ + nab * nab + na * nab + 1.5 * p * nab
    db = -na * nb_ + nab * nab + nb_ * nab - p * nb_
    return da, db
