"""The war room's poll keeps the days whose posts `bascule prune` deleted (API and overview),
and serves weeks as `bascule poll --by week --json` computes them."""

from __future__ import annotations

import pytest

from tests.web.webutil import csrf, login

pytestmark = pytest.mark.filterwarnings(
    "ignore:Arrow output on a DB-API result:UserWarning"  # duckdb perf hint from store.db
)


def test_api_and_overview_show_the_kept_days(pruned) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll
    from bascule.web.data import jsonable

    base, project = pruned
    c = login(base, "vic")
    api = c.get("/api/poll", params={"target": "caq"}).json()
    assert [(p["period"], p["source"]) for p in api["periods"]] == [
        ("2026-09-01", "aggregates"),
        ("2026-09-02", "aggregates"),
        ("2026-09-03", "posts"),
        ("2026-09-20", "posts"),
    ]
    assert api == jsonable(poll(project, "caq"))  # what `bascule poll --json` prints
    hourly = c.get("/api/poll", params={"target": "caq", "by": "hour"}).json()
    assert [p["period"] for p in hourly["periods"]] == ["2026-09-03T12:00", "2026-09-20T12:00"]
    assert (hourly["pruned"]["first"], hourly["pruned"]["last"]) == ("2026-09-01", "2026-09-02")
    page = c.get("/").text  # the project's language: French
    assert 'id="poll-kept-caq"' in page
    assert "Du 2026-09-01 au 2026-09-02, 2 jours viennent des comptes quotidiens gardés" in page
    assert "kept-aggregates" in page and "comptes gardés (publications supprimées)" in page
    assert 'id="poll-kept-pq"' not in page  # nothing of it was pruned
    overview = c.get("/api/overview").json()["polls"]["caq"]["result"]
    assert overview["periods"][0]["source"] == "aggregates"
    r = c.post("/lang", data={"lang": "en", "next": "/", "csrf_token": csrf(c)})
    assert r.status_code == 303
    page = c.get("/").text
    assert "From 2026-09-01 to 2026-09-02, 2 days come from the daily counts kept" in page
    assert "kept counts (posts deleted)" in page


def test_api_serves_weeks_and_names_the_pruned_ones(pruned) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll
    from bascule.web.data import jsonable

    base, project = pruned
    c = login(base, "vic")
    r = c.get("/api/poll", params={"target": "caq", "by": "week"})
    assert r.status_code == 200
    weekly = r.json()
    assert weekly["by"] == "week"
    assert [(p["period"], p["authors"]) for p in weekly["periods"]] == [("2026-09-14", 15)]
    assert weekly["pruned"]["weeks"] == ["2026-08-31"]  # not made up from the kept days
    assert weekly == jsonable(poll(project, "caq", by="week"))  # what the CLI prints
    # a window inside a week is the whole week
    part = c.get(
        "/api/poll",
        params={"target": "caq", "by": "week", "since": "2026-09-16", "until": "2026-09-17"},
    ).json()
    assert (part["since"], part["until"]) == ("2026-09-14", "2026-09-21")
    assert part["periods"] == weekly["periods"] and part["pruned"] is None
    spec = c.get("/openapi.json").json()
    by = next(p for p in spec["paths"]["/api/poll"]["get"]["parameters"] if p["name"] == "by")
    assert by["schema"]["enum"] == ["hour", "day", "week"]
