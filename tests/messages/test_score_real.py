"""Scores on real posts: links, numbers, tenses and names read the way a person reads them."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from bascule.messages.corpus import corpus_from_texts
from bascule.messages.score import score, tokenize

DATA = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"
LINK = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def tweets() -> list[dict]:
    with gzip.open(DATA / "tweets_v1.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _ev(text: str, dim: str, lang: str = "auto", **kw: object) -> dict:
    return score(text, lang, **kw)["dimensions"][dim]["evidence"]


def test_a_link_is_not_words_nor_numbers() -> None:
    # a real source tweet of the PHEME demo (@BBCBreaking, 7 January 2015)
    bare = "France: 10 people dead after shooting at HQ of satirical weekly newspaper #CharlieHebdo"
    linked = bare + " http://t.co/FkYxGmuS58 http://t.co/5F1DOwzoCQ"
    assert tokenize(linked) == tokenize(bare)
    assert _ev(linked, "credible")["numbers"] == _ev(bare, "credible")["numbers"] == ["10"]
    assert _ev(linked, "simple")["words"] == _ev(bare, "simple")["words"]
    corpus = corpus_from_texts([f"Paris news {i} today" for i in range(50)])
    a, b = score(bare, "en", corpus=corpus), score(linked, "en", corpus=corpus)
    assert a["dimensions"]["unexpected"] == b["dimensions"]["unexpected"]
    assert b["dimensions"]["credible"]["evidence"]["links"] == 2


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("At least 10 killed in shooting at French satirical newspaper", ["10"]),
        ("Notre pays a été engagé de 2001 à 2014. 90 de nos soldats", ["2001", "2014", "90"]),
        ("Les 500 000 travailleurs détachés, ce sont 4 milliards", ["500 000", "4 milliards"]),
        ("Rents went up 8% and 1,5 million people moved", ["8%", "1,5 million"]),
    ],
)
def test_numbers_as_written(text: str, numbers: list[str]) -> None:
    assert _ev(text, "credible")["numbers"] == numbers


def test_french_past_tense_and_impersonal_il() -> None:
    ev = _ev("Les Français ne l'ont jamais su, mais elle travaillait la nuit.", "stories", "fr")
    assert ev["past_tense"] == ["ont jamais su", "travaillait"]
    assert _ev("Elle est aussi là, ici et ainsi.", "stories", "fr")["past_tense"] == []
    assert _ev("Il faut agir, il y a urgence.", "stories", "fr")["people"] == []
    assert _ev("Il a perdu son emploi en mars.", "stories", "fr")["people"] == ["il"]
    s_imp = score("Il faut agir maintenant.", "fr")["dimensions"]["stories"]["score"]
    s_he = score("Il a agi maintenant.", "fr")["dimensions"]["stories"]["score"]
    assert s_he > s_imp


def test_a_name_is_a_whole_word() -> None:
    ev = _ev("Nous garderons #NDDL, TouTEs mobilisés avec Marie Curie", "stories", "fr")
    assert ev["people"] == ["Marie Curie"]


def test_real_tweets_no_link_fragment_counts(tweets: list[dict]) -> None:
    texts = [t["text"] for t in tweets]
    corpus = corpus_from_texts(texts)
    linked = [t for t in texts if LINK.search(t)]
    assert len(linked) > 100
    for text in linked[:150]:
        r = score(text, "auto", corpus=corpus)
        bare = LINK.sub(" ", text)
        for n in r["dimensions"]["credible"]["evidence"]["numbers"]:
            assert n.split()[0] in bare, (n, text)
        new = r["dimensions"]["unexpected"]["evidence"]["words_new_to_corpus"]
        assert not {"http", "https", "co"} & set(new)
        assert r == score(text, "auto", corpus=corpus)  # same text, same score


def test_mixed_feelings_still_count_as_emotion() -> None:
    # a real source tweet (PHEME demo): the heart and "dead" cancel in the compound sentiment
    text = "Eleven dead in shooting at Paris offices of satirical magazine Charlie Hebdo ❤ live"
    ev = _ev(text, "emotional", "en")
    assert abs(ev["sentiment"]) < 0.1 < 0.8 < ev["intensity"]
    assert ev["affect_words"] == ["dead", "❤"]
    flat = score("The committee met on Tuesday to review the budget.", "en")
    assert flat["dimensions"]["emotional"]["score"] == 0
    assert score(text, "en")["dimensions"]["emotional"]["score"] >= 45


def test_mixed_language_draft_says_so() -> None:
    mixed = score(
        "Le loyer a augmenté de 8 % à Montréal, and my rent went up 200 dollars last month."
    )
    assert mixed["lang"] == "en"
    assert any(n.startswith("mixed French (") and "scored as English" in n for n in mixed["notes"])
    fr = score("Les loyers ont augmenté de 8 % à Montréal. Les familles paient plus chaque mois.")
    assert fr["lang"] == "fr" and fr["notes"] == []
