"""How this slice was cut from the PHEME copy (run once; kept for provenance).

Usage: python build_slice.py SHARED_DATA/pheme_scheme OUT_DIR
"""

import gzip
import io
import json
import sys
import tarfile
from pathlib import Path

src, out = Path(sys.argv[1]), Path(sys.argv[2])
tweets, sources = [], {}
with tarfile.open(src / "raw_threads_charliehebdo.tar.xz") as tar:
    for m in sorted(tar.getmembers(), key=lambda m: m.name):
        parts = m.name.split("/")
        if not m.isfile() or len(parts) != 6 or parts[4] not in ("source-tweets", "reactions"):
            continue
        if not parts[5].endswith(".json") or parts[5] in ("annotation.json", "structure.json", "retweets.json"):
            continue
        text = tar.extractfile(m).read().decode("utf-8")
        if not text.strip():
            continue  # one source file is empty in the copy
        obj, _end = json.JSONDecoder().raw_decode(text.strip())  # one file holds two objects
        if parts[4] == "source-tweets":
            sources[parts[3]] = obj
        tweets.append(obj)
seen, lines = set(), []
for t in tweets:
    if t["id_str"] not in seen:
        seen.add(t["id_str"])
        lines.append(t)
authors = {t["id_str"]: t["user"]["id_str"] for t in lines}
with gzip.open(out / "tweets_v1.jsonl.gz", "wt", encoding="utf-8") as fh:
    for t in lines:
        fh.write(json.dumps(t, ensure_ascii=False, separators=(",", ":")) + "\n")
with gzip.open(src / "retweets.jsonl.gz", "rt") as fin, gzip.open(
    out / "retweets.jsonl.gz", "wt", encoding="utf-8"
) as fout:
    for line in fin:
        r = json.loads(line)
        # the retweeted tweet's author (a few rows sit in another thread's file)
        r["retweeted_user_id"] = authors.get(r["retweeted_status_id"])
        fout.write(json.dumps(r, separators=(",", ":")) + "\n")
print(len(lines), "tweets")
