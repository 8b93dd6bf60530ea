"""`import_files` on real samples: counts, idempotence, rejects with line numbers, resume."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from bascule.sources.importer import import_files
from tests.sources.helpers import killed_after_two_commits

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"


def _counts(project) -> tuple[int, int, int]:
    s = project.store
    return s.count("posts"), s.count("authors"), s.count("interactions")


@pytest.mark.parametrize(
    ("name", "posts", "kinds"),
    [
        ("twitter_v1.jsonl", 6, {"reply": 5, "mention": 3}),
        ("twitter_v2.jsonl", 3, {"reply": 1, "repost": 1}),
        ("mastodon_statuses.jsonl", 3, {"reply": 1, "repost": 1}),
        ("bluesky.jsonl", 3, {"repost": 1, "quote": 1}),  # the reply was deleted
        ("retweets.jsonl", 8, {"repost": 8}),
        ("tweets.csv", 6, {"reply": 5}),
        ("tweets.parquet", 6, {"reply": 5}),
        ("fourcat_twitter.csv", 6, {"reply": 5, "mention": 3}),
        ("cascades.tsv", 25, {"repost": 24}),
    ],
)
def test_each_sample_imports_then_reimports_nothing(project, name, posts, kinds) -> None:
    s = import_files(project, [SAMPLES / name], platform="twitter")
    assert (s.imported - s.deleted, s.rejected, s.exit_code) == (posts, 0, 0)
    assert project.store.count("posts") == posts
    got = dict(project.store.rows("SELECT kind, count(*) FROM interactions GROUP BY kind"))
    assert got == kinds
    before = _counts(project)
    again = import_files(project, [SAMPLES / name], platform="twitter")
    assert again.files[0].status == "already imported" and again.imported == 0
    forced = import_files(project, [SAMPLES / name], platform="twitter", force=True)
    # each record read once more is one duplicate; the posts records embed (a retweet's
    # original, a v2 page's expansions) are context, counted only where new
    records = {"twitter_v2.jsonl": 2, "bluesky.jsonl": 4}.get(name, posts)  # 4: one deleted
    assert (forced.imported, forced.duplicates) == (0, records), (forced.duplicates, records)
    assert _counts(project) == before


@pytest.mark.parametrize("batch_size", [1, 100])
def test_an_embedded_original_is_no_duplicate_wherever_batches_end(
    project, tmp_path, batch_size
) -> None:  # noqa: ANN001
    """Three retweets of one tweet: its copy inside each is context, stored once. It was
    counted as a duplicate once per batch after the first (2 here with batches of 1 record,
    0 with one batch), so the summary depended on where the batches ended."""
    original = orjson.loads((SAMPLES / "twitter_v1.jsonl").read_bytes().splitlines()[0])
    rts = [
        {**original, "id_str": str(10**18 + i), "id": 10**18 + i, "retweeted_status": original,
         "text": "RT @JulienPain: " + original["text"]}
        for i in range(3)
    ]  # fmt: skip
    f = tmp_path / "rts.jsonl"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rts))
    s = import_files(project, [f], "twitter-v1", batch_size=batch_size)
    assert (s.imported, s.duplicates) == (4, 0)
    again = import_files(project, [f], "twitter-v1", batch_size=batch_size, force=True)
    assert (again.imported, again.duplicates) == (0, 3)


def test_bluesky_deletion_tombstones_the_post(project) -> None:
    s = import_files(project, [SAMPLES / "bluesky.jsonl"])
    assert (s.imported, s.deleted) == (4, 1)  # the reply is stored, then its deletion applied
    ids = {r[0] for r in project.store.rows("SELECT post_id FROM posts")}
    raw = "bluesky:at://did:plc:fixturebob00000000000000000/app.bsky.feed.post/3lfixpost0002"
    gone = project.pseudonymizer.hide_dids(raw)
    assert gone.startswith("bluesky:at://did:anon:") and gone not in ids
    assert project.store.scalar("SELECT count(*) FROM tombstones WHERE post_id = ?", [gone]) == 1
    # no account id (DID) left anywhere in the stored posts: one public lookup names its owner
    for row in project.store.rows("SELECT post_id, reply_to, repost_of, quote_of, raw FROM posts"):
        assert not any("did:plc:" in (v or "") for v in row), row
    assert (s.imported, s.deleted) == (4, 1)


def test_broken_file_imports_good_lines_and_lists_bad_ones(project) -> None:
    s = import_files(project, [SAMPLES / "twitter_v1_broken.jsonl"])
    assert (s.imported, s.rejected, s.exit_code) == (3, 4, 1)
    assert dict(s.reasons) == {"broken JSON": 1, "missing id": 1, "bad date": 1, "bad encoding": 1}
    rows = project.store.rows("SELECT source, line, reason FROM rejects ORDER BY line")
    assert [r[1] for r in rows] == [2, 4, 5, 7]
    assert all(r[0].endswith("twitter_v1_broken.jsonl") for r in rows)
    assert s.to_dict()["rejects"][0]["line"] == 2
    # the excerpts kept to find the lines name nobody: @mentions and account fields are
    # pseudonymised like the posts (the file names @JulienPain and his screen_name)
    assert "JulienPain" in (SAMPLES / "twitter_v1_broken.jsonl").read_text(errors="replace")
    excerpts = " ".join(r[0] or "" for r in project.store.rows("SELECT record FROM rejects"))
    assert "@anon-" in excerpts and "julienpain" not in excerpts.lower()


def test_pseudonyms_by_default_and_kept_handles(project) -> None:
    import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    handles = {r[0] for r in project.store.rows("SELECT handle FROM authors")}
    assert "JulienPain" not in handles and all(h.startswith("anon-") for h in handles)
    text = project.store.scalar(
        "SELECT text FROM posts WHERE post_id = 'twitter:553545574528864256'"
    )
    assert "@JulienPain" not in text and text.startswith("@anon-")
    for (raw,) in project.store.rows("SELECT raw FROM posts"):
        assert "JulienPain" not in raw and "Julien Pain" not in raw and "FRANCE24" not in raw
        assert '"screen_name"' not in raw and '"name"' not in raw


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("tweets.csv", {}),
        ("tweets.parquet", {}),
        ("fourcat_twitter.csv", {}),
        ("mastodon_statuses.jsonl", {}),
        ("twitter_v2.jsonl", {}),
    ],
)
def test_no_handle_left_in_stored_rows(project, name, options) -> None:
    import_files(project, [SAMPLES / name], platform="twitter", **options)
    handles = {"JulienPain", "FRANCE24", "alice", "bob", "TwitterDev", "fixture_one"}
    for row in project.store.rows("SELECT text, raw, url FROM posts"):
        for value in row:
            assert not any(f"/{h}/" in (value or "") for h in handles), value  # links
            assert not any(f"@{h}" in (value or "") for h in handles), value
            assert not any(f'"{h}"' in (value or "") for h in handles), value
            assert not any(f"<span>{h}</span>" in (value or "") for h in handles), value
    assert all(h.startswith("anon-") for (h,) in project.store.rows("SELECT handle FROM authors"))


def test_real_tweets_keep_no_name_nor_account_number(project) -> None:
    # links (twitter.com/<name>/status/<id>) and raw payloads (user ids, banner links, media
    # links, in_reply_to_user_id) named the pseudonymised authors of the PHEME tweets
    import gzip

    names, ids = set(), set()
    with gzip.open(PHEME / "tweets_v1.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            user = json.loads(line)["user"]
            names.add(user["screen_name"])
            ids.add(user["id_str"])
    import_files(project, [PHEME / "tweets_v1.jsonl.gz"])
    rows = project.store.rows("SELECT url, raw FROM posts")
    assert rows and all(
        u is None or u.startswith("https://twitter.com/i/web/status/") for u, _ in rows
    )
    for _, raw in rows:
        if raw is None:
            continue
        quoted = (n for n in names if len(n) > 3 and f'"{n}"' in raw)  # not a hashtag's text
        assert not any(f"/{n}/" in raw for n in names if len(n) > 3), raw
        assert not any(not re.search(f'"text":"{re.escape(n)}"', raw) for n in quoted), raw
        assert not any(f'"{i}"' in raw or f":{i}," in raw for i in ids), raw
        assert "_user_id" not in raw and "profile_banner_url" not in raw


def test_demo_slice_imports_exactly(project) -> None:
    a = import_files(project, [PHEME / "tweets_v1.jsonl.gz"])
    b = import_files(project, [PHEME / "retweets.jsonl.gz"], platform="twitter")
    assert (a.imported, a.rejected) == (1203, 0)
    assert (b.imported, b.duplicates, b.rejected) == (11724, 156, 0)
    kinds = dict(project.store.rows("SELECT kind, count(*) FROM interactions GROUP BY kind"))
    assert kinds["repost"] == 11724 and kinds["reply"] == 1128


def _generate(path: Path, n: int) -> None:
    with open(path, "wb") as f:
        for i in range(n):
            rec = {
                "id": str(10**9 + i),
                "author_id": str(i % 997),
                "created_at": f"2015-01-0{1 + i % 9}T12:00:00Z",
                "text": f"post {i}",
            }
            f.write(orjson.dumps(rec) + b"\n")


@pytest.mark.slow
def test_twitter15_reposts_that_carry_the_reposted_id_are_kept(project) -> None:
    """Most reposts of the Twitter15 release carry the id of the tweet they repost: each is
    still a post of its own, so the store holds every account of the trees, as reading the
    file as a graph does."""
    from bascule.graph.io import read_graph

    slice_ = PHEME.parent / "twitter15" / "edges_slice.tsv.gz"
    summary = import_files(project, [slice_])
    # two rows list a tree's source again, under one of its retweeters: the same post
    assert (summary.imported, summary.rejected) == (1375, 0)
    posts, authors, _ = _counts(project)
    assert posts == 1375 and authors == len(read_graph(slice_).nodes) == 1371
    rows = project.store.rows(
        "SELECT post_id, repost_of FROM posts WHERE post_id LIKE '%-%' ORDER BY post_id LIMIT 1"
    )
    ((pid, of),) = rows
    # <reposted id>-<account>, reposting the post of the account it got it from (its parent)
    assert pid.split("-")[0] == of.split("-")[0] and pid.split("-")[1].isdigit()
    assert import_files(project, [slice_], force=True).imported == 0


def test_reposts_without_their_author_are_linked_through_the_stored_post(
    project, tmp_path: Path
) -> None:
    """PHEME's retweets name the retweeted tweet, not its author: the import links each to the
    stored tweet's author, whichever file comes first, exactly as the author field would."""
    import gzip

    lines = gzip.decompress((PHEME / "retweets.jsonl.gz").read_bytes()).splitlines()[:400]
    bare = tmp_path / "retweets_bare.jsonl"
    bare.write_bytes(
        b"\n".join(
            orjson.dumps({k: v for k, v in orjson.loads(x).items() if k != "retweeted_user_id"})
            for x in lines
        )
    )
    full = tmp_path / "retweets_full.jsonl"
    full.write_bytes(b"\n".join(lines))
    tweets = PHEME / "tweets_v1.jsonl.gz"

    first = import_files(project, [bare], platform="twitter")  # retweets before their tweets
    assert first.linked == 0 and project.store.count("interactions") == 0  # nothing to link
    second = import_files(project, [tweets])
    assert second.linked == 400
    count = "SELECT count(*) FROM interactions WHERE kind = 'repost'"
    assert project.store.scalar(count) == 400
    # the retweets with their author field: the same 400 interactions, none added
    assert import_files(project, [full], platform="twitter").linked == 0
    assert project.store.scalar(count) == 400
    assert project.store.rows(
        "SELECT count(*) FROM interactions i JOIN posts p ON p.post_id = i.target_post_id "
        "WHERE i.kind = 'repost' AND i.dst_author = p.author_id"
    ) == [(400,)]
    assert import_files(project, [bare], platform="twitter", force=True).linked == 0


