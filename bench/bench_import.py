"""Import throughput: `bascule import` of N JSON-lines posts beside DuckDB's own `read_json`.

The posts are generated (ids, authors drawn from 100k accounts, ISO dates, short texts with
mentions and replies): a throughput test, not data. Each side runs in its own process, which
reports its wall time and peak RSS. Goal: >= 50,000 posts/s and within 3x of the raw read.
"""

from __future__ import annotations

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
con.execute("CREATE TABLE posts AS SELECT * FROM read_json(?, format='newline_delimited')",
            [sys.argv[1]])
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


def _run(code: str, *args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _best(code: str, src: Path, out: Path, times: int) -> dict:
    """The fastest of `times` runs, each into a fresh database."""
    import shutil

    runs = []
    for i in range(times):
        target = out.with_name(f"{out.name}{i}")
        runs.append(_run(code, str(src), str(target)))
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
    if big is not None:
        lines += [
            "",
            f"A {big['bytes'] / 2**30:.2f} GiB file ({big['rows']:,} posts, same generator) "
            f"imported in {big['seconds']:.0f} s with a peak RSS of **{big['rss_mib']:.0f} MiB** "
            f"(goal: under 1 GiB: {'met' if big['rss_mib'] < 1024 else 'not met'}).",
        ]
    return "\n".join(lines)


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
