"""Message lab validation: do the Made-to-Stick scores relate to real engagement on real posts?

Spearman correlation (with a 95% bootstrap interval over posts) of each dimension and of the
overall score with:
- PHEME Charlie Hebdo (`pheme_scheme/tweets.jsonl.gz`): log(1 + retweets) and log(1 +
  favourites) of the 73 source tweets (all have >= 100 retweets: a selected sample) and of
  the 1,134 replies (counts at collection time);
- French presidential 2022 candidates (`fr_presidentielle2022/tweets.csv.xz`, read, never
  copied): log(1 + replies and quotes found in the file) of each original tweet. The file has
  no engagement counts; nearly all such references are a candidate threading their own tweet.
Unexpectedness is measured against each dataset's own texts, as `message score` does against a
project's recent corpus. Also: scoring throughput (drafts/s). Reported as is, whatever it is.
"""

from __future__ import annotations

import csv
import gzip
import json
import lzma
import math
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

from bascule.messages.corpus import corpus_from_texts
from bascule.messages.score import DIMENSIONS, score

COLUMNS = (*DIMENSIONS, "score")


def _rho(x: np.ndarray, y: np.ndarray, *, boot: int, seed: int = 0) -> tuple[float, float, float]:
    """Spearman rho and its 95% percentile-bootstrap interval (resampling posts)."""
    if np.ptp(x) == 0 or np.ptp(y) == 0:
        return float("nan"), float("nan"), float("nan")
    rho = float(spearmanr(x, y).statistic)
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(boot):
        i = rng.integers(0, len(x), len(x))
        if np.ptp(x[i]) and np.ptp(y[i]):
            draws.append(spearmanr(x[i], y[i]).statistic)
    lo, hi = np.quantile(draws, [0.025, 0.975])
    return rho, float(lo), float(hi)


def _scores(texts: list[str], corpus) -> tuple[np.ndarray, float]:  # noqa: ANN001
    """Matrix posts x (dimensions, overall) and the drafts/s it took."""
    t0 = time.perf_counter()
    out = []
    for t in texts:
        r = score(t, "auto", corpus=corpus)
        out.append([r["dimensions"][d]["score"] for d in DIMENSIONS] + [r["score"]])
    return np.array(out, dtype=float), len(texts) / (time.perf_counter() - t0)


def _pheme(data: Path) -> list[dict]:
    with gzip.open(data / "pheme_scheme" / "tweets.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _fr(data: Path, limit: int | None, seed: int = 0) -> tuple[list[str], np.ndarray, list[str]]:
    """Original tweets (own text), their reply+quote count in the file, and all texts."""
    path = data / "fr_presidentielle2022" / "tweets.csv.xz"
    csv.field_size_limit(1 << 24)
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    refs: dict[str, int] = {}
    for r in rows:
        if r["type"] in ("reply", "quoting") and r["referenced_tweet_id"]:
            refs[r["referenced_tweet_id"]] = refs.get(r["referenced_tweet_id"], 0) + 1
    originals = [r for r in rows if r["type"] == "normal" and (r["own_text"] or r["text"]).strip()]
    if limit is not None and len(originals) > limit:
        pick = np.sort(np.random.default_rng(seed).choice(len(originals), limit, replace=False))
        originals = [originals[i] for i in pick]
    texts = [r["own_text"] or r["text"] for r in originals]
    y = np.array([refs.get(r["id"], 0) for r in originals], dtype=float)
    corpus_texts = [r["own_text"] or r["text"] for r in rows if r["type"] != "retweet"]
    return texts, y, corpus_texts


def _fmt(rho: float, lo: float, hi: float) -> str:
    if math.isnan(rho):
        return "n/a"
    return f"{rho:+.2f} [{lo:+.2f}, {hi:+.2f}]"


def run(data: Path, quick: bool) -> str:
    """Correlations of the scores with real engagement, and scoring throughput (Markdown)."""
    boot = 200 if quick else 1000
    sets: list[tuple[str, np.ndarray, dict[str, np.ndarray]]] = []
    speed: list[tuple[str, int, float]] = []
    pheme = _pheme(data)
    corpus = corpus_from_texts([t["text"] for t in pheme])
    score("Warm-up: load the language and sentiment models once.", "auto")
    for kind in ("source", "reply"):
        rows = [t for t in pheme if t["kind"] == kind]
        x, rate = _scores([t["text"] for t in rows], corpus)
        speed.append((f"PHEME {kind} tweets", len(rows), rate))
        y = {
            "log(1+retweets)": np.log1p([t["retweet_count"] for t in rows]),
            "log(1+favourites)": np.log1p([t["favorite_count"] for t in rows]),
        }
        sets.append((f"PHEME {kind} tweets (n={len(rows)})", x, y))
        print(f"  PHEME {kind}: {len(rows)} tweets scored at {rate:.0f} drafts/s")
    fr_path = data / "fr_presidentielle2022" / "tweets.csv.xz"
    if fr_path.exists():
        texts, counts, corpus_texts = _fr(data, 3000 if quick else None)
        x, rate = _scores(texts, corpus_from_texts(corpus_texts))
        speed.append(("FR 2022 candidates", len(texts), rate))
        share = float((counts > 0).mean())
        sets.append(
            (
                f"FR 2022 candidates' original tweets (n={len(texts)}, "
                f"{share:.1%} replied to or quoted in the file)",
                x,
                {"log(1+replies+quotes)": np.log1p(counts)},
            )
        )
        print(f"  FR 2022: {len(texts)} tweets scored at {rate:.0f} drafts/s")
    lines = [
        "## Message lab: scores against real engagement",
        "",
        "Spearman ρ of each Made-to-Stick dimension (and the overall score) with engagement, "
        f"95% bootstrap interval over posts ({boot} resamples, seed 0). Unexpectedness is "
        "measured against each dataset's own texts. Positive ρ: higher score, more engagement.",
        "",
    ]
    for title, x, ys in sets:
        lines += [f"**{title}**", ""]
        names = list(ys)
        lines.append("| dimension | " + " | ".join(names) + " | mean score |")
        lines.append("|---|" + "---|" * len(names) + "---|")
        for j, col in enumerate(COLUMNS):
            cells = [_fmt(*_rho(x[:, j], ys[n], boot=boot)) for n in names]
            lines.append(f"| {col} | " + " | ".join(cells) + f" | {x[:, j].mean():.1f} |")
        lines.append("")
    lines += ["Scoring throughput (one process, `score(text, 'auto', corpus=...)`):", ""]
    lines += ["| texts | n | drafts/s |", "|---|---|---|"]
    lines += [f"| {name} | {n} | {rate:,.0f} |" for name, n, rate in speed]
    lines += [
        "",
        "Caveats: PHEME source tweets were selected for having >= 100 retweets, and their counts "
        "were taken at collection time, so the range is narrow and dominated by who posted "
        "(news accounts). In the French file nearly all replies and quotes of a candidate's "
        "tweet are the candidate's own threads: a signal of thread-starting, not of audience "
        "engagement. These are correlations on observational data, not effects.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    import sys

    print(run(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data"), True))
