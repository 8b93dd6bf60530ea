"""Helpers for opinion tests: write posts, authors and analyses straight into a project."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import pyarrow as pa
import pytest


class Writer:
    """Insert rows as `bascule import` and `bascule analyze` would have stored them."""

    def __init__(self, project) -> None:  # noqa: ANN001
        self.project = project
        self.n = 0

    def post(
        self,
        author: str,
        at: str | datetime,
        text: str = "",
        *,
        stances: dict[str, str] | None = None,
        hesitation: bool | None = None,
        lang: str = "fr",
    ) -> str:
        """One post; `stances` maps target id -> favor|against|none (rows in `analyses`)."""
        self.posts([(author, at, text, stances or {}, hesitation, lang)])
        return f"test:{self.n}"

    def named(self, accounts: Iterable[tuple[str, str]]) -> None:
        """Authors kept in clear under their handle (official or opted-in accounts):
        (author, handle) pairs; their posts then come through `post`/`posts`."""
        self.project.store.insert(
            "authors",
            pa.Table.from_pylist(
                [
                    {
                        "author_id": f"test:{a}",
                        "platform": "test",
                        "handle": h,
                        "pseudonymised": False,
                    }
                    for a, h in accounts
                ]
            ),
        )

    def posts(self, rows: Iterable[tuple]) -> None:
        """Many posts at once: (author, at, text, stances, hesitation, lang) tuples."""
        posts, analyses, post_an, authors = [], [], [], set()
        for author, at, text, stances, hes, lang in rows:
            self.n += 1
            pid = f"test:{self.n}"
            at = datetime.fromisoformat(at) if isinstance(at, str) else at
            posts.append(
                {
                    "post_id": pid,
                    "platform": "test",
                    "native_id": str(self.n),
                    "author_id": f"test:{author}",
                    "created_at": at,
                    "text": text,
                    "lang": lang,
                }
            )
            authors.add(author)
            for tgt, st in stances.items():
                analyses.append(
                    {
                        "post_id": pid,
                        "target_id": tgt,
                        "stance": st,
                        "stance_score": 0.9,
                        "model": "test",
                    }
                )
            if hes is not None:
                post_an.append({"post_id": pid, "lang": lang, "hesitation": hes, "model": "test"})
        store = self.project.store
        # DuckDB 2 refuses register() while a fetchone() result is open: settle it first.
        store.con.execute("SELECT 1").fetchall()
        store.insert(
            "authors",
            pa.Table.from_pylist(
                [
                    {
                        "author_id": f"test:{a}",
                        "platform": "test",
                        "handle": f"pseudo-{a}",
                        "pseudonymised": True,
                    }
                    for a in sorted(authors)
                ]
            ),
        )
        store.insert("posts", pa.Table.from_pylist(posts))
        if analyses:
            store.insert("analyses", pa.Table.from_pylist(analyses))
        if post_an:
            store.insert("post_analyses", pa.Table.from_pylist(post_an))


@pytest.fixture
def writer(project) -> Writer:  # noqa: ANN001
    return Writer(project)
