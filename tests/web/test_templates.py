"""The purpose-built sections, rendered from hand-made capability results (no server)."""

from __future__ import annotations

import re
from html import unescape
from types import SimpleNamespace

from bascule.web.pages import _env, helpers

NN = "\u202f"
CONFIG = SimpleNamespace(
    targets=[
        SimpleNamespace(id="caq", name="Coalition avenir Québec", name_en=None),
        SimpleNamespace(id="plq", name="Parti libéral", name_en="Liberal Party"),
    ],
    privacy=SimpleNamespace(min_group_size=5),
    project=SimpleNamespace(timezone="America/Toronto"),
)
USER = {"username": "vic", "role": "viewer", "csrf_token": "tok"}


def _render(template: str, lang: str = "fr", **ctx: object) -> str:
    base = {"user": USER, "nav": [], "path": "/x", "project_name": "P", "csrf_token": "tok"}
    return _env.get_template(template).render(**helpers(lang, CONFIG), **base, **ctx)


def runs_table(lang: str, runs: list[dict]) -> str:
    """The import page's table of earlier runs, rendered."""
    from bascule.i18n import ENCODINGS, RUN_STATUS

    html = _render(
        "import.html.j2", lang, job=None, formats=("auto",), shown=20, runs=runs,
        run_status=RUN_STATUS, undone=None, undo=None, encodings=ENCODINGS,
    )  # fmt: skip
    return re.search(r'id="import-runs">(.*?)</table>', html, re.S).group(1)


def _text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


INFLUENCERS = {
    "nodes": 12345,
    "edges": 20,
    "source": "graph",
    "amplifications": 1500.0,
    "pareto": {"top_1pct_share": 0.5, "top_10pct_share": 0.9, "gini": 0.8123},
    "lorenz": {"x": [0.0, 0.5, 1.0], "y": [0.0, 0.1, 1.0]},
    "max_core": 2,
    "top": [
        {
            "rank": 1,
            "node": "x:1",
            "handle": "<b>evil</b>",
            "direct": 1234.0,
            "downstream": None,
            "total": 1234.0,
            "pagerank": 0.0312,
            "core": 2,
            "official": "caq",
        }
    ],
}
COMMUNITIES = {
    "n_communities": 2,
    "nodes": 12,
    "modularity": 0.4567,
    "communities": [
        {
            "id": 0,
            "size": 9,
            "top_accounts": ["a", "b"],
            "stance": {"caq": {"favor": 0.6667, "against": 0.3333, "none": 0.0}},
            "undecided_share": 0.25,
            "suppressed": False,
            "words": ["loyer", "école"],
            "hashtags": ["#polqc"],
        },
        {
            "id": 1,
            "size": 3,
            "top_accounts": ["c"],
            "stance": None,
            "undecided_share": None,
            "suppressed": True,
        },
    ],
    "links": [{"a": 0, "b": 1, "weight": 2.0}],
    "membership": {"x:1": 0},
}


def _network(**over: object) -> dict:
    ok = lambda d: {"ok": True, "data": d}  # noqa: E731
    ctx = {
        "influencers": ok(INFLUENCERS),
        "pareto": ok('{"data": []}'),
        "communities": ok(COMMUNITIES),
        "communities_fig": ok(None),
        "bridges": ok({"nodes": 12, "communities": 2, "undecided_known": False, "bridges": []}),
        "ambassadors": ok({"target": "caq", "supporters": 0, "ambassadors": []}),
        "audience": ok(
            {"target": "caq", "accounts": [], "posts": 0, "reached": [], "never_reached": []}
        ),
        "targets": [{"id": "caq", "name": "CAQ"}],
        "target": "caq",
        "fragment": False,
    }
    ctx.update(over)
    return ctx


