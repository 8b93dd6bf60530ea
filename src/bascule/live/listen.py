"""`bascule listen`: run every configured live source at once, store and analyse as posts arrive.

Each connector runs in its own thread and hands pages to the one writer (this thread), which
stores every page in a single transaction with its cursors (`store.ingest.write_batch`). A
restart, even after `kill -9`, resumes from the stored cursors: nothing lost, nothing twice.

Each source's session is one import run (`bascule runs`), recorded from the first page that
brings posts (new or duplicate) or rejected records, or when the source fails: a restart, or a
poll that finds nothing new, adds no empty run. A run ends `done` when its source has nothing
more to give (`--once`, the end of a replayed file), `stopped` when listening was stopped
(Ctrl-C, SIGTERM, the war room shutting down) and `failed` when its source failed.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bascule.config import Source
from bascule.errors import ConfigError
from bascule.live.analyst import Analyst
from bascule.sources.live.base import Connector, Page, parse_since

log = logging.getLogger("bascule.listen")

_DONE = object()  # the source gave everything it had
_STOPPED = object()  # the source ended because listening was stopped
MERGE_POSTS = 10_000  # pages waiting in the queue are stored together, up to this many posts


@dataclass
class _Tally:
    kind: str
    posts: int = 0
    duplicates: int = 0
    deleted: int = 0
    deletions: int = 0
    malformed: int = 0
    pages: int = 0
    run_id: int | None = None
    error: str | None = None
    finished: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def make_connector(project: Any, source: Source, index: int) -> Connector:
    """Build the connector for one `[[sources]]` entry, with real clients and credentials; a
    mistake in it names the file and the line of its table."""
    try:
        return _connector(project, source, index)
    except ConfigError as exc:
        if exc.line is not None:
            raise
        from bascule.config import locate

        path = getattr(project, "config_path", None)
        text = path.read_text(encoding="utf-8") if path and path.exists() else ""
        raise ConfigError(
            exc.message,
            fr=exc.message_fr,
            path=str(path) if path else exc.path,
            line=locate(text, ("sources", index)) if text else None,
            key=exc.key,
        ) from None


def _connector(project: Any, source: Source, index: int) -> Connector:
    name = source.key(index)
    since = parse_since(source.since)
    if source.kind == "rss":
        from bascule.sources.live.rss import RssConnector

        if not source.feeds:
            raise ConfigError(f"source {name!r}: an rss source needs `feeds = [...]`")
        for url in source.feeds:
            if not url.lower().startswith(("http://", "https://")):
                raise ConfigError(
                    f"source {name!r}: feed {url!r} is not a web address (http:// or https://)"
                )
        return RssConnector(name, source.feeds, since=since, poll_seconds=source.poll_seconds)
    if source.kind == "mastodon":
        from bascule.sources.live.mastodon import MastodonConnector

        return MastodonConnector.from_source(project.root, source, name, since=since)
    if source.kind == "bluesky":
        from bascule.sources.live.bluesky import BlueskyConnector

        return BlueskyConnector.from_source(project.root, source, name, since=since)
    if source.kind == "replay":
        from bascule.sources.live.replay import ReplayConnector

        return ReplayConnector.from_source(project.root, source, name)
    raise ConfigError(f"source {name!r}: unknown kind {source.kind!r}")


def selected_sources(project: Any, names: list[str] | None) -> list[tuple[int, Source]]:
    """The configured sources to run (all, or those named); a clear error for unknown names."""
    sources = list(enumerate(project.config.sources))
    if not sources:
        raise ConfigError(
            "no [[sources]] in bascule.toml: add a mastodon, bluesky, rss or replay source",
            fr="aucune [[sources]] dans bascule.toml : ajoutez une source mastodon, bluesky, rss "
            "ou replay",
            path=str(project.config_path),
        )
    if not names:
        return sources
    known = {s.key(i): (i, s) for i, s in sources}
    missing = [n for n in names if n not in known]
    if missing:
        raise ConfigError(
            f"unknown source {', '.join(missing)} (known: {', '.join(known)})",
            path=str(project.config_path),
        )
    return [known[n] for n in names]


def _run_connector(
    conn: Connector,
    cursors: dict[str, str],
    out: queue.Queue,
    *,
    once: bool,
    stop: threading.Event,
) -> None:
    try:
        for page in conn.pages(cursors, once=once, stop=stop):
            if not _put(out, (conn.name, page), stop):
                return
    except Exception as exc:  # noqa: BLE001 - one failing source must not stop the others
        # a retry cut short by the stop (`Backoff`) is no failure of the source
        _put(out, (conn.name, _STOPPED if stop.is_set() else exc), stop)
        return
    # a connector returns when asked to stop, mid-fetch or between polls: not finished
    _put(out, (conn.name, _STOPPED if stop.is_set() else _DONE), stop)


def _put(out: queue.Queue, item: tuple, stop: threading.Event) -> bool:
    while True:
        try:
            out.put(item, timeout=0.2)
            return True
        except queue.Full:
            if stop.is_set():
                return False


def listen(
    project: Any,
    *,
    once: bool = False,
    sources: list[str] | None = None,
    analyze: bool = True,
    alerts: bool = True,
    stop_event: threading.Event | None = None,
    connectors: list[Connector] | None = None,
    analyze_every: float = 5.0,
) -> dict:
    """Listen to the configured sources; with `once`, fetch everything new and return.

    Returns a JSON-ready summary per source (status, its run, posts stored, duplicates,
    deletions honoured, malformed records skipped, retries) and the totals (posts, duplicates,
    malformed); `connectors` injects ready-made ones.
    """
    from bascule.store.live import load_cursors

    stop = stop_event or threading.Event()
    store = project.store
    if connectors is None:
        connectors = [make_connector(project, s, i) for i, s in selected_sources(project, sources)]
    kinds = {c.name: c.kind for c in connectors}
    tallies = {c.name: _Tally(kinds[c.name]) for c in connectors}
    out: queue.Queue = queue.Queue(maxsize=16)
    threads = []
    t0 = time.perf_counter()
    for conn in connectors:
        cursors = load_cursors(store, conn.name)
        th = threading.Thread(
            target=_run_connector,
            args=(conn, cursors, out),
            kwargs={"once": once, "stop": stop},
            name=f"listen-{conn.name}",
            daemon=True,
        )
        threads.append(th)
        th.start()
    active = {c.name for c in connectors}
    analyst = None
    if analyze or alerts:
        analyst = Analyst(project.root, analyze=analyze, alerts=alerts, every=analyze_every)
        analyst.start()
    try:
        while active:
            try:
                first = out.get(timeout=0.2)
            except queue.Empty:
                if stop.is_set():
                    break
                continue
            pages, controls = _gather(first, out)
            new = sum(_store_page(project, n, page, tallies[n]) for n, page in pages.items())
            if new and analyst is not None:
                analyst.wake.set()
            for name, item in controls:
                tally = tallies[name]
                active.discard(name)
                if item is _DONE:
                    tally.finished = True
                elif item is not _STOPPED:
                    tally.error = f"{type(item).__name__}: {item}"
                    log.warning("source %s stopped: %s", name, tally.error)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        if analyst is not None:
            analyst.finish.set()
            analyst.join()
    elapsed = time.perf_counter() - t0
    cycles = analyst.cycles if analyst is not None else []
    return _summary(project, connectors, tallies, cycles, elapsed, once=once)


def replays_past_retention(
    project: Any, connectors: list[Connector], *, now: datetime | None = None
) -> list[tuple[str, datetime, int]]:
    """(source, first post date, retention days) of each replay source whose file starts
    before `privacy.retention_days`: the listener's retention pass would delete those posts
    right after storing them (a drill on an old dataset), so the user is told before."""
    days = project.config.privacy.retention_days
    if not days:
        return []
    cutoff = (now or datetime.now(UTC).replace(tzinfo=None)) - timedelta(days=days)
    out = []
    for conn in connectors:
        first = conn.first_date() if hasattr(conn, "first_date") else None
        if first is not None and first < cutoff:
            out.append((conn.name, first, days))
    return out


def _gather(first: tuple, out: queue.Queue) -> tuple[dict[str, Page], list[tuple]]:
    """The pages waiting in the queue, merged per source (one transaction each), and the
    end-of-source notices. Merging keeps each source's order, and its last cursors win."""
    pages: dict[str, Page] = {}
    controls: list[tuple] = []
    item, posts = first, 0
    while True:
        name, got = item
        if isinstance(got, Page):
            page = pages.setdefault(name, Page())
            page.posts.extend(got.posts)
            page.deletions.extend(got.deletions)
            page.rejects.extend(got.rejects)
            page.cursors.update(got.cursors)
            page.deletions_known_only = page.deletions_known_only or got.deletions_known_only
            posts += len(got.posts)
        else:
            controls.append(item)
        if posts >= MERGE_POSTS:
            break
        try:
            item = out.get_nowait()
        except queue.Empty:
            break
    return pages, controls


