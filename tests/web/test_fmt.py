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


def test_every_reject_reason_of_the_importers_reads_in_french(project, tmp_path) -> None:
    """Real rejects of broken files: each reason, and each reason's kind (the page's
    histogram), has its French wording, its particulars kept."""
    from bascule.sources.importer import import_files, reason_key

    jsonl = tmp_path / "posts.jsonl"
    jsonl.write_bytes(
        b'{"id": "1", "author_id": "a", "created_at": "2026-09-01T12:00:00Z", "text": "ok"}\n'
        b'{"id": "2", "author_id": "a", "created_at": "2026-09-01T12:00:00Z", "text": "no\n'
        b'["a list"]\n'
        b'{"author_id": "a", "created_at": "2026-09-01T12:00:00Z"}\n'
        b'{"id": "3", "created_at": "2026-09-01T12:00:00Z"}\n'
        b'{"id": "4", "author_id": "a"}\n'
        b'{"id": "5", "author_id": "a", "created_at": "le 3 mai"}\n'
        b'{"id": "6", "author_id": "a", "created_at": "2026-09-01T12:00:00Z", "text": "\xff"}\n'
    )
    csv = tmp_path / "posts.csv"
    csv.write_text('id,author_id,created_at,text\n7,a,2026-09-01T12:00:00Z,"ok"\n8,a\n')
    import_files(project, [jsonl, csv], platform="generic")
    reasons = [r for (r,) in project.store.rows("SELECT reason FROM rejects ORDER BY line")]
    assert len(reasons) >= 7
    for reason in reasons + [reason_key(r) for r in reasons]:
        fr = fmt.reject_reason(reason, "fr")
        assert fr != reason, reason
        assert fmt.reject_reason(reason, "en") == reason
    assert fmt.reject_reason("bad date 'le 3 mai'", "fr") == "date invalide 'le 3 mai'"