def test_network_sections_read_like_a_report() -> None:
    html = _render("network.html.j2", **_network())
    text = _text(html)
    assert f"12{NN}345 comptes dans le réseau des relais" in text
    assert f"50{NN}% de l'amplification" in text
    assert 'id="chart-fig-pareto"' in html  # the Lorenz curve, drawn by app.js
    assert f"1{NN}234" in text and f"3,1{NN}%" in text and "Coalition avenir Québec" in text
    assert "&lt;b&gt;evil&lt;/b&gt;" in html and "<b>evil</b>" not in html  # handles escaped
    assert f"Coalition avenir Québec 67 / 33 / 0{NN}%" in text  # stance mix per target
    assert f"25{NN}%" in text  # undecided share
    assert "masqué (moins de 5 auteurs)" in text  # the community of 3
    for raw in ("top_1pct_share", "lorenz", "membership", "undecided_share", "{'favor'"):
        assert raw not in text, raw
    assert "Aucun compte officiel n'est indiqué pour cette cible" in text


def test_audience_gaps_say_why_they_are_empty() -> None:
    base = {"target": "caq", "posts": 0, "reached": [], "never_reached": []}
    stored = {**base, "accounts": [], "why": "accounts_not_stored", "configured": ["@caq_off"]}
    text = _text(_render("network.html.j2", **_network(audience={"ok": True, "data": stored})))
    assert "Les comptes officiels de cette cible (@caq_off) n'ont aucune publication" in text
    assert "ajoutez-les" not in text  # they are set already
    quiet = {**base, "accounts": ["caq_off"], "posts": 1234, "why": "not_reached"}
    text = _text(_render("network.html.j2", "en", **_network(audience={"ok": True, "data": quiet})))
    assert (
        "No account in a community reposted, quoted, replied to or mentioned caq_off (1,234 posts"
        in text
    )


def test_network_in_english_and_empty() -> None:
    text = _text(_render("network.html.j2", lang="en", **_network()))
    assert "hidden (fewer than 5 authors)" in text and "67 / 33 / 0%" in text
    assert "12,345 accounts in the amplification network" in text
    empty = dict(INFLUENCERS, nodes=0, edges=0, top=[])
    html = _render("network.html.j2", **_network(influencers={"ok": True, "data": empty}))
    assert 'id="no-network"' in html and 'id="graph-view"' not in html


def test_tipping_fragment_shows_the_critical_fraction() -> None:
    result = {
        "model": "naming-game",
        "graph": "complete",
        "n": 200,
        "edges": 19900,
        "params": {"runs": 16},
        "critical_fraction": 0.0978,
        "uncertainty": 0.002,
        "curve": [],
        "mean_field_critical_fraction": 0.0979,
    }
    ctx = {"title": "tipping", "sec": {"ok": True, "data": result}, "figure": '{"data": []}'}
    html = _render("partials/result.html.j2", fragment=True, **ctx)
    assert re.search(r'id="critical-fraction">9,8\u202f%<', html)
    assert 'id="chart-fig-tipping"' in html
    assert '<div hidden class="figure-json" id="fig-tipping">' in html  # htmx drops <script>
    assert "jeu de dénomination" in html
    # nothing tipped within the run limit: say how far adoption went, and the limit
    stuck = {**result, "critical_fraction": None, "params": {"runs": 16, "max_sweeps": 100},
             "curve": [{"fraction": 0.05, "adoption": 0.61}, {"fraction": 0.1, "adoption": 0.946}]}  # fmt: skip
    text = _text(
        _render(
            "partials/result.html.j2", fragment=True, **{**ctx, "sec": {"ok": True, "data": stuck}}
        )
    )
    assert "Aucune part convaincue n'a rallié tout le réseau en 100 tours" in text
    assert f"avec 10,0{NN}% de convaincus, 94,6{NN}% des personnes" in text
    assert "au plus 100 tours par essai" in text
    # a small fraction never reads as "0 %"; the accounts left out are said
    small = {**result, "critical_fraction": 0.004, "n": 194, "left_out": 6}
    text = _text(
        _render(
            "partials/result.html.j2", fragment=True, **{**ctx, "sec": {"ok": True, "data": small}}
        )
    )
    assert f"environ 0,4{NN}% de la population" in text and "6 autres, qu'aucun chemin" in text
    # where the crossing may be, when few runs a point leave it wider than the bracket
    flat = {**result, "critical_interval": [0.05, 0.06], "critical_plausible": [0.04, 0.07]}
    text = _text(
        _render(
            "partials/result.html.j2", fragment=True, **{**ctx, "sec": {"ok": True, "data": flat}}
        )
    )
    assert f"vraisemblablement entre 4,0{NN}% et 7,0{NN}%" in text
    same = {**flat, "critical_plausible": [0.05, 0.06]}
    text = _text(
        _render(
            "partials/result.html.j2", fragment=True, **{**ctx, "sec": {"ok": True, "data": same}}
        )
    )
    assert "vraisemblablement" not in text


