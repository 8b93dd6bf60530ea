"""`bascule simulate`, `seeds`, `tipping`: plan the tipping point on the observed network."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import (
    EngineOpt,
    GraphOpt,
    JsonOpt,
    LangOpt,
    ProjectOpt,
    SchedulerOpt,
    WorkersOpt,
    console,
    diffusion_engine,
    open_project,
    print_json,
    ui_lang,
)
from bascule.diffusion.labels import GRAPH_LABELS, MODEL_LABELS
from bascule.i18n import colon, label, number, share, tr

ModelOpt = Annotated[str, typer.Option("--model", help="Diffusion model: ic or lt.")]
ProbOpt = Annotated[
    str,
    typer.Option(
        "--prob",
        help="Edge probabilities: wc (1/in-degree), uniform:P, trivalency, "
        "weight (the file's own), learned (from the store's cascades).",
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same result).")]
RunsOpt = Annotated[int, typer.Option("--runs", help="Monte Carlo runs.", min=1)]
TIPPING_GRAPHS = ("complete", "er", "ba", "observed")


def _graph(project_dir: Path, graph: Path | None):  # noqa: ANN202 - (Graph, project or None)
    """The network of `--graph FILE`, else the project's observed amplification network."""
    if graph is not None:
        from bascule.graph.io import read_graph

        return read_graph(graph), None
    from bascule.graph.build import observed_graph

    project = open_project(project_dir, read_only=True)
    return observed_graph(project), project


def _with_handles(res: dict, graph) -> dict:  # noqa: ANN001
    """Add `seed_handles`: what a person reads for each seed (kept handle or pseudonym)."""
    from bascule.graph.backend import display_handles

    shown = dict(zip(graph.nodes.astype(str), display_handles(graph), strict=True))
    res["seed_handles"] = [shown.get(str(x), str(x)) for x in res.get("seeds", [])]
    return res


def _lookup(graph):  # noqa: ANN001, ANN202 - (name -> id or None)
    """Find an account by id, or by handle (with or without @, any case)."""
    nodes = {str(v) for v in graph.nodes}
    handles = graph.attrs.get("handle")
    by_handle = {}
    if handles is not None:
        by_handle = {
            str(h).lstrip("@").lower(): str(v)
            for h, v in zip(handles, graph.nodes, strict=False)
            if h is not None and str(h)
        }
    return lambda x: x if x in nodes else by_handle.get(x.lstrip("@").lower())


def _ids(path: Path | None, graph) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """Ids from a file (one per line, or the first CSV column), handles resolved to ids; and
    the entries that name no account of `graph` (as written)."""
    if path is None:
        return [], []
    from bascule.errors import InputError

    if not path.exists():
        raise InputError(f"file not found: {path}", fr=f"fichier introuvable : {path}")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        tok = line.split(",")[0].strip()
        if tok and not tok.startswith("#") and tok.lower() not in ("id", "author_id", "node"):
            out.append(tok)
    if not out:
        raise InputError(
            f"{path} names no account (one id or handle per line)",
            fr=f"{path} ne nomme aucun compte (un identifiant ou un pseudo par ligne)",
        )
    find = _lookup(graph)
    ids, unknown = [], []
    for x in out:
        v = find(x)
        if v is None:
            unknown.append(x)
        else:
            ids.append(v)
    return ids, unknown


PSEUDONYM_HINT = (  # French, English
    "un compte dont le pseudo n'est pas conservé se nomme par son pseudonyme (anon-…) ou son "
    "identifiant",
    "an author whose handle is not kept is named by their pseudonym (anon-…) or author id",
)


def _few(names: list[str], lang: str = "en", most: int = 3) -> str:
    """'a', 'b', 'c' and 4 more: the first few of a list of names, quoted."""
    shown = ", ".join(repr(x) for x in names[:most])
    if len(names) <= most:
        return shown
    left = len(names) - most
    more = number(left, lang)
    return shown + tr(lang, f" et {more} autre{'s' if left > 1 else ''}", f" and {more} more")


