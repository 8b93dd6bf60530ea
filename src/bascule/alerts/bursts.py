"""Bursts of terms, hashtags and links against their own baseline.

Kleinberg's two-state automaton on batched counts (Kleinberg, "Bursty and Hierarchical
Structure in Streams", KDD 2002, section 4, the binomial form): each hour, a term appears in
`r` of the `d` posts; in the base state at the term's own average rate p0, in the burst state
at s * p0, and entering the burst state costs gamma * ln(n hours). The cheapest state
sequence (Viterbi) marks the bursts. Written here: no maintained Python library implements it
(the `burst_detection` package on PyPI is unmaintained since 2018).
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from scipy.special import xlog1py, xlogy

from bascule.text.normalize import fold

STOPWORDS = frozenset(
    [
        "alors",
        "avant",
        "avoir",
        "cette",
        "comme",
        "depuis",
        "donc",
        "elles",
        "encore",
        "entre",
        "faire",
        "leurs",
        "leur",
        "mais",
        "même",
        "notre",
        "parce",
        "plus",
        "pour",
        "quand",
        "quelle",
        "quelque",
        "sans",
        "selon",
        "sont",
        "sous",
        "tout",
        "toute",
        "toutes",
        "tous",
        "votre",
        "about",
        "after",
        "again",
        "being",
        "could",
        "every",
        "first",
        "other",
        "their",
        "there",
        "these",
        "thing",
        "think",
        "those",
        "through",
        "today",
        "where",
        "which",
        "while",
        "would",
        "should",
        "still",
        "really",
        "people",
        "because",
    ]
)


def kleinberg(
    counts: np.ndarray, totals: np.ndarray, *, s: float = 2.0, gamma: float = 1.0
) -> np.ndarray:
    """Kleinberg's two-state burst states (0 base, 1 burst) for each batch."""
    r = np.asarray(counts, dtype=float)
    d = np.asarray(totals, dtype=float)
    n = r.size
    if n == 0 or d.sum() == 0:
        return np.zeros(n, dtype=int)
    p0 = r.sum() / d.sum()
    p1 = min(s * p0, 0.9999)
    if p0 <= 0 or p0 >= p1:
        return np.zeros(n, dtype=int)
    cost = np.stack(
        [-(xlogy(r, p) + xlog1py(d - r, -p)) for p in (p0, p1)]
    )  # negative log-likelihood of each batch in each state (binomial coefficient cancels)
    up = gamma * np.log(n)
    best = np.array([cost[0, 0], cost[1, 0] + up])
    back = np.zeros((n, 2), dtype=int)
    for t in range(1, n):
        stay0, from1_to0 = best[0], best[1]
        to1_from0, stay1 = best[0] + up, best[1]
        back[t, 0] = 0 if stay0 <= from1_to0 else 1
        back[t, 1] = 0 if to1_from0 < stay1 else 1
        best = np.array([min(stay0, from1_to0) + cost[0, t], min(to1_from0, stay1) + cost[1, t]])
    states = np.zeros(n, dtype=int)
    states[-1] = int(np.argmin(best))
    for t in range(n - 1, 0, -1):
        states[t - 1] = back[t, states[t]]
    return states


def _runs(states: np.ndarray) -> list[tuple[int, int]]:
    """[start, end] index pairs of the runs of 1s."""
    out, start = [], None
    for i, v in enumerate(states):
        if v and start is None:
            start = i
        if not v and start is not None:
            out.append((start, i - 1))
            start = None
    if start is not None:
        out.append((start, len(states) - 1))
    return out


@functools.cache
def _stop_words() -> frozenset[str]:
    """Folded French and English function words (the themes' lists, without their election
    words: "vote" bursting on election day is news), and a few more words too common to say
    anything alone."""
    from bascule.opinion.themes import COMMON, stop_words

    return frozenset(set(stop_words("other")) - COMMON) | {fold(w) for w in STOPWORDS}


def is_stop_word(term: str) -> bool:
    """A word that says nothing alone ("least", "everyone", "toujours"): no burst of it is
    worth an alert (it bursts with the news around it, which has its own terms)."""
    return not term.startswith(("#", "http")) and fold(term) in _stop_words()


def detect(
    term_counts: list[tuple[str, datetime, int]],
    hourly_totals: list[tuple[datetime, int]],
    *,
    now: datetime,
    min_count: int = 5,
    recent_hours: int = 24,
    s: float = 2.0,
    gamma: float = 1.0,
) -> list[dict[str, Any]]:
    """Bursts that are ongoing or began in the last `recent_hours`, with their baseline."""
    if not hourly_totals:
        return []
    start = min(h for h, _ in hourly_totals)
    end = now.replace(minute=0, second=0, microsecond=0)
    hours = int((end - start) / timedelta(hours=1)) + 1
    if hours <= 1:
        return []
    totals = np.zeros(hours)
    for h, c in hourly_totals:
        i = int((h - start) / timedelta(hours=1))
        if 0 <= i < hours:
            totals[i] = c
    by_term: dict[str, np.ndarray] = {}
    for term, h, c in term_counts:
        if is_stop_word(term):
            continue
        i = int((h - start) / timedelta(hours=1))
        if 0 <= i < hours:
            by_term.setdefault(term, np.zeros(hours))[i] = c
    recent_from = hours - recent_hours
    out = []
    for term, counts in sorted(by_term.items()):
        if counts[max(recent_from, 0) :].sum() < min_count:
            continue
        states = kleinberg(counts, totals, s=s, gamma=gamma)
        p0 = counts.sum() / totals.sum()
        for a, b in _runs(states):
            seen = int(counts[a : b + 1].sum())
            if b < recent_from or seen < min_count:
                continue
            expected = float(p0 * totals[a : b + 1].sum())
            out.append(
                {
                    "term": term,
                    "kind": "hashtag"
                    if term.startswith("#")
                    else ("link" if term.startswith("http") else "word"),
                    "start": (start + timedelta(hours=a)).isoformat(),
                    "end": (start + timedelta(hours=b + 1)).isoformat(),
                    "ongoing": b >= hours - 2,  # through the last full hour
                    "posts": seen,
                    "baseline_posts": round(expected, 2),
                    "baseline_share": round(float(p0), 5),
                    "baseline_per_hour": round(float(counts.sum() / hours), 3),
                    "ratio": round(seen / expected, 2) if expected > 0 else None,
                    "hours": b - a + 1,
                }
            )
    out.sort(key=lambda x: (-(x["ratio"] or 0), x["term"]))
    return out
