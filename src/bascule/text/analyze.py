"""`bascule analyze`: language, sentiment, hesitation, target mentions and stance of posts.

Incremental (only posts not analysed yet, or all with `redo`), batched and resumable: each
batch is written in one transaction, so an interrupted run continues where it stopped.
`analyze_batch` is a pure function of an Arrow table, so the same code runs embedded or in
Dask partitions. Reposts whose original is in the store inherit the original's analyses
(a repost endorses what it repeats); reposts of unknown posts are read from their own text.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from bascule.config import Config
from bascule.errors import InputError
from bascule.text.language import UNDETERMINED, detect
from bascule.text.sentiment import sentiment
from bascule.text.stance import StanceModel, is_stance, normalize_stance
from bascule.text.targets import TargetMatcher
from bascule.text.weak_labels import WeakLabeler

MODEL_PATH = Path("models") / "stance.joblib"
POST_MODEL = "lid176+vader-fr-en"
FALLBACK_MODEL = "weak-rules"


def cues_only(models: Iterable[str | None]) -> bool:
    """True when these stances were read by the cue rules alone (no trained model): only
    partisan hashtags and official accounts gave favor / against, every other post is none."""
    return set(models) == {FALLBACK_MODEL}


def project_model_path(root: Path) -> Path:
    """Where `stance train` (without --out) and the bootstrap put the project's model."""
    return Path(root) / MODEL_PATH


def load_project_model(root: Path) -> StanceModel | None:
    """The project's trained stance model, or None when there is none yet."""
    path = project_model_path(root)
    if not path.exists():
        return None
    model = StanceModel.load(path)
    check_stance_model(model, path)
    return model


def check_stance_model(model: StanceModel, path: Path | str = "model") -> None:
    """A model used by `analyze` must predict favor / against / none."""
    odd = [c for c in model.classes_ if not is_stance(c)]
    if odd:
        raise InputError(
            f"{path} predicts {list(model.classes_)}, not favor/against/none: it is not a "
            "stance model (train one with `bascule stance train`)"
        )


def _hesitation(texts: list[str]) -> np.ndarray | None:
    try:
        from bascule.text.hesitation import hesitation
    except ImportError:
        return None
    return np.asarray(hesitation(texts), dtype=bool)


def _column(table: pa.Table, name: str) -> list[Any]:
    if name in table.column_names:
        return table.column(name).to_pylist()
    return [None] * table.num_rows


def analyze_batch(
    table: pa.Table, config: Config, model: StanceModel | None
) -> tuple[pa.Table, pa.Table]:
    """Analyse a batch of posts (post_id, text, [lang], [author_handle]): pure, deterministic.

    Returns (post_analyses rows, analyses rows) without timestamps.
    """
    from bascule.store.analyses import ANALYSES_SCHEMA, POST_ANALYSES_SCHEMA

    ids = [str(x) for x in _column(table, "post_id")]
    texts = [t if isinstance(t, str) else "" for t in _column(table, "text")]
    declared = _column(table, "lang")
    handles = _column(table, "author_handle")
    langs, lang_scores = detect(texts)
    langs = [
        (d.split("-")[0].lower() if lg == UNDETERMINED and d else lg)
        for lg, d in zip(langs, declared, strict=True)
    ]
    sent = sentiment(texts, langs)
    hes = _hesitation(texts)
    post_rows = pa.table(
        {
            "post_id": ids,
            "lang": langs,
            "lang_score": lang_scores,
            "sentiment": sent,
            "hesitation": pa.array(hes if hes is not None else [None] * len(ids), pa.bool_()),
            "model": [POST_MODEL] * len(ids),
        },
        schema=POST_ANALYSES_SCHEMA,
    )
    found = TargetMatcher(config.targets).find(texts)
    rows = [i for i, ts in enumerate(found) for _ in ts]
    pair_targets = [t for ts in found for t in ts]
    stances, scores, name = _stances(
        config,
        model,
        [texts[i] for i in rows],
        [handles[i] for i in rows],
        pair_targets,
        sent[rows] if rows else np.zeros(0),
    )
    analysis_rows = pa.table(
        {
            "post_id": [ids[i] for i in rows],
            "target_id": pair_targets,
            "stance": stances,
            "stance_score": scores,
            "sentiment": sent[rows] if rows else np.zeros(0),
            "model": [name] * len(rows),
        },
        schema=ANALYSES_SCHEMA,
    )
    return post_rows, analysis_rows


