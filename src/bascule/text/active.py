"""Active learning for stance labels: show a person the posts the model is least sure of.

Uncertainty sampling (Lewis & Gale, *A Sequential Algorithm for Training Text Classifiers*,
SIGIR 1994): the next posts to label are those whose predicted class distribution has the
highest entropy; the model is retrained as labels arrive. The terminal loop lives in the CLI;
this module holds the pure parts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

KEYS = {"f": "favor", "a": "against", "n": "none"}


def entropy(proba: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row of class probabilities (higher = less sure)."""
    p = np.clip(np.asarray(proba, dtype=float), 1e-12, 1.0)
    return -(p * np.log(p)).sum(axis=1)


def most_informative(
    proba: np.ndarray, k: int, *, seed: int | np.random.Generator = 0
) -> np.ndarray:
    """Indices of the `k` most uncertain rows (ties broken at random with `seed`)."""
    if len(proba) == 0 or k <= 0:
        return np.zeros(0, dtype=int)
    rng = np.random.default_rng(seed)
    h = entropy(proba) + rng.uniform(0, 1e-9, len(proba))
    return np.argsort(-h, kind="stable")[: min(k, len(proba))]


def label_loop(
    candidates: Any,
    *,
    ask: Callable[[str, str, str], str | None],
    save: Callable[[str, str, str, str], None],
    retrain: Callable[[], Any],
    model: Any = None,
    n: int = 20,
    retrain_every: int = 10,
    seed: int = 0,
) -> dict[str, int]:
    """Ask for up to `n` labels, most informative first; retrain every `retrain_every` labels.

    `candidates` is an Arrow table (post_id, target_id, text); `ask(text, target, guess)`
    returns favor / against / none, "" to skip, or None to stop; `save(post_id, target,
    text, label)` stores a label; `retrain()` returns the new model (or None).
    """
    ids = candidates.column("post_id").to_pylist()
    targets = candidates.column("target_id").to_pylist()
    texts = [t or "" for t in candidates.column("text").to_pylist()]
    remaining = list(range(len(ids)))
    done = skipped = retrained = 0
    while remaining and done < n:
        order, guesses = rank(model, texts, targets, remaining, retrain_every, seed)
        for j, guess in zip(order, guesses, strict=True):
            i = remaining[j]
            answer = ask(texts[i], targets[i], guess)
            if answer is None:
                return {"labelled": done, "skipped": skipped, "retrained": retrained}
            if answer == "":
                skipped += 1
            else:
                save(ids[i], targets[i], texts[i], answer)
                done += 1
            remaining[j] = -1
            if done >= n:
                break
        remaining = [r for r in remaining if r >= 0]
        if done < n and remaining:
            new = retrain()
            if new is not None:
                model, retrained = new, retrained + 1
    return {"labelled": done, "skipped": skipped, "retrained": retrained}


def rank(
    model: Any,
    texts: list[str],
    targets: list[str],
    remaining: list[int],
    k: int,
    seed: int,
) -> tuple[list[int], list[str]]:
    """Positions (in `remaining`) of the next `k` posts to label, and the model's guesses."""
    if model is None:
        order = np.random.default_rng(seed).permutation(len(remaining))[:k]
        return order.tolist(), [""] * len(order)
    proba = model.predict_proba([texts[i] for i in remaining], [targets[i] for i in remaining])
    order = most_informative(proba, k, seed=seed)
    return order.tolist(), [str(model.classes_[proba[j].argmax()]) for j in order]
