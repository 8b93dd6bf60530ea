"""Files in another encoding than UTF-8 (Excel's CSV on Windows): named, then read with it."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

import pytest

from bascule.errors import InputError
from bascule.sources.importer import import_files
from tests.sources.helpers import killed_after_two_commits

DATA = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"


def _french_rows(n: int) -> list[dict]:
    """`n` real French tweets of the demo's slice that Windows-1252 can hold, with accents
    (their @mentions left out: those are stored pseudonymised)."""
    rows = []
    with gzip.open(DATA / "tweets_v1.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            t = json.loads(line)
            text = re.sub(r"@\w+\s*", "", t["text"].replace("\n", " "))
            if t.get("lang") != "fr" or "@" in text or not any(c in text for c in "éèàçêù"):
                continue
            try:
                text.encode("cp1252")
            except UnicodeEncodeError:
                continue
            rows.append(
                {"id": t["id_str"], "author": t["user"]["id_str"], "text": text,
                 "created_at": t["created_at"]}
            )  # fmt: skip
    assert len(rows) >= 10
    # more than the slice holds: the same texts again under new ids
    return [{**rows[i % len(rows)], "id": str(10**12 + i)} if i >= len(rows) else rows[i]
            for i in range(n)]  # fmt: skip


def _write(path: Path, rows: list[dict], encoding: str, fmt: str = "csv") -> Path:
    if fmt == "csv":
        out = io.StringIO(newline="")
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
        text = out.getvalue()
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    path.write_bytes(text.encode(encoding))
    return path


def _texts(project) -> dict[str, str]:  # noqa: ANN001
    return dict(project.store.rows("SELECT native_id, text FROM posts"))


def test_an_excel_csv_is_named_then_read_again_with_its_encoding(project, tmp_path) -> None:  # noqa: ANN001
    rows = _french_rows(12)
    path = _write(tmp_path / "excel.csv", rows, "cp1252")
    first = import_files(project, [path])
    assert first.rejected == 12 and first.files[0].encoding_hint == "cp1252"
    assert first.reasons == {"bad encoding": 12}
    again = import_files(project, [path], encoding="cp1252")  # read again, though done
    assert (again.imported, again.rejected, again.files[0].status) == (12, 0, "imported")
    assert _texts(project) == {r["id"]: r["text"] for r in rows}
    assert project.store.count("rejects") == 0  # the first read's rejects went with it
    third = import_files(project, [path], encoding="cp1252")
    assert third.files[0].status == "already imported" and project.store.count("posts") == 12


def test_a_utf8_file_with_a_broken_line_is_not_said_to_be_cp1252(project, tmp_path) -> None:  # noqa: ANN001
    # its accents read as UTF-8: read again as Windows-1252, they would all be wrong
    rows = _french_rows(12)
    path = _write(tmp_path / "export.csv", rows, "utf-8")
    path.write_bytes(path.read_bytes().replace(rows[5]["text"].encode(), b"coup\xc3 net"))
    first = import_files(project, [path])
    assert (first.imported, first.reasons) == (11, {"bad encoding": 1})
    assert first.files[0].encoding_hint is None


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_reencoded_file_cut_short_resumes_at_the_right_record(
    project, tmp_path, monkeypatch, fmt: str
) -> None:  # noqa: ANN001
    # the progress of a re-encoded file counts UTF-8 bytes: a resume skips them, not seeks
    import bascule.sources.importer as importer

    n, batch = (20, 2) if fmt == "csv" else (1500, 200)
    monkeypatch.setattr(importer, "JSONL_BYTES_PER_RECORD", 1)  # JSON lines: 64 KB blocks
    rows = _french_rows(n)
    path = _write(tmp_path / f"posts.{fmt}", rows, "latin-1", fmt)
    with monkeypatch.context() as m:
        killed_after_two_commits(m, fmt)
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [path], fmt, batch_size=batch, encoding="latin-1")
    done = project.store.count("posts")
    assert 0 < done < n
    again = import_files(project, [path], fmt, batch_size=batch, encoding="latin-1")
    assert again.files[0].status == "resumed" and again.imported == n - done
    assert again.rejected == 0 and _texts(project) == {r["id"]: r["text"] for r in rows}


def test_utf16_text_is_named_and_read_with_its_encoding(project, tmp_path) -> None:  # noqa: ANN001
    rows = _french_rows(5)
    path = _write(tmp_path / "unicode.csv", rows, "utf-16")  # Excel's "Unicode text": a BOM
    with pytest.raises(InputError, match="--encoding utf-16") as err:
        import_files(project, [path])
    assert "UTF-16" in err.value.fr
    assert import_files(project, [path], encoding="utf-16").imported == 5
    assert _texts(project) == {r["id"]: r["text"] for r in rows}


def test_an_unknown_encoding_is_a_usage_error_that_leaves_no_run(project, tmp_path) -> None:  # noqa: ANN001
    path = _write(tmp_path / "a.csv", _french_rows(2), "utf-8")
    with pytest.raises(InputError, match="unknown encoding 'klingon'") as err:
        import_files(project, [path], encoding="klingon")
    assert "encodage inconnu" in err.value.fr
    assert project.store.count("ingest_runs") == 0
    # UTF-8 named as such is read as it is
    assert import_files(project, [path], encoding="UTF8").imported == 2