def _unmatched(
    option: str, path: Path, unknown: list[str], total: int, lang: str, *, ignored: bool = False
) -> str:
    """What a file of accounts named that the network does not hold, as a sentence (saying
    they were `ignored` when the others were used)."""
    names, hint = _few(unknown, lang), PSEUDONYM_HINT[lang == "en"]
    if len(unknown) == total:
        return tr(
            lang,
            f"{option} {path.name} : aucun de ses noms n'est un compte du réseau ({names}) ; "
            f"{hint}",
            f"{option} {path.name}: none of its names is an account of the network ({names}); "
            f"{hint}",
        )
    k, m, one = number(len(unknown), lang), number(total, lang), len(unknown) == 1
    fr = f"n'est pas un compte du réseau{' et a été ignoré' * ignored}"
    if not one:
        fr = f"ne sont pas des comptes du réseau{' et ont été ignorés' * ignored}"
    en = f"{'is not an account' if one else 'are not accounts'} of the network"
    en += (" and was ignored" if one else " and were ignored") * ignored
    return tr(
        lang,
        f"{option} {path.name} : {k} de ses {m} noms {fr} ({names}) ; {hint}",
        f"{option} {path.name}: {k} of its {m} names {en} ({names}); {hint}",
    )


def _accounts(
    option: str,
    path: Path | None,
    graph,  # noqa: ANN001
    *,
    strict: bool = False,
) -> tuple[list[str], list[tuple[str, str]]]:
    """The ids a file of accounts names, and (French, English) warnings about names ignored.

    A file none of whose names is an account of the network is an error (so is any such name
    when `strict`): a name that silently matches nobody would leave, say, an account meant to
    be excluded among the seeds. Pseudonymised authors are stored under `anon-…`, never under
    the handle a user knows them by.
    """
    ids, unknown = _ids(path, graph)
    return ids, _check_names(option, path, ids, unknown, strict=strict)


def _check_names(
    option: str, path: Path, ids: list, unknown: list[str], *, strict: bool = False
) -> list[tuple[str, str]]:
    """An error when no name of a file is an account (or any is not, when `strict`), else
    a (French, English) warning naming those ignored."""
    from bascule.errors import InputError

    if not unknown:
        return []
    total = len(ids) + len(unknown)
    if strict or not ids:
        en, fr = (_unmatched(option, path, unknown, total, lang) for lang in ("en", "fr"))
        raise InputError(en, fr=fr)
    return [tuple(_unmatched(option, path, unknown, total, x, ignored=True) for x in ("fr", "en"))]


def _warn(res: dict, warnings: list[tuple[str, str]], lang: str) -> None:
    """Print (French, English) warnings on stderr in `lang`, and the library's about `k`; the
    result keeps them all in English in `warnings`."""
    from bascule.cli.common import err_console

    res["warnings"] = [en for _, en in warnings] + res.get("warnings", [])
    shown = list(warnings)
    k, e = res.get("k"), res.get("eligible")
    if k is not None and e is not None and k > e:  # in the library's warnings, in English
        n_k, n_e = number(k, lang), number(e, lang)
        shown.append((
            f"k = {n_k} dépasse les {n_e} comptes éligibles : tous sont choisis",
            f"k={k} is more than the {n_e} eligible accounts: all are chosen",
        ))  # fmt: skip
    for fr, en in shown:
        err_console.print(tr(lang, f"Attention : {fr}", f"Warning: {en}"), style="yellow",
                          highlight=False, soft_wrap=True)  # fmt: skip


