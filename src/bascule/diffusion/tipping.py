"""`bascule tipping`: how large a committed minority must be to tip a network.

Sweeps the committed fraction under the binary-agreement naming game (Xie et al., Phys. Rev. E
84, 011130, 2011) or the Watts threshold model (PNAS 2002), and reports the critical fraction
where half the runs tip, with its uncertainty and the adoption curve. A naming-game run tips
when every account holds the committed opinion; it runs until then or until `max_sweeps`
(reported, with how many runs reached it). On the complete graph the critical fraction is
≈ 10 % (mean field 9.79 %); sparse networks shift the tipping point (Zhang, Lim & Szymanski 2012,
arXiv:1304.7401) and tip slowly: measured here, Erdős–Rényi and Barabási–Albert graphs of mean
degree 4 (n = 1000) tip from about 5 % committed, after a few hundred sweeps.

A naming-game run that does not tip lasts the whole `max_sweeps`, and on a real network that
is nearly all the time a sweep takes: on the demo's observed network (10,565 connected
accounts, 94 % of them linked to one hub only) no run agrees within 10,000 sweeps, so the
measurement of the network's clock and each of the 10 fractions above 0 cost 16 runs of 10⁸
speaker turns (2 minutes in all). Hence the naming game (i) steps with `contagion.naming_game`
(the same dynamics as the former kernel, 1.7 to 3 times faster a step), (ii) splits the runs
of each point between the cores, (iii) takes the runs that measured the clock as the point with
20 % committed when they lasted the limit (same committed count, same limit: the same
experiment), and (iv) searches the fraction by bisection (`whole_curve=False`): the share of
runs that tip grows with the committed fraction, so the sweep measures both ends, then halves
the interval holding the crossing (at most 6 of the 11 fractions, only the 2 ends when nothing
tips) and refines it as before: the same critical fraction, from the same points, whenever the
11 fractions cross half once. Runs still stop at consensus or `max_sweeps` only. The model
has no frozen state short of consensus (while anyone holds B, some interaction changes a
state), so "stable" could only mean a plateau of adoption, and stopping a run on one loses runs
that would have tipped: the time to consensus grows without bound as the committed fraction
nears the critical one (Xie et al. 2011), and a run there lingers on a plateau for several
times the network's clock before it tips. Measured: on an Erdős–Rényi graph (n = 1000, mean
degree 4, 5 % committed), 67 % of the runs tip within the limit, 36 % when a run stops after
one clock (120 sweeps) without a new high of adoption; so it is not done.
`watts_window` reproduces Watts' cascade window; `community_tipping` says, per community of the
observed network, how many committed supporters (and which) tip it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping
from functools import partial

import numpy as np

from bascule.diffusion import contagion, engine
from bascule.diffusion.engine import base_seed, override
from bascule.diffusion.labels import GRAPH_LABELS, MODEL_LABELS
from bascule.diffusion.simulate import label_key
from bascule.errors import InputError
from bascule.graph.model import Graph
from bascule.i18n import label, tr
from bascule.i18n import share as share_text

MODELS = ("naming-game", "threshold")
GRAPHS = ("complete", "er", "ba", "observed", "file")


def undirected_csr(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric CSR adjacency (both arcs, self-loops and duplicates dropped)."""
    keep = src != dst
    a = np.concatenate([src[keep], dst[keep]]).astype(np.int64)
    b = np.concatenate([dst[keep], src[keep]]).astype(np.int64)
    key = np.unique(a * n + b)
    a, b = key // n, key % n
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(a, minlength=n), out=indptr[1:])
    return indptr, b.astype(np.int64)


def largest_component(csr: tuple) -> tuple[tuple[np.ndarray, np.ndarray], int]:
    """The adjacency of the largest connected component, renumbered, and its size.

    A network tips when its members agree; an account no path reaches (isolated, or in a
    small separate group) never hears the committed minority, so on the whole graph no run
    ever reached consensus: an Erdős–Rényi graph of mean degree 4 has about 2 % of isolated
    nodes. The sweep runs on the connected part, and says how many accounts it left out.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    indptr, indices = csr
    n = len(indptr) - 1
    if n == 0:
        return csr, 0
    adj = csr_matrix((np.ones(len(indices), np.int8), indices, indptr), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    main = np.argmax(np.bincount(label))
    keep = np.flatnonzero(label == main)
    if len(keep) == n:
        return csr, n
    sub = adj[keep][:, keep].tocsr()
    return (sub.indptr.astype(np.int64), sub.indices.astype(np.int64)), len(keep)


def random_graph(kind: str, n: int, *, degree: float = 4.0, seed: int = 0) -> tuple:
    """(indptr, indices) of an Erdős–Rényi G(n, M) or Barabási–Albert graph of mean degree."""
    if kind in ("er", "ba") and not (math.isfinite(degree) and 0 < degree <= n - 1):
        raise InputError(
            f"the mean degree must be above 0 and at most n - 1 = {n - 1}, not {degree:g}",
            fr=f"le degré moyen doit être supérieur à 0 et au plus n - 1 = {n - 1}, pas {degree:g}",
        )
    rng = np.random.default_rng(seed)
    if kind == "er":
        m = int(round(degree * n / 2))
        return undirected_csr(n, rng.integers(0, n, m), rng.integers(0, n, m))
    if kind == "ba":
        import networkx as nx

        if degree < 2:  # each new node brings m links: the mean degree is 2m
            raise InputError(
                f"a Barabási–Albert graph has a mean degree of 2 or more, not {degree:g}",
                fr=f"un réseau de Barabási–Albert a un degré moyen de 2 au moins, pas {degree:g}",
            )
        k = max(1, int(round(degree / 2)))
        g = nx.barabasi_albert_graph(n, k, seed=int(rng.integers(2**31)))
        e = np.asarray(g.edges(), dtype=np.int64).reshape(-1, 2)
        return undirected_csr(n, e[:, 0], e[:, 1])
    if kind == "complete":
        i, j = np.triu_indices(n, 1)
        return undirected_csr(n, i, j)
    raise InputError(f"unknown graph {kind!r}: use one of {', '.join(GRAPHS[:4])}")


# How long a naming-game run may last when no limit is given: PATIENCE times the network's
# own clock, the median sweeps (n speaker turns) to consensus with REFERENCE committed.
REFERENCE = 0.2  # twice the mean-field critical fraction: a minority that tips, and fast
PATIENCE = 10
MIN_SWEEPS = 100
SWEEP_CEILING = 10_000  # also the limit on a network where 20 % committed never agree
CLOCK_MIN_RUNS = 16  # a network's or community's clock (its sweep limit) from as many runs


def _naming_game_chunk(run_ids: np.ndarray, *, csr: tuple, complete: bool, order: np.ndarray,
                       ncom: int, shuffle: bool, base: np.uint64,
                       max_sweeps: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Some runs of one naming-game point (a picklable task)."""
    return contagion.naming_game(csr[0], csr[1], complete, order, int(ncom), shuffle, run_ids,
                                 base, int(max_sweeps))  # fmt: skip


