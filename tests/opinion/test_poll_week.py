"""The weekly poll: ISO weeks in the project's time zone, one voice per author and week, and
no week made up from the daily counts `bascule prune` kept."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from bascule.cli import main
from bascule.errors import InputError
from bascule.opinion.periods import floor, window
from bascule.opinion.poll import kept_note, poll, poll_csv, poll_figure, poll_html, poll_png
from bascule.scale.retention import prune

from .test_poll_kept import NOW, history


def _posts(writer, at: str, stances: list[str], *, prefix: str = "a") -> None:  # noqa: ANN001
    """One post per author `{prefix}{i}` at `at` (UTC; 16:00 is noon in Toronto)."""
    writer.posts((f"{prefix}{i}", at, "t", {"caq": s}, False, "fr") for i, s in enumerate(stances))


def test_an_author_counts_once_a_week_with_their_latest_stance(project, writer) -> None:  # noqa: ANN001
    _posts(writer, "2026-08-31T16:00:00", ["favor"] * 12)  # Monday: all for
    _posts(writer, "2026-09-02T16:00:00", ["against"] * 12)  # Wednesday: the same, against
    _posts(writer, "2026-09-02T17:00:00", ["none"] * 10, prefix="b")  # ten others, once
    r = poll(project, "caq", by="week")
    assert r["by"] == "week"
    assert [(p["period"], p["authors"]) for p in r["periods"]] == [("2026-08-31", 22)]
    p = r["periods"][0]
    assert (p["favor"], p["against"], p["none"]) == (0.0, 0.5455, 0.4545)
    assert p["source"] == "posts" and r["suppressed"] == 0
    assert r["trend"] == "exponentially weighted by authors, half-life 2 weeks"
    # the daily poll still counts each day apart
    days = poll(project, "caq")
    assert [(d["period"], d["authors"]) for d in days["periods"]] == [
        ("2026-08-31", 12),
        ("2026-09-02", 22),
    ]


def test_weeks_start_on_monday_in_the_project_time_zone(project, writer) -> None:  # noqa: ANN001
    # Sunday Sept 6, 23:30 in Toronto is already Monday Sept 7 (03:30) in UTC
    _posts(writer, "2026-09-07T03:30:00", ["favor"] * 12)
    _posts(writer, "2026-09-07T16:00:00", ["against"] * 11, prefix="b")  # Monday noon
    r = poll(project, "caq", by="week")
    assert [(p["period"], p["authors"], p["favor"]) for p in r["periods"]] == [
        ("2026-08-31", 12, 1.0),
        ("2026-09-07", 11, 0.0),
    ]


def test_floor_and_window_on_weeks() -> None:
    import pandas as pd

    t = pd.Series(pd.to_datetime(["2026-09-06T23:59", "2026-09-07T00:00", "2026-09-13T12:00"]))
    weeks = [str(d.date()) for d in floor(t, "week")]
    assert weeks == ["2026-08-31", "2026-09-07", "2026-09-07"]
    assert floor(pd.Timestamp("2026-09-09T08:00"), "week") == pd.Timestamp("2026-09-07")
    s, u = window("2026-09-02T10:00", "2026-09-09", "week", "America/Toronto")
    assert (s, u) == (pd.Timestamp("2026-08-31"), pd.Timestamp("2026-09-14"))
    s, u = window("2026-09-07", "2026-09-14", "week", "America/Toronto")  # Mondays: as asked
    assert (s, u) == (pd.Timestamp("2026-09-07"), pd.Timestamp("2026-09-14"))
    # an offset is read in the project's zone first: 03:00Z on Monday is Sunday in Toronto
    s, _ = window("2026-09-07T03:00Z", None, "week", "America/Toronto")
    assert s == pd.Timestamp("2026-08-31")


def test_window_is_aligned_on_whole_weeks(project, writer) -> None:  # noqa: ANN001
    _posts(writer, "2026-08-31T16:00:00", ["favor"] * 12)  # Monday
    _posts(writer, "2026-09-04T16:00:00", ["against"] * 10, prefix="b")  # Friday, others
    _posts(writer, "2026-09-08T16:00:00", ["none"] * 12, prefix="c")  # the next Tuesday
    a = poll(project, "caq", by="week", since="2026-09-03T10:00", until="2026-09-04")
    b = poll(project, "caq", by="week", since="2026-08-31", until="2026-09-07")
    # a part of a week is the whole week: no two queries isolate Friday's authors
    assert a["periods"] == b["periods"]
    assert (a["since"], a["until"]) == ("2026-08-31", "2026-09-07")
    assert [(p["period"], p["authors"]) for p in a["periods"]] == [("2026-08-31", 22)]
    later = poll(project, "caq", by="week", since="2026-09-13")  # a Sunday: its whole week
    assert [p["period"] for p in later["periods"]] == ["2026-09-07"]
    assert poll(project, "caq", by="week", since="2026-09-14")["periods"] == []


def test_small_weeks_and_small_remainders_are_hidden(project, writer) -> None:  # noqa: ANN001
    # week of Aug 31: 12 authors on Monday, and 3 others on Tuesday only: the week (15) is
    # hidden, since "week minus its shown Monday" would expose the 3 of the hidden Tuesday
    _posts(writer, "2026-08-31T16:00:00", ["favor"] * 12)
    _posts(writer, "2026-09-01T16:00:00", ["against"] * 3, prefix="b")
    # week of Sept 7: 12 authors, 3 of whom come back on Wednesday (a hidden day, but no one
    # in it is missing from the shown Monday): shown, with their latest stance
    _posts(writer, "2026-09-07T16:00:00", ["favor"] * 12, prefix="c")
    _posts(writer, "2026-09-09T16:00:00", ["against"] * 3, prefix="c")
    # week of Sept 14: 9 authors, fewer than 10
    _posts(writer, "2026-09-15T16:00:00", ["none"] * 9, prefix="d")
    r = poll(project, "caq", by="week")
    assert [(p["period"], p["authors"], p["against"]) for p in r["periods"]] == [
        ("2026-09-07", 12, 0.25)
    ]
    assert r["suppressed"] == 2
    # the trend of the shown week owes nothing to the hidden ones
    assert r["periods"][0]["trend_against"] == 0.25
    # the daily poll is unchanged by weeks: Monday Aug 31 and Sept 7 are shown
    days = [p["period"] for p in poll(project, "caq")["periods"]]
    assert days == ["2026-08-31", "2026-09-07"]


def test_a_week_holding_a_pruned_day_is_not_shown_and_is_named(project, writer) -> None:  # noqa: ANN001
    history(writer)  # Sept 1-3 and 20; Sept 1 and 2 are pruned, Sept 3 (Thursday) is not
    before = poll(project, "caq", by="week")
    assert [(p["period"], p["authors"]) for p in before["periods"]] == [
        ("2026-08-31", 88),
        ("2026-09-14", 15),
    ]
    prune(project, days=30, now=NOW)
    r = poll(project, "caq", by="week")
    # Sept 3 still has its 24 authors, but they are not the week of Aug 31: not shown
    assert [(p["period"], p["authors"]) for p in r["periods"]] == [("2026-09-14", 15)]
    assert r["suppressed"] == 0
    assert r["pruned"]["weeks"] == ["2026-08-31"]
    assert (r["pruned"]["days"], r["pruned"]["shown"]) == (2, 0)
    assert kept_note(r, "en") == (
        "The week of 2026-08-31 is not shown: some of its posts were deleted (retention) and "
        "only daily counts of them remain, which cannot make a week (an author active on "
        "several days would count several times). See these days (from 2026-09-01 to "
        "2026-09-02) in the daily poll (bascule poll --by day)."
    )
    fr = kept_note(r, "fr")
    assert fr.startswith("La semaine du 2026-08-31 n'est pas montrée : une partie de ses ")
    assert fr.endswith("dans le sondage par jour (bascule poll --by day).")
    assert "The week of 2026-08-31 is not shown" in poll_html(r, "en")
    # a window of part of that week is that week, still not shown, still named
    part = poll(project, "caq", by="week", since="2026-09-03", until="2026-09-04")
    assert part["periods"] == [] and part["pruned"]["weeks"] == ["2026-08-31"]
    # a window past it says nothing of it; hours and days say what they said
    assert poll(project, "caq", by="week", since="2026-09-07")["pruned"] is None
    assert "weeks" not in poll(project, "caq")["pruned"]
    assert "weeks" not in poll(project, "caq", by="hour")["pruned"]
    # a target with nothing pruned and nothing posted has nothing to say
    assert poll(project, "pq", by="week")["pruned"] is None


def test_the_week_the_cutoff_splits_is_not_shown_even_with_nothing_kept(project, writer) -> None:  # noqa: ANN001
    # Saturday Sept 5: 3 authors in the morning, 11 in the afternoon; the cutoff falls at noon
    # and no stance reaches 10 authors, so nothing is kept of the morning
    _posts(writer, "2026-09-05T10:00:00", ["none"] * 3)
    _posts(writer, "2026-09-05T22:00:00", ["favor"] * 5 + ["against"] * 5 + ["none"], prefix="b")
    _posts(writer, "2026-09-08T16:00:00", ["favor"] * 10, prefix="c")
    assert [p["period"] for p in poll(project, "caq", by="week")["periods"]] == [
        "2026-08-31",
        "2026-09-07",
    ]
    prune(project, days=30, now=datetime(2026, 10, 5, 16, 0))
    r = poll(project, "caq", by="week")
    assert [p["period"] for p in r["periods"]] == ["2026-09-07"]
    assert (r["pruned"]["days"], r["pruned"]["weeks"]) == (0, ["2026-08-31"])
    assert kept_note(r, "en") == (
        "Posts before 2026-09-05 12:00 were deleted (retention) and no daily count of them was "
        "kept for this target in this window (no stance had 10 authors). The week of "
        "2026-08-31 is not shown: some of its posts are gone."
    )
    assert kept_note(r, "fr").endswith(
        "La semaine du 2026-08-31 n'est pas montrée : une partie de ses publications manque."
    )


def test_days_kept_in_another_zone_hide_every_week_they_reach(project, writer) -> None:  # noqa: ANN001
    # an earlier Bascule kept UTC days: Monday Aug 3 in UTC starts on Sunday Aug 2 at 20:00
    # in Toronto, so it reaches into the week of July 27 too
    project.store.execute(
        "INSERT INTO aggregates VALUES ('2026-08-03', 'caq', 'favor', 12, 12), "
        "('2026-08-03', 'caq', 'against', 11, 11)"
    )
    _posts(writer, "2026-07-28T16:00:00", ["favor"] * 12)
    _posts(writer, "2026-08-05T16:00:00", ["favor"] * 12, prefix="b")
    _posts(writer, "2026-08-11T16:00:00", ["against"] * 12, prefix="c")
    r = poll(project, "caq", by="week")
    assert [p["period"] for p in r["periods"]] == ["2026-08-10"]
    assert r["pruned"]["weeks"] == ["2026-07-27", "2026-08-03"]
    en = kept_note(r, "en")
    assert en.startswith("The weeks of 2026-07-27 to 2026-08-03 (2 weeks) are not shown: some")
    assert "See these days (on 2026-08-03) in the daily poll" in en
    fr = kept_note(r, "fr")
    assert fr.startswith("Les semaines du 2026-07-27 au 2026-08-03 (2 semaines) ne sont pas ")
    assert "une partie de leurs publications" in fr


def test_weekly_outputs(project, writer, tmp_path) -> None:  # noqa: ANN001
    _posts(writer, "2026-08-31T16:00:00", ["favor"] * 7 + ["none"] * 5)
    _posts(writer, "2026-09-08T16:00:00", ["against"] * 11, prefix="b")
    r = poll(project, "caq", by="week")
    csv = poll_csv(r).splitlines()
    assert csv[0].startswith("period,authors,favor,")
    assert csv[1].startswith("2026-08-31,12,0.5833,") and csv[2].startswith("2026-09-07,11,")
    fig = poll_figure(r, "en")
    # points and bars span their week; one tick a week, on its Monday
    assert {(t.xperiod, t.xperiodalignment) for t in fig.data} == {(604_800_000, "middle")}
    assert fig.layout.xaxis2.dtick == 604_800_000 and fig.layout.xaxis2.tick0 == "2026-08-31"
    assert fig.layout.annotations[0].x == "2026-09-10T12:00:00"  # the middle of the last week
    assert fig.layout.title.text.startswith(
        "Continuous poll — Coalition Avenir Québec, per week (weeks of 2026-08-31 to 2026-09-07)"
    )
    trend = next(t for t in fig.data if t.name == "for (trend)")
    assert list(trend.x) == ["2026-08-31", "2026-09-07"]  # consecutive weeks: one line
    assert "par semaine (semaines du 2026-08-31 au 2026-09-07)</title>" in poll_html(r, "fr")
    poll_png(r, tmp_path / "weeks.png", "fr")
    assert (tmp_path / "weeks.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    one = poll(project, "caq", by="week", until="2026-09-01")
    assert "(semaine du 2026-08-31)</title>" in poll_html(one, "fr")


def test_a_month_is_no_period(project) -> None:  # noqa: ANN001
    from bascule.opinion.undecided import undecided

    with pytest.raises(InputError):
        poll(project, "caq", by="month")
    with pytest.raises(InputError):  # the undecided count weeks as the poll does, not months
        undecided(project, by="month")


@pytest.fixture
def weekly(project, writer):  # noqa: ANN001, ANN201
    history(writer)
    prune(project, days=30, now=NOW)
    _posts(writer, "2026-09-08T16:00:00", ["favor"] * 7 + ["none"] * 5, prefix="w")
    root = str(project.root)
    project.close()  # the CLI opens the database read-only: release it
    return root


def test_poll_command_prints_a_weekly_table(weekly, capsys, tmp_path) -> None:  # noqa: ANN001
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week"]) == 0
    out = capsys.readouterr().out
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ 20")]
    assert rows == ["2026-09-07", "2026-09-14"]  # the week of Aug 31 is not in the table
    text = " ".join(out.split())
    assert "Coalition avenir Québec — semaine" in text and "semaine du" in text
    assert "58\u202f% [" in out  # 7 of 12 for in the week of Sept 7
    assert "La semaine du 2026-08-31 n'est pas montrée" in text and "†" not in text
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week", "--lang", "en"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "week of" in text and "The week of 2026-08-31 is not shown" in text
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [p["period"] for p in out["periods"]] == ["2026-09-07", "2026-09-14"]
    assert out["by"] == "week" and out["pruned"]["weeks"] == ["2026-08-31"]
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("2026-09-07,12,0.5833,")
    png, page = tmp_path / "w.png", tmp_path / "w.html"
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week", "--png", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "week", "--html", "-o", str(page)]) == 0
    assert "par semaine" in page.read_text(encoding="utf-8")
    assert main(["poll", "-p", weekly, "-t", "caq", "--by", "month"]) == 2
    assert "--by vaut hour, day, week" in capsys.readouterr().err


def test_privacy_md_says_why_weeks_are_hidden() -> None:
    # PRIVACY.md explained the hourly poll and pruned days, not the weekly poll's two rules
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "PRIVACY.md").read_text(encoding="utf-8")
    section = text.split("## For how long", 1)[1].split("\n## ", 1)[0]
    said = " ".join(section.split())
    assert "`bascule poll --by week`" in said
    assert "no week holding a pruned day" in said and "would count several times" in said
    assert "seen in none of its shown days (or in none of its shown hours)" in said
    assert "subtracting the shown days (or hours) from the week would isolate them" in said
