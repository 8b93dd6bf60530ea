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