def _store_page(project: Any, name: str, page: Page, tally: _Tally) -> int:
    from bascule.sources.batch import BatchBuilder
    from bascule.store.ingest import write_batch
    from bascule.store.live import apply_deletions

    store = project.store
    if page.deletions:
        # a post created then deleted within the page is dropped and tombstoned
        hide = project.pseudonymizer.hide_dids  # ids as the posts were stored (Bluesky)
        gone = set(page.deletions)
        in_page = {f"{p.platform}:{p.native_id}" for p in page.posts} & gone
        if in_page:
            page.posts = [p for p in page.posts if f"{p.platform}:{p.native_id}" not in in_page]
            store.retrying(lambda: apply_deletions(store, sorted(hide(d) for d in in_page)))
            tally.deleted += len(in_page)
        rest = [hide(d) for d in page.deletions if d not in in_page]
        known = page.deletions_known_only
        tally.deleted += store.retrying(lambda: apply_deletions(store, rest, known_only=known))
        tally.deletions += len(page.deletions)
    if tally.run_id is None and (page.posts or page.rejects):
        tally.run_id = _start_run(store, name, tally)
    builder = BatchBuilder(project.pseudonymizer, source=name, run_id=tally.run_id)
    for post in page.posts:
        builder.add(post)
    for i, (reason, record, *line) in enumerate(page.rejects):
        builder.reject(line[0] if line else i + 1, reason, record)
    posts, authors, inter = builder.tables()
    cursors = {(name, k): v for k, v in page.cursors.items()}
    result = store.retrying(
        lambda: write_batch(
            store, posts, authors, inter, builder.rejects, run_id=tally.run_id, cursors=cursors
        )
    )
    tally.posts += result.imported
    tally.duplicates += result.duplicates
    tally.malformed += result.rejected
    tally.pages += 1
    return result.imported


