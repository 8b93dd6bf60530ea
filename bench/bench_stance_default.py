"""Stance with no trained model: is the sign of a post's sentiment a stance?

Until a campaign trains a model, `bascule analyze` gives a stance only where a cue fires
(partisan hashtags, official accounts) and `none` elsewhere. This benchmark keeps the measure
behind that choice: on the SemEval-2016 stance tweets (all 2,814 labelled training rows, since
nothing is trained), reading favor / against from the sign of Bascule's sentiment score does
no better than guessing at random, per target and overall.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bascule.text.sentiment import sentiment
from bascule.text.stance import scores

THRESHOLD = 0.35  # |sentiment| from which the former default read favor / against
GUESSES = 20  # random draws averaged for the chance level


def _read(data: Path) -> pd.DataFrame:
    path = data / "semeval2016_stance" / "train.tsv"
    return pd.read_csv(
        path, sep="\t", dtype=str, keep_default_na=False, quoting=3, encoding_errors="replace"
    )


def _by_sentiment(values: np.ndarray, threshold: float) -> list[str]:
    return ["FAVOR" if v >= threshold else "AGAINST" if v <= -threshold else "NONE" for v in values]


def _chance(gold: list[str], seed: int = 0) -> float:
    """Mean f_avg of uniform random guesses among the three stances."""
    rng = np.random.default_rng(seed)
    labels = np.array(["FAVOR", "AGAINST", "NONE"], dtype=object)
    return float(
        np.mean(
            [scores(gold, rng.choice(labels, len(gold)).tolist())["f_avg"] for _ in range(GUESSES)]
        )
    )


def run(data: Path, quick: bool) -> str:
    """Benchmark section (Markdown) for bench/RESULTS.md."""
    df = _read(data)
    values = sentiment(df.Tweet.tolist(), ["en"] * len(df))
    rows = []
    for target in [*sorted(df.Target.unique()), None]:
        mask = (df.Target == target).to_numpy() if target else np.ones(len(df), bool)
        gold = df.Stance[mask].tolist()
        loose = scores(gold, _by_sentiment(values[mask], 0.05))
        strict = scores(gold, _by_sentiment(values[mask], THRESHOLD))
        rows.append((target or "**all targets**", len(gold), strict, loose, _chance(gold)))
        print(
            f"{target or 'all':35s} sentiment sign f_avg {strict['f_avg']:.3f} "
            f"(loose {loose['f_avg']:.3f}), chance {rows[-1][4]:.3f}"
        )
    lines = [
        "## stance_default",
        "",
        "Stance without a trained model. Reading favor / against from the sign of Bascule's "
        f"sentiment score (|score| >= {THRESHOLD}, the former default of `bascule analyze`; "
        "and >= 0.05) on the SemEval-2016 stance tweets (train file, all labelled rows: "
        "nothing is trained), beside uniform random guesses (mean of "
        f"{GUESSES} draws). f_avg is SemEval's metric (mean F1 of favor and against).",
        "",
        "| target | tweets | sentiment sign f_avg | accuracy | sign at 0.05 f_avg | "
        "random guesses f_avg |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, n, strict, loose, chance in rows:
        lines.append(
            f"| {name} | {n:,} | {strict['f_avg']:.3f} | {strict['accuracy']:.3f} | "
            f"{loose['f_avg']:.3f} | {chance:.3f} |"
        )
    overall = rows[-1]
    gap = overall[2]["f_avg"] - overall[4]
    verdict = "worse than" if gap < -0.02 else "no better than" if gap <= 0.02 else "better than"
    lines += [
        "",
        f"Overall the sentiment sign scores **{overall[2]['f_avg']:.3f}** against "
        f"**{overall[4]:.3f}** for random guesses: {verdict} chance. Sentiment says how a post "
        "feels, not whom it is for: news of an attack on a target reads as hostility to it. "
        "So `bascule analyze` without a model labels only the posts a cue decides (partisan "
        "hashtags, official accounts) and leaves the others `none`; a model trained with "
        "`bascule stance label` / `bascule stance train` reads the rest.",
    ]
    return "\n".join(lines)