def test_a_file_read_as_the_wrong_format_can_be_imported_right(project) -> None:
    """A wrong --format rejects every line; the right one then imports the file (it is not
    'already imported'), and its earlier rejects are not counted twice."""
    csv = SAMPLES / "tweets.csv"
    wrong = import_files(project, [csv], fmt="twitter-v1")
    assert wrong.imported == 0 and wrong.rejected > 0
    assert project.store.count("rejects") == wrong.rejected
    right = import_files(project, [csv])
    assert right.files[0].status == "imported" and right.imported > 0
    assert project.store.count("rejects") == right.rejected == 0
    again = import_files(project, [csv])
    assert again.files[0].status == "already imported"
    forced = import_files(project, [csv], fmt="twitter-v1", force=True)
    assert project.store.count("rejects") == forced.rejected  # not twice


def test_csv_with_semicolons_empty_files_and_folders(project, tmp_path: Path) -> None:
    """Spreadsheets set to French write `;` between columns; an empty file imports nothing;
    a folder is refused with what to give instead."""
    from bascule.errors import InputError

    comma = (SAMPLES / "tweets.csv").read_text()
    semi = tmp_path / "tweets_fr.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO(comma)))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows(rows)
    semi.write_text(out.getvalue())
    got = import_files(project, [semi], platform="twitter")
    assert (got.imported, got.rejected) == (len(rows) - 1, 0)
    assert import_files(project, [SAMPLES / "tweets.csv"], platform="twitter").imported == 0
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert import_files(project, [empty]).imported == 0
    (tmp_path / "folder").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        import_files(project, [tmp_path / "folder"])


