"""The war room under load: 50 concurrent clients on the overview API, 1M posts in the store.

A synthetic project (1M posts, 50k authors, 3 stance analyses per 10 posts) is served by
`bascule serve` in its own process; wrk drives `/api/overview` with a logged-in session for
60 s on loopback and a Lua hook prints the p50/p95/p99 latencies and every error kind.
Goal: p95 < 200 ms and zero errors.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d p50=%.2f p95=%.2f p99=%.2f max=%.2f connect=%d read=%d write=%d "
    .. "status=%d timeout=%d\\n",
    summary.requests, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect, e.read, e.write,
    e.status, e.timeout))
end
"""


def _fill(root: Path, n_posts: int) -> None:
    """A project with `n_posts` synthetic posts and stance analyses (written with Arrow)."""
    import numpy as np
    import pyarrow as pa

    from bascule.project import init_project

    p = init_project(root)
    p.store.rows("SELECT 1")
    rng = np.random.default_rng(0)
    n_auth = max(1000, n_posts // 20)
    t0 = datetime(2026, 8, 1)
    aid = np.char.add("mastodon:a", np.arange(n_auth).astype(str))
    p.store.insert(
        "authors",
        pa.table(
            {
                "author_id": aid,
                "platform": ["mastodon"] * n_auth,
                "handle": np.char.add("p", np.arange(n_auth).astype(str)),
                "pseudonymised": [True] * n_auth,
            }
        ),
    )
    ids = np.char.add("mastodon:", np.arange(n_posts).astype(str))
    authors = aid[rng.integers(0, n_auth, n_posts)]
    minutes = rng.integers(0, 60 * 24 * 60, n_posts)
    created = np.datetime64(t0) + minutes.astype("timedelta64[m]")
    p.store.insert(
        "posts",
        pa.table(
            {
                "post_id": ids,
                "platform": ["mastodon"] * n_posts,
                "native_id": np.arange(n_posts).astype(str),
                "author_id": authors,
                "created_at": pa.array(created.astype("datetime64[us]")),
                "text": ["synthetic post"] * n_posts,
                "lang": rng.choice(["fr", "en"], n_posts),
            }
        ),
    )
    targets = [t.id for t in p.config.targets]
    sel = rng.random(n_posts) < 0.3
    k = int(sel.sum())
    p.store.insert(
        "analyses",
        pa.table(
            {
                "post_id": ids[sel],
                "target_id": rng.choice(targets, k),
                "stance": rng.choice(["favor", "against", "none"], k, p=[0.4, 0.35, 0.25]),
                "stance_score": rng.random(k),
                "sentiment": rng.random(k) * 2 - 1,
                "model": ["bench"] * k,
            }
        ),
    )
    from bascule.web.auth import create_user

    create_user(p, "bench", "bench-password", "admin")
    p.close()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session(base: str) -> str:
    import httpx

    c = httpx.Client(base_url=base, timeout=600)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post(
        "/login",
        data={"username": "bench", "password": "bench-password", "csrf_token": token},
        follow_redirects=False,
    )
    if r.status_code != 303:
        raise RuntimeError(f"login failed: {r.status_code} {r.text[:200]}")
    return c.cookies["bascule_session"]


def run(data: Path, quick: bool) -> str:
    """Run the load test and return its Markdown section (data: unused, synthetic posts)."""
    import httpx

    if not shutil.which("wrk"):
        return "## web\n\nwrk is not installed: benchmark skipped."
    n_posts = 100_000 if quick else 1_000_000
    seconds = 10 if quick else 60
    clients = 50
    tmp = Path(tempfile.mkdtemp(prefix="bascule-bench-web-"))
    try:
        t = time.perf_counter()
        _fill(tmp / "proj", n_posts)
        fill_s = time.perf_counter() - t
        port = _port()
        base = f"http://127.0.0.1:{port}"
        bascule = [
            sys.executable,
            "-c",
            "import sys; from bascule.cli import main; sys.exit(main())",
        ]
        proc = subprocess.Popen(
            [*bascule, "serve", "-p", str(tmp / "proj"), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    httpx.get(base + "/healthz", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            cookie = _session(base)
            t = time.perf_counter()
            first = httpx.get(
                base + "/api/overview", cookies={"bascule_session": cookie}, timeout=600
            )
            first.raise_for_status()
            cold_s = time.perf_counter() - t
            lua = tmp / "report.lua"
            lua.write_text(LUA)
            out = subprocess.run(
                [
                    "wrk",
                    "-t2",
                    f"-c{clients}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "-s",
                    str(lua),
                    "-H",
                    f"Cookie: bascule_session={cookie}",
                    base + "/api/overview",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    m = dict(re.findall(r"(\w+)=([\d.]+)", out.split("RESULT", 1)[1]))
    errors = sum(int(m[k]) for k in ("connect", "read", "write", "status", "timeout"))
    rps = float(m["requests"]) / seconds
    verdict = "met" if float(m["p95"]) < 200 and errors == 0 else "NOT met"
    print(out)
    print(f"p95 {m['p95']} ms, errors {errors}, {rps:.0f} req/s (goal p95 < 200 ms, 0 errors)")
    return (
        "## web\n\n"
        f"`/api/overview`, {n_posts:,} posts in the store, {clients} concurrent clients for "
        f"{seconds} s on loopback (wrk, `bascule serve` in its own process). Store filled in "
        f"{fill_s:.1f} s; first overview after start {cold_s:.2f} s (`bascule serve` warms it in the background).\n\n"
        "| requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | goal |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| {int(m['requests']):,} | {rps:.0f} | {m['p50']} | {m['p95']} | {m['p99']} | "
        f"{m['max']} | {errors} | p95 < 200 ms, 0 errors: {verdict} |\n"
    )


if __name__ == "__main__":
    print(run(Path("."), "--quick" in sys.argv))
