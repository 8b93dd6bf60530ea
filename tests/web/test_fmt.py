"""Numbers, percentages and labels as campaign staff read them."""

from __future__ import annotations

from bascule.web import fmt

NN = "\u202f"


def test_numbers_follow_the_language() -> None:
    assert fmt.number(12345.678, "fr", 1) == f"12{NN}345,7"
    assert fmt.number(12345.678, "en", 1) == "12,345.7"
    assert fmt.number(3, "fr") == "3"
    assert fmt.number(None, "fr") == "—"
    assert fmt.number(float("nan"), "en") == "—"
    assert fmt.number(True, "fr") == "oui" and fmt.number(False, "en") == "no"
    assert fmt.number("n/a", "fr") == "n/a"


def test_percentages() -> None:
    assert fmt.percent(0.6667, "fr") == f"67{NN}%"
    assert fmt.percent(0.6667, "en", 1) == "66.7%"
    assert fmt.percent(0.0021, "fr", 1) == f"0,2{NN}%"
    assert fmt.percent(None, "en") == "—"


def test_stance_mix_is_compact() -> None:
    mix = {"favor": 0.6667, "against": 0.3333, "none": 0.0}
    assert fmt.stance_mix(mix, "en") == "67 / 33 / 0%"
    assert fmt.stance_mix(mix, "fr") == f"67 / 33 / 0{NN}%"
    assert fmt.stance_mix({}, "fr") == "—" and fmt.stance_mix(None, "en") == "—"


def test_labels_and_times() -> None:
    assert fmt.label(fmt.ALERT_KINDS, "burst", "fr") == "Pic de mentions"
    assert fmt.label(fmt.ALERT_KINDS, "burst", "en") == "Mention burst"
    assert fmt.label(fmt.ALERT_KINDS, "new_kind", "en") == "new_kind"
    assert fmt.label(fmt.MODELS, "naming-game", "en") == "naming game"
    assert fmt.when("2026-09-03T16:00:00") == "2026-09-03 16:00"
    assert fmt.when(None) == "—"