@contextmanager
def _progress(label: str) -> Iterator:
    """A progress callback drawing a bar on stderr when it is a terminal (else a no-op)."""
    import sys

    if not sys.stderr.isatty():
        yield None
        return
    from rich.progress import Progress

    from bascule.cli.common import err_console

    with Progress(console=err_console, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _costs(path: Path | None, graph) -> tuple[dict[str, float] | None, list[str]]:  # noqa: ANN001
    """Costs from a CSV of name,cost (names resolved like `_ids`), and the names unmatched."""
    if path is None:
        return None, []
    from bascule.errors import InputError

    if not path.exists():
        raise InputError(f"file not found: {path}", fr=f"fichier introuvable : {path}")
    out: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 2 or not parts[0] or parts[0].startswith("#"):
            continue
        try:
            out[parts[0]] = float(parts[1])
        except ValueError:
            if out:
                raise InputError(
                    f"bad cost line in {path}: {line!r}",
                    fr=f"ligne de coût illisible dans {path} : {line!r}",
                ) from None
    if not out:
        raise InputError(
            f"{path} gives no cost (one id,cost line per account)",
            fr=f"{path} ne donne aucun coût (une ligne identifiant,coût par compte)",
        )
    find = _lookup(graph)
    costs, unknown = {}, []
    for name, c in out.items():
        v = find(name)
        if v is None:
            unknown.append(name)
        else:
            costs[v] = c
    return costs, unknown


def _select(
    dg,
    algorithm: str,
    k: int,
    model: str,
    eps: float,
    seed: int,
    ex,
    cand,  # noqa: ANN001
    costs: dict[str, float] | None,
    budget: float | None,
    runs: int,
) -> dict:
    """Seeds by the chosen algorithm, with reach from an independent simulation."""
    import numpy as np

    from bascule.diffusion import baselines, celf, imm
    from bascule.diffusion.simulate import spreads, summarize
    from bascule.errors import InputError

    if algorithm not in ("imm", "celf", "degree", "pagerank"):
        raise InputError(
            f"unknown algorithm {algorithm!r}: use imm, celf, degree or pagerank",
            fr=f"algorithme inconnu {algorithm!r} : choisissez imm, celf, degree ou pagerank",
        )
    if algorithm != "imm" and (costs is not None or budget is not None):
        raise InputError(
            f"--costs and --budget are for --algorithm imm only ({algorithm} would ignore them)",
            fr=f"--costs et --budget ne servent qu'avec --algorithm imm ({algorithm} les "
            "ignorerait)",
        )
    if algorithm == "imm":
        return imm.seeds(dg, k, model=model, eps=eps, seed=seed, exclude=ex, candidates=cand,
                         costs=costs, budget=budget, runs=runs)  # fmt: skip
    if algorithm == "celf":
        return celf.celf(dg, k, model=model, seed=seed, exclude=ex, candidates=cand, eval_runs=runs)
    allowed, _ = imm.constraints(dg, exclude=ex, candidates=cand)
    pick = baselines.degree_seeds if algorithm == "degree" else baselines.pagerank_seeds
    chosen = pick(dg, k, allowed=allowed)
    out, _ = spreads(dg, chosen, model=model, runs=runs, seed=[seed, 7])
    return {
        "algorithm": algorithm,
        "model": model,
        "k": k,
        "eligible": int(allowed.sum()),
        "seeds": [str(dg.nodes[i]) for i in chosen],
        "spread": summarize(out) if len(chosen) else summarize(np.zeros(2)),
        "warnings": imm.eligible_warnings(k, int(allowed.sum())),
    }


def _supporting(project_dir: Path, proj, target: str, cand: list[str] | None,
                candidates: Path | None, graph) -> list[str]:  # noqa: ANN001  # fmt: skip
    """The accounts of the network that support `target` (among `cand` when given)."""
    from bascule.errors import InputError
    from bascule.store.diffusion import supporters as sup

    proj = proj or open_project(project_dir, read_only=True)
    found = sup(proj.store, target)
    if not found:  # an unknown target (say so), or one nobody supports yet
        found = sup(proj.store, proj.config.target(target).id)
    nodes = {str(v) for v in graph.nodes}
    found = [x for x in found if x in nodes]
    if not found:
        raise InputError(
            f"no account of the network supports {target!r} (yet)",
            fr=f"aucun compte du réseau ne soutient {target!r} (pour l'instant)",
        )
    if cand is None:
        return found
    both = sorted(set(cand) & set(found))
    if not both:
        raise InputError(
            f"none of the accounts of --candidates {candidates.name} supports {target!r}",
            fr=f"aucun des comptes de --candidates {candidates.name} ne soutient {target!r}",
        )
    return both


def _committed(row: dict, supporters: str | None, lang: str = "en") -> str:
    """One community's tipping need, as a sentence (`committed_needed` is None when it
    does not tip even with every candidate committed).
    """
    need, cand = row["committed_needed"], row.get("candidates", row["size"])
    if supporters:
        one = tr(lang, f"partisan de {supporters}", f"supporter of {supporters}")
        many = tr(lang, f"partisans de {supporters}", f"supporters of {supporters}")
    else:
        one, many = tr(lang, "membre", "member"), tr(lang, "membres", "members")
    if need is not None:
        who = one if need == 1 else many
        n, frac = number(need, lang), share(row["fraction"], lang, 1)
        return tr(
            lang,
            f"{n} {who} convaincu{'' if need == 1 else 's'} "
            f"({frac} de la communauté) {'la fait' if need == 1 else 'la font'} basculer",
            f"{n} committed {who} ({frac} of the community) {'tips' if need == 1 else 'tip'} it",
        )
    if not cand:
        if supporters:
            return tr(
                lang,
                f"ne bascule pas : aucun de ses membres n'est {one}",
                f"cannot tip: none of its members are {many}",
            )
        return tr(lang, "ne bascule pas", "cannot tip")
    if cand == 1:
        return tr(
            lang,
            f"ne bascule pas, même avec son seul {one} convaincu",
            f"does not tip even with its one {one} committed",
        )
    return tr(
        lang,
        f"ne bascule pas, même avec ses {number(cand, lang)} {many} convaincus",
        f"does not tip even with all {number(cand, lang)} {many} committed",
    )


def _committed_spread(row: dict, lang: str = "en") -> str:
    """How sure a naming-game community's answer is, to follow `_committed` ("" for the
    threshold model, whose answer is exact): the interval of committed counts not ruled
    out, and the share of runs that tip with the answer and with one fewer."""
    from bascule.i18n import share_range

    rate, need = row.get("rate_needed"), row["committed_needed"]
    if rate is None:
        return ""

    def measured(r: dict) -> tuple[str, str, str]:
        lo, hi = r["ci95"]
        return share(r["rate"], lang), number(r["runs"], lang), share_range(lo, hi, lang)

    if need is None:
        pct, runs, ci = measured(rate)
        k = number(rate["committed"], lang)
        return tr(lang, f" ({pct} de {runs} essais basculent avec {k} convaincus ; IC 95\u202f% {ci})",
                  f" ({pct} of {runs} runs tip with {k} committed; 95% CI {ci})")  # fmt: skip
    low, high = row.get("needed_low"), row.get("needed_high")
    parts = []
    if high is None:
        k = number(low, lang)
        parts.append(tr(lang, f"{k} ou plus (même tous ne la font peut-être pas basculer)",
                        f"{k} or more (even all may not tip it)"))  # fmt: skip
    elif low != high:
        a, b = number(low, lang), number(high, lang)
        parts.append(tr(lang, f"vraisemblablement entre {a} et {b}",
                        f"plausibly between {a} and {b}"))  # fmt: skip
    pct, runs, ci = measured(rate)
    at = tr(lang, f"{pct} de {runs} essais basculent avec {number(need, lang)} ({ci})",
            f"{pct} of {runs} runs tip with {number(need, lang)} ({ci})")  # fmt: skip
    below = row.get("rate_below")
    if below is not None:
        b_pct, b_runs, b_ci = measured(below)
        k = number(below["committed"], lang)
        at += tr(lang, f", {b_pct} de {b_runs} avec {k} ({b_ci})",
                 f", {b_pct} of {b_runs} with {k} ({b_ci})")  # fmt: skip
    parts.append(at)
    sep = tr(lang, " ; ", "; ")
    return sep + sep.join(parts)


def _seeds(n: int, lang: str, algorithm: str | None = None) -> str:
    """ "12 seeds (imm) reach" / "1 amorce atteint": the subject and verb of a reach."""
    how = f" ({algorithm})" if algorithm else ""
    if n == 1:
        return tr(lang, f"1 amorce{how} atteint", f"1 seed{how} reaches")
    k = number(n, lang)
    return tr(lang, f"{k} amorces{how} atteignent", f"{k} seeds{how} reach")


def _interval(spread: dict, lang: str) -> str:
    """The 95 % interval of a Monte Carlo mean, as "[12,3 – 15,0]"."""
    lo, hi = (number(x, lang, 1) for x in spread["ci95"])
    return tr(lang, f"IC à 95 % : {lo} – {hi}", f"95% CI {lo}–{hi}")


def _plausible(res: dict, lang: str) -> str:
    """Where the crossing may be given the runs of each point, when that is wider than the
    bracket of the rates measured (a tipping rate that stays near one half over a range)."""
    low, high = res.get("critical_plausible") or (None, None)
    bracket = res.get("critical_interval") or (None, None)
    if low is None or (low, high) == tuple(bracket):
        return ""
    a = share(low, lang, 1)
    if high is None:
        return tr(lang, f" ; vraisemblablement au-delà de {a}", f"; plausibly above {a}")
    b = share(high, lang, 1)
    return tr(lang, f" ; vraisemblablement entre {a} et {b}", f"; plausibly between {a} and {b}")


def _tipping_sentence(res: dict, lang: str) -> str:
    """The tipping point as a sentence: the critical fraction, or, when no fraction tipped,
    the most any fraction of the sweep won over (naming-game runs tip at consensus, so a
    network can be nearly won over without tipping within the time allowed)."""
    sweeps = res["params"].get("max_sweeps")
    within_fr = within_en = ""
    if sweeps is not None:  # the naming game: tipped means everyone agreed in time
        k = number(sweeps, lang)
        within_fr, within_en = f" en {k} tours au plus", f" within {k} sweeps"
    crit = res["critical_fraction"]
    if crit is not None:
        how = (
            f"{label(MODEL_LABELS, res['model'], lang)}, {label(GRAPH_LABELS, res['graph'], lang)}"
        )
        if res.get("graph_file"):
            how += f" {Path(res['graph_file']).name}"
        n, c = number(res["n"], lang), share(crit, lang, 1)
        u = number(100 * res["uncertainty"], lang, 1)
        tail_fr = f" ; consensus{within_fr}" if sweeps is not None else ""
        tail_en = f"; consensus{within_en}" if sweeps is not None else ""
        return tr(
            lang,
            f"Point de bascule ({how}, n = {n}) : {c} de convaincus (± {u} point{tail_fr})",
            f"Tipping point ({how}, n={n}): {c} committed (± {u} points{tail_en})",
        ) + _plausible(res, lang)
    rows = res["curve"]
    most = max(rows, key=lambda r: r["adoption"])
    high = next((r for r in rows if r["adoption"] >= 0.9), most)
    f, a = share(high["fraction"], lang, 1), share(high["adoption"], lang, 1)
    if sweeps is None:  # threshold: tipped means a majority adopted
        return tr(
            lang,
            f"Aucune part convaincue du balayage n'a gagné la majorité ; au mieux, avec {f} "
            f"de convaincus, {a} ont adopté.",
            f"No committed fraction in the sweep won a majority over; at best, at {f} "
            f"committed, {a} adopted.",
        )
    if high["adoption"] >= 0.5:
        return tr(
            lang,
            f"Aucune part convaincue du balayage n'a rallié tout le réseau{within_fr} ; "
            f"avec {f} de convaincus, {a} ont pourtant adopté (--max-sweeps pour attendre "
            "plus longtemps).",
            f"No committed fraction in the sweep brought the whole network round{within_en}; "
            f"yet at {f} committed, {a} adopted (--max-sweeps to wait longer).",
        )
    return tr(
        lang,
        f"Aucune part convaincue du balayage n'a rallié tout le réseau{within_fr} ; au mieux, "
        f"avec {f} de convaincus, {a} ont adopté.",
        f"No committed fraction in the sweep brought the whole network round{within_en}; at "
        f"best, at {f} committed, {a} adopted.",
    )


def register(app: typer.Typer) -> None:
    """Add `simulate`, `seeds` and `tipping` to `app`."""

    @app.command()
    def simulate(
        project: ProjectOpt = Path("."),
        graph: GraphOpt = None,
        seeds: Annotated[
            Path | None, typer.Option("--seeds", help="File of seed ids, one per line.")
        ] = None,
        top: Annotated[
            int | None,
            typer.Option("--top", help="Seed the K accounts with most out-edges.", min=1),
        ] = None,
        model: ModelOpt = "ic",
        prob: ProbOpt = "wc",
        runs: RunsOpt = 1000,
        seed: SeedOpt = 0,
        by_community: Annotated[
            bool, typer.Option("--by-community", help="Break reach down per stored community.")
        ] = False,
        engine: EngineOpt = "embedded",
        workers: WorkersOpt = 2,
        scheduler: SchedulerOpt = None,
        json: JsonOpt = False,
        lang: LangOpt = None,
    ) -> None:
        """Expected reach of a set of seed accounts (Monte Carlo, 95% interval)."""
        from bascule.diffusion.baselines import degree_seeds
        from bascule.diffusion.probabilities import prepare
        from bascule.diffusion.simulate import simulate as run
        from bascule.errors import InputError

        if (seeds is None) == (top is None):
            raise InputError(
                "give --seeds FILE or --top K" + (", not both" if seeds is not None else ""),
                fr="donnez --seeds FICHIER ou --top K" + (", pas les deux" if seeds else ""),
            )
        g, proj = _graph(project, graph)
        dg = prepare(g, prob, model=model, project=proj, seed=seed)
        if seeds is not None:  # the reach of other seeds than those asked would mislead
            ids, _ = _accounts("--seeds", seeds, g, strict=True)
        else:
            ids = [str(dg.nodes[i]) for i in degree_seeds(dg, top)]
        groups = min_size = None
        if by_community:
            from bascule.store.diffusion import communities

            proj = proj or open_project(project, read_only=True)
            groups = communities(proj.store) or None
            min_size = proj.config.privacy.min_group_size
        with diffusion_engine(engine, workers, scheduler):
            res = run(dg, ids, model=model, runs=runs, seed=seed, groups=groups,
                      min_group_size=min_size)  # fmt: skip
        res["prob"] = prob
        _with_handles(res, g)
        if json:
            print_json(res)
            return
        lang = ui_lang(project, proj, lang)
        s = res["spread"]
        mean, nodes = number(s["mean"], lang, 1), number(res["nodes"], lang)
        how = f"{label(MODEL_LABELS, model, lang)}, {prob}, {number(runs, lang)}"
        console.print(
            tr(
                lang,
                f"{_seeds(len(res['seeds']), lang)} {mean} des {nodes} comptes "
                f"({_interval(s, lang)} ; {how} simulations)",
                f"{_seeds(len(res['seeds']), lang)} {mean} of {nodes} accounts "
                f"({_interval(s, lang)}; {how} runs)",
            )
        )
        for row in res.get("groups", []):
            frac, size = share(row["fraction"], lang, 1), number(row["size"], lang)
            reached = number(row["reached"]["mean"], lang, 1)
            console.print(
                tr(
                    lang,
                    f"  communauté {row['group']} : {frac} de {size} ({reached} atteints)",
                    f"  community {row['group']}: {frac} of {size} ({reached} reached)",
                )
            )
        if res.get("groups_suppressed"):
            hidden, floor = number(res["groups_suppressed"], lang), res["min_group_size"]
            console.print(
                tr(
                    lang,
                    f"  {hidden} communautés de moins de {floor} comptes masquées "
                    "(privacy.min_group_size).",
                    f"  {hidden} communities of fewer than {floor} accounts hidden "
                    "(privacy.min_group_size).",
                )
            )

    @app.command(name="seeds")
    def seeds_cmd(
        project: ProjectOpt = Path("."),
        graph: GraphOpt = None,
        k: Annotated[int, typer.Option("--k", help="How many seed accounts.")] = 50,
        model: ModelOpt = "ic",
        prob: ProbOpt = "wc",
        eps: Annotated[float, typer.Option("--eps", help="IMM approximation slack ε.")] = 0.1,
        seed: SeedOpt = 0,
        algorithm: Annotated[
            str, typer.Option("--algorithm", help="imm, celf (small graphs), degree, pagerank.")
        ] = "imm",
        exclude: Annotated[
            Path | None, typer.Option("--exclude", help="File of accounts never to choose.")
        ] = None,
        candidates: Annotated[
            Path | None, typer.Option("--candidates", help="File of the only accounts to choose.")
        ] = None,
        supporters: Annotated[
            str | None,
            typer.Option("--supporters", help="Choose only among supporters of this target id."),
        ] = None,
        costs: Annotated[
            Path | None, typer.Option("--costs", help="CSV of id,cost (with --budget).")
        ] = None,
        budget: Annotated[
            float | None, typer.Option("--budget", help="Total cost allowed.")
        ] = None,
        runs: RunsOpt = 1000,
        engine: EngineOpt = "embedded",
        workers: WorkersOpt = 2,
        scheduler: SchedulerOpt = None,
        json: JsonOpt = False,
        lang: LangOpt = None,
    ) -> None:
        """Who to convince first: k seeds maximising expected reach (IMM, Tang et al. 2015)."""
        import time

        from bascule.diffusion.probabilities import prepare

        t0 = time.perf_counter()
        g, proj = _graph(project, graph)
        warnings: list[tuple[str, str]] = []
        cand = None
        if candidates:
            cand, warned = _accounts("--candidates", candidates, g)
            warnings += warned
        if supporters:
            cand = _supporting(project, proj, supporters, cand, candidates, g)
        ex, warned = _accounts("--exclude", exclude, g)
        warnings += warned
        cost_map = None
        if costs is not None:
            cost_map, unknown = _costs(costs, g)
            warnings += _check_names("--costs", costs, list(cost_map), unknown)
        dg = prepare(g, prob, model=model, project=proj, seed=seed)
        with diffusion_engine(engine, workers, scheduler):
            res = _select(dg, algorithm, k, model, eps, seed, ex, cand, cost_map, budget, runs)
        res["prob"] = prob
        res["seconds_command"] = time.perf_counter() - t0
        _with_handles(res, g)
        lang = ui_lang(project, proj, lang)
        _warn(res, warnings, lang)
        if json:
            print_json(res)
            return
        s = res["spread"]
        algo, mean = res["algorithm"], number(s["mean"], lang, 1)
        took = number(res["seconds_command"], lang, 2)
        console.print(
            tr(
                lang,
                f"{_seeds(len(res['seeds']), lang, algo)} {mean} comptes "
                f"({_interval(s, lang)}), en {took} s",
                f"{_seeds(len(res['seeds']), lang, algo)} {mean} accounts "
                f"({_interval(s, lang)}), in {took} s",
            )
        )
        console.print(", ".join(res["seed_handles"][:50]), highlight=False)

    @app.command()
    def tipping(
        project: ProjectOpt = Path("."),
        model: Annotated[
            str, typer.Option("--model", help="naming-game (Xie 2011) or threshold (Watts 2002).")
        ] = "naming-game",
        graph: Annotated[
            str,
            typer.Option("--graph", help="complete, er, ba, observed, or a network FILE."),
        ] = "complete",
        n: Annotated[int, typer.Option("--n", help="Nodes of a generated graph.")] = 1000,
        degree: Annotated[float, typer.Option("--degree", help="Mean degree (er, ba).")] = 4.0,
        phi: Annotated[
            float, typer.Option("--phi", help="Adoption threshold (0-1).", min=0.0, max=1.0)
        ] = 0.18,
        runs: RunsOpt = 16,
        max_sweeps: Annotated[
            int | None,
            typer.Option(
                "--max-sweeps",
                help="Naming game: longest a run may last before it counts as not tipped, in "
                "sweeps (each account speaks once per sweep on average). Default: 10 times "
                "the network's median time to consensus with 20% committed (at most 10,000).",
                min=1,
            ),
        ] = None,
        seed: SeedOpt = 0,
        whole_curve: Annotated[
            bool,
            typer.Option(
                "--whole-curve",
                help="Naming game: measure every committed fraction of the sweep, for the "
                "whole adoption curve (the threshold model always does). Default: the lowest "
                "and the highest, then halve the interval where the network tips: the same "
                "tipping point from far fewer runs.",
            ),
        ] = False,
        by_community: Annotated[
            bool,
            typer.Option("--by-community", help="Per community: committed supporters needed."),
        ] = False,
        supporters: Annotated[
            str | None, typer.Option("--supporters", help="Committed among supporters of target.")
        ] = None,
        window: Annotated[
            bool,
            typer.Option("--window", help="Also the threshold model's cascade window (Watts)."),
        ] = False,
        png: Annotated[Path | None, typer.Option("--png", help="Write the curve as a PNG.")] = None,
        engine: EngineOpt = "embedded",
        workers: WorkersOpt = 2,
        scheduler: SchedulerOpt = None,
        json: JsonOpt = False,
        lang: LangOpt = None,
    ) -> None:
        """Smallest committed minority that tips the network (critical fraction and curve)."""
        from bascule.diffusion import tipping as tp
        from bascule.errors import InputError

        lang = ui_lang(project, lang=lang)
        if supporters and not by_community:
            raise InputError(
                "--supporters goes with --by-community (committed supporters per community)",
                fr="--supporters va avec --by-community (partisans convaincus par communauté)",
            )
        if by_community and graph in ("complete", "er", "ba"):
            raise InputError(
                f"--by-community needs a real network (--graph observed or FILE), not {graph}",
                fr=f"--by-community demande un vrai réseau (--graph observed ou FICHIER), "
                f"pas {graph}",
            )
        g = proj = None
        kind = graph
        if graph not in TIPPING_GRAPHS:
            from bascule.graph.io import read_graph

            g, kind = read_graph(Path(graph)), "file"
        elif graph == "observed":
            g, proj = _graph(project, None)
        backers = None
        if supporters:  # (with --by-community) known before the sweep, which takes a while
            from bascule.store.diffusion import supporters as sup

            proj = proj or open_project(project, read_only=True)
            backers = sup(proj.store, supporters)
            if not backers:  # an unknown target (say so), or one nobody supports yet
                backers = sup(proj.store, proj.config.target(supporters).id)
        with (
            _progress(
                tr(lang, "balayage de la part convaincue", "sweeping the committed fraction")
            ) as bar,
            diffusion_engine(engine, workers, scheduler),
        ):
            res = tp.tipping(model, kind, n=n, seed=seed, graph=g, degree=degree, phi=phi,
                             runs=runs, max_sweeps=max_sweeps, whole_curve=whole_curve,
                             progress=bar)  # fmt: skip
        if kind == "file":
            res["graph_file"] = graph
        if by_community and g is not None:
            from bascule.store.diffusion import communities

            proj = proj or open_project(project, read_only=True)
            res["communities"] = tp.community_tipping(
                g,
                communities(proj.store),
                supporters=backers,
                model=model,
                phi=phi,
                min_size=proj.config.privacy.min_group_size,
                runs=runs,
                seed=seed,
            )
        if window:
            with _progress(tr(lang, "fenêtre de cascade", "cascade window")) as bar:
                res["cascade_window"] = tp.watts_window(phi, n=max(n, 1000), seed=seed,
                                                        progress=bar)  # fmt: skip
        if png is not None:
            tp.tipping_png(res, png, lang)
        if json:
            print_json(res)
            return
        console.print(_tipping_sentence(res, lang), highlight=False)
        if res.get("left_out"):
            out = number(res["left_out"], lang)
            console.print(
                tr(
                    lang,
                    f"  sur la partie connexe du réseau : {out} comptes qu'aucun chemin n'atteint "
                    "ont été laissés de côté (la minorité convaincue ne leur parvient jamais)",
                    f"  on the connected part of the network: {out} accounts no path reaches were "
                    "left out (they never hear the committed minority)",
                )
            )
        for row in res.get("communities", []):
            k = row["size"]
            size = tr(lang, f"{number(k, lang)} compte{'s' if k > 1 else ''}",
                      f"{number(k, lang)} account{'s' if k != 1 else ''}")  # fmt: skip
            sep = colon(lang)
            console.print(f"  {tr(lang, 'communauté', 'community')} {row['community']} ({size})"
                          f"{sep}{_committed(row, supporters, lang)}"
                          f"{_committed_spread(row, lang)}")  # fmt: skip
        if window:
            w = res["cascade_window"]

            def span(v: list | None) -> str:
                if v is None:
                    return tr(lang, "aucune", "none")
                return f"{number(v[0], lang, 2)}–{number(v[1], lang, 2)}"

            analytic, simulated = span(w["analytic_window"]), span(w["simulated_window"])
            console.print(
                tr(
                    lang,
                    f"Fenêtre de cascade (phi = {number(phi, lang, 2)}, degré moyen) : analytique "
                    f"{analytic}, simulée {simulated}",
                    f"Cascade window (phi={phi}, mean degree): analytic {analytic}, "
                    f"simulated {simulated}",
                )
            )
