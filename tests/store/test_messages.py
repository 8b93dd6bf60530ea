"""The message lab's reference corpus: the project's recent original posts."""

from __future__ import annotations

from pathlib import Path

from bascule.sources.importer import import_files
from bascule.store.messages import recent_texts

PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo" / "tweets_v1.jsonl.gz"


def test_a_few_new_posts_do_not_shrink_the_corpus(project, tmp_path: Path) -> None:  # noqa: ANN001
    import_files(project, [PHEME], fmt="twitter-v1")  # 1,203 posts of January 2015
    assert len(recent_texts(project.store)) == 1203  # all within 30 days of the last
    late = tmp_path / "late.csv"
    late.write_text(
        "id,author,created_at,text\n"
        + "".join(f"{i},a{i},2026-09-0{i}T10:00:00Z,Le logement {i}\n" for i in range(1, 4)),
        encoding="utf-8",
    )
    import_files(project, [late])
    texts = recent_texts(project.store)
    # the 30 days before the newest post hold 3 posts: the latest 1,000 are used instead
    assert len(texts) == 1000 and texts[:3] == ["Le logement 3", "Le logement 2", "Le logement 1"]
    assert len(recent_texts(project.store, at_least=2)) == 3  # the window when it holds more
