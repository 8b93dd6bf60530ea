"""Why the undecided hesitate: themes of their posts, with words, volume, trend and quotes.

TF-IDF + NMF per language (Lee & Seung 1999; nndsvda init, Boutsidis & Gallopoulos 2008),
distinctive words by class-based TF-IDF (c-TF-IDF, Grootendorst 2022, arXiv:2203.05794),
quotes closest to the theme's centroid. Every post is assigned to a theme or counted as
unassigned; themes with fewer than `min_authors` distinct authors are not shown and their
posts are counted as unassigned.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd

from bascule.i18n import tr
from bascule.text.hesitation import fold

_TOKEN = r"(?u)\b[^\W\d_]{3,}\b"
_CLEAN = re.compile(r"https?://\S+|www\.\S+|@[\w.@-]+")


TRENDS = {
    "rising": ("↗", "en hausse", "rising"),
    "falling": ("↘", "en baisse", "falling"),
    "stable": ("→", "stable", "steady"),
}


def trend_label(trend: dict | None, lang: str, *, arrow: bool = True) -> str:
    """A theme's trend in the reader's words ("↗ en hausse"), as the web app says it; an em
    dash when the theme has too few authors for a trend."""
    direction = (trend or {}).get("direction")
    if direction not in TRENDS:
        return "—"
    sign, fr, en = TRENDS[direction]
    word = tr(lang, fr, en)
    return f"{sign} {word}" if arrow else word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FR_STOP = _words(
    """a afin ai aie aient aies ait alors as au aucun aucune aupres auquel aura aurai auraient
    aurais aurait auras aurez auriez aurions aurons auront aussi autre autres aux auxquelles
    auxquels avaient avais avait avant avec avez aviez avions avoir avons ayant ayez ayons
    bah bcp bien bon car ce ceci cela celle celles celui cependant certain certaine certaines
    certains ces cet cette ceux chacun chacune chaque chez ci comme comment dans de des deja
    depuis derriere des dessous dessus deux devant doit donc dont du elle elles en encore
    entre es est et etaient etais etait etant ete etes etiez etions etre eu eue eues eurent
    eus eusse eut eux fait faire fais faut fois font fut grand ici il ils je jusqu la la
    laquelle le lequel les lesquelles lesquels leur leurs lors lui ma mais me meme memes
    mes moi moins mon ne ni non nos notre nous on ont ou par parce pas peu peut plus plutot
    pour pourquoi puis qu quand que quel quelle quelles quels qui quoi sa sans se sera
    serai seraient serait seront ses si sien soi soit sommes son sont sous suis sur ta te
    tes toi ton tous tout toute toutes tres tu un une unes uns vers voici voila vont vos
    votre vous vraiment ya cest jai quon quil ca ben genre trop juste rien tjrs toujours
    oui fait faites etc alors aujourd hui aujourdhui the and for that this with you are
    via rt amp"""
)
# Words every election post shares: they would only blur the themes.
COMMON = _words(
    """vote voter votes votez election elections electorale electoral scrutin campagne
    parti partis candidat candidats candidate candidates party parties voting voter voters
    indecis indecise indecision undecided hesite hesiter hesitant sais savoir know
    sure decide decided"""
)


def stop_words(lang: str) -> list[str]:
    """Folded stop words for a language group (fr, en, or both for any other)."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = set(COMMON)
    if lang in ("fr", "other"):
        words |= FR_STOP
    if lang in ("en", "other"):
        words |= {fold(w).replace("'", "") for w in ENGLISH_STOP_WORDS}
    return sorted(words)


def _prep(text: str) -> str:
    return fold(_CLEAN.sub(" ", text or "")).replace("'", " ").replace("#", " ")


def lang_group(lang: Any) -> str:
    """fr, en or other."""
    code = str(lang or "")[:2].lower()
    return code if code in ("fr", "en") else "other"


def auto_k(n_docs: int) -> int:
    """Default number of themes for a language: grows slowly with the corpus, 2 to 8."""
    return int(np.clip(round(np.sqrt(n_docs / 15)), 2, 8))


