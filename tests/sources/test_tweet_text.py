"""Tweets keep the text their authors typed: the Twitter API's HTML escapes are undone."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from bascule.sources.formats import twitter_v1, twitter_v2
from bascule.sources.formats.common import tweet_text

PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo" / "tweets_v1.jsonl.gz"


def test_the_three_escapes_and_nothing_else() -> None:
    assert tweet_text("satire&amp;humor &lt;3 a -&gt; b") == "satire&humor <3 a -> b"
    assert tweet_text("typed &amp;amp; literally") == "typed &amp; literally"
    assert tweet_text("&eacute;t&eacute; &#233;") == "&eacute;t&eacute; &#233;"  # never sent
    assert tweet_text(None) is None and tweet_text("") == ""


def test_real_pheme_tweets_read_as_typed() -> None:
    with gzip.open(PHEME, "rt", encoding="utf-8") as f:
        objs = [json.loads(line) for line in f]
    escaped = [o for o in objs if "&amp;" in (o.get("text") or "")]
    assert len(escaped) >= 3  # "France, its Parliament &amp; Senate", "satire&amp;humor"...
    for o in escaped:
        text = twitter_v1.map_tweet(o).text
        assert "&amp;" not in text and "&" in text


def test_v2_text_and_note_tweets() -> None:
    obj = {"id": "1", "author_id": "2", "created_at": "2022-04-01T10:00:00.000Z"}
    assert twitter_v2.map_tweet({**obj, "text": "Q&amp;A &gt; rien"}).text == "Q&A > rien"
    note = {**obj, "text": "court", "note_tweet": {"text": "long &lt;texte&gt;"}}
    assert twitter_v2.map_tweet(note).text == "long <texte>"
