"""One module per input format; each turns a platform payload into `Post`s with pure functions.

Formats: `jsonl`, `csv`, `parquet`, `xlsx` (generic, with a column mapping; `xlsx` also reads
.xls and .ods spreadsheets), `mastodon`, `bluesky`, `twitter-v1`, `twitter-v2`, `4cat`,
`cascades`.
"""

FORMATS = (
    "jsonl",
    "csv",
    "parquet",
    "xlsx",
    "mastodon",
    "bluesky",
    "twitter-v1",
    "twitter-v2",
    "4cat",
    "cascades",
)
