"""Days whose posts `bascule prune` deleted stay in the poll, read back from the kept counts."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bascule.cli import main
from bascule.opinion.intervals import wilson
from bascule.opinion.poll import kept_note, poll, poll_csv, poll_figure, poll_html, poll_png
from bascule.scale.retention import prune

# 30 days of retention from here: the cutoff is 2026-09-03 04:00 UTC, midnight in Toronto
NOW = datetime(2026, 10, 3, 4, 0)


def _day(writer, day: str, stances: list[str], *, hour: int = 16, prefix: str = "") -> None:  # noqa: ANN001
    """One post per author on `day` at `hour` UTC (noon in Toronto)."""
    writer.posts(
        (f"{prefix}{day}-{i}", f"{day}T{hour:02d}:00:00", "t", {"caq": s}, False, "fr")
        for i, s in enumerate(stances)
    )


def history(writer) -> None:  # noqa: ANN001
    """Four days about caq; the first two are older than 30 days at NOW."""
    _day(writer, "2026-09-01", ["favor"] * 12 + ["against"] * 10 + ["none"] * 10)
    # four authors say "for" in the morning, then "against": one voice, their latest
    _day(writer, "2026-09-02", ["favor"] * 4, hour=13, prefix="turn")
    _day(writer, "2026-09-02", ["favor"] * 11, prefix="a")
    _day(writer, "2026-09-02", ["against"] * 7, prefix="b")
    writer.posts(
        (f"turn2026-09-02-{i}", "2026-09-02T17:00:00", "t", {"caq": "against"}, False, "fr")
        for i in range(4)
    )
    _day(writer, "2026-09-02", ["none"] * 10, prefix="c")
    _day(writer, "2026-09-03", ["favor"] * 12 + ["none"] * 12)
    _day(writer, "2026-09-20", ["against"] * 15)


def _figures(result: dict) -> list[dict]:
    """The periods without where they come from."""
    return [
        {k: v for k, v in p.items() if k not in ("source", "not_kept")} for p in result["periods"]
    ]


def test_pruned_days_stay_in_the_daily_poll_as_they_were(project, writer) -> None:  # noqa: ANN001
    history(writer)
    before = poll(project, "caq")
    assert [p["period"] for p in before["periods"]][:2] == ["2026-09-01", "2026-09-02"]
    assert prune(project, days=30, now=NOW)["posts"] == 32 + 36
    after = poll(project, "caq")
    # the same days, counts, shares, intervals and trend: each day now says where it is from
    assert [p["source"] for p in after["periods"]] == ["aggregates"] * 2 + ["posts"] * 2
    assert {p["source"] for p in before["periods"]} == {"posts"}
    assert _figures(after) == _figures(before)
    assert after["periods"][1]["authors"] == 32 and after["periods"][1]["against"] == 0.3438
    assert all(p["not_kept"] == [] for p in after["periods"])
    assert after["pruned"] == {
        "days": 2,
        "first": "2026-09-01",
        "last": "2026-09-02",
        "shown": 2,
        "timezone": "America/Toronto",
        "each_stance_through": None,
        "min_group_size": 10,
        "pruned_before": "2026-09-03T00:00",
    }
    assert after["suppressed"] == 0
    csv = poll_csv(after).splitlines()
    assert csv[0].endswith(",trend_none,source")
    assert csv[1].startswith("2026-09-01,32,0.375,") and csv[1].endswith(",aggregates")
    assert csv[3].endswith(",posts")
    fr = kept_note(after, "fr")
    assert fr.startswith("Du 2026-09-01 au 2026-09-02, 2 jours viennent des comptes quotidiens")
    en = kept_note(after, "en")
    assert en.startswith("From 2026-09-01 to 2026-09-02, 2 days come from the daily counts")
    # a window past the pruned days says nothing about them
    later = poll(project, "caq", since="2026-09-10")
    assert later["pruned"] is None and kept_note(later, "fr") is None
    window = poll(project, "caq", since="2026-09-02", until="2026-09-04")
    assert [p["period"] for p in window["periods"]] == ["2026-09-02", "2026-09-03"]
    assert window["pruned"]["days"] == 1 and kept_note(window, "en").startswith("On 2026-09-02,")


def test_the_hourly_poll_says_which_days_only_the_daily_poll_has(project, writer) -> None:  # noqa: ANN001
    history(writer)
    assert poll(project, "caq", by="hour")["periods"][0]["period"] == "2026-09-01T12:00"
    prune(project, days=30, now=NOW)
    hours = poll(project, "caq", by="hour")
    # no hour is made up from a daily count: the first hour shown is after the pruned days
    assert [p["period"] for p in hours["periods"]] == ["2026-09-03T12:00", "2026-09-20T12:00"]
    assert {p["source"] for p in hours["periods"]} == {"posts"}
    assert (hours["pruned"]["days"], hours["pruned"]["shown"]) == (2, 0)
    en = kept_note(hours, "en")
    assert en == (
        "From 2026-09-01 to 2026-09-02, the posts were deleted (retention) and only daily "
        "counts remain, with no hours: see these days in the daily poll (bascule poll --by day)."
    )
    fr = kept_note(hours, "fr")
    assert fr.startswith("Du 2026-09-01 au 2026-09-02, les publications ont été supprimées")
    assert "sondage par jour (bascule poll --by day)" in fr
    assert "see these days in the daily poll" in poll_html(hours, "en")


def test_a_stance_not_kept_is_unknown_and_its_room_is_in_the_intervals(project, writer) -> None:  # noqa: ANN001
    # 12 for, 10 against and 3 neither: the 3 are fewer than 10, so the prune did not keep them
    _day(writer, "2026-09-01", ["favor"] * 12 + ["against"] * 10 + ["none"] * 3)
    truth = poll(project, "caq")["periods"][0]
    prune(project, days=30, now=NOW)
    p = poll(project, "caq")["periods"][0]
    assert (p["source"], p["not_kept"], p["authors"]) == ("aggregates", ["none"], 22)
    assert (p["favor"], p["against"], p["none"]) == (0.5455, 0.4545, None)
    # Wilson at both ends of what "none" may have been (0 to 9 authors), never a made-up 0
    assert p["favor_lo"] == round(float(wilson(12, 22 + 9)[0]), 4)
    assert p["favor_hi"] == round(float(wilson(12, 22)[1]), 4)
    assert (p["none_lo"], p["none_hi"]) == (0.0, round(float(wilson(9, 22 + 9)[1]), 4))
    for st in ("favor", "against", "none"):  # the whole day's shares lie inside
        assert p[f"{st}_lo"] <= truth[st] <= p[f"{st}_hi"]
        assert p[f"{st}_lo"] <= truth[f"{st}_lo"] and truth[f"{st}_hi"] <= p[f"{st}_hi"]
    assert ",aggregates" in poll_csv(poll(project, "caq")).splitlines()[1]
    assert ",0.5455,0.2373,0.7308,0.4545," in poll_csv(poll(project, "caq"))
    assert ",,0.0,0.4659," in poll_csv(poll(project, "caq"))  # the unknown share: empty


def test_the_day_the_cutoff_splits_is_counted_once(project, writer) -> None:  # noqa: ANN001
    # Sept 5: 12 authors at 06:00 and 12 others at 18:00 in Toronto; the cutoff falls at noon
    _day(writer, "2026-09-05", ["favor"] * 12, hour=10)
    _day(writer, "2026-09-05", ["against"] * 12, hour=22, prefix="late")
    now = datetime(2026, 10, 5, 16, 0)
    assert prune(project, days=30, now=now)["posts"] == 12
    assert project.store.count("posts") == 12  # the afternoon is still stored...
    days = poll(project, "caq")
    # ...and counted once: the whole day, as kept, not 12 (the rest) nor 36 (both)
    assert [(p["period"], p["authors"], p["favor"], p["source"]) for p in days["periods"]] == [
        ("2026-09-05", 24, 0.5, "aggregates")
    ]
    # no hour of that day either: its rest subtracted from the whole would expose the morning
    hours = poll(project, "caq", by="hour")
    assert hours["periods"] == [] and hours["pruned"]["first"] == "2026-09-05"
    assert "--by day" in kept_note(hours, "en")
    # the next prune deletes the rest; the day stays as it was kept
    prune(project, days=30, now=now + timedelta(days=1))
    assert project.store.count("posts") == 0
    assert poll(project, "caq")["periods"] == days["periods"]


def test_a_partly_pruned_day_with_nothing_kept_is_not_shown_as_a_whole_day(project, writer) -> None:  # noqa: ANN001
    # no stance reaches 10 authors on Sept 5, so nothing is kept; its afternoon (11 authors)
    # was shown as the whole day
    _day(writer, "2026-09-05", ["none"] * 3, hour=10)
    _day(writer, "2026-09-05", ["favor"] * 5 + ["against"] * 5 + ["none"], hour=22, prefix="b")
    assert poll(project, "caq")["periods"][0]["authors"] == 14
    prune(project, days=30, now=datetime(2026, 10, 5, 16, 0))
    r = poll(project, "caq")
    assert r["periods"] == [] and r["pruned"]["days"] == 0
    assert kept_note(r, "en") == (
        "Posts before 2026-09-05 12:00 were deleted (retention) and no daily count of them was "
        "kept for this target in this window (no stance had 10 authors)."
    )
    assert kept_note(r, "fr").startswith("Les publications d'avant le 2026-09-05 12:00 ont été")


def test_days_kept_by_an_earlier_version_are_read_and_said_to_differ(project, writer) -> None:  # noqa: ANN001
    # an earlier prune kept UTC days, an author under each stance they took, and no record
    project.store.execute(
        "INSERT INTO aggregates VALUES ('2026-08-01', 'caq', 'favor', 12, 15), "
        "('2026-08-01', 'caq', 'against', 11, 11), ('2026-08-01', 'pq', 'none', 30, 30)"
    )
    _day(writer, "2026-09-03", ["favor"] * 12)
    r = poll(project, "caq")
    assert [(p["period"], p["authors"], p["source"]) for p in r["periods"]] == [
        ("2026-08-01", 23, "aggregates"),
        ("2026-09-03", 12, "posts"),
    ]
    assert r["periods"][0]["not_kept"] == ["none"]
    assert (r["pruned"]["each_stance_through"], r["pruned"]["timezone"]) == ("2026-08-01", "UTC")
    en = kept_note(r, "en")
    assert "Through 2026-08-01, these counts come from an earlier version of Bascule" in en
    assert en.endswith("These are days of UTC, not America/Toronto.")
    assert "ceux du fuseau UTC, pas de America/Toronto" in kept_note(r, "fr")
    # a new prune goes on in UTC days (no two kept days overlap) and records it all
    _day(writer, "2026-08-20", ["against"] * 10)
    prune(project, days=30, now=NOW)
    from bascule.store.retention import kept_format

    fmt = kept_format(project.store)
    assert (fmt["timezone"], fmt["each_stance_through"]) == ("UTC", "2026-08-01")
    assert project.store.rows(
        "SELECT day, stance, authors FROM aggregates WHERE day > '2026-08-01'"
    ) == [(datetime(2026, 8, 20).date(), "against", 10)]


def test_a_larger_minimum_hides_kept_stances_under_it(project, writer) -> None:  # noqa: ANN001
    history(writer)
    prune(project, days=30, now=NOW)
    project.config.privacy.min_group_size = 12  # raised since the prune
    r = poll(project, "caq")
    # Sept 1: only the 12 "for" remain shown; Sept 2 (11, 11, 10) has no stance left: hidden
    assert [(p["period"], p["source"]) for p in r["periods"]][:2] == [
        ("2026-09-01", "aggregates"),
        ("2026-09-03", "posts"),
    ]
    first = r["periods"][0]
    assert (first["authors"], first["favor"], first["not_kept"]) == (12, 1.0, ["against", "none"])
    assert first["favor_lo"] == round(float(wilson(12, 12 + 2 * 11)[0]), 4)
    assert r["suppressed"] == 1
    project.config.privacy.min_group_size = 40  # no kept stance reaches it: nothing shown
    r = poll(project, "caq")
    assert r["periods"] == [] and r["suppressed"] == 4
    assert kept_note(r, "en") == (
        "From 2026-09-01 to 2026-09-02, the posts were deleted (retention) and no kept stance "
        "reaches 40 authors: these days are hidden."
    )
    assert kept_note(r, "fr").endswith(
        "aucune position gardée n'atteint 40 auteurs : ces jours sont masqués."
    )


def test_figures_shade_and_name_the_kept_days(project, writer, tmp_path) -> None:  # noqa: ANN001
    history(writer)
    prune(project, days=30, now=NOW)
    r = poll(project, "caq")
    fig = poll_figure(r, "en")
    shapes = [s for s in fig.layout.shapes if s.name == "kept-aggregates"]
    assert len(shapes) == 2  # over the shares and over the authors
    assert (shapes[0].x0, shapes[0].x1) == ("2026-09-01T00:00:00", "2026-09-03T00:00:00")
    labels = [a.text for a in fig.layout.annotations if a.name == "kept-aggregates"]
    assert labels == ["kept counts (posts deleted)"]
    assert "shaded: kept daily counts (posts deleted)" in fig.layout.title.text
    markers = next(t for t in fig.data if t.mode == "markers" and t.legendgroup == "favor")
    assert list(markers.marker.symbol) == ["circle-open"] * 2 + ["circle"] * 2
    fr = poll_figure(r, "fr")
    assert [a.text for a in fr.layout.annotations if a.name == "kept-aggregates"] == [
        "comptes gardés (publications supprimées)"
    ]
    poll_png(r, tmp_path / "kept.png", "fr")
    assert (tmp_path / "kept.png").read_bytes()[:4] == b"\x89PNG"
    # a stance not kept has no point: the PNG draws the others
    _day(writer, "2026-08-20", ["favor"] * 12 + ["none"] * 2)
    prune(project, days=30, now=NOW)
    r = poll(project, "caq")
    assert r["periods"][0]["none"] is None
    poll_png(r, tmp_path / "unknown.png", "en")
    assert "comptes gardés" in poll_html(r, "fr")


@pytest.fixture
def pruned(project, writer):  # noqa: ANN001, ANN201
    history(writer)
    prune(project, days=30, now=NOW)
    root = str(project.root)
    project.close()  # the CLI opens the database read-only: release it
    return root


def test_poll_command_marks_kept_days(pruned, capsys) -> None:  # noqa: ANN001
    assert main(["poll", "-p", pruned, "-t", "caq"]) == 0
    out = capsys.readouterr().out
    assert "2026-09-01 †" in out and "2026-09-02 †" in out and "2026-09-03 †" not in out
    text = " ".join(out.split())
    assert "† jour lu dans les comptes quotidiens gardés (ses publications sont supprimées)" in text
    assert "Du 2026-09-01 au 2026-09-02, 2 jours viennent des comptes quotidiens gardés" in text
    assert main(["poll", "-p", pruned, "-t", "caq", "--lang", "en"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "† day read from the kept daily counts" in text
    assert "2 days come from the daily counts kept" in text
    assert main(["poll", "-p", pruned, "-t", "caq", "--by", "hour", "--lang", "en"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "2026-09-01 12:00" not in text and "2026-09-03 12:00" in text and "†" not in text
    assert "see these days in the daily poll (bascule poll --by day)" in text
    assert main(["poll", "-p", pruned, "-t", "caq", "--by", "hour"]) == 0
    assert "(bascule poll --by day)" in " ".join(capsys.readouterr().out.split())
    assert main(["poll", "-p", pruned, "-t", "caq", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["source"] for p in out["periods"]] == ["aggregates"] * 2 + ["posts"] * 2
    assert main(["poll", "-p", pruned, "-t", "caq", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(",aggregates")


def test_official_accounts_are_not_voices_live_or_kept(project, writer) -> None:  # noqa: ANN001
    # the CAQ's own accounts, "for" the CAQ every day, were counted as two of its supporters
    history(writer)
    before = {p["period"]: p for p in poll(project, "caq")["periods"]}
    officials = [("caq-a", "@coalitionavenir"), ("caq-b", "FrancoisLegault")]
    writer.named(officials)
    writer.posts(
        (a, f"{day}T15:00:00", "Votez CAQ", {"caq": "favor"}, False, "fr")
        for a, _ in officials
        for day in ("2026-09-01", "2026-09-02", "2026-09-03")
    )
    after = {p["period"]: p for p in poll(project, "caq")["periods"]}
    assert after == before
    prune(project, days=30, now=NOW)
    kept = {p["period"]: p for p in poll(project, "caq")["periods"]}
    assert kept["2026-09-01"]["authors"] == before["2026-09-01"]["authors"] == 32
    assert kept["2026-09-01"]["source"] == "aggregates"