def test_alert_detail_has_human_labels() -> None:
    alert = {
        "alert_id": "burst:x",
        "kind": "burst",
        "target_id": "plq",
        "title": "Pic",
        "created_at": "2026-09-03T16:00:00",
        "score": 2.5,
        "detail": {"term": "loyer", "posts": 13, "baseline_posts": 4.9, "baseline_share": 0.071},
        "acknowledged_by": None,
    }
    text = _text(_render("alert.html.j2", lang="en", sec={"ok": True, "data": alert}, post=None))
    assert (
        "Mention burst" in text and "Liberal Party" in text and "2026-09-03 12:00" in text
    )  # 16:00 UTC, in Toronto
    assert "Expected posts 4.90" in text and "Usual share 7.1%" in text
    assert "baseline_posts" not in text


def test_empty_poll_says_why() -> None:
    ov = {
        "summary": {"posts": 2, "authors": 2, "interactions": 0, "date_range": [None, None]},
        "polls": {
            "pq": {
                "name": "PQ",
                "available": True,
                "result": {
                    "data": {"periods": [], "suppressed": 3, "min_group_size": 5},
                    "figure": '{"data": []}',
                },
            }
        },
        "share_of_voice": [],
        "alerts": {"available": True, "result": []},
        "min_group_size": 5,
    }
    html = _render("overview.html.j2", ov=ov)
    assert 'id="poll-empty-pq"' in html and "chart-fig-poll-pq" not in html
    assert "moins de 5 auteurs" in _text(html)
    assert 'id="stance-note"' not in html
    from bascule.opinion.poll import cues_only_text

    html = _render("overview.html.j2", ov={**ov, "stance_note": cues_only_text("fr")})
    assert 'id="stance-note"' in html and "Aucun modèle de position" in _text(html)


def test_english_pages_name_targets_in_english() -> None:
    poll = {"available": True, "result": {"data": {"periods": []}, "figure": None}}
    ov = {
        "summary": {"posts": 2, "authors": 2, "interactions": 0, "date_range": [None, None]},
        "polls": {"plq": {"name": "Parti libéral", **poll}, "caq": {"name": "CAQ", **poll}},
        "share_of_voice": [{"target": "plq", "name": "Parti libéral", "suppressed": True}],
        "alerts": {"available": True, "result": []},
        "min_group_size": 5,
    }
    en = _text(_render("overview.html.j2", "en", ov=ov))
    assert "Liberal Party" in en and "Parti libéral" not in en
    assert "Coalition avenir Québec" in en  # no English name: the name
    assert "Parti libéral" in _text(_render("overview.html.j2", "fr", ov=ov))


def test_times_are_shown_in_the_project_time_zone() -> None:
    from bascule.i18n import when

    # the store's times are UTC; Quebec staff read them in their own zone, and are told so
    assert when("2015-01-07 14:00:00", "America/Toronto") == "2015-01-07 09:00"
    assert when("2026-07-01T14:00:00+00:00", "America/Toronto") == "2026-07-01 10:00"  # summer
    assert when("2026-07-01", "America/Toronto") == "2026-07-01"  # a date stays a date
    assert when("2015-01-07 14:00:00") == "2015-01-07 14:00"
    html = _render("overview.html.j2", ov={
        "summary": {"posts": 1, "authors": 1, "interactions": 0,
                    "date_range": ["2015-01-07 11:07:51", "2015-01-10 02:00:00"]},
        "polls": {}, "share_of_voice": [], "alerts": {"available": True, "result": []},
        "min_group_size": 5,
    })  # fmt: skip
    text = _text(html)
    assert "2015-01-07 06:07 → 2015-01-09 21:00" in text
    assert "Heures du fuseau America/Toronto." in text
    assert "opinions de groupes de moins de 5 auteurs masquées" in text  # the privacy floor


