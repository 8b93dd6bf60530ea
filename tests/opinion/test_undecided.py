"""Committed / leaning / undecided states, counts over time, and the undecided's themes."""

from __future__ import annotations

import pytest

from bascule.opinion.themes import trend_bins
from bascule.opinion.undecided import author_states, undecided, undecided_figure

HOUSING = [
    "Je ne sais pas pour qui voter, le logement et les loyers me ruinent",
    "Indécis : qui va régler la crise du logement et des loyers ?",
    "J'hésite encore, les loyers explosent et personne ne parle du logement social",
]
TRANSIT = [
    "Toujours indécise, je veux savoir qui financera le tramway et le métro",
    "Je sais pas pour qui voter : transport en commun, tramway, métro",
    "J'hésite, le troisième lien ou le tramway ? Le transport collectif d'abord",
]
HEALTH = ["I'm torn between them, hospital wait times and nurses matter most to me"]


def test_states_from_history(project, writer) -> None:  # noqa: ANN001
    rows = [
        ("committed", "2026-09-01T12:00", "", {"caq": "favor"}, False),
        ("committed", "2026-09-02T12:00", "", {"legault": "favor"}, False),  # leader -> caq
        ("leaning", "2026-09-01T12:00", "", {"pq": "favor"}, False),
        ("relapsed", "2026-09-01T12:00", "", {"qs": "favor"}, False),
        ("relapsed", "2026-09-01T12:00", "", {"qs": "favor"}, False),
        ("relapsed", "2026-09-02T12:00", "", {"qs": "none"}, True),  # hesitation after favours
        ("settled", "2026-09-01T12:00", "", {"qs": "none"}, True),
        ("settled", "2026-09-02T12:00", "", {"plq": "favor"}, False),  # favour after hesitation
        ("split3", "2026-09-01T12:00", "", {"caq": "favor", "pq": "favor", "qs": "favor"}, False),
        ("critic", "2026-09-01T12:00", "", {"caq": "against"}, False),
        ("unanalysed", "2026-09-01T12:00", "Toujours indécis moi", {}, None),  # detected here
        ("quiet", "2026-09-01T12:00", "Il pleut", {}, False),  # not political: not listed
    ]
    writer.posts((a, t, x, s, h, "fr") for a, t, x, s, h in rows)
    st = author_states(project).set_index("author_id")
    got = {
        a.removeprefix("test:"): (r.state, r.leaning_target, r.n_posts) for a, r in st.iterrows()
    }
    assert got == {
        "committed": ("committed", "caq", 2),
        "leaning": ("leaning", "pq", 1),
        "relapsed": ("undecided", "qs", 3),
        "settled": ("leaning", "plq", 2),
        "split3": ("undecided", "caq", 1),
        "critic": ("undecided", None, 1),
        "unanalysed": ("undecided", None, 1),
    }
    # the window cuts history: before its hesitation, "relapsed" was committed to QS
    st = author_states(project, until="2026-09-02").set_index("author_id")
    assert st.loc["test:relapsed", "state"] == "committed"


def _campaign(writer, *, small_theme: bool = False) -> None:  # noqa: ANN001
    rows = []
    for a in range(24):  # 12 undecided on housing, 12 on transit, over 4 days
        texts = HOUSING if a < 12 else TRANSIT
        for j in range(2):
            day = 1 + (a + j) % 4
            rows.append(
                (f"u{a}", f"2026-09-0{day}T16:00", texts[(a + j) % 3], {"caq": "none"}, True)
            )
    for a in range(30):  # 30 committed CAQ voters, every day
        for day in range(1, 5):
            rows.append((f"c{a}", f"2026-09-0{day}T17:00", "Je vote CAQ", {"caq": "favor"}, False))
    if small_theme:  # 4 English-speaking undecided on health: too few to be shown
        for a in range(4):
            rows.append((f"h{a}", "2026-09-02T16:00", HEALTH[0], {"plq": "none"}, True))
    writer.posts((a, t, x, s, h, "en" if a.startswith("h") else "fr") for a, t, x, s, h in rows)


