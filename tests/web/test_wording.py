"""What the pages say in each language: punctuation, plurals, whole numbers, no commands."""

from __future__ import annotations

import re

import pytest

from tests.web.test_templates import NN, _render, _text, runs_table
from tests.web.webutil import csrf, login

pytestmark = pytest.mark.filterwarnings(
    "ignore:Arrow output on a DB-API result:UserWarning"  # duckdb perf hint from store.db
)


def _label_page(lang: str) -> str:
    d = {
        "labels": {"favor": 1, "against": 0, "none": 0},
        "posts": [{"post_id": "x:1", "target_id": "caq", "text": "Oui", "guess": "favor"}],
        "last": {"text": "Un texte", "label": "against", "target_id": "caq"},
        "model": None,
    }
    return _text(
        _render("label.html.j2", lang, sec={"ok": True, "data": d}, targets=[], target=None)
    )


def test_english_pages_use_english_punctuation() -> None:
    en, fr = _label_page("en"), _label_page("fr")
    assert "Current model: none" in en and "Current model :" not in en
    assert "Your last label: “Un texte” → against" in en and "«" not in en
    assert "the model guesses: for" in en
    assert "Votre dernière annotation : « Un texte » → contre" in fr
    assert "Modèle actuel : aucun" in fr
    quotes = {"themes": [{"id": "th", "label": "Loyer", "authors": 3, "posts": 4,
                          "quotes": [{"author": "anon-96cc1dace4", "text": "Je ne sais pas"}]}],
              "authors": {"total": 10, "undecided": 5, "leaning": 2, "committed": 3,
                          "explicit": 1}, "periods": []}  # fmt: skip
    sec = {"ok": True, "data": {"data": quotes, "figure": None}}
    said = {lang: _render("undecided.html.j2", lang, sec=sec) for lang in ("en", "fr")}
    assert "anon-96cc1dace4</span>: Je ne sais pas" in said["en"]
    assert "anon-96cc1dace4</span> : Je ne sais pas" in said["fr"]
    result = {"critical_fraction": 0.1, "uncertainty": None, "critical_plausible": None,
              "critical_interval": [0.09, 0.11], "model": "naming-game", "graph": "complete",
              "n": 100, "edges": 4950, "params": {"runs": 4}, "curve": []}  # fmt: skip
    tip = _text(_render("partials/tipping.html.j2", "en", sec={"data": result}, figure=None))
    assert "Model: naming game" in tip, tip
    erased = {"forgotten": ["anon-1"], "summary": "Done.", "already": [], "unmatched": []}
    ctx = {"can_edit": True, "erased": erased, "sources": {}, "listening": None,
           "config": "", "targets": [], "changed": None}  # fmt: skip
    html = _render("settings.html.j2", "en", **ctx)
    assert 'Erased: <span class="handle">anon-1</span>.' in html
    job = {"state": "failed", "file": "a.jsonl", "error": "broken"}
    imp = {"formats": ("auto",), "shown": 20, "runs": [], "run_status": {}, "undone": None,
           "undo": None, "encodings": {}}  # fmt: skip
    html = _text(_render("import.html.j2", "en", job=job, **imp))
    assert "“a.jsonl”: broken" in html and "«" not in html


RUNS = [
    {"run_id": 3, "started_at": "2026-09-01 10:00:00", "files": "a.jsonl", "imported": 0,
     "duplicates": 0, "rejected": 0, "posts_held": 0, "status": "done"},
    {"run_id": 2, "started_at": "2026-08-31 10:00:00", "files": "a.jsonl", "imported": 5,
     "duplicates": 0, "rejected": 0, "posts_held": 5, "status": "done"},
]  # fmt: skip


def test_import_runs_head_and_undo_only_for_runs_holding_posts() -> None:
    en, fr = runs_table("en", RUNS), runs_table("fr", RUNS)
    assert "<th>#</th>" in en and "n°" not in en
    assert "<th>n°</th>" in fr
    for table, said in ((en, "already imported"), (fr, "déjà importé")):
        rows = dict(re.findall(r'<tr id="run-(\d+)">(.*?)</tr>', table, re.S))
        assert "/import/runs/2/undo" in rows["2"] and said not in rows["2"]
        assert "/undo" not in rows["3"] and said in rows["3"]


def test_network_counts_whole_and_plural() -> None:
    bridges = {"bridges": [{"rank": 1, "handle": "NBCNews", "community": 0,
                            "communities_reached": 2, "external_links": 90,
                            "reach_undecided": 83.0, "participation": 0.5}],
               "undecided_known": True}  # fmt: skip
    audience = {"why": None, "accounts": ["Charlie_Hebdo_"], "posts": 1203,
                "reached": [{"community": 0, "size": 9, "reached": 3, "share_reached": 0.3,
                             "interactions": 4, "undecided_share": 0.1}],
                "never_reached": []}  # fmt: skip
    empty = {"ok": True, "data": None}
    ctx = {"influencers": {"ok": False, "missing": "x"}, "pareto": empty,
           "communities": {"ok": True, "data": {"n_communities": 1, "nodes": 9,
                                                "modularity": 0.1, "communities": [],
                                                "links": [], "membership": {}}},
           "communities_fig": empty, "bridges": {"ok": True, "data": bridges},
           "ambassadors": {"ok": False, "missing": "x"},
           "audience": {"ok": True, "data": audience},
           "targets": [{"id": "caq", "name": "CAQ"}], "target": "caq"}  # fmt: skip
    for lang, reached, count, posts in (
        (
            "fr",
            "1 communauté atteinte par les comptes officiels, 0 jamais atteinte.",
            "83",
            f"1{NN}203 publications",
        ),
        (
            "en",
            "1 community reached by the official accounts, 0 never reached.",
            "83",
            "1,203 posts",
        ),
    ):
        html = _render("network.html.j2", lang, **ctx)
        text = _text(html)
        assert reached in text, text
        table = re.search(r'id="bridge-table"(.*?)</table>', html, re.S).group(1)
        assert f'<td class="num">{count}</td>' in table and "83,0" not in table
        assert "83.0" not in table
        assert posts in text
    assert "Official accounts: Charlie_Hebdo_" in _text(_render("network.html.j2", "en", **ctx))


