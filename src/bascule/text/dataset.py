"""Labelled text files for `bascule stance train/evaluate`: CSV, TSV or JSON Lines.

Compressed files (.gz, .xz, .bz2, .zst) are read directly. Columns are found by name
(`--text-col`, `--target-col`, `--label-col`) or guessed from usual names, so the SemEval-2016
TSV (`Tweet`, `Target`, `Stance`) works as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from bascule.errors import InputError

TEXT_NAMES = ("text", "tweet", "post", "content", "body", "comment-body", "own_text")
TARGET_NAMES = ("target", "target_id", "topic")
LABEL_NAMES = ("label", "stance", "class", "party", "y")


@dataclass
class Labelled:
    """Texts, labels and (optional) targets read from a file."""

    texts: list[str]
    labels: list[str]
    targets: list[str] | None
    columns: dict[str, str | None]
    times: list[str] | None = None

    def __len__(self) -> int:
        return len(self.texts)


def _kind(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes if s.lower() not in (".gz", ".xz", ".bz2", ".zst")]
    ext = suffixes[-1] if suffixes else ""
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if ext in (".tsv", ".tab", ".txt"):
        return "tsv"
    return "csv"


def _pick(df: pd.DataFrame, wanted: str | None, names: tuple[str, ...], what: str) -> str | None:
    cols = {c.lower(): c for c in df.columns}
    if wanted:
        if wanted in df.columns:
            return wanted
        if wanted.lower() in cols:
            return cols[wanted.lower()]
        raise InputError(f"no column {wanted!r} for the {what} (columns: {', '.join(df.columns)})")
    for n in names:
        if n in cols:
            return cols[n]
    return None


def read_table(path: str | Path) -> pd.DataFrame:
    """A CSV, TSV or JSON-lines file as a DataFrame of strings (JSON values as read)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"data file not found: {path}")
    kind = _kind(path)
    try:
        if kind == "jsonl":
            df = pd.read_json(path, lines=True, dtype=False)
        else:
            df = pd.read_csv(
                path,
                sep="\t" if kind == "tsv" else ",",
                dtype=str,
                keep_default_na=False,
                encoding_errors="replace",
                quoting=3 if kind == "tsv" else 0,
            )
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, OSError) as exc:
        raise InputError(f"cannot read {path} as {kind.upper()}: {exc}") from None
    if df.empty:
        raise InputError(f"{path} has no rows")
    return df


def text_column(df: pd.DataFrame, wanted: str | None, path: str | Path) -> str:
    """The column holding the text (`wanted`, or a usual name such as text or tweet)."""
    tcol = _pick(df, wanted, TEXT_NAMES, "text")
    if tcol is None:
        raise InputError(f"no text column in {path}: pass --text-col (columns: {list(df.columns)})")
    return tcol


def target_column(df: pd.DataFrame, wanted: str | None) -> str | None:
    """The column naming each row's target, if any (`wanted`, or target / topic...)."""
    return _pick(df, wanted, TARGET_NAMES, "target")


def read_labelled(
    path: str | Path,
    *,
    text_col: str | None = None,
    target_col: str | None = None,
    label_col: str | None = None,
    split_col: str | None = None,
    split: str | None = None,
    require_label: bool = True,
    time_col: str | None = None,
) -> Labelled:
    """Read a labelled file; rows with an empty label are dropped, empty texts are kept."""
    path = Path(path)
    df = read_table(path)
    tcol = text_column(df, text_col, path)
    gcol = target_column(df, target_col)
    lcol = _pick(df, label_col, LABEL_NAMES, "label")
    if lcol is None and require_label:
        raise InputError(
            f"no label column in {path}: pass --label-col (columns: {list(df.columns)})"
        )
    mcol = _pick(df, time_col, (), "time") if time_col else None
    if split_col:
        scol = _pick(df, split_col, (), "split")
        df = df[df[scol].astype(str) == str(split)]
        if df.empty:
            raise InputError(f"no rows with {split_col} = {split!r} in {path}")
    df = df.fillna("")
    if lcol is not None:
        df = df[df[lcol].astype(str).str.strip() != ""]
    return Labelled(
        texts=df[tcol].astype(str).tolist(),
        labels=df[lcol].astype(str).str.strip().tolist() if lcol else [],
        targets=df[gcol].astype(str).tolist() if gcol else None,
        columns={"text": tcol, "target": gcol, "label": lcol, "time": mcol},
        times=df[mcol].astype(str).tolist() if mcol else None,
    )
