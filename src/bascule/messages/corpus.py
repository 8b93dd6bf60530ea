"""The project's recent corpus, against which a draft's unexpectedness is measured."""

from __future__ import annotations

from collections import Counter

from bascule.messages.score import Corpus, tokenize
from bascule.store.messages import recent_texts


def corpus_from_texts(texts: list[str]) -> Corpus:
    """Document frequencies of words over `texts`."""
    df: Counter = Counter()
    for t in texts:
        df.update(set(tokenize(t)))
    return Corpus(df, len(texts))


def project_corpus(project, *, days: int = 30) -> Corpus:  # noqa: ANN001
    """The last `days` days of the project's original posts (at least its latest 1,000)."""
    return corpus_from_texts(recent_texts(project.store, days=days))
