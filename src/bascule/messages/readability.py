"""Readability: Flesch (1948) for English, Kandel & Moles (1958) for French.

Syllables are counted by vowel groups with the usual silent-e rules. Written here because
textstat's English path downloads cmudict at run time and pyphen counts hyphenation points,
not syllables.
"""

from __future__ import annotations

import re

_VOWELS = {"en": "aeiouy", "fr": "aeiouyàâäéèêëîïôöùûüÿœæ"}
_SENTENCE = re.compile(r"[.!?…]+(?:\s|$)|\n+")


def syllables(word: str, lang: str) -> int:
    """Approximate syllable count of one word."""
    w = word.lower()
    vowels = _VOWELS["fr" if lang == "fr" else "en"]
    groups = re.findall(f"[{vowels}]+", w)
    n = len(groups)
    if lang == "fr":
        if (
            len(w) > 2
            and (w.endswith("e") or w.endswith("es"))
            and n > 1
            or w.endswith("ent")
            and n > 1
            and len(w) > 4
        ):
            n -= 1
    else:
        if w.endswith("e") and not w.endswith(("le", "ee")) and n > 1:
            n -= 1
        if w.endswith("ed") and not w.endswith(("ted", "ded")) and n > 1:
            n -= 1
    return max(1, n)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def reading_ease(words: list[str], n_sentences: int, lang: str) -> float:
    """Flesch reading ease (EN) or Kandel-Moles (FR): higher is easier, ~0..100."""
    if not words:
        return 0.0
    asl = len(words) / max(1, n_sentences)
    asw = sum(syllables(w, lang) for w in words) / len(words)
    if lang == "fr":
        return 207.0 - 1.015 * asl - 73.6 * asw
    return 206.835 - 1.015 * asl - 84.6 * asw
