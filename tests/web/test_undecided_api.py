"""`/api/undecided` by hour, day or week, as `bascule undecided --by ... --json` computes it."""

from __future__ import annotations

import pytest

from tests.web.webutil import login

pytestmark = pytest.mark.filterwarnings(
    "ignore:Arrow output on a DB-API result:UserWarning"  # duckdb perf hint from store.db
)


def test_api_undecided_by_week(pruned) -> None:  # noqa: ANN001
    from bascule.opinion.undecided import undecided
    from bascule.web.data import jsonable

    base, project = pruned
    c = login(base, "vic")
    weeks = c.get("/api/undecided", params={"by": "week"})
    assert weeks.status_code == 200
    got = weeks.json()
    assert got["by"] == "week"
    # the week of Aug 31 holds pruned days: not shown, named
    assert [(p["period"], p["authors"]) for p in got["periods"]] == [("2026-09-14", 15)]
    assert got["pruned_weeks"] == ["2026-08-31"] and got["suppressed"] == 0
    assert got == jsonable(undecided(project, by="week"))  # what the CLI's --json prints
    days = c.get("/api/undecided").json()  # by day unless asked
    assert days["by"] == "day" and "pruned_weeks" not in days
    assert [p["period"] for p in days["periods"]] == ["2026-09-03", "2026-09-20"]
    assert c.get("/api/undecided", params={"by": "hour"}).json()["by"] == "hour"
    assert c.get("/api/undecided", params={"by": "month"}).status_code == 422
    spec = c.get("/openapi.json").json()["paths"]["/api/undecided"]["get"]["parameters"]
    said = {p["name"]: p.get("description", "") for p in spec}
    assert "ISO week" in said["by"] and "named by its Monday" in said["by"]
    assert "week" in next(p for p in spec if p["name"] == "by")["schema"]["enum"]
