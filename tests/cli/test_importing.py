"""The `import`, `export` and `forget` commands as a user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from bascule.cli import main

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
PHEME = Path(__file__).resolve().parents[2] / "data" / "pheme_charliehebdo"


def test_import_exit_codes_and_summary(project, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl")]) == 0
    # a French project: the summary in French, the rejects' reasons too
    assert "6 importées, 0 doublons ignorés, 0 rejetées" in capsys.readouterr().out
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl"), "--lang", "en"]) == 0
    assert "already imported, skipped" in capsys.readouterr().out
    code = main(["import", "-p", root, "--json", str(SAMPLES / "twitter_v1_broken.jsonl")])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert (out["imported"], out["duplicates"], out["rejected"]) == (0, 3, 4)
    assert [r["line"] for r in out["rejects"]] == [2, 4, 5, 7]
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1_broken.jsonl"), "--force"]) == 1
    out = capsys.readouterr()
    assert "Rejetées : JSON illisible ×1" in out.out and ":4 : identifiant manquant" in out.err
    assert main(["import", "-p", root, "--format", "nope", str(SAMPLES / "tweets.csv")]) == 2
    assert main(["import", "-p", root, "--map", "id=nope", str(SAMPLES / "tweets.csv")]) == 2
    assert "pas de colonne 'nope'" in capsys.readouterr().err  # a French project
    assert (
        main(
            ["import", "-p", root, "--map", "id=nope", "--lang", "en", str(SAMPLES / "tweets.csv")]
        )
        == 2
    )
    assert "no column 'nope'" in capsys.readouterr().err
    assert main(["status", "-p", root, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["posts"] == 6


def test_demo_commands_then_export_and_forget(project, capsys, tmp_path: Path) -> None:
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(PHEME / "tweets_v1.jsonl.gz")]) == 0
    assert (
        main(["import", "-p", root, "--platform", "twitter", str(PHEME / "retweets.jsonl.gz")]) == 0
    )
    capsys.readouterr()
    assert (
        main(["export", "posts", "-p", root, "--format", "csv", "--until", "2015-01-07T11:10"]) == 0
    )
    text = capsys.readouterr().out
    assert text.startswith("post_id,platform,native_id,author_id,created_at")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 43  # the first tweet, 11:07:51, and what came in the next 2 minutes
    assert rows[0]["post_id"] == "twitter:552783667052167168"
    assert max(r["created_at"] for r in rows) < "2015-01-07 11:10"
    out = tmp_path / "inter"
    assert main(["export", "interactions", "-p", root, "-f", "parquet", "-o", str(out)]) == 0
    assert any(out.iterdir())
    assert main(["forget", "-p", root, "--json", "twitter:25067168"]) == 0  # @euronews
    got = json.loads(capsys.readouterr().out)
    assert got["deleted"]["posts"] > 1
    assert main(["forget", "-p", root, "@nobody-at-all"]) == 2


def test_runs_list_and_undo(project, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(PHEME / "tweets_v1.jsonl.gz")]) == 0
    assert main(["import", "-p", root, str(PHEME / "retweets.jsonl.gz")]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert main(["runs", "-p", root, "--json"]) == 0
    runs = json.loads(capsys.readouterr().out)
    wrong = runs[0]["run_id"]
    # the hint says how to take the import back instead of starting a new project
    assert f"bascule runs undo {wrong}" in err and "--platform twitter" in err
    assert main(["runs", "undo", "-p", root, str(wrong)]) == 0
    held = f"{runs[0]['posts_held']:,}".replace(",", "\u202f")  # a French project
    assert f"Import n° {wrong} annulé : {held} publications" in capsys.readouterr().out
    assert main(["runs", "-p", root]) == 0
    assert "annulé" in capsys.readouterr().out  # a French project: the run's state in French
    assert (
        main(["import", "-p", root, "--platform", "twitter", str(PHEME / "retweets.jsonl.gz")]) == 0
    )
    assert main(["runs", "undo", "-p", root, "12345"]) == 2
    assert "aucun import n° 12345" in capsys.readouterr().err


def test_export_takes_its_format_from_the_out_name(project, capsys, tmp_path: Path) -> None:  # noqa: ANN001
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl")]) == 0
    capsys.readouterr()
    auto = tmp_path / "out" / "auto.csv"
    assert main(["export", "posts", "-p", root, "-o", str(auto), "--lang", "en"]) == 0
    assert auto.read_text().startswith("post_id,platform")  # not JSON lines
    assert "6 posts written to" in capsys.readouterr().err
    days = tmp_path / "a.parquet"
    assert main(["export", "posts", "-p", root, "-o", str(days)]) == 0
    assert any(days.glob("day=*/*.parquet"))
    capsys.readouterr()
    # an explicit --format the name contradicts: one line, exit 2, in the project's French
    bad = tmp_path / "b.parquet"
    assert main(["export", "posts", "-p", root, "-f", "csv", "-o", str(bad)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err.startswith("Erreur : --format csv, mais --out b.parquet désigne un export parquet")
    assert "Traceback" not in err and not bad.exists()
    assert (
        main(["export", "posts", "-p", root, "-f", "jsonl", "-o", str(auto), "--lang", "en"]) == 2
    )
    assert "--format jsonl but --out auto.csv names a csv export" in capsys.readouterr().err
    # standard output without --out: JSON lines by default, CSV when asked
    assert main(["export", "posts", "-p", root]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[0])["post_id"]
    assert main(["export", "posts", "-p", root, "-f", "csv"]) == 0
    assert capsys.readouterr().out.startswith("post_id,platform")


def test_runs_undo_twice_says_it_was_undone(project, capsys) -> None:  # noqa: ANN001
    # the second undo reported "0 posts" with exit code 0
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl")]) == 0
    assert main(["runs", "undo", "-p", root, "1"]) == 0
    capsys.readouterr()
    assert main(["runs", "undo", "-p", root, "1", "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert "import run 1 was already undone" in captured.err and captured.out == ""


def test_runs_show_file_names_that_fit_80_columns(project, capsys, monkeypatch) -> None:  # noqa: ANN001
    # the full path of each run's file wrapped a character at a time at 80 columns
    from bascule.cli.common import console

    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl")]) == 0
    assert (
        main(["import", "-p", root, str(SAMPLES / "tweets.csv"), str(SAMPLES / "tweets.parquet")])
        == 0
    )
    capsys.readouterr()
    monkeypatch.setattr(console, "_width", 80)
    assert main(["runs", "-p", root, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert str(SAMPLES) not in out and max(len(line) for line in out.splitlines()) <= 80
    assert "run 1  " in out and "twitter_v1.jsonl [twitter-v1]  done" in out
    assert "tweets.csv +1 [" in out and "6 imported, 0 duplicates, 0 rejected; holds 6" in out
    monkeypatch.setattr(console, "_width", 140)  # room for the table
    assert main(["runs", "-p", root, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "┃ run ┃" in out and "│ twitter_v1.jsonl " in out and str(SAMPLES) not in out
    assert main(["runs", "-p", root, "--json"]) == 0  # the full paths
    sources = [r["source"] for r in json.loads(capsys.readouterr().out)]
    assert sources[1] == str(SAMPLES / "twitter_v1.jsonl")
    assert sources[0] == f"{SAMPLES / 'tweets.csv'}, {SAMPLES / 'tweets.parquet'}"


def test_short_source_keeps_the_name_and_its_suffix() -> None:
    from bascule.cli.importing import SOURCE_WIDTH, short_source

    assert short_source("/a/b/tweets.csv") == "tweets.csv"
    assert short_source("/a/x.jsonl, /b/y.jsonl, /c/z.jsonl") == "x.jsonl +2"
    assert short_source("drill", "live:replay") == "drill"
    long = short_source("/data/" + "charliehebdo_" * 4 + "tweets.jsonl.gz")
    assert len(long) == SOURCE_WIDTH and long.endswith("ts.jsonl.gz") and "…" in long
    assert short_source(None) == ""


def test_forget_by_account_and_handle_succeeds_and_again_says_erased(project, capsys) -> None:  # noqa: ANN001
    # the erasure PRIVACY.md documents exited 1 ("No author matches @JulienPain"), so a
    # script took it for a failure; asking again exited 2 with "no author matches"
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(SAMPLES / "twitter_v1.jsonl")]) == 0
    capsys.readouterr()
    person = ["forget", "-p", root, "twitter:9651232", "@JulienPain", "--lang", "en"]
    assert main(person) == 0
    captured = capsys.readouterr()
    assert "forgotten: twitter:" in captured.out and "No author matches" not in captured.err
    assert main(person) == 0
    out = capsys.readouterr().out
    assert "already forgotten: twitter:9651232" in out and "already forgotten: @JulienPain" in out
    assert main(["forget", "-p", root, "@JulienPain"]) == 0
    assert "déjà effacé : @JulienPain" in capsys.readouterr().out


def test_an_excel_csv_is_named_with_the_option_that_reads_it(project, capsys, tmp_path) -> None:  # noqa: ANN001
    # a French campaign's Excel CSV (Windows-1252): every accented line was rejected as "not
    # UTF-8", with nothing said of what to do
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "id,author,created_at,text\n"
        "1,alice,2026-09-01T10:00:00Z,Le coût de la vie augmente à Montréal\n"
        "2,bob,2026-09-01T11:00:00Z,Santé : déjà trop tard\n".encode("cp1252")
    )
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(path)]) == 1
    err = capsys.readouterr().err
    assert "Windows-1252" in err and "--encoding cp1252" in err
    assert main(["import", "-p", root, str(path), "--encoding", "cp1252", "--lang", "en"]) == 0
    assert "2 imported, 0 duplicates skipped, 0 rejected" in capsys.readouterr().out
    assert main(["import", "-p", root, str(path), "--encoding", "klingon"]) == 2
    assert "encodage inconnu 'klingon'" in capsys.readouterr().err


def test_french_dates_are_named_with_the_options_that_read_them(project, capsys, tmp_path) -> None:  # noqa: ANN001
    # a spreadsheet's local, day-first dates: every line was rejected as "bad date"
    path = tmp_path / "sondage.csv"
    path.write_text(
        "id;author;date;text\n1;alice;01/09/2026 10:00;Le coût\n2;bob;13/09/2026 11:30;Ok\n"
    )
    root = str(project.root)
    zone = project.config.project.timezone
    project.close()
    assert main(["import", "-p", root, str(path)]) == 1
    err = capsys.readouterr().err
    assert f"--date-format '%d/%m/%Y %H:%M', et --timezone {zone}" in err
    assert "vérifiez --format" not in err  # the format was right
    assert "runs undo" not in err  # nothing went in: nothing to take back first
    args = ["--date-format", "%d/%m/%Y %H:%M", "--timezone", zone, "--lang", "en"]
    assert main(["import", "-p", root, str(path), *args]) == 0
    assert "2 imported, 0 duplicates skipped, 0 rejected" in capsys.readouterr().out


def test_a_date_hint_says_to_undo_first_when_some_posts_went_in(project, capsys, tmp_path) -> None:  # noqa: ANN001
    # read again with --timezone, only the rejected rows would be local times: the imported
    # ones keep theirs, read as UTC, hours apart
    path = tmp_path / "sondage.csv"
    path.write_text("id;author;date;text\n1;a;2026-09-01 10:00;x\n2;b;13/09/2026 11:30;y\n")
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(path), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "first take this import back with `bascule runs undo 1` (the post it imported" in err


def test_a_workbook_says_which_sheets_it_left_unread(project, capsys, tmp_path) -> None:  # noqa: ANN001
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["id", "author", "created_at", "text"])
    wb.active.append(["1", "a", "2026-09-01T10:00:00Z", "x"])
    wb.create_sheet("Facebook").append(["id", "author", "created_at", "text"])
    wb.save(path := tmp_path / "veille.xlsx")
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(path), "--lang", "en"]) == 0
    assert "Only its first sheet is read; not these: 'Facebook'" in capsys.readouterr().err
