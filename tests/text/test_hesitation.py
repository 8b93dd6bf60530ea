"""Explicit hesitation: FR/EN phrases, folded accents and case, word boundaries, negations."""

from __future__ import annotations

import numpy as np
import pytest

from bascule.text.hesitation import fold, hesitation, is_hesitant

HESITANT = [
    "Je ne sais pas pour qui voter cette année",
    "JE NE SAIS PAS POUR QUI VOTER",
    "je sais pas pour qui voter honnêtement",
    "Franchement j'sais pas quoi voter",
    "Toujours indécis à deux semaines du scrutin",
    "Indécise, comme beaucoup de monde",
    "J’hésite entre la CAQ et le PQ",
    "j hesite encore",
    "Je suis entre les deux, vraiment",
    "Entre les deux mon cœur balance",
    "Tiraillé entre deux partis",
    "Je n'ai pas encore fait mon choix",
    "Mon vote n'est pas encore fait",
    "Pour qui voter ?",
    "Still undecided tbh",
    "I'm torn between Labour and the Greens",
    "Honestly I can't decide",
    "I haven't made up my mind yet",
    "I don't know who to vote for",
    "not sure who to vote for this time",
    "Still on the fence about this election",
    "Who should I vote for?",
    "idk who to vote for lol",
    "jsp pour qui voter",
]
NOT_HESITANT = [
    "",
    "Je vote PQ, c'est décidé",
    "Le débat entre les deux chefs était ennuyeux",  # "entre les deux" without a speaker
    "Je ne suis plus indécis : je vote QS",
    "Je ne suis pas indécise du tout",
    "I'm no longer undecided, voting Green",
    "Not undecided at all",
    "The candidates debated for two hours",
    "Indécisionnaire n'est pas un mot",  # word boundary: not "indecision" + suffix
    "undecidedly weird",  # word boundary
    "Il hésitait à sortir sous la pluie",  # "hésitait", no first person
    "We decided to vote early",
    "Encore des indécis dans ma famille",  # about other people
    "Message aux indécis : votez QS!",  # a campaigner courting them
    "To all undecided voters: vote Green",
    "L'indécision du gouvernement",
]


@pytest.mark.parametrize("text", HESITANT)
def test_hesitant_phrases(text: str) -> None:
    assert is_hesitant(text), text


@pytest.mark.parametrize("text", NOT_HESITANT)
def test_not_hesitant(text: str) -> None:
    assert not is_hesitant(text), text


def test_vectorised_and_none() -> None:
    out = hesitation(["indécis", None, "je vote", "torn between"])
    assert out.dtype == np.bool_
    assert out.tolist() == [True, False, False, True]
    assert hesitation([]).shape == (0,)


def test_fold() -> None:
    assert fold("  Cœur  ÉLU’s\n") == " coeur elu's "
