"""Compiled kernels for tipping dynamics: naming game with committed agents, threshold cascades.

- Binary-agreement naming game with a committed minority (Xie et al., Phys. Rev. E 84, 011130,
  2011): opinions A, B or both (AB); committed agents hold A forever. A speaker says one of its
  words (at random when it holds both); if the listener knows it, both keep only that word,
  otherwise the listener adds it. Initially every uncommitted agent holds B.
- Watts threshold model (PNAS 2002): a node adopts once the fraction of its adopting
  neighbours reaches its threshold φ; committed nodes adopt from the start.
Committed agents are either the first `ncom` of `order` or, when `shuffle`, drawn at random
per run. Each run has its own random stream keyed by `(base, run)`. These kernels are
serial: each call is short, and serial kernels compile several times faster than parallel ones.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from bascule.diffusion.engine import _stream, _uniform

A, B, AB = 0, 1, 2


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
def naming_game(indptr, indices, complete, order, ncom, shuffle, runs, base, max_sweeps):  # noqa: ANN001
    """Final share of A (all agents) and sweeps to A-consensus (-1 if none) per run."""
    n = order.shape[0]
    share = np.zeros(runs, dtype=np.float64)
    when = np.full(runs, -1.0)
    for r in range(runs):
        state = np.zeros(1, dtype=np.uint64)
        state[0] = _stream(base, r)
        committed = np.zeros(n, dtype=np.bool_)
        _pick_committed(order, ncom, shuffle, state, committed)
        s = np.full(n, B, dtype=np.int8)
        n_a = 0
        for v in range(n):
            if committed[v]:
                s[v] = A
                n_a += 1
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
