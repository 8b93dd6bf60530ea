"""Reading input files record by record with bounded memory: compressed or not, JSON lines,
JSON arrays, CSV/TSV, Parquet. Broken records become `Reject`s with their line number.

`iter_posts(path, fmt)` is the public entry (also used by the `replay` connector);
`iter_items` adds deletions and the byte offset after each record, for resumable imports.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import gzip
import io
import lzma
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import IO, Any

import duckdb
import orjson

from bascule.errors import InputError
from bascule.sources.csvrows import csv_file
from bascule.sources.formats import (
    FORMATS,
    bluesky,
    cascades,
    fourcat,
    generic,
    mastodon,
    twitter_v1,
    twitter_v2,
)
from bascule.sources.model import EXCERPT, Deletion, Post, RecordError, Reject
from bascule.sources.sheets import is_sheet, sheet_rows

MAX_RECORD_BYTES = 1 << 20  # a record (line) larger than 1 MiB is rejected, not loaded
MAX_PAGE_BYTES = 32 << 20  # but a line of the Twitter API v2 is a page of up to 500 tweets with
# their expansions (1-3 MB in full-archive exports); each tweet's text is still capped
MAX_WHOLE_JSON = 256 << 20  # a JSON array / single-object file is parsed whole up to this
_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
JSON_FORMATS = ("jsonl", "mastodon", "bluesky", "twitter-v1", "twitter-v2")
TABLE_FORMATS = ("csv", "4cat", "cascades")

Item = Post | Reject | Deletion


def _suffixes(path: Path) -> tuple[str, bool]:
    """(format extension, compressed?) of a path like `x.jsonl.gz`."""
    sfx = [s.lower() for s in path.suffixes]
    compressed = bool(sfx) and sfx[-1] in _COMPRESSED
    if compressed:
        sfx = sfx[:-1]
    return (sfx[-1] if sfx else ""), compressed


def open_binary(path: Path) -> IO[bytes]:
    """Open a file for reading bytes, decompressing .gz/.bz2/.xz on the fly, and turned into
    UTF-8 when the files being imported are in another encoding (`files_encoded_as`)."""
    opener = _COMPRESSED.get(path.suffix.lower())
    f = opener(path, "rb") if opener is not None else open(path, "rb")  # noqa: SIM115
    encoding = _ENCODING.get()
    return f if encoding is None else io.BufferedReader(_Utf8(f, encoding), 1 << 16)


def is_seekable(path: Path) -> bool:
    """Plain files resume by seeking to a byte offset; compressed or re-encoded ones by
    skipping records (the offset counts UTF-8 bytes)."""
    return path.suffix.lower() not in _COMPRESSED and _ENCODING.get() is None


_ENCODING: ContextVar[str | None] = ContextVar("bascule_files_encoding", default=None)


@contextlib.contextmanager
def files_encoded_as(encoding: str | None) -> Iterator[None]:
    """Read text files as `encoding` (any Python codec: cp1252, latin-1, utf-16...) while the
    block runs, each turned into UTF-8 as it is read: every reader and the store then see
    UTF-8, as JSON and Bascule's rejects expect. None or UTF-8: read as they are."""
    name = codec_name(encoding) if encoding else None
    token = _ENCODING.set(None if name in (None, "utf-8") else name)
    try:
        yield
    finally:
        _ENCODING.reset(token)


def reencoding() -> bool:
    """Whether files are being read in another encoding than UTF-8 (`files_encoded_as`)."""
    return _ENCODING.get() is not None


_BOMS = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def guess_encoding(path: Path) -> str | None:
    """The encoding a text file that is not UTF-8 seems to be in, for a hint: UTF-16 by its
    byte-order mark (Excel's "Unicode text"), else Windows-1252 (Excel's CSV on Windows,
    the usual case in French) when its first 64 KB read as such and not mostly as UTF-8;
    None otherwise."""
    token = _ENCODING.set(None)
    try:
        with open_binary(path) as f:
            head = f.read(64 << 10)
    finally:
        _ENCODING.reset(token)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    text = head.decode("utf-8", "replace")
    if sum(c > "\x7f" for c in text) > 2 * text.count("\ufffd"):
        return None  # accents that read as UTF-8: a UTF-8 file with some broken lines
    try:
        head.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return "cp1252"


