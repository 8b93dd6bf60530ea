"""The detectors over a real project store: forecast, burst and lone-critic alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pyarrow as pa
import pytest

from bascule.alerts import bursts, lone_critic
from bascule.alerts.watch import check, list_alerts, title
from bascule.cli import main

NOW = datetime(2026, 9, 10, 12, 0)


def add_posts(project, rows: list[tuple]) -> None:  # noqa: ANN001
    """rows: (post_id, author_id, created_at, text)."""
    project.store.insert(
        "posts",
        pa.table(
            {
                "post_id": [r[0] for r in rows],
                "platform": ["mastodon"] * len(rows),
                "native_id": [r[0] for r in rows],
                "author_id": [r[1] for r in rows],
                "created_at": pa.array([r[2] for r in rows], pa.timestamp("us")),
                "text": [r[3] for r in rows],
            }
        ),
    )


def add_stance(project, rows: list[tuple[str, str, str]]) -> None:  # noqa: ANN001
    project.store.insert(
        "analyses",
        pa.table(
            {
                "post_id": [r[0] for r in rows],
                "target_id": [r[1] for r in rows],
                "stance": [r[2] for r in rows],
            }
        ),
    )


def add_reposts(project, post_id: str, author: str, times: list[datetime], prefix: str) -> None:  # noqa: ANN001
    n = len(times)
    project.store.insert(
        "interactions",
        pa.table(
            {
                "src_author": [f"{prefix}{i}" for i in range(n)],
                "dst_author": [author] * n,
                "kind": ["repost"] * n,
                "post_id": [f"{post_id}-rp{i}" for i in range(n)],
                "target_post_id": [post_id] * n,
                "created_at": pa.array(times, pa.timestamp("us")),
            }
        ),
    )


def test_forecast_alert_for_a_spreading_critique_of_a_watched_target(project) -> None:  # noqa: ANN001
    start = NOW - timedelta(minutes=60)
    add_posts(
        project,
        [
            ("m:1", "m:a1", start, "La CAQ a menti"),
            ("m:2", "m:a2", start, "Bof, la CAQ"),
            ("m:3", "m:a3", start, "Le PLQ a menti"),  # plq is not watched
        ],
    )
    add_stance(
        project, [("m:1", "caq", "against"), ("m:2", "caq", "against"), ("m:3", "plq", "against")]
    )
    burst = [start + timedelta(minutes=float(m)) for m in np.linspace(1, 59, 80)]
    add_reposts(project, "m:1", "m:a1", burst, "m:r")
    add_reposts(project, "m:2", "m:a2", burst[:3], "m:s")
    add_reposts(project, "m:3", "m:a3", burst, "m:t")
    fresh = check(project, now=NOW, kinds=["forecast"])
    assert [a["alert_id"] for a in fresh] == ["forecast:m:1:caq"]
    assert fresh[0]["title"].startswith("Critique de Coalition avenir Québec : ~")  # its name
    en = list_alerts(project, lang="en")[0]["title"]
    assert en.startswith("Critique of Coalition Avenir Québec: ~") or en.startswith(
        "Critique of Coalition avenir Québec: ~"
    )
    d = fresh[0]["detail"]
    assert d["observed_reposts"] == 80 and d["predicted_reposts"] >= 100
    assert d["interval"][0] <= d["predicted_reposts"] <= d["interval"][1]
    assert check(project, now=NOW, kinds=["forecast"]) == []  # deduplicated
    # 30 minutes earlier, only half the reposts were in: the forecast stays under 100
    project.store.execute("DELETE FROM alerts")
    assert check(project, now=start + timedelta(minutes=20), kinds=["forecast"]) == []
    listed = list_alerts(project)
    assert listed == []


def test_title_names_the_target_as_the_config_does() -> None:
    from bascule.config import parse_config

    cfg = parse_config(
        '[[targets]]\nid = "caq"\nname = "Coalition avenir Québec"\n'
        'name_en = "Coalition Avenir Québec"\n\n'
        '[[targets]]\nid = "legault"\nkind = "leader"\nname = "François Legault"\n'
    )
    detail = {"predicted_reposts": 140, "observed_reposts": 80, "age_minutes": 30}

    def headline(target: str, lang: str, config: object = cfg) -> str | None:
        return title({"kind": "forecast", "target_id": target, "detail": detail}, lang, config)

    assert headline("caq", "fr").startswith("Critique de Coalition avenir Québec : ~140")
    assert headline("caq", "en").startswith("Critique of Coalition Avenir Québec: ~140")
    assert headline("legault", "en").startswith("Critique of François Legault:")  # no name_en
    assert headline("gone", "en").startswith("Critique of gone:")  # no longer configured
    assert headline("caq", "en", None).startswith("Critique of caq:")  # no config: the id

    class Names:  # only `Config.target_name`: the one place that names a target
        def target_name(self, target_id: str, lang: str | None) -> str:
            return f"{target_id}-{lang}"

    assert headline("caq", "en", Names()).startswith("Critique of caq-en:")


def test_kleinberg_states_on_a_hand_made_series() -> None:
    d = np.full(24, 100)
    r = np.full(24, 2)
    r[18:21] = [12, 15, 10]
    assert bursts.kleinberg(r, d).tolist() == [0] * 18 + [1, 1, 1] + [0] * 3
    assert bursts.kleinberg(np.full(24, 2), d).sum() == 0  # steady: no burst


def test_burst_alert_shows_the_baseline(project) -> None:  # noqa: ANN001
    rows, start = [], NOW - timedelta(days=3)
    for h in range(72):
        t = start + timedelta(hours=h, minutes=5)
        for i in range(5):
            rows.append((f"m:{h}-{i}", f"m:u{i}", t, "budget du jour"))
        if h % 12 == 0:
            rows.append((f"m:{h}-x", "m:u9", t, "le #tramway encore"))
        if h >= 70:
            rows += [(f"m:{h}-t{i}", f"m:v{i}", t, "#Tramway !") for i in range(6)]
    add_posts(project, rows)
    fresh = check(project, now=NOW, kinds=["burst"])
    assert [a["detail"]["term"] for a in fresh] == ["#tramway"]
    b = fresh[0]["detail"]
    assert b["posts"] == 12 and b["hours"] == 2 and b["ongoing"] is True
    assert b["baseline_posts"] == pytest.approx(18 * 22 / 378, abs=0.01)
    assert b["kind"] == "hashtag" and fresh[0]["score"] == b["ratio"]
    # stored in the project's language, read in the reader's
    assert fresh[0]["title"] == "Pic de « #tramway » : 12 publications pour 1,1 attendues"
    assert list_alerts(project)[0]["title"] == fresh[0]["title"]
    en = list_alerts(project, lang="en")[0]["title"]
    assert en == "Burst of '#tramway': 12 posts vs 1.1 expected"


def test_assess_with_communities_by_hand() -> None:
    comms = {f"a{i}": 1 for i in range(10)} | {f"b{i}": 2 for i in range(10)}
    undecided = {"a0", "a1", "a2", "b0"}
    a = lone_critic.assess(["a5", "a6", "b5"], undecided, comms, undecided_share=0.3)
    assert a["undecided_communities"] == [1] and a["spreaders_in_undecided_communities"] == 2
    assert a["qualifies"]
    assert not lone_critic.assess(["b5", "b6"], undecided, comms)["qualifies"]
    none = lone_critic.assess(["a0", "x", "y"], undecided, {}, undecided_share=0.3)
    assert none["undecided_spreaders_share"] == pytest.approx(1 / 3, abs=1e-3)
    assert "no communities" in none["basis"] and none["qualifies"]


def test_lone_critic_alert_only_without_partisan_history(project) -> None:  # noqa: ANN001
    t0 = NOW - timedelta(hours=5)
    add_posts(
        project,
        [
            ("m:lone", "m:lone", t0, "Franchement la CAQ rate tout sur le logement"),
            ("m:old", "m:part", t0 - timedelta(days=1), "Vive le PQ"),
            ("m:part", "m:part", t0, "La CAQ rate tout"),
        ],
    )
    add_stance(
        project,
        [("m:lone", "caq", "against"), ("m:old", "pq", "favor"), ("m:part", "caq", "against")],
    )
    times = [t0 + timedelta(minutes=i) for i in range(6)]
    add_reposts(project, "m:lone", "m:lone", times, "m:c")
    add_reposts(project, "m:part", "m:part", times, "m:c")
    members = [f"m:c{i}" for i in range(10)]
    project.store.insert(
        "communities",
        pa.table({"author_id": members, "community": [7] * 10}),
    )
    fresh = check(project, now=NOW, kinds=["lone_critic"])
    # no undecided known yet: nothing qualifies
    assert fresh == []
    # four community members say they hesitate
    add_posts(
        project,
        [
            (f"m:h{i}", f"m:c{i}", t0 - timedelta(days=2), "je ne sais pas pour qui voter")
            for i in range(4)
        ],
    )
    project.store.insert(
        "post_analyses",
        pa.table({"post_id": [f"m:h{i}" for i in range(4)], "hesitation": [True] * 4}),
    )
    fresh = check(project, now=NOW, kinds=["lone_critic"])
    assert [a["alert_id"] for a in fresh] == ["lone_critic:m:lone:caq"]
    d = fresh[0]["detail"]
    assert d["spreaders"] == 6 and d["undecided_communities"] == [7]


def test_alerts_list_cli(project, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    import json

    from bascule.store import alerts as sql

    sql.insert_new(
        project.store,
        [
            {
                "alert_id": "burst:#x:1",
                "kind": "burst",
                "title": "Burst of #x",
                "score": 3.0,
                "detail": {"term": "#x"},
                "created_at": NOW,
            },
            {
                "alert_id": "forecast:p:caq",
                "kind": "forecast",
                "target_id": "caq",
                "post_id": "p",
                "title": "Critique",
                "score": 120.0,
                "created_at": NOW - timedelta(hours=1),
            },
        ],
    )
    root = str(project.root)
    project.close()
    assert main(["alerts", "list", "-p", root, "--json", "--kind", "burst"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["alert_id"] for r in rows] == ["burst:#x:1"]
    assert rows[0]["detail"] == {"term": "#x"} and rows[0]["delivered_to"] == []
    assert main(["alerts", "list", "-p", root]) == 0
    assert "Critique" in capsys.readouterr().out


def test_report_section(project) -> None:  # noqa: ANN001
    from bascule.report.alerts import section
    from bascule.store import alerts as sql

    assert section(project, "en") is None
    sql.insert_new(
        project.store,
        [
            {
                "alert_id": "burst:#x:1",
                "kind": "burst",
                "title": "Burst of <#x>",
                "score": 3.0,
                "created_at": NOW,
            }
        ],
    )
    s = section(project, "en")
    assert s.id == "alerts" and "Mention burst" in s.body and "&lt;#x&gt;" in s.body
    assert s.summary[0] == "1 alerts (Mention burst: 1)"


def test_critique_alerts_without_a_model_say_so(project, capsys) -> None:  # noqa: ANN001
    from bascule.alerts.watch import critiques_read_by_cues_only
    from bascule.cli import main
    from bascule.text.analyze import FALLBACK_MODEL

    add_posts(project, [("m:1", "m:a1", NOW, "La CAQ a menti")])
    add_stance(project, [("m:1", "caq", "none")])
    assert not critiques_read_by_cues_only(project)  # read by some model
    project.store.execute("UPDATE analyses SET model = ?", [FALLBACK_MODEL])
    assert critiques_read_by_cues_only(project)
    root = str(project.root)
    project.close()
    args = ["alerts", "watch", "-p", root, "--once", "--no-deliver", "--now", "2026-09-10T12:00"]
    assert main(args) == 0
    err = " ".join(capsys.readouterr().err.split())  # a French project: told in French
    assert "les alertes de critique (prévision, critique isolée) ne voient que" in err


def test_function_words_never_burst() -> None:
    # "at least 12 dead": the demo's alerts named bursts of "least" and "everyone"
    start = NOW - timedelta(hours=30)
    totals = [(start + timedelta(hours=h), 100) for h in range(31)]
    terms = []
    for word in ("least", "everyone", "toujours", "hostages"):
        terms += [(word, start + timedelta(hours=h), 1) for h in range(28)]
        terms += [(word, start + timedelta(hours=h), 40) for h in (28, 29, 30)]
    found = bursts.detect(terms, totals, now=NOW)
    assert {b["term"] for b in found} == {"hostages"}