def test_undecided_counts_and_themes(project, writer) -> None:  # noqa: ANN001
    _campaign(writer)
    r = undecided(project, seed=1)
    assert r["authors"] == {
        "total": 54,
        "committed": 30,
        "leaning": 0,
        "undecided": 24,
        "explicit": 24,
    }
    assert [p["period"] for p in r["periods"]] == [f"2026-09-0{d}" for d in range(1, 5)]
    first = r["periods"][0]
    assert (first["authors"], first["undecided"], first["leaning"]) == (42, 12, 30)
    assert first["undecided_share"] == round(12 / 42, 4)
    assert first["undecided_lo"] < first["undecided_share"] < first["undecided_hi"]
    labels = sorted(t["words"][0] for t in r["themes"])
    assert labels == ["logement", "tramway"] or labels == ["loyers", "tramway"]
    for t in r["themes"]:
        assert t["authors"] == 12 and t["posts"] == 24 and t["lang"] == "fr"
        assert len(t["quotes"]) == 3
        assert len({q["author"] for q in t["quotes"]}) == 3
        assert all(q["author"].startswith("pseudo-u") for q in t["quotes"])  # stored handles
        assert t["trend"] is None or t["trend"]["direction"] in ("rising", "falling", "stable")
    housing = next(t for t in r["themes"] if "logement" in t["words"])
    assert {"loyers", "logement"} <= set(housing["words"][:3])
    assert "métro" in next(t for t in r["themes"] if t is not housing)["words"]  # accents kept
    assert r["posts"] == 48 and r["unassigned"] == 0
    assert undecided(project, seed=1) == r  # deterministic
    fig = undecided_figure(r, "en")
    assert len(fig.data) == 4


def test_every_post_assigned_or_counted(project, writer) -> None:  # noqa: ANN001
    _campaign(writer, small_theme=True)
    r = undecided(project, seed=0)
    assert r["authors"]["undecided"] == 28
    assert r["posts"] == 52
    assert sum(t["posts"] for t in r["themes"]) + r["unassigned"] == r["posts"]
    assert r["unassigned"] == 4  # the health theme has 4 authors: hidden, counted unassigned
    assert all(t["lang"] == "fr" for t in r["themes"])


def test_hidden_periods_enter_nothing(project, writer) -> None:  # noqa: ANN001
    _campaign(writer)
    before = undecided(project, seed=0)
    writer.posts(  # 5 undecided authors alone on Sept 6: a hidden day
        (f"late{a}", "2026-09-06T16:00", HOUSING[a % 3], {"caq": "none"}, True, "fr")
        for a in range(5)
    )
    after = undecided(project, seed=0)
    assert after["suppressed"] == 1
    assert {k: v for k, v in after.items() if k != "suppressed"} == {
        k: v for k, v in before.items() if k != "suppressed"
    }


def test_nothing_to_show(project) -> None:  # noqa: ANN001
    r = undecided(project)
    assert r["authors"] is None and r["themes"] == [] and r["unassigned"] == 0
    assert list(author_states(project).columns[:4]) == [
        "author_id",
        "state",
        "leaning_target",
        "n_posts",
    ]


def test_trend_bins_merge_until_enough_authors() -> None:
    import pandas as pd

    start = pd.Timestamp("2026-09-01")
    end = pd.Timestamp("2026-09-09")
    # 4 spans of 2 days: 12, 3, 0 and 20 authors; span 2 and 3 merge into span 4's group
    times = (["2026-09-01"] * 12) + (["2026-09-03"] * 3) + (["2026-09-08"] * 20)
    authors = [f"a{i}" for i in range(35)]
    t = trend_bins(pd.Series(pd.to_datetime(times)), pd.Series(authors), start, end, 10)
    assert [(s["start"][:10], s["end"][:10], s["authors"]) for s in t["spans"]] == [
        ("2026-09-01", "2026-09-03", 12),
        ("2026-09-03", "2026-09-09", 23),
    ]
    assert t["change"] == pytest.approx((23 / 6) / (12 / 2) - 1, abs=1e-3)
    assert t["direction"] == "falling"
    assert (
        trend_bins(pd.Series(pd.to_datetime(times[:12])), pd.Series(authors[:12]), start, end, 10)
        is None
    )


def test_hour_and_day_views_publish_the_same_totals(project, writer) -> None:  # noqa: ANN001
    _campaign(writer)
    writer.posts(  # 3 undecided authors alone in the evening of Sept 1: a hidden hour
        (f"eve{a}", "2026-09-01T23:00", TRANSIT[a], {"caq": "none"}, True, "fr") for a in range(3)
    )
    day = undecided(project, seed=0, by="day")
    hour = undecided(project, seed=0, by="hour")
    assert day["authors"] == hour["authors"] and day["themes"] == hour["themes"]
    assert day["authors"]["total"] == 57
    # Sept 1: 12 undecided at noon, 30 committed at 13:00, 3 alone at 19:00. Showing both
    # big hours would let "day minus hours" expose the 3: the smaller hour is hidden too.
    first = [p["period"] for p in hour["periods"]][:2]
    assert first == ["2026-09-01T13:00", "2026-09-02T12:00"]
    assert hour["suppressed"] == 2


