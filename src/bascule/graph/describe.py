"""What each community talks about and thinks: distinctive words and hashtags (log-odds with
an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008), stance mix, undecided share.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from bascule.project import Project

_TOKEN = re.compile(r"#?\w[\w'’-]*\w|#?\w", re.UNICODE)
_STOP_WORDS = """
a à au aux avec ce ces cette c d dans de des du elle en et est il ils je la le les
leur lui ma mais me mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa
se ses son sur ta te tes toi ton tu un une vos votre vous y l s n j m t qu' c' d' l'
plus tout être the a an and or of to in on for is are was were be been it its this
that with as at by from i you he she we they me my our your his her their not no but
so if do does did have has had will would can could just rt via http https www co com
amp
"""
_STOP = frozenset(_STOP_WORDS.split())


def author_undecided(project: Project) -> pd.Series:
    """Whether each author is undecided: the opinion model's states when available, else a
    majority of hesitant analysed posts.
    """
    try:
        from bascule.opinion.undecided import author_states

        states = author_states(project)
        return pd.Series(
            (states["state"] == "undecided").to_numpy(), index=states["author_id"].astype(str)
        )
    except (ImportError, AttributeError):
        from bascule.store import graph as sql

        h = sql.hesitation_by_author(project.store).to_pandas()
        return pd.Series(
            (h["hesitant"] * 2 >= h["analysed"]).to_numpy() & (h["analysed"] > 0).to_numpy(),
            index=h["author_id"].astype(str),
        )


def describe(project: Project, ids: np.ndarray, labels: np.ndarray, rows: dict[int, dict]) -> None:
    """Add words, hashtags, stance mix and undecided share to the listed communities
    (aggregates suppressed under `privacy.min_group_size`).
    """
    import pyarrow as pa

    from bascule.store import graph as sql

    min_size = project.config.privacy.min_group_size
    member = pd.Series(labels, index=ids)
    listed = list(rows)
    # stance mix toward each target, by analysed posts of the members
    st = sql.stance_counts(project.store).to_pandas()
    st["community"] = member.reindex(st["author_id"].astype(str)).to_numpy()
    st = st[st["community"].isin(listed)]
    agg = st.groupby(["community", "target_id"])[["favor", "against", "none"]].sum()
    undecided = author_undecided(project)
    und = pd.DataFrame({"c": member.reindex(undecided.index).to_numpy(), "u": undecided.to_numpy()})
    und = und[und["c"].isin(listed)].groupby("c")["u"].agg(["sum", "count"])
    for c, row in rows.items():
        if row["size"] < min_size:
            row.update(stance=None, undecided_share=None, suppressed=True)
            continue
        mix = {}
        if c in agg.index.get_level_values(0):
            for t, r in agg.loc[c].iterrows():
                total = r.sum()
                if total:
                    mix[str(t)] = {
                        k: round(float(r[k] / total), 4) for k in ("favor", "against", "none")
                    }
        row["stance"] = mix
        row["undecided_share"] = (
            round(float(und.loc[c, "sum"] / und.loc[c, "count"]), 4)
            if c in und.index and und.loc[c, "count"]
            else None
        )
        row["suppressed"] = False
    # distinctive words and hashtags (log-odds with an informative prior, Monroe et al. 2008)
    big = [c for c in listed if rows[c]["size"] >= min_size]
    if not big:
        return
    texts = sql.community_texts(
        project.store,
        pa.table({"author_id": ids, "community": labels.astype(np.int64)}).filter(
            pa.compute.is_in(pa.array(labels.astype(np.int64)), pa.array(big))
        ),
    ).to_pandas()
    counts = {c: Counter() for c in big}
    for c, text in zip(texts["community"], texts["text"], strict=True):
        counts[int(c)].update(t for t in _tokens(text))
    for c, words, tags in _distinctive(counts):
        rows[c]["words"], rows[c]["hashtags"] = words, tags


_NOT_WORDS = re.compile(r"(?:https?://|www\.)\S+|@[\w.@-]+")  # links, @accounts (pseudonyms)


def _tokens(text: str) -> list[str]:
    """The words and hashtags of a post, without links and @accounts: a community's
    distinctive words must not be pieces of short links or its members' pseudonyms."""
    toks = [t.lower() for t in _TOKEN.findall(_NOT_WORDS.sub(" ", text or ""))]
    return [t for t in toks if t not in _STOP and len(t.lstrip("#")) > 1 and not t.isdigit()]


def _distinctive(counts: dict[int, Counter], k: int = 8) -> list[tuple[int, list[str], list[str]]]:
    """Top words and hashtags of each community by z-scored log-odds vs the others."""
    total = Counter()
    for cnt in counts.values():
        total.update(cnt)
    vocab = [w for w, n in total.items() if n >= 2]
    if len(vocab) < 2:  # one word: no odds against the others (and a division by zero)
        return [(c, *_split([w for w in vocab if counts[c][w]], k)) for c in counts]
    idx = {w: i for i, w in enumerate(vocab)}
    prior = np.asarray([total[w] for w in vocab], dtype=np.float64)
    a0 = prior.sum()
    out = []
    for c, cnt in counts.items():
        y = np.zeros(len(vocab))
        for w, n in cnt.items():
            if w in idx:
                y[idx[w]] = n
        rest = prior - y
        n1, n2 = y.sum(), rest.sum()
        a = prior / a0 * 100.0 + 0.01
        d = np.log((y + a) / (n1 + a.sum() - y - a)) - np.log(
            (rest + a) / (n2 + a.sum() - rest - a)
        )
        z = d / np.sqrt(1.0 / (y + a) + 1.0 / (rest + a))
        order = np.argsort(-z, kind="stable")
        out.append((c, *_split([vocab[i] for i in order if y[i] > 0], k)))
    return out


def _split(ranked: list[str], k: int) -> tuple[list[str], list[str]]:
    """The first `k` words and the first `k` hashtags of a ranked vocabulary."""
    words = [w for w in ranked if not w.startswith("#")][:k]
    return words, [w for w in ranked if w.startswith("#")][:k]
