"""Explicit hesitation between parties ("je ne sais pas pour qui voter", "torn between").

A hand-written FR/EN lexicon of phrases, matched on accent- and case-folded text with word
boundaries; simple negations ("je ne suis plus indécis", "no longer undecided") do not count.
Used by `bascule analyze` to fill `post_analyses.hesitation`, and by the undecided analysis.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from bascule.text import normalize

_SPACES = re.compile(r"\s+")
_LIGATURES = str.maketrans(
    {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "’": "'", "‘": "'", "`": "'", "´": "'"}
)

# French, written on folded text (no accents, lower case, straight apostrophes).
_J = r"(?:je|j'|j )"  # je / j' / j (apostrophe dropped)
_NSP = r"(?:(?:je )?(?:ne )?sais (?:pas|plus)|j'?sais pas|chais pas|jsp|aucune idee)"
_FR = [
    rf"{_NSP} (?:encore |trop |vraiment |du tout )?(?:pour qui|quoi|qui) (?:voter|choisir)",
    rf"{_NSP} (?:encore |trop |vraiment )?quel (?:parti|candidat|chef)",
    r"indecise?s?",
    rf"{_J}\s?hesite",
    r"hesite (?:encore|toujours|entre)",
    r"(?:suis|reste|encore|toujours) hesitante?s?",
    r"(?:je suis|suis|reste|toujours|encore|hesite|balance|tiraillee?|partagee?) "
    r"(?:encore |toujours )?entre les deux",
    r"entre les deux,? mon coeur balance",
    r"mon coeur balance",
    r"tiraillee? entre",
    r"(?:pas|toujours pas|pas encore|jamais) (?:encore )?(?:decidee?|fait mon choix|choisi)"
    r"(?: pour qui| qui| pour quel| quel)",
    r"(?:toujours pas|pas encore) (?:decidee?|fait mon choix|choisi|fixee?)",
    r"mon (?:vote|choix) n'?est (?:pas|toujours pas) (?:encore )?(?:fait|arrete|decide)",
    r"pas (?:sure?|certaine?) (?:de mon vote|pour qui voter|de voter pour)",
    r"pour qui voter ?\?",
    r"qui choisir ?\?",
]
_EN = [
    r"undecided",
    r"torn between",
    r"on the fence",
    r"(?:can't|cant|cannot|can not|couldn't) (?:decide|make up my mind|choose)",
    r"(?:haven't|havent|have not|still not|not yet) (?:decided|made up my mind|chosen)",
    r"(?:not |un)sure (?:who|which party|which candidate|what) (?:to vote|i'll vote|i should vote)",
    r"(?:don't|dont|do not|still don't|no) (?:idea|know|clue) "
    r"(?:who|which party|which candidate) (?:to vote|i'll vote|i should vote|to pick)",
    r"(?:who|which party) (?:should|do|would) i (?:vote for|pick|choose)",
    r"(?:idk|dunno) (?:who|which party|which candidate) (?:to vote|i'll vote|to pick)",
    r"still deciding",
    r"(?:split|stuck|hesitating) between",
    r"swing voter",
]
_PATTERN = re.compile(r"\b(?:" + "|".join(_FR + _EN) + r")(?!\w)")
# Removed before matching: negations ("je ne suis plus indécis", "not undecided") and talk
# about other people's hesitation ("message aux indécis", "undecided voters"): a campaigner
# courting the undecided is not undecided.
_NEGATED = re.compile(
    r"\b(?:pas|plus|jamais|not|no longer|never|nobody is|personne n'est)\s+"
    r"(?:du tout\s+|at all\s+|vraiment\s+|really\s+)?(?:indecise?s?|undecided|hesitante?s?)\b"
    r"|\b(?:les|des|aux|ces|nos|vos|leurs|sont|seront|d')\s?(?:electeurs |electrices )?"
    r"indecise?s?\b"
    r"|\b(?:the|all|many|most|some|to) undecided\b|\bundecided (?:voters?|electors?|people)\b"
)

# Every phrase above contains one of these substrings (keep in sync when adding phrases).
_KEYS = (
    "vote",
    "choisi",
    "quel",
    "indecis",
    "hesit",
    "entre les deux",
    "balance",
    "tiraill",
    "decid",
    "choix",
    "fixe",
    "undecided",
    "torn",
    "fence",
    "mind",
    "choose",
    "chosen",
    "pick",
    "between",
    "swing",
)


def fold(text: str) -> str:
    """Lower-case ASCII: accents stripped, apostrophes straight, spaces squeezed (matching)."""
    return _SPACES.sub(" ", normalize.fold(text.translate(_LIGATURES)))


def is_hesitant(text: str | None) -> bool:
    """Whether one text says, explicitly, that its author has not chosen whom to vote for."""
    if not text:
        return False
    t = fold(text)
    if not any(key in t for key in _KEYS):  # cheap filter: most posts hesitate about nothing
        return False
    return _PATTERN.search(_NEGATED.sub(" ", t)) is not None


def hesitation(texts: Sequence[str | None]) -> np.ndarray:
    """Boolean array: explicit hesitation in each text (French or English phrases)."""
    return np.fromiter((is_hesitant(t) for t in texts), dtype=bool, count=len(texts))
