"""Suppression: shown periods hold k authors, and no day minus its hours exposes a small group."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from bascule.opinion.suppression import shown_periods

K = 3
posts = st.lists(
    st.tuples(st.integers(0, 11), st.integers(0, 2), st.integers(0, 5)),  # author, day, hour
    min_size=0,
    max_size=60,
)


def _frame(rows: list[tuple[int, int, int]]) -> tuple[pd.Series, pd.Series]:
    authors = pd.Series([f"a{a}" for a, _, _ in rows], dtype=object)
    local = pd.Series(
        [pd.Timestamp(2026, 9, 1 + d, 8 + h, 30) for _, d, h in rows], dtype="datetime64[ns]"
    )
    return authors, local


@settings(max_examples=80, deadline=None)
@given(posts)
def test_no_small_group_by_size_or_difference(rows: list[tuple[int, int, int]]) -> None:
    authors, local = _frame(rows)
    frame = pd.DataFrame({"a": authors, "day": local.dt.floor("D"), "hour": local.dt.floor("h")})
    days = shown_periods(authors, local, "day", K)
    hours = shown_periods(authors, local, "hour", K)
    for d in days:
        assert frame.loc[frame["day"] == d, "a"].nunique() >= K
    for h in hours:
        assert frame.loc[frame["hour"] == h, "a"].nunique() >= K
        assert h.floor("D") in days  # an hour is never shown inside a hidden day
    for d in days:
        in_day = frame[frame["day"] == d]
        covered = set(in_day.loc[in_day["hour"].isin(hours), "a"])
        remainder = len(set(in_day["a"]) - covered)
        assert remainder == 0 or remainder >= K


def test_remainder_hides_smallest_hours_first() -> None:
    # day 1: hour 8 has 3 authors, hour 9 has 4, and 1 author alone at hour 10:
    # showing both leaves a remainder of 1; hiding hour 8 makes it 4 (>= 3): hour 9 stays.
    rows = [(0, 0, 0), (1, 0, 0), (2, 0, 0), (3, 0, 1), (4, 0, 1), (5, 0, 1), (6, 0, 1)]
    rows.append((7, 0, 2))
    authors, local = _frame(rows)
    assert shown_periods(authors, local, "hour", K) == {pd.Timestamp("2026-09-01 09:00")}
    assert shown_periods(authors, local, "day", K) == {pd.Timestamp("2026-09-01")}