def codec_name(encoding: str) -> str:
    """Python's name of an encoding; an InputError when there is none."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise InputError(
            f"--encoding: unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1, utf-16)",
            fr=f"--encoding : encodage inconnu {encoding!r} (par exemple utf-8, cp1252, "
            "latin-1, utf-16)",
        ) from None


class _Utf8(io.RawIOBase):
    """A file in another encoding, read as UTF-8. A byte the encoding does not define
    becomes U+FFFD (one character lost, not the record). `tell` counts UTF-8 bytes."""

    def __init__(self, f: IO[bytes], encoding: str) -> None:
        self.f = f
        self.decoder = codecs.getincrementaldecoder(encoding)("replace")
        self.pending = b""
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self.pending:
            raw = self.f.read(1 << 16)
            self.pending = self.decoder.decode(raw, final=not raw).encode("utf-8")
            if not raw:
                break
        n = min(len(b), len(self.pending))
        b[:n], self.pending = self.pending[:n], self.pending[n:]
        self.pos += n
        return n

    def tell(self) -> int:
        return self.pos

    def close(self) -> None:
        self.f.close()
        super().close()


def check_text(path: Path) -> None:
    """Refuse a file that is not text (an image, a spreadsheet, an archive of another kind)
    before any line of it is read as a record; Parquet files are binary by design."""
    ext, _ = _suffixes(path)
    if ext in (".parquet", ".pq") or is_sheet(path):
        return
    with open_binary(path) as f:
        head = f.read(8192)
    if is_sheet(path, head):
        return
    if not reencoding() and head.startswith(tuple(bom for bom, _ in _BOMS)):
        raise InputError(
            f'{path}: UTF-16 text (Excel\'s "Unicode text"): import it with --encoding utf-16',
            fr=f"{path} : texte en UTF-16 (le « texte Unicode » d'Excel) : importez-le avec "
            "--encoding utf-16",
        )
    if b"\x00" in head or head.startswith(b"PAR1"):
        raise InputError(
            f"{path}: not a text file (binary data): give a JSON lines, CSV, Parquet or Excel "
            "export",
            fr=f"{path} : ce n'est pas un fichier texte (données binaires) : donnez un export "
            "JSON lines, CSV, Parquet ou Excel",
        )


def detect_format(path: str | Path) -> str:
    """Guess a file's format from its extension and its first record."""
    path = Path(path)
    ext, _ = _suffixes(path)
    if ext in (".parquet", ".pq"):
        return "parquet"
    with open_binary(path) as f:
        head = f.read(64 * 1024)
    if is_sheet(path, head):
        return "xlsx"
    if not head.strip():
        return "csv" if ext in (".csv", ".tsv") else "jsonl"  # empty: nothing to import
    if ext in (".csv", ".tsv", ".txt") or (head[:1] not in (b"{", b"[", b" ", b"\n")):
        text = head.decode("utf-8", "replace").lstrip("\ufeff")
        first = text.splitlines()[0] if text else ""
        cols = [c.strip().strip('"') for c in first.replace("\t", ",").split(",")]
        if cascades.looks_like(cols):
            return "cascades"
        if fourcat.looks_like(cols):
            return "4cat"
        if ext in (".csv", ".tsv", ".txt"):
            return "csv"
    stripped = head.lstrip()
    if _is_feed(stripped):
        raise InputError(
            f"{path}: an RSS or Atom feed: no import format reads feeds, a live source does: "
            'add its address to bascule.toml as [[sources]] kind = "rss", feeds = ["https://…"], '
            "then run `bascule listen`",
            fr=f"{path} : un flux RSS ou Atom : aucun format d'import ne lit les flux, une "
            "source en direct le fait : ajoutez son adresse à bascule.toml, [[sources]] "
            'kind = "rss", feeds = ["https://…"], puis lancez `bascule listen`',
        )
    try:
        obj = _first_element(path) if stripped[:1] == b"[" else _first_record(path)
    except (orjson.JSONDecodeError, IndexError, ValueError):
        try:
            with open_binary(path) as f:
                obj = orjson.loads(f.read(MAX_WHOLE_JSON))
        except orjson.JSONDecodeError:
            raise InputError(
                f"{path}: cannot tell its format (not JSON lines, CSV, Parquet or Excel); "
                "give it with --format",
                fr=f"{path} : format non reconnu (ni JSON lines, ni CSV, ni Parquet, ni Excel) ; "
                "choisissez-le dans la liste des formats",
            ) from None
    return detect_json(obj)


