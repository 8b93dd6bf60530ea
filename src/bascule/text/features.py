"""Fast TF-IDF of character n-grams inside words, for stance and text classifiers.

Same features as scikit-learn's `TfidfVectorizer(analyzer="char_wb", sublinear_tf=True)`,
but each distinct word's n-gram indices are computed once and cached, so transforming a
post costs one dictionary lookup per word instead of one per n-gram (words repeat, Zipf's
law). That keeps `bascule analyze` above 2,000 posts/s with a character-level model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp


def word_grams(word: str, lo: int, hi: int) -> list[str]:
    """Character n-grams (lo..hi) of a word padded with one space on each side."""
    w = " " + word + " "
    out: list[str] = []
    for n in range(lo, hi + 1):
        if n > len(w):
            break
        out.extend(w[i : i + n] for i in range(len(w) - n + 1))
    return out


class CharTfidf:
    """TF-IDF over character n-grams within word boundaries, with a per-word cache."""

    def __init__(
        self,
        ngram_range: tuple[int, int] = (2, 5),
        *,
        min_df: int = 2,
        max_features: int | None = None,
        cache_size: int = 500_000,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.cache_size = cache_size

    def fit(self, docs: Sequence[str]) -> CharTfidf:
        """Learn the n-gram vocabulary and inverse document frequencies."""
        lo, hi = self.ngram_range
        df: dict[str, int] = {}
        grams_of: dict[str, list[str]] = {}
        for doc in docs:
            seen: set[str] = set()
            for word in set(doc.split()):
                g = grams_of.get(word)
                if g is None:
                    g = grams_of[word] = word_grams(word, lo, hi)
                seen.update(g)
            for g in seen:
                df[g] = df.get(g, 0) + 1
        kept = [(g, c) for g, c in df.items() if c >= self.min_df]
        if self.max_features and len(kept) > self.max_features:
            kept.sort(key=lambda gc: (-gc[1], gc[0]))
            kept = kept[: self.max_features]
        kept.sort()
        if not kept:
            raise ValueError("no character n-gram occurs in enough documents")
        self.vocabulary_ = {g: i for i, (g, _) in enumerate(kept)}
        n = len(docs)
        counts = np.array([c for _, c in kept], dtype=np.float64)
        self.idf_ = (np.log((1 + n) / (1 + counts)) + 1.0).astype(np.float32)
        self._cache: dict[str, np.ndarray] = {}
        return self

    def _indices(self, word: str) -> np.ndarray:
        idx = self._cache.get(word)
        if idx is None:
            vocab = self.vocabulary_
            lo, hi = self.ngram_range
            idx = np.fromiter(
                (vocab[g] for g in word_grams(word, lo, hi) if g in vocab), dtype=np.int32
            )
            if len(self._cache) < self.cache_size:
                self._cache[word] = idx
        return idx

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Sparse L2-normalised TF-IDF rows (sublinear term frequency)."""
        parts: list[np.ndarray] = []
        indptr = np.zeros(len(docs) + 1, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int32)
        for i, doc in enumerate(docs):
            words = doc.split()
            arr = np.concatenate([self._indices(w) for w in words]) if words else empty
            parts.append(arr)
            indptr[i + 1] = indptr[i] + len(arr)
        indices = np.concatenate(parts) if parts else empty
        data = np.ones(len(indices), dtype=np.float32)
        X = sp.csr_matrix((data, indices, indptr), shape=(len(docs), len(self.vocabulary_)))
        X.sum_duplicates()
        X.data = (1.0 + np.log(X.data)) * self.idf_[X.indices]
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ X, dtype=np.float32)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_cache", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cache = {}
