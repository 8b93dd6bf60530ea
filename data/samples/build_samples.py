"""How the real samples were cut (run once; kept for provenance). Fixtures are hand-written.

Usage: python build_samples.py SHARED_DATA
"""

import csv
import gzip
import json
import lzma
import sys
from pathlib import Path

shared = Path(sys.argv[1])
here = Path(__file__).parent
pheme = here.parent / "pheme_charliehebdo"
tweets = {}
for line in gzip.open(pheme / "tweets_v1.jsonl.gz", "rt", encoding="utf-8"):
    t = json.loads(line)
    tweets[t["id_str"]] = t
SOURCE = "553544694765215745"  # a source tweet with French and English replies
thread = [tweets[SOURCE]] + sorted(
    (t for t in tweets.values() if t.get("in_reply_to_status_id_str") == SOURCE),
    key=lambda t: t["id_str"],
)[:5]


def dump(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


(here / "twitter_v1.jsonl").write_text("".join(dump(t) + "\n" for t in thread), encoding="utf-8")

# the same real lines with four of them damaged in known ways (lines 2, 4, 5, 7)
good = [dump(t) for t in thread]
missing_id = dict(thread[2])
missing_id.pop("id")
missing_id.pop("id_str")
bad_date = dict(thread[3], created_at="Wed Jan 32 25:99:00 +0000 2015")
lines = [
    good[0].encode(),
    good[1][: len(good[1]) // 2].encode(),  # broken JSON (cut in half)
    good[1].encode(),
    dump(missing_id).encode(),
    dump(bad_date).encode(),
    good[4].encode(),
    good[5].encode().replace(b'"text":"', b'"text":"\xff\xfe', 1),  # bad UTF-8
]
(here / "twitter_v1_broken.jsonl").write_bytes(b"\n".join(lines) + b"\n")

# generic JSONL: real flattened retweets of the source tweet
rts = [
    json.loads(line)
    for line in gzip.open(pheme / "retweets.jsonl.gz", "rt")
    if json.loads(line)["retweeted_status_id"] == SOURCE
][:8]
(here / "retweets.jsonl").write_text("".join(dump(r) + "\n" for r in rts))

# generic CSV / Parquet: the real flattened PHEME rows of the same tweets
flat = [
    json.loads(line)
    for line in gzip.open(shared / "pheme_scheme" / "tweets.jsonl.gz", "rt")
]
flat = [r for r in flat if r["tweet_id"] in {t["id_str"] for t in thread}]
cols = [
    "tweet_id", "user_id", "user_screen_name", "created_at", "lang", "text",
    "in_reply_to_status_id", "in_reply_to_user_id", "retweet_count", "favorite_count",
]
with open(here / "tweets.csv", "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(cols)
    for r in flat:
        w.writerow(["" if r[c] is None else r[c] for c in cols])
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

pq.write_table(pa.Table.from_pylist([{c: r[c] for c in cols} for r in flat]), here / "tweets.parquet")

# 4CAT: the same real tweets in the column layout of 4CAT's Twitter (API v2) export
four = [
    "id", "thread_id", "timestamp", "unix_timestamp", "author", "author_fullname", "author_id",
    "source", "lang", "retweet_count", "reply_count", "like_count", "quote_count",
    "is_retweet", "is_quote_tweet", "is_reply", "body", "hashtags", "urls", "mentions",
    "reply_to", "url",
]
from datetime import UTC, datetime  # noqa: E402

with open(here / "fourcat_twitter.csv", "w", newline="", encoding="utf-8") as fh:
    w = csv.writer(fh)
    w.writerow(four)
    for t in thread:
        ts = datetime.strptime(t["created_at"], "%a %b %d %H:%M:%S %z %Y").astimezone(UTC)
        w.writerow([
            t["id_str"], SOURCE, ts.strftime("%Y-%m-%d %H:%M:%S"), int(ts.timestamp()),
            t["user"]["screen_name"], t["user"]["name"], t["user"]["id_str"], "", t["lang"],
            t["retweet_count"], "", t["favorite_count"], "", "no", "no",
            "yes" if t.get("in_reply_to_status_id_str") else "no", t["text"],
            ",".join(h["text"] for h in t["entities"]["hashtags"]),
            ",".join(u["expanded_url"] for u in t["entities"]["urls"]),
            ",".join(m["screen_name"] for m in t["entities"]["user_mentions"]),
            t.get("in_reply_to_screen_name") or "",
            f"https://twitter.com/{t['user']['screen_name']}/status/{t['id_str']}",
        ])

# cascades: the first 25 edges of the first Twitter15 tree
with lzma.open(shared / "twitter15_cascades" / "edges.tsv.xz", "rt") as fh:
    rows = [next(fh) for _ in range(26)]
(here / "cascades.tsv").write_text("".join(rows))