def _is_feed(head: bytes) -> bool:
    """Whether a file's first bytes are those of an RSS or Atom feed (XML whose root is
    `<rss>`, `<feed>` or RSS 1.0's `<rdf:RDF>`)."""
    if not head.lstrip(b"\xef\xbb\xbf").startswith(b"<"):
        return False
    return any(root in head for root in (b"<rss", b"<feed", b"<rdf:RDF"))


def _first_record(path: Path, tries: int = 20) -> Any:
    """The first of a JSON-lines file's first lines that parses: a broken first line goes to
    the rejects, and a long one (a page of 100 API v2 tweets is 80 KB) is read whole, rather
    than either hiding the file's format."""
    with open_binary(path) as f:
        for _ in range(tries):
            line = f.readline(MAX_PAGE_BYTES + 1)
            if not line:
                break
            if len(line) > MAX_PAGE_BYTES and not line.endswith(b"\n"):
                while (more := f.readline(1 << 20)) and not more.endswith(b"\n"):
                    pass
                continue
            if not line.strip():
                continue
            try:
                return orjson.loads(line)
            except orjson.JSONDecodeError:
                continue
    raise orjson.JSONDecodeError("no record parses", "", 0)


def detect_json(obj: Any) -> str:
    """The platform format of one decoded JSON record."""
    if not isinstance(obj, dict):
        return "jsonl"
    if ("kind" in obj and "did" in obj) or str(obj.get("uri", "")).startswith("at://"):
        return "bluesky"
    if isinstance(obj.get("post"), dict) and "uri" in obj["post"]:
        return "bluesky"
    if isinstance(obj.get("account"), dict) and ("content" in obj or "reblog" in obj):
        return "mastodon"
    if "id_str" in obj or (isinstance(obj.get("user"), dict) and "screen_name" in obj["user"]):
        return "twitter-v1"
    if ("delete" in obj and "status" in (obj.get("delete") or {})) or "limit" in obj:
        return "twitter-v1"
    if isinstance(obj.get("data"), dict | list) or "edit_history_tweet_ids" in obj:
        return "twitter-v2"
    if "author_id" in obj and ("public_metrics" in obj or "referenced_tweets" in obj):
        return "twitter-v2"
    return "jsonl"


# -- line reading ---------------------------------------------------------------------------
def _lines(
    f: IO[bytes], max_bytes: int, line_no: int, offset: int
) -> Iterator[tuple[int, bytes | None, bytes, int]]:
    """(line number, line or None if too large, excerpt, offset after) for each line."""
    readline = f.readline
    while True:
        line = readline(max_bytes + 1)
        if not line:
            return
        line_no += 1
        offset += len(line)
        if len(line) > max_bytes and not line.endswith(b"\n"):
            excerpt = line[:EXCERPT]
            while True:
                more = readline(1 << 20)
                offset += len(more)
                if not more or more.endswith(b"\n"):
                    break
            yield line_no, None, excerpt, offset
            continue
        yield line_no, line, line, offset


def _json_mapper(fmt: str, options: dict[str, Any]) -> Callable[[Any, str], list[Item]]:
    if fmt == "mastodon":
        known = {"instance": options.get("instance")}

        def mastodon_map(obj: Any, raw: str) -> list[Item]:
            if known["instance"] is None and isinstance(obj, dict):
                known["instance"] = mastodon.infer_local(obj)  # one server per file
            return mastodon.map_all(obj, raw, instance=known["instance"])

        return mastodon_map
    if fmt == "bluesky":
        return bluesky.map_any
    if fmt == "twitter-v1":
        return twitter_v1.map_all
    if fmt == "twitter-v2":
        return twitter_v2.map_all
    mapping = generic.parse_mapping(options.get("mapping"))
    platform = options.get("platform") or "generic"
    dates = options.get("dates")
    state: dict[str, generic.ColumnMap] = {}

    def generic_map(obj: Any, raw: str) -> list[Item]:
        if not isinstance(obj, dict):
            raise RecordError("not a JSON object")
        cmap = state.get("m")
        if cmap is None:
            cmap = state["m"] = generic.ColumnMap.resolve(generic.key_paths(obj), mapping)
        return [generic.map_row(obj, cmap, platform=platform, raw=raw, dates=dates)]

    return generic_map


