"""Target mentions: names, aliases, hashtags, handles; accents, case, word boundaries."""

from __future__ import annotations

from bascule.config import Target
from bascule.text.normalize import fold
from bascule.text.targets import TargetMatcher

TARGETS = [
    Target(
        id="caq",
        name="Coalition avenir Québec",
        aliases=["CAQ", "caquiste"],
        hashtags=["#polqc"],
        accounts=["@coalitionavenir", "@francoislegault"],
    ),
    Target(
        id="legault",
        kind="leader",
        party="caq",
        name="François Legault",
        aliases=["Legault"],
        accounts=["@francoislegault"],
    ),
    Target(id="qs", name="Québec solidaire", aliases=["QS"], hashtags=["#quebecsolidaire"]),
    Target(
        id="sante",
        kind="issue",
        name="Santé",
        name_en="Health",
        aliases=["système de santé", "health care"],
    ),
]


def test_fold_accents_case_apostrophes() -> None:
    assert fold("QUÉBEC Solidaire’s Œuvre") == "quebec solidaire's oeuvre"
    assert fold("") == "" and fold(None) == ""


def test_names_aliases_accents_and_case() -> None:
    m = TargetMatcher(TARGETS)
    assert m.find(["La COALITION AVENIR QUEBEC a gagné"]) == [["caq"]]
    assert m.find(["quebec solidaire et la caq"]) == [["caq", "qs"]]
    assert m.find(["Le systeme de SANTÉ craque", "Health  care costs"]) == [["sante"], ["sante"]]


def test_word_boundaries() -> None:
    m = TargetMatcher(TARGETS)
    assert m.find(["CAQS", "Legaultiste", "qsx", "caquistes"]) == [[], [], [], []]
    assert m.find(["anti-CAQ", "(QS)", "Legault's plan", "le caquiste"]) == [
        ["caq"],
        ["qs"],
        ["legault"],
        ["caq"],
    ]


def test_hashtags_and_handles() -> None:
    m = TargetMatcher(TARGETS)
    assert m.find(["#QuebecSolidaire en avant", "#polqc"]) == [["qs"], ["caq"]]
    # an official handle belongs to both the party and its leader
    assert m.find(["merci @FrancoisLegault@mastodon.social"]) == [["caq", "legault"]]
    # an e-mail address is not a handle mention
    assert m.find(["ecrire a bob@francoislegault.ca"]) == [[]]


def test_no_targets_and_bad_input() -> None:
    assert TargetMatcher([]).find(["la CAQ"]) == [[]]
    m = TargetMatcher(TARGETS)
    assert m.find(["", None, "😀😀", "x" * 100_000 + " CAQ"]) == [[], [], [], ["caq"]]
