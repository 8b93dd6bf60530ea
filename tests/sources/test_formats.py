"""Each format's mapping on small real samples (PHEME, Twitter15) and documented-format fixtures."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
import pytest

from bascule.sources.formats import bluesky, common, mastodon, twitter_v1, twitter_v2
from bascule.sources.model import Deletion, Post, RecordError, Reject
from bascule.sources.readers import detect_format, iter_posts

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _lines(name: str) -> list[dict]:
    return [orjson.loads(x) for x in (SAMPLES / name).read_bytes().splitlines() if x.strip()]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("twitter_v1.jsonl", "twitter-v1"),
        ("twitter_v2.jsonl", "twitter-v2"),
        ("mastodon_statuses.jsonl", "mastodon"),
        ("bluesky.jsonl", "bluesky"),
        ("retweets.jsonl", "jsonl"),
        ("tweets.csv", "csv"),
        ("tweets.parquet", "parquet"),
        ("fourcat_twitter.csv", "4cat"),
        ("cascades.tsv", "cascades"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(SAMPLES / name) == fmt


def test_parse_time_forms() -> None:
    want = datetime(2015, 1, 9, 13, 31, 54)
    assert common.parse_time("Fri Jan 09 13:31:54 +0000 2015") == want
    assert common.parse_time("Fri Jan 09 14:31:54 +0100 2015") == want
    assert common.parse_time("2015-01-09T13:31:54.000Z") == want
    assert common.parse_time("2015-01-09T08:31:54-05:00") == want
    assert common.parse_time(1420810314) == want
    assert common.parse_time(1420810314000) == want
    with pytest.raises(RecordError, match="bad date"):
        common.parse_time("Wed Jan 32 25:99:00 +0000 2015")
    with pytest.raises(RecordError, match="missing date"):
        common.parse_time(None)


def test_snowflake_time_of_a_real_tweet() -> None:
    # PHEME says 553544694765215745 was created "Fri Jan 09 13:31:54 +0000 2015"
    ts = common.snowflake_time("553544694765215745")
    assert ts.replace(microsecond=0) == datetime(2015, 1, 9, 13, 31, 54)
    with pytest.raises(RecordError, match="predates"):
        common.snowflake_time("20")


def test_twitter_v1_reply_with_mentions() -> None:
    src, *replies = _lines("twitter_v1.jsonl")
    post = twitter_v1.map_tweet(src)
    assert (post.platform, post.native_id, post.author.native_id) == (
        "twitter",
        "553544694765215745",
        "9651232",
    )
    assert post.author.handle == "JulienPain" and post.author.verified is True
    assert post.created_at == datetime(2015, 1, 9, 13, 31, 54)
    assert (post.reposts, post.likes, post.lang) == (171, 20, "en")
    reply = twitter_v1.map_tweet(replies[2])
    assert reply.reply_to == "553544694765215745"
    assert reply.reply_to_author.native_id == "9651232"
    # the replied-to author is not repeated as a mention; FRANCE24 is
    assert [m.handle for m in reply.mentions] == ["FRANCE24"]
    assert reply.text.startswith("@JulienPain @FRANCE24 Les autorités")


def test_twitter_v1_retweet_and_delete_notice() -> None:
    src = _lines("twitter_v1.jsonl")[0]
    rt = {
        "id_str": "1",
        "created_at": "Fri Jan 09 13:40:00 +0000 2015",
        "text": "RT @JulienPain: ...",
        "user": {"id_str": "42", "screen_name": "someone"},
        "retweeted_status": src,
        "entities": {"user_mentions": [{"id_str": "9651232", "screen_name": "JulienPain"}]},
    }
    posts = twitter_v1.map_all(rt)
    assert [p.native_id for p in posts] == ["1", "553544694765215745"]
    assert posts[0].repost_of == "553544694765215745"
    assert posts[0].repost_of_author.native_id == "9651232"
    assert posts[0].mentions == []
    gone = twitter_v1.map_all({"delete": {"status": {"id_str": "99", "user_id_str": "1"}}})
    assert gone == [Deletion("twitter", "99")]
    with pytest.raises(RecordError, match="missing id"):
        twitter_v1.map_tweet({"user": {"id_str": "1"}, "created_at": "2015-01-01T00:00:00Z"})


def test_twitter_v2_page_with_includes() -> None:
    posts = twitter_v2.map_all(_lines("twitter_v2.jsonl")[0])
    by_id = {p.native_id: p for p in posts}
    assert set(by_id) == {"1570000000000000001", "1570000000000000002", "1570000000000000003"}
    reply = by_id["1570000000000000002"]
    assert reply.reply_to == "1570000000000000001"
    assert reply.reply_to_author.handle == "TwitterDev"
    assert reply.mentions == []
    rt = by_id["1570000000000000003"]
    assert rt.repost_of == "1570000000000000001"
    assert rt.repost_of_author.native_id == "2244994945"
    orig = by_id["1570000000000000001"]
    assert (orig.author.handle, orig.author.followers, orig.likes) == ("TwitterDev", 513000, 40)


def test_mastodon_status_reply_and_boost() -> None:
    s1, s2, s3 = _lines("mastodon_statuses.jsonl")
    p1 = mastodon.map_status(s1)
    assert p1.native_id == "mastodon.example:111000000000000001"
    assert p1.author.native_id == "alice@mastodon.example"
    assert p1.text == "Le débat sur le #logement ce soir\xa0: qui a un plan crédible\xa0?"
    assert (p1.likes, p1.reposts, p1.replies, p1.lang) == (4, 1, 1, "fr")
    p2 = mastodon.map_status(s2, instance="mastodon.example")
    assert p2.reply_to == "mastodon.example:111000000000000001"
    assert p2.reply_to_author.native_id == "alice@mastodon.example"
    assert p2.author.native_id == "bob@social.example"
    assert p2.mentions == []
    assert p2.text == "@alice Aucun, à mon avis.\nOn verra jeudi."
    boost = mastodon.map_all(s3)  # the boosted status shows the local server
    assert [p.native_id for p in boost] == [
        "mastodon.example:111000000000000003",
        "mastodon.example:111000000000000001",
    ]
    assert boost[0].repost_of == "mastodon.example:111000000000000001"
    assert boost[0].repost_of_author.native_id == "alice@mastodon.example"


def test_bluesky_records_and_jetstream() -> None:
    ev1, ev2, ev3, view, ev4, ev5 = _lines("bluesky.jsonl")
    alice = "did:plc:fixturealice0000000000000"
    root = f"at://{alice}/app.bsky.feed.post/3lfixpost0001"
    p1 = bluesky.map_jetstream_event(ev1)
    assert isinstance(p1, Post) and p1.native_id == root and p1.author.native_id == alice
    assert p1.lang == "en" and p1.conversation_id == root
    assert p1.url == f"https://bsky.app/profile/{alice}/post/3lfixpost0001"
    p2 = bluesky.map_post_record(
        f"at://{ev2['did']}/app.bsky.feed.post/x", ev2["did"], ev2["commit"]["record"]
    )
    assert p2.reply_to == root and p2.reply_to_author.native_id == alice
    assert p2.mentions == []  # the mention of the replied-to author is the reply itself
    rp = bluesky.map_jetstream_event(ev3)
    assert rp.repost_of == root and rp.repost_of_author.native_id == alice
    q = bluesky.map_post_view(view)
    assert q.quote_of == root and q.author.handle == "bob.fixture.example"
    assert (q.likes, q.reposts) == (5, 2)
    gone = bluesky.map_jetstream_event(ev4)
    assert gone == Deletion("bluesky", f"at://{ev4['did']}/app.bsky.feed.post/3lfixpost0002")
    assert bluesky.map_jetstream_event(ev5) is None


def test_cascades_rows_become_reposts_of_the_root() -> None:
    got = [p for _, p in iter_posts(SAMPLES / "cascades.tsv")]
    assert len(got) == 25 and all(isinstance(p, Post) for p in got)
    root, first = got[0], got[1]
    assert root.native_id == "265953285247209472" and root.repost_of is None
    assert first.repost_of == "265953285247209472"
    assert first.author.native_id == "21061006"
    assert first.repost_of_author.native_id == "39364684"  # got it from the root author
    # 0.45 minutes after the root's snowflake time
    assert (first.created_at - root.created_at).total_seconds() == pytest.approx(27.0)


def test_cascade_reposts_name_the_post_of_the_account_they_got_it_from() -> None:
    """A repost's target is the parent's post (the source, or the parent's own repost or
    reply), so the post it names is by the account it names: the source's author stays the
    source's author, and the tree's depth (downstream amplification) is kept."""
    rows = [p for _, p in iter_posts(SAMPLES.parent / "twitter15" / "edges_slice.tsv.gz")]
    posts: dict[str, Post] = {}
    for p in rows:
        posts.setdefault(p.native_id, p)
    root = "356297080169447425"
    assert posts[root].author.native_id == "503238478" and posts[root].repost_of is None
    # 382263575 retweeted the source, 52275888 got it from them, 59648105 from 52275888
    assert posts[f"{root}-382263575"].repost_of == root
    assert posts[f"{root}-52275888"].repost_of == f"{root}-382263575"
    deep = posts[f"{root}-59648105"]
    assert (deep.repost_of, deep.repost_of_author.native_id) == (f"{root}-52275888", "52275888")
    # 64653984 retweeted 416361380's own tweet (its own id, 5.15 minutes in)
    assert posts["356298529104330752"].repost_of == "356298375840284673"
    reposts = [p for p in posts.values() if p.repost_of]
    assert len(reposts) == 1367
    assert all(posts[p.repost_of].author == p.repost_of_author for p in reposts)
    # the source listed again as a child of one of its retweeters is the source, not a repost
    again = [p for p in rows if p.native_id == root]
    assert len(again) == 2 and all(p.repost_of is None for p in again)


def test_generic_mapping_detects_and_overrides_columns() -> None:
    rows = list(iter_posts(SAMPLES / "retweets.jsonl", platform="twitter"))
    assert len(rows) == 8
    p = rows[0][1]
    assert (p.native_id, p.author.native_id, p.repost_of) == (
        "553544806023319552",
        "1994321",
        "553544694765215745",
    )
    assert p.repost_of_author.native_id == "9651232" and p.author.followers == 1259191
    # an explicit mapping wins over detection
    rows = list(iter_posts(SAMPLES / "tweets.csv", mapping="author=user_screen_name"))
    assert rows[0][1].author.native_id == "JulienPain"


@pytest.mark.parametrize(
    "heading",
    [
        "identifiant;auteur;date;texte;langue;lien;j_aime;partages;reponses",
        # as a team's own spreadsheet writes them: capitals, accents, apostrophes
        "Identifiant;Auteur;Date;Texte;Langue;Lien;J’aime;Partages;Réponses",
    ],
)
def test_a_french_spreadsheet_needs_no_column_map(tmp_path: Path, heading: str) -> None:
    path = tmp_path / "veille.csv"
    path.write_text(
        heading + "\n7;@fan_du_pq;2026-09-01T10:00:00Z;Le logement d'abord;fr;"
        "https://x.social/7;4;2;1\n"
    )
    ((_, p),) = iter_posts(path)
    assert (p.native_id, p.author.native_id, p.text, p.lang, p.url) == (
        "7", "@fan_du_pq", "Le logement d'abord", "fr", "https://x.social/7"
    )  # fmt: skip
    assert (p.likes, p.reposts, p.replies) == (4, 2, 1)


def test_csv_parquet_4cat_agree_on_real_tweets() -> None:
    def ids(name: str) -> list[tuple]:
        return [
            (p.native_id, p.created_at, p.text)
            for _, p in iter_posts(SAMPLES / name, platform="twitter")
        ]

    v1 = ids("twitter_v1.jsonl")
    assert ids("tweets.csv") == v1
    assert ids("tweets.parquet") == v1
    assert ids("fourcat_twitter.csv") == v1


def test_fourcat_links_handles_to_ids_seen_before() -> None:
    posts = [p for _, p in iter_posts(SAMPLES / "fourcat_twitter.csv")]
    assert posts[0].platform == "twitter"
    assert posts[3].reply_to_author.native_id == "9651232"  # @JulienPain, author of row 1


def test_broken_lines_are_rejected_with_their_line_numbers() -> None:
    got = list(iter_posts(SAMPLES / "twitter_v1_broken.jsonl"))
    rejects = [(n, r.reason.split(":")[0].split(" '")[0]) for n, r in got if isinstance(r, Reject)]
    assert rejects == [(2, "broken JSON"), (4, "missing id"), (5, "bad date"), (7, "bad encoding")]
    assert [n for n, p in got if isinstance(p, Post)] == [1, 3, 6]


def test_oversized_record_is_rejected_and_reading_goes_on(tmp_path: Path) -> None:
    src = (SAMPLES / "twitter_v1.jsonl").read_bytes().splitlines()
    big = orjson.loads(src[1])
    big["text"] = "x" * (10 << 20)  # a 10 MB text
    f = tmp_path / "big.jsonl"
    f.write_bytes(src[0] + b"\n" + orjson.dumps(big) + b"\n" + src[2] + b"\n")
    got = list(iter_posts(f, "twitter-v1"))
    assert [type(x).__name__ for _, x in got] == ["Post", "Reject", "Post"]
    assert got[1][0] == 2 and got[1][1].reason.startswith("record too large")
    assert len(got[1][1].record) <= 300


def test_json_array_file(tmp_path: Path) -> None:
    statuses = _lines("mastodon_statuses.jsonl")
    f = tmp_path / "statuses.json"
    f.write_bytes(orjson.dumps(statuses, option=orjson.OPT_INDENT_2))
    assert detect_format(f) == "mastodon"
    got = [p for _, p in iter_posts(f)]
    assert len(got) == 4 and got[0].native_id == "mastodon.example:111000000000000001"


@pytest.mark.parametrize(
    ("mapping", "columns", "fr"),
    [
        ("bogus", ["id"], "champ=colonne attendu, pas 'bogus'"),
        ("idx=tweet_id", ["id"], "champ inconnu idx ; champs connus : id, author"),
        ("idx=a,foo=b", ["id"], "champs inconnus foo, idx ;"),
        ("id=nope", ["tweet_id", "user"], "pas de colonne 'nope' (colonnes : tweet_id, user)"),
    ],
)
def test_mapping_errors_speak_french(mapping: str, columns: list[str], fr: str) -> None:
    # French projects showed the --map errors in English
    from bascule.errors import InputError
    from bascule.sources.formats.generic import ColumnMap, parse_mapping

    with pytest.raises(InputError) as err:
        ColumnMap.resolve(columns, parse_mapping(mapping))
    assert err.value.fr and fr in err.value.say("fr") and "--map" in err.value.say("fr")
    assert "--map" in err.value.say("en") and fr not in err.value.say("en")
