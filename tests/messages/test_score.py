"""Made-to-Stick scores move the right way on minimal pairs, in French and English."""

from __future__ import annotations

import pytest

from bascule.messages.corpus import corpus_from_texts
from bascule.messages.score import DIMENSIONS, compare, score

# Minimal pairs written for these tests (not real posts): each pair differs in one cue.
PAIRS = [
    # (dimension, lang, weaker, stronger)
    (
        "credible",
        "en",
        "Rents went up a lot in Montreal.",
        "Rents went up 8% in Montreal last year.",
    ),
    (
        "credible",
        "fr",
        "Les loyers ont beaucoup augmenté à Montréal.",
        "Les loyers ont augmenté de 8 % à Montréal l'an dernier.",
    ),
    (
        "credible",
        "fr",
        "Les loyers ont augmenté de 8 % à Montréal.",
        "Selon la SCHL, les loyers ont augmenté de 8 % à Montréal.",
    ),
    (
        "concrete",
        "en",
        "Our policy improves the situation of affordability for everyone.",
        "Our plan puts a fridge, a bed and a key in the hands of every family.",
    ),
    (
        "concrete",
        "fr",
        "Notre politique améliore la situation de l'accessibilité pour tous.",
        "Notre plan met une clé, une cuisine et un lit dans la maison de chaque famille.",
    ),
    (
        "simple",
        "en",
        "The comprehensive intergovernmental infrastructure reinvestment initiative fundamentally "
        "reconceptualizes municipal transportation accessibility considerations.",
        "We will fix the bus. It will come every ten minutes.",
    ),
    (
        "simple",
        "fr",
        "L'initiative intergouvernementale de réinvestissement infrastructurel reconceptualise "
        "fondamentalement les considérations d'accessibilité du transport municipal.",
        "On répare le bus. Il passera toutes les dix minutes.",
    ),
    (
        "stories",
        "en",
        "Health care needs more funding.",
        "Last winter my mother waited 14 hours in the ER, then she went home without a doctor.",
    ),
    (
        "stories",
        "fr",
        "Le système de santé a besoin de financement.",
        "L'hiver dernier, ma mère a attendu 14 heures aux urgences, puis elle est rentrée sans médecin.",
    ),
    (
        "emotional",
        "en",
        "The rent schedule is published.",
        "You deserve a home you can afford, not this terrible fear every month!",
    ),
    (
        "emotional",
        "fr",
        "Le calendrier des loyers est publié.",
        "Vous méritez un logement abordable, pas cette peur horrible chaque mois !",
    ),
    (
        "unexpected",
        "en",
        "Housing is expensive.",
        "Did you know? Housing is expensive, yet half the empty units are owned by investors.",
    ),
    (
        "unexpected",
        "fr",
        "Le logement coûte cher.",
        "Saviez-vous que le logement coûte cher, pourtant la moitié des logements vides appartient "
        "à des investisseurs ?",
    ),
]


@pytest.mark.parametrize(("dim", "lang", "weak", "strong"), PAIRS, ids=lambda x: str(x)[:20])
def test_dimension_moves_the_right_way(dim: str, lang: str, weak: str, strong: str) -> None:
    a, b = score(weak, lang), score(strong, lang)
    assert b["dimensions"][dim]["score"] > a["dimensions"][dim]["score"], (dim, a, b)


def test_a_named_place_is_a_concrete_detail_not_a_person() -> None:
    # "Gatineau" and "Saint-Jérôme" were counted as people, a story cue
    r = score("Le loyer a doublé à Saint-Jérôme et à Gatineau depuis 2019.", "fr")
    assert r["dimensions"]["stories"]["evidence"]["people"] == []
    assert r["dimensions"]["concrete"]["evidence"]["places"] == ["Saint-Jérôme", "Gatineau"]
    story = score("Hier à Montréal, Marie a perdu son logement.", "fr")["dimensions"]
    assert story["stories"]["evidence"]["people"] == ["Marie"]
    assert story["concrete"]["evidence"]["places"] == ["Montréal"]
    en = score("Yesterday in Toronto, Sarah lost her job.", "en")["dimensions"]
    assert "Toronto" not in en["stories"]["evidence"]["people"]
    assert "Sarah" in en["stories"]["evidence"]["people"]
    # the same sentence with a place scores as more concrete
    plain = score("Le loyer a doublé depuis 2019.", "fr")["dimensions"]["concrete"]["score"]
    assert r["dimensions"]["concrete"]["score"] > plain
    # Quebec towns under 15,000 people and city neighbourhoods are places too
    local = score("Hier, Marie a payé 1 450 $ de loyer à Rosemont, puis à Gaspé.", "fr")
    assert local["dimensions"]["stories"]["evidence"]["people"] == ["Marie"]
    assert local["dimensions"]["concrete"]["evidence"]["places"] == ["Rosemont", "Gaspé"]