def extract_themes(
    docs: pd.DataFrame,
    *,
    n_themes: int | None = None,
    seed: int = 0,
    min_authors: int = 10,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
    handles: dict[str, str] | None = None,
    n_words: int = 8,
    n_quotes: int = 3,
) -> dict:
    """Themes of `docs` (post_id, author_id, local, text, lang), plus the unassigned count."""
    handles = handles or {}
    out: list[dict] = []
    unassigned = 0
    docs = docs.reset_index(drop=True)
    groups = docs["lang"].map(lang_group) if len(docs) else pd.Series(dtype=str)
    for lang in ("fr", "en", "other"):
        part = docs[groups == lang].reset_index(drop=True)
        if part.empty:
            continue
        themes, left = _themes_one_language(
            part,
            lang,
            n_themes=n_themes,
            seed=seed,
            min_authors=min_authors,
            start=start,
            end=end,
            handles=handles,
            n_words=n_words,
            n_quotes=n_quotes,
        )
        out += themes
        unassigned += left
    out.sort(key=lambda t: (-t["posts"], t["label"]))
    for i, t in enumerate(out, 1):
        t["id"] = f"theme-{i}"
    return {"themes": out, "posts": len(docs), "unassigned": unassigned}


def _themes_one_language(
    part: pd.DataFrame,
    lang: str,
    *,
    n_themes: int | None,
    seed: int,
    min_authors: int,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    handles: dict[str, str],
    n_words: int,
    n_quotes: int,
) -> tuple[list[dict], int]:
    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    n = len(part)
    if part["author_id"].nunique() < min_authors or n < 2:
        return [], n
    stops = stop_words(lang)
    common = {
        "lowercase": False,
        "preprocessor": _prep,
        "token_pattern": _TOKEN,
        "stop_words": stops,
    }
    vec = CountVectorizer(min_df=2 if n >= 20 else 1, max_df=0.9 if n >= 20 else 1.0, **common)
    texts = part["text"].fillna("")
    try:
        counts = vec.fit_transform(texts)
    except ValueError:  # empty vocabulary: nothing but stop words
        return [], n
    X = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    k = min(n_themes or auto_k(n), X.shape[0], X.shape[1])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # sklearn's loss on exact fits: sqrt(-0)
        W = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500).fit_transform(X)
    assign = np.where(W.max(axis=1) > 1e-9, W.argmax(axis=1), -1)
    assign[np.asarray(X.getnnz(axis=1)) == 0] = -1
    vocab = vec.get_feature_names_out()
    surface = surface_forms(texts)
    words = [[surface.get(w, w) for w in ws] for ws in _ctfidf(counts, assign, k, vocab, n_words)]
    themes: list[dict] = []
    for c in range(k):
        members = np.flatnonzero(assign == c)
        authors = part["author_id"].iloc[members]
        if authors.nunique() < min_authors:
            continue
        themes.append(
            {
                "lang": lang,
                "label": " · ".join(words[c][:3]),
                "words": words[c],
                "posts": int(len(members)),
                "authors": int(authors.nunique()),
                "trend": trend_bins(part["local"].iloc[members], authors, start, end, min_authors),
                "quotes": _quotes(part, X, members, handles, n_quotes),
            }
        )
    return themes, n - sum(t["posts"] for t in themes)


def surface_forms(texts: pd.Series) -> dict[str, str]:
    """Folded word -> its most frequent written form (labels keep their accents)."""
    seen: Counter = Counter()
    for text in texts:
        seen.update(re.findall(_TOKEN, _CLEAN.sub(" ", text).lower()))
    best: dict[str, tuple[int, str]] = {}
    for word, n in seen.items():
        key = fold(word)
        if key not in best or n > best[key][0]:
            best[key] = (n, word)
    return {k: w for k, (_n, w) in best.items()}