def naming_game_runs(csr: tuple, complete: bool, order: np.ndarray, ncom: int, shuffle: bool,
                     runs: int, base: np.uint64,
                     max_sweeps: int) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Final share of A and sweeps to consensus (-1: none) of `runs` naming-game runs, split
    between the cores (or the backend's `map`). Run r draws from the stream `(base, r)`, so
    the result does not depend on the split."""
    runs = int(runs)
    threads = engine.n_threads()
    k = min(runs, 4 * threads) if threads > 1 or override("map") is not None else min(runs, 1)
    ids = [np.arange(i, runs, k, dtype=np.int64) for i in range(k)]
    task = partial(_naming_game_chunk, csr=csr, complete=complete, order=order, ncom=ncom,
                   shuffle=shuffle, base=base, max_sweeps=max_sweeps)  # fmt: skip
    share, when = np.zeros(runs), np.full(runs, -1.0)
    for idx, (s, w) in zip(ids, (_mapper() if k > 1 else map)(task, ids), strict=True):
        share[idx], when[idx] = s, w
    return share, when


def _clock(csr: tuple, n: int, complete: bool, *, runs: int,
           seed) -> tuple[dict, np.ndarray, np.ndarray]:  # noqa: ANN001  # fmt: skip
    """`sweep_limit`, and the share and consensus sweeps of the reference runs it measured."""
    ncom = max(1, int(round(REFERENCE * n)))
    order = np.arange(n, dtype=np.int64)
    share, when = naming_game_runs(csr, complete, order, ncom, True, int(runs),
                                   base_seed([seed, ncom, 1]), SWEEP_CEILING)  # fmt: skip
    done = when[when >= 0]
    if 2 * len(done) <= len(when):
        return {"max_sweeps": SWEEP_CEILING, "reference_sweeps": None}, share, when
    ref = float(np.median(done))
    limit = min(max(math.ceil(PATIENCE * ref), MIN_SWEEPS), SWEEP_CEILING)
    return {"max_sweeps": int(limit), "reference_sweeps": ref}, share, when


def sweep_limit(csr: tuple, n: int, complete: bool, *, runs: int = 16, seed=0) -> dict:  # noqa: ANN001
    """The default length of a naming-game run, in sweeps, measured on the network itself.

    Above the critical fraction consensus comes in a time of order ln n (Xie et al. 2011), but
    how many sweeps that is depends on the network: with 20 % committed, about 20 on a
    complete graph of 1000, 130 on Erdős–Rényi and Barabási–Albert graphs of mean degree 4,
    1,500 on the political blogs (whose last holdouts are accounts linked only to a hub,
    which speaks to each once in `degree` sweeps). A fixed limit cuts sparse networks off
    before they agree; an endless one is no better: on a finite network a run below the
    critical fraction also tips at last (after a time growing exponentially with n). So a run
    may take `PATIENCE` times the median time to consensus with `REFERENCE` committed (at
    least `MIN_SWEEPS`, at most `SWEEP_CEILING`, the limit too when most reference runs
    never agree). Returns {"max_sweeps", "reference_sweeps"} (None when they never agree).
    """
    return _clock(csr, n, complete, runs=runs, seed=seed)[0]


def _adoption(model: str, csr: tuple, complete: bool, ncom: int, *, runs: int, seed, n: int,
              order: np.ndarray | None = None, phi: float = 0.18,
              max_sweeps: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001  # fmt: skip
    """Final adoption share, whether each run tipped (A-consensus, or a majority adopting),
    and the sweeps each naming-game run took to reach consensus (-1: it hit `max_sweeps`,
    -2: with no one committed it never could; NaN for the threshold model, which has no
    clock).

    `max_sweeps=None` is the network's `sweep_limit`.
    """
    indptr, indices = csr
    shuffle = order is None
    order = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, np.int64)
    base = base_seed(seed)
    if model == "naming-game":
        if ncom == 0:  # nobody holds the committed opinion, nobody ever will: no need to run
            return np.zeros(int(runs)), np.zeros(int(runs), np.bool_), np.full(int(runs), -2.0)
        if max_sweeps is None:
            max_sweeps = sweep_limit(csr, n, complete, runs=runs, seed=int(base))["max_sweeps"]
        share, when = naming_game_runs(csr, complete, order, int(ncom), shuffle, int(runs), base,
                                       int(max_sweeps))  # fmt: skip
        return share, when >= 0, when
    if model == "threshold":
        phis = np.full(n, float(phi))
        out = contagion.threshold(indptr, indices, phis, order, int(ncom), shuffle, int(runs),
                                  base)  # fmt: skip
        share = out / n
        return share, share > 0.5, np.full(len(share), np.nan)
    raise InputError(f"unknown tipping model {model!r}: use naming-game or threshold")


def _point(
    ncom: int,
    *,
    model: str,
    csr: tuple,
    complete: bool,
    runs: int,
    seed: int,
    n: int,
    phi: float,
    max_sweeps: int | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One point of a sweep: `runs` runs with `ncom` committed nodes (a picklable task)."""
    return _adoption(model, csr, complete, ncom, runs=runs, seed=[seed, ncom], n=n, phi=phi,
                     max_sweeps=max_sweeps)  # fmt: skip


def _crossing(fr: np.ndarray, rate: np.ndarray, level: float = 0.5) -> tuple[float, float, float]:
    """Where `rate` first crosses `level` (linear interpolation) and the bracketing points."""
    above = np.flatnonzero(rate >= level)
    if len(above) == 0:
        return math.nan, float(fr[-1]), math.nan
    i = int(above[0])
    if i == 0:
        return float(fr[0]), float(fr[0]), float(fr[0])
    x0, x1, y0, y1 = fr[i - 1], fr[i], rate[i - 1], rate[i]
    x = x0 + (level - y0) * (x1 - x0) / (y1 - y0) if y1 > y0 else x1
    return float(x), float(x0), float(x1)


def plausible_crossing(
    fr: np.ndarray, tipped: np.ndarray, runs: np.ndarray, level: float = 0.5
) -> tuple[float, float | None]:
    """Where the tipping rate may cross `level`, given the runs measured: from the highest
    fraction whose rate is surely below it to the lowest whose rate is surely above it (exact
    95 % Clopper-Pearson intervals of `tipped` of `runs`; None: no fraction surely above).

    The bracket of `_crossing` holds the crossing of the rates measured; this holds it
    whatever the luck of the runs. Where the rate rises steeply they agree; where it stays near
    one half over a range (NetHEPT: 4 to 7 % committed), 16 runs a point cannot say where in
    that range the network tips, and this says so.
    """
    from scipy.stats import binomtest

    below, above = float(fr[0]), None
    for f, k, n in zip(fr, tipped, runs, strict=True):
        ci = binomtest(int(k), int(n)).proportion_ci(0.95)
        if ci.high < level:
            below = float(f)
        elif ci.low > level and above is None:
            above = float(f)
    return below, above


def naming_game_critical(tol: float = 1e-6) -> float:
    """Mean-field critical committed fraction of the naming game (bisection on the ODE)."""
    lo, hi = 0.0, 0.5
    while hi - lo > tol:
        mid = (lo + hi) / 2
        na, nb = contagion.naming_game_ode(mid, 3000.0, 0.05)
        lo, hi = (lo, mid) if na > nb else (mid, hi)
    return (lo + hi) / 2


def _mapper() -> Callable:
    """`map` for the points of a sweep: the backend's, else the shared threads (the kernels
    release the GIL), else the builtin."""
    other = override("map")
    if other is not None:
        return other
    return engine._pool().map if engine.n_threads() > 1 else map


def tipping(
    model: str = "naming-game",
    graph_kind: str = "complete",
    *,
    n: int = 1000,
    seed: int = 0,
    graph: Graph | None = None,
    degree: float = 4.0,
    phi: float = 0.18,
    fractions: Iterable[float] | None = None,
    runs: int = 16,
    max_sweeps: int | None = None,
    refine: bool = True,
    whole_curve: bool = False,
    project=None,  # noqa: ANN001
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Sweep the committed fraction; critical fraction (half the runs tip), CI and curve.

    On `graph` when one is given (then `graph_kind` is "file" if it says so, else
    "observed"), else on the project's observed network ("observed") or a generated one of
    `n` nodes. A naming-game run lasts until consensus or `max_sweeps` sweeps (by default
    the network's `sweep_limit`, its median time to consensus with 20 % committed in
    `reference_sweeps`, from at least `CLOCK_MIN_RUNS` runs); each point of the curve says
    how many runs hit that limit (`runs_capped`) and how long the others took
    (`consensus_sweeps`, the median).

    The threshold model measures every fraction of `fractions`. The naming game, whose runs
    below the tipping point each last `max_sweeps`, measures the lowest and highest, then
    bisects between the last that tips in fewer than half its runs and the first that tips in
    half or more (the tipping rate grows with the committed fraction, Xie et al. 2011): the
    crossing, its interval and `refine` are as with every fraction measured, and the curve
    holds the fractions measured (`params["search"]` says "bisection"). `whole_curve=True`
    measures every fraction ("grid"), for the whole adoption curve.

    `progress(done, total)` is called after each point of the sweep (for a progress bar).
    """
    t0 = time.perf_counter()
    if model not in MODELS:
        raise InputError(f"unknown tipping model {model!r}: use {' or '.join(MODELS)}")
    if max_sweeps is not None and model != "naming-game":
        raise InputError(
            "max_sweeps is for the naming game: a threshold cascade ends by itself",
            fr="max_sweeps ne sert qu'au jeu de dénomination : une cascade à seuil s'arrête "
            "d'elle-même",
        )
    if max_sweeps is not None and int(max_sweeps) < 1:
        raise InputError("max_sweeps must be at least 1", fr="max_sweeps doit valoir au moins 1")
    if graph is not None:  # a network given is the one to tip, whatever `graph_kind` says
        graph_kind = "file" if graph_kind == "file" else "observed"
    if graph_kind in ("observed", "file"):
        if graph is None:
            if project is None:
                raise InputError("the observed network needs a project or --graph FILE")
            from bascule.graph.build import observed_graph

            graph = observed_graph(project)
        if graph.n == 0:
            raise InputError(
                "the network is empty: nothing can tip",
                fr="le réseau est vide : rien ne peut basculer",
            )
        n = graph.n
        csr = undirected_csr(n, graph.src, graph.dst)
    else:
        if graph_kind not in GRAPHS:
            raise InputError(f"unknown graph {graph_kind!r}: use one of {', '.join(GRAPHS[:4])}")
        if n < 3:
            raise InputError("n must be at least 3", fr="n doit valoir au moins 3")
        csr = (np.zeros(1, np.int64), np.zeros(0, np.int64))
        if not (graph_kind == "complete" and model == "naming-game"):
            csr = random_graph(graph_kind, n, degree=degree, seed=seed)
    complete = graph_kind == "complete" and model == "naming-game"
    left_out = 0
    if not complete:
        csr, kept = largest_component(csr)
        if graph is None and graph_kind != "complete" and kept < n / 2:
            fr_name, en_name = GRAPH_LABELS[graph_kind]
            raise InputError(
                f"the {en_name} of mean degree {degree:g} falls apart: its largest connected "
                f"part holds {kept} of {n} accounts (give a larger --degree)",
                fr=f"le {fr_name} de degré moyen {degree:g} est en morceaux : sa plus grande "
                f"partie connexe compte {kept} des {n} comptes (donnez un --degree plus grand)",
            )
        left_out, n = n - kept, kept
    if n < 3:
        raise InputError(
            f"the largest connected part of the network has {n} account{'s' if n != 1 else ''}: "
            "nothing to tip (a generated graph needs a larger --degree)",
            fr=f"la plus grande partie connexe du réseau compte {n} compte{'s' if n > 1 else ''} :"
            " rien à faire basculer (un réseau généré demande un --degree plus grand)",
        )
    clock = reference = None
    if model == "naming-game" and max_sweeps is None:
        # the clock sets every run's length: measured from enough runs even when the sweep
        # asks for few (4 runs put a community's limit anywhere from 1,215 to 2,155 sweeps)
        clock_runs = max(int(runs), CLOCK_MIN_RUNS)
        clock, ref_share, ref_when = _clock(csr, n, complete, runs=clock_runs, seed=seed)
        max_sweeps = clock["max_sweeps"]
        if clock["reference_sweeps"] is None:  # they lasted the limit: a point of the sweep
            # (its first `runs` runs: run r draws from the same stream in both)
            share, when = ref_share[: int(runs)], ref_when[: int(runs)]
            reference = max(1, int(round(REFERENCE * n))), (share, when >= 0, when)
    elif model == "naming-game":
        max_sweeps = int(max_sweeps)
    else:
        max_sweeps = None  # the threshold model has no clock: a cascade ends by itself
    if fractions is None:
        top = 0.2 if model == "naming-game" else 0.5
        fractions = np.linspace(0.0, top, 11)
    fr = np.unique(np.clip(np.asarray(list(fractions), dtype=np.float64), 0, 1))
    if len(fr) < 2:
        raise InputError("give at least two committed fractions to sweep")
    rows: dict[float, dict] = {}

    point = partial(_point, model=model, csr=csr, complete=complete, runs=runs, seed=seed, n=n,
                    phi=phi, max_sweeps=max_sweeps)  # fmt: skip
    bisect = model == "naming-game" and not whole_curve
    total = (2 + math.ceil(math.log2(len(fr) - 1)) if bisect else len(fr)) + (5 if refine else 0)

    def measure(ncom: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if reference is not None and ncom == reference[0]:
            return reference[1]
        return point(ncom)

    def run_all(points: np.ndarray) -> None:
        ncoms = [int(round(f * n)) for f in points]
        # a naming-game point splits its runs between the cores; threshold points are short
        results = map(measure, ncoms) if model == "naming-game" else _mapper()(point, ncoms)
        for f, ncom, (share, tipped, when) in zip(points, ncoms, results, strict=True):
            se = share.std(ddof=1) / math.sqrt(len(share)) if len(share) > 1 else 0.0
            done = when[when >= 0]
            rows[float(f)] = {
                "fraction": float(f),
                "committed": ncom,
                "adoption": float(share.mean()),
                "adoption_ci95": [
                    float(share.mean() - 1.96 * se),
                    float(share.mean() + 1.96 * se),
                ],  # fmt: skip
                "tipped_rate": float(tipped.mean()),
                "runs": int(len(tipped)),
                "runs_capped": int((when == -1).sum()),
                "consensus_sweeps": float(np.median(done)) if len(done) else None,
            }
            if progress:
                progress(len(rows), total)

    def crossing() -> tuple[float, float, float]:
        xs = np.array(sorted(rows))
        return _crossing(xs, np.array([rows[x]["tipped_rate"] for x in xs]))

    if bisect:
        run_all(fr[[0, -1]])
        below, above = 0, len(fr) - 1
        if rows[fr[0]]["tipped_rate"] < 0.5 <= rows[fr[-1]]["tipped_rate"]:
            while above - below > 1:
                mid = (below + above) // 2
                run_all(fr[[mid]])
                below, above = (below, mid) if rows[fr[mid]]["tipped_rate"] >= 0.5 else (mid, above)
    else:
        run_all(fr)
    crit, lo, hi = crossing()
    if refine and math.isfinite(crit) and hi > lo:
        run_all(np.linspace(lo, hi, 7)[1:-1])
        crit, lo, hi = crossing()
    curve = [rows[x] for x in sorted(rows)]
    plausible = plausible_crossing(
        np.array([r["fraction"] for r in curve]),
        np.array([round(r["tipped_rate"] * r["runs"]) for r in curve]),
        np.array([r["runs"] for r in curve]),
    )
    res = {
        "model": model,
        "graph": graph_kind,
        "n": int(n),
        "left_out": int(left_out),
        "edges": int(len(csr[1]) // 2) if not complete else n * (n - 1) // 2,
        "params": {
            "degree": degree,
            "phi": phi,
            "runs": runs,
            "max_sweeps": max_sweeps,
            "search": "bisection" if bisect else "grid",
        },
        # the limit was measured on the network (None: given, or no clock)
        "reference_sweeps": clock["reference_sweeps"] if clock else None,
        "seed": seed,
        "critical_fraction": None if math.isnan(crit) else crit,
        "critical_interval": [lo, None if math.isnan(hi) else hi],
        "uncertainty": None if math.isnan(hi) else (hi - lo) / 2,
        # where the crossing may be, given how few runs each point had (`plausible_crossing`)
        "critical_plausible": list(plausible) if not math.isnan(crit) else None,
        "curve": curve,
        "runs_capped": sum(r["runs_capped"] for r in curve),
        "runs_total": int(runs) * len(curve),
        "seconds": 0.0,
    }
    if model == "naming-game" and graph_kind == "complete":
        res["mean_field_critical_fraction"] = naming_game_critical()
    res["seconds"] = time.perf_counter() - t0
    return res


def cascade_condition(phi: float, z: float) -> float:
    """Watts (2002) cascade condition on Poisson graphs: Σ k(k−1) ρ_k p_k / z (> 1 cascades)."""
    from scipy.stats import poisson

    kmax = math.floor(1 / phi)
    return float(z * poisson.cdf(kmax - 2, z)) if kmax >= 2 else 0.0


def watts_window(
    phi: float = 0.18,
    *,
    n: int = 10000,
    degrees: Iterable[float] | None = None,
    graphs: int = 10,
    seeds_per_graph: int = 10,
    global_size: float = 0.1,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Cascade window of the threshold model on Erdős–Rényi graphs (Watts, PNAS 2002).

    Analytic endpoints solve z·P(Poisson(z) ≤ ⌊1/φ⌋ − 2) = 1; simulated ones are where the
    frequency of global cascades (> `global_size` of the nodes, one random seed) crosses 5%.
    """
    from scipy.optimize import brentq

    if not 0 < phi < 1:
        raise InputError("the threshold phi must lie in (0, 1)")
    f = lambda z: cascade_condition(phi, z) - 1  # noqa: E731
    zs = np.linspace(0.5, 30, 600)
    vals = np.array([f(z) for z in zs])
    ups = np.flatnonzero((vals[:-1] < 0) & (vals[1:] >= 0))
    downs = np.flatnonzero((vals[:-1] >= 0) & (vals[1:] < 0))
    analytic = None
    if len(ups) and len(downs):
        analytic = [
            brentq(f, zs[ups[0]], zs[ups[0] + 1]),
            brentq(f, zs[downs[0]], zs[downs[0] + 1]),
        ]
    degrees = np.arange(0.5, 8.01, 0.5) if degrees is None else np.asarray(list(degrees), float)
    freq, size = [], []
    phis = np.full(n, float(phi))
    order = np.arange(n, dtype=np.int64)
    for i, z in enumerate(degrees):
        hits, sizes = 0, []
        for g in range(graphs):
            csr = random_graph("er", n, degree=float(z), seed=int(seed) * 100003 + i * 1009 + g)
            out = contagion.threshold(csr[0], csr[1], phis, order, 1, True, seeds_per_graph,
                                      base_seed([seed, i, g]))  # fmt: skip
            big = out > global_size * n
            hits += int(big.sum())
            sizes.extend((out[big] / n).tolist())
        freq.append(hits / (graphs * seeds_per_graph))
        size.append(float(np.mean(sizes)) if sizes else 0.0)
        if progress:
            progress(i + 1, len(degrees))
    freq_a = np.asarray(freq)
    on = np.flatnonzero(freq_a >= 0.05)
    simulated = None
    if len(on):
        simulated = [_edge(degrees, freq_a, on[0], rising=True),
                     _edge(degrees, freq_a, on[-1], rising=False)]  # fmt: skip
    return {
        "phi": phi,
        "n": n,
        "analytic_window": analytic,
        "simulated_window": simulated,
        "curve": [
            {"degree": float(z), "cascade_frequency": fq, "cascade_size": s}
            for z, fq, s in zip(degrees, freq, size, strict=False)
        ],
    }


def _edge(x: np.ndarray, y: np.ndarray, i: int, *, rising: bool, level: float = 0.05) -> float:
    j = i - 1 if rising else i + 1
    if j < 0 or j >= len(x):
        return float(x[i])
    return float(x[j] + (level - y[j]) * (x[i] - x[j]) / (y[i] - y[j]))


# How `community_tipping` searches the naming game's count (see its docstring)
PROBE_LEVEL = 0.99  # a probe is decided when its exact 99 % interval leaves out one half
PROBE_MIN_RUNS = 8  # the fewest runs that can decide: 8 tipped of 8 give a lower bound of 0.516
PROBE_GROWTH = 8  # an undecided probe doubles its runs up to 8 times its first batch
CLOCK_SEED = 0  # ... and from the same random numbers whatever the seed of the search


def _binomial_interval(tipped: int, runs: int, level: float) -> tuple[float, float]:
    """Clopper–Pearson (exact, conservative) interval of a binomial proportion."""
    from scipy.stats import beta

    a = (1 - level) / 2
    lo = 0.0 if tipped == 0 else float(beta.ppf(a, tipped, runs - tipped + 1))
    hi = 1.0 if tipped == runs else float(beta.ppf(1 - a, tipped + 1, runs - tipped))
    return lo, hi


def _community_runs(csr: tuple, order: np.ndarray, k: int, first: int, last: int,
                    base: np.uint64, limit: int) -> np.ndarray:  # fmt: skip
    """Final share of A of the naming-game runs `first` to `last - 1` with the first `k` of
    `order` committed, split between the cores. Run r draws from the stream `(base, r)`
    whatever `k`: common random numbers across the counts of a search."""
    run_ids = np.arange(first, last, dtype=np.int64)
    threads = engine.n_threads()
    parts = min(len(run_ids), 4 * threads) if threads > 1 or override("map") is not None else 1
    chunks = [run_ids[i::parts] for i in range(parts)]
    task = partial(_naming_game_chunk, csr=csr, complete=False, order=order, ncom=int(k),
                   shuffle=False, base=base, max_sweeps=int(limit))  # fmt: skip
    share = np.zeros(len(run_ids))
    for i, (s, _) in enumerate((_mapper() if parts > 1 else map)(task, chunks)):
        share[i::parts] = s
    return share


def _rate(tipped: np.ndarray, k: int) -> dict:
    """The share of runs that tipped with `k` committed, and its exact 95 % interval."""
    lo, hi = _binomial_interval(int(tipped.sum()), len(tipped), 0.95)
    return {"committed": int(k), "runs": int(len(tipped)), "tipped": int(tipped.sum()),
            "rate": float(tipped.mean()), "ci95": [lo, hi]}  # fmt: skip


def _naming_game_need(csr: tuple, order: np.ndarray, candidates: int, *, runs: int,
                      base: np.uint64, limit: int, target: float) -> dict:  # fmt: skip
    """The fewest committed (first of `order`) with which half the runs tip a majority, by a
    bisection whose every probe is a sequential test (see `community_tipping`)."""
    first = max(int(runs), PROBE_MIN_RUNS)
    cap = PROBE_GROWTH * first
    tipped: dict[int, np.ndarray] = {}
    sure: dict[int, bool] = {}  # the probes decided at PROBE_LEVEL: tips or not

    def tips(k: int) -> bool:
        if k in tipped:
            return float(tipped[k].mean()) >= 0.5
        t = np.zeros(0, np.bool_)
        while True:
            if len(t):
                lo, hi = _binomial_interval(int(t.sum()), len(t), PROBE_LEVEL)
                if lo >= 0.5 or hi < 0.5:
                    sure[k] = lo >= 0.5
                    break
                if len(t) >= cap:
                    break
            more = min(2 * len(t), cap) if len(t) else first
            t = np.r_[t, _community_runs(csr, order, k, len(t), more, base, limit) >= target]
        tipped[k] = t
        return float(t.mean()) >= 0.5

    need = None
    if candidates and tips(candidates):
        lo, hi = 0, candidates  # tips(hi) holds, and no one committed never tips
        k = 1  # galloping: 1, 2, 4, ... below hi, then bisection between the last two
        while k < hi:
            if tips(k):
                hi = k
                break
            lo, k = k, 2 * k
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if tips(mid) else (mid, hi)
        need = hi
    low = high = None
    if need is not None:
        # p(k) rises with k: k is ruled out below a probe decided "does not tip", and above
        # one decided "tips". Near the answer the probes are often undecided (which is why it
        # is uncertain), so look for decided ones: up from the answer by doubling, then one
        # halving toward it; one halving between it and the nearest "does not tip" below.
        up = min((k for k, yes in sure.items() if yes and k >= need), default=None)
        if up != need:
            k = 2 * need
            while (up is None or k < up) and k < candidates:
                tips(k)
                if sure.get(k):
                    up = k
                k *= 2
            if up is not None:
                mid = (max(k for k in tipped if k < up) + up) // 2
                if need < mid < up and mid not in tipped and tips(mid) and sure.get(mid):
                    up = mid
        down = max((k for k, yes in sure.items() if not yes and k < need), default=0)
        mid = (down + need) // 2
        if down < mid < need and mid not in tipped:
            tips(mid)
            if sure.get(mid) is False:
                down = mid
        low, high = min(down + 1, need), None if up is None else max(up, need)
    at = need if need is not None else candidates
    return {
        "committed_needed": need,
        "needed_low": low,
        "needed_high": high,
        "rate_needed": _rate(tipped[at], at) if at in tipped else None,
        "rate_below": _rate(tipped[need - 1], need - 1) if need and need - 1 in tipped else None,
        "runs_measured": int(sum(len(t) for t in tipped.values())),
    }


def community_tipping(
    graph: Graph,
    membership: Mapping,
    *,
    supporters: Iterable | None = None,
    model: str = "threshold",
    phi: float = 0.18,
    target: float = 0.5,
    min_size: int = 5,
    runs: int = 16,
    seed: int = 0,
) -> list[dict]:
    """Per community: fewest committed supporters (highest degree first) tipping a majority.

    Each community is taken alone (its members and the links between them); the committed
    are its first k candidates by degree, and k "tips" it when at least half the runs end
    with at least `target` of its members holding the committed opinion. The answer is the
    fewest such k (`committed_needed`), as a `fraction` of the community, and who (`seeds`);
    None when it does not tip with every candidate committed. `needed_low` and
    `needed_high` bound it (None: even every candidate may not tip it).

    The threshold model is deterministic here (one run: k committed tip or not) and its
    adoption grows with k: a binary search finds the answer exactly (`needed_low` =
    `needed_high` = `committed_needed`; the rate keys are None).

    The naming game is stochastic: "k tips" is a noisy answer about p(k), the chance that a
    run tips, and a binary search on noisy answers goes wrong as soon as one of them does
    (Feige, Raghavan, Peleg & Upfal, SIAM J. Comput. 23, 1994; Karp & Kleinberg, SODA
    2007). Each probe used to be answered once by `runs` runs with its own random numbers,
    and the community's clock (its sweep limit) by `runs` runs of the search's seed: on a
    ring of 100 with 4 runs the answer ranged from 1 to 26 committed across 8 seeds. Now:

    - the clock is measured with max(`runs`, 16) runs of fixed random numbers
      (`CLOCK_SEED`), whatever the seed: p(k) depends strongly on how long a run may last
      (on that ring the crossing is near 20 committed with a limit of 1,000 sweeps, 12 with
      1,500, 4 with 2,000, and 16 runs of another seed give anything from 1,215 to 2,155),
      so the limit is part of the question, fixed for a community and given (`max_sweeps`),
      not redrawn with each seed;
    - common random numbers: run r of every probe draws from the same stream, so the probes
      are coupled (on that ring 96 % of the runs tip with k + 2 committed exactly when they
      tip with k, against 53 % for independent runs) and the measured rate rises with k
      almost monotonically, as p(k) does: the search finds where the measured curve crosses
      one half instead of chasing independent noise (the classical variance reduction for
      comparing simulated alternatives; Glasserman & Yao, Manage. Sci. 38, 1992);
    - each probe is a sequential test, as in those noisy binary searches, which repeat a
      comparison until it is reliable. Stopping rule: a probe first takes max(`runs`, 8)
      runs, then doubles them while the exact (Clopper–Pearson) 99 % interval of its tipping
      rate holds one half, up to `PROBE_GROWTH` (8) times the first batch. A probe whose
      interval leaves one half out is decided (wrongly with probability at most 0.5 % a
      look, 2 % over its at most 4 looks); one still undecided at the cap is answered by its
      measured rate (at least one half: it tips), the definition itself, from 8 times more
      runs than the first batch. Probes far from the crossing stop after the first batch, so
      the runs go where the answer is decided. (Probabilistic bisection, Horstein 1963 and
      Waeber, Frazier & Henderson, SIAM J. Control Optim. 51, 2013, assumes a known chance
      of a correct answer, which falls to one half at the crossing; Frazier, Henderson &
      Waeber, Oper. Res. 67, 2019, restore it with a test at each query, as here.)
    - the search gallops (Bentley & Yao, Inf. Process. Lett. 5, 1976): it checks every
      candidate, then 1, 2, 4, … committed until one tips, then bisects between the last
      two. The same answer as a bisection from the top when the rate is monotone, in
      O(log k) probes instead of O(log n): on the demo's communities, which one hub tips,
      2 probes instead of 10 or so.
    - the uncertainty is reported: p(k) rises with k, so a probe decided "does not tip"
      rules out every k up to it, and one decided "tips" every k above it. The search
      looks for such probes near the answer (up from it by doubling and one halving back;
      one halving between it and the nearest "does not tip" below), and [`needed_low`,
      `needed_high`] is what they leave: it holds the true crossing unless a probe was
      decided wrongly (at most 2 % each, and only probes near the crossing have a real
      chance to be). Where p(k) stays near one half over many k (on that ring it goes from
      0.46 to 0.55 between 1 and 8 committed) no affordable number of runs pins k down, the
      answer moves within that range from seed to seed (1 to 10 there), and the interval
      says so (from 1–12 to 1–24 there). `rate_needed` and `rate_below` are the measured
      tipping rates with the answer and one below it (committed, runs, tipped, rate, exact
      95 % interval; with every candidate when nothing tips); `runs_measured` counts the
      runs of the search.

    Cost: near the crossing a probe takes up to 8 times the first batch, far from it one
    batch; on the demo's observed network the per-community naming game went from 18 s to
    5.5 s (galloping), on a ring of 100 with 4 runs from 0.04 s to 0.25 s a seed.
    """
    ids = np.asarray(graph.nodes).astype(str)
    comm = np.array([membership.get(i) for i in ids], dtype=object)
    sup = None if supporters is None else {str(s) for s in supporters}
    out = []
    for c in sorted({x for x in comm if x is not None}, key=label_key):
        members = np.flatnonzero(comm == c)
        if len(members) < min_size:
            continue
        local = -np.ones(graph.n, dtype=np.int64)
        local[members] = np.arange(len(members))
        keep = (local[graph.src] >= 0) & (local[graph.dst] >= 0)
        csr = undirected_csr(len(members), local[graph.src[keep]], local[graph.dst[keep]])
        deg = np.diff(csr[0])
        cand = np.arange(len(members))
        if sup is not None:
            cand = cand[np.isin(ids[members], list(sup))]
        cand = cand[np.argsort(-deg[cand], kind="stable")]
        order = np.concatenate([cand, np.setdiff1d(np.arange(len(members)), cand)])

        size = len(members)
        if model == "naming-game":
            limit = MIN_SWEEPS  # a naming-game run lasts as long as the community's clock says
            core, m = largest_component(csr)  # (on its connected core: the rest never all agree)
            if m >= 3:
                limit = sweep_limit(core, m, False, runs=max(int(runs), CLOCK_MIN_RUNS),
                                    seed=CLOCK_SEED)["max_sweeps"]  # fmt: skip
            found = _naming_game_need(csr, order, len(cand), runs=runs,
                                      base=base_seed([seed, 0, 2]), limit=limit,
                                      target=target)  # fmt: skip
            found["max_sweeps"] = int(limit)
        else:

            def tips(k: int, order: np.ndarray = order, csr: tuple = csr,
                     size: int = size) -> bool:  # fmt: skip
                share, _, _ = _adoption(model, csr, False, k, runs=1, seed=[seed, k], n=size,
                                        order=order, phi=phi, max_sweeps=MIN_SWEEPS)  # fmt: skip
                return float(np.mean(share >= target)) >= 0.5

            need = None
            if len(cand) and tips(len(cand)):
                lo, hi = 0, len(cand)  # tips(hi) holds; binary search (adoption is monotone)
                while hi - lo > 1:
                    mid = (lo + hi) // 2
                    lo, hi = (lo, mid) if tips(mid) else (mid, hi)
                need = hi
            found = {"committed_needed": need, "needed_low": need, "needed_high": need,
                     "rate_needed": None, "rate_below": None, "runs_measured": None,
                     "max_sweeps": None}  # fmt: skip
        need = found["committed_needed"]
        out.append({
            "community": c,
            "size": int(len(members)),
            "candidates": int(len(cand)),
            "committed_needed": need,
            "fraction": None if need is None else need / len(members),
            "seeds": [] if need is None else ids[members[order[:need]]].tolist(),
            **{k: v for k, v in found.items() if k != "committed_needed"},
        })  # fmt: skip
    return out


def tipping_figure(result: dict, lang: str = "fr"):  # noqa: ANN201 - plotly Figure
    """Adoption and tipping rate against the committed fraction, critical fraction marked;
    fractions read as percentages in the reader's language ("9,1 %"), as the page says."""
    import plotly.graph_objects as go

    rows = result["curve"]
    x = [r["fraction"] for r in rows]
    fig = go.Figure()
    for key, name, style in (
        ("adoption", tr(lang, "adoption finale", "final adoption"), {"mode": "lines+markers"}),
        ("tipped_rate", tr(lang, "part des essais basculés", "share of runs tipped"),
         {"mode": "lines", "line": {"dash": "dot"}}),
    ):  # fmt: skip
        fig.add_scatter(
            x=x, y=[r[key] for r in rows], name=name,
            customdata=[[share_text(r["fraction"], lang, 1), share_text(r[key], lang)] for r in rows],
            hovertemplate="%{customdata[0]} : %{customdata[1]}<extra>" + name + "</extra>",
            **style,
        )  # fmt: skip
    crit = result.get("critical_fraction")
    if crit is not None:
        fig.add_vline(x=crit, line_dash="dash", annotation_position="top left",
                      annotation_text=tr(lang, "point de bascule", "tipping point")
                      + f" {share_text(crit, lang, 1)}")  # fmt: skip
    how = f"{label(MODEL_LABELS, result['model'], lang)}, {label(GRAPH_LABELS, result['graph'], lang)}"
    fig.update_layout(
        title=tr(lang, "Minorité engagée et bascule", "Committed minority and tipping")
        + f"<br><sup>({how})</sup>",
        xaxis={"title": tr(lang, "part de convaincus", "committed share"),
               **_percent_ticks(max(x, default=0.0), lang)},
        yaxis={"title": tr(lang, "part", "share"), "range": [0, 1.02],
               **_percent_ticks(1.0, lang, count=5)},
        # below the plot: a legend at the right squeezed it on a phone and met the annotation
        legend={"orientation": "h", "y": -0.22, "x": 0, "xanchor": "left", "yanchor": "top"},
        height=400,
        margin={"l": 55, "r": 10, "t": 60, "b": 40},
    )  # fmt: skip
    return fig


def _percent_ticks(hi: float, lang: str, count: int = 6) -> dict:
    """Ticks from 0 to `hi` (a share) at a round step, written as percentages in `lang`
    ("2,5 %"): plotly's ".0%" cannot put French's space before "%"."""
    step = next((s for s in (0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25)
                 if hi / s <= count), 0.5)  # fmt: skip
    vals = [round(k * step, 6) for k in range(int(hi / step + 1e-9) + 1)]
    digits = 0 if all(abs(100 * v - round(100 * v)) < 1e-9 for v in vals) else 1
    return {"tickvals": vals, "ticktext": [share_text(v, lang, digits) for v in vals]}


def tipping_png(result: dict, path, lang: str = "fr") -> None:  # noqa: ANN001
    """The adoption curve as a PNG drawn with matplotlib (no browser needed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = result["curve"]
    x = [r["fraction"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.fill_between(x, [r["adoption_ci95"][0] for r in rows], [r["adoption_ci95"][1] for r in rows],
                    alpha=0.2, linewidth=0)  # fmt: skip
    ax.plot(x, [r["adoption"] for r in rows], marker="o", label=tr(lang, "adoption finale",
                                                                     "final adoption"))  # fmt: skip
    ax.plot(x, [r["tipped_rate"] for r in rows], ls=":",
            label=tr(lang, "part des essais basculés", "share of runs tipped"))  # fmt: skip
    crit = result.get("critical_fraction")
    if crit is not None:
        ax.axvline(crit, ls="--", color="k")
        ax.text(crit, 0.05, " " + share_text(crit, lang, 1))
    from matplotlib.ticker import FuncFormatter

    def tick(v: float, _pos: int) -> str:  # 5 % / 2,5 %, as the pages write shares
        return share_text(v, lang, 0 if abs(100 * v - round(100 * v)) < 1e-9 else 1)

    as_share = FuncFormatter(tick)
    ax.xaxis.set_major_formatter(as_share)
    ax.yaxis.set_major_formatter(as_share)
    ax.set_xlabel(tr(lang, "part de convaincus", "committed share"))
    ax.set_ylim(0, 1.02)
    how = f"{label(MODEL_LABELS, result['model'], lang)}, {label(GRAPH_LABELS, result['graph'], lang)}"
    ax.set_title(tr(lang, "Minorité engagée et bascule", "Committed minority and tipping")
                 + f"\n({how})", fontsize=10)  # fmt: skip
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