def test_same_text_same_score() -> None:
    text = "Hier, Marie a payé 1 450 $ de loyer pour un 3 et demi à Rosemont."
    assert score(text) == score(text)


def test_auto_language() -> None:
    assert (
        score("Les loyers ont augmenté de huit pour cent à Montréal cette année.")["lang"] == "fr"
    )
    assert score("Rents went up eight percent in Montreal this year.")["lang"] == "en"


@pytest.mark.parametrize("text", ["", "   ", "🔥🔥🔥", "😀 👍"])
def test_empty_and_emoji_only_are_clear(text: str) -> None:
    r = score(text)
    assert r["score"] == 0 and r["notes"]
    assert set(r["dimensions"]) == set(DIMENSIONS)


def test_huge_draft_is_truncated_with_a_note() -> None:
    r = score("Le loyer augmente. " * 10_000, "fr")
    assert r["notes"] and 0 <= r["score"] <= 100


def test_mixed_language_draft_scores() -> None:
    r = score("Le loyer a augmenté de 8 %, and my rent went up 200 dollars last month.")
    assert r["lang"] in ("fr", "en") and 0 < r["score"] <= 100


def test_unexpected_uses_the_project_corpus() -> None:
    corpus = corpus_from_texts(["le logement coûte cher à montréal"] * 30)
    common = score("Le logement coûte cher à Montréal.", "fr", corpus=corpus)
    novel = score("Les spéculateurs achètent des tours vides à Laval.", "fr", corpus=corpus)
    assert novel["dimensions"]["unexpected"]["score"] > common["dimensions"]["unexpected"]["score"]
    assert novel["dimensions"]["unexpected"]["evidence"]["words_new_to_corpus"]


def test_compare_reports_differences() -> None:
    r = compare("Health care needs money.", "Health care needs $2 billion, says the auditor.", "en")
    assert r["difference"]["credible"] > 0 and r["better"] == "b"


def test_notes_follow_the_readers_language_not_the_drafts() -> None:
    # the notes were in the draft's language: an English reader of a French draft got French
    huge = "Le loyer augmente. " * 10_000
    fr, en = score(huge, "fr"), score(huge, "fr", ui_lang="en")
    assert fr["notes"] == ["texte tronqué à 20000 caractères pour l'analyse"]
    assert en["notes"] == ["text truncated to 20000 characters for scoring"]
    assert fr["score"] == en["score"]  # the same scores and tips, told in the reader's language
    for d in DIMENSIONS:
        tell, told = fr["dimensions"][d], en["dimensions"][d]
        assert {**tell, "suggestion": None} == {**told, "suggestion": None}
        assert (tell["suggestion"], told["suggestion"]) == (
            tell["suggestions"]["fr"],
            told["suggestions"]["en"],
        )
    assert score("🔥🔥", "en", ui_lang="fr")["notes"] == ["aucun mot à analyser"]
    mixed = "Le loyer a augmenté de 8 % à Montréal, and my rent went up 200 dollars last month."
    r, ui = score(mixed), score(mixed, ui_lang="fr")
    assert (r["lang"], r["score"]) == (ui["lang"], ui["score"]) == ("en", ui["score"])
    assert r["notes"][0].startswith("mixed French (") and "scored as English" in r["notes"][0]
    assert ui["notes"][0].startswith("texte mêlant français (")
    assert "analysé en anglais, scores moins fiables" in ui["notes"][0]
    a, b = "Rents went up.", "🔥"
    both = compare(a, b, "en", ui_lang="fr")
    assert both["b"]["notes"] == ["aucun mot à analyser"]
    assert both["a"]["score"] == compare(a, b, "en")["a"]["score"]
