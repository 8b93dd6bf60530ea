"""The continuous poll: one author one voice, intervals, trend, time zone, suppression."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from bascule.errors import ConfigError, InputError
from bascule.i18n import share
from bascule.opinion.poll import poll, poll_csv, poll_figure, poll_png

STANCES = ("favor", "against", "none")


def _day(writer, day: str, stances: list[str], *, hour: int = 16, prefix: str = "") -> None:  # noqa: ANN001
    """One post per author on `day` at `hour` UTC (noon in Toronto)."""
    writer.posts(
        (f"{prefix}{day}-{i}", f"{day}T{hour:02d}:00:00", "t", {"caq": s}, False, "fr")
        for i, s in enumerate(stances)
    )


def test_one_author_one_voice_latest_stance(project, writer) -> None:  # noqa: ANN001
    rows = []
    for i in range(10):  # ten authors say "favor" in the morning...
        rows.append((f"a{i}", "2026-09-01T13:00:00", "t", {"caq": "favor"}, False, "fr"))
    for i in range(4):  # ...four of them turn against in the afternoon, twice
        rows.append((f"a{i}", "2026-09-01T18:00:00", "t", {"caq": "against"}, False, "fr"))
        rows.append((f"a{i}", "2026-09-01T19:00:00", "t", {"caq": "against"}, False, "fr"))
    rows.append(("a9", "2026-09-01T20:00:00", "t", {"pq": "favor"}, False, "fr"))  # other target
    writer.posts(rows)
    r = poll(project, "caq")
    assert [p["period"] for p in r["periods"]] == ["2026-09-01"]
    p = r["periods"][0]
    assert p["authors"] == 10
    assert (p["favor"], p["against"], p["none"]) == (0.6, 0.4, 0.0)
    assert (p["favor_lo"], p["favor_hi"]) == (0.3127, 0.8318)
    assert p["none_lo"] == 0.0
    assert r["suppressed"] == 0 and r["min_group_size"] == 10


def test_periods_cut_in_project_timezone(project, writer) -> None:  # noqa: ANN001
    # 02:00 UTC on Sept 2 is 22:00 on Sept 1 in Toronto (EDT, UTC-4)
    _day(writer, "2026-09-02", ["favor"] * 10, hour=2)
    r = poll(project, "caq")
    assert [p["period"] for p in r["periods"]] == ["2026-09-01"]
    r = poll(project, "caq", by="hour")
    assert [p["period"] for p in r["periods"]] == ["2026-09-01T22:00"]
    # a --since with an offset is that instant, read in the project's time zone (the
    # offset was dropped: 02:00Z was read as 02:00 in Toronto, four hours too late)
    utc = poll(project, "caq", by="hour", since="2026-09-02T02:00Z")
    assert [p["period"] for p in utc["periods"]] == ["2026-09-01T22:00"]
    assert utc["since"] == "2026-09-01T22:00"
    assert poll(project, "caq", by="hour", since="2026-09-01T23:00-04:00")["periods"] == []


def test_small_periods_suppressed_and_never_counted(project, writer) -> None:  # noqa: ANN001
    _day(writer, "2026-09-01", ["favor"] * 6 + ["against"] * 6)
    _day(writer, "2026-09-03", ["against"] * 12)
    before = poll(project, "caq")
    _day(writer, "2026-09-02", ["favor"] * 9)  # 9 authors < 10: hidden
    after = poll(project, "caq")
    assert [p["period"] for p in after["periods"]] == ["2026-09-01", "2026-09-03"]
    assert after["suppressed"] == 1
    # the hidden day changes nothing that is shown: not counts, shares, intervals nor trend
    assert after["periods"] == before["periods"]


def test_window_is_aligned_on_whole_periods(project, writer) -> None:  # noqa: ANN001
    _day(writer, "2026-09-01", ["favor"] * 12, hour=13)
    _day(writer, "2026-09-01", ["against"] * 5, hour=20, prefix="late")
    a = poll(project, "caq", since="2026-09-01T12:00", until="2026-09-01T13:00")
    b = poll(project, "caq", since="2026-09-01", until="2026-09-02")
    assert a["periods"] == b["periods"] and a["since"] == "2026-09-01"
    assert a["until"] == "2026-09-02"
    assert b["periods"][0]["authors"] == 17
    assert poll(project, "caq", since="2026-09-02")["periods"] == []


def test_hours_cannot_be_subtracted_from_days(project, writer) -> None:  # noqa: ANN001
    # Sept 1: 12 authors at 09:00 local and 3 more at 15:00 local. The day (15) is shown;
    # showing the 09:00 hour (12) would let "day minus hour" expose the 3: it is hidden.
    _day(writer, "2026-09-01", ["favor"] * 12, hour=13)
    _day(writer, "2026-09-01", ["against"] * 3, hour=19, prefix="b")
    # Sept 2: two hours of 12 authors each: both shown, no remainder.
    _day(writer, "2026-09-02", ["favor"] * 12, hour=13)
    _day(writer, "2026-09-02", ["none"] * 12, hour=19, prefix="b")
    days = poll(project, "caq", by="day")
    hours = poll(project, "caq", by="hour")
    assert [(p["period"], p["authors"]) for p in days["periods"]] == [
        ("2026-09-01", 15),
        ("2026-09-02", 24),
    ]
    assert [(p["period"], p["authors"]) for p in hours["periods"]] == [
        ("2026-09-02T09:00", 12),
        ("2026-09-02T15:00", 12),
    ]
    assert hours["suppressed"] == 2


def test_intervals_cover_at_nominal_rate_on_simulated_data(project, writer) -> None:  # noqa: ANN001
    """120 simulated days, 12-60 authors a day whose final stance follows known shares."""
    rng = np.random.default_rng(3)
    start = datetime(2026, 6, 1, 14)
    truth, rows = {}, []
    for d in range(120):
        day = start + timedelta(days=d)
        f = 0.45 + 0.15 * np.sin(d / 19)
        p = np.array([f, (1 - f) * 0.6, (1 - f) * 0.4])
        truth[day.strftime("%Y-%m-%d")] = p
        for a in range(int(rng.integers(12, 61))):
            if rng.random() < 0.5:  # an earlier, different stance that must not count
                rows.append((f"{d}-{a}", day, "t", {"caq": str(rng.choice(STANCES))}, False, "fr"))
            last = str(rng.choice(STANCES, p=p))
            rows.append((f"{d}-{a}", day + timedelta(hours=3), "t", {"caq": last}, False, "fr"))
    writer.posts(rows)
    r = poll(project, "caq")
    assert len(r["periods"]) == 120 and r["suppressed"] == 0
    hits, err = [], []
    for row in r["periods"]:
        p = truth[row["period"]]
        for j, st in enumerate(STANCES):
            hits.append(row[f"{st}_lo"] <= p[j] <= row[f"{st}_hi"])
            err.append(abs(row[f"trend_{st}"] - p[j]))
    assert 0.92 <= np.mean(hits) <= 0.98  # 360 intervals at 95 %: sd of the rate ~1.1 point
    raw_err = np.mean([abs(row["favor"] - truth[row["period"]][0]) for row in r["periods"]])
    assert np.mean(err) < raw_err  # the trend is closer to the truth than the raw shares


def test_outputs(project, writer, tmp_path) -> None:  # noqa: ANN001
    _day(writer, "2026-09-01", ["favor"] * 7 + ["none"] * 5)
    _day(writer, "2026-09-02", ["against"] * 11)
    r = poll(project, "caq")
    csv = poll_csv(r).splitlines()
    assert csv[0].startswith("period,authors,favor,favor_lo,favor_hi,against")
    assert csv[2].startswith("2026-09-02,11,0.0,0.0,0.2588,1.0,")
    fig = poll_figure(r, "en")
    assert any(t.name == "for (trend)" for t in fig.data)
    # a day's bar and points stand across that day, not centred on its midnight (which read
    # as half the day before); one label a day
    assert {(t.xperiod, t.xperiodalignment) for t in fig.data} == {(86_400_000, "middle")}
    assert fig.layout.xaxis2.dtick == 86_400_000 and fig.layout.xaxis2.ticklabelmode == "period"
    assert fig.layout.annotations[0].x == "2026-09-02T12:00:00"  # the end labels follow
    poll_png(r, tmp_path / "poll.png", "fr")
    assert (tmp_path / "poll.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_errors(project) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError):
        poll(project, "nope")
    with pytest.raises(InputError):
        poll(project, "caq", by="month")
    with pytest.raises(InputError):
        poll(project, "caq", since="yesterday-ish")
    assert poll(project, "caq")["periods"] == []


def test_forgotten_authors_and_deleted_posts_do_not_count(project, writer) -> None:  # noqa: ANN001
    _day(writer, "2026-09-01", ["favor"] * 10 + ["against"] * 2)
    store = project.store
    store.execute("SELECT 1").fetchall()
    store.execute("INSERT INTO forgotten VALUES ('test:2026-09-01-11', now())").fetchall()
    post = store.scalar("SELECT post_id FROM posts WHERE author_id = 'test:2026-09-01-10'")
    store.execute("INSERT INTO tombstones VALUES (?, now())", [post]).fetchall()
    p = poll(project, "caq")["periods"][0]
    assert (p["authors"], p["favor"], p["against"]) == (10, 1.0, 0.0)


def test_figure_has_clean_bands_and_labelled_apart_end_labels(project, writer) -> None:  # noqa: ANN001
    """The walkthrough's chart: no markers on the interval bounds, "0 % pour" and
    "0 % contre" not on top of each other, the end labels saying they are the trend, the
    legend under the plot."""
    from bascule.opinion.poll import LABEL_GAP

    _day(writer, "2026-09-01", ["none"] * 12)
    _day(writer, "2026-09-02", ["none"] * 11 + ["favor"])
    r = poll(project, "caq")
    fig = poll_figure(r, "fr")
    bands = [t for t in fig.data if t.type == "scatter" and t.fill == "toself"]
    assert len(bands) == 3
    assert all(t.mode == "lines" and t.line.width == 0 for t in bands)
    labels = {a.name: a for a in fig.layout.annotations if (a.name or "").startswith("end-")}
    assert set(labels) == {"end-favor", "end-against", "end-none"}
    ys = sorted(a.y for a in labels.values())
    assert all(b - a >= LABEL_GAP - 1e-9 for a, b in zip(ys, ys[1:], strict=False))
    assert all(0 <= y <= 1 for y in ys)
    # the label is the trend (what the line shows), and says so, in French number format
    last = r["periods"][-1]
    assert labels["end-none"].text.endswith("ni l'un ni l'autre (tendance)")
    assert labels["end-against"].text == "<b>0\u202f%</b> contre (tendance)"
    # 1 of 12 today (8 %), about 5 % in the trend: the walkthrough's "5 %" vs "8 %"
    assert (last["favor"], last["trend_favor"]) == (0.0833, 0.0465)
    assert labels["end-favor"].text == "<b>5\u202f%</b> pour (tendance)"
    assert fig.layout.legend.orientation == "h" and fig.layout.legend.y < 0
    assert "par jour" in fig.layout.title.text
    en = poll_figure(r, "en")
    assert {a.text for a in en.layout.annotations if a.name == "end-against"} == {
        "<b>0%</b> against (trend)"
    }


def test_spread_labels() -> None:
    from bascule.opinion.poll import spread_labels

    assert spread_labels([0.6, 0.0, 0.4], 0.07) == [0.6, 0.0, 0.4]  # far enough: unmoved
    ys = spread_labels([0.0, 0.0, 1.0], 0.07)
    assert ys[0] == 0.0 and abs(ys[1] - 0.07) < 1e-9 and ys[2] == 1.0
    ys = spread_labels([1.0, 0.99, 0.98], 0.07)  # pushed up, then back under the top
    assert max(ys) <= 1.0 and min(abs(a - b) for a in ys for b in ys if a != b) >= 0.07 - 1e-9
    assert ys.index(max(ys)) == 0  # the order of the values is kept


def test_png_legend_covers_no_label(project, writer) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll_png_figure

    _day(writer, "2026-09-01", ["none"] * 12)
    _day(writer, "2026-09-02", ["none"] * 12)  # "100 % ni l'un ni l'autre" at the very top
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = poll_png_figure(poll(project, "caq"), "fr")
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    labels = [t for t in ax.texts if "(tendance)" in t.get_text()]
    assert len(labels) == 3
    assert not ax.get_legend()  # one legend, for the figure, under the plot
    legend = fig.legends[0].get_window_extent(renderer)
    plot = ax.get_window_extent(renderer)
    figure = fig.bbox
    assert legend.y1 < fig.axes[1].get_window_extent(renderer).y0
    for t in labels:
        box = t.get_window_extent(renderer)
        assert not box.overlaps(legend)
        assert box.x0 >= plot.x1 and box.x1 <= figure.x1  # right of the plot, not cut off
    boxes = sorted((t.get_window_extent(renderer) for t in labels), key=lambda b: b.y0)
    assert all(a.y1 <= b.y0 + 1 for a, b in zip(boxes, boxes[1:], strict=False))


def test_poll_html_page_has_a_title(project, writer) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll_html

    _day(writer, "2026-09-01", ["favor"] * 12)
    _day(writer, "2026-09-02", ["against"] * 12)
    page = poll_html(poll(project, "caq"), "fr")
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    assert (
        "<title>Sondage continu — Coalition avenir Québec, par jour "
        "(2026-09-01 – 2026-09-02)</title>" in page
    )
    assert "Plotly.newPlot" in page
    # French month names (a registered locale) in French order (day first)
    assert 'Plotly.register({"moduleType": "locale", "name": "fr"' in page
    assert '"hoverformat":"%-d %b %Y"' in page
    # its English name on English pages (the French one was kept)
    hours = poll_html(poll(project, "caq", by="hour"), "en")
    assert "<title>Continuous poll — Coalition Avenir Québec, per hour (" in hours
    assert "Plotly.register({" not in hours
    assert '"hoverformat":"%-d' not in hours


def test_no_line_across_hidden_periods(project, writer, tmp_path) -> None:  # noqa: ANN001
    _day(writer, "2026-09-01", ["favor"] * 7 + ["none"] * 5)
    _day(writer, "2026-09-02", ["favor"] * 6 + ["none"] * 6, prefix="b")
    _day(writer, "2026-09-20", ["against"] * 11, prefix="c")  # 17 days later
    r = poll(project, "caq")
    assert [p["period"] for p in r["periods"]] == ["2026-09-01", "2026-09-02", "2026-09-20"]
    fig = poll_figure(r, "fr")
    trend = next(t for t in fig.data if t.name == "pour (tendance)")
    assert list(trend.x) == ["2026-09-01", "2026-09-02", None, "2026-09-20"]  # broken
    assert trend.connectgaps is False
    bands = [
        t
        for t in fig.data
        if t.type == "scatter" and t.fill == "toself" and t.legendgroup == "favor"
    ]
    assert len(bands) == 2  # one per run of days
    assert fig.layout.xaxis.dtick is None  # 19 days: plotly picks the ticks, not one a day
    poll_png(r, tmp_path / "gap.png", "fr")
    assert (tmp_path / "gap.png").stat().st_size > 1000


def test_a_period_alone_between_hidden_ones_reads_clearly(project, writer) -> None:  # noqa: ANN001
    """The demo's "Hollande" chart: 7 and 9 January shown, the 8th hidden. Each lone day is
    a marked point with its interval, its bar a day wide (not two), and the axis runs over
    the days shown, as the title says, not a day before and after."""
    _day(writer, "2026-09-01", ["favor"] * 7 + ["none"] * 5)
    _day(writer, "2026-09-03", ["favor"] * 6 + ["none"] * 6, prefix="b")  # the 2nd hidden
    r = poll(project, "caq")
    assert [p["period"] for p in r["periods"]] == ["2026-09-01", "2026-09-03"]
    fig = poll_figure(r, "fr")
    trend = next(t for t in fig.data if t.name == "pour (tendance)")
    assert "markers" in trend.mode and [s for s in trend.marker.size if s] == [9, 9]
    dots = next(t for t in fig.data if t.legendgroup == "favor" and t.mode == "markers")
    assert dots.error_y.visible is not False and dots.error_y.width == 0
    assert dots.error_y.array[0] == pytest.approx(r["periods"][0]["favor_hi"] - 7 / 12, abs=1e-4)
    bars = next(t for t in fig.data if t.type == "bar")
    assert bars.width == pytest.approx(0.8 * 86_400_000)
    assert tuple(fig.layout.xaxis.range) == ("2026-09-01", "2026-09-04T00:00:00")
    assert "(2026-09-01 – 2026-09-03)" in fig.layout.title.text


def test_figure_percent_ticks_and_phone_layout(project, writer) -> None:  # noqa: ANN001
    """Shares on the axis as the page writes them ("20 %" in French: plotly's ".0%" writes
    "20%"), thousands grouped on the authors' axis, end labels given a margin their size,
    and a layout for phones (app.js) where the end labels keep only their value."""
    _day(writer, "2026-09-01", ["favor"] * 7 + ["none"] * 5)
    _day(writer, "2026-09-02", ["favor"] * 6 + ["none"] * 6, prefix="b")
    r = poll(project, "caq")
    fr, en = poll_figure(r, "fr"), poll_figure(r, "en")
    assert fr.layout.yaxis.ticktext == ("0\u202f%", "20\u202f%", "40\u202f%", "60\u202f%",
                                        "80\u202f%", "100\u202f%")  # fmt: skip
    assert en.layout.yaxis.ticktext[1] == "20%"
    assert fr.layout.yaxis2.separatethousands is True
    assert fr.layout.margin.r <= 250 and en.layout.margin.r < fr.layout.margin.r  # shorter
    narrow = fr.layout.meta["narrow"]
    assert narrow["below"] >= 400
    ends = {k: v for k, v in narrow["layout"].items() if k.endswith(".text") and "annot" in k}
    assert sorted(ends.values()) == sorted(
        f"<b>{share(r['periods'][-1][f'trend_{st}'], 'fr')}</b>"
        for st in ("favor", "against", "none")
    )
    assert narrow["layout"]["margin.r"] <= 80 and "<br>" in narrow["layout"]["title.text"]
    # back to the figure's own layout above the breakpoint
    assert narrow["wide"]["margin.r"] == fr.layout.margin.r
    assert all(narrow["wide"][k].endswith("(tendance)") for k in ends)
