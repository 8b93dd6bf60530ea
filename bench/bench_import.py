"""Import throughput: `bascule import` of N JSON-lines posts beside DuckDB's own `read_json`.

Two files of 1M posts: generated minimal records (ids, authors drawn from 100k accounts, ISO
dates, 35-character texts with mentions and replies), and, when `../shared/data` is given,
real records (PHEME's tweets repeated with new ids: 18 fields, real texts, a `raw` remainder),
also as CSV and Parquet files beside DuckDB's `read_csv` and `read_parquet`.
Each side runs in its own process, which reports its wall time and peak RSS. Goal: >= 50,000
posts/s and within 3x of the raw read.
"""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

RAW = """
import json, resource, sys, time, duckdb
t = time.perf_counter()
con = duckdb.connect(sys.argv[2])
reader = sys.argv[3] if len(sys.argv) > 3 else "read_json(?, format='newline_delimited')"
con.execute(f"CREATE TABLE posts AS SELECT * FROM {reader}", [sys.argv[1]])
n = con.execute("SELECT count(*) FROM posts").fetchall()[0][0]
con.close()
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": n, "rss_mib": r.ru_maxrss / 1024,
                  "cpu": r.ru_utime + r.ru_stime}))
"""
OURS = """
import json, resource, sys, time
from bascule.project import init_project
from bascule.sources.importer import import_files
p = init_project(sys.argv[2])
t = time.perf_counter()
s = import_files(p, [sys.argv[1]], platform="bench")
p.close()
r = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t, "rows": s.imported, "linked": s.linked,
                  "rss_mib": r.ru_maxrss / 1024, "cpu": r.ru_utime + r.ru_stime}))
"""