def test_kill_9_then_rerun_leaves_every_post_once(project, tmp_path: Path) -> None:
    n = 150_000
    data = tmp_path / "big.jsonl"
    _generate(data, n)
    root = str(project.root)
    project.close()
    code = (
        "import sys; from bascule.project import open_project;"
        "from bascule.sources.importer import import_files;"
        f"import_files(open_project({root!r}), [{str(data)!r}], batch_size=2000)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    wal = Path(root) / "bascule.duckdb.wal"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        # a few groups of blocks committed (~1.3 MB of log per block): one at least is complete
        if wal.exists() and wal.stat().st_size > 4_000_000:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    from bascule.project import open_project

    with open_project(root) as p:
        done = p.store.count("posts")
        assert 0 < done < n
        assert p.store.scalar("SELECT bool_or(done) FROM ingest_files") is False
        # the killed run is closed as interrupted, with the posts it committed
        killed = p.store.rows("SELECT status, imported FROM ingest_runs")
        assert killed == [("interrupted", done)]
        s = import_files(p, [data])
        assert s.files[0].status == "resumed"
        assert s.imported == n - done
        assert p.store.count("posts") == n
        assert p.store.scalar("SELECT count(DISTINCT post_id) FROM posts") == n


def test_generic_jsonl_fast_path_rejects_with_line_numbers(project, tmp_path: Path) -> None:
    good = (SAMPLES / "retweets.jsonl").read_bytes().splitlines()
    bad_date = orjson.loads(good[3])
    bad_date["created_at"] = "yesterday"
    no_id = orjson.loads(good[4])
    del no_id["retweet_id"]
    big = orjson.loads(good[5])
    big["text"] = "x" * (2 << 20)
    lines = [
        good[0],
        good[1][:40],  # broken JSON
        b"",  # blank lines are skipped, not rejected
        orjson.dumps(bad_date),
        orjson.dumps(no_id),
        good[2].replace(b'"event":"', b'"event":"\xff'),  # bad UTF-8
        orjson.dumps(big),  # a 2 MB record
        b"[1, 2]",
        good[6] + b"\r",  # a CRLF line
        good[7],
    ]
    f = tmp_path / "mixed.jsonl"
    f.write_bytes(b"\n".join(lines) + b"\n")
    s = import_files(project, [f], platform="twitter")
    assert (s.imported, s.rejected, s.exit_code) == (3, 6, 1)
    excerpts = [r[0] or "" for r in project.store.rows("SELECT record FROM rejects")]
    accounts = {orjson.loads(good[i])["user_id"] for i in (1, 3, 4)}  # in the rejected lines
    assert all(accounts) and not any(a in e for a in accounts for e in excerpts)  # fast path too
    got = project.store.rows("SELECT line, reason FROM rejects ORDER BY line")
    assert [(n, reason.split(":")[0].split(" '")[0].split(" (")[0]) for n, reason in got] == [
        (2, "broken JSON"),
        (4, "bad date"),
        (5, "missing id"),
        (6, "bad encoding"),
        (7, "record too large"),
        (8, "not a JSON object"),
    ]
    raws = [r[0] for r in project.store.rows("SELECT raw FROM posts")]
    assert all(not r.endswith("\r") for r in raws)
    # the same file again: nothing new, the rejects are listed again
    again = import_files(project, [f], platform="twitter", force=True)
    assert (again.imported, again.duplicates, again.rejected) == (0, 3, 6)


# -- the vectorised generic-JSONL path must pseudonymise exactly as `privacy.Pseudonymizer` ------
ODD_HANDLES = [
    "alice",
    "Alice",
    " @ALICE ",
    "@@alice",
    "\u212aate",  # Kelvin sign: lowercases to "k" in Python
    "kate",
    "\u0130stanbul",
    "istanbul",
    "d\u00e9sir\u00e9",
    "\x1calice\x1f",
    "\u2003alice",
    "",
    "@",
    "bob_official@x.social",
    "12345",
    "user.name-x",
]


def _pseudo(secret: bytes = b"s" * 64, *, keep_all: bool = False):
    from bascule.privacy import Pseudonymizer

    kept = {"alice", "kate", "istanbul", "bob_official@x.social"}
    return Pseudonymizer(secret, kept=kept, keep_all=keep_all)


@pytest.mark.parametrize("secret", [b"short", b"k" * 64, b"long" * 40])
def test_block_digests_match_the_pseudonymizer(secret: bytes) -> None:
    import pyarrow as pa

    from bascule.sources.batch import Digests

    p = _pseudo(secret)
    d = Digests(p)
    accounts = ODD_HANDLES + ["@" + h for h in ODD_HANDLES]
    for plat in ("twitter", "mastodon"):
        for acc in accounts:
            assert d.author_id(plat, acc) == p.author_id(plat, acc)
            assert d.pseudonym(plat, acc) == p.pseudonym(plat, acc)
    ascii_only = [a for a in accounts if a.isascii()]
    many = accounts * 20 + [f"user{i}" for i in range(300)]  # hashed by DuckDB, then cached
    for batch in (accounts, ascii_only, many, many[::-1]):  # Python and Arrow lowercasing
        got = d.many(pa.array(["bluesky"] * len(batch)), pa.array(batch)).to_pylist()
        assert [f"bluesky:{h}" for h in got] == [p.author_id("bluesky", a) for a in batch]
        assert ["anon-" + h[:10] for h in got] == [p.pseudonym("bluesky", a) for a in batch]


def test_block_mention_scrubbing_matches_the_pseudonymizer() -> None:
    import random
    import re

    from bascule.privacy import MENTION
    from bascule.sources.batch import Mentions

    # the plain form of the mention pattern (look-behind before the `@`): the specification
    reference = re.compile(
        r"(?<![\w@])@([A-Za-z0-9_][A-Za-z0-9_.\-]*(?:@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})?)"
    )

    rng = random.Random(3)
    parts = ["@", "@", "a", "Z", "9", "_", ".", "-", " ", "\u00e9", "\u212a", "\n", ".com"]
    parts += ["\x00", "alice", "@alice", "@Kate", "x@y.org"]
    texts = ["".join(rng.choice(parts) for _ in range(rng.randrange(30))) for _ in range(3000)]
    for t in texts:
        assert [m.span(1) for m in MENTION.finditer(t)] == [
            m.span(1) for m in reference.finditer(t)
        ]
    p = _pseudo()
    clean = [t.replace("\x00", "") for t in texts]
    for batch in (texts, clean):  # with NUL: one by one; without: one pass over the block
        assert Mentions(p).many("twitter", batch) == [p.scrub_mentions("twitter", t) for t in batch]
    assert sum(t != p.scrub_mentions("twitter", t) for t in clean) > 900


def test_bulk_hashing_matches_the_pseudonymizer(monkeypatch) -> None:
    """Hundreds of accounts or handles at once, through a cache that fills up: same digests
    and pseudonyms as one by one, and the mentions of a column as of a list."""
    import pyarrow as pa

    from bascule.sources.batch import Digests, Mentions

    p = _pseudo(b"long" * 40)
    accounts = [f"{h}{i}" for i in range(256) for h in ODD_HANDLES[:3]] + ODD_HANDLES
    got = Digests(p).many(pa.array(["mastodon"] * len(accounts)), pa.array(accounts))
    assert ["anon-" + h[:10] for h in got.to_pylist()] == [
        p.pseudonym("mastodon", a) for a in accounts
    ]
    monkeypatch.setattr(Digests, "LIMIT", 300)
    digests = Digests(p)
    for part in (accounts[:512], accounts[256:], accounts, accounts[::-1]):
        got = digests.many(pa.array(["x"] * len(part)), pa.array(part))
        assert got.to_pylist() == [p.hexdigest("x:" + a.lower())[:20] for a in part]
        assert len(digests.cache) <= 300
    texts = [f"@user{i} et @Alice, @kate@x.social; \u212aate@{i}" for i in range(512)]
    texts += ["", "déjà vu @Ça_va 😀", ""]
    want = [p.scrub_mentions("mastodon", t) for t in texts]
    assert Mentions(p).many("mastodon", texts) == want
    column = Mentions(p).column(
        pa.chunked_array([pa.array(["keep @me", *texts])]),
        pa.chunked_array([pa.array(["mastodon"] * (len(texts) + 1))]),
        pa.chunked_array([pa.array([False] + [True] * len(texts))]),
    )
    assert column.to_pylist() == ["keep @me", *want]


@pytest.mark.parametrize("keep_all", [False, True])
def test_kept_handles_match_the_pseudonymizer(keep_all: bool) -> None:
    import pyarrow as pa

    from bascule.sources.columnar import _kept

    p = _pseudo(keep_all=keep_all)
    handles = [*ODD_HANDLES, None]
    got = _kept(pa.chunked_array([pa.array(handles, pa.string())]), p).to_pylist()
    assert got == [bool(h) and p.keeps(h) for h in handles]
    assert sum(got) == (15 if keep_all else 10)


def test_split_lines_drops_newlines_only() -> None:
    from bascule.sources.columnar import split_lines

    for buf in (
        b"",
        b"a\n",
        b"a",
        b"a\nb",
        b"\n\n",
        b"a\r\nbb\n\nccc",
        b'{"x": 1}\n{"y": "\xc3\xa9"}\n',
    ):
        want = buf.split(b"\n")
        if buf.endswith(b"\n") or not buf:
            want = want[:-1]
        assert split_lines(buf).to_pylist() == want


def test_fast_path_keeps_handles_and_scrubs_mentions(project, tmp_path: Path) -> None:
    from bascule.privacy import Pseudonymizer

    p = project.pseudonymizer
    project.__dict__["pseudonymizer"] = Pseudonymizer(p.secret, kept={"alice"})
    recs = [
        {"id": "1", "user_id": "10", "screen_name": "Alice", "created_at": "2026-09-01T10:00:00Z",
         "text": "hi @bob and @alice", "user": {"name": "Alice A.", "location": "@home"},
         "in_reply_to_status_id": None, "in_reply_to_user_id": None,  # the first record
         "retweeted_status_id": None, "retweeted_user_id": None},  # names the columns
        {"id": "2", "user_id": "11", "screen_name": "bob", "created_at": "2026-09-01T11:00:00Z",
         "text": "@Alice yes", "in_reply_to_status_id": "1", "in_reply_to_user_id": "10"},
        {"id": "3", "user_id": "12", "screen_name": "carol", "created_at": "2026-09-01T12:00:00Z",
         "text": "no mention", "retweeted_status_id": "2", "retweeted_user_id": "11"},
    ]  # fmt: skip
    f = tmp_path / "posts.jsonl"
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in recs) + b"\n")
    s = import_files(project, [f], platform="twitter")
    assert (s.imported, s.rejected) == (3, 0)
    ps = project.pseudonymizer
    bob = ps.pseudonym("twitter", "@bob")
    rows = dict(project.store.rows("SELECT native_id, text FROM posts"))
    assert rows == {"1": f"hi @{bob} and @alice", "2": "@Alice yes", "3": "no mention"}
    # raw keeps what the columns did not take, pseudonymised too
    raw = orjson.loads(project.store.scalar("SELECT raw FROM posts WHERE native_id = '1'"))
    assert raw == {"user": {}}  # name and location are identity fields: dropped
    assert project.store.rows("SELECT raw FROM posts WHERE native_id <> '1'") == [(None,)] * 2
    handles = dict(project.store.rows("SELECT author_id, handle FROM authors"))
    assert handles == {
        ps.author_id("twitter", "10"): "Alice",
        ps.author_id("twitter", "11"): ps.pseudonym("twitter", "11"),
        ps.author_id("twitter", "12"): ps.pseudonym("twitter", "12"),
    }
    kinds = project.store.rows("SELECT kind, src_author, dst_author FROM interactions ORDER BY 1")
    assert kinds == [
        ("reply", ps.author_id("twitter", "11"), ps.author_id("twitter", "10")),
        ("repost", ps.author_id("twitter", "12"), ps.author_id("twitter", "11")),
    ]


