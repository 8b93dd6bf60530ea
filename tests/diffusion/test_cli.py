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


def test_tipping_says_when_nothing_agreed_in_time(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["tipping", "--graph", "er", "--n", "500", "--runs", "4", "--max-sweeps", "60"]
    assert main([*args, "--json"]) == 0
    res = _json(capsys)
    assert res["critical_fraction"] is None and res["params"]["max_sweeps"] == 60
    # not one run agreed within 60 sweeps (but those with no one committed never could)
    assert res["curve"][0]["fraction"] == 0 and res["curve"][0]["runs_capped"] == 0
    assert res["runs_capped"] == res["runs_total"] - 4
    top = res["curve"][-1]
    assert top["fraction"] == 0.2 and top["adoption"] > 0.9
    # not "nothing tipped": what the limit was, and how many adopted even so
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "brought the whole network round within 60 sweeps; yet at " in out
    assert (
        "--max-sweeps to wait longer" in out
        and "No committed fraction in the sweep tipped" not in out
    )
    assert main([*args, "--lang", "fr"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "n'a rallié tout le réseau en 60 tours au plus ; avec " in out
    # with the network's own clock the same graph tips, and the sentence gives that clock
    assert main(["tipping", "--graph", "er", "--n", "500", "--runs", "4"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "committed (± " in out and "; consensus within " in out


def test_tipping_names_a_network_file(net: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["tipping", "--graph", str(net), "--model", "threshold", "--phi", "0.5", "--runs", "2"]
    assert main([*args, "--json"]) == 0
    res = _json(capsys)
    assert res["graph"] == "file" and res["graph_file"] == str(net)
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "(threshold (Watts), network file net.txt, n=4)" in out and "observed" not in out


@pytest.mark.parametrize("degree", ["-3", "0"])
def test_tipping_refuses_impossible_degrees(degree: str, capsys) -> None:  # noqa: ANN001
    assert main(["tipping", "--graph", "er", "--degree", degree, "--runs", "2"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "mean degree must be above 0" in err


def test_options_that_would_be_ignored_are_refused(net: Path, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("0\n")
    costs = tmp_path / "costs.csv"
    costs.write_text("0,5\n")
    g = ["--graph", str(net)]
    assert main(["simulate", *g, "--seeds", str(seeds), "--top", "1"]) == 2
    assert "not both" in capsys.readouterr().err
    assert main(["seeds", *g, "--k", "2", "--budget", "2"]) == 2  # was: the budget ignored
    assert "a budget needs costs" in capsys.readouterr().err
    bad = ["seeds", *g, "--k", "1", "--algorithm", "degree", "--costs", str(costs)]
    assert main([*bad, "--budget", "2"]) == 2
    assert "--algorithm imm only" in capsys.readouterr().err
    assert main(["tipping", *g, "--model", "threshold", "--supporters", "caq"]) == 2
    assert "--supporters goes with --by-community" in capsys.readouterr().err
    assert main(["tipping", "--graph", "er", "--by-community"]) == 2  # a generated graph
    assert "--by-community needs a real network" in capsys.readouterr().err
    assert main(["tipping", *g, "--model", "threshold", "--max-sweeps", "50"]) == 2
    assert "max_sweeps is for the naming game" in capsys.readouterr().err


@pytest.mark.parametrize("algo", ["imm", "celf", "degree", "pagerank"])
def test_every_algorithm_warns_when_k_exceeds_the_candidates(net: Path, algo: str, capsys) -> None:  # noqa: ANN001
    assert main(["seeds", "--graph", str(net), "--k", "9", "--algorithm", algo, "--json"]) == 0
    cap = capsys.readouterr()
    res = json.loads(cap.out)
    assert res["eligible"] == 6 and len(res["seeds"]) == 6
    assert res["warnings"] == ["k=9 is more than the 6 eligible accounts: all are chosen"]
    assert "Warning: k=9 is more than the 6 eligible accounts" in cap.err


# -- accounts named in files, on a real thread whose authors are pseudonymised -------------
SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
JULIEN = "9651232"  # @JulienPain, whom everyone in the sample thread replied to or retweeted


@pytest.fixture
def thread(project, tmp_path: Path):  # noqa: ANN001, ANN201
    """(project folder, Julien's pseudonym): the PHEME sample thread, handles pseudonymised."""
    from bascule.sources.importer import import_files

    import_files(project, [SAMPLES / "twitter_v1.jsonl"])
    import_files(project, [SAMPLES / "retweets.jsonl"], platform="twitter")
    anon = project.pseudonymizer.pseudonym("twitter", JULIEN)
    root = str(project.root)
    project.close()  # the commands open it
    return root, anon


def _file(tmp_path: Path, name: str, *lines: str) -> str:
    p = tmp_path / name
    p.write_text("".join(f"{x}\n" for x in lines))
    return str(p)


def test_an_excluded_name_that_matches_nobody_is_not_ignored(
    thread, tmp_path: Path, capsys
) -> None:  # noqa: ANN001
    root, anon = thread
    seeds = ["seeds", "-p", root, "--k", "1", "--runs", "50"]
    assert main([*seeds, "--json"]) == 0
    assert _json(capsys)["seed_handles"] == [anon]  # Julien reaches everyone
    # his real handle is stored nowhere: excluding it used to change nothing, silently
    real = _file(tmp_path, "real.txt", "@JulienPain")
    assert main([*seeds, "--exclude", real, "--lang", "en"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert (
        "--exclude real.txt: none of its names is an account of the network ('@JulienPain')" in err
    )
    assert "pseudonym (anon-…) or author id" in err
    # with his pseudonym as well, he is left out, and the name ignored is said
    both = _file(tmp_path, "both.txt", "@JulienPain", anon.upper(), "@nobody")
    assert main([*seeds, "--exclude", both, "--json"]) == 0
    cap = capsys.readouterr()
    res = json.loads(cap.out)
    assert anon not in res["seed_handles"]
    assert res["warnings"][0].startswith(
        "--exclude both.txt: 2 of its 3 names are not accounts of the network and were ignored "
        "('@JulienPain', '@nobody')"
    )
    assert main([*seeds, "--exclude", both]) == 0  # a French project: the warning in French
    err = " ".join(capsys.readouterr().err.split())
    assert "Attention : --exclude both.txt : 2 de ses 3 noms ne sont pas des comptes" in err


def test_candidates_and_seeds_that_match_nobody(thread, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    root, anon = thread
    ghosts = _file(tmp_path, "ghosts.txt", "@JulienPain", "@ghost", "@a", "@b")
    assert main(["seeds", "-p", root, "--k", "1", "--candidates", ghosts]) == 2  # was "0 seeds"
    err = " ".join(capsys.readouterr().err.split())  # a French project: told in French
    assert "('@JulienPain', '@ghost', '@a' et 1 autre)" in err
    # the reach of other seeds than those asked would mislead: any unknown one is an error
    some = _file(tmp_path, "some.txt", anon, "@JulienPain")
    assert main(["simulate", "-p", root, "--seeds", some, "--runs", "10", "--lang", "en"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "1 of its 2 names is not an account of the network ('@JulienPain')" in err
    assert "anon-" in err
    # supporters of a target nobody in the network supports: said, not "0 seeds reach 0"
    assert main(["seeds", "-p", root, "--k", "1", "--supporters", "caq", "--lang", "en"]) == 2
    assert "no account of the network supports 'caq'" in capsys.readouterr().err
