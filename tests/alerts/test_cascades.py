"""Reading Twitter15 propagation trees (edges.tsv)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bascule.alerts.cascades import observed, read_cascades
from bascule.errors import InputError


def test_sample_has_thirty_cascades_of_all_rows(data_dir: Path) -> None:
    c = read_cascades(data_dir / "twitter15" / "forecast_sample.tsv.gz")
    assert len(c) == 30
    assert sum(t.size for t in c.values()) == 3106
    first = c["295152287901417472"]
    assert first[0] == 0.0 and (np.diff(first) >= 0).all()
    assert observed(first, 60).size == int((first <= 60).sum())


def test_plain_file_and_negative_delays(tmp_path: Path) -> None:
    f = tmp_path / "edges.tsv"
    f.write_text(
        "root_tweet_id\tparent_uid\tparent_tweet_id\tparent_delay_min\tchild_uid\t"
        "child_tweet_id\tchild_delay_min\n"
        "1\tROOT\tROOT\t0.0\t9\t1\t0.0\n"
        "1\t9\t1\t0.0\t8\t2\t-3.5\n"
        "1\t9\t1\t0.0\t7\t3\t12.0\n"
    )
    assert read_cascades(f)["1"].tolist() == [0.0, 0.0, 12.0]


def test_bad_files_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_cascades(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.tsv"
    bad.write_text("a\tb\n1\t2\n")
    with pytest.raises(InputError, match="edges.tsv"):
        read_cascades(bad)