def test_fast_path_links_of_pseudonymised_authors_name_no_one(project, tmp_path: Path) -> None:
    from bascule.privacy import Pseudonymizer

    project.__dict__["pseudonymizer"] = Pseudonymizer(project.pseudonymizer.secret, kept={"cbc"})
    recs = [
        {"id": "1", "user_id": "10", "screen_name": "bob", "created_at": "2026-09-01T10:00:00Z",
         "text": "a", "url": "https://twitter.com/bob/status/1"},
        {"id": "2", "user_id": "11", "screen_name": "eve", "created_at": "2026-09-01T11:00:00Z",
         "text": "b", "url": "https://social.example/@eve/2"},
        {"id": "3", "user_id": "12", "screen_name": "cbc", "created_at": "2026-09-01T12:00:00Z",
         "text": "c", "url": "https://twitter.com/cbc/status/3"},
        {"id": "4", "user_id": "13", "screen_name": "zed", "created_at": "2026-09-01T13:00:00Z",
         "text": "d", "url": "https://news.example/politique/debat"},
        {"id": "5", "user_id": "14", "screen_name": "dan", "created_at": "2026-09-01T13:00:00Z",
         "text": "e", "url": "https://blog.example/dan/5"},
    ]  # fmt: skip
    f = tmp_path / "posts.jsonl"
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in recs) + b"\n")
    import_files(project, [f], platform="twitter")
    assert dict(project.store.rows("SELECT native_id, url FROM posts")) == {
        "1": "https://twitter.com/i/web/status/1",  # opens the tweet, names no one
        "2": None,  # a Mastodon link names its author: dropped
        "3": "https://twitter.com/cbc/status/3",  # a kept account keeps its link
        "4": "https://news.example/politique/debat",  # an article's page names no account
        "5": None,  # a link with the author's name in it
    }


def test_fast_path_first_copy_wins_and_raw_keeps_the_rest(project, tmp_path: Path) -> None:
    recs = [
        {"id": "1", "author_id": "7", "created_at": "2026-09-01T10:00:00Z", "text": "first"},
        {"id": "1", "author_id": "7", "created_at": "2026-09-01T10:00:00Z", "text": "second"},
        {"id": "2", "author_id": "7", "created_at": "2026-09-02T10:00:00Z", "text": "b",
         "source_tool": "export-v3", "meta": {"score": 0.5}},
    ]  # fmt: skip
    f = tmp_path / "dups.jsonl"
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in recs) + b"\n")
    s = import_files(project, [f])
    assert (s.imported, s.duplicates, s.rejected) == (2, 1, 0)
    rows = project.store.rows("SELECT native_id, text, raw FROM posts ORDER BY native_id")
    assert rows[0] == ("1", "first", None)
    assert orjson.loads(rows[1][2]) == {"source_tool": "export-v3", "meta": {"score": 0.5}}
    seen = project.store.rows("SELECT first_seen, last_seen FROM authors")
    assert [(a.day, b.day) for a, b in seen] == [(1, 2)]
    # the same records in CSV (record by record): same posts, same remainder
    c = tmp_path / "dups.csv"
    c.write_text("id,author_id,created_at,text,source_tool\n3,7,2026-09-03T10:00:00Z,c,v3\n")
    assert import_files(project, [c]).imported == 1
    raw = project.store.scalar("SELECT raw FROM posts WHERE native_id = '3'")
    assert orjson.loads(raw) == {"source_tool": "v3"}


