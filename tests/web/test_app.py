"""The war room over HTTP, as a browser or script would use it: login, roles, CSRF, API."""

from __future__ import annotations

import httpx
import pytest

from tests.web.webutil import PASSWORDS, csrf, login, serving, staffed

pytestmark = pytest.mark.filterwarnings(
    "ignore:Arrow output on a DB-API result:UserWarning"  # duckdb perf hint from store.db
)


def test_no_data_without_login(server) -> None:  # noqa: ANN001
    base, app = server
    c = httpx.Client(base_url=base, follow_redirects=False)
    spec = login(base, "vic").get("/openapi.json").json()
    gets = [p for p, ops in spec["paths"].items() if "get" in ops and "{" not in p]
    assert "/api/overview" in gets and len(gets) >= 10
    for path in gets:
        assert c.get(path).status_code == 401, path
    assert c.get("/api/alerts/stream").status_code == 401
    for page in ("/", "/undecided", "/network", "/alerts", "/settings", "/users"):
        r = c.get(page)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), page


def test_the_api_description_needs_a_login(server) -> None:  # noqa: ANN001
    # /openapi.json, which names every route and parameter, was served to anyone
    base, _ = server
    c = httpx.Client(base_url=base, follow_redirects=False)
    r = c.get("/openapi.json")
    assert r.status_code == 401 and r.json() == {"detail": "login required"}
    for path in ("/docs", "/redoc", "/docs/oauth2-redirect"):
        assert c.get(path).status_code == 404, path
    spec = login(base, "vic").get("/openapi.json")  # any role: it is the API's description
    assert spec.status_code == 200 and "/api/overview" in spec.json()["paths"]
    assert "/openapi.json" not in spec.json()["paths"]


def test_security_headers_and_cookie(server) -> None:  # noqa: ANN001
    base, _ = server
    r = httpx.get(base + "/login")
    csp = r.headers["content-security-policy"]
    script = csp.split("script-src")[1].split(";")[0]
    assert script.strip() == "'self'" and "unsafe-eval" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    c = login(base, "ada")
    cookie = [h for h in c.cookies.jar if h.name == "bascule_session"][0]
    assert cookie.has_nonstandard_attr("HttpOnly")
    raw = [v for k, v in c.get("/login").headers.multi_items() if k == "set-cookie"]
    assert all("httponly" in v.lower() and "samesite" in v.lower() for v in raw)
    assert not any("secure" in v.lower() for v in raw)  # plain http on loopback
    https = httpx.get(base + "/login", headers={"x-forwarded-proto": "https"})  # behind a proxy
    assert "; secure" in https.headers["set-cookie"].lower()


def test_wrong_password_and_rate_limit(server) -> None:  # noqa: ANN001
    base, _ = server
    c = httpx.Client(base_url=base, follow_redirects=False)
    statuses = []
    for _ in range(6):
        page = c.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        r = c.post("/login", data={"username": "ghost", "password": "nope", "csrf_token": token})
        statuses.append(r.status_code)
    assert statuses == [401] * 5 + [429]
    # the name is locked, the address is not: another account still logs in
    assert login(base, "ana").get("/api/me").json()["role"] == "analyst"
    # a login without its CSRF token is refused
    r = c.post("/login", data={"username": "ada", "password": PASSWORDS["ada"]})
    assert r.status_code == 403


def test_csrf_required_on_changes(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "ada")
    body = {"username": "zoe", "password": "zoe-pass-123", "role": "viewer"}
    assert c.post("/api/users", json=body).status_code == 403
    assert c.post("/api/users", json=body, headers={"x-csrf-token": "wrong"}).status_code == 403
    r = c.post("/api/users", json=body, headers={"x-csrf-token": csrf(c)})
    assert r.status_code == 201
    names = [u["username"] for u in c.get("/api/users").json()]
    assert "zoe" in names and all("password_hash" not in u for u in c.get("/api/users").json())
    assert c.delete("/api/users/zoe", headers={"x-csrf-token": csrf(c)}).json() == {
        "removed": "zoe"
    }
    # nobody removes themselves (nor the last admin)
    assert c.delete("/api/users/ada", headers={"x-csrf-token": csrf(c)}).status_code == 409