def _reason(exc: Exception) -> str:
    msg = str(exc)
    if "utf-8" in msg.lower() or "surrogates" in msg.lower():
        return "bad encoding: not valid UTF-8"
    return f"broken JSON: {msg.split(': line')[0]}"


def is_whole_document(path: Path) -> bool:
    """True for a JSON array or a single pretty-printed object (read whole, not by line)."""
    head = first_byte(path)
    return head == b"[" or (_suffixes(path)[0] == ".json" and not _first_line_parses(path))


def first_byte(path: Path) -> bytes:
    """The file's first byte that is not white space (b"" when there is none)."""
    with open_binary(path) as f:
        head = f.read(1)
        while head in (b" ", b"\n", b"\r", b"\t"):
            head = f.read(1)
    return head


def _iter_json(
    path: Path, fmt: str, options: dict[str, Any], start: tuple[int, int]
) -> Iterator[tuple[int, Item, int]]:
    src = str(path)
    mapper = _json_mapper(fmt, options)
    page = MAX_PAGE_BYTES if fmt == "twitter-v2" else MAX_RECORD_BYTES
    max_bytes = int(options.get("max_record_bytes") or page)
    if is_whole_document(path):
        with open_binary(path) as f:
            yield from _iter_whole(path, f, b"", mapper)
        return
    offset, line_no = start
    with open_binary(path) as f:
        if offset:
            if is_seekable(path):
                f.seek(offset)
            else:
                _skip(f, offset)
        for no, line, excerpt, after in _lines(f, max_bytes, line_no, offset):
            if line is None:
                rec = excerpt.decode("utf-8", "replace")
                yield no, Reject(src, no, f"record too large (> {max_bytes:,} bytes)", rec), after
                continue
            if not line.strip():
                continue
            try:
                obj = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                rec = line[:EXCERPT].decode("utf-8", "replace")
                yield no, Reject(src, no, _reason(exc), rec), after
                continue
            raw = line.decode("utf-8").rstrip("\r\n")
            try:
                items = mapper(obj, raw)
            except RecordError as exc:
                yield no, Reject(src, no, str(exc), raw[:EXCERPT]), after
                continue
            except (TypeError, AttributeError, KeyError, ValueError) as exc:
                reason = f"unexpected record shape: {type(exc).__name__}: {exc}"
                yield no, Reject(src, no, reason[:200], raw[:EXCERPT]), after
                continue
            for item in items:
                yield no, item, after


def _first_line_parses(path: Path) -> bool:
    with open_binary(path) as f:
        line = f.readline(MAX_RECORD_BYTES)
    try:
        orjson.loads(line)
        return True
    except orjson.JSONDecodeError:
        return False


def _skip(f: IO[bytes], n: int) -> None:
    while n > 0:
        got = f.read(min(n, 1 << 20))
        if not got:
            return
        n -= len(got)


def _array_elements(path: Path) -> Iterator[Any] | None:
    """The elements of a JSON array file, decoded one at a time (`store.bulk.json_array_
    elements`), a broken one as its `Reject`; None when DuckDB cannot read the file (xz,
    bz2) or it is no array. Where DuckDB stops at a syntax error, `jsonarray` reads on (or
    reads it all, when DuckDB refused the array at once)."""
    from bascule.store.bulk import json_array_elements

    if path.suffix.lower() in (".xz", ".bz2") or first_byte(path) != b"[":
        return None
    chunks = json_array_elements(str(path), MAX_PAGE_BYTES)
    if chunks is None:  # DuckDB broke on its first buffer: a small array, a break early on
        return _elements_after_break(path, 0)

    def elements() -> Iterator[Any]:
        seen = 0
        try:
            for chunk in chunks:
                for text in chunk.to_pylist():
                    seen += 1
                    yield orjson.loads(text)
        except duckdb.Error:
            yield from _elements_after_break(path, seen)

    return elements()