def test_theme_trends_and_figure_read_in_french(project, writer) -> None:  # noqa: ANN001
    from bascule.opinion.themes import trend_label

    assert trend_label({"direction": "falling"}, "fr") == "↘ en baisse"
    assert trend_label({"direction": "rising"}, "fr") == "↗ en hausse"
    assert trend_label({"direction": "stable"}, "en") == "→ steady"
    assert trend_label(None, "fr") == "—"
    _campaign(writer)
    r = undecided(project, seed=1)
    r["themes"][0]["trend"] = {"direction": "falling", "change": -0.5, "spans": []}
    fig = undecided_figure(r, "fr")
    band = fig.data[0]
    assert band.fill == "toself" and band.mode == "lines"  # no markers on the bounds
    bars = next(t for t in fig.data if t.type == "bar")
    text = " ".join(bars.y) + bars.hovertemplate
    assert "en baisse" in text and "falling" not in text and " posts" not in text


def test_official_and_opted_in_accounts_are_not_the_undecided(project, writer) -> None:  # noqa: ANN001
    # a newsroom named by consent posts hesitant-sounding headlines every day: they were
    # counted among the undecided and quoted as their reasons
    _campaign(writer)
    before = undecided(project, seed=1)
    project.config.privacy.opted_in = ["@Newsroom"]
    named = [("newsroom", "Newsroom"), ("caq-official", "@coalitionavenir")]
    writer.named(named)
    writer.posts(
        (a, f"2026-09-0{d}T18:00", HOUSING[d % 3], {"caq": "none"}, True, "fr")
        for a, _ in named
        for d in range(1, 5)
    )
    after = undecided(project, seed=1)
    assert after["authors"] == before["authors"]
    quoted = {q["author"] for t in after["themes"] for q in t["quotes"]}
    assert quoted and not quoted & {"Newsroom", "@coalitionavenir"}
    project.config.privacy.opted_in = []  # the newsroom not named: one of the public again
    assert undecided(project, seed=1)["authors"]["undecided"] == 25


def _say(writer, at: str, n: int, *, prefix: str, favour: bool = False) -> None:  # noqa: ANN001
    """One political post per author `{prefix}{i}` at `at` (UTC; 16:00 is noon in Toronto):
    a favour for the CAQ, or an open hesitation."""
    stance, hes = ({"caq": "favor"}, False) if favour else ({"caq": "none"}, True)
    writer.posts((f"{prefix}{i}", at, HOUSING[i % 3], stance, hes, "fr") for i in range(n))


def test_an_author_counts_once_a_week_with_their_state_over_it(project, writer) -> None:  # noqa: ANN001
    _say(writer, "2026-08-31T16:00", 12, prefix="u")  # Monday: 12 hesitate
    _say(writer, "2026-09-02T16:00", 12, prefix="u", favour=True)  # Wednesday: they lean
    _say(writer, "2026-09-02T17:00", 10, prefix="c", favour=True)  # 10 others favour twice,
    _say(writer, "2026-09-07T03:30", 10, prefix="c", favour=True)  # Sunday 23:30 in Toronto
    r = undecided(project, by="week", seed=0)
    assert r["by"] == "week" and r["suppressed"] == 0 and r["pruned_weeks"] == []
    assert [(p["period"], p["authors"]) for p in r["periods"]] == [("2026-08-31", 22)]
    week = r["periods"][0]
    assert (week["committed"], week["leaning"], week["undecided"]) == (10, 12, 0)
    assert week["undecided_share"] == 0.0 and week["trend_undecided"] == 0.0
    # the daily view counts each day apart; its totals are the week's
    days = undecided(project, seed=0)
    assert [(p["period"], p["authors"]) for p in days["periods"]] == [
        ("2026-08-31", 12),
        ("2026-09-02", 22),
        ("2026-09-06", 10),
    ]
    assert days["periods"][0]["undecided"] == 12 and days["authors"] == r["authors"]
    # a window of part of a week is the whole week, for the series and the totals
    part = undecided(project, by="week", since="2026-09-02", until="2026-09-03", seed=0)
    assert (part["since"], part["until"]) == ("2026-08-31", "2026-09-07")
    assert part["periods"] == r["periods"] and part["authors"] == r["authors"]
    assert part["totals_days"] == ["2026-08-31", "2026-09-06"]


def test_small_weeks_and_small_remainders_are_hidden(project, writer) -> None:  # noqa: ANN001
    _say(writer, "2026-09-08T16:00", 9, prefix="a")  # week of Sept 7: 9 authors
    # week of Sept 14: 12 on Monday, 3 others on Tuesday only: "week minus its shown Monday"
    # would expose the 3, as the weekly poll says
    _say(writer, "2026-09-14T16:00", 12, prefix="b")
    _say(writer, "2026-09-15T16:00", 3, prefix="x")
    # week of Sept 21: 12 on Monday, 3 of them back on Wednesday (a hidden day) to lean
    _say(writer, "2026-09-21T16:00", 12, prefix="c")
    _say(writer, "2026-09-23T16:00", 3, prefix="c", favour=True)
    r = undecided(project, by="week", seed=0)
    assert [(p["period"], p["authors"]) for p in r["periods"]] == [("2026-09-21", 12)]
    assert r["suppressed"] == 2
    # a hidden day enters nothing, not even its week: the 3 are undecided there, as on Monday
    assert (r["periods"][0]["undecided"], r["periods"][0]["leaning"]) == (12, 0)
    assert [p["period"] for p in undecided(project, seed=0)["periods"]] == [
        "2026-09-14",
        "2026-09-21",
    ]


