"""`forget` erases an author everywhere, and later imports never bring them back."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.errors import InputError
from bascule.sources.importer import import_files
from bascule.store.forget import forget

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
JULIEN = "9651232"  # @JulienPain, author of the source tweet of the sample thread
SOURCE = "twitter:553544694765215745"


def _traces(store, aid: str) -> dict[str, int]:
    """Rows in any table that still hold the author id, their posts' ids or their account id."""
    found = {}
    tables = [r[0] for r in store.rows("SELECT table_name FROM information_schema.tables")]
    for t in tables:
        cols = [
            r[0]
            for r in store.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "AND data_type = 'VARCHAR'",
                [t],
            )
        ]
        if t in ("forgotten", "tombstones"):  # the ids kept so that nothing comes back
            continue
        for c in cols:
            n = store.scalar(
                f'SELECT count(*) FROM "{t}" WHERE contains("{c}", ?) OR contains("{c}", ?) '
                f'OR regexp_matches("{c}", ?)',
                [aid, SOURCE, r"(^|\D)" + JULIEN + r"(\D|$)"],
            )
            if n:
                found[f"{t}.{c}"] = n
    return found


def _load(project) -> str:
    import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    import_files(project, [SAMPLES / "retweets.jsonl"], platform="twitter")
    import_files(project, [SAMPLES / "twitter_v1_broken.jsonl"])
    store = project.store
    store.execute(
        "INSERT INTO analyses VALUES (?, 'police', 'none', 0.9, 0.0, 'test', now())", [SOURCE]
    )
    store.execute(
        "INSERT INTO post_analyses VALUES (?, 'en', 1.0, 0.0, false, 'test', now())", [SOURCE]
    )
    aid = project.pseudonymizer.author_id("twitter", JULIEN)
    store.execute("INSERT INTO communities VALUES (?, 3, now())", [aid])
    return aid


def test_forget_leaves_no_trace(project) -> None:
    aid = _load(project)
    assert _traces(project.store, aid)  # the checker does find them before
    before = project.store.count("posts")
    result = forget(project.store, f"twitter:{JULIEN}", pseudonymizer=project.pseudonymizer)
    assert result["forgotten"] == [aid]
    # their source tweet and the 8 retweets of it
    assert result["deleted"]["posts"] == 9
    assert project.store.count("posts") == before - 9
    assert _traces(project.store, aid) == {}
    assert project.store.scalar("SELECT count(*) FROM forgotten WHERE author_id = ?", [aid]) == 1


def test_forgotten_author_is_not_imported_again(project) -> None:
    aid = _load(project)
    forget(project.store, aid)
    left = project.store.count("posts")
    import_files(project, [SAMPLES / "twitter_v1.jsonl"], force=True)
    import_files(project, [SAMPLES / "retweets.jsonl"], platform="twitter", force=True)
    # neither their posts nor other people's reposts of them come back
    assert project.store.count("posts") == left
    assert project.store.scalar("SELECT count(*) FROM posts WHERE repost_of = ?", [SOURCE]) == 0
    assert project.store.scalar("SELECT count(*) FROM posts WHERE author_id = ?", [aid]) == 0
    assert (
        project.store.scalar(
            "SELECT count(*) FROM interactions WHERE src_author = ? OR dst_author = ?", [aid, aid]
        )
        == 0
    )
    assert project.store.scalar("SELECT count(*) FROM authors WHERE author_id = ?", [aid]) == 0


def test_forget_by_pseudonym_and_unknown(project) -> None:
    aid = _load(project)
    pseudo = project.store.scalar("SELECT handle FROM authors WHERE author_id = ?", [aid])
    assert pseudo.startswith("anon-")
    assert forget(project.store, pseudo)["forgotten"] == [aid]
    with pytest.raises(InputError, match="no author matches"):
        forget(project.store, "@nobody-here")


def test_a_pseudonym_two_authors_share_erases_no_one(project) -> None:
    """Pseudonyms are 40-bit: in a large project two people may show the same one. Forgetting
    by it must not erase both: it asks for the author id, and that erases only that author."""
    aid = _load(project)
    pseudo, platform = project.store.rows(
        "SELECT handle, platform FROM authors WHERE author_id = ?", [aid]
    )[0]
    twin = f"{platform}:{'0' * 20}"
    project.store.execute(
        "INSERT INTO authors (author_id, platform, handle, pseudonymised) VALUES (?, ?, ?, true)",
        [twin, platform, pseudo],
    )
    before = project.store.count("authors")
    with pytest.raises(InputError, match="shared by 2 authors") as err:
        forget(project.store, pseudo)
    assert aid in str(err.value) and twin in str(err.value)
    assert project.store.count("authors") == before
    assert forget(project.store, twin)["forgotten"] == [twin]
    assert project.store.scalar("SELECT count(*) FROM authors WHERE author_id = ?", [aid]) == 1


