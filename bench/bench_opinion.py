"""Opinion: poll interval coverage on simulated data, poll/undecided speed, hesitation on real text.

Simulated campaign: N authors a day over 90 days, final stances drawn from known shares that
drift (half of the authors first post a random stance that must not count). Coverage is the
rate at which the 95 % Wilson intervals of the published periods hold the true share.
Hesitation and themes run on the real French tweets of `fr_presidentielle2022` (read by path).
"""

from __future__ import annotations

import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa

STANCES = ("favor", "against", "none")


def _simulate(project, days: int, per_day: tuple[int, int], seed: int) -> dict:  # noqa: ANN001
    rng = np.random.default_rng(seed)
    start = datetime(2026, 6, 1, 14)
    truth, posts, analyses, pan = {}, [], [], []
    n = 0
    for d in range(days):
        day = start + timedelta(days=d)
        f = 0.4 + 0.2 * np.sin(d / 15)
        p = np.array([f, (1 - f) * 0.6, (1 - f) * 0.4])
        truth[day.strftime("%Y-%m-%d")] = p
        for a in range(int(rng.integers(*per_day))):
            k = 2 if rng.random() < 0.5 else 1
            for j in range(k):
                n += 1
                st = rng.choice(STANCES, p=p) if j == k - 1 else rng.choice(STANCES)
                hes = bool(rng.random() < 0.1)
                posts.append(
                    {
                        "post_id": f"s:{n}",
                        "platform": "s",
                        "native_id": str(n),
                        "author_id": f"s:{d}-{a}",
                        "created_at": day + timedelta(hours=2 * j),
                        "text": "je ne sais pas pour qui voter" if hes else "texte",
                        "lang": "fr",
                    }
                )
                analyses.append({"post_id": f"s:{n}", "target_id": "caq", "stance": str(st)})
                pan.append({"post_id": f"s:{n}", "lang": "fr", "hesitation": hes})
    store = project.store
    store.con.execute("SELECT 1").fetchall()
    store.insert("posts", pa.Table.from_pylist(posts))
    store.insert("analyses", pa.Table.from_pylist(analyses))
    store.insert("post_analyses", pa.Table.from_pylist(pan))
    return truth


def run(data: Path, quick: bool) -> str:
    """Markdown section: coverage, timings, hesitation rate on real tweets."""
    from bascule.opinion.poll import poll
    from bascule.opinion.undecided import undecided
    from bascule.project import init_project

    lines = ["## opinion", ""]
    days, per_day = (60, (10, 60)) if quick else (90, (10, 200))
    with tempfile.TemporaryDirectory() as tmp:
        project = init_project(Path(tmp) / "p")
        truth = _simulate(project, days, per_day, seed=11)
        n_posts = project.store.count("posts")
        t = time.perf_counter()
        r = poll(project, "caq")
        t_poll = time.perf_counter() - t
        t = time.perf_counter()
        rh = poll(project, "caq", by="hour")
        t_hour = time.perf_counter() - t
        t = time.perf_counter()
        u = undecided(project, seed=0)
        t_und = time.perf_counter() - t
        project.close()
    hits = [
        row[f"{st}_lo"] <= truth[row["period"]][j] <= row[f"{st}_hi"]
        for row in r["periods"]
        for j, st in enumerate(STANCES)
    ]
    small = [
        h
        for row, h in zip([row for row in r["periods"] for _ in STANCES], hits, strict=True)
        if row["authors"] < 30
    ]
    err_raw = np.mean([abs(row["favor"] - truth[row["period"]][0]) for row in r["periods"]])
    err_trend = np.mean([abs(row["trend_favor"] - truth[row["period"]][0]) for row in r["periods"]])
    lines += [
        f"Simulated: {days} days, {per_day[0]}-{per_day[1] - 1} authors a day, {n_posts:,} posts.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| 95 % Wilson coverage, {len(hits)} intervals | {np.mean(hits):.3f} |",
        f"| coverage in periods under 30 authors ({len(small)} intervals) | "
        f"{np.mean(small) if small else float('nan'):.3f} |",
        f"| mean abs. error of the favour share: raw / trend | {err_raw:.3f} / {err_trend:.3f} |",
        f"| `poll --by day` | {t_poll:.2f} s |",
        f"| `poll --by hour` ({len(rh['periods'])} hours shown, {rh['suppressed']} hidden) "
        f"| {t_hour:.2f} s |",
        f"| `undecided` ({u['posts']:,} undecided posts, {len(u['themes'])} themes) "
        f"| {t_und:.2f} s |",
    ]
    tweets = data / "fr_presidentielle2022" / "tweets.csv.xz"
    if tweets.exists():
        import pandas as pd

        from bascule.opinion.themes import extract_themes
        from bascule.text.hesitation import hesitation

        df = pd.read_csv(tweets, usecols=["username", "datetime", "text"])
        if quick:
            df = df.head(10_000)
        texts = df["text"].astype(str).tolist()
        t = time.perf_counter()
        h = hesitation(texts)
        dt = time.perf_counter() - t
        docs = pd.DataFrame(
            {
                "post_id": range(len(df)),
                "author_id": df["username"],
                "local": pd.to_datetime(df["datetime"], utc=True).dt.tz_localize(None),
                "text": texts,
                "lang": "fr",
            }
        )
        t = time.perf_counter()
        th = extract_themes(docs, seed=0, min_authors=3)
        dt_th = time.perf_counter() - t
        lines += [
            f"| hesitation on {len(texts):,} real French tweets (candidates) | "
            f"{len(texts) / dt:,.0f} texts/s, {int(h.sum())} flagged |",
            f"| themes (TF-IDF + NMF + c-TF-IDF) on the same tweets | {dt_th:.1f} s, "
            f"{len(th['themes'])} themes, {th['unassigned']:,} unassigned |",
        ]
        lines += ["", "Themes found on the candidates' tweets (first words):", ""]
        lines += [f"- {', '.join(x['words'][:6])} ({x['posts']:,} posts)" for x in th["themes"]]
    out = "\n".join(lines)
    print(out)
    return out
