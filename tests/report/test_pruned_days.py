"""The report's poll keeps the days whose posts `bascule prune` deleted, shaded and said."""

from __future__ import annotations

import re
from datetime import datetime

from bascule.report import build_report
from bascule.scale.retention import prune

from ..opinion.test_poll_kept import NOW, history
from .test_report import _text


def test_the_report_charts_pruned_days_from_the_kept_counts(project, writer, tmp_path) -> None:  # noqa: ANN001
    history(writer)
    prune(project, days=30, now=NOW)
    path = build_report(project, tmp_path / "r.html")
    html = path.read_text(encoding="utf-8")
    # the chart starts on the first pruned day, shaded and named, in French
    figure = re.search(r"Sondage continu — Coalition avenir Québec, par jour \(([^)]*)\)", html)
    assert figure and figure.group(1) == "2026-09-01 – 2026-09-20"
    assert '"name":"kept-aggregates"' in html
    assert "comptes gardés (publications supprimées)" in html
    text = " ".join(_text(path).split())
    assert "Du 2026-09-01 au 2026-09-02, 2 jours viennent des comptes quotidiens gardés" in text
    english = " ".join(_text(build_report(project, tmp_path / "en.html", lang="en")).split())
    assert "From 2026-09-01 to 2026-09-02, 2 days come from the daily counts kept" in english


def test_a_target_whose_every_post_was_pruned_is_still_charted(project, writer, tmp_path) -> None:  # noqa: ANN001
    history(writer)
    prune(project, days=30, now=datetime(2027, 1, 1))  # every post is gone
    assert project.store.count("posts") == 0
    text = " ".join(_text(build_report(project, tmp_path / "r.html", lang="en")).split())
    assert "Continuous poll and undecided" in text
    assert "Coalition Avenir Québec: trend" in text
    assert "From 2026-09-01 to 2026-09-20, 4 days come from the daily counts kept" in text
