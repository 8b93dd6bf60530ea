"""Sentiment of a post, -1 (negative) .. 1 (positive), in French and English.

A VADER-style rule scorer (Hutto & Gilbert, *VADER: A Parsimonious Rule-based Model for
Sentiment Analysis of Social Media Text*, ICWSM 2014) over two lexicons that ship with
Bascule's dependencies: the English VADER lexicon of `vaderSentiment` (MIT) and the French
vader_FR lexicon (MIT, `resources/vader_fr_lexicon.txt`). The rules are VADER's main ones,
written for both languages: negation (« ne … pas », « jamais », "not", "n't"), boosters
(« très », "very"), the contrastive « mais » / "but", exclamation marks and emoji (scored
through VADER's emoji descriptions). Other languages use both lexicons together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from bascule.text.normalize import fold

MAX_CHARS = 5000  # longer posts are scored on their first 5,000 characters

NEGATORS = {
    "en": {
        "not",
        "no",
        "never",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "nowhere",
        "cannot",
        "without",
        "aint",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "wasnt",
        "wont",
        "cant",
        "couldnt",
        "shouldnt",
        "wouldnt",
        "arent",
        "werent",
        "havent",
        "hasnt",
    },
    "fr": {
        "ne",
        "n",
        "pas",
        "jamais",
        "rien",
        "aucun",
        "aucune",
        "sans",
        "ni",
        "non",
        "guere",
        "nullement",
        "personne",
    },
}
BOOSTERS = {
    "en": {
        "very",
        "really",
        "extremely",
        "so",
        "totally",
        "absolutely",
        "incredibly",
        "completely",
        "truly",
        "most",
        "highly",
        "utterly",
    },
    "fr": {
        "tres",
        "vraiment",
        "tellement",
        "trop",
        "extremement",
        "totalement",
        "absolument",
        "completement",
        "hyper",
        "si",
        "fort",
        "grave",
    },
}
DAMPENERS = {
    "en": {"slightly", "somewhat", "barely", "hardly", "marginally", "kinda", "sort"},
    "fr": {"peu", "legerement", "plutot", "assez", "moyennement"},
}
BUT = {"en": {"but", "however"}, "fr": {"mais", "cependant", "pourtant", "toutefois"}}
_POST_NEG_FR = {"pas", "jamais", "plus", "rien", "guere"}
B_INCR, N_SCALAR, ALPHA = 0.293, -0.74, 15.0
_TOKEN = re.compile(r"[\w]+(?:[-'][\w]+)*|[^\w\s]{2,4}")
_ELISION = re.compile(r"^(?:l|d|j|m|t|s|c|n|qu|jusqu|lorsqu|puisqu)'")


def _read_en(path: Path) -> dict[str, float]:
    lex: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            lex[parts[0].strip()] = float(parts[1])
    return lex


def _read_fr(text: str) -> dict[str, float]:
    lex: dict[str, float] = {}
    for line in text.splitlines():
        word, sep, value = line.rpartition("->")
        if sep and word:
            try:
                lex[word.strip()] = float(value)
            except ValueError:
                continue
    return lex


def _folded(lex: dict[str, float]) -> dict[str, float]:
    groups: dict[str, list[float]] = {}
    for k, v in lex.items():
        groups.setdefault(fold(k), []).append(v)
    return {k: sum(v) / len(v) for k, v in groups.items()}


@lru_cache(maxsize=1)
def lexicons() -> dict[str, dict[str, float]]:
    """Folded lexicons by language (`en`, `fr`, `any`) and emoji valences (`emoji`)."""
    import vaderSentiment

    folder = Path(vaderSentiment.__file__).parent
    en = _folded(_read_en(folder / "vader_lexicon.txt"))
    fr_text = (resources.files("bascule") / "resources" / "vader_fr_lexicon.txt").read_text(
        encoding="utf-8"
    )
    fr = _folded(_read_fr(fr_text))
    for word in FR_NEUTRAL:
        fr.pop(fold(word), None)
    emoji: dict[str, float] = {}
    for line in (folder / "emoji_utf8_lexicon.txt").read_text(encoding="utf-8").splitlines():
        sym, _, desc = line.partition("\t")
        value = sum(en.get(w, 0.0) for w in fold(desc).split())
        if sym and value:
            emoji[sym] = max(-4.0, min(4.0, value))
    fr_emoji = (resources.files("bascule") / "resources" / "vader_fr_emojis.txt").read_text(
        encoding="utf-8"
    )
    for line in fr_emoji.splitlines():
        sym, _, desc = line.partition("\t")
        value = sum(fr.get(w, 0.0) for w in _tokens(fold(desc)))
        if sym and value and sym not in emoji:
            emoji[sym] = max(-4.0, min(4.0, value))
    emoji.update(EMOJI_EXTRA)
    return {"en": en, "fr": fr, "any": {**fr, **en}, "emoji": emoji}


# French words vader_FR rates from one English sense that political French rarely means:
# "prix" is the price of groceries far more than a prize (+2.3), "intérêt(s)" and "crédit(s)"
# are rates and loans; "cher" (+1.6, "dear") is what rent and groceries cost ("la vie chère",
# "trop cher") as often as a greeting. Left neutral (set by us, from walkthroughs of the
# message lab).
FR_NEUTRAL = (
    "prix",
    "intérêt",
    "intérêts",
    "crédit",
    "crédits",
    "crédité",
    "cher",
    "chers",
    "chère",
    "chères",
    "chèrement",
)

# Emoji common in political posts whose descriptions carry no lexicon word (set by us).
EMOJI_EXTRA = {
    "\U0001f44d": 1.5,
    "\U0001f44e": -1.5,
    "\U0001f621": -2.5,
    "\U0001f92c": -3.0,
    "\U0001f4a9": -2.0,
    "\U0001f44f": 1.5,
    "\U0001f4aa": 1.2,
    "\U0001f922": -2.0,
    "\u274c": -1.0,
    "\u2705": 1.0,
    "\U0001f620": -2.2,
    "\U0001f612": -1.2,
}
_EMOJI = re.compile(r"[\u2190-\u2bff\U0001f000-\U0001faff]\ufe0f?")


def _emoji_total(text: str) -> float:
    table = lexicons()["emoji"]
    total = 0.0
    for m in _EMOJI.findall(text):
        total += table.get(m, table.get(m[0], 0.0))
    return total


def _tokens(text: str) -> list[str]:
    out = []
    for tok in _TOKEN.findall(text):
        tok = _ELISION.sub("", tok)
        if tok.endswith("n't"):
            out += [tok[:-3], "not"]
        else:
            out.append(tok)
    return out


def score(text: str | None, lang: str = "en") -> float:
    """Compound sentiment of one text in -1..1 (0 when no sentiment word is found)."""
    if not text:
        return 0.0
    text = text[:MAX_CHARS]
    key = lang if lang in ("fr", "en") else "any"
    lex = lexicons()[key]
    negators = NEGATORS["en"] | NEGATORS["fr"] if key == "any" else NEGATORS[key]
    boosters = BOOSTERS["en"] | BOOSTERS["fr"] if key == "any" else BOOSTERS[key]
    dampeners = DAMPENERS["en"] | DAMPENERS["fr"] if key == "any" else DAMPENERS[key]
    buts = BUT["en"] | BUT["fr"] if key == "any" else BUT[key]
    folded = fold(text)
    toks = _tokens(folded)
    vals: list[float] = []
    but_at = -1
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok in buts:
            but_at = len(vals)
        pair = tok + " " + toks[i + 1] if i + 1 < len(toks) else ""
        if pair and pair in lex:
            v, step = lex[pair], 2
        else:
            v, step = lex.get(tok, 0.0), 1
        if v and tok not in boosters:
            prev = toks[max(0, i - 3) : i]
            if prev and prev[-1] in boosters:
                v += math.copysign(B_INCR, v)
            elif prev and prev[-1] in dampeners:
                v -= math.copysign(B_INCR, v)
            nxt = toks[i + step] if i + step < len(toks) else ""
            if any(p in negators for p in prev) or (key != "en" and nxt in _POST_NEG_FR):
                v *= N_SCALAR
        vals.append(v)
        i += step
    if but_at >= 0:
        vals = [v * 0.5 for v in vals[:but_at]] + [v * 1.5 for v in vals[but_at:]]
    total = sum(vals)
    total += _emoji_total(text)
    if total:
        total += math.copysign(min(text.count("!"), 4) * 0.292, total)
    return total / math.sqrt(total * total + ALPHA)


def sentiment(texts: Sequence[str | None], langs: Sequence[str] | None = None) -> np.ndarray:
    """Compound sentiment (-1..1) of each text, using each text's language lexicon."""
    if langs is None:
        langs = ["any"] * len(texts)
    return np.array([score(t, lang) for t, lang in zip(texts, langs, strict=True)], dtype=float)
