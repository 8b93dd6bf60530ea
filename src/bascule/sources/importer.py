"""`bascule import`: files of any supported format into the store, idempotent and resumable.

Records are read with bounded memory and written in batches; each batch is committed with the
file's progress, so `kill -9` loses at most the batch in flight and a rerun resumes where the
last commit ended. Keys (`platform:native id`) + INSERT OR IGNORE make every post land once.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from bascule.errors import InputError, query_interrupted
from bascule.sources.batch import BatchBuilder
from bascule.sources.formats import FORMATS
from bascule.sources.formats.common import DateRule, guess_date_format
from bascule.sources.model import Deletion, Post, Reject
from bascule.sources.readers import (
    check_text,
    detect_format,
    files_encoded_as,
    guess_encoding,
    is_whole_document,
    iter_items,
    reencoding,
)
from bascule.sources.sheets import other_sheets
from bascule.store.ingest import (
    BatchResult,
    drop_file_rejects,
    file_progress,
    finish_run,
    link_targets,
    links_pending,
    mark_links_pending,
    platform_hint,
    rejected_for,
    start_run,
    write_batch,
)
from bascule.store.runs import same_posts_hint

IMPORT_MEMORY = "256MB"  # DuckDB buffer cap during imports (it spills to disk beyond): a 2 GB
# JSONL (11.7M posts) peaked at 935 MiB of RSS with it, 1082 MiB with 384MB
JSONL_BYTES_PER_RECORD = 256  # generic JSON lines go in blocks of 70,000 x 256 bytes, ~18 MB
BATCH = 70_000  # records per commit of the record-by-record formats
BATCH_BYTES = 64 << 20  # or fewer, when they are wide: 70,000 API tweets (2.7 KB each) held
# with their kept payloads took a 1 GB file's import to 950 MiB of RSS, 60,000 CSV rows of
# 10 KB texts to 4.5 GB
MAX_SAMPLE = 50
_CACHE_LIMIT = 100_000  # pseudonym cache entries kept between batches (bounded memory)
READ_AHEAD = 2  # generic JSON-lines blocks read ahead of the one being written


@dataclass
class FileSummary:
    """What happened to one file."""

    path: str
    format: str
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    deleted: int = 0
    status: str = "imported"  # imported | resumed | already imported | empty
    resumed_from: int = 0
    # every record rejected for one reason, as a wrong --format does: {"reason": that
    # reason, "detected": the format auto-detection reads the file as, when another}
    format_hint: dict[str, str | None] | None = None
    # lines rejected as not UTF-8: the encoding the file seems to be in (`encoding_hint`)
    encoding_hint: str | None = None
    # dates rejected as `01/09/2026 10:00`: {"example", "format": their strptime pattern,
    # "ambiguous": day first by default, as the examples read either way} (`date_hint`)
    date_hint: dict[str, Any] | None = None
    # a workbook's sheets after the first that hold something: they were not read
    other_sheets: list[str] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter, repr=False)  # this run's, by kind


@dataclass
class ImportSummary:
    """Totals of an import run, per file, and the reasons of rejects (histogram + first lines)."""

    run_id: int | None = None
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    deleted: int = 0
    linked: int = 0  # replies, reposts, quotes linked to their stored post's author
    # (platform, count): generic posts of this run acting on posts stored under that platform
    platform_hint: tuple[str, int] | None = None
    # (platform, count): generic posts of this run whose ids are those of posts stored under
    # that platform: the same posts stored twice, their authors counted twice
    same_posts_hint: tuple[str, int] | None = None
    files: list[FileSummary] = field(default_factory=list)
    reasons: Counter = field(default_factory=Counter)
    rejects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 when every record was imported or was a duplicate, 1 when some were rejected."""
        return 1 if self.rejected else 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable summary (what `bascule import --json` prints)."""
        return {
            "run_id": self.run_id,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "deleted": self.deleted,
            "linked": self.linked,
            "platform_hint": self.platform_hint,
            "same_posts_hint": self.same_posts_hint,
            "files": [_file_dict(f) for f in self.files],
            "reasons": dict(self.reasons.most_common()),
            "rejects": self.rejects,
        }


def _file_dict(f: FileSummary) -> dict[str, Any]:
    out = asdict(f)
    out.pop("reasons")  # the run's `reasons` has them all
    return out


def fingerprint(path: Path) -> str:
    """Identity of a file version: absolute path, size and modification time."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def reason_key(reason: str) -> str:
    """The kind of a reject reason, without its particulars (for the histogram)."""
    return re.split(r"[:(\"']|\s-?\d", reason, maxsplit=1)[0].strip() or reason


