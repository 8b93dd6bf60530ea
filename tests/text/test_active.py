"""Active learning: the most uncertain posts come first; labels are saved; retraining."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from bascule.text.active import entropy, label_loop, most_informative


def test_most_informative_is_highest_entropy() -> None:
    proba = np.array([[0.98, 0.01, 0.01], [0.34, 0.33, 0.33], [0.6, 0.4, 0.0], [1.0, 0, 0]])
    assert most_informative(proba, 2).tolist() == [1, 2]
    assert np.isclose(entropy(proba)[1], np.log(3), atol=1e-3)
    assert most_informative(np.zeros((0, 3)), 5).tolist() == []


class _Model:
    classes_ = np.array(["against", "favor", "none"])

    def predict_proba(self, texts: list[str], targets: list[str]) -> np.ndarray:
        # sure about texts with "!", unsure otherwise
        return np.array([[0.9, 0.05, 0.05] if "!" in t else [0.4, 0.3, 0.3] for t in texts])


def test_label_loop_asks_uncertain_first_and_retrains() -> None:
    cands = pa.table(
        {
            "post_id": [f"p{i}" for i in range(6)],
            "target_id": ["caq"] * 6,
            "text": ["sure!", "unsure", "sure!", "unsure too", "sure!", "hmm"],
        }
    )
    asked, saved, retrains = [], [], []

    def ask(text: str, target: str, guess: str) -> str | None:
        asked.append(text)
        return "favor" if len(asked) != 2 else ""  # skip the second

    res = label_loop(
        cands,
        ask=ask,
        save=lambda *a: saved.append(a),
        retrain=lambda: retrains.append(1) or _Model(),
        model=_Model(),
        n=4,
        retrain_every=3,
    )
    assert set(asked[:3]) == {"unsure", "unsure too", "hmm"}
    assert res == {"labelled": 4, "skipped": 1, "retrained": 1}
    assert saved[0][0] in ("p1", "p3", "p5") and saved[0][3] == "favor"


def test_label_loop_stops_on_quit() -> None:
    cands = pa.table({"post_id": ["a"], "target_id": ["caq"], "text": ["x"]})
    res = label_loop(cands, ask=lambda *a: None, save=None, retrain=None, model=None)
    assert res["labelled"] == 0
