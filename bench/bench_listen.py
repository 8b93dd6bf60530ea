"""Live listening throughput: posts/s stored by `listen` and analysed, on local protocol servers.

Two paths end to end, each on a fresh project: a Jetstream WebSocket (batches of events) and
the Mastodon REST back-fill through Mastodon.py (pages of 40). Post texts are real French
political tweets from `fr_presidentielle2022` (read here, never copied), so the analysis cost
is realistic. Goal: >= 1,000 posts/s sustained by listen + analyse on 2 cores.
"""

from __future__ import annotations

import csv
import json
import lzma
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1000.0


def _texts(data: Path, n: int) -> list[str]:
    path = data / "fr_presidentielle2022" / "tweets.csv.xz"
    out: list[str] = []
    if path.exists():
        csv.field_size_limit(1 << 20)
        with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("text"):
                    out.append(row["text"])
                if len(out) >= n:
                    break
    return out or [f"Message {i} sur le débat #polqc" for i in range(n)]


def _project(tmp: Path, sources: str):
    from bascule.project import init_project

    project = init_project(tmp / f"p{time.monotonic_ns()}")
    with project.config_path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + sources + "\n")
    project.reload()
    return project


def _run(project, *, analyze: bool) -> tuple[int, float, float]:
    from bascule.live.listen import listen

    t0, c0 = time.perf_counter(), time.process_time()
    out = listen(project, once=True, analyze=analyze, alerts=False)
    return out["posts"], time.perf_counter() - t0, time.process_time() - c0


def _jetstream(tmp: Path, texts: list[str], analyze: bool) -> tuple[int, float, float]:
    from live_servers import FakeJetstream, jetstream_create

    with FakeJetstream() as jet:
        jet.events = [
            json.dumps(jetstream_create(i, text=texts[i % len(texts)])) for i in range(len(texts))
        ]
        project = _project(
            tmp,
            f'[[sources]]\nkind = "bluesky"\nname = "jet"\njetstream = "{jet.url}"\n'
            "poll_seconds = 0.5\n",
        )
        try:
            return _run(project, analyze=analyze)
        finally:
            project.close()


_SERVE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from live_servers import FakeFediverse
with FakeFediverse() as fedi:
    fedi.statuses["polqc"] = json.load(open(sys.argv[2], encoding="utf-8"))
    print(fedi.url, flush=True)
    sys.stdin.read()
"""


def _mastodon(tmp: Path, texts: list[str], analyze: bool) -> tuple[int, float, float]:
    """The instance runs in its own process, as a remote server would (no shared GIL)."""
    from live_servers import make_statuses

    statuses = make_statuses(len(texts))
    for s, text in zip(statuses, texts, strict=True):
        s["content"] = "<p>" + text.replace("&", "&amp;").replace("<", "&lt;") + "</p>"
    payload = tmp / "statuses.json"
    payload.write_text(json.dumps(statuses), encoding="utf-8")
    helpers = str(ROOT / "tests" / "sources" / "live")
    server = subprocess.Popen(
        [sys.executable, "-c", _SERVE, helpers, str(payload)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()
        project = _project(
            tmp,
            f'[[sources]]\nkind = "mastodon"\nname = "masto"\ninstance = "{url}"\n'
            'hashtags = ["polqc"]\n',
        )
        try:
            return _run(project, analyze=analyze)
        finally:
            project.close()
    finally:
        server.stdin.close()
        server.wait(10)


def run(data: Path, quick: bool) -> str:
    """Markdown section: posts/s of listen alone and of listen + analyse, per protocol."""
    sys.path.insert(0, str(ROOT / "tests" / "sources" / "live"))
    warnings.simplefilter("ignore")
    n_jet = 4_000 if quick else 20_000
    n_masto = 2_000 if quick else 8_000
    texts = _texts(Path(data), max(n_jet, n_masto))
    rows = []
    load0 = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        # warm-up (imports, lexicons, language model): the rates below are sustained ones
        _jetstream(Path(tmp), texts[:200], True)
        _mastodon(Path(tmp), texts[:80], True)
        for label, fn, n in (
            ("Jetstream (WebSocket)", _jetstream, n_jet),
            ("Mastodon REST back-fill (Mastodon.py)", _mastodon, n_masto),
        ):
            for analyze in (False, True):
                posts, secs, cpu = fn(Path(tmp), texts[:n], analyze)
                rate, per_cpu = posts / secs, posts / max(cpu, 1e-9)
                work = "listen + analyse" if analyze else "listen"
                print(f"{label}, {work}: {posts} posts in {secs:.2f} s = {rate:,.0f}/s")
                rows.append((label, work, posts, secs, rate, per_cpu))
    load = max(load0, os.getloadavg()[0])
    jet = next(r for r in rows if r[0].startswith("Jetstream") and r[1] == "listen + analyse")
    verdict = "meets" if jet[4] >= GOAL else "misses"
    lines = [
        "## listen",
        "",
        "Posts stored per second by `bascule listen --once` on local servers speaking the real",
        "protocols (fresh project each run; texts: fr_presidentielle2022 tweets; the Mastodon",
        "instance runs in its own process). Goal: ≥ 1,000 posts/s with analysis on 2 cores.",
        f"Load average during the run: {load:.1f} (2 cores shared), so wall-clock rates are",
        "pessimistic; posts per CPU-second of the listening process are shown too.",
        "",
        "| path | work | posts | seconds | posts/s | posts per CPU-s |",
        "|---|---|---:|---:|---:|---:|",
        *[f"| {a} | {b} | {p:,} | {s:.2f} | {r:,.0f} | {c:,.0f} |" for a, b, p, s, r, c in rows],
        "",
        f"Jetstream with analysis: {jet[4]:,.0f} posts/s — {verdict} the goal. The Mastodon",
        "REST path is bound by its protocol (40 statuses per page, one page after the other;",
        "real instances also allow about 300 requests per 5 minutes), not by Bascule.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(ROOT.parent / "shared" / "data", "--quick" in sys.argv))
