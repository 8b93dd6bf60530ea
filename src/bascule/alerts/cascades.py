"""Propagation trees in the `edges.tsv` format of Twitter15 (Ma, Gao & Wong, ACL 2017).

Columns: `root_tweet_id, parent_uid, parent_tweet_id, parent_delay_min, child_uid,
child_tweet_id, child_delay_min`; the first row of each tree has parent `ROOT`. An *event* is a
row; its time is `child_delay_min` (minutes after the original post). Files may be plain, .gz
or .xz.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bascule.errors import InputError
from bascule.sources.formats.cascades import COLUMNS


def read_cascades(path: str | Path) -> dict[str, np.ndarray]:
    """Event times (minutes, sorted, negatives clipped to 0) of each cascade, in file order."""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise InputError(f"cascade file not found: {path}")
    try:
        df = pd.read_csv(
            path,
            sep="\t",
            usecols=["root_tweet_id", "child_delay_min"],
            dtype={"root_tweet_id": str, "child_delay_min": float},
            compression="infer",
        )
    except ValueError as exc:
        raise InputError(
            f"{path}: not an edges.tsv cascade file (need tab-separated columns "
            f"{', '.join(COLUMNS)}): {exc}"
        ) from None
    if df.empty:
        raise InputError(f"{path}: no cascades (the file has a header but no rows)")
    if df["child_delay_min"].isna().any():
        line = int(df.index[df["child_delay_min"].isna()][0]) + 2
        raise InputError(f"{path}:{line}: child_delay_min is empty or not a number")
    out: dict[str, np.ndarray] = {}
    for root, times in df.groupby("root_tweet_id", sort=False)["child_delay_min"]:
        out[str(root)] = np.sort(np.clip(times.to_numpy(dtype=float), 0.0, None))
    return out


def observed(times: np.ndarray, observe: float) -> np.ndarray:
    """The events seen `observe` minutes after the original post."""
    return times[times <= observe]
