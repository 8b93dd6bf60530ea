"""Stance and text classifiers: real labelled data, any label set, metrics, model files."""

from __future__ import annotations

from pathlib import Path

import joblib
import numpy as np
import pytest

from bascule.errors import InputError
from bascule.text.stance import StanceModel, evaluate, normalize_stance, scores


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
