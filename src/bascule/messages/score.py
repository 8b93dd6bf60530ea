"""Score a draft against *Made to Stick* (Heath & Heath, 2007): Simple, Unexpected, Concrete,
Credible, Emotional, Stories — each 0-100 with its evidence and one concrete suggestion.

Every score is a deterministic function of the text (and, for Unexpected, of the project's
recent corpus), so the same draft always gets the same score and each point can be explained.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from bascule.i18n import tr
from bascule.messages import lexicons as lx
from bascule.messages.readability import reading_ease, sentences

DIMENSIONS = ("simple", "unexpected", "concrete", "credible", "emotional", "stories")
MAX_CHARS = 20_000
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)
_NUMBER = re.compile(
    r"(?<![\w.,])(?:\d{1,3}(?:[ \u00a0\u202f.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])"
    r"(?:\s?(?:%|\$|€|(?:k|M|millions?|milliards?|billions?)(?!\w)))?"
)
_URL = re.compile(r"https?://\S+")
_QUOTE = re.compile(r"«[^»]{3,}»|“[^”]{3,}”|\"[^\"]{3,}\"")
_EN_PAST = re.compile(r"\b\w{3,}ed\b")
_FR_PAST = re.compile(
    r"\b(?:ai|as|a|avons|avez|ont|suis|es|est|sommes|êtes|sont)\s+"
    r"(?:(?:pas|jamais|déjà|toujours|bien|aussi|encore|plus|tous|tout|enfin|souvent)\s+)?"
    r"(?!(?:jamais|aussi|ici|ainsi|parmi|voici|merci|lundi|mardi|jeudi|vendredi|samedi)\b)"
    r"\w+(?:é|ée|és|ées|i|is|it|u|ue|us)\b"
    r"|\b\w{3,}(?:ais|ait|aient)\b",
    re.IGNORECASE,
)


@dataclass
class Corpus:
    """Word document-frequencies of the project's recent posts, for Unexpected."""

    df: Counter
    docs: int

    def surprisal(self, word: str) -> float:
        """-log2 of the smoothed share of posts using `word` (higher = rarer here)."""
        return -math.log2((self.df.get(word, 0) + 0.5) / (self.docs + 1.0))


