"""`bascule forecast` takes --project like every command; `alerts` on an empty project says
what to run."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.cli import main
from bascule.cli.common import console

CASCADES = Path(__file__).resolve().parents[2] / "data" / "samples" / "cascades.tsv"
EMPTY_FR = (
    "Ce projet ne contient encore aucune publication : importez-en avec "
    "`bascule import FICHIER`, puis lancez `bascule analyze`."
)
EMPTY_EN = (
    "This project has no posts yet: import some with `bascule import FILE`, then run "
    "`bascule analyze`."
)


def test_forecast_takes_the_project_and_speaks_its_language(
    root: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "No such option: -p", exit code 2
    assert main(["forecast", "-p", root, "--cascades", str(CASCADES)]) == 0
    assert "Prévision après 60 min" in capsys.readouterr().out
    assert main(["forecast", "-p", root, "--cascades", str(CASCADES), "--lang", "en"]) == 0
    assert "Forecast after 60 min" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)  # no project needed: English outside one
    assert main(["forecast", "--cascades", str(CASCADES)]) == 0
    assert "Forecast after 60 min" in capsys.readouterr().out
    assert main(["forecast", "-p", str(tmp_path / "nope"), "--cascades", str(CASCADES)]) == 2
    assert "no Bascule project in" in capsys.readouterr().err


def test_alerts_on_an_empty_project_say_what_to_run(
    root: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # printed empty tables ("0 alerte")
    for args in (["alerts", "list"], ["alerts", "watch", "--once", "--no-deliver"]):
        assert main([*args, "-p", root]) == 0
        got = capsys.readouterr()
        assert got.out.strip() == EMPTY_FR and got.err == "", args
        assert main([*args, "-p", root, "--lang", "en"]) == 0
        assert capsys.readouterr().out.strip() == EMPTY_EN
    assert main(["alerts", "list", "-p", root, "--json"]) == 0  # scripts still get JSON
    assert capsys.readouterr().out.strip() == "[]"


def test_alerts_list_names_targets_in_the_output_language(
    project,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    # the target column printed ids ("logement"); --json keeps them
    import json
    from datetime import datetime

    from bascule.store import alerts as sql

    monkeypatch.setattr(console, "width", 200)
    monkeypatch.delenv("BASCULE_PROJECT", raising=False)
    alert = {
        "alert_id": "lone_critic:m:1:logement",
        "kind": "lone_critic",
        "target_id": "logement",
        "post_id": "m:1",
        "title": "Critique de Logement",
        "detail": {"spreaders": 3},
        "score": 3.0,
        "created_at": datetime(2026, 9, 10, 12, 0),
    }
    burst = {**alert, "alert_id": "burst:x", "kind": "burst", "target_id": None, "post_id": None}
    sql.insert_new(project.store, [alert, burst])
    root = str(project.root)
    project.close()
    assert main(["alerts", "list", "-p", root]) == 0
    cells = [c.strip() for c in capsys.readouterr().out.split("│")]
    assert "Logement" in cells and "logement" not in cells
    assert main(["alerts", "list", "-p", root, "--lang", "en"]) == 0
    cells = [c.strip() for c in capsys.readouterr().out.split("│")]
    assert "Housing" in cells and "logement" not in cells
    assert main(["alerts", "list", "-p", root, "--json"]) == 0
    got = {a["alert_id"]: a["target_id"] for a in json.loads(capsys.readouterr().out)}
    assert got == {"lone_critic:m:1:logement": "logement", "burst:x": None}