def test_handles_stay_whole_in_tables() -> None:
    from pathlib import Path

    import bascule.web

    css = (Path(bascule.web.__file__).parent / "static" / "app.css").read_text("utf-8")
    rule = re.search(r"\ntable \.handle \{([^}]*)\}", css)
    assert rule and "white-space: nowrap" in rule.group(1)
    assert "overflow-wrap: normal" in rule.group(1)


def test_pages_send_staff_to_the_war_room_not_a_terminal() -> None:
    from bascule.opinion.poll import cues_only_text, stance_note

    for lang in ("fr", "en"):
        web = stance_note({"cues_only": True}, lang, web=True)
        assert "bascule stance" not in web and ("Annoter" in web or "Label posts" in web)
        assert "bascule stance train" in stance_note({"cues_only": True}, lang)  # the CLI's
        waiting = stance_note({"cues_only": True, "model_waiting": True}, lang, web=True)
        assert "bascule analyze" not in waiting
        check = {"model_check": {"check": None, "human_labels": 3}}
        assert "bascule stance" not in stance_note(check, lang, web=True)
        assert "bascule stance label" in stance_note(check, lang)
        assert cues_only_text(lang, web=True) == web
    settings = _text(
        _render("settings.html.j2", "en", can_edit=False, sources={}, listening=None,
                config="", targets=[], changed=None)
    )  # fmt: skip
    assert "whoever runs the server" in settings and "Import posts page" in settings
    published = {"ok": True, "data": [{"created_at": None, "source": "x", "text": "Vote",
                                       "collected": False}]}  # fmt: skip
    lab = _text(_render("messages.html.j2", "fr", published=published))
    assert "bascule listen" not in lab and "Sources et cibles" in lab


def test_undecided_page_says_why_everyone_is_undecided_without_a_model() -> None:
    from bascule.opinion.poll import cues_only_text

    u = {
        "themes": [],
        "periods": [],
        "authors": {"total": 10, "undecided": 10, "leaning": 0, "committed": 0, "explicit": 0},
    }
    sec = {"ok": True, "data": {"data": u, "figure": None}}  # fmt: skip
    for lang in ("fr", "en"):
        html = _render(
            "undecided.html.j2", lang, sec=sec, stance_note=cues_only_text(lang, web=True)
        )
        assert 'id="stance-note"' in html and "/label" not in html  # a viewer: no link
    from bascule.web.pages import _env, helpers
    from tests.web.test_templates import CONFIG

    analyst = {"username": "ana", "role": "analyst", "csrf_token": "tok"}
    html = _env.get_template("undecided.html.j2").render(
        **helpers("en", CONFIG), user=analyst, nav=[], path="/undecided", project_name="P",
        csrf_token="tok", sec=sec, stance_note="x",
    )  # fmt: skip
    assert 'href="/label"' in html
    assert 'id="stance-note"' not in _render("undecided.html.j2", "en", sec=sec, stance_note=None)


def test_undecided_page_shows_the_note_when_no_model_read_the_stances(server, monkeypatch) -> None:  # noqa: ANN001
    from bascule.web import data

    base, _ = server
    c = login(base, "ana")
    monkeypatch.setattr(data, "critiques_read_by_cues_only", lambda st: True)
    page = c.get("/undecided").text
    assert 'id="stance-note"' in page and 'href="/label"' in page
    monkeypatch.setattr(data, "critiques_read_by_cues_only", lambda st: False)
    assert 'id="stance-note"' not in c.get("/undecided").text


def test_simulated_seeds_are_shown_in_the_order_typed(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")
    token = csrf(c)
    for typed in (["p3", "p1"], ["p1", "p3"]):
        r = c.post(
            "/fragments/simulate",
            data={"csrf_token": token, "seeds": "\n".join(typed), "runs": "10"},
        )
        assert r.status_code == 200, r.text
        shown = re.findall(r'<span class="handle">([^<]+)</span>', r.text)
        assert shown == typed, (typed, shown)


def test_the_overview_note_names_the_label_page_not_commands() -> None:
    from bascule.opinion.poll import stance_note
    from bascule.web.pages import _web_stance_note

    polls = {
        "caq": {"available": True, "result": {"data": {"cues_only": True}}},
        "plq": {"available": False, "missing": "x"},
    }
    for lang in ("fr", "en"):
        ov = {"stance_note": stance_note({"cues_only": True}, lang), "polls": polls}
        note = _web_stance_note(ov, lang)
        assert note and "bascule stance" not in note and "bascule stance" in ov["stance_note"]
    assert _web_stance_note({"stance_note": None, "polls": {}}, "en") is None
