"""Helpers of the text tests: posts written straight into a real project store."""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pytest

DATA = Path(__file__).resolve().parents[2] / "data"
# posts about the CAQ: 12 with a favor cue, 12 with an against cue, 12 neutral
CUE_POSTS = (
    [
        {"post_id": f"f{i}", "text": f"Fier de la CAQ, bon bilan {i} #jevotecaq", "handle": "a"}
        for i in range(12)
    ]
    + [
        {"post_id": f"a{i}", "text": f"La CAQ a menti encore {i} #dehorslacaq", "handle": "b"}
        for i in range(12)
    ]
    + [
        {"post_id": f"n{i}", "text": f"Point de presse de la CAQ à {i} h", "handle": "c"}
        for i in range(12)
    ]
)


def _read_tsv(name: str) -> list[dict[str, str]]:
    """Rows of a TSV file in data/text_minimal_pairs."""
    with open(DATA / "text_minimal_pairs" / name, encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _pheme() -> list[dict]:
    """The PHEME Charlie Hebdo tweets with their stance annotations (CC BY 4.0)."""
    with gzip.open(DATA / "pheme_stance" / "tweets.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def _polis() -> list[dict[str, str]]:
    """Statements of ten Polis conversations (CC BY 4.0)."""
    with open(DATA / "polis_topics" / "statements.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="session")
def pheme() -> list[dict]:
    """The PHEME Charlie Hebdo tweets with their stance annotations (CC BY 4.0)."""
    return _pheme()


@pytest.fixture(scope="session")
def polis() -> list[dict[str, str]]:
    """Statements of ten Polis conversations (CC BY 4.0)."""
    return _polis()


@pytest.fixture(scope="session")
def minimal() -> Callable[[str], list[dict[str, str]]]:
    """Reader of the hand-written minimal pairs in data/text_minimal_pairs."""
    return _read_tsv


@pytest.fixture
def add_posts() -> Callable[..., None]:
    """Insert posts {post_id, text, [handle], [repost_of], [lang]} into a project."""

    def add(project, posts: list[dict]) -> None:  # noqa: ANN001
        t0 = datetime(2026, 9, 1)
        table = pa.table(
            {
                "post_id": [p["post_id"] for p in posts],
                "platform": ["test"] * len(posts),
                "native_id": [p["post_id"] for p in posts],
                "author_id": ["test:" + p.get("handle", "someone") for p in posts],
                "created_at": pa.array(
                    [t0 + timedelta(minutes=i) for i in range(len(posts))], pa.timestamp("us")
                ),
                "text": [p.get("text") for p in posts],
                "lang": [p.get("lang") for p in posts],
                "repost_of": [p.get("repost_of") for p in posts],
            }
        )
        project.store.rows("SELECT 1")  # settle a pending DuckDB result before register
        project.store.insert("posts", table)
        handles = sorted({p.get("handle", "someone") for p in posts})
        authors = pa.table(
            {
                "author_id": ["test:" + h for h in handles],
                "platform": ["test"] * len(handles),
                "handle": handles,
                "pseudonymised": [False] * len(handles),
            }
        )
        project.store.insert("authors", authors)

    return add
