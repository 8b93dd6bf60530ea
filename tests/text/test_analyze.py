"""`analyze` on a real project: incremental, resumable, reposts, weak-label bootstrap."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pyarrow as pa
import pytest

from bascule.errors import InputError
from bascule.text.analyze import FALLBACK_MODEL, analyze, analyze_batch, project_model_path
from bascule.text.weak_labels import WeakLabeler, train_project_model
from tests.text.conftest import CUE_POSTS

PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"
POSTS = [
    {"post_id": "t:1", "text": "La CAQ a un excellent bilan, bravo !", "handle": "alice"},
    {"post_id": "t:2", "text": "Honte à Québec solidaire et à la CAQ.", "handle": "bob"},
    {"post_id": "t:3", "text": "I still do not know who to vote for.", "handle": "carol"},
    {"post_id": "t:4", "text": "", "handle": "dan"},
    {"post_id": "t:5", "text": "😀😀😀", "handle": "dan"},
    {"post_id": "t:6", "text": "Le PLQ " + "bla " * 30_000, "handle": "eve"},
    {"post_id": "t:7", "text": None, "handle": "eve", "repost_of": "t:1"},
    {"post_id": "t:8", "text": "RT orphan about the CAQ", "handle": "eve", "repost_of": "t:99"},
    {"post_id": "t:9", "text": "On continue avec la CAQ #jevotecaq", "handle": "fan"},
    {"post_id": "t:10", "text": "La CAQ a menti #dehorslacaq", "handle": "critic"},
]


def test_analyze_is_incremental_and_resumable(project, add_posts) -> None:  # noqa: ANN001
    add_posts(project, POSTS)
    out = analyze(project)
    assert out["analysed_posts"] == 9  # every post but the repost of a known post
    assert out["inherited_reposts"] == 1
    assert out["stance_model"] == FALLBACK_MODEL
    rows = dict(project.store.rows("SELECT post_id, lang FROM post_analyses"))
    assert len(rows) == 10
    assert rows["t:1"] == "fr" and rows["t:3"] == "en" and rows["t:4"] == "und"
    pairs = {
        (p, t): s
        for p, t, s in project.store.rows("SELECT post_id, target_id, stance FROM analyses")
    }
    # no model: only cues decide, praise and blame without one are none
    assert pairs[("t:1", "caq")] == "none"
    assert pairs[("t:2", "caq")] == "none" and pairs[("t:2", "qs")] == "none"
    assert pairs[("t:7", "caq")] == "none"  # inherited from t:1
    assert pairs[("t:9", "caq")] == "favor" and pairs[("t:10", "caq")] == "against"
    assert ("t:6", "plq") in pairs and ("t:8", "caq") in pairs
    assert not any(p == "t:3" for p, _ in pairs)
    hes = dict(project.store.rows("SELECT post_id, hesitation FROM post_analyses"))
    assert hes["t:3"] is True and hes["t:1"] is False
    # second run: nothing new; new posts only are read
    assert analyze(project)["analysed_posts"] == 0
    add_posts(project, [{"post_id": "t:11", "text": "Vive QS", "handle": "zoe"}])
    assert analyze(project, batch_size=1)["analysed_posts"] == 1
    assert analyze(project, redo=True, batch_size=3)["analysed_posts"] == 10


class _Guard:
    """A lock stand-in that records what the store holds each time it is taken."""

    def __init__(self, store) -> None:  # noqa: ANN001
        self.store, self.held, self.analysed = store, False, []

    def __enter__(self) -> None:
        self.held = True
        self.analysed.append(self.store.rows("SELECT count(*) FROM post_analyses")[0][0])

    def __exit__(self, *_: object) -> None:
        self.held = False


def test_redo_replaces_in_place_and_leaves_the_store_between_batches(
    project, add_posts, monkeypatch
) -> None:  # noqa: ANN001
    """Analysing again (a model trained from the web) never leaves posts without analysis,
    and the lock shared with the web pages is free while posts are analysed."""
    import bascule.text.analyze as mod

    add_posts(project, POSTS)
    analyze(project)
    before = dict(project.store.rows("SELECT post_id, analyzed_at FROM post_analyses"))
    # a row no pass would write again (a post no longer read): the redo drops it
    project.store.execute(
        "INSERT INTO post_analyses VALUES ('t:gone', 'fr', 1.0, 0.0, false, 'old', ?)",
        [min(before.values())],
    )
    guard = _Guard(project.store)
    inner = mod.analyze_batch

    def analyse_unlocked(*args: object) -> object:
        assert not guard.held, "posts analysed while the store lock was held"
        return inner(*args)

    monkeypatch.setattr(mod, "analyze_batch", analyse_unlocked)
    out = analyze(project, redo=True, batch_size=2, guard=guard)
    assert out["analysed_posts"] == 9 and out["inherited_reposts"] == 1
    assert len(guard.analysed) >= 2 * 5  # a read and a write per batch of 2
    assert set(guard.analysed) == {11}  # 10 posts and the stale row, throughout
    after = dict(project.store.rows("SELECT post_id, analyzed_at FROM post_analyses"))
    assert set(after) == set(before)  # the stale row is gone, every post is analysed
    assert all(after[p] > before[p] for p in before)  # each one anew, the repost too
    assert (
        project.store.rows(
            "SELECT count(*) FROM analyses WHERE analyzed_at <= ?", [max(before.values())]
        )[0][0]
        == 0
    )


def test_an_interrupted_redo_is_finished_by_the_next_analyze(
    project, add_posts, monkeypatch
) -> None:  # noqa: ANN001
    import bascule.text.analyze as mod

    add_posts(project, POSTS)
    analyze(project)
    before = dict(project.store.rows("SELECT post_id, analyzed_at FROM post_analyses"))
    calls, inner = [], mod.analyze_batch

    def crash_on_the_second(*args: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # Ctrl-C, a kill
        return inner(*args)

    monkeypatch.setattr(mod, "analyze_batch", crash_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        analyze(project, redo=True, batch_size=3)
    monkeypatch.setattr(mod, "analyze_batch", inner)
    mixed = dict(project.store.rows("SELECT post_id, analyzed_at FROM post_analyses"))
    assert set(mixed) == set(before)  # every post keeps an analysis meanwhile
    assert sum(mixed[p] > before[p] for p in before) == 3  # the first batch only
    out = analyze(project)  # no --redo: the interrupted pass is finished
    assert out["resumed_redo"] is True and out["analysed_posts"] == 9 - 3
    after = dict(project.store.rows("SELECT post_id, analyzed_at FROM post_analyses"))
    assert all(after[p] > before[p] for p in before)
    assert analyze(project)["resumed_redo"] is False  # and then forgotten


def test_analyze_batch_is_pure() -> None:
    from bascule.config import parse_config
    from bascule.project import TEMPLATE

    config = parse_config(TEMPLATE.read_text(encoding="utf-8"))
    table = pa.table({"post_id": ["a", "b"], "text": ["La CAQ, quelle honte", None]})
    p1, a1 = analyze_batch(table, config, None)
    p2, a2 = analyze_batch(table, config, None)
    assert p1.equals(p2) and a1.equals(a2)
    assert p1.num_rows == 2 and a1.column("target_id").to_pylist() == ["caq"]
    assert a1.column("stance").to_pylist() == ["none"]


def test_without_a_model_news_of_an_attack_is_not_hostility() -> None:
    """Real PHEME tweets with the demo's targets: the sentiment of a post is not its stance
    (the former default read the first one as against Charlie Hebdo and the government)."""
    from bascule.config import load_config

    config = load_config(PHEME / "bascule.toml")
    texts = [
        "BREAKING: At least 10 killed in shooting at French satirical newspaper Charlie Hebdo, "
        "Paris prosecutor's office says.",
        "Tonight we are all Charlie. #JeSuisCharlie",
        "@BBCWorld #JeSuisAhmed #JeNeSuisPasCharlie",
    ]
    table = pa.table({"post_id": ["a", "b", "c"], "text": texts})
    posts, pairs = analyze_batch(table, config, None)
    assert posts.column("sentiment").to_pylist()[0] < -0.35  # a sad post...
    got = {
        (p, t): s
        for p, t, s in zip(
            pairs["post_id"].to_pylist(),
            pairs["target_id"].to_pylist(),
            pairs["stance"].to_pylist(),
            strict=True,
        )
    }
    assert got[("a", "charlie-hebdo")] == "none" and got[("a", "gouvernement")] == "none"
    assert got[("b", "charlie-hebdo")] == "favor"  # ...a cue decides
    assert got[("c", "charlie-hebdo")] == "against"
    assert set(pairs["model"].to_pylist()) == {FALLBACK_MODEL}


def test_weak_labels_from_config(project) -> None:  # noqa: ANN001
    weak = WeakLabeler(project.config)
    assert weak.label("Allez #JeVoteCAQ", None, "caq") == "favor"
    assert weak.label("#DehorsLaCAQ", None, "caq") == "against"
    assert weak.label("La CAQ", "@FrancoisLegault", "caq") == "favor"  # own account
    assert weak.label("La CAQ", "quebecsolidaire", "caq") == "against"  # rival party
    assert weak.label("La CAQ", "someone", "caq") is None
    assert "jevotecaq" not in weak.mask("Allez #JeVoteCAQ")


def test_bootstrap_model_then_analyze(project, add_posts) -> None:  # noqa: ANN001
    posts = CUE_POSTS
    with pytest.raises(InputError, match="not enough labels"):
        train_project_model(project)  # an empty project: no cue, no label
    add_posts(project, posts)
    from bascule.opinion.poll import poll, stance_note

    analyze(project)  # before any model: cue rules
    assert poll(project, "caq")["cues_only"] and not poll(project, "caq")["model_waiting"]
    res = train_project_model(project)
    assert res["weak_favor"] == 12 and res["weak_against"] == 12 and res["weak_none"] == 12
    assert res["check"] is None  # no one labelled a post yet: nothing to measure it on
    # trained, not yet used: the poll says what to run, instead of "train a model" again
    waiting = poll(project, "caq")
    assert waiting["model_waiting"] and "bascule analyze --redo" in stance_note(waiting, "fr")
    out = analyze(project, redo=True)
    assert out["stance_model"] == "bootstrap-ngram-lr"
    stances = dict(
        project.store.rows("SELECT post_id, stance FROM analyses WHERE target_id = 'caq'")
    )
    assert sum(stances[f"f{i}"] == "favor" for i in range(12)) >= 10
    assert sum(stances[f"a{i}"] == "against" for i in range(12)) >= 10
    # the poll says the model is not measured yet, and why to take its shares as provisional
    result = poll(project, "caq")
    assert result["model_check"]["check"] is None and not result["cues_only"]
    assert "not measured yet (0 post(s) labelled" in stance_note(result, "en")
    assert "pas encore mesuré" in stance_note(result, "fr")
    # people label 24 posts: the model is measured on those it did not see
    from bascule.store.analyses import add_label

    truth = {"f": "favor", "a": "against", "n": "none"}
    for p in CUE_POSTS[::3] + CUE_POSTS[1::3]:
        add_label(project.store, p["post_id"], "caq", p["text"], truth[p["post_id"][0]], "ana")
    res = train_project_model(project)
    assert res["human"] == 24 and res["check"]["labels"] == 24 and res["check"]["folds"] == 5
    assert res["check"]["accuracy"] >= 0.8 and res["check"]["f_avg"] >= 0.8
    analyze(project, redo=True)
    assert poll(project, "caq")["model_check"]["check"]["labels"] == 24
    assert stance_note(poll(project, "caq"), "en") is None  # measured: nothing to warn
    # a model file from another version is a clear error, not a crash
    payload = joblib.load(project_model_path(project.root))
    payload["format_version"] = 0
    joblib.dump(payload, project_model_path(project.root))
    with pytest.raises(InputError, match="another version"):
        analyze(project)


class _SaysAgainst:
    """A model that reads every post as against (a bootstrap model did so on `#Zemmour2022`)."""

    name = "says-against"
    classes_ = ["against", "favor", "none"]

    def predict_proba(self, texts: list[str], targets: list[str]) -> np.ndarray:
        return np.tile([0.8, 0.1, 0.1], (len(texts), 1))


def test_configured_cues_outrank_a_model(project) -> None:  # noqa: ANN001
    table = pa.table(
        {"post_id": ["f", "a", "x"], "text": ["Allez #JeVoteCAQ", "#DehorsLaCAQ", "La CAQ"]}
    )
    _, pairs = analyze_batch(table, project.config, _SaysAgainst())
    got = dict(zip(pairs["post_id"].to_pylist(), pairs["stance"].to_pylist(), strict=True))
    assert got == {"f": "favor", "a": "against", "x": "against"}  # the model reads the rest
    assert set(pairs["model"].to_pylist()) == {"says-against"}
