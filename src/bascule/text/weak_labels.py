"""Weak stance labels for a campaign that has none yet: partisan hashtags, official accounts.

Rules, applied to a (post, target) pair where the post mentions the target:
`#jevotecaq` (a `favor_hashtags` entry) → favor; an `against_hashtags` entry → against; a
post by the target's own official account (or its party's) → favor; a post by a rival
party's or leader's official account → against. A first model trained on these labels
(data programming, Ratner et al., *Snorkel*, VLDB 2017, in its simplest form) then reads
posts that carry no such cue. The cue words are masked from the training text, so the model
cannot just learn the hashtag back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bascule.config import Config, normalize_handle
from bascule.text.normalize import fold

RIVAL_KINDS = ("party", "leader", "candidate")


def camps(config: Config) -> dict[str, set[str]]:
    """Target id → the ids of its camp (itself, its party, the party's leaders)."""
    out: dict[str, set[str]] = {t.id: {t.id} for t in config.targets}
    for t in config.targets:
        if t.party and t.party in out:
            out[t.id].add(t.party)
            out[t.party].add(t.id)
    for t in config.targets:
        if t.party and t.party in out:
            out[t.id] |= out[t.party]
    return out


def handle_camps(config: Config) -> dict[str, set[str]]:
    """Official handle → the target ids of its camp."""
    camp = camps(config)
    out: dict[str, set[str]] = {}
    for t in config.targets:
        for h in t.handles():
            out.setdefault(h, set()).update(camp[t.id])
    return out


class WeakLabeler:
    """Weak stance label of (text, author handle, target) triples, or None when no cue."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.kinds = {t.id: t.kind for t in config.targets}
        self.favor = {t.id: {fold(h).lstrip("#") for h in t.favor_hashtags} for t in config.targets}
        self.against = {
            t.id: {fold(h).lstrip("#") for h in t.against_hashtags} for t in config.targets
        }
        self.handle_camps = handle_camps(config)
        cues = {h for s in (*self.favor.values(), *self.against.values()) for h in s}
        self._mask = (
            re.compile(r"#(?:" + "|".join(re.escape(c) for c in sorted(cues)) + r")\b")
            if cues
            else None
        )

    def label(self, text: str | None, handle: str | None, target_id: str) -> str | None:
        """favor / against from the rules above, None when no rule fires."""
        tags = {m.lower() for m in re.findall(r"#(\w+)", fold(text))} if text else set()
        fav = bool(tags & self.favor.get(target_id, set()))
        aga = bool(tags & self.against.get(target_id, set()))
        if fav != aga:
            return "favor" if fav else "against"
        h = normalize_handle(handle) if handle else ""
        if h in self.handle_camps:
            if target_id in self.handle_camps[h]:
                return "favor"
            if self.kinds.get(target_id) in RIVAL_KINDS:
                return "against"
        return None

    def labels(
        self,
        texts: Sequence[str | None],
        handles: Sequence[str | None],
        targets: Sequence[str],
    ) -> list[str | None]:
        """Weak label of each (text, handle, target) triple."""
        return [self.label(t, h, g) for t, h, g in zip(texts, handles, targets, strict=True)]

    def mask(self, text: str | None) -> str:
        """The text without its label hashtags (so a model learns from the other words)."""
        if not text:
            return ""
        return self._mask.sub(" ", fold(text)) if self._mask else text


NONE_SENTIMENT = 0.05  # posts this close to neutral, with no cue, are weak "none" examples


def training_set(
    config: Config, posts: Any, human: Any, *, seed: int | np.random.Generator = 0
) -> tuple[list[str], list[str], list[str], dict[str, int]]:
    """Texts, labels, targets for a first stance model: weak labels, overridden by humans.

    `posts` is an Arrow table (post_id, text, lang, author_handle); `human` the
    stance_labels table. Cue hashtags are masked; weak "none" examples are neutral mentions,
    sampled to at most the number of favor/against examples.
    """
    from bascule.text.sentiment import sentiment
    from bascule.text.targets import TargetMatcher

    rng = np.random.default_rng(seed)
    labeler = WeakLabeler(config)
    ids = posts.column("post_id").to_pylist()
    texts = [t or "" for t in posts.column("text").to_pylist()]
    handles = posts.column("author_handle").to_pylist()
    langs = [lg or "any" for lg in posts.column("lang").to_pylist()]
    found = TargetMatcher(config.targets).find(texts)
    human_keys = {
        (a, b)
        for a, b in zip(
            human.column("text_id").to_pylist(), human.column("target_id").to_pylist(), strict=True
        )
    }
    pos: list[tuple[str, str, str]] = []
    neutral_rows: list[tuple[int, str]] = []
    sent = sentiment(texts, langs) if texts else np.zeros(0)
    for i, targets in enumerate(found):
        for t in targets:
            if (ids[i], t) in human_keys:
                continue
            w = labeler.label(texts[i], handles[i], t)
            if w is not None:
                pos.append((labeler.mask(texts[i]), w, t))
            elif abs(sent[i]) < NONE_SENTIMENT:
                neutral_rows.append((i, t))
    n_none = min(len(neutral_rows), max(len(pos), 1))
    pick = rng.choice(len(neutral_rows), size=n_none, replace=False) if n_none else []
    none = [(labeler.mask(texts[neutral_rows[j][0]]), "none", neutral_rows[j][1]) for j in pick]
    hum = list(
        zip(
            human.column("text").to_pylist(),
            [normalize_label(x) for x in human.column("label").to_pylist()],
            human.column("target_id").to_pylist(),
            strict=True,
        )
    )
    rows = pos + none + [(t or "", lab, g) for t, lab, g in hum]
    counts = {
        "weak_favor": sum(r[1] == "favor" for r in pos),
        "weak_against": sum(r[1] == "against" for r in pos),
        "weak_none": len(none),
        "human": len(hum),
    }
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], counts


def normalize_label(label: str) -> str:
    """Stance label as stored: favor / against / none."""
    from bascule.text.stance import normalize_stance

    return normalize_stance(label)


def train_project_model(
    project: Any, *, out: Path | None = None, seed: int = 0, C: float = 4.0
) -> dict[str, Any]:
    """Train the project's stance model from weak labels and human labels, and save it.

    With at least `MIN_CHECK` human labels, `check` says how the model does on the labels it
    did not see (k-fold over the human labels, the weak labels always in training): the one
    honest measure of a model made from cues, None before.
    """
    from bascule.errors import InputError
    from bascule.store import analyses as sql
    from bascule.text.analyze import project_model_path
    from bascule.text.stance import StanceModel

    posts = sql.posts_for_bootstrap(project.store)
    human = sql.labels(project.store)
    texts, labels, targets, counts = training_set(project.config, posts, human, seed=seed)
    if len({lab for lab in labels if lab != "none"}) < 1 or len(set(labels)) < 2:
        raise InputError(
            "not enough labels to train a stance model "
            f"({counts}): add favor_hashtags / against_hashtags / accounts to the targets in "
            "bascule.toml, import more posts, or label some with `bascule stance label`",
            fr="pas assez d'exemples pour entraîner un modèle de position "
            f"({counts}) : annotez des publications pour et contre sur cette page, ou "
            "ajoutez des mots-clics partisans (favor_hashtags / against_hashtags) et des "
            "comptes officiels aux cibles dans les réglages",
        )
    model = StanceModel(C=C, name="bootstrap-ngram-lr").fit(texts, labels, targets)
    path = model.save(out or project_model_path(project.root))
    check = check_on_labels(texts, labels, targets, counts["human"], C=C, seed=seed)
    if out is None:  # the project's model: polls read from it say how far to trust it
        from bascule.store.opinion import save_model_check

        save_model_check(
            project.store, {"model": model.name, "human_labels": counts["human"], "check": check}
        )
    return {
        "model": str(path),
        "rows": len(labels),
        **counts,
        "classes": list(model.classes_),
        "check": check,
    }


MIN_CHECK = 20  # human labels from which training measures the model on them
CHECK_FOLDS = 5


def check_on_labels(
    texts: list[str],
    labels: list[str],
    targets: list[str],
    n_human: int,
    *,
    C: float = 4.0,
    seed: int = 0,
) -> dict[str, Any] | None:
    """f_avg, macro-F1 and accuracy of the model on the human labels (the last `n_human`
    rows) it was not trained on, by k-fold; None with fewer than `MIN_CHECK` labels."""
    from bascule.text.stance import StanceModel, scores

    if n_human < MIN_CHECK:
        return None
    start = len(texts) - n_human
    fold = np.random.default_rng(seed).permutation(n_human) % CHECK_FOLDS
    gold: list[str] = []
    pred: list[str] = []
    for k in range(CHECK_FOLDS):
        train = [i for i in range(len(texts)) if i < start or fold[i - start] != k]
        test = [start + j for j in np.flatnonzero(fold == k)]
        if len({labels[i] for i in train}) < 2:
            return None
        m = StanceModel(C=C).fit(
            [texts[i] for i in train], [labels[i] for i in train], [targets[i] for i in train]
        )
        gold += [labels[i] for i in test]
        pred += m.predict([texts[i] for i in test], [targets[i] for i in test]).tolist()
    s = scores(gold, pred)
    return {
        "labels": n_human,
        "folds": CHECK_FOLDS,
        "f_avg": s["f_avg"],
        "macro_f1": s["macro_f1"],
        "accuracy": s["accuracy"],
    }