def test_viewer_changes_nothing(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")
    token = csrf(c)
    assert c.get("/settings").status_code == 403
    assert c.get("/users").status_code == 403
    assert c.get("/api/config").status_code == 403
    assert (
        c.put("/api/config", json={"toml": ""}, headers={"x-csrf-token": token}).status_code == 403
    )
    r = c.post("/settings/targets", data={"csrf_token": token, "id": "x", "name": "X"})
    assert r.status_code == 403
    r = c.post(
        "/api/users",
        json={"username": "e", "password": "12345678"},
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 403
    assert c.post("/api/alerts/burst-caq-1/ack", headers={"x-csrf-token": token}).status_code == 403
    assert "Sources" not in c.get("/").text  # the navigation hides what a viewer cannot open


def test_overview_api(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "ana")
    ov = c.get("/api/overview", params={"lang": "en"}).json()
    assert ov["summary"]["posts"] == 121
    sov = {r["target"]: r for r in ov["share_of_voice"]}
    assert sov["caq"]["posts"] == 84 and sov["caq"]["authors"] == 28
    assert sov["pq"]["suppressed"] and sov["pq"]["posts"] is None  # 2 authors < 5
    assert sov["caq"]["share"] == round(84 / 120, 4)
    caq = ov["polls"]["caq"]
    assert caq["available"] and len(caq["result"]["periods"]) == 3
    assert caq["result"]["periods"][0]["authors"] == 28
    assert not caq["result"]["cues_only"] and ov["stance_note"] is None  # a model read them


def test_language_switch(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")
    assert "Sondage continu par cible" in c.get("/").text  # config default: French
    r = c.post("/lang", data={"lang": "en", "next": "/alerts", "csrf_token": csrf(c)})
    assert r.status_code == 303 and r.headers["location"] == "/alerts"
    page = c.get("/").text
    assert "Continuous poll per target" in page and "Sondage continu" not in page
    # an alert stored in the project's language reads in the reader's
    english = "Burst of &#39;#caq&#39;: 12 posts vs 3.5 expected"
    assert english in page and english in c.get("/alerts").text
    assert english in c.get("/alerts/burst-caq-1").text
    listed = {a["alert_id"]: a["title"] for a in c.get("/api/alerts").json()}
    assert listed["burst-caq-1"] == "Burst of '#caq': 12 posts vs 3.5 expected"
    assert listed["critic-xss"].startswith("<b>Critique")  # no detail to read it from: as stored
    assert c.post("/lang", data={"lang": "en", "csrf_token": "bad"}).status_code == 403
    # the switch comes back to the same page with its target: it lost the query string
    assert 'name="next" value="/network?target=plq"' in c.get("/network?target=plq").text
    anon = httpx.Client(base_url=base)
    assert "Mot de passe" in anon.get("/login").text
    assert "Password" in anon.get("/login", params={"lang": "en"}).text
    assert "Password" in anon.get("/login").text  # remembered in a cookie


def test_config_editor_validates_then_reloads(server, web_project) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "ada")
    token = csrf(c)
    before = web_project.config_path.read_text()
    r = c.put(
        "/api/config",
        json={"toml": before.replace("min_group_size = 5", "min_group_size = 0")},
        headers={"x-csrf-token": token},
    )
    assert r.status_code == 422 and "min_group_size" in r.json()["detail"]
    assert r.json()["detail"].startswith("bascule.toml:8:")  # not where it lies on the server
    r = c.put("/api/config", json={"toml": ""}, headers={"x-csrf-token": token})
    assert r.status_code == 422 and "remove every target" in r.json()["detail"]  # not wiped
    r = c.put("/api/config", json={"toml": "[project"}, headers={"x-csrf-token": token})
    assert r.status_code == 422 and r.json()["detail"].startswith("bascule.toml: invalid TOML")
    assert web_project.config_path.read_text() == before  # nothing written
    r = c.post(
        "/settings/targets",
        data={
            "csrf_token": token,
            "old_id": "plq",
            "id": "plq",
            "kind": "party",
            "name": "Parti libéral du Québec",
            "aliases": "PLQ\nLibéraux",
            "hashtags": "#plq",
        },
    )
    assert r.status_code == 303
    assert web_project.config.target("plq").aliases == ["PLQ", "Libéraux"]
    assert "[privacy]\nmin_group_size = 5" in web_project.config_path.read_text()
    r = c.post("/settings/targets", data={"csrf_token": token, "id": "Bad Id", "name": "x"})
    assert r.status_code == 422 and "s&#39;écrit en minuscules" in r.text  # a French page
    assert "lower-case" not in r.text


def test_user_errors_speak_the_pages_language(server) -> None:  # noqa: ANN001
    from bascule.web.auth import LANG_COOKIE

    base, _ = server
    c = login(base, "ada")
    token = csrf(c)
    short = {"csrf_token": token, "username": "newbie", "password": "short", "role": "viewer"}
    for lang, said in (("fr", "au moins 8 caractères"), ("en", "at least 8 characters")):
        c.cookies.set(LANG_COOKIE, lang)
        r = c.post("/users", data=short)
        assert r.status_code == 422 and said in r.text, lang
    c.cookies.set(LANG_COOKIE, "fr")
    r = c.post("/fragments/simulate", data={"csrf_token": token, "seeds": "nobody-at-all"})
    assert "n&#39;est pas dans le réseau observé" in r.text
    r = c.post("/fragments/seeds", data={"csrf_token": token, "k": "-5"})  # said, not corrected
    assert "nombre de comptes : indiquez un nombre entier de 1 à 500" in r.text
    assert "Ensemble, ces" not in r.text
    r = c.post("/fragments/score", data={"csrf_token": token, "text": "  "})  # a blank draft
    assert "écrivez d&#39;abord le message" in r.text and "Write at least" not in r.text
    r = c.post("/fragments/score", data={"csrf_token": token, "text": "🗳️🔥"})  # as the CLI
    assert 'data-kind="score"' in r.text and "écrivez d&#39;abord" not in r.text


def test_message_lab_and_tipping_fragments(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")  # computing changes nothing: a viewer may do it
    token = csrf(c)
    r = c.post("/fragments/score", data={"text": "<b>Vote</b> le 3 octobre !", "csrf_token": token})
    assert r.status_code == 200 and 'data-kind="score"' in r.text
    assert "<b>Vote</b>" not in r.text  # the draft is echoed escaped, if at all
    assert c.post("/fragments/score", data={"text": "x"}).status_code == 403  # no CSRF token
    api = c.post(
        "/api/messages/score", json={"text": "Vote!", "lang": "en"}, headers={"x-csrf-token": token}
    )
    assert api.status_code == 200 and isinstance(api.json(), dict)


def test_draft_notes_are_in_the_pages_language(server) -> None:  # noqa: ANN001
    """The score's notes followed the draft's language, not the reader's."""
    base, _ = server
    c = login(base, "vic")
    form = c.get("/messages").text.split('id="score-form"')[1].split("</form>")[0]
    assert 'name="text_lang"' in form and 'name="lang"' not in form  # the page's: the output
    form = {"text": "🔥🔥", "text_lang": "en", "csrf_token": csrf(c)}  # an English draft, no word
    r = c.post("/fragments/score", data=form)
    assert r.status_code == 200 and "aucun mot à analyser" in r.text, r.text
    assert "no words to score" not in r.text
    c.post("/lang", data={"lang": "en", "next": "/messages", "csrf_token": csrf(c)})
    r = c.post("/fragments/score", data={**form, "text_lang": "fr", "csrf_token": csrf(c)})
    assert r.status_code == 200 and "no words to score" in r.text, r.text
    assert "aucun mot à analyser" not in r.text


FRENCH_DRAFT = "Hier, Marie a payé 1 450 $ de loyer pour un quatre et demie à Montréal."
ENGLISH_DRAFT = "Yesterday Mary paid 1,450 dollars in rent for a small flat in Toronto."
MIXED_DRAFT = (
    "Le loyer a encore augmenté à Montréal cette année. Rents went up again in Toronto this "
    "year. Les familles paient beaucoup trop cher. Families are paying far too much."
)


def _score_api(c: httpx.Client, params: dict | None = None, **body: str) -> dict:
    r = c.post("/api/messages/score", json=body, params=params, headers={"x-csrf-token": csrf(c)})
    assert r.status_code == 200, r.text
    return r.json()


def _tips_in(result: dict, lang: str) -> bool:
    dims = result["dimensions"].values()
    return all(d["suggestion"] == d["suggestions"][lang] for d in dims)


def test_score_api_speaks_the_output_language(server) -> None:  # noqa: ANN001
    """`lang` is the answer's language, `text_lang` the draft's (as `message score`): a
    French draft with lang=en was read as English and its notes were French."""
    base, _ = server
    c = login(base, "vic")
    r = _score_api(c, text=FRENCH_DRAFT, lang="en")
    assert r["lang"] == "fr" and _tips_in(r, "en") and not _tips_in(r, "fr")
    r = _score_api(c, text=ENGLISH_DRAFT, lang="fr")
    assert r["lang"] == "en" and _tips_in(r, "fr") and not _tips_in(r, "en")
    r = _score_api(c, text=MIXED_DRAFT, lang="en")
    assert r["notes"][0].startswith("mixed French ("), r["notes"]
    r = _score_api(c, text=MIXED_DRAFT, lang="fr")
    assert r["notes"][0].startswith("texte mêlant français ("), r["notes"]
    r = _score_api(c, {"lang": "en"}, text=MIXED_DRAFT)  # or as a query parameter
    assert r["notes"][0].startswith("mixed French (") and _tips_in(r, "en")
    r = _score_api(c, text=FRENCH_DRAFT, text_lang="en", lang="fr")  # the draft's, as told
    assert r["lang"] == "en" and _tips_in(r, "fr")
    r = _score_api(c, text="🔥🔥", lang="en")  # no word: read in the reader's language
    assert r["lang"] == "en" and r["notes"] == ["no words to score"]
    bad = c.post(
        "/api/messages/score",
        json={"text": FRENCH_DRAFT, "lang": "auto"},  # the answer has a language
        headers={"x-csrf-token": csrf(c)},
    )
    assert bad.status_code == 422


def test_score_api_speaks_the_projects_language_by_default(server, project) -> None:  # noqa: ANN001
    base, _ = server
    r = _score_api(login(base, "vic"), text=MIXED_DRAFT)  # a French project
    assert r["notes"][0].startswith("texte mêlant") and _tips_in(r, "fr")
    toml = project.config_path.read_text(encoding="utf-8")
    project.config_path.write_text(
        toml.replace('language = "fr"', 'language = "en"'), encoding="utf-8"
    )
    project.reload()
    with staffed(project) as english:
        r = _score_api(login(english, "vic"), text=FRENCH_DRAFT + " " + MIXED_DRAFT)
    assert r["lang"] == "fr" and r["notes"][0].startswith("mixed French") and _tips_in(r, "en")
    spec = login(base, "vic").get("/openapi.json").json()
    body = spec["components"]["schemas"]["ScoreIn"]["properties"]
    assert "Output language" in body["lang"]["description"]
    assert "draft's language" in body["text_lang"]["description"]
    op = spec["paths"]["/api/messages/score"]["post"]["responses"]["200"]
    assert op["content"]["application/json"]["schema"]["$ref"].endswith("/ScoreOut")


def test_store_web_sessions(web_project) -> None:  # noqa: ANN001
    from datetime import UTC, datetime, timedelta

    from bascule.store import web as sql

    store = web_project.store
    past = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    sql.add_session(store, "h-old", "vic", "c", past)
    assert sql.get_session(store, "h-old") is None  # expired sessions log nobody in
    assert sql.purge_sessions(store) >= 1
    assert sql.get_user(store, "nobody") is None
    assert [u["role"] for u in sql.list_users(store) if u["username"] == "ada"] == ["admin"]


def test_overview_gzip_for_browsers(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")
    plain = c.get("/api/overview", headers={"accept-encoding": "identity"})
    zipped = c.get("/api/overview", headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.json() == plain.json()  # httpx decodes it


def test_every_page_renders_for_a_viewer(server) -> None:  # noqa: ANN001
    base, _ = server
    c = login(base, "vic")
    for page in ("/", "/undecided", "/network", "/alerts", "/tipping", "/messages"):
        r = c.get(page)
        assert r.status_code == 200, page
        assert "Traceback" not in r.text and 'class="error"' not in r.text, page
    assert c.get("/alerts/no-such-alert").status_code == 404


def test_api_is_the_cli_result(server, web_project) -> None:  # noqa: ANN001
    """One code path: the API returns exactly what `bascule poll --json` computes."""
    from bascule.opinion.poll import poll
    from bascule.web.data import jsonable

    base, app = server
    c = login(base, "ana")
    api = c.get("/api/poll", params={"target": "caq"}).json()
    direct = jsonable(app.state.web.locked(poll, web_project, "caq"))
    assert api == direct
    assert c.get("/api/poll", params={"target": "nope"}).status_code == 400
    hourly = c.get("/api/poll", params={"target": "caq", "by": "hour"})  # what the poll offers
    assert hourly.status_code == 200 and hourly.json()["by"] == "hour"
    assert c.get("/api/poll", params={"target": "caq", "by": "month"}).status_code == 422
    # since/until said "first day" / "day after the last", untrue of weeks
    spec = c.get("/openapi.json").json()["paths"]["/api/poll"]["get"]["parameters"]
    said = {p["name"]: p.get("description", "") for p in spec}
    assert "first day" in said["since"] and "Monday of its ISO week" in said["since"]
    assert "excluded" in said["until"] and "day after the last" in said["until"]
    assert "Monday after the last week" in said["until"]
    for until, end in (("2026-09-17", "2026-09-21"), ("2026-09-21", "2026-09-21")):
        window = {"since": "2026-09-16", "until": until}  # a Wednesday to a Thursday, a Monday
        got = c.get("/api/poll", params={"target": "caq", "by": "week", **window}).json()
        assert (got["since"], got["until"]) == ("2026-09-14", end)
        got = c.get("/api/poll", params={"target": "caq", "by": "day", **window}).json()
        assert (got["since"], got["until"]) == ("2026-09-16", until)


def test_warm_computes_the_first_pages_before_anyone_asks(web_project) -> None:  # noqa: ANN001
    # only the overview was warmed: /undecided and /network took 2-4 s on a first visit
    from bascule.web.app import create_app, warm
    from bascule.web.data import GRAPH_VIEW_NODES

    app = create_app(web_project)
    st = app.state.web
    try:
        keys = [
            ("overview-bytes", "fr"),
            ("undecided", "fr"),
            ("influencers", 0.01),
            ("pareto-figure", "fr"),
            ("communities",),
            ("communities-figure", "fr"),
            ("bridges",),
            ("graph-view", GRAPH_VIEW_NODES),
            ("ambassadors", "caq"),
            ("audience", "caq"),
        ]
        assert not any(st.has(k) for k in keys)
        warm(app).join(timeout=300)
        assert [k for k in keys if not st.has(k)] == []
    finally:
        st.close()


def test_shutdown_stops_the_warm_up_after_its_current_step(web_project) -> None:  # noqa: ANN001
    from bascule.web.app import create_app, warm

    app = create_app(web_project)
    with serving(app):
        thread = warm(app)
    assert app.state.stop_warming.is_set() and not thread.is_alive()
    app.state.web.close()


def test_message_lab_measures_published_posts(server, web_project) -> None:  # noqa: ANN001
    from datetime import datetime

    from bascule.store.messages import record_message
    from bascule.web.auth import LANG_COOKIE

    base, app = server
    c = login(base, "vic")
    token = csrf(c)
    c.cookies.set(LANG_COOKIE, "fr")
    r = c.post("/fragments/effect", data={"csrf_token": token, "post_id": "mastodon:0"})
    assert r.status_code == 200 and 'data-kind="effect"' in r.text
    assert "auteurs ont partagé, cité ou répondu" in r.text and "effect-table" in r.text
    r = c.post("/fragments/effect", data={"csrf_token": token, "post_id": "nope"})
    assert "aucune publication « nope » dans la base" in r.text
    r = c.post("/fragments/effect", data={"csrf_token": token, "post_id": " "})
    assert "indiquez l&#39;identifiant de la publication" in r.text
    r = c.post(
        "/fragments/effect", data={"csrf_token": token, "post_id": "mastodon:0", "hours": "0"}
    )
    assert "indiquez un nombre entier de 1 à" in r.text
    # a message the campaign published is measured on the page itself
    when = datetime(2026, 9, 1, 12)
    record_message(
        web_project.store, "m1", "equipe", "mastodon", "mastodon:0", "Votez!", False, when
    )
    record_message(
        web_project.store, "m2", "equipe", "mastodon", "mastodon:999", "Plus", False, when
    )
    app.state.web.invalidate_data()
    page = c.get("/messages").text
    assert "Messages publiés" in page and "Votez!" in page
    assert page.count("effect-authors") == 1 and "Pas encore collectée" in page
    c.cookies.set(LANG_COOKIE, "en")
    assert "Not collected yet" in c.get("/messages").text


def test_accounts_are_changed_not_silently_replaced(server, web_project) -> None:  # noqa: ANN001
    from bascule.store import web as sql
    from bascule.web.auth import LANG_COOKIE

    base, _ = server
    admin = login(base, "ada")
    admin.cookies.set(LANG_COOKIE, "fr")
    token = csrf(admin)
    assert "ada (administrateur)" in admin.get("/users").text  # the role in the page's language
    new = {"csrf_token": token, "username": "lea", "password": "lea-pass-123", "role": "viewer"}
    assert admin.post("/users", data=new).status_code == 303
    lea = login(base, "lea", "lea-pass-123")
    assert lea.get("/api/me").status_code == 200
    # the add form refuses an existing name instead of replacing the account
    r = admin.post("/users", data={**new, "role": "admin", "password": "other-pass-1"})
    assert r.status_code == 422 and "le compte « lea » existe déjà" in r.text
    assert web_project.store.scalar("SELECT role FROM users WHERE username = 'lea'") == "viewer"
    assert admin.post("/api/users", json=new, headers={"x-csrf-token": token}).status_code == 409
    # a new password logs the account out at once; its role and creation date stay
    created = sql.get_user(web_project.store, "lea")["created_at"]
    edit = {"csrf_token": token, "role": "analyst", "password": "new-pass-456"}
    assert admin.post("/users/lea/edit", data=edit).status_code == 303
    assert lea.get("/api/me").status_code == 401
    assert login(base, "lea", "new-pass-456").get("/api/me").json()["role"] == "analyst"
    assert sql.get_user(web_project.store, "lea")["created_at"] == created
    # the last admin cannot give the role away, from the page or the API; the admin's own
    # session survives a change of its own password
    r = admin.post("/users/ada/edit", data={"csrf_token": token, "role": "viewer"})
    assert r.status_code == 422 and "le dernier administrateur garde ce rôle" in r.text
    r = admin.patch("/api/users/ada", json={"role": "viewer"}, headers={"x-csrf-token": token})
    assert r.status_code == 422
    r = admin.patch(
        "/api/users/ada", json={"password": PASSWORDS["ada"]}, headers={"x-csrf-token": token}
    )
    assert r.status_code == 200 and admin.get("/api/me").status_code == 200
    r = admin.post(
        "/users/lea/edit", data={"csrf_token": token, "role": "viewer", "password": "short"}
    )
    assert r.status_code == 422 and "au moins 8 caractères" in r.text
    assert admin.delete("/api/users/lea", headers={"x-csrf-token": token}).status_code == 200


def test_the_network_page_finds_the_communities_the_command_finds(server, web_project) -> None:  # noqa: ANN001
    from bascule.graph.build import observed_graph
    from bascule.graph.communities import communities
    from bascule.web import data

    _, app = server
    st = app.state.web
    store = web_project.store
    # two accounts that only reply: in every graph but the amplification one
    store.execute(
        "INSERT INTO interactions VALUES ('mastodon:r1', 'mastodon:r2', 'reply', 'r:1', NULL, "
        "TIMESTAMP '2026-09-01 12:00:00')"
    )
    try:
        st.invalidate_data()
        cli = communities(observed_graph(web_project, kind="all"), seed=0, project=web_project)
        stored = store.rows("SELECT author_id, community FROM communities ORDER BY 1")
        web = data.communities(st)
        # the same graph as `bascule communities` (every kind of interaction), and a page
        # view never replaces what the command stored
        assert (web["n_communities"], web["nodes"]) == (cli["n_communities"], cli["nodes"])
        assert store.rows("SELECT author_id, community FROM communities ORDER BY 1") == stored
    finally:
        store.execute("DELETE FROM interactions WHERE post_id = 'r:1'")
        store.execute("DELETE FROM communities WHERE author_id IN ('mastodon:r1', 'mastodon:r2')")
        st.invalidate_data()


def test_a_long_computation_does_not_hold_up_other_requests(server, monkeypatch) -> None:  # noqa: ANN001
    """A tipping sweep takes seconds to a minute: the war room must keep answering meanwhile (an
    `async` route that computes on the event loop held every other request)."""
    import threading

    from bascule.web import data

    base, _ = server
    started, release = threading.Event(), threading.Event()

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003
        started.set()
        release.wait(30)
        raise data.NotAvailable("stopped by the test")

    monkeypatch.setattr(data, "tipping_view", slow)
    c = login(base, "vic")
    token = csrf(c)
    sweep = threading.Thread(
        target=lambda: c.post("/fragments/tipping", data={"csrf_token": token}), daemon=True
    )
    sweep.start()
    try:
        assert started.wait(10)
        other = httpx.get(f"{base}/healthz", timeout=5)  # while the sweep still runs
        assert other.status_code == 200 and sweep.is_alive()
    finally:
        release.set()
        sweep.join(10)


def test_tipping_on_the_observed_network(server) -> None:  # noqa: ANN001
    """The war room offered generated graphs only, and `/api/tipping?graph_kind=observed`
    failed: the tipping point of the people actually followed is what a campaign plans."""
    base, _ = server
    c = login(base, "vic")
    r = c.get("/api/tipping", params={"graph_kind": "observed", "model": "threshold"})
    assert r.status_code == 200, r.text
    res = r.json()
    assert res["graph"] == "observed" and 0 < res["n"] <= 40  # the test project's accounts
    page = c.get("/tipping").text
    assert 'value="observed"' in page
    frag = c.post(
        "/fragments/tipping",
        data={"csrf_token": csrf(c), "graph_kind": "observed", "model": "threshold"},
    )
    assert frag.status_code == 200 and "réseau observé" in frag.text


def test_a_burst_shows_the_posts_it_is_made_of(server) -> None:  # noqa: ANN001
    """A burst said which term and how many posts, never what they said."""
    import re

    base, _ = server
    page = login(base, "vic").get("/alerts/burst-caq-1").text
    shown = re.search(r'<div id="burst-posts">(.*?)</div>', page, re.S)
    assert shown is not None and "Ce qui se dit" in page
    quotes = re.findall(r'<blockquote class="post">(.*?)</blockquote>', shown.group(1), re.S)
    assert len(quotes) == 5 and all("#caq" in q for q in quotes)  # 28 in its hour: the top 5
    assert "#plq" not in shown.group(1)
    api = login(base, "vic").get("/api/alerts/burst-caq-1").json()
    assert [e["text"] for e in api["examples"]] == [
        re.sub(r"<[^>]+>", "", q).strip() for q in quotes
    ]


def test_a_new_target_takes_every_field_and_a_target_can_be_removed(server, web_project) -> None:  # noqa: ANN001
    """The add form had id, kind, name and aliases only (hashtags and accounts, the only
    for/against signal without a model, needed a second edit) and no target could be removed."""
    import re

    base, _ = server
    c = login(base, "ada")
    token = csrf(c)
    page = c.get("/settings").text
    new = re.search(r'<details class="target" id="target-new">(.*?)</details>', page, re.S).group(1)
    for field in ("name_en", "party", "hashtags", "accounts", "favor_hashtags", "against_hashtags"):
        assert f'name="{field}"' in new, field
    assert 'action="/settings/targets/caq/delete"' in page and "data-confirm" in page
    before = [t.id for t in web_project.config.targets]
    r = c.post(
        "/settings/targets",
        data={
            "csrf_token": token,
            "id": "qs",
            "kind": "party",
            "name": "Québec solidaire",
            "name_en": "Québec solidaire",
            "hashtags": "#qs",
            "accounts": "QuebecSolidaire",
            "favor_hashtags": "#VoteQS",
        },
    )
    assert r.status_code == 303
    qs = web_project.config.target("qs")
    assert (qs.hashtags, qs.accounts, qs.favor_hashtags) == (
        ["#qs"],
        ["QuebecSolidaire"],
        ["#VoteQS"],
    )
    r = c.post("/settings/targets/qs/delete", data={"csrf_token": token})
    assert r.status_code == 303
    assert [t.id for t in web_project.config.targets] == before