def test_fast_path_never_brings_back_deleted_posts_or_forgotten_authors(
    project, tmp_path: Path
) -> None:
    from bascule.store.forget import forget
    from bascule.store.ingest import apply_deletions

    recs = [
        {"id": str(i), "author_id": str(7 + i % 2), "created_at": "2026-09-01T10:00:00Z",
         "text": f"post {i}", "in_reply_to_status_id": "0" if i else None,
         "in_reply_to_user_id": "7" if i else None}
        for i in range(6)
    ]  # fmt: skip
    f = tmp_path / "p.jsonl"
    f.write_bytes(b"\n".join(orjson.dumps(r) for r in recs) + b"\n")
    assert import_files(project, [f], platform="x").imported == 6
    assert apply_deletions(project.store, ["x:2"]) == 1
    forget(project.store, "x:8", pseudonymizer=project.pseudonymizer)  # posts 1, 3, 5
    again = import_files(project, [f], platform="x", force=True)
    assert (again.imported, again.duplicates) == (0, 6)
    assert project.store.rows("SELECT native_id FROM posts ORDER BY 1") == [("0",), ("4",)]
    assert project.store.rows("SELECT post_id FROM interactions") == [("x:4",)]  # not x:2
    eight = project.pseudonymizer.author_id("x", "8")
    assert (
        project.store.scalar(
            "SELECT count(*) FROM interactions WHERE src_author = ? OR dst_author = ?",
            [eight, eight],
        )
        == 0
    )
    assert project.store.scalar("SELECT count(*) FROM authors WHERE author_id = ?", [eight]) == 0


def test_a_generic_file_of_reposts_of_stored_tweets_gets_a_hint(project, capsys) -> None:  # noqa: ANN001
    # PHEME's retweets imported without --platform twitter linked to none of the tweets,
    # silently
    from bascule.cli import main

    import_files(project, [PHEME / "tweets_v1.jsonl.gz"])
    assert import_files(project, [SAMPLES / "tweets.csv"]).platform_hint is None
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(PHEME / "retweets.jsonl.gz"), "--lang", "en"]) == 0
    captured = capsys.readouterr()
    assert "linked to none" in captured.err and "--platform twitter" in captured.err


def test_csv_rejects_name_the_line_of_the_file(project, tmp_path: Path) -> None:
    f = tmp_path / "maison.csv"
    f.write_text(
        "id,author,created_at,text\n"
        "1,alice,2026-13-45,Le logement d'abord\n"
        "2,bob,2026-09-01T09:00:00Z,La santé aussi\n"
        '3,carol,hier,"Une ligne\nsur deux lignes"\n'
        "4,dan,zz,fin\n",
        encoding="utf-8",
    )
    s = import_files(project, [f])
    # line 1 is the header; carol's record starts on line 4 and ends on 5
    assert [(r["line"], r["reason"]) for r in s.to_dict()["rejects"]] == [
        (2, "bad date '2026-13-45'"),
        (4, "bad date 'hier'"),
        (6, "bad date 'zz'"),
    ]
    assert s.imported == 1


def test_email_addresses_in_texts_are_not_stored(project, tmp_path: Path) -> None:
    """A private address in a post is personal data the analysis never needs: both import
    paths store "[email]" instead, and a Mastodon handle (@name@server) stays a handle."""
    text = "Écrivez-moi à jane.doe+vote@gmail.com ou à @militant@mastodon.social, merci"
    rows = [{"id": str(i), "author": f"a{i}", "created_at": "2026-09-01T10:00:00Z", "text": text}
            for i in range(2)]  # fmt: skip
    jsonl = tmp_path / "p.jsonl"  # the columnar fast path
    jsonl.write_bytes(b"\n".join(orjson.dumps(r) for r in rows[:1]) + b"\n")
    csv_file = tmp_path / "p.csv"  # the record-by-record path
    csv_file.write_text(f'id,author,created_at,text\n1b,b,2026-09-01T11:00:00Z,"{text}"\n')
    import_files(project, [jsonl, csv_file])
    stored = [r[0] for r in project.store.rows("SELECT text FROM posts")]
    assert len(stored) == 2
    for t in stored:
        assert "gmail" not in t and "jane" not in t and "[email]" in t
        assert "@anon-" in t and "militant" not in t  # the handle, pseudonymised as ever


def test_kept_payloads_say_not_where_people_stood(project) -> None:
    """45 of PHEME's tweets carry an exact GPS point (`coordinates`, `geo`) and 75 a place:
    the kept payload drops them."""
    import_files(project, [PHEME / "tweets_v1.jsonl.gz"], fmt="twitter-v1")
    n = project.store.scalar(
        "SELECT count(*) FROM posts WHERE contains(raw, '\"coordinates\"') "
        "OR contains(raw, '\"geo\"') OR contains(raw, '\"place\"')"
    )
    assert n == 0 and project.store.count("posts") == 1203


def test_a_kept_account_seen_first_by_id_alone_stays_in_clear(project, tmp_path: Path) -> None:
    """A candidate quoted (by account id alone) before their own post in the file stayed
    pseudonymised for the whole import: 7 of 13 official accounts of the 2022 file."""
    cfg = project.config_path
    cfg.write_text(cfg.read_text().replace("opted_in = [", 'opted_in = ["@yjadot", ', 1))
    project.reload()
    f = tmp_path / "q.csv"
    f.write_text(
        "tweet_id,account,who,when,body,qt_of,qt_of_by\n"
        "1,Fabien_Roussel,Fabien_Roussel,2021-03-29 12:24:10+00:00,quoting,100,yjadot\n"
        "2,yjadot,yjadot,2021-04-13 13:35:38+00:00,own post,,\n"
    )
    mapping = "id=tweet_id,author=account,handle=who,created_at=when,text=body,quote_of=qt_of,quote_of_author=qt_of_by"
    import_files(project, [f], platform="twitter", mapping=mapping)
    got = dict(project.store.rows("SELECT handle, pseudonymised FROM authors"))
    assert got.get("yjadot") is False  # kept, as the config asks
    first, last = project.store.rows(
        "SELECT first_seen, last_seen FROM authors WHERE handle = 'yjadot'"
    )[0]
    assert str(first).startswith("2021-03-29") and str(last).startswith("2021-04-13")


def test_full_tweets_as_generic_json_lines_import_whole(project, tmp_path) -> None:
    """Wide records (the bundled PHEME tweets as the API gave them, 2.7 KB a line) read as
    generic JSON lines: DuckDB's JSON functions need 10-20x a vector's bytes, so a block of
    them once ran out of the parser's memory cap (a traceback, nothing imported)."""
    import gzip

    tweets = [
        orjson.loads(line)
        for line in gzip.decompress((PHEME / "tweets_v1.jsonl.gz").read_bytes()).splitlines()
    ]
    path = tmp_path / "tweets.jsonl"
    with path.open("wb") as fh:
        for c in range(3):
            for t in tweets:
                i = t["id"] + c * 10**17
                fh.write(orjson.dumps({**t, "id": i, "id_str": str(i)}) + b"\n")
    summary = import_files(project, [path], fmt="jsonl")
    assert (summary.imported, summary.rejected) == (3 * len(tweets), 0)
    kept = project.store.scalar("SELECT count(*) FROM posts WHERE raw LIKE '%\"entities\"%'")
    assert kept == 3 * len(tweets)  # what no column took stays in raw
    assert import_files(project, [path], fmt="jsonl", force=True).imported == 0


