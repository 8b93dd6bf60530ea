"""Which periods may be shown: the privacy minimum, with no differencing across granularities.

A period is shown only when at least `k` distinct authors are behind it. Data of a hidden
period never enter any other published number (callers drop those rows before aggregating),
so totals, complements and trends cannot reveal it. Days and hours are both published, so
one more rule: within a shown day, the authors who appear in no shown hour form a remainder
that "day minus its hours" could expose; while that remainder is between 1 and k-1 authors,
the day's smallest shown hours are hidden too (days, the main view, are never lost to it).
A week (the poll's and the undecided's) is hidden when the authors of it seen in none of its shown days, or none
of its shown hours, number 1 to k-1: days and hours keep their own rule, a week never hides
them.
"""

from __future__ import annotations

import pandas as pd

from bascule.opinion.periods import floor


def shown_periods(authors: pd.Series, local: pd.Series, by: str, k: int) -> set[pd.Timestamp]:
    """Periods (starts, local time) with at least `k` authors and no small remainder."""
    frame = pd.DataFrame({"author": authors.to_numpy(), "t": local.to_numpy()})
    if by == "week":
        return _weeks(frame, k)
    frame["day"] = floor(frame["t"], "day")
    if by == "day":
        n = frame.groupby("day")["author"].nunique()
        return set(n.index[n >= k])
    frame["hour"] = floor(frame["t"], "hour")
    shown: set[pd.Timestamp] = set()
    for _, day in frame.groupby("day"):
        if day["author"].nunique() >= k:
            shown |= _hours_of_day(day, k)
    return shown


def _weeks(frame: pd.DataFrame, k: int) -> set[pd.Timestamp]:
    """Weeks (Mondays) with at least `k` authors that "week minus its shown days" or "week
    minus its shown hours" cannot expose (the remainder is 0 or at least `k`)."""
    covered = {
        by: floor(frame["t"], by).isin(shown_periods(frame["author"], frame["t"], by, k))
        for by in ("day", "hour")
    }
    shown: set[pd.Timestamp] = set()
    for week, rows in frame.groupby(floor(frame["t"], "week")):
        everyone = set(rows["author"])
        if len(everyone) < k:
            continue
        rests = (len(everyone - set(rows["author"][c[rows.index]])) for c in covered.values())
        if all(rest == 0 or rest >= k for rest in rests):
            shown.add(week)
    return shown


def _hours_of_day(day: pd.DataFrame, k: int) -> set[pd.Timestamp]:
    """Shown hours of one shown day, such that the day's remainder is 0 or at least k."""
    sets = {h: set(g["author"]) for h, g in day.groupby("hour")}
    everyone = set(day["author"])
    hours = sorted((h for h, a in sets.items() if len(a) >= k), key=lambda h: (len(sets[h]), h))
    while hours:
        covered = set().union(*(sets[h] for h in hours))
        remainder = len(everyone - covered)
        if remainder == 0 or remainder >= k:
            break
        hours.pop(0)  # hide the smallest shown hour and check again
    return set(hours)