def _ctfidf(counts: Any, assign: np.ndarray, k: int, vocab: np.ndarray, n: int) -> list[list[str]]:
    """Top words per class by c-TF-IDF: tf_{t,c} * log(1 + A / f_t) (Grootendorst 2022)."""
    tf = np.vstack([np.asarray(counts[assign == c].sum(axis=0)).ravel() for c in range(k)]).astype(
        float
    )
    totals = tf.sum(axis=1, keepdims=True)
    avg = totals.mean() if totals.size else 0.0
    freq = tf.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(totals > 0, tf / np.maximum(totals, 1), 0.0) * np.log1p(
            avg / np.maximum(freq, 1e-12)
        )
    out = []
    for c in range(k):
        order = np.lexsort((vocab, -score[c]))
        out.append([str(vocab[i]) for i in order[:n] if tf[c, i] > 0])
    return out


def _quotes(
    part: pd.DataFrame, X: Any, members: np.ndarray, handles: dict[str, str], n: int
) -> list[dict]:
    """The posts closest to the theme's centroid, at most one per author and per text: a
    manual retweet ("“@cnnbrk: …”", "RT @x: …") or a copy with another link is the same text,
    so three quotes are three voices, not one headline thrice."""
    rows = X[members]
    centroid = np.asarray(rows.mean(axis=0)).ravel()
    sim = np.asarray(rows @ centroid).ravel()
    order = members[np.lexsort((members, -sim))]
    ids, who, texts = (part[c].to_numpy() for c in ("post_id", "author_id", "text"))
    quotes: list[dict] = []
    seen_authors: set = set()
    seen_texts: set = set()
    for i in order:
        author, text = who[i], str(texts[i] or "")
        core = _core(text)
        if author in seen_authors or core in seen_texts:
            continue
        seen_authors.add(author)
        seen_texts.add(core)
        quotes.append(
            {
                "post_id": ids[i],
                "author": handles.get(author, author),
                "text": text if len(text) <= 280 else text[:279] + "…",
            }
        )
        if len(quotes) == n:
            break
    return quotes


_QUOTED = re.compile(r"^\W*(?:rt\s+)?@[\w.-]+\s*:\s*", re.IGNORECASE)
_LINKS = re.compile(r"https?://\S+")


def _core(text: str) -> str:
    """A post's words without a quoted retweet's prefix, links, quote marks and case."""
    text = _LINKS.sub(" ", text)
    start = text.find("“@")
    text = _QUOTED.sub("", text[start + 1 :] if 0 <= start < 20 else text)
    return " ".join(re.findall(r"\w+", text.lower()))


def trend_bins(
    local: pd.Series,
    authors: pd.Series,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    min_authors: int,
    *,
    bins: int = 4,
) -> dict | None:
    """Volume over up to `bins` equal spans, merged until each has `min_authors` authors.

    Published spans cover the whole window and each holds enough authors, so no span can be
    recovered by subtracting others from the theme's total. None when one span is all there is.
    """
    t = pd.to_datetime(local).reset_index(drop=True)
    a = authors.reset_index(drop=True)
    if t.empty:
        return None
    start = start if start is not None else t.min().floor("D")
    end = end if end is not None else t.max().floor("D") + pd.Timedelta(days=1)
    edges = [start + (end - start) * i / bins for i in range(bins + 1)]
    spans: list[list[pd.Timestamp]] = []
    lo = edges[0]
    for hi in edges[1:]:
        m = (t >= lo) & (t < hi) if hi != edges[-1] else (t >= lo) & (t <= hi)
        if a[m].nunique() >= min_authors:
            spans.append([lo, hi])
            lo = hi
    if not spans:
        return None
    spans[-1][1] = edges[-1]  # a small tail joins the last span
    if len(spans) < 2:
        return None
    out = []
    for s, e in spans:
        m = (t >= s) & ((t < e) if e != edges[-1] else (t <= e))
        days = max((e - s) / pd.Timedelta(days=1), 1e-9)
        out.append(
            {
                "start": str(s),
                "end": str(e),
                "posts": int(m.sum()),
                "authors": int(a[m].nunique()),
                "per_day": round(float(m.sum()) / days, 3),
            }
        )
    change = out[-1]["per_day"] / out[0]["per_day"] - 1 if out[0]["per_day"] else None
    direction = (
        "stable"
        if change is None or -0.2 <= change <= 0.25
        else "rising"
        if change > 0
        else "falling"
    )
    return {
        "spans": out,
        "change": None if change is None else round(change, 3),
        "direction": direction,
    }