def _batch_sizes(monkeypatch) -> list[int]:  # noqa: ANN001
    """The number of posts of each batch the record-by-record import writes, as it goes."""
    import bascule.sources.importer as importer

    batches: list[int] = []
    write = importer.write_batch

    def counting(store, posts, *args, **kw):  # noqa: ANN001, ANN002, ANN003
        batches.append(posts.num_rows)
        return write(store, posts, *args, **kw)

    monkeypatch.setattr(importer, "write_batch", counting)
    return batches


def test_wide_records_are_committed_by_the_megabyte_not_only_by_the_count(
    project, monkeypatch
) -> None:
    """Bounded memory: a batch of 70,000 API tweets with their payloads held ~950 MiB."""
    import bascule.sources.importer as importer

    batches = _batch_sizes(monkeypatch)
    monkeypatch.setattr(importer, "BATCH_BYTES", 1 << 20)
    summary = import_files(project, [PHEME / "tweets_v1.jsonl.gz"])  # 3.2 MB unpacked
    assert summary.imported == project.store.count("posts") > 1000
    assert len(batches) >= 4 and max(batches) < 500


def test_a_kill_after_a_batch_loses_none_of_its_deletions(project, monkeypatch) -> None:
    """Deletion notices were applied in a second transaction after the batch (and the file's
    progress) committed: a kill in between kept deleted posts for good (17,500 of 500,000)."""
    import bascule.sources.importer as importer

    write = importer.write_batch

    def then_killed(*args, **kw):
        write(*args, **kw)
        raise KeyboardInterrupt  # the process dies right after the batch committed

    monkeypatch.setattr(importer, "write_batch", then_killed)
    with pytest.raises(KeyboardInterrupt):
        import_files(project, [SAMPLES / "bluesky.jsonl"])
    monkeypatch.setattr(importer, "write_batch", write)
    import_files(project, [SAMPLES / "bluesky.jsonl"])  # the rerun resumes after the batch
    assert project.store.count("tombstones") == 1
    assert project.store.scalar("SELECT count(*) FROM posts WHERE native_id LIKE '%0002'") == 0


def _many_rows(name: str, n: int, *, multiline: bool = False, wide: bool = False) -> list:
    """The sample's header and `n` rows cycling over its rows with new ids (first column);
    texts spanning lines or 2 KB long when asked."""
    import csv

    rows = list(csv.reader((SAMPLES / name).open(encoding="utf-8")))
    text = rows[0].index("text" if "text" in rows[0] else "body")
    out = [rows[0]]
    for i in range(n):
        r = list(rows[1 + i % (len(rows) - 1)])
        r[0] = str(10**12 + i)
        if multiline:
            r[text] += "\nsuite du texte\n"
        if wide:
            r[text] += " " + "long " * 400
        out.append(r)
    return out


def _write_csv(path: Path, rows: list) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.mark.parametrize("multiline", [False, True])
@pytest.mark.parametrize(
    ("fmt", "sample"), [("csv", "tweets.csv"), ("4cat", "fourcat_twitter.csv")]
)
def test_a_csv_cut_short_resumes_at_the_right_record(
    project, tmp_path, monkeypatch, multiline, fmt, sample
) -> None:  # noqa: ANN001
    """A resumed CSV skipped as many records as the last one's line number: one record lost
    per resume, and every record after a cut when texts span several lines (166,368 of
    376,368 posts, the file then marked done)."""
    path = _write_csv(tmp_path / "tweets.csv", _many_rows(sample, 20, multiline=multiline))
    with monkeypatch.context() as m:
        killed_after_two_commits(m, fmt)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [path], fmt, batch_size=2)
    done = project.store.count("posts")
    assert 0 < done < 20
    # stopped as Ctrl-C stops it (it said "failed"; a listening session says "stopped")
    assert project.store.scalar("SELECT status FROM ingest_runs") == "stopped"
    again = import_files(project, [path], fmt, batch_size=2)
    assert again.files[0].status == "resumed" and again.imported == 20 - done
    assert project.store.count("posts") == 20


def test_ctrl_c_during_a_query_stops_the_import_as_ctrl_c_does(
    project, tmp_path, monkeypatch
) -> None:  # noqa: ANN001
    """Ctrl-C while DuckDB runs a query reaches Python as the query's error ("Query
    interrupted"), not as KeyboardInterrupt: the run said "failed" and the CLI showed a
    traceback."""
    import bascule.store.bulk as bulk

    path = _write_csv(tmp_path / "tweets.csv", _many_rows("tweets.csv", 20, multiline=False))
    real, calls = bulk.BlockWriter.commit, []

    def interrupted(self, *args, **kw):  # noqa: ANN001, ANN002, ANN003, ANN202
        calls.append(real(self, *args, **kw))
        if len(calls) == 2:
            raise RuntimeError("Query interrupted")
        return calls[-1]

    with monkeypatch.context() as m:
        m.setattr(bulk.BlockWriter, "commit", interrupted)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [path], "csv", batch_size=2)
    assert project.store.scalar("SELECT status FROM ingest_runs") == "stopped"
    again = import_files(project, [path], "csv", batch_size=2)
    assert again.files[0].status == "resumed" and project.store.count("posts") == 20


def test_wide_csv_rows_are_committed_by_the_megabyte_too(project, tmp_path, monkeypatch) -> None:
    """The byte cap read a table's resume position, a record count: 60,000 CSV rows of 10 KB
    texts went in one batch (4.5 GB of RSS). 4CAT goes record by record, generic CSV by
    blocks of lines: both hold a few MB at most."""
    import bascule.sources.importer as importer

    path = _write_csv(tmp_path / "wide.csv", _many_rows("fourcat_twitter.csv", 200, wide=True))
    batches = _batch_sizes(monkeypatch)
    monkeypatch.setattr(importer, "BATCH_BYTES", 100_000)
    assert import_files(project, [path], "4cat").imported == 200
    assert len(batches) >= 4 and max(batches) <= 60  # 2 KB texts: about 50 a batch

    import bascule.store.bulk as bulk

    groups = []
    commit = bulk.BlockWriter.commit

    def counting(self):  # noqa: ANN001, ANN202
        groups.append(self._rows)
        return commit(self)

    monkeypatch.setattr(bulk.BlockWriter, "commit", counting)
    monkeypatch.setattr(importer, "JSONL_BYTES_PER_RECORD", 1)  # blocks of 64 KB
    monkeypatch.setattr(bulk, "GROUP_BYTES", 200_000)
    path = _write_csv(tmp_path / "wide2.csv", _many_rows("tweets.csv", 200, wide=True))
    assert import_files(project, [path]).imported == 200
    assert len([g for g in groups if g]) >= 3 and max(groups) <= 100  # 2 KB: ~90 a group