def _elements_after_break(path: Path, done: int) -> Iterator[Any]:
    """The elements after the first `done` of an array DuckDB could not read on, each
    decoded, or its `Reject` with the line of the file it starts on (`jsonarray`)."""
    from bascule.sources.jsonarray import elements_after

    for e in elements_after(path, done, max_bytes=MAX_PAGE_BYTES):
        rec = e.text[:EXCERPT].decode("utf-8", "replace")
        if e.broken:
            yield Reject(str(path), e.number, f"broken JSON: {e.broken} {e.where}", rec)
            continue
        try:
            yield orjson.loads(e.text)
        except orjson.JSONDecodeError as exc:
            yield Reject(str(path), e.number, f"{_reason(exc)} {e.where}", rec)


def _first_element(path: Path) -> Any:
    """The first element of a JSON array file, read alone (the rest may be long, or broken)."""
    import json

    with open_binary(path) as f:
        text = f.read(MAX_PAGE_BYTES).decode("utf-8", "replace")
    start = text.index("[") + 1
    while start < len(text) and text[start].isspace():
        start += 1
    if text[start : start + 1] == "]":
        return {}
    return json.JSONDecoder().raw_decode(text, start)[0]


def _iter_whole(
    path: Path, f: IO[bytes], head: bytes, mapper: Callable[[Any, str], list[Item]]
) -> Iterator[tuple[int, Item, int]]:
    """A JSON array (or one pretty-printed object): record number = position in the array.
    An array is streamed (`_array_elements`); in a malformed one, each broken element is a
    reject and the others are read."""
    records: Iterator[Any] | list[Any] | None = _array_elements(path)
    if records is None:
        data = head + f.read(MAX_WHOLE_JSON)
        if f.read(1):
            raise InputError(
                f"{path}: JSON document larger than {MAX_WHOLE_JSON >> 20} MiB; use JSONL",
                fr=f"{path} : document JSON de plus de {MAX_WHOLE_JSON >> 20} Mio ; passez en "
                "JSON lines (un objet par ligne)",
            )
        try:
            doc = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            rec = data[:EXCERPT].decode("utf-8", "replace")
            yield 1, Reject(str(path), 1, _reason(exc), rec), 0
            return
        records = doc if isinstance(doc, list) else [doc]
    yield from _map_records(path, records, mapper)


def _map_records(
    path: Path, records: Iterable[Any], mapper: Callable[[Any, str], list[Item]]
) -> Iterator[tuple[int, Item, int]]:
    i = 0
    try:
        for i, obj in enumerate(records, 1):
            if isinstance(obj, Reject):  # an element of a broken array (`_array_elements`)
                yield i, obj, 0
                continue
            yield from _map_one(path, i, obj, mapper)
    except (duckdb.Error, orjson.JSONDecodeError) as exc:  # the array breaks after element i
        reason = f"broken JSON: {str(exc).splitlines()[0][:160]}"
        yield i + 1, Reject(str(path), i + 1, reason, None), 0


def _map_one(
    path: Path, i: int, obj: Any, mapper: Callable[[Any, str], list[Item]]
) -> Iterator[tuple[int, Item, int]]:
    raw = orjson.dumps(obj).decode()
    try:
        items = mapper(obj, raw)
    except RecordError as exc:
        yield i, Reject(str(path), i, str(exc), raw[:EXCERPT]), 0
        return
    for item in items:
        yield i, item, 0


# -- tables ----------------------------------------------------------------------------------
def _row_mapper(fmt: str, options: dict[str, Any], columns: list[str]) -> Callable:
    if fmt == "cascades":
        return lambda row, raw: cascades.map_edge(row, raw)
    if fmt == "4cat":
        plat = options.get("platform")
        ids: dict[str, str] = {}  # handle -> account id, from the rows read so far
        return lambda row, raw: fourcat.map_row(row, platform=plat, raw=raw, known=ids)
    cmap = generic.ColumnMap.resolve(columns, generic.parse_mapping(options.get("mapping")))
    plat = options.get("platform") or "generic"
    dates = options.get("dates")
    return lambda row, raw: generic.map_row(row, cmap, platform=plat, raw=raw, dates=dates)


