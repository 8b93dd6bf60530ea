"""`make bench`: Bascule beside its peers, in one run, ratios printed, results recorded.

Each benchmark module has `run(data: Path, quick: bool) -> str` returning its Markdown
section (it prints its own progress and ratios). Sections in bench/RESULTS.md are replaced
one by one, so `--only NAME` refreshes one without losing the others.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
BENCHES: list[str] = [
    "bench.bench_diffusion",
    "bench.bench_forecast",
    "bench.bench_graph",
    "bench.bench_import",
    "bench.bench_listen",
    "bench.bench_messages",
    "bench.bench_opinion",
    "bench.bench_scale",
    "bench.bench_stance_default",
    "bench.bench_text",
    "bench.bench_tipping",
    "bench.bench_web",
]


def _write_section(name: str, body: str) -> None:
    """Replace one section of RESULTS.md, read again now: a long run must not undo what was
    written to the file meanwhile (hand-measured sections, another run)."""
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    RESULTS.write_text(_replace(text, name, body))


def _replace(text: str, name: str, body: str) -> str:
    block = f"<!-- bench:{name} -->\n{body.strip()}\n<!-- /bench:{name} -->"
    pattern = re.compile(
        rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S
    )
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text)
    return text.rstrip() + "\n\n" + block + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    ap.add_argument(
        "--data",
        type=Path,
        default=ROOT.parent / "shared" / "data",
        help="folder of the shared datasets (default: ../shared/data)",
    )
    ap.add_argument("--only", action="append", help="run only this benchmark (repeatable)")
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = ap.parse_args(argv)
    if not args.data.exists():
        print(f"datasets not found at {args.data}: pass --data PATH", file=sys.stderr)
        return 2
    header = (
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"last run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Command: `make bench`."
    )
    _write_section("machine", header)
    failed = 0
    for name in BENCHES:
        short = name.removeprefix("bench.bench_")
        if args.only and short not in args.only:
            continue
        print(f"\n=== {short} ===", flush=True)
        t0 = time.perf_counter()
        try:
            body = importlib.import_module(name).run(args.data, args.quick)
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide others
            failed += 1
            body = f"## {short}\n\nFAILED: {type(exc).__name__}: {exc}"
            print(body, file=sys.stderr)
        print(f"({short}: {time.perf_counter() - t0:.1f} s)")
        _write_section(short, body)
    print(f"\nResults written to {RESULTS.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