def test_the_format_is_found_past_a_long_or_broken_first_line(project, tmp_path) -> None:
    """Detection parsed only the first 64 KB: a page of 100 API v2 tweets (80 KB) was "not a
    known format", and one broken first line refused a whole file of tweets."""
    from bascule.sources.readers import detect_format

    page = orjson.loads((SAMPLES / "twitter_v2.jsonl").read_bytes())
    tweet = page["data"][0]
    pages = [
        {**page, "data": [{**tweet, "id": str(10**18 + 1000 * p + i)} for i in range(400)]}
        for p in range(2)
    ]
    long = tmp_path / "pages.jsonl"
    long.write_bytes(b"".join(orjson.dumps(p) + b"\n" for p in pages))
    assert long.stat().st_size > 2 * 64 * 1024
    assert detect_format(long) == "twitter-v2"
    assert import_files(project, [long]).imported == 801  # and the tweet in `includes`
    lines = (SAMPLES / "twitter_v1.jsonl").read_bytes().splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_bytes(b"\n".join([lines[0][:40], *lines[1:]]) + b"\n")  # line 1 cut in half
    assert detect_format(cut) == "twitter-v1"
    summary = import_files(project, [cut])
    assert summary.rejected == 1 and summary.rejects[0]["line"] == 1
    assert summary.imported == len(lines) - 1


def test_a_nested_user_without_id_str_gives_its_id(project, tmp_path) -> None:
    """`user.id_str` was taken wherever a record had a `user`, so a `user` with only an `id`
    rejected every row as "missing author" (940,920 of 940,920)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    recs = [
        {"id": str(i), "created_at": "2022-01-01T10:00:00Z", "text": f"post {i}",
         "user": {"id": 10 + i % 2, "screen_name": f"person{i % 2}"}}
        for i in range(4)
    ]  # fmt: skip
    lines = tmp_path / "nested.jsonl"
    lines.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    table = tmp_path / "nested.parquet"
    pq.write_table(
        pa.Table.from_pylist([{**r, "id": str(100 + int(r["id"]))} for r in recs]), table
    )
    for path in (lines, table):
        summary = import_files(project, [path], fmt="jsonl" if path == lines else "auto")
        assert (summary.imported, summary.rejected) == (4, 0), path.suffix
    assert project.store.count("authors") == 2


def test_columns_missing_from_the_first_record_are_mapped(project, tmp_path) -> None:
    """Exports often leave out empty fields: the column map came from the first record alone,
    so a file whose first post was no reply lost every reply and repost (9,243 replies and
    11,750 retweets of one copy of the French candidates' tweets)."""
    recs = [
        {"id": "1", "user_id": "10", "created_at": "2022-01-01T10:00:00Z", "text": "original"},
        {"id": "2", "user_id": "11", "created_at": "2022-01-01T10:01:00Z", "text": "a reply",
         "in_reply_to_status_id": "1", "in_reply_to_user_id": "10"},
        {"id": "3", "user_id": "12", "created_at": "2022-01-01T10:02:00Z", "text": "RT",
         "retweeted_status_id": "1", "retweeted_user_id": "10"},
    ]  # fmt: skip
    path = tmp_path / "sparse.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    assert import_files(project, [path]).imported == 3
    kinds = dict(project.store.rows("SELECT kind, count(*) FROM interactions GROUP BY kind"))
    assert kinds == {"reply": 1, "repost": 1}
    assert project.store.scalar("SELECT count(*) FROM posts WHERE raw IS NOT NULL") == 0


def test_reject_kinds_read_as_words() -> None:
    """The histogram's kinds were cut at the first digit: "expected", "bad delay -"."""
    from bascule.sources.importer import reason_key

    assert reason_key("bad delay -5.0") == "bad delay"
    assert reason_key("wrong number of columns: 9 for 10") == "wrong number of columns"
    assert reason_key("record too large (> 1,048,576 bytes)") == "record too large"


def test_a_twitter_v2_page_over_a_megabyte_imports(project, tmp_path) -> None:
    """A line of the API v2 is a page (up to 500 tweets with their expansions: 1-3 MB in
    full-archive exports); the 1 MiB record cap rejected such pages whole."""
    page = orjson.loads((SAMPLES / "twitter_v2.jsonl").read_bytes())
    tweet = page["data"][0]
    page["data"] = [{**tweet, "id": str(10**18 + i), "text": "x" * 4000} for i in range(500)]
    path = tmp_path / "page.jsonl"
    path.write_bytes(orjson.dumps(page) + b"\n")
    assert path.stat().st_size > 2 << 20
    summary = import_files(project, [path])
    assert (summary.imported, summary.rejected) == (501, 0)  # and the tweet in `includes`


def test_a_json_array_streams_and_keeps_what_comes_before_a_break(project, tmp_path) -> None:
    """A JSON array was parsed whole (223 MB took 1.9 GB of RSS); it is now read an element
    at a time (gzip too), and a broken one is a reject, not a crash."""
    import gzip

    tweets = [
        orjson.loads(line) for line in (SAMPLES / "twitter_v1.jsonl").read_bytes().splitlines()
    ]
    whole = tmp_path / "tweets.json.gz"
    whole.write_bytes(gzip.compress(orjson.dumps(tweets, option=orjson.OPT_INDENT_2)))
    assert import_files(project, [whole]).imported == project.store.count("posts") > 0
    stored = project.store.count("posts")
    fresh = [{**t, "id": t["id"] + 1, "id_str": str(t["id"] + 1)} for t in tweets[:3]]
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"[" + b",\n".join(orjson.dumps(t) for t in fresh) + b',\n{"id": 1, "te')
    summary = import_files(project, [broken])
    assert summary.rejected == 1 and summary.rejects[0]["reason"].startswith("broken JSON")
    assert summary.imported == 3  # DuckDB dropped the whole buffer it broke in
    assert project.store.count("posts") == stored + summary.imported


def test_a_json_array_broken_in_the_middle_loses_only_the_broken_element(project, tmp_path) -> None:  # noqa: ANN001
    """DuckDB stops at the first syntax error: one unclosed string lost every element of a
    20,000-post export. Both paths now read on past it (`sources.jsonarray`)."""
    tweets = [
        orjson.loads(line) for line in (SAMPLES / "twitter_v1.jsonl").read_bytes().splitlines()
    ]
    pretty = orjson.dumps(tweets, option=orjson.OPT_INDENT_2).decode()
    cut = pretty.index('"text": "', pretty.index(f'"id_str": "{tweets[4]["id_str"]}"'))
    end = pretty.index("\n", cut)
    broken = tmp_path / "tweets.json"  # Twitter API tweets: the record path
    assert pretty[end - 2 : end] == '",'
    broken.write_text(pretty[: end - 2] + pretty[end - 1 :])  # the text's closing quote gone
    got = import_files(project, [broken])
    assert (got.imported, got.rejected) == (len(tweets) - 1, 1)
    reject = got.rejects[0]
    element = pretty[:cut].count("\n  {")  # elements open at the margin + 2 (nested: deeper)
    assert element > 1 and reject["line"] == element
    assert "a string is not closed on its line" in reject["reason"]
    line = pretty[: pretty.rfind("\n  {", 0, cut) + 1].count("\n") + 1
    assert f"(element starting on line {line} of the file)" in reject["reason"]

    posts = [orjson.dumps({"id": str(i), "author": f"u{i % 50}", "text": f"post {i}",
                           "created_at": "2024-05-01T10:00:00Z"}) for i in range(20_000)]  # fmt: skip
    posts[15_000] = b'{"id": "15000", "text": "broken'
    generic = tmp_path / "posts.json"  # generic posts: the columnar path
    generic.write_bytes(b"[\n" + b",\n".join(posts) + b"\n]\n")
    got = import_files(project, [generic])
    assert (got.imported, got.rejected) == (19_999, 1)
    assert got.rejects[0]["line"] == 15_001
    assert got.rejects[0]["reason"].endswith("(element starting on line 15002 of the file)")
    assert import_files(project, [generic], force=True).imported == 0  # a rerun adds nothing


