"""Labelling posts in the web war room: the ones the model is least sure of, then training."""

from __future__ import annotations

import re
import time

import pytest

from tests.text.conftest import CUE_POSTS, add_posts  # noqa: F401 - the fixture, shared
from tests.web.test_browser import _page, browser  # noqa: F401 - one chromium, shared
from tests.web.webutil import ARTIFACTS, after_job, form_token, login, staffed


@pytest.fixture
def labelling(project, add_posts):  # noqa: ANN001, ANN201, F811
    """A fresh analysed project (no model yet) served on loopback: (base url, project)."""
    from bascule.text.analyze import analyze

    add_posts(project, CUE_POSTS)
    analyze(project)
    with staffed(project) as base:
        yield base, project


def _forms(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'name="post_id" value="([^"]+)">\s*<input type="hidden" name="target_id" '
        r'value="([^"]+)"',
        html,
    )


def _after_training(c):  # noqa: ANN001, ANN202
    """The label page once the background training has ended (it refreshes itself before)."""
    return after_job(c, "/label", "train-running", "train-button")


def test_label_posts_then_train_the_model(labelling) -> None:  # noqa: ANN001
    base, project = labelling
    assert login(base, "vic").get("/label").status_code == 403  # viewers read, not label
    c = login(base, "ana")
    page = c.get("/label")
    assert page.status_code == 200 and 'id="to-label-1"' in page.text
    shown = _forms(page.text)
    assert len(shown) == 5 and all(t == "caq" for _, t in shown)
    post_id, target = shown[0]
    token = form_token(page.text)
    r = c.post(
        "/label",
        data={"csrf_token": token, "post_id": post_id, "target_id": target, "label": "favor"},
    )
    assert r.status_code == 303
    rows = project.store.rows("SELECT text_id, target_id, label, labeled_by FROM stance_labels")
    assert rows == [(post_id, "caq", "favor", "ana")]
    assert post_id not in dict(_forms(c.get("/label?target=caq").text))  # labelled: gone
    page = c.get("/label").text
    assert 'id="label-last"' in page and "→ pour" in page
    assert c.post("/label/undo", data={"csrf_token": token}).status_code == 303  # a mis-click
    assert project.store.rows("SELECT * FROM stance_labels") == []
    page = c.get("/label").text
    assert post_id in dict(_forms(page)) and 'id="label-last"' not in page  # back to label
    label = {"csrf_token": token, "post_id": post_id, "target_id": target, "label": "favor"}
    assert c.post("/label", data=label).status_code == 303
    # refused: a label that is not a stance, a post that does not exist, no CSRF token
    bad = {"csrf_token": token, "post_id": shown[1][0], "target_id": "caq", "label": "maybe"}
    r = c.post("/label", data=bad)
    assert r.status_code == 400 and "annotation inconnue" in r.text  # the project speaks French
    r = c.post("/label", data={**bad, "label": "none", "post_id": "t:nope"})
    assert r.status_code == 400 and "aucune publication" in r.text
    assert c.post("/label", data={**bad, "label": "none", "csrf_token": ""}).status_code == 403
    assert len(project.store.rows("SELECT * FROM stance_labels")) == 1
    assert 'id="critique-note"' in c.get("/alerts").text  # no model: critiques from cues only
    # train from the label and the cues (#jevotecaq, #dehorslacaq), then analyse again
    r = c.post("/label/train", data={"csrf_token": token})
    assert r.status_code == 303  # the training runs in the background: the page follows it
    r = _after_training(c)
    assert 'id="train-result"' in r.text and "bootstrap-ngram-lr" in r.text, r.text
    assert "Annotez au moins 20 publications" in r.text  # one label: too few to measure
    models = {m for (m,) in project.store.rows("SELECT DISTINCT model FROM analyses")}
    assert "bootstrap-ngram-lr" in models and "weak-rules" not in models
    assert "le modèle pense" in r.text or "the model guesses" in r.text
    assert 'id="critique-note"' not in c.get("/alerts").text


def test_training_without_labels_says_why(labelling) -> None:  # noqa: ANN001
    base, project = labelling
    project.store.execute("DELETE FROM analyses")
    c = login(base, "ana")
    page = c.get("/label")
    assert 'id="label-empty"' in page.text
    project.store.execute("DELETE FROM posts")
    assert c.post("/label/train", data={"csrf_token": form_token(page.text)}).status_code == 303
    r = _after_training(c)
    assert 'id="train-error"' in r.text
    from bascule.web.auth import LANG_COOKIE

    said = {}
    for lang in ("en", "fr"):
        c.cookies.set(LANG_COOKIE, lang)
        said[lang] = re.search(r'id="train-error">([^<]+)<', c.get("/label").text).group(1)
    assert said["en"].startswith("not enough labels")
    assert said["fr"].startswith("pas assez d&#39;exemples"), said  # the staff's language
    # a refused label, in French too
    r = c.post("/label", data={"csrf_token": form_token(page.text), "post_id": "x:1",
                               "target_id": "caq", "label": "peut-être"})  # fmt: skip
    assert r.status_code == 400 and "annotation inconnue" in r.text


