"""One module per input format; each turns a platform payload into `Post`s with pure functions.

Formats: `jsonl`, `csv`, `parquet` (generic, with a column mapping), `mastodon`, `bluesky`,
`twitter-v1`, `twitter-v2`, `4cat`, `cascades`.
"""

FORMATS = (
    "jsonl",
    "csv",
    "parquet",
    "mastodon",
    "bluesky",
    "twitter-v1",
    "twitter-v2",
    "4cat",
    "cascades",
)