def import_files(
    project: Any,
    paths: Iterable[str | Path],
    fmt: str = "auto",
    *,
    mapping: str | Mapping[str, str] | None = None,
    progress: bool = False,
    force: bool = False,
    platform: str | None = None,
    instance: str | None = None,
    batch_size: int = BATCH,
    tune_store: bool = True,
    encoding: str | None = None,
    date_format: str | None = None,
    timezone: str | None = None,
) -> ImportSummary:
    """Import files into the project's store; returns the summary (see `ImportSummary`).

    Files already fully imported (same path, size, mtime) are skipped unless `force`, or
    unless an `encoding` is given for a file whose lines were rejected as not UTF-8; a file
    cut short (crash, kill) resumes from its last committed batch. `encoding`: the text
    files' (cp1252 for Excel's CSV on Windows; default UTF-8). `date_format` (a `strptime`
    pattern) and `timezone` (of dates written without one; default UTC): how a generic
    file writes its dates (`DateRule`). A file with rejected lines is read again when one of
    `mapping`, `encoding` or `date_format` is given. `tune_store` caps DuckDB's
    memory and defers checkpoints while the import runs (`store.ingest.bulk_load`); these
    settings hold for the whole database, so the war room, whose pages read it meanwhile,
    imports without them.
    """
    dates = DateRule(date_format, timezone) if date_format or timezone else None
    with files_encoded_as(encoding):
        return _import_files(
            project, paths, fmt, mapping, progress, force, platform, instance, batch_size,
            tune_store, dates,
        )  # fmt: skip


def _import_files(
    project: Any,
    paths: Iterable[str | Path],
    fmt: str,
    mapping: str | Mapping[str, str] | None,
    progress: bool,
    force: bool,
    platform: str | None,
    instance: str | None,
    batch_size: int,
    tune_store: bool,
    dates: DateRule | None,
) -> ImportSummary:
    if isinstance(paths, str | Path):  # one file, not its characters
        paths = [paths]
    paths = [Path(p) for p in paths]
    if fmt != "auto" and fmt not in FORMATS:
        raise InputError(
            f"unknown format {fmt!r}; choose one of: auto, {', '.join(FORMATS)}",
            fr=f"format inconnu {fmt!r} ; au choix : auto, {', '.join(FORMATS)}",
        )
    for p in paths:
        if p.is_dir():
            raise InputError(
                f"{p} is a folder: name the files inside it (for example {p / '*.jsonl'})",
                fr=f"{p} est un dossier : nommez les fichiers qu'il contient (par exemple "
                f"{p / '*.jsonl'})",
            )
        if not p.is_file():
            raise InputError(f"{p}: no such file", fr=f"{p} : fichier introuvable")
        if fmt not in ("parquet", "xlsx"):
            check_text(p)
    store = project.store
    pseudo = project.pseudonymizer
    from bascule.store.ingest import bulk_load

    with bulk_load(store, IMPORT_MEMORY) if tune_store else contextlib.nullcontext():
        options = {"mapping": mapping, "platform": platform, "instance": instance, "dates": dates}
        return _import_all(store, pseudo, paths, fmt, options, force, batch_size, progress)