def tokenize(text: str) -> list[str]:
    """Lower-cased words of `text`; links are not words (their random ids would look novel)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(_URL.sub(" ", text))]


def _numbers(text: str) -> list[str]:
    """Numbers written in the text, not the digits inside its links."""
    return _NUMBER.findall(_URL.sub(" ", text))


def _places(text: str) -> list[str]:
    """Named places (cities, regions, countries) in the text, in order, each once."""
    return list(dict.fromkeys(m.group(0) for m in lx.places().finditer(_URL.sub(" ", text))))


def _has(text_l: str, words: list[str], cue: str) -> list[str]:
    """Cue phrases present in lower-cased text, on word boundaries."""
    return [w for w in lx.CUES[cue][words] if re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text_l)]


def _clip(x: float) -> int:
    return int(round(max(0.0, min(100.0, x))))


def _detect_lang(text: str) -> str:
    try:
        from bascule.text.language import detect

        lang = detect([text])[0][0]
    except ImportError:  # pragma: no cover - text layer always present in the package
        lang = "en"
    return "fr" if lang == "fr" else "en"


_SEGMENT = re.compile(r"[^.!?;,:\n…]+")


def language_shares(text: str, *, max_segments: int = 60) -> dict[str, float]:
    """Share of the words in French and in English, clause by clause (mixed-language drafts)."""
    from bascule.text.language import detect

    segs = [g for g in _SEGMENT.findall(_URL.sub(" ", text)) if len(_WORD.findall(g)) >= 3]
    segs = segs[:max_segments]
    if len(segs) < 2:
        return {}
    weights = {"fr": 0, "en": 0}
    for seg, lang in zip(segs, detect(segs)[0], strict=True):
        if lang in weights:
            weights[lang] += len(_WORD.findall(seg))
    total = sum(weights.values())
    return {k: round(v / total, 3) for k, v in weights.items()} if total else {}


def _sentiment(text: str, lang: str) -> float:
    from bascule.text.sentiment import sentiment

    return float(sentiment([text], [lang])[0])


def score(
    text: str,
    lang: str = "auto",
    *,
    corpus: Corpus | None = None,
    fallback: str = "en",
    ui_lang: str | None = None,
) -> dict:
    """The six Made-to-Stick dimensions of `text`, its overall score and how to improve it.

    `lang` "auto" reads the draft's language; a draft with no word in it (emoji only) is
    read in `fallback` (the project's language), so its tips are in the reader's. The
    `notes` (mixed languages, truncated, no words) and each dimension's `suggestion` are in
    `ui_lang`, the reader's language (`--lang`; default: the draft's): it changes no score."""
    original_len = len(text or "")
    text = (text or "")[:MAX_CHARS]
    shares: dict[str, float] = {}
    if lang == "auto":
        wordy = any(ch.isalpha() for ch in text)
        lang = _detect_lang(text) if wordy else fallback
        shares = language_shares(text) if text.strip() else {}
        if shares and min(shares.values()) >= 0.2:
            lang = max(shares, key=lambda k: (shares[k], k == lang))
    if lang not in ("fr", "en"):
        lang = "en"
    words = tokenize(text)
    notes = []
    ui = ui_lang or lang  # the notes speak to the reader; the draft is scored in `lang`
    if shares and min(shares.values()) >= 0.2:
        fr_pct, en_pct = round(100 * shares["fr"]), round(100 * shares["en"])
        notes.append(
            tr(
                ui,
                f"texte mêlant français ({fr_pct} %) et anglais ({en_pct} %) : analysé en "
                f"{'français' if lang == 'fr' else 'anglais'}, scores moins fiables",
                f"mixed French ({fr_pct}%) and English ({en_pct}%) text: scored as "
                f"{'French' if lang == 'fr' else 'English'}, scores less reliable",
            )
        )
    if original_len > MAX_CHARS:
        notes.append(
            tr(
                ui,
                f"texte tronqué à {MAX_CHARS} caractères pour l'analyse",
                f"text truncated to {MAX_CHARS} characters for scoring",
            )
        )
    if not words:
        notes.append(tr(ui, "aucun mot à analyser", "no words to score"))
        empty = _tip("Écrivez un message d'au moins une phrase.", "Write at least one sentence.")
        dims = {d: {"score": 0, "evidence": {}, **_suggestion(empty, ui)} for d in DIMENSIONS}
        return {"lang": lang, "score": 0, "dimensions": dims, "words": 0, "notes": notes}
    low = text.lower().replace("’", "'")
    dims = {
        "simple": _simple(_URL.sub(" ", text), words, lang),
        "unexpected": _unexpected(low, words, lang, corpus),
        "concrete": _concrete(text, words, lang),
        "credible": _credible(text, low, lang),
        "emotional": _emotional(text, low, words, lang),
        "stories": _stories(text, low, words, lang),
    }
    _for_reader(dims, ui)
    overall = _clip(sum(d["score"] for d in dims.values()) / len(dims))
    return {"lang": lang, "score": overall, "dimensions": dims, "words": len(words), "notes": notes}


def compare(
    a: str,
    b: str,
    lang: str = "auto",
    *,
    corpus: Corpus | None = None,
    fallback: str = "en",
    ui_lang: str | None = None,
) -> dict:
    """Two drafts side by side, with the difference per dimension (b - a)."""
    sa = score(a, lang, corpus=corpus, fallback=fallback, ui_lang=ui_lang)
    sb = score(b, lang, corpus=corpus, fallback=fallback, ui_lang=ui_lang)
    diff = {d: sb["dimensions"][d]["score"] - sa["dimensions"][d]["score"] for d in DIMENSIONS}
    return {
        "a": sa,
        "b": sb,
        "difference": diff,
        "overall_difference": sb["score"] - sa["score"],
        "better": "b" if sb["score"] > sa["score"] else "a" if sa["score"] > sb["score"] else "tie",
    }


def _tip(fr: str, en: str) -> dict[str, str]:
    """A suggestion in both languages: the card follows its reader, not the draft."""
    return {"fr": fr, "en": en}


def _suggestion(tip: dict[str, str], lang: str) -> dict:
    """`suggestion` in `lang`, `suggestions` in both."""
    return {"suggestion": tip["en" if lang == "en" else "fr"], "suggestions": tip}


def _for_reader(dims: dict[str, dict], ui: str) -> None:
    """Each dimension's `suggestion` in the reader's language: the tips are chosen from the
    draft (read in its own language) but speak to whoever reads the score."""
    for dim in dims.values():
        dim["suggestion"] = dim["suggestions"]["en" if ui == "en" else "fr"]


def _simple(text: str, words: list[str], lang: str) -> dict:
    sents = sentences(text) or [text]
    ease = reading_ease(words, len(sents), lang)
    long_words = sorted({w for w in words if len(w) >= 12}, key=len, reverse=True)
    length_score = 100.0 if len(words) <= 30 else max(0.0, 100.0 - (len(words) - 30) * 1.5)
    s = _clip(0.6 * max(0.0, min(100.0, ease)) + 0.4 * length_score - 5 * max(0, len(sents) - 3))
    longest = max(sents, key=lambda x: len(x.split()))
    if len(words) > 30:
        tip = _tip(
            f"Dites l'essentiel en 30 mots au plus (ici {len(words)}).",
            f"Say the core in 30 words or fewer (now {len(words)}).",
        )
    elif long_words:
        tip = _tip(
            f"Remplacez les mots longs ({', '.join(long_words[:3])}) par des mots courants.",
            f"Replace long words ({', '.join(long_words[:3])}) with everyday ones.",
        )
    elif len(longest.split()) > 20:
        tip = _tip("Coupez la phrase la plus longue en deux.", "Split the longest sentence in two.")
    else:
        tip = _tip(
            "Gardez une seule idée centrale, énoncée dès la première phrase.",
            "Keep one core idea, stated in the first sentence.",
        )
    ev = {
        "reading_ease": round(ease, 1),
        "formula": "Kandel-Moles" if lang == "fr" else "Flesch",
        "words": len(words),
        "sentences": len(sents),
        "long_words": long_words[:5],
    }
    return {"score": s, "evidence": ev, **_suggestion(tip, lang)}


def _unexpected(low: str, words: list[str], lang: str, corpus: Corpus | None) -> dict:
    cues = _has(low, lang, "surprise")
    question = "?" in low
    content = [w for w in words if w not in lx.STOPWORDS[lang] and len(w) > 2]
    novelty, rare = None, []
    if corpus is not None and corpus.docs >= 20 and content:
        surprisal = {w: corpus.surprisal(w) for w in set(content)}
        ceiling = math.log2(corpus.docs + 1.0) + 1.0
        novelty = sum(surprisal[w] for w in content) / len(content) / ceiling
        rare = sorted((w for w in surprisal if corpus.df.get(w, 0) == 0), key=len, reverse=True)[:5]
        s = 55 * novelty + 15 * min(len(cues), 2) + 15 * question
    else:
        s = 25 + 25 * min(len(cues), 2) + 20 * question
    tip = (
        _tip(
            "Ouvrez sur ce que votre public croit savoir, puis contredisez-le (« Pourtant… »).",
            'Open with what your audience thinks it knows, then break it ("Yet…").',
        )
        if not cues
        else _tip(
            "Posez une question qui crée un manque de savoir, et répondez-y à la fin.",
            "Ask a question that opens a knowledge gap, and close it at the end.",
        )
    )
    ev = {
        "surprise_cues": cues,
        "question": question,
        "novelty_vs_corpus": None if novelty is None else round(novelty, 3),
        "words_new_to_corpus": rare,
        "corpus_posts": corpus.docs if corpus else 0,
    }
    return {"score": _clip(s), "evidence": ev, **_suggestion(tip, lang)}


def _concrete(text: str, words: list[str], lang: str) -> dict:
    norms = lx.concreteness(lang)
    rated = [(w, norms[w]) for w in words if w in norms and w not in lx.STOPWORDS[lang]]
    numbers, places = _numbers(text), _places(text)
    details = 5 * min(len(numbers), 3) + 5 * min(len(places), 2)  # an amount, a place
    if rated:
        mean = sum(r for _, r in rated) / len(rated)
        s = (mean - 1.8) / (4.3 - 1.8) * 85 + details
    else:
        mean, s = None, details
    by_rating = sorted(set(rated), key=lambda x: x[1])
    abstract = [w for w, r in by_rating if r < 2.5][:4]
    tangible = [w for w, r in reversed(by_rating) if r >= 4.0][:4]
    tip = (
        _tip(
            f"Remplacez « {abstract[0]} » par une image qu'on peut voir ou toucher.",
            f'Replace "{abstract[0]}" with something people can see or touch.',
        )
        if abstract
        else _tip(
            "Ajoutez un détail que l'on peut voir : un lieu, un objet, un montant.",
            "Add a detail people can picture: a place, an object, an amount.",
        )
    )
    ev = {
        "mean_concreteness": None if mean is None else round(mean, 2),
        "scale": "1-5",
        "rated_words": len(rated),
        "most_concrete": tangible,
        "most_abstract": abstract,
        "numbers": numbers[:5],
        "places": places[:5],
    }
    return {"score": _clip(s), "evidence": ev, **_suggestion(tip, lang)}


def _credible(text: str, low: str, lang: str) -> dict:
    numbers = [n.strip() for n in _numbers(text)]
    sources = _has(low, lang, "source")
    testimony = _has(low, lang, "testimony") + (["quote"] if _QUOTE.search(text) else [])
    urls = _URL.findall(text)
    s = (
        25 * min(len(numbers), 2)
        + 20 * min(len(sources), 2)
        + 15 * bool(testimony)
        + 15 * bool(urls)
    )
    if not numbers:
        tip = _tip(
            "Ajoutez un chiffre vérifiable à échelle humaine (« 1 famille sur 4 »).",
            'Add one checkable number on a human scale ("1 family in 4").',
        )
    elif not sources and not urls:
        tip = _tip(
            "Citez la source du chiffre (« selon Statistique Canada, 2025 »).",
            'Name the number\'s source ("according to Statistics Canada, 2025").',
        )
    else:
        tip = _tip(
            "Ajoutez un témoin crédible : une personne touchée qui parle en son nom.",
            "Add a credible witness: someone affected, speaking for themselves.",
        )
    ev = {"numbers": numbers[:5], "sources": sources, "testimony": testimony, "links": len(urls)}
    return {"score": _clip(s), "evidence": ev, **_suggestion(tip, lang)}


def _affect(text: str, words: list[str], lang: str) -> tuple[float, list[str]]:
    """How much feeling the words carry, whatever its sign, and the strongest affect words.

    The VADER valences (Hutto & Gilbert, 2014) summed in absolute value and normalised like
    VADER's compound: "❤" next to "dead" cancels out in the compound, not in the intensity.
    """
    from bascule.text.normalize import fold
    from bascule.text.sentiment import lexicons

    lex = lexicons()[lang]
    emoji = lexicons()["emoji"]
    found: dict[str, float] = {}
    total = 0.0
    for w in words:
        v = lex.get(fold(w), 0.0)
        if v:
            total += abs(v)
            found[w] = max(found.get(w, 0.0), abs(v))
    for ch in text:
        v = emoji.get(ch, 0.0)
        if v:
            total += abs(v)
            found[ch] = max(found.get(ch, 0.0), abs(v))
    top = sorted(found, key=lambda w: (-found[w], w))[:5]
    return total / math.sqrt(total * total + 15.0), top


def _emotional(text: str, low: str, words: list[str], lang: str) -> dict:
    compound = _sentiment(text, lang)
    arousal, affect_words = _affect(text, words, lang)
    intensity = max(abs(compound), arousal)
    you = _has(low, lang, "you")
    people = _people(low, lang)
    exclaim = text.count("!")
    s = 60 * intensity + 20 * bool(you) + 15 * bool(people) + 5 * min(exclaim, 1)
    tip = (
        _tip(
            "Parlez à une personne (« vous ») de ce que cela change pour elle.",
            'Speak to one person ("you") about what it changes for them.',
        )
        if not you
        else _tip(
            "Nommez ce que l'on ressent, à travers une personne, pas une statistique.",
            "Name the feeling, through one person rather than a statistic.",
        )
    )
    ev = {
        "sentiment": round(compound, 3),
        "intensity": round(intensity, 3),
        "affect_words": affect_words,
        "you_address": you,
        "people": people,
        "exclamations": exclaim,
    }
    return {"score": _clip(s), "evidence": ev, **_suggestion(tip, lang)}


_NAME = re.compile(r"(?<=[^\s.!?…])\s+([A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)?)(?![^\W_])")
# French words ending like the imperfect tense that are not verbs.
_NOT_PAST_FR = {"français", "française", "anglais", "jamais", "désormais", "mais", "mauvais",
                "palais", "frais", "marais", "relais", "biais", "délais", "délai", "lait",
                "souhait", "portrait", "retrait", "attrait", "bienfait", "fait", "sujet",
                "japonais", "irlandais", "écossais", "polonais", "libanais", "sénégalais",
                "marocains", "portugais", "néerlandais", "taïwanais", "congolais", "balais"}  # fmt: skip
# "il" is a person in "il a perdu son emploi", not in "il faut", "il y a", "il est temps".
_IMPERSONAL_IL = re.compile(
    r"(?<!\w)il\s+(?:faut|fallait|faudra|faudrait|y\s|s'agit|est\s+temps|reste|suffit|semble"
    r"|paraît|pleut|vaut|importe|était\s+une\s+fois)"
)


def _people(low: str, lang: str) -> list[str]:
    """People cues; a French "il" counts only when some "il" is not impersonal."""
    found = _has(low, lang, "people")
    n_il = len(re.findall(r"(?<!\w)il(?!\w)", low)) if lang == "fr" else 0
    if "il" in found and n_il == len(_IMPERSONAL_IL.findall(low)):
        found.remove("il")
    return found


def _names(text: str, lang: str) -> list[str]:
    """Capitalised words inside sentences that are not places: named people, a story cue."""
    places = {w for p in _places(text) for w in re.split(r"[\s\-–]+", p)}
    return sorted(
        {
            m.group(1)
            for m in _NAME.finditer(text)
            if m.group(1).lower() not in lx.STOPWORDS[lang]
            and not places.issuperset(re.split(r"[\s\-–]+", m.group(1)))
        }
    )[:5]


def _stories(text: str, low: str, words: list[str], lang: str) -> dict:
    people = _people(low, lang) + _names(text, lang)
    sequence = _has(low, lang, "sequence")
    first = sorted({w for w in words if w in lx.CUES["first_person"][lang]})
    if lang == "fr":
        past = [
            m.group(0) for m in _FR_PAST.finditer(text) if m.group(0).lower() not in _NOT_PAST_FR
        ][:5] + _has(low, lang, "past")
    else:
        past = _EN_PAST.findall(low)[:5] + _has(low, lang, "past")
    cues = [bool(people), bool(sequence), bool(first), bool(past)]
    s = 25 * sum(cues)
    tip = (
        _tip(
            "Racontez ce qui est arrivé à une personne : qui, quand, puis quoi.",
            "Tell what happened to one person: who, when, then what.",
        )
        if sum(cues) < 3
        else _tip(
            "Terminez l'histoire par le tournant que votre proposition change.",
            "End the story on the turn your proposal changes.",
        )
    )
    ev = {
        "people": people,
        "time_sequence": sequence,
        "first_person": first,
        "past_tense": sorted(set(past))[:5],
    }
    return {"score": _clip(s), "evidence": ev, **_suggestion(tip, lang)}
