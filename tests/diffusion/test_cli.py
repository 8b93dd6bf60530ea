"""The diffusion commands as a user runs them, on a small network file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bascule.cli import main

EDGES = "0 1 1.0\n0 2 1.0\n1 3 0.5\n4 5 1.0\n5 5 0.3\n"


@pytest.fixture
def net(tmp_path: Path) -> Path:
    p = tmp_path / "net.txt"
    p.write_text(EDGES)
    return p


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def test_seeds_json(net: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seeds", "--graph", str(net), "--k", "2", "--prob", "weight", "--json"]) == 0
    res = _json(capsys)
    assert sorted(res["seeds"]) == ["0", "4"]
    assert res["spread"]["mean"] == pytest.approx(5.5, abs=0.15)
    assert {"imm", "simulation", "total"} <= set(res["seconds"])


def test_simulate_seed_file_and_top(net: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    f = tmp_path / "seeds.txt"
    f.write_text("0\n")
    args = ["simulate", "--graph", str(net), "--seeds", str(f), "--prob", "weight"]
    assert main([*args, "--runs", "2000", "--json"]) == 0
    res = _json(capsys)
    assert res["spread"]["mean"] == pytest.approx(3.5, abs=0.05)
    assert res["self_loops_dropped"] == 1
    assert main(["simulate", "--graph", str(net), "--top", "1", "--prob", "wc"]) == 0
    assert "1 seed reaches 4.0 of 6 accounts" in capsys.readouterr().out


def test_baseline_algorithms(net: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for algo in ("degree", "pagerank", "celf"):
        assert main(["seeds", "--graph", str(net), "--k", "1", "--algorithm", algo, "--json"]) == 0
        assert _json(capsys)["seeds"] == ["0"]


def test_tipping_json_and_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    png = tmp_path / "tip.png"
    args = ["tipping", "--model", "naming-game", "--graph", "complete", "--n", "200"]
    assert main([*args, "--runs", "6", "--png", str(png), "--json"]) == 0
    res = _json(capsys)
    assert 0.07 < res["critical_fraction"] < 0.14 and png.exists()
    # the sentence gives the fraction as a share, in the language asked for
    crit = 100 * res["critical_fraction"]
    assert main([*args, "--runs", "6", "--lang", "fr"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    expected = f"{crit:.1f}".replace(".", ",")
    assert (
        f"Point de bascule (jeu de dénomination (naming game), tout le monde se parle, n = 200) : {expected} % de convaincus"
        in out
    )
    assert main([*args, "--runs", "6"]) == 0  # no project here: English
    assert f": {crit:.1f}% committed (± " in " ".join(capsys.readouterr().out.split())


def test_errors_are_one_line(net: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seeds", "--graph", str(net), "--k", "2", "--prob", "uniform:3"]) == 2
    assert "[0, 1]" in capsys.readouterr().err
    assert main(["simulate", "--graph", str(net)]) == 2
    assert main(["tipping", "--graph", "lattice.txt"]) == 2


@pytest.mark.parametrize(
    "argv",
    [
        ["tipping", "--runs", "0"],  # numpy's "Mean of empty slice", then "did not tip"
        ["tipping", "--phi", "1.5"],
        ["simulate", "--top", "-2"],  # "10664 seeds reach 10,666 accounts"
        ["simulate", "--seeds", "EMPTY"],  # "0 seeds reach 0.0"
        ["seeds", "--k", "1", "--supporters", "nope"],  # "0 seeds (IMM) reach 0.0"
    ],
)
def test_values_that_mean_nothing_are_refused(
    argv: list[str],
    project,
    net: Path,
    tmp_path: Path,
    capsys,  # noqa: ANN001
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# no one\n")
    argv = [str(empty) if a == "EMPTY" else a for a in argv]
    graph = ["--graph", str(net)] if argv[0] != "seeds" else []
    root = str(project.root)
    project.close()  # the command opens it
    assert main([*argv, "-p", root, *graph]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip()
