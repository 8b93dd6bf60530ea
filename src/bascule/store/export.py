"""`bascule export`: posts, authors, interactions or analyses as Parquet (one folder per day),
CSV or JSON lines, filtered by date and target. Streams in batches, so memory stays bounded.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import IO, Any

from bascule.dates import utc_when
from bascule.errors import InputError
from bascule.store.db import Store

WHAT = ("posts", "authors", "interactions", "analyses")
FORMATS = ("parquet", "csv", "jsonl")
# the format an --out name implies; a name without a suffix is a folder, hence Parquet
SUFFIX_FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".json": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
POST_COLUMNS = (
    "post_id, platform, native_id, author_id, created_at, text, lang, reply_to, repost_of, "
    "quote_of, conversation_id, url, likes, reposts, replies, quotes, source, run_id"
)


def _lit(value: str, what: str) -> str:
    """A date given by the user, checked and quoted as a SQL timestamp literal (UTC)."""
    return f"TIMESTAMP '{utc_when(value, f'--{what}').isoformat(sep=' ')}'"


def _str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def query(
    what: str, *, since: str | None = None, until: str | None = None, target: str | None = None
) -> tuple[str, str]:
    """(SQL, day column) selecting what to export; parameters inlined after validation."""
    if what not in WHAT:
        raise InputError(
            f"cannot export {what!r}; choose one of: {', '.join(WHAT)}",
            fr=f"impossible d'exporter {what!r} ; au choix : {', '.join(WHAT)}",
        )
    cond = []
    col = {"posts": "p.created_at", "interactions": "i.created_at", "analyses": "p.created_at"}
    tcol = col.get(what, "p.created_at")
    if since:
        cond.append(f"{tcol} >= {_lit(since, 'since')}")
    if until:
        cond.append(f"{tcol} < {_lit(until, 'until')}")
    if target:
        cond.append(f"p.post_id IN (SELECT post_id FROM analyses WHERE target_id = {_str(target)})")
    where = " AND ".join(cond) or "TRUE"
    if what == "posts":  # with what `analyze` read of each post, targeted or not
        cols = ", ".join("p." + c.strip() for c in POST_COLUMNS.split(","))
        return (
            f"SELECT {cols}, pa.lang AS detected_lang, pa.sentiment, pa.hesitation "
            f"FROM posts p LEFT JOIN post_analyses pa USING (post_id) WHERE {where} "
            "ORDER BY p.created_at, p.post_id",
            "created_at",
        )
    if what == "interactions":
        where = where.replace("p.post_id IN", "i.post_id IN")
        return (
            f"SELECT i.* FROM interactions i WHERE {where} "
            "ORDER BY i.created_at, i.post_id, i.kind, i.dst_author",
            "created_at",
        )
    if what == "analyses":
        if target:
            where += f" AND a.target_id = {_str(target)}"
        return (
            f"""SELECT a.post_id, a.target_id, p.author_id, p.created_at, pa.lang, a.stance,
                   a.stance_score, a.sentiment, a.model, a.analyzed_at
            FROM analyses a JOIN posts p USING (post_id) LEFT JOIN post_analyses pa USING (post_id)
            WHERE {where} ORDER BY p.created_at, a.post_id, a.target_id""",
            "created_at",
        )
    if since or until or target:  # authors active in the window / about the target
        return (
            "SELECT * FROM authors WHERE author_id IN "
            f"(SELECT author_id FROM posts p WHERE {where}) ORDER BY author_id",
            "first_seen",
        )
    return "SELECT * FROM authors ORDER BY author_id", "first_seen"


def export_format(fmt: str | None, out: str | Path | IO[bytes] | None) -> str:
    """The format an export writes: `fmt` when given, else the one `out`'s name implies
    (`.csv`, `.jsonl`/`.json`/`.ndjson`, `.parquet` or a folder: Parquet is one folder per
    day), JSON lines on a stream. A given `fmt` the name contradicts (`-f jsonl -o a.csv`)
    is refused, as is a name that implies none: JSON lines in a `.csv` file, say, would be
    written and announced as done, and read back as nonsense."""
    if fmt is not None and fmt not in FORMATS:
        raise InputError(
            f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}",
            fr=f"format d'export inconnu {fmt!r} ; au choix : {', '.join(FORMATS)}",
        )
    if not isinstance(out, str | Path):
        return fmt or "jsonl"
    path = Path(out)
    implied = _implied_format(path)
    if fmt is None:
        if implied is None:
            raise InputError(
                f"{path}: cannot tell the export format from this name: end it in .csv, "
                ".jsonl or .parquet (a folder), or give --format (csv, jsonl, parquet)",
                fr=f"{path} : ce nom ne dit pas le format de l'export : terminez-le par .csv, "
                ".jsonl ou .parquet (un dossier), ou donnez --format (csv, jsonl, parquet)",
            )
        return implied
    named = SUFFIX_FORMATS.get(path.suffix.lower())
    if named is not None and named != fmt:
        raise InputError(
            f"--format {fmt} but --out {path.name} names a {named} export: drop --format, "
            f"or give --out a .{fmt} name",
            fr=f"--format {fmt}, mais --out {path.name} désigne un export {named} : retirez "
            f"--format, ou terminez --out par .{fmt}",
        )
    return fmt


def _implied_format(path: Path) -> str | None:
    """The format `path`'s name implies: its suffix's; Parquet for a folder, or a name with
    no suffix (a folder to be); None for an unknown suffix, or an existing file with none
    (`/dev/stdout`: the default, JSON lines, as before)."""
    suffix = path.suffix.lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    if path.is_dir() or (not suffix and not path.exists()):
        return "parquet"
    if not suffix:
        return "jsonl"
    return None


def export(
    store: Store,
    what: str,
    fmt: str | None = None,
    out: str | Path | IO[bytes] | None = None,
    since: str | None = None,
    until: str | None = None,
    target: str | None = None,
) -> int:
    """Write `what` as `fmt` to `out` (a file, a folder for Parquet, or stdout); returns rows.

    Without `fmt`, `out`'s name says which (`export_format`; JSON lines on a stream). Parquet
    is partitioned by day (`day=YYYY-MM-DD/` folders), the layout DuckDB, Spark, pandas and
    Arrow read back as one dataset.
    """
    fmt = export_format(fmt, out)
    sql, day = query(what, since=since, until=until, target=target)
    n = int(store.rows(f"SELECT count(*) FROM ({sql})")[0][0])
    if fmt == "parquet":
        if out is None or not isinstance(out, str | Path):
            raise InputError(
                "Parquet export needs --out FOLDER (it writes one folder per day)",
                fr="l'export Parquet demande --out DOSSIER (il écrit un dossier par jour)",
            )
        path = Path(out)
        _clear_export_folder(path)
        store.execute(
            f"COPY (SELECT *, strftime(CAST({day} AS DATE), '%Y-%m-%d') AS day FROM ({sql})) "
            f"TO {_str(str(path))} (FORMAT parquet, PARTITION_BY (day), OVERWRITE_OR_IGNORE)"
        )
        return n
    if isinstance(out, str | Path):
        path = Path(out)
        if path.is_dir():
            raise InputError(
                f"{path} is a folder: give a file name for the {fmt.upper()} export",
                fr=f"{path} est un dossier : donnez un nom de fichier pour l'export {fmt.upper()}",
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as fh:
            _stream(store, sql, fmt, fh)
        return n
    out = out if out is not None else sys.stdout
    if isinstance(out, io.TextIOBase):  # a terminal's stdout has bytes under it, a notebook's not
        out = getattr(out, "buffer", None) or _TextSink(out)
    _stream(store, sql, fmt, out)
    return n


class _TextSink:
    """Bytes written to a text stream (a notebook's `sys.stdout`, a `StringIO`)."""

    def __init__(self, out: Any) -> None:
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(data.decode("utf-8") if isinstance(data, bytes) else data)

    def flush(self) -> None:
        self.out.flush()


def _clear_export_folder(path: Path) -> None:
    """Make `path` ready for a day-partitioned export: created, or emptied of an earlier
    export's `day=` folders (which would otherwise stay and mix with the new rows); a file,
    or a folder holding anything else, is refused rather than touched."""
    import shutil

    if path.exists() and not path.is_dir():
        raise InputError(
            f"{path} is a file: a Parquet export writes a folder (one per day)",
            fr=f"{path} est un fichier : un export Parquet écrit un dossier (un par jour)",
        )
    path.mkdir(parents=True, exist_ok=True)
    entries = list(path.iterdir())
    other = [e.name for e in entries if not (e.is_dir() and e.name.startswith("day="))]
    if other:
        raise InputError(
            f"{path} holds other files ({', '.join(sorted(other)[:3])}): export into a new "
            "folder, or one that holds only an earlier export's day= folders",
            fr=f"{path} contient d'autres fichiers ({', '.join(sorted(other)[:3])}) : exportez "
            "dans un nouveau dossier, ou dans un qui ne contient que les dossiers day= d'un "
            "export précédent",
        )
    for e in entries:
        shutil.rmtree(e)


def _stream(store: Store, sql: str, fmt: str, fh: IO[bytes]) -> None:
    import orjson
    import pyarrow.csv as pcsv

    cur = store.con.cursor()  # a separate cursor: the store's own may hold a pending result
    reader = cur.sql(sql).to_arrow_reader(50_000)
    if fmt == "csv":  # header unquoted, as spreadsheets and `csv` readers expect
        fh.write((",".join(reader.schema.names) + "\n").encode())
    opts = pcsv.WriteOptions(include_header=False, quoting_style="needed")
    for batch in map(_utc, reader):
        if fmt == "csv":
            pcsv.write_csv(batch, fh, write_options=opts)
        else:
            fh.write(b"".join(orjson.dumps(r, default=_default) + b"\n" for r in batch.to_pylist()))
    fh.flush()
    cur.close()


def _default(o: Any) -> Any:
    return str(o)


def _utc(batch: Any) -> Any:
    """The batch with its times marked as the UTC they are ("…Z", "…+00:00"): the store
    keeps them without a zone, and a reader would otherwise take them for local time."""
    import pyarrow as pa

    fields = [
        f.with_type(pa.timestamp(f.type.unit, tz="UTC"))
        if pa.types.is_timestamp(f.type) and f.type.tz is None
        else f
        for f in batch.schema
    ]
    return batch.cast(pa.schema(fields)) if fields != list(batch.schema) else batch