def _start_run(store: Any, name: str, tally: _Tally) -> int:
    """The source's run of this session, recorded when it first has something to count."""
    from bascule.store import ingest

    return ingest.start_run(store, name, f"live:{tally.kind}")


def _summary(
    project: Any,
    connectors: list[Connector],
    tallies: dict[str, _Tally],
    cycles: list[dict],
    elapsed: float,
    *,
    once: bool,
) -> dict:
    from bascule.store import ingest

    out_sources = []
    for conn in connectors:
        t = tallies[conn.name]
        st = conn.stats
        result = ingest.BatchResult(t.posts, t.duplicates, t.malformed)
        status = "failed" if t.error else ("done" if t.finished else "stopped")
        if t.run_id is None and t.error:  # a failure is worth a run, even with nothing stored
            t.run_id = _start_run(project.store, conn.name, t)
        if t.run_id is not None:
            ingest.finish_run(project.store, t.run_id, result, status=status)
        out_sources.append(
            {
                "source": conn.name,
                "kind": t.kind,
                "status": status,
                "run_id": t.run_id,  # None: nothing stored nor rejected, no run recorded
                "posts": t.posts,
                "duplicates": t.duplicates,
                "deletions": t.deletions,
                "deleted": t.deleted,
                "malformed": t.malformed,
                "pages": t.pages,
                "requests": st.requests,
                "retries": st.retries,
                "rate_limited": st.rate_limited,
                "error": t.error,
                "warnings": list(st.errors),
            }
        )
    total = sum(s["posts"] for s in out_sources)
    return {
        "once": once,
        "seconds": round(elapsed, 3),
        "posts": total,
        "duplicates": sum(s["duplicates"] for s in out_sources),
        "malformed": sum(s["malformed"] for s in out_sources),
        "posts_per_second": round(total / elapsed, 1) if elapsed > 0 else None,
        "sources": out_sources,
        "cycles": cycles,
    }