def test_earlier_imports_show_duplicates_rejects_and_every_state() -> None:
    # a re-import read as an empty row (no duplicates nor rejects shown), and a listening
    # session stopped by the war room's shutdown showed its state in English on French pages
    runs = [
        {"run_id": 3, "started_at": "2026-09-01 10:00:00", "files": "mastodon", "imported": 2,
         "duplicates": 1500, "rejected": 1, "posts_held": 2, "status": "stopped"},
        {"run_id": 2, "started_at": "2026-08-31 10:00:00", "files": "b.jsonl", "imported": 0,
         "duplicates": 3, "rejected": 4, "posts_held": 0, "status": "done"},
    ]  # fmt: skip

    def rows(lang: str) -> tuple[list[str], dict[str, list[str]]]:
        table = runs_table(lang, runs)
        head = [_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        body = {
            n: [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for n, row in re.findall(r'<tr id="run-(\d+)">(.*?)</tr>', table, re.S)
        }
        return head, body

    head, body = rows("fr")
    assert head[3:8] == ["Importées", "Doublons ignorés", "Rejetées", "Encore en base", "État"]
    assert body["3"][3:8] == ["2", f"1{NN}500", "1", "2", "arrêté"]
    assert body["2"][3:8] == ["0", "3", "4", "0", "terminé"]
    head, body = rows("en")
    assert head[3:8] == ["Imported", "Duplicates skipped", "Rejected", "Still stored", "State"]
    assert body["3"][3:8] == ["2", "1,500", "1", "2", "stopped"]


REACH = {
    "accounts": ["m:a1"],
    "not_in_network": [],
    "spread": {"mean": 120.4, "ci95": [110.0, 131.0]},
    "fraction": 0.0113,
    "communities": [{"group": 7, "size": 635, "reached": {"mean": 42.5}, "fraction": 0.0669}],
    "communities_suppressed": 0,
    "undecided": {"group": "undecided", "size": 212, "reached": {"mean": 9.6}, "fraction": 0.0453},
}


def _reach(lang: str) -> tuple[str, list[str]]:
    ctx = {"title": "reach", "sec": {"ok": True, "data": REACH}}
    html = _render("partials/result.html.j2", lang, fragment=True, **ctx)
    table = re.search(r'id="reach-table">(.*?)</table>', html, re.S).group(1)
    return _text(html), [_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]


def test_reach_says_it_counts_the_amplification_network() -> None:
    """The reach table's 635 and the network page's 650 for one community, its undecided
    and the undecided page's: each count says what it counts."""
    text, head = _reach("fr")
    assert head[1] == "Comptes dans le réseau des relais"
    assert f"4,5{NN}% des 212 indécis présents dans le réseau des relais" in text
    assert "Comptés dans le réseau des relais (qui a partagé ou cité qui)" in text
    assert "toutes les interactions" in text and "la page Indécis tous les indécis" in text
    text, head = _reach("en")
    assert head[1] == "Accounts in the amplification network"
    assert "4.5% of the 212 undecided in the amplification network" in text
    assert "Counted in the amplification network (who reposted or quoted whom)" in text
    assert "the Undecided page all the undecided" in text


def test_reach_without_spread_says_every_simulation_agreed() -> None:
    # "mean, 95% CI: 1,450–1,450" when every simulation reached the same accounts
    spread = {**REACH, "spread": {"mean": 1450.0, "ci95": [1450.0, 1450.0]}}
    ctx = {"title": "reach", "sec": {"ok": True, "data": spread}}
    text = _text(_render("partials/result.html.j2", "en", fragment=True, **ctx))
    assert "the same number in every simulation" in text and "95% CI" not in text
    assert "95% CI: 110–131" in _reach("en")[0]


def test_community_sizes_say_they_count_every_interaction() -> None:
    for lang, header, says in (
        ("fr", "Comptes en interaction", "Comptes : les membres en interaction (partages, "
         "citations, réponses, mentions) ; le labo des messages ne compte que le réseau des relais"),
        ("en", "Accounts interacting", "Accounts: the members interacting (reposts, quotes, "
         "replies, mentions); the message lab counts only the amplification network"),
    ):  # fmt: skip
        html = _render("network.html.j2", lang, **_network())
        table = re.search(r'id="community-table">(.*?)</thead>', html, re.S).group(1)
        head = [_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table)]
        assert head[1] == header, head
        assert says in _text(html), lang