def generate(path: Path, n: int, *, seed: int = 0) -> None:
    """Write n JSON-lines posts (generated) to path."""
    rng = random.Random(seed)
    accounts = max(n // 10, 10)
    with open(path, "wb") as fh:
        for i in range(n):
            rec = {
                "id": str(10**12 + i),
                "author_id": str(rng.randrange(accounts)),
                "created_at": f"2026-09-{1 + i * 30 // n:02d}T{rng.randrange(24):02d}:"
                f"{rng.randrange(60):02d}:{rng.randrange(60):02d}Z",
                "text": f"post {i} on the debate #polqc"
                + (f" @user{rng.randrange(accounts)}" if i % 4 == 0 else ""),
                "lang": "fr" if i % 3 else "en",
                "in_reply_to_status_id": str(10**12 + rng.randrange(i))
                if i and i % 5 == 0
                else None,
                "like_count": rng.randrange(100),
            }
            fh.write(orjson.dumps(rec) + b"\n")


def generate_records(path: Path, n: int, tweets: Path) -> int:
    """Write n JSON-lines posts shaped as real ones: the records of PHEME's `tweets.jsonl.gz`
    (18 fields, 640 bytes a line, real texts, @mentions and reply chains) repeated with new
    ids, their authors spread over 100k accounts. Returns how many distinct posts it holds
    (PHEME repeats a few tweet ids)."""
    records = [orjson.loads(line) for line in gzip.decompress(tweets.read_bytes()).splitlines()]
    users: dict[str, int] = {}
    for r in records:
        for k in ("user_id", "in_reply_to_user_id"):
            if r.get(k) is not None:
                users.setdefault(r[k], len(users))
    distinct = len({r["tweet_id"] for r in records})
    written = unique = copy = 0
    with open(path, "wb") as fh:
        while written < n:
            offset = copy * 10**18
            part = records[: n - written]
            for r in part:
                o = dict(r)
                for k in ("tweet_id", "thread_id", "in_reply_to_status_id"):
                    if o.get(k) is not None:
                        o[k] = str(int(o[k]) + offset)
                for k in ("user_id", "in_reply_to_user_id"):
                    if o.get(k) is not None:
                        o[k] = str((users[o[k]] * 97 + copy * 7919) % 100_000)
                o["user_screen_name"] = "user" + o["user_id"]
                fh.write(orjson.dumps(o) + b"\n")
            written += len(part)
            unique += distinct if len(part) == len(records) else len({r["tweet_id"] for r in part})
            copy += 1
    return unique


def _run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(code: str, src: Path, out: Path, times: int, *extra: str) -> dict:
    """The fastest of `times` runs, each into a fresh database."""
    import shutil

    runs = []
    for i in range(times):
        target = out.with_name(f"{out.name}{i}")
        runs.append(_run(code, str(src), str(target), *extra))
        shutil.rmtree(target, ignore_errors=True)
        target.unlink(missing_ok=True)
    return min(runs, key=lambda r: r["seconds"])


def run(data: Path, quick: bool) -> str:
    """Benchmark section (Markdown) for bench/RESULTS.md."""
    n = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory(prefix="bascule-bench-") as tmp:
        src = Path(tmp) / "posts.jsonl"
        t = time.perf_counter()
        generate(src, n)
        size = src.stat().st_size
        print(f"generated {n:,} posts ({size / 2**20:.0f} MiB) in {time.perf_counter() - t:.1f} s")
        raw = _best(RAW, src, Path(tmp) / "raw.duckdb", 3)
        print(f"duckdb read_json: {raw['seconds']:.2f} s, {raw['rss_mib']:.0f} MiB")
        ours = _best(OURS, src, Path(tmp) / "proj", 2)
        print(f"bascule import:   {ours['seconds']:.2f} s, {ours['rss_mib']:.0f} MiB")
        real = _real(Path(tmp), n, data / "pheme_scheme" / "tweets.jsonl.gz")
        big = None if quick else _big(Path(tmp))
    assert ours["rows"] == n and ours["linked"] == _replies(n), ours
    rate, ref = n / ours["seconds"], n / raw["seconds"]
    ratio = ours["seconds"] / raw["seconds"]
    print(f"ratio {ratio:.1f}x (goal <= 3x), {rate:,.0f} posts/s (goal >= 50,000)")
    lines = [
        "## import",
        "",
        f"{n:,} generated JSON-lines posts ({size / 2**20:.0f} MiB), generic format, "
        "pseudonymised (authors and @mentions), checked, deduplicated, authors aggregated, "
        f"and each of the {_replies(n):,} replies linked to the author of the post it answers "
        "(the file names the post only, as many exports do); every field is mapped, so no "
        "`raw` remainder is stored. "
        "Reference: DuckDB `read_json` into a table (no validation, no keys, no pseudonyms). "
        "Best of 3 runs (reference) and 2 runs (Bascule), each into a fresh database; CPU "
        "seconds are user + system of the process.",
        "",
        "| | seconds | posts/s | CPU s | peak RSS (MiB) |",
        "|---|---:|---:|---:|---:|",
        f"| DuckDB read_json | {raw['seconds']:.2f} | {ref:,.0f} | {raw['cpu']:.1f} | "
        f"{raw['rss_mib']:.0f} |",
        f"| bascule import | {ours['seconds']:.2f} | {rate:,.0f} | {ours['cpu']:.1f} | "
        f"{ours['rss_mib']:.0f} |",
        "",
        f"Ratio: **{ratio:.1f}x** the raw read (goal <= 3x: "
        f"{'met' if ratio <= 3 else 'not met'}); **{rate:,.0f} posts/s** (goal >= 50,000: "
        f"{'met' if rate >= 50_000 else 'not met'}).",
    ]
    if real is not None:
        r_ratio = real["ours"]["seconds"] / real["raw"]["seconds"]
        lines += [
            "",
            f"The same on {n:,} posts shaped as real ones ({real['mib']:.0f} MiB): the records "
            "of PHEME's `tweets.jsonl.gz` (18 fields, real texts with their @mentions, replies "
            "naming the account answered, unmapped fields kept in `raw`) repeated with new ids, "
            "authors spread over 100k accounts:",
            "",
            "| | seconds | posts/s | CPU s | peak RSS (MiB) |",
            "|---|---:|---:|---:|---:|",
            f"| DuckDB read_json | {real['raw']['seconds']:.2f} | "
            f"{n / real['raw']['seconds']:,.0f} | {real['raw']['cpu']:.1f} | "
            f"{real['raw']['rss_mib']:.0f} |",
            f"| bascule import | {real['ours']['seconds']:.2f} | "
            f"{n / real['ours']['seconds']:,.0f} | {real['ours']['cpu']:.1f} | "
            f"{real['ours']['rss_mib']:.0f} |",
            "",
            f"Ratio: **{r_ratio:.1f}x** the raw read (goal <= 3x: "
            f"{'met' if r_ratio <= 3 else 'not met'}); "
            f"**{n / real['ours']['seconds']:,.0f} posts/s**.",
            "",
            "The same posts as CSV and as Parquet files (written by DuckDB), beside DuckDB's "
            "own `read_csv` / `read_parquet` into a table (one run each):",
            "",
            "| | MiB | DuckDB s | Bascule s | ratio | Bascule posts/s | peak RSS (MiB) |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for fmt, got in real["tables"].items():
            a, b = got["raw"]["seconds"], got["ours"]["seconds"]
            lines.append(
                f"| {fmt} | {got['mib']:.0f} | {a:.2f} | {b:.2f} | {b / a:.1f}x | "
                f"{n / b:,.0f} | {got['ours']['rss_mib']:.0f} |"
            )
    if big is not None:
        lines += [
            "",
            f"A {big['bytes'] / 2**30:.2f} GiB file ({big['rows']:,} posts, same generator) "
            f"imported in {big['seconds']:.0f} s with a peak RSS of **{big['rss_mib']:.0f} MiB** "
            f"(goal: under 1 GiB: {'met' if big['rss_mib'] < 1024 else 'not met'}).",
        ]
    return "\n".join(lines)


def _real(tmp: Path, n: int, tweets: Path) -> dict | None:
    """Both sides on n posts shaped as PHEME's (None without ../shared/data)."""
    if not tweets.exists():
        print(f"skipped the real-shaped file: {tweets} not found")
        return None
    src = tmp / "real.jsonl"
    unique = generate_records(src, n, tweets)
    mib = src.stat().st_size / 2**20
    raw = _best(RAW, src, tmp / "rawreal.duckdb", 3)
    print(f"real-shaped ({mib:.0f} MiB): duckdb read_json {raw['seconds']:.2f} s")
    ours = _best(OURS, src, tmp / "projreal", 2)
    print(f"real-shaped: bascule import {ours['seconds']:.2f} s")
    tables = _tables(tmp, src)
    src.unlink()
    assert raw["rows"] == n and ours["rows"] == unique, (raw, ours, unique)
    for got in tables.values():
        assert got["raw"]["rows"] == n and got["ours"]["rows"] == unique, (got, unique)
    return {"raw": raw, "ours": ours, "mib": mib, "tables": tables}


TABLE_READERS = {"csv": "read_csv(?)", "parquet": "read_parquet(?)"}


def _tables(tmp: Path, src: Path) -> dict:
    """The real-shaped posts as CSV and as Parquet (written by DuckDB), each imported by
    Bascule beside DuckDB's own reader of that format (one run each)."""
    import duckdb

    out = {}
    for fmt, reader in TABLE_READERS.items():
        path = tmp / f"real.{fmt}"
        with duckdb.connect() as con:
            con.execute(
                f"COPY (SELECT * FROM read_json(?, format='newline_delimited')) TO '{path}' "
                f"(FORMAT {fmt})",
                [str(src)],
            )
        raw = _best(RAW, path, tmp / f"raw{fmt}.duckdb", 1, reader)
        ours = _best(OURS, path, tmp / f"proj{fmt}", 1)
        print(f"real-shaped {fmt}: duckdb {raw['seconds']:.2f} s, bascule {ours['seconds']:.2f} s")
        out[fmt] = {"raw": raw, "ours": ours, "mib": path.stat().st_size / 2**20}
        path.unlink()
    return out


def _big(tmp: Path) -> dict:
    """Import a 2 GB JSON-lines file: peak RSS must stay under 1 GiB (bounded memory)."""
    src = tmp / "big.jsonl"
    n = 11_700_000
    t = time.perf_counter()
    generate(src, n, seed=1)
    size = src.stat().st_size
    print(f"generated {n:,} posts ({size / 2**30:.2f} GiB) in {time.perf_counter() - t:.0f} s")
    got = _run(OURS, str(src), str(tmp / "bigproj"))
    src.unlink()
    print(f"bascule import of the 2 GB file: {got['seconds']:.0f} s, {got['rss_mib']:.0f} MiB")
    assert got["rows"] == n and got["linked"] == _replies(n), got
    return {**got, "bytes": size}


def _replies(n: int) -> int:
    """How many of `generate`'s n posts reply to an earlier one (every 5th but the first)."""
    return (n - 1) // 5