def _iter_csv(
    path: Path, fmt: str, options: dict[str, Any], start: tuple[int, int]
) -> Iterator[tuple[int, Item, int]]:
    src = str(path)
    max_bytes = int(options.get("max_record_bytes") or MAX_RECORD_BYTES)
    skip_records = start[0]  # (records done, line of the last): a record may span lines
    with csv_file(path, open_binary, max_bytes) as opened:
        if opened is None:
            return  # an empty file: nothing to import
        _, delim, header, records = opened
        mapper = _row_mapper(fmt, options, header)
        keep_raw = fmt != "cascades"
        n = 0
        for row in records:
            n += 1
            if n <= skip_records:
                continue
            line, values = row.line, row.values
            reason = row.problem(len(header))
            if reason:
                yield line, Reject(src, line, reason, row.excerpt(delim)), n
                continue
            if not values:
                continue
            raw_line = delim.join(values)
            row_dict = dict(zip(header, values, strict=False))
            raw = orjson.dumps(row_dict).decode() if keep_raw else raw_line
            try:
                yield line, mapper(row_dict, raw), n
            except RecordError as exc:
                yield line, Reject(src, line, str(exc), raw_line[:EXCERPT]), n


def _iter_parquet(
    path: Path, options: dict[str, Any], start: tuple[int, int]
) -> Iterator[tuple[int, Item, int]]:
    import pyarrow.parquet as pq

    from bascule.sources.tables import parquet_columns

    src = str(path)
    pf = pq.ParquetFile(path)
    mapper = _row_mapper("parquet", options, parquet_columns(pf.schema_arrow))
    n = 0
    for batch in pf.iter_batches(batch_size=20_000):
        if n + batch.num_rows <= start[1]:
            n += batch.num_rows
            continue
        for row in batch.to_pylist():
            n += 1
            if n <= start[1]:
                continue
            raw = orjson.dumps(row, default=str).decode()
            try:
                yield n, mapper(row, raw), n
            except RecordError as exc:
                yield n, Reject(src, n, str(exc), raw[:EXCERPT]), n


def iter_items(
    path: str | Path, fmt: str = "auto", *, start: tuple[int, int] = (0, 0), **options: Any
) -> Iterator[tuple[int, Item, int]]:
    """(record number, Post | Reject | Deletion, resume position) for every record of a file.

    `start` = (byte offset, records done) from a previous run; the resume position is a byte
    offset for JSON lines and a record count for tables.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file", fr=f"{path} : fichier introuvable")
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; choose one of: auto, {', '.join(FORMATS)}")
    if fmt in JSON_FORMATS:
        yield from _iter_json(path, fmt, options, start)
    elif fmt in TABLE_FORMATS:
        yield from _iter_csv(path, fmt, options, start)
    elif fmt == "xlsx":
        yield from _iter_sheet(path, options, start)
    else:
        yield from _iter_parquet(path, options, start)


def _iter_sheet(
    path: Path, options: dict[str, Any], start: tuple[int, int]
) -> Iterator[tuple[int, Item, int]]:
    """A spreadsheet's rows record by record (`sources.sheets`); the resume position is the
    rows done."""
    header, rows = sheet_rows(path)
    if not header:
        return
    mapper = _row_mapper("xlsx", options, header)
    src = str(path)
    for n, (no, cells) in enumerate(rows, 1):
        if n <= start[1]:
            continue
        row = {h: c for h, c in zip(header, cells, strict=False) if c is not None}
        raw = orjson.dumps(row).decode()
        try:
            yield no, mapper(row, raw), n
        except RecordError as exc:
            yield no, Reject(src, no, str(exc), raw[:EXCERPT]), n


def iter_posts(
    path: str | Path, fmt: str = "auto", *, deletions: bool = False, **options: Any
) -> Iterator[tuple[int, Post | Reject]]:
    """(line or record number, mapped Post or Reject) for every record of a file.

    Options: `mapping` ("id=col,..." or dict) and `platform` for generic tables, `instance`
    for Mastodon, `max_record_bytes`. With `deletions=True`, Deletion items are yielded too.
    """
    for no, item, _pos in iter_items(path, fmt, **options):
        if isinstance(item, Deletion) and not deletions:
            continue
        yield no, item
