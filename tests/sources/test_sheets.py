"""Spreadsheets (Excel, OpenDocument): imported as their CSV export would be."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from bascule.errors import InputError
from bascule.project import init_project
from bascule.sources.importer import import_files
from bascule.sources.readers import detect_format, iter_posts
from tests.sources.helpers import killed_after_two_commits

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def _sheet(path: Path, rows: list[list]) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def _posts(project) -> tuple[list[tuple], set[frozenset]]:  # noqa: ANN001
    """The posts, and which of them share an author (each project has its own pseudonyms,
    of authors and of the @mentions in texts: `iter_posts` compares the texts)."""
    rows = project.store.rows(
        "SELECT native_id, created_at, length(text), likes, reposts, reply_to, author_id "
        "FROM posts ORDER BY 1"
    )
    by_author: dict[str, set] = {}
    for r in rows:
        by_author.setdefault(r[-1], set()).add(r[0])
    return [r[:-1] for r in rows], {frozenset(v) for v in by_author.values()}


def test_a_spreadsheet_imports_as_its_csv_does(project, tmp_path) -> None:  # noqa: ANN001
    rows = list(csv.reader((SAMPLES / "tweets.csv").open(encoding="utf-8")))
    sheet = _sheet(tmp_path / "tweets.xlsx", rows)
    assert detect_format(sheet) == "xlsx"
    got = import_files(project, [sheet])
    assert (got.imported, got.rejected, got.files[0].format) == (6, 0, "xlsx")
    other = init_project(tmp_path / "csv")
    import_files(other, [SAMPLES / "tweets.csv"])
    assert _posts(project) == _posts(other)
    other.close()
    # record by record (the replay connector, `runs undo`'s reading) as set-based
    want = [(p.native_id, p.created_at, p.text) for _, p in iter_posts(SAMPLES / "tweets.csv")]
    assert [(p.native_id, p.created_at, p.text) for _, p in iter_posts(sheet)] == want
    assert import_files(project, [sheet]).files[0].status == "already imported"


def test_cells_read_as_a_csv_export_writes_them(project, tmp_path) -> None:  # noqa: ANN001
    sheet = _sheet(
        tmp_path / "veille.xlsx",
        [
            ["Export Sprout Social", None, None],  # a title, then a blank row, then names
            [None, None, None],
            ["identifiant", "auteur", "date", "texte", "j_aime", None],
            [1553544694765215, "alice", dt.datetime(2026, 9, 1, 10, 0), "Le coût", 3, "note"],
            ["2", "bob", "13/09/2026 11:30", "Santé", 2.5, None],
            [None] * 6,
            [3, None, dt.datetime(2026, 9, 2, 9, 0), "sans auteur", 1, None],
        ],
    )
    got = import_files(project, [sheet], date_format="%d/%m/%Y %H:%M", timezone="America/Toronto")
    assert (got.imported, got.rejected) == (2, 1)
    # a reject names the sheet's row, as the spreadsheet shows it
    assert [(r["line"], r["reason"]) for r in got.rejects] == [(7, "missing author")]
    rows = project.store.rows(
        "SELECT native_id, created_at, text, likes, raw FROM posts ORDER BY 1"
    )
    assert rows == [
        ("1553544694765215", dt.datetime(2026, 9, 1, 14), "Le coût", 3, '{"column_6":"note"}'),
        ("2", dt.datetime(2026, 9, 13, 15, 30), "Santé", 2, None),
    ]


def test_a_spreadsheet_cut_short_resumes_at_the_right_row(project, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    rows = [["id", "author", "created_at", "text"]]
    rows += [[str(10**12 + i), f"a{i % 7}", f"2026-09-01T10:{i:02d}:00Z", f"post {i}"]
             for i in range(20)]  # fmt: skip
    sheet = _sheet(tmp_path / "posts.xlsx", rows)
    with monkeypatch.context() as m:
        killed_after_two_commits(m, "xlsx")
        with pytest.raises(KeyboardInterrupt):
            import_files(project, [sheet], batch_size=2)
    done = project.store.count("posts")
    assert 0 < done < 20
    again = import_files(project, [sheet], batch_size=2)
    assert again.files[0].status == "resumed" and again.imported == 20 - done
    assert project.store.count("posts") == 20


def test_a_file_that_is_no_spreadsheet_says_so(project, tmp_path) -> None:  # noqa: ANN001
    fake = tmp_path / "export.xlsx"
    fake.write_text("id,author\n1,a\n")
    with pytest.raises(InputError, match="not a readable spreadsheet") as err:
        import_files(project, [fake])
    assert "classeur lisible" in err.value.fr
    assert project.store.count("ingest_runs") == 0  # a usage error leaves no run


def test_a_workbook_saved_under_another_name_is_still_read(project, tmp_path) -> None:  # noqa: ANN001
    # an Excel workbook named export.csv was refused as "not a text file (binary data)"
    rows = [["id", "author", "created_at", "text"], ["1", "a", "2026-09-01T10:00:00Z", "x"]]
    sheet = _sheet(tmp_path / "export.xlsx", rows).rename(tmp_path / "export.csv")
    assert detect_format(sheet) == "xlsx"
    assert import_files(project, [sheet]).imported == 1


def test_an_empty_first_sheet_is_said_so(project, tmp_path) -> None:  # noqa: ANN001
    import openpyxl

    # an empty workbook was "cannot tell which column is the post id ... (columns: )"
    empty = tmp_path / "vide.xlsx"
    openpyxl.Workbook().save(empty)
    got = import_files(project, [empty])
    assert (got.imported, got.files[0].status) == (0, "empty")
    # the posts on another sheet than the first: named, not "holds no record" (or that error)
    wb = openpyxl.Workbook()
    wb.create_sheet("Données").append(["id", "author", "created_at", "text"])
    wb["Données"].append([1, "a", "2026-09-01T10:00:00Z", "x"])
    other = tmp_path / "classeur.xlsx"
    wb.save(other)
    with pytest.raises(InputError, match="first sheet, 'Sheet', is empty") as err:
        import_files(project, [other])
    assert "« Données »" in err.value.fr


def test_ids_a_spreadsheet_rounded_are_rejected_not_merged(project, tmp_path) -> None:  # noqa: ANN001
    # post ids typed or pasted as numbers: Excel keeps 15 digits, so two posts became one
    # id (1.837465512345679e+18) and the second a "duplicate" of the first
    sheet = _sheet(
        tmp_path / "veille.xlsx",
        [
            ["id", "author", "created_at", "text", "in_reply_to_status_id"],
            [1837465512345678901, "a", "2026-09-01T10:00:00Z", "un"],
            [1837465512345678902, "b", "2026-09-01T10:01:00Z", "deux"],
            ["1.83747E+18", "c", "2026-09-01T10:02:00Z", "CSV d'Excel"],
            [12, "d", "2026-09-01T10:03:00Z", "exact"],
            # accounts too (two would become one); a reply to a rounded id: to no post
            [13, 1837465512345678901, "2026-09-01T10:04:00Z", "auteur arrondi"],
            [14, "e", "2026-09-01T10:05:00Z", "réponse", 1837465512345678903],
        ],
    )
    got = import_files(project, [sheet])
    assert (got.imported, got.duplicates, got.rejected) == (2, 0, 4)
    assert [r["reason"].split(" '")[0] for r in got.rejects] == [
        *["id rounded by a spreadsheet"] * 3, "author id rounded by a spreadsheet"
    ]  # fmt: skip
    replies = project.store.rows("SELECT native_id, reply_to FROM posts ORDER BY 1")
    assert replies == [("12", None), ("14", None)]
    # record by record too
    posts = [x for _, x in iter_posts(sheet)]
    assert [type(x).__name__ for x in posts] == ["Reject"] * 3 + ["Post", "Reject", "Post"]
    assert posts[-1].reply_to is None


def test_the_sheets_left_unread_are_named(project, tmp_path) -> None:  # noqa: ANN001
    # a workbook's second sheet of posts was skipped with nothing said
    import openpyxl

    wb = openpyxl.Workbook()
    for name, post in (("Twitter", "1"), ("Facebook", "2")):
        ws = wb.active if name == "Twitter" else wb.create_sheet(name)
        ws.title = name
        ws.append(["id", "author", "created_at", "text"])
        ws.append([post, "a", "2026-09-01T10:00:00Z", "x"])
    wb.create_sheet("Vide")
    wb.save(path := tmp_path / "veille.xlsx")
    got = import_files(project, [path])
    assert got.imported == 1 and got.files[0].other_sheets == ["Facebook"]
    assert import_files(project, [path]).files[0].other_sheets == []  # skipped: said before