def test_forget_by_handle_erases_the_mentions_of_them(project) -> None:
    # mentions are pseudonymised from the handle, authors from their account number: a
    # forgotten person's @mentions stayed in other people's posts
    _load(project)
    mention = "@" + project.pseudonymizer.pseudonym("twitter", "@julienpain")
    assert project.store.scalar("SELECT count(*) FROM posts WHERE contains(text, ?)", [mention])
    forget(project.store, f"twitter:{JULIEN}", "@JulienPain", pseudonymizer=project.pseudonymizer)
    left = project.store.scalar("SELECT count(*) FROM posts WHERE contains(text, ?)", [mention])
    assert left == 0
    assert project.store.scalar("SELECT count(*) FROM posts WHERE contains(text, '@[forgotten]')")
    # and in the payloads kept beside the text, which held the same pseudonym
    raw = project.store.scalar("SELECT count(*) FROM posts WHERE contains(raw, ?)", [mention])
    assert raw == 0


def test_whatever_matched_is_erased_and_what_did_not_is_said(project) -> None:
    _load(project)
    # the recipe of PRIVACY.md with a handle nobody mentioned: the author is still erased
    out = forget(project.store, f"twitter:{JULIEN}", "@nobody_mentions_me",
                 pseudonymizer=project.pseudonymizer)  # fmt: skip
    assert out["forgotten"] and out["unmatched"] == ["@nobody_mentions_me"]
    with pytest.raises(InputError, match="no author matches 'x:1', '@ghost'"):
        forget(project.store, "x:1", "@ghost", pseudonymizer=project.pseudonymizer)


def test_the_database_file_keeps_no_erased_text(project) -> None:
    from bascule.project import forget as forget_project

    _load(project)
    text = project.store.scalar("SELECT text FROM posts WHERE post_id = ?", [SOURCE])
    words = text[:30].encode()
    project.store.con.execute("CHECKPOINT")
    path = Path(project.store.path)
    assert words in path.read_bytes()
    out = forget_project(project, f"twitter:{JULIEN}")
    assert out["forgotten"]
    # DuckDB leaves deleted strings in freed blocks: the file is rewritten without them
    assert words not in path.read_bytes()
    assert project.store.count("posts") > 0 and project.store.version() > 0  # still usable


def test_status_says_when_erased_texts_wait_for_a_rewrite_and_prune_does_it(
    project, capsys
) -> None:  # noqa: ANN001
    """An erasure made while the war room held the store leaves the texts in the file until a
    rewrite; status says so, and `bascule prune` rewrites it even when nothing is old enough."""
    from bascule.cli import main
    from bascule.store.forget import compaction_due, mark_compaction_due

    mark_compaction_due(project.store)
    assert project.status()["compaction_due"]
    root = str(project.root)
    project.close()
    assert main(["status", "-p", root, "--lang", "en"]) == 0
    assert "Erased texts remain in the database file" in " ".join(capsys.readouterr().out.split())
    assert main(["prune", "-p", root, "--days", "365"]) == 0
    from bascule.project import open_project

    with open_project(root) as p:
        assert not compaction_due(p.store) and not p.status()["compaction_due"]


def test_the_handle_given_with_the_account_is_theirs_and_asking_again_says_erased(
    project,
) -> None:
    # PRIVACY.md's `twitter:ID @handle` erased the person, then listed the handle as matching
    # no author (exit code 1), and asking again said "no author matches" (exit code 2)
    aid = _load(project)
    pseudo = project.store.scalar("SELECT handle FROM authors WHERE author_id = ?", [aid])
    kw = {"pseudonymizer": project.pseudonymizer}
    out = forget(project.store, f"twitter:{JULIEN}", "@JulienPain", **kw)
    assert out["forgotten"] == [aid] and out["deleted"]["mentions"] > 0
    assert (out["handles"], out["unmatched"], out["already"]) == (["@JulienPain"], [], [])
    # the handle goes into `forgotten` with them, keyed as a handle of their platform
    keyed = project.pseudonymizer.author_id("twitter", "@julienpain")
    assert project.store.scalar("SELECT count(*) FROM forgotten WHERE author_id = ?", [keyed])
    for names in ([f"twitter:{JULIEN}", "@JulienPain"], ["@julienpain"], [aid], [pseudo]):
        again = forget(project.store, *names, **kw)
        assert again["already"] == names and again["forgotten"] == again["unmatched"] == []
    with pytest.raises(InputError, match="no author matches '@someone_else'"):
        forget(project.store, "@someone_else", **kw)


def test_a_handle_that_left_no_trace_is_still_said(project) -> None:
    _load(project)
    out = forget(project.store, f"twitter:{JULIEN}", "@JulienPian",  # a typo: nobody mentions it
                 pseudonymizer=project.pseudonymizer)  # fmt: skip
    assert out["unmatched"] == ["@JulienPian"] and out["handles"] == []