def _import_all(
    store: Any,
    pseudo: Any,
    paths: list[Path],
    fmt: str,
    options: dict[str, Any],
    force: bool,
    batch_size: int,
    progress: bool,
) -> ImportSummary:
    mapping, platform = options["mapping"], options["platform"]
    formats = {p: fmt if fmt != "auto" else detect_format(p) for p in paths}
    for p in paths:  # usage errors before the run exists: they leave no `failed` run
        check_mapping(p, formats[p], mapping)
    label = ", ".join(str(p) for p in paths)
    run_id = start_run(
        store, label[:1000], fmt if len(set(formats.values())) != 1 else formats[paths[0]]
    )
    summary = ImportSummary(run_id=run_id)
    mark_links_pending(store, run_id)
    bar = _Bar(progress)
    status = "failed"
    try:
        for path in paths:
            fs = _import_one(
                store, pseudo, path, formats[path], options, force, run_id, batch_size, bar,
                summary,
            )  # fmt: skip
            if fs.reasons.get("bad encoding"):
                fs.encoding_hint = guess_encoding(path)
            if fs.reasons.get("bad date") and not (options["dates"] and options["dates"].format):
                fs.date_hint = date_hint(summary.rejects, str(path))
            if not (fs.encoding_hint or fs.date_hint):  # (those say what to do instead)
                fs.format_hint = format_hint(fs, path, fmt)
            if formats[path] == "xlsx" and fs.status != "already imported":
                fs.other_sheets = other_sheets(path)
            summary.files.append(fs)
        summary.linked = link_targets(store, links_pending(store))
        if platform is None:
            summary.platform_hint = platform_hint(store, run_id)
            summary.same_posts_hint = same_posts_hint(store, run_id)
        status = "done"
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: stopped, as a listening session is
        status = "stopped"
        raise
    except Exception as exc:
        if not query_interrupted(exc):
            raise
        status = "stopped"  # the same, met while DuckDB ran a query: said as Ctrl-C is
        raise KeyboardInterrupt from None
    finally:
        bar.close()
        finish_run(
            store,
            run_id,
            BatchResult(summary.imported, summary.duplicates, summary.rejected),
            status=status,
        )
    return summary


def _import_one(
    store: Any,
    pseudo: Any,
    path: Path,
    fmt: str,
    options: dict[str, Any],
    force: bool,
    run_id: int,
    batch_size: int,
    bar: _Bar,
    summary: ImportSummary,
) -> FileSummary:
    fp = fingerprint(path)
    fs = FileSummary(str(path), fmt)
    prev = file_progress(store, fp)
    if prev is not None and (force or prev[3] != fmt or _read_again(store, path, options)):
        prev = None  # asked, or read before as another format, or some lines rejected and
        # another way to read them given: read it again from the start
    if prev is not None and prev[2]:
        fs.status = "already imported"
        return fs
    start = (prev[0], prev[1]) if prev else (0, 0)
    if prev:
        fs.status, fs.resumed_from = "resumed", prev[1]
    else:
        drop_file_rejects(store, {str(path), str(path.resolve())})
    builder = BatchBuilder(pseudo, source=str(path), run_id=run_id)
    deletions: list[str] = []
    seen: set[str] = set()
    primary: list[str] = []  # the batch's records' own posts (not the ones they embed)
    task = bar.start(path, start[0], fmt)
    last_no, last_pos = start[1], start[0]
    held = 0  # characters of the batch's texts and payloads: wide records flush sooner

    def flush(done: bool) -> None:
        tables = builder.tables()
        res = write_batch(
            store,
            *tables,
            builder.rejects,
            run_id=run_id,
            progress=(fp, str(path), fmt, last_pos, last_no, done),
            deletions=[pseudo.hide_dids(d) for d in deletions],
            primary=primary,
        )
        _note_rejects(summary, builder.rejects, fs)
        fs.imported += res.imported
        fs.duplicates += res.duplicates
        fs.rejected += res.rejected
        fs.deleted += res.deleted
        deletions.clear()
        builder.clear()
        seen.clear()
        primary.clear()
        if len(pseudo._cache) > _CACHE_LIMIT:
            pseudo._cache.clear()
        bar.update(task, last_pos, fs.imported + fs.duplicates)

    blocks = _fast_blocks(path, fmt, options, start, batch_size)
    if blocks is not None:
        _write_blocks(
            store, pseudo, path, fp, fmt, blocks, start, options, run_id, bar, task, fs, summary,
            batch_size,
        )  # fmt: skip
        return _done(fs, summary)
    for no, item, pos in iter_items(path, fmt, start=start, **options):
        if no != last_no:
            if len(builder) + len(builder.rejects) >= batch_size or held >= BATCH_BYTES:
                flush(False)
                held = 0
            last_no = no
        last_pos = pos
        if isinstance(item, Post):
            held += len(item.raw or "") + len(item.text or "")
            pid = f"{item.platform}:{item.native_id}"
            if item.embedded and pid in seen:
                continue  # an embedded original already in this batch
            seen.add(pid)
            try:
                stored = builder.add(item)
            except (TypeError, ValueError, AttributeError) as exc:
                builder.reject(no, f"cannot store record: {exc}"[:200], item.raw)
                continue
            if not item.embedded:
                primary.append(stored)
        elif isinstance(item, Reject):
            builder.keep_reject(item)
        elif isinstance(item, Deletion):
            deletions.append(item.post_id)
    flush(True)
    return _done(fs, summary)


