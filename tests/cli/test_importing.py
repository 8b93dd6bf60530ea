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