def test_a_resumed_file_keeps_the_column_map_of_its_start(project, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """The column map came from the block a resumed import started at: a key its first
    records lacked (the replies' `in_reply_to_status_id`) was dropped for the rest of the
    file, and the replies after the cut lost what they answer."""
    import bascule.sources.columnar as columnar
    import bascule.sources.importer as importer

    def post(i: int, reply: bool) -> dict:
        rec = {"id": str(10**12 + i), "author_id": str(i % 50),
               "created_at": "2026-09-01T10:00:00Z", "text": f"post {i} " + "x" * 100}  # fmt: skip
        if reply:
            rec["in_reply_to_status_id"] = str(10**12)
        return rec

    rows = [post(i, i < 5 or i >= 2990) for i in range(3000)]
    f = tmp_path / "posts.jsonl"
    f.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    monkeypatch.setattr(columnar, "SAMPLE", 5)
    monkeypatch.setattr(importer, "JSONL_BYTES_PER_RECORD", 1)  # blocks of 64 KB
    with monkeypatch.context() as m:
        killed_after_two_commits(m)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [f], batch_size=200)
    assert 0 < project.store.count("posts") < 2990
    assert import_files(project, [f], batch_size=200).files[0].status == "resumed"
    assert project.store.count("posts") == 3000
    assert project.store.scalar("SELECT count(reply_to) FROM posts") == 15


@pytest.mark.parametrize(
    ("name", "mapping", "message"),
    [
        ("tweets.csv", "bogus", "expected field=column"),
        ("tweets.csv", "idx=tweet_id", "unknown field"),
        ("tweets.csv", "id=nope", "no column 'nope'"),
        ("tweets.parquet", "id=nope", "no column 'nope'"),
        ("retweets.jsonl", "id=nope", "no column 'nope'"),
        ("twitter_v1.jsonl", "bogus", "expected field=column"),
        ("array.json", "id=nope", "no column 'nope'"),
        ("noid.csv", None, "cannot tell which column is the post id"),
        ("bad.parquet", None, "not a Parquet file"),  # was a traceback from pyarrow
    ],
)
def test_usage_errors_leave_no_failed_run(project, tmp_path, name, mapping, message) -> None:  # noqa: ANN001
    # a bad --map or columns it cannot tell left a `failed` row in `bascule runs` each time
    from bascule.errors import InputError
    from bascule.store.runs import list_runs

    path = SAMPLES / name
    if name == "array.json":
        path = tmp_path / name
        lines = (SAMPLES / "retweets.jsonl").read_text().splitlines()
        path.write_text("[\n" + ",\n".join(lines) + "\n]\n")
    if name == "noid.csv":
        path = tmp_path / name
        path.write_text("what,when\nhello,2015-01-09\n")
    if name == "bad.parquet":
        path = tmp_path / name
        path.write_text("hello\n")
    with pytest.raises(InputError, match=message):
        import_files(project, [path], mapping=mapping)
    assert list_runs(project.store) == []


def test_a_column_the_first_records_lack_is_no_usage_error(project, tmp_path) -> None:  # noqa: ANN001
    # the check before the run reads the keys of the first objects, as the import does
    recs = [{"id": "1", "user_id": "10", "created_at": "2022-01-01T10:00:00Z", "t": "a"}]
    recs += [{**recs[0], "id": "2", "parent": "1"}]
    path = tmp_path / "sparse.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in recs))
    assert import_files(project, [path], mapping="reply_to=parent").imported == 2


def test_an_rss_feed_is_sent_to_the_live_source(project, tmp_path) -> None:  # noqa: ANN001
    # "cannot tell its format; give it with --format", though no format reads a feed
    from bascule.errors import InputError

    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>x</title>'
        "<item><title>t</title></item></channel></rss>\n"
    )
    atom = tmp_path / "atom.xml"
    atom.write_text('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n')
    for f in (feed, atom):
        with pytest.raises(InputError, match="RSS or Atom feed") as err:
            import_files(project, [f])
        assert '[[sources]] kind = "rss"' in str(err.value) and "bascule listen" in str(err.value)
        assert "--format" not in str(err.value) and "bascule listen" in err.value.fr


def test_a_file_read_as_the_wrong_format_gets_a_format_hint(project, capsys) -> None:  # noqa: ANN001
    # twitter_v1.jsonl read as Mastodon: "missing account" x6, and no word of --format
    from bascule.cli import main

    wrong = import_files(project, [SAMPLES / "twitter_v1.jsonl"], fmt="mastodon")
    hint = {"reason": "missing account", "detected": "twitter-v1"}
    assert wrong.files[0].format_hint == hint
    assert wrong.to_dict()["files"][0]["format_hint"] == hint
    right = import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    assert right.imported == 6 and right.files[0].format_hint is None
    broken = import_files(project, [SAMPLES / "twitter_v1_broken.jsonl"])
    assert broken.files[0].format_hint is None  # reasons differ: a damaged file
    root = str(project.root)
    project.close()
    args = ["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl"), "-f", "mastodon", "--force"]
    assert main([*args, "--lang", "en"]) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "Every record was rejected for the same reason (missing account): check --format: "
        "auto-detection reads it as twitter-v1." in err
    )
    assert main([*args, "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["files"][0]["format_hint"] == hint


def test_generic_posts_already_stored_under_a_platform_get_the_hint(project, capsys) -> None:  # noqa: ANN001
    # tweets.csv without --platform into a project holding the same tweets from the API: the
    # six tweets stored again as generic, their authors counted twice, without a word
    from bascule.cli import main

    import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    twice = import_files(project, [SAMPLES / "tweets.csv"])
    assert twice.imported == 6 and twice.same_posts_hint == ("twitter", 6)
    assert twice.to_dict()["same_posts_hint"] == ("twitter", 6)
    right = import_files(project, [SAMPLES / "tweets.parquet"], platform="twitter")
    assert right.imported == 0 and right.same_posts_hint is None
    root = str(project.root)
    project.close()
    assert main(["runs", "undo", "-p", root, str(twice.run_id)]) == 0
    capsys.readouterr()
    assert main(["import", "-p", root, str(SAMPLES / "tweets.csv"), "--lang", "en"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert "6 posts of this file have the ids of posts already stored as 'twitter'" in err
    assert "bascule runs undo" in err and "--platform twitter" in err