@pytest.mark.browser
def test_label_a_post_in_the_browser(browser, labelling) -> None:  # noqa: ANN001, F811
    base, project = labelling
    page = _page(browser, base, "ana")
    page.click("nav >> text=Annoter")
    page.wait_for_url(base + "/label")
    first = page.locator("#to-label-1 blockquote").inner_text()
    page.click("#to-label-1 button[value=against]")
    page.wait_for_url(base + "/label")
    assert page.locator(".stat").nth(1).inner_text().startswith("1")  # one "against"
    assert page.locator("#to-label-1 blockquote").inner_text() != first
    (label,) = project.store.rows("SELECT label FROM stance_labels")
    assert label == ("against",)
    page.screenshot(path=str(ARTIFACTS / "label.png"), full_page=True)
    assert not page.errors
    page.context.close()


def test_training_runs_in_the_background_once(labelling, monkeypatch) -> None:  # noqa: ANN001
    import threading

    from bascule.web import data

    base, _ = labelling
    release, calls = threading.Event(), []
    real = data.train_stance

    def slow(st):  # noqa: ANN001, ANN202 - holds the store as the real training does
        calls.append(1)
        assert st.locked(release.wait, 30)
        return real(st)

    monkeypatch.setattr(data, "train_stance", slow)
    c = login(base, "ana")
    token = form_token(c.get("/label").text)
    assert c.post("/label/train", data={"csrf_token": token}).status_code == 303
    page = c.get("/label").text
    assert 'id="train-running"' in page and '<meta http-equiv="refresh"' in page
    assert 'id="train-button"' not in page  # nothing to click twice
    assert 'id="to-label-1"' not in page  # the page does not wait for the store
    assert c.post("/label/train", data={"csrf_token": token}).status_code == 303
    release.set()
    assert 'id="train-result"' in _after_training(c).text
    assert len(calls) == 1  # the second click did not start a second job


def test_pages_answer_while_the_new_model_analyses(labelling, monkeypatch) -> None:  # noqa: ANN001
    """Analysing every post again takes minutes on a large project: the store lock is free
    while posts are analysed, so the war room keeps answering."""
    import threading

    import bascule.text.analyze as mod

    base, _ = labelling
    inside, release = threading.Event(), threading.Event()
    real = mod.analyze_batch

    def held(*args):  # noqa: ANN002, ANN202 - a batch analysed slowly
        inside.set()
        assert release.wait(30)
        return real(*args)

    monkeypatch.setattr(mod, "analyze_batch", held)
    c = login(base, "ana")
    assert c.post("/label/train", data={"csrf_token": form_token(c.get("/label").text)}).is_redirect
    try:
        assert inside.wait(30), "the analysis did not start"
        r = c.get("/api/poll", params={"target": "caq"}, timeout=10)  # computed, not cached
        assert r.status_code == 200 and r.json()["stance_models"] == ["weak-rules"]
    finally:
        release.set()
    assert 'id="train-result"' in _after_training(c).text
    assert c.get("/api/poll", params={"target": "caq"}).json()["stance_models"] == [
        "bootstrap-ngram-lr"
    ]


def test_label_and_train_through_the_json_api(labelling) -> None:  # noqa: ANN001
    """The same labelling for notebooks and scripts: `/api/label`."""
    from tests.web.webutil import csrf

    base, project = labelling
    assert login(base, "vic").get("/api/label").status_code == 403
    c = login(base, "ana")
    h = {"x-csrf-token": csrf(c)}
    got = c.get("/api/label", params={"target": "caq", "k": 3}).json()
    assert got["training"] is None and got["model"] is None and len(got["posts"]) == 3
    first = got["posts"][0]
    body = {"post_id": first["post_id"], "target": "caq", "label": "favor"}
    assert c.post("/api/label", json=body).status_code == 403  # no CSRF token
    r = c.post("/api/label", json=body, headers=h)
    assert r.status_code == 201 and r.json()["labeled_by"] == "ana"
    after = c.get("/api/label", params={"target": "caq", "k": 3}).json()
    assert after["labels"]["favor"] == 1
    assert first["post_id"] not in {p["post_id"] for p in after["posts"]}
    # a post as GET gives it (`target_id`) can be sent back as it is
    second = after["posts"][0]
    echo = {"post_id": second["post_id"], "target_id": second["target_id"], "label": "none"}
    assert c.post("/api/label", json=echo, headers=h).status_code == 201
    assert c.post("/api/label/undo", headers=h).json()["undone"]["text_id"] == second["post_id"]
    refused = [
        ({**body, "label": "maybe"}, 422),
        ({**body, "post_id": "nowhere:1"}, 400),
        ({**body, "target": "nobody"}, 400),
    ]
    for bad, status in refused:
        assert c.post("/api/label", json=bad, headers=h).status_code == status, bad
    assert c.get("/api/label", params={"target": "nobody"}).status_code == 400
    undone = c.post("/api/label/undo", headers=h).json()["undone"]
    assert undone["text_id"] == first["post_id"] and undone["label"] == "favor"
    assert c.post("/api/label/undo", headers=h).json()["undone"] is None
    r = c.post("/api/label/train", headers=h)
    assert r.status_code == 202 and r.json()["training"]["state"] in {"running", "done"}
    deadline = time.monotonic() + 60
    while (got := c.get("/api/label").json())["training"]["state"] == "running":
        assert got["posts"] is None and time.monotonic() < deadline
        time.sleep(0.2)
    assert got["training"]["state"] == "done", got["training"]
    assert got["model"] == "bootstrap-ngram-lr" and len(got["posts"]) == 5
    assert got["training"]["result"]["analysed_posts"] == len(CUE_POSTS)