def test_a_week_holding_a_pruned_day_is_not_shown(project, writer) -> None:  # noqa: ANN001
    from bascule.opinion.undecided import pruned_note
    from bascule.report.opinion import undecided_page
    from bascule.scale.retention import prune

    from .test_poll_kept import NOW, history

    history(writer)  # Sept 1-3 and 20; Sept 1 and 2 are pruned, Sept 3 (Thursday) is not
    before = undecided(project, by="week", seed=0)
    assert [(p["period"], p["authors"]) for p in before["periods"]] == [
        ("2026-08-31", 88),
        ("2026-09-14", 15),
    ]
    assert pruned_note(before, "en") is None
    prune(project, days=30, now=NOW)
    r = undecided(project, by="week", seed=0)
    # Sept 3 still has its 24 authors, but they are not the week of Aug 31: not shown
    assert [(p["period"], p["authors"]) for p in r["periods"]] == [("2026-09-14", 15)]
    assert r["pruned_weeks"] == ["2026-08-31"] and r["suppressed"] == 0
    assert pruned_note(r, "en") == (
        "The week of 2026-08-31 is not shown: some of its posts were deleted (retention)."
    )
    assert pruned_note(r, "fr") == (
        "La semaine du 2026-08-31 n'est pas montrée : une partie de ses publications a été "
        "supprimée (durée de conservation)."
    )
    # `bascule undecided --by week --html` says it under the chart
    page = undecided_page(r, "en", "Campaign")
    assert "<p>The week of 2026-08-31 is not shown: some of its posts were deleted" in page
    # the daily view still shows Sept 3; a window past the week says nothing of it
    assert "2026-09-03" in [p["period"] for p in undecided(project, seed=0)["periods"]]
    assert undecided(project, by="week", since="2026-09-07", seed=0)["pruned_weeks"] == []
    assert "pruned_weeks" not in undecided(project, seed=0)


def test_a_day_kept_for_any_target_hides_its_week(project, writer) -> None:  # noqa: ANN001
    # kept by an earlier Bascule for the PQ (UTC days): Wednesday Aug 5 is in the week of Aug 3
    project.store.execute("INSERT INTO aggregates VALUES ('2026-08-05', 'pq', 'favor', 12, 12)")
    _say(writer, "2026-08-04T16:00", 12, prefix="a")
    _say(writer, "2026-08-11T16:00", 12, prefix="b")
    r = undecided(project, by="week", seed=0)
    assert [p["period"] for p in r["periods"]] == ["2026-08-10"]
    assert r["pruned_weeks"] == ["2026-08-03"]


def test_weekly_csv_chart_and_png(project, writer, tmp_path) -> None:  # noqa: ANN001
    from bascule.opinion.undecided import share_title, undecided_csv, undecided_png

    _say(writer, "2026-08-31T16:00", 12, prefix="u")
    _say(writer, "2026-09-08T16:00", 10, prefix="c", favour=True)
    _say(writer, "2026-09-08T17:00", 10, prefix="c", favour=True)
    _say(writer, "2026-09-15T16:00", 3, prefix="x")  # a hidden week: no row
    r = undecided(project, by="week", seed=0)
    assert r["suppressed"] == 1
    csv = undecided_csv(r).splitlines()
    assert csv[0] == (
        "period,authors,committed,leaning,undecided,undecided_share,undecided_lo,"
        "undecided_hi,trend_undecided"
    )
    assert csv[1].startswith("2026-08-31,12,0,0,12,1.0,")
    assert csv[2].startswith("2026-09-07,10,10,0,0,0.0,") and len(csv) == 3
    assert share_title(r, "en") == (
        "Share of undecided authors, per week (weeks of 2026-08-31 to 2026-09-07)"
    )
    assert share_title(undecided(project, seed=0), "fr") == "Part d'indécis parmi les auteurs"
    fig = undecided_figure(r, "fr")
    assert fig.layout.annotations[0].text == (
        "Part d'indécis parmi les auteurs, par semaine (semaines du 2026-08-31 au 2026-09-07)"
    )
    assert {t.xperiod for t in fig.data if t.xaxis == "x"} == {604_800_000}
    assert fig.layout.xaxis.dtick == 604_800_000 and fig.layout.xaxis.tick0 == "2026-08-31"
    undecided_png(r, tmp_path / "weeks.png", "fr")
    png = (tmp_path / "weeks.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