def date_hint(rejects: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """How the dates a file's rejects name seem written (`guess_date_format`): None when
    they are not day/month dates."""
    found = [
        m.group(1)
        for r in rejects
        if r["file"] == path and (m := re.match(r"bad date '(.*)'$", r["reason"]))
    ]
    got = guess_date_format(found) if found else None
    if got is None:
        return None
    return {"example": found[0], "format": got[0], "ambiguous": got[1]}


def _read_again(store: Any, path: Path, options: dict[str, Any]) -> bool:
    """A way to read rejected lines is given (`--encoding`, `--date-format`, `--map`) for a
    file some lines of which were rejected: the file is read again (no duplicates)."""
    dates = options.get("dates")
    given = reencoding() or options.get("mapping") or (dates is not None and dates.format)
    return bool(given) and bool(rejected_for(store, {str(path), str(path.resolve())}, ""))


# reasons a record is refused before any format reads it: not the sign of a wrong --format,
# unless auto-detection reads the file as another
UNREADABLE = ("broken JSON", "bad encoding", "record too large", "wrong number of columns")


def format_hint(fs: FileSummary, path: Path, fmt: str) -> dict[str, str | None] | None:
    """When every record of a file was rejected for one and the same reason ("missing
    account" for each line of a Twitter file read as Mastodon), what to say: that reason,
    and the format auto-detection reads the file as (`fmt` being the one asked for), when
    it is another; None when some record went in, or the reasons differ."""
    if fs.imported or fs.duplicates or not fs.rejected or len(fs.reasons) != 1:
        return None
    reason = next(iter(fs.reasons))
    detected = None
    if fmt != "auto":
        try:
            detected = detect_format(path)
        except InputError:  # nothing auto-detection reads either
            detected = None
    if detected == fs.format:
        detected = None
    if detected is None and reason.startswith(UNREADABLE):
        return None  # a broken file, not a wrong format
    return {"reason": reason, "detected": detected}


def check_mapping(path: Path, fmt: str, mapping: str | Mapping[str, str] | None) -> None:
    """Raise the usage errors of `--map` before the run is created, so that they leave no
    `failed` run: its syntax and fields, and for a generic file the columns it names or
    that no column gives (id, author, date), read from the CSV header, the Parquet schema
    or the first JSON objects as the import reads them."""
    from bascule.sources.formats.generic import ColumnMap, parse_mapping

    parsed = parse_mapping(mapping)  # every format reads it (and refuses a broken one)
    columns = generic_columns(path, fmt)
    if columns is not None:
        ColumnMap.resolve(columns, parsed)


SAMPLE_BYTES = 64 << 20  # read at most this much for a generic file's columns


def generic_columns(path: Path, fmt: str) -> list[str] | None:
    """A generic file's columns, as its import resolves the column map from them: the CSV
    header, the Parquet schema, or the keys of the first JSON objects (their nested keys as
    `user.id`); None for the other formats, and where no JSON object comes first."""
    from bascule.sources.readers import MAX_RECORD_BYTES, first_byte, open_binary

    if fmt == "csv":
        from bascule.sources.csvrows import csv_file

        with csv_file(path, open_binary, MAX_RECORD_BYTES) as opened:
            return None if opened is None else list(opened[2])
    if fmt == "parquet":
        return _parquet_columns(path)
    if fmt == "xlsx":
        from bascule.sources.sheets import sheet_rows

        return sheet_rows(path)[0] or None  # an empty sheet: nothing to import
    if fmt != "jsonl":
        return None
    if is_whole_document(path):
        return _array_keys(path) if first_byte(path) == b"[" else None
    return _line_keys(path)


def _parquet_columns(path: Path) -> list[str]:
    """A Parquet file's columns; a file that is no Parquet is a usage error (it was a
    traceback from pyarrow)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from bascule.sources.tables import parquet_columns

    try:
        return list(parquet_columns(pq.ParquetFile(path).schema_arrow))
    except (pa.ArrowException, OSError) as exc:
        why = str(exc).splitlines()[0][:160]
        raise InputError(
            f"{path}: not a Parquet file ({why}): give a JSON lines, CSV, Parquet or Excel "
            "export, or its format with --format",
            fr=f"{path} : ce n'est pas un fichier Parquet ({why}) : donnez un export JSON "
            "lines, CSV, Parquet ou Excel, ou son format avec --format",
        ) from None


def _line_keys(path: Path) -> list[str] | None:
    """The keys of the first JSON objects of a JSON-lines file (None: no object)."""
    from bascule.sources.columnar import sample_keys
    from bascule.sources.readers import MAX_RECORD_BYTES, open_binary

    def lines() -> Iterator[bytes]:
        read = 0
        with open_binary(path) as f:
            while read < SAMPLE_BYTES and (line := f.readline(MAX_RECORD_BYTES + 1)):
                read += len(line)
                yield line

    return sample_keys(lines())


def _array_keys(path: Path) -> list[str] | None:
    """The keys of the first objects of a JSON array file (None: no object)."""
    from bascule.sources.columnar import sample_keys
    from bascule.sources.jsonarray import array_elements
    from bascule.sources.readers import MAX_RECORD_BYTES, open_binary

    with open_binary(path) as f:
        return sample_keys(e.text for e in array_elements(f, max_bytes=MAX_RECORD_BYTES))


def post_keys(
    path: str | Path, fmt: str, batch_size: int = 50_000
) -> Iterator[list[tuple[str, str]]]:
    """The (platform, native id) of every post a file holds, those its records embed too, in
    batches: what `store.runs` compares with an undone run's posts, the store keeping no
    record of the posts an import skipped. The file is read as `fmt` without the options it
    was imported with (the store keeps none): a generic file's posts come as "generic"."""
    batch: list[tuple[str, str]] = []
    for _, item, _ in iter_items(path, fmt):
        if isinstance(item, Post):
            batch.append((item.platform, item.native_id))
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def _done(fs: FileSummary, summary: ImportSummary) -> FileSummary:
    if fs.status == "imported" and not (fs.imported or fs.duplicates or fs.rejected):
        fs.status = "empty"  # no record at all: say so rather than three zeros
    summary.imported += fs.imported
    summary.duplicates += fs.duplicates
    summary.rejected += fs.rejected
    summary.deleted += fs.deleted
    return fs


def _note_rejects(summary: ImportSummary, rejects: list[Reject], fs: FileSummary) -> None:
    for r in rejects:
        summary.reasons[reason_key(r.reason)] += 1
        fs.reasons[reason_key(r.reason)] += 1
        if len(summary.rejects) < MAX_SAMPLE:
            summary.rejects.append(
                {"file": r.source, "line": r.line, "reason": r.reason, "record": r.record}
            )


def _fast_blocks(
    path: Path, fmt: str, options: dict[str, Any], start: tuple[int, int], batch_size: int
) -> Any:
    """The blocks of a generic JSON-lines, JSON-array, CSV or Parquet file for the columnar
    fast path (`sources.columnar`, `sources.tables`); None for the formats (and the single
    JSON documents, xz and bz2 arrays) read record by record."""
    from bascule.sources.columnar import iter_array_blocks, iter_blocks
    from bascule.sources.formats.generic import parse_mapping
    from bascule.sources.readers import MAX_RECORD_BYTES, first_byte, is_seekable, open_binary
    from bascule.sources.tables import iter_csv_blocks, iter_parquet_blocks, iter_sheet_blocks

    mapping = parse_mapping(options.get("mapping"))
    max_bytes = int(options.get("max_record_bytes") or MAX_RECORD_BYTES)
    size = max(64 << 10, batch_size * JSONL_BYTES_PER_RECORD)
    common = {"start": start, "mapping": mapping, "source": str(path), "max_bytes": max_bytes}
    if fmt == "jsonl" and not is_whole_document(path):
        return iter_blocks(
            path, open_binary, seekable=is_seekable(path), block_bytes=size, **common
        )
    if fmt == "jsonl" and first_byte(path) == b"[" and not reencoding():  # a JSON array,
        # element by element, read by DuckDB (UTF-8 only; others go record by record)
        return iter_array_blocks(path, block_bytes=size, **common)
    if fmt == "csv":
        return iter_csv_blocks(path, open_binary, block_bytes=size, block_rows=batch_size, **common)
    if fmt == "parquet":
        return iter_parquet_blocks(path, block_bytes=size, block_rows=batch_size, **common)
    if fmt == "xlsx":
        return iter_sheet_blocks(path, block_bytes=size, block_rows=batch_size, **common)
    return None


def _write_blocks(
    store: Any,
    pseudo: Any,
    path: Path,
    fp: str,
    fmt: str,
    blocks: Any,
    start: tuple[int, int],
    options: dict[str, Any],
    run_id: int,
    bar: _Bar,
    task: Any,
    fs: FileSummary,
    summary: ImportSummary,
    batch_size: int,
) -> None:
    """A file's blocks through the columnar fast path, committed in groups of blocks."""
    platform = options.get("platform") or "generic"
    # blocks are read here, ahead, then parsed and pseudonymised in a worker thread while
    # DuckDB writes the previous one (DuckDB, Arrow and hashing release the GIL): the two
    # cores share the work about evenly; a second worker would only fight for them
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    from bascule.store.bulk import COMMIT_ROWS, BlockWriter

    def count(results: list) -> None:  # committed results only
        for res in results:
            fs.imported += res.imported
            fs.duplicates += res.duplicates
            fs.rejected += res.rejected

    last = None
    with (
        ThreadPoolExecutor(1, thread_name_prefix="bascule-prepare") as pool,
        BlockWriter(store, run_id=run_id, commit_rows=COMMIT_ROWS * batch_size // BATCH) as writer,
    ):
        pending: deque = deque()

        def read_ahead() -> None:
            while len(pending) < READ_AHEAD:
                if len(pseudo._cache) > _CACHE_LIMIT:  # bounded memory
                    pseudo._cache.clear()
                b = next(blocks, None)
                if b is None:
                    return
                job = pool.submit(_prepare_block, b, pseudo, platform, str(path), options["dates"])
                pending.append((b, job))

        read_ahead()
        while pending:
            b, fut = pending.popleft()
            spec, prepared = fut.result()
            read_ahead()
            progress = (fp, str(path), fmt, b.offset, b.line, False)
            if prepared is None:  # no JSON object met yet: only rejects
                count(writer.commit())
                done = [
                    write_batch(
                        store, *_empty_tables(), b.rejects, run_id=run_id, progress=progress
                    )
                ]
                rejects = b.rejects
            else:
                done = writer.write(prepared, spec, progress)
                rejects = prepared.rejects
            _note_rejects(summary, rejects, fs)
            count(done)
            bar.update(task, b.offset if b.read is None else b.read, fs.imported + fs.duplicates)
            last = b
        count(writer.commit())
    if last is not None:  # mark the file done (an empty batch carrying the final progress)
        empty = _empty_tables()
        write_batch(
            store,
            *empty,
            run_id=run_id,
            progress=(fp, str(path), fmt, last.offset, last.line, True),
        )
    else:
        write_batch(
            store, *_empty_tables(), run_id=run_id, progress=(fp, str(path), fmt, *start, True)
        )


def _prepare_block(b: Any, pseudo: Any, platform: str, source: str, dates: Any = None) -> tuple:
    """How to write a block and its prepared rows (neither before the first JSON object: the
    column map comes from it)."""
    import pyarrow as pa

    from bascule.sources.columnar import line_spec
    from bascule.store.bulk import prepare_json_lines

    pa.default_memory_pool().release_unused()  # give freed Arrow buffers back to the OS
    b.rejects = [replace(r, record=pseudo.scrub_record(r.record)) for r in b.rejects]
    if b.columns is None:
        return None, None
    spec = line_spec(b.columns, platform, pseudo, source, b.flat, b.delimiter, dates, b.header)
    lines, b.lines = b.lines, None  # the block's text is not needed once parsed
    return spec, prepare_json_lines(lines, spec, b.rejects)


def _empty_tables() -> tuple:
    from bascule.store.ingest import AUTHORS_SCHEMA, INTERACTIONS_SCHEMA, POSTS_SCHEMA

    return (
        POSTS_SCHEMA.empty_table(),
        AUTHORS_SCHEMA.empty_table(),
        INTERACTIONS_SCHEMA.empty_table(),
    )


class _Bar:
    """A rich progress bar on stderr, only when asked (and stderr is a terminal or forced)."""

    def __init__(self, enabled: bool) -> None:
        self.p = None
        if enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.p = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                DownloadColumn(),
                TextColumn("{task.fields[posts]:,} posts"),
                TimeRemainingColumn(),
                console=Console(file=sys.stderr),
            )
            self.p.start()

    def start(self, path: Path, done: int, fmt: str = "jsonl") -> Any:
        if self.p is None:
            return None
        by_bytes = fmt in ("jsonl", "mastodon", "bluesky", "twitter-v1", "twitter-v2", "csv",
                           "parquet")  # fmt: skip
        plain = path.suffix.lower() not in (".gz", ".xz", ".bz2")
        size = path.stat().st_size if by_bytes and plain else None  # else: a record count
        done = done if by_bytes and fmt not in ("csv", "parquet", "xlsx") else 0  # (by record)
        task = self.p.add_task(path.name, total=size, completed=done, posts=0)
        return (task, by_bytes)

    def update(self, task: Any, done: int, posts: int) -> None:
        if self.p is not None and task is not None:
            tid, by_bytes = task
            self.p.update(tid, completed=done if by_bytes else 0, posts=posts)

    def close(self) -> None:
        if self.p is not None:
            self.p.stop()
