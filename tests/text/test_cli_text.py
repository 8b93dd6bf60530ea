"""The text commands as a user runs them: analyze, stance train / evaluate / label."""

from __future__ import annotations

import json
from pathlib import Path

from bascule.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
PAIRS = DATA / "text_minimal_pairs" / "stance.tsv"


def test_stance_train_and_evaluate(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    model = tmp_path / "m.joblib"
    argv = ["stance", "train", "--data", str(PAIRS), "--out", str(model), "--json"]
    assert main([*argv, "--split-col", "split", "--split", "train"]) == 0
    trained = json.loads(capsys.readouterr().out)
    assert trained["rows"] == 24 and trained["columns"]["target"] == "target"
    argv = ["stance", "evaluate", "--model", str(model), "--data", str(PAIRS), "--json"]
    assert main([*argv, "--split-col", "split", "--split", "test"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 8 and res["f_avg"] >= 0.7 and res["macro_f1"] >= 0.7
    assert set(res["per_class"]) == {"favor", "against", "none"}
    assert set(res["per_target"]) == {"caq", "qs"}
    assert len(res["confusion"]["matrix"]) == 3
    # the same file with its stances spelt in French scores the same on every metric (macro-F1
    # and accuracy were 0 when only f_avg normalised them); labels the model never saw are
    # said to be so
    french = tmp_path / "fr.tsv"
    spelt = {"\tfavor\t": "\tpour\t", "\tagainst\t": "\tcontre\t", "\tnone\t": "\tneutre\t"}
    text = PAIRS.read_text(encoding="utf-8")
    for a, b in spelt.items():
        text = text.replace(a, b)
    french.write_text(text, encoding="utf-8")
    argv[5] = str(french)
    assert main([*argv, "--split-col", "split", "--split", "test"]) == 0
    fr = json.loads(capsys.readouterr().out)
    assert (fr["f_avg"], fr["macro_f1"], fr["accuracy"]) == (
        res["f_avg"],
        res["macro_f1"],
        res["accuracy"],
    )
    camps = tmp_path / "camps.tsv"
    camps.write_text(text.replace("\tpour\t", "\tleft\t").replace("\tcontre\t", "\tright\t")
                     .replace("\tneutre\t", "\tcentre\t"), encoding="utf-8")  # fmt: skip
    argv[5] = str(camps)
    assert main([*argv, "--split-col", "split", "--split", "test"]) == 2
    assert "none of the file's labels" in capsys.readouterr().err


def test_polis_csv_many_classes(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    model = tmp_path / "topics.joblib"
    data = DATA / "polis_topics" / "statements.csv"
    argv = ["stance", "train", "--data", str(data), "--out", str(model), "--json"]
    assert main([*argv, "--label-col", "conversation"]) == 0
    assert len(json.loads(capsys.readouterr().out)["classes"]) == 10


def test_errors_are_clear(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["stance", "train", "--data", str(tmp_path / "no.csv"), "--out", "m"]) == 2
    assert "not found" in capsys.readouterr().err
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n")
    assert main(["stance", "train", "--data", str(bad), "--out", str(tmp_path / "m")]) == 2
    assert "text column" in capsys.readouterr().err
    junk = tmp_path / "junk.joblib"
    junk.write_text("x")
    assert main(["stance", "evaluate", "--model", str(junk), "--data", str(PAIRS)]) == 2
    assert "not a Bascule model" in capsys.readouterr().err


def test_analyze_command(project, add_posts, capsys) -> None:  # noqa: ANN001
    add_posts(project, [{"post_id": "x:1", "text": "Bravo la CAQ !"}, {"post_id": "x:2"}])
    root = str(project.root)
    project.close()
    assert main(["analyze", "-p", root, "--json", "--no-progress"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["analysed_posts"] == 2 and out["analyses"] == 1
    assert main(["analyze", "-p", root, "--redo", "--no-progress"]) == 0
    out = " ".join(capsys.readouterr().out.split())  # a French project speaks French
    assert "2 publications analysées" in out and "Pas encore de modèle de position" in out
    assert main(["analyze", "-p", root, "--redo", "--no-progress", "--lang", "en"]) == 0
    assert "No stance model yet" in capsys.readouterr().out
    assert main(["stance", "train", "-p", root]) == 2  # no cue in two posts: a clear error
    assert "pas assez d'exemples pour entraîner" in capsys.readouterr().err  # French project


def test_project_model_from_cues_says_how_to_measure_it(project, add_posts, capsys) -> None:  # noqa: ANN001
    from tests.text.conftest import CUE_POSTS

    add_posts(project, CUE_POSTS)
    root = str(project.root)
    project.close()
    assert main(["stance", "train", "-p", root]) == 0
    out = " ".join(capsys.readouterr().out.split())  # a French project
    assert "Modèle écrit dans" in out and "Annotez au moins 20 publications" in out
    assert "bascule analyze --redo" in out  # what makes the model count


def test_label_in_the_terminal_then_retrain(project, add_posts, capsys, monkeypatch) -> None:  # noqa: ANN001
    import io

    from tests.text.conftest import CUE_POSTS

    add_posts(project, CUE_POSTS)
    root = str(project.root)
    project.close()
    assert main(["analyze", "-p", root, "--no-progress"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("f\n\na\nq\n"))
    assert main(["stance", "label", "-p", root, "--n", "5", "--retrain-every", "2"]) == 0
    out = capsys.readouterr().out.replace("\n", " ")
    out = " ".join(out.split())
    assert "2 annotations enregistrées, 1 passée, modèle réentraîné 1 fois" in out
    assert "Annotez au moins 20 publications" in out  # after the retrain: too few to measure
    # a French project asks [p]our / [c]ontre / [n]i l'un ni l'autre, and "a" stays
    # "against", as the help says (it was "aucun": "against" stored as "none")
    assert "[p]our / [c]ontre / [n]i l'un ni l'autre" in out
    from bascule.store.db import Store

    with Store(Path(root) / "bascule.duckdb", read_only=True) as s:
        assert sorted(r[0] for r in s.rows("SELECT label FROM stance_labels")) == [
            "against",
            "favor",
        ]
    # one label, one retrain: singular in English too (was "1 labels saved ... 1 times")
    monkeypatch.setattr("sys.stdin", io.StringIO("f\nq\n"))
    args = ["stance", "label", "-p", root, "--n", "3", "--retrain-every", "1", "--lang", "en"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "1 label saved, 0 skipped, model retrained 1 time." in out
    monkeypatch.setattr("sys.stdin", io.StringIO("p\nc\nn\nq\n"))
    assert main(["stance", "label", "-p", root, "--n", "3", "--retrain-every", "9"]) == 0
    with Store(Path(root) / "bascule.duckdb", read_only=True) as s:
        got = sorted(r[0] for r in s.rows("SELECT label FROM stance_labels"))
    assert got.count("favor") >= 1 and got.count("against") >= 1 and "none" in got


def test_label_headers_name_the_target(project, add_posts, capsys, monkeypatch) -> None:  # noqa: ANN001
    # the rule above each post showed the target's id ("caq"), in any language
    import io

    from bascule.cli.common import console
    from tests.text.conftest import CUE_POSTS

    add_posts(project, CUE_POSTS)
    root = str(project.root)
    project.close()
    assert main(["analyze", "-p", root, "--no-progress"]) == 0
    monkeypatch.setattr(console, "width", 100)
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    assert main(["stance", "label", "-p", root, "--n", "1", "--lang", "en"]) == 0
    rule = capsys.readouterr().out.splitlines()[0]
    assert " Coalition Avenir Québec " in rule and " caq " not in rule
    monkeypatch.setattr("sys.stdin", io.StringIO("q\n"))
    assert main(["stance", "label", "-p", root, "--n", "1"]) == 0
    assert " Coalition avenir Québec " in capsys.readouterr().out.splitlines()[0]


def test_text_options_that_mean_nothing_are_refused(tmp_path: Path, project, capsys) -> None:  # noqa: ANN001
    # --c 0 and --themes -1 were scikit-learn tracebacks; --retrain-every 0 looped forever
    root = str(project.root)
    project.close()  # the commands open it
    for argv in (
        ["stance", "train", "--data", str(PAIRS), "--out", str(tmp_path / "m"), "--c", "0"],
        ["undecided", "-p", root, "--themes", "-1"],
        ["stance", "label", "-p", root, "--retrain-every", "0"],
        ["poll", "-p", root, "-t", "caq", "--lang", "de"],
    ):
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "Traceback" not in err and err.strip(), argv


def test_train_says_one_unreadable_date_in_the_singular(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    data = tmp_path / "d.csv"
    data.write_text("text,label,when\nbravo,g,2022-01-01\nhou,d,never\n", encoding="utf-8")
    argv = ["stance", "train", "--data", str(data), "--out", str(tmp_path / "m.joblib")]
    argv += ["--time-col", "when", "--half-life", "3"]
    assert main([*argv, "--lang", "en"]) == 2
    assert "1 row has no readable date" in " ".join(capsys.readouterr().err.split())
    assert main([*argv, "--lang", "fr"]) == 2
    assert "1 ligne n'a pas de date lisible" in " ".join(capsys.readouterr().err.split())
