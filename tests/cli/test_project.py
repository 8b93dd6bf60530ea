"""`bascule init` and `bascule serve --help` as a user meets them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.cli import main
from bascule.cli.common import console


def test_init_with_missing_config_says_so_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "new" / "proj"
    assert main(["init", str(target), "--config", str(tmp_path / "nonexistent.toml")]) == 2
    err = capsys.readouterr().err
    assert f"--config {tmp_path / 'nonexistent.toml'}: no such file" in err
    assert "leave out --config" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()


def test_init_with_invalid_config_names_its_line_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "mine.toml"
    bad.write_text('[project]\nname = "P"\ntimezone = "Mars/Olympus"\n', encoding="utf-8")
    assert main(["init", str(tmp_path / "proj"), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:3: [project.timezone] unknown time zone" in err
    assert not (tmp_path / "proj").exists()


def test_init_output_is_not_cut_mid_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 80)
    target = tmp_path / ("a-long-folder-name-for-the-war-room-of-the-2026-campaign" * 2)
    assert main(["init", str(target), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert f"  secret:   {target / '.bascule' / 'secret.key'}  (keep it safe: it makes " in out
    assert "(keep it safe: it makes pseudonyms)\n" in out
    assert f"  config:   {target / 'bascule.toml'}  (edit targets, sources, privacy)\n" in out


def test_init_speaks_the_new_projects_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the example config is French: so is what init says about the project it made
    target = tmp_path / "proj"
    assert main(["init", str(target)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [
        f"Projet créé dans {target}",
        f"  configuration :   {target / 'bascule.toml'}  (modifiez les cibles, les sources, "
        "la vie privée)",
        f"  base de données : {target / 'bascule.duckdb'}",
        f"  secret :          {target / '.bascule' / 'secret.key'}  (gardez-le en lieu sûr : "
        "il fabrique les pseudonymes)",
    ]
    # a config in English: init speaks English
    english = tmp_path / "en.toml"
    text = (target / "bascule.toml").read_text(encoding="utf-8")
    english.write_text(text.replace('language = "fr"', 'language = "en"', 1), encoding="utf-8")
    assert main(["init", str(tmp_path / "en"), "--config", str(english)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Created project in ") and "database:" in out and "Projet" not in out


def test_serve_help_says_to_create_an_admin_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "`bascule user add NAME --role admin`" in out


@pytest.fixture
def mentioned(project):  # noqa: ANN001, ANN201
    """A project whose analyses mention the Liberals 1,200 times, the CAQ twice, and a
    target since removed from bascule.toml once."""
    from ..opinion.conftest import Writer

    rows = [(f"a{i}", "2026-09-01T16:00", "t", {"plq": "favor"}, False, "fr") for i in range(1200)]
    rows += [(f"c{i}", "2026-09-01T17:00", "t", {"caq": "favor"}, False, "fr") for i in range(2)]
    rows += [("g", "2026-09-01T18:00", "t", {"gone": "none"}, False, "fr")]
    Writer(project).posts(rows)
    project.close()  # the CLI opens the database itself
    return project


def test_status_names_targets_in_the_output_language(
    mentioned, capsys: pytest.CaptureFixture[str]
) -> None:  # noqa: ANN001
    root = str(mentioned.root)
    assert main(["status", "-p", root, "--lang", "en"]) == 0
    en = capsys.readouterr().out
    assert "top targets: Quebec Liberal Party (1,200), Coalition Avenir Québec (2), gone (1)" in en
    assert "Parti libéral" not in en
    # French, the project's language: its names, and "1 200" never cut at its narrow space
    assert main(["status", "-p", root]) == 0
    fr = capsys.readouterr().out
    assert "cibles les plus citées : Parti libéral du Québec (1\u202f200)," in fr
    assert "Coalition avenir Québec (2), gone (1)" in fr and "Quebec Liberal" not in fr


def test_status_json_keeps_target_ids(mentioned, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    import json

    assert main(["status", "-p", str(mentioned.root), "--json", "--lang", "en"]) == 0
    tops = json.loads(capsys.readouterr().out)["top_targets"]
    assert tops == [
        {
            "target": "plq",
            "name": "Parti libéral du Québec",
            "name_en": "Quebec Liberal Party",
            "posts": 1200,
            "authors": 1200,
        },
        {
            "target": "caq",
            "name": "Coalition avenir Québec",
            "name_en": "Coalition Avenir Québec",
            "posts": 2,
            "authors": 2,
        },
        {"target": "gone", "name": "gone", "name_en": None, "posts": 1, "authors": 1},
    ]


def test_a_long_listing_breaks_between_items_only(capsys: pytest.CaptureFixture[str]) -> None:
    from bascule.cli.project import _print_listing

    items = [f"Cible numéro {i} (1\u202f{i}00)" for i in range(1, 9)]
    _print_listing("cibles les plus citées : ", items, "—")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) > 1 and all(len(line) <= console.width for line in lines)
    assert lines[0].startswith("cibles les plus citées : Cible numéro 1 (1\u202f100),")
    assert all(line.startswith("  Cible numéro ") for line in lines[1:])
    assert " ".join(line.strip() for line in lines) == "cibles les plus citées : " + ", ".join(
        items
    )
    _print_listing("langues : ", [], "—")
    assert capsys.readouterr().out == "langues : —\n"