def _stances(
    config: Config,
    model: StanceModel | None,
    texts: list[str],
    handles: list[Any],
    targets: list[str],
    sent: np.ndarray,
) -> tuple[list[str], np.ndarray, str]:
    if not texts:
        return [], np.zeros(0), getattr(model, "name", FALLBACK_MODEL)
    # A cue the campaign configured (a partisan hashtag, an official account) says the stance
    # outright: it decides, with or without a model. A model trained on these very cues
    # (their words masked) read `#Zemmour2022` as against Zemmour.
    weak = WeakLabeler(config).labels(texts, handles, targets)
    cued = np.array([w is not None for w in weak])
    if model is not None:
        proba = model.predict_proba(texts, targets)
        classes = [normalize_stance(c) for c in model.classes_]
        best = proba.argmax(axis=1)
        stances = [w or classes[j] for w, j in zip(weak, best, strict=True)]
        return stances, np.where(cued, 0.9, proba.max(axis=1)), model.name
    # No model: a stance only where a cue decides. The sign of the sentiment, the default
    # before, reads stance worse than random guesses on SemEval-2016 (bench/RESULTS.md,
    # stance_default) and news of an attack on a target as hostility to it. A post without a
    # cue is `none`, surer the calmer it reads.
    stances = [w or "none" for w in weak]
    scores = np.where(cued, 0.9, 1.0 - np.abs(sent))
    return stances, scores, FALLBACK_MODEL


def analyze(
    project: Any,
    *,
    redo: bool = False,
    batch_size: int = 20000,
    progress: bool = False,
    engine: str = "embedded",
    guard: AbstractContextManager[Any] | None = None,
) -> dict[str, Any]:
    """Analyse every post not analysed yet (every post again with `redo`) and store the
    results.

    `redo` replaces the analyses in place, batch by batch: readers see every post analysed
    throughout, by the old model until its batch comes; an interrupted pass is finished by
    the next `analyze` (`resumed_redo`). `guard` (a lock shared with other readers of the
    store, as the web app's) is held only while the store is read or written, not while
    posts are analysed, so they are not kept waiting.
    """
    from bascule.store import analyses as sql

    if engine != "embedded":
        raise InputError(f"unknown analysis engine {engine!r} (available: embedded)")
    if batch_size < 1:
        raise InputError("batch size must be at least 1")
    store = project.store
    hold = guard if guard is not None else nullcontext()
    model = load_project_model(project.root)
    t0 = time.perf_counter()
    with hold:
        since = sql.start_redo(store, redo=redo)
        total = sql.count_pending(store, older_than=since)
    done = pairs = 0
    after: str | None = None
    with _progress(progress, total) as advance:
        while True:
            with hold:
                batch = sql.pending_batch(store, after=after, limit=batch_size, older_than=since)
            if batch.num_rows == 0:
                break
            post_rows, analysis_rows = analyze_batch(batch, project.config, model)
            with hold:
                sql.write_batch(store, post_rows, analysis_rows)
            after = batch.column("post_id")[-1].as_py()
            done += batch.num_rows
            pairs += analysis_rows.num_rows
            advance(batch.num_rows)
    with hold:
        if since is not None:
            sql.end_redo(store, since)
        inherited_posts, inherited_pairs = sql.inherit_reposts(store)
    seconds = time.perf_counter() - t0
    return {
        "analysed_posts": done,
        "analyses": pairs,
        "inherited_reposts": inherited_posts,
        "inherited_analyses": inherited_pairs,
        "seconds": round(seconds, 3),
        "posts_per_s": round(done / seconds, 1) if done and seconds > 0 else None,
        "resumed_redo": since is not None and not redo,
        "stance_model": model.name if model is not None else FALLBACK_MODEL,
        "hesitation": _hesitation([]) is not None,
    }


class _progress:
    """A rich progress bar on stderr when asked, a no-op otherwise."""

    def __init__(self, show: bool, total: int) -> None:
        self.show, self.total = show, total

    def __enter__(self) -> Any:
        if not self.show:
            return lambda n: None
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=False)
        self._bar.__enter__()
        task = self._bar.add_task("analyse", total=self.total)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            self._bar.__exit__(*exc)
