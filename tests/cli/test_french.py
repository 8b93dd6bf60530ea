"""Every command speaks the project's language: French in a French project (the example's),
French numbers included, and English when `--lang en` asks for it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bascule.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
SAMPLE = DATA / "samples" / "twitter_v1.jsonl"
PHEME = DATA / "pheme_charliehebdo" / "tweets_v1.jsonl.gz"
PAIRS = DATA / "text_minimal_pairs" / "stance.tsv"
SLICE = DATA / "twitter15" / "edges_slice.tsv.gz"


@pytest.fixture
def root(project, wide) -> str:  # noqa: ANN001
    """A French project (the example config) holding the six sample tweets."""
    path = str(project.root)
    project.close()  # the commands open it
    assert main(["import", "-p", path, str(SAMPLE)]) == 0
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str, code: int = 0) -> tuple[str, str]:
    """The command's standard output and error, each on one line (narrow no-break spaces,
    French thousands separators, kept)."""
    assert main(list(args)) == code
    got = capsys.readouterr()
    return tuple(re.sub(r"[ \t\n]+", " ", x).strip() for x in (got.out, got.err))


def test_graph_build(root: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    capsys.readouterr()
    out, _ = _run(
        capsys, "graph", "build", "-p", root, "--kind", "all", "-o", str(tmp_path / "g.csv")
    )
    assert "interactions : toutes" in out and "nœuds : " in out and "liens : " in out
    assert "orienté : oui" in out and "degré sortant maximal : " in out
    assert f"écrit dans : {tmp_path / 'g.csv'}" in out
    assert "nodes" not in out and "edges" not in out and "True" not in out
    out, _ = _run(capsys, "graph", "build", "-p", root, "--lang", "en")
    assert "kind: amplify" in out and "nodes: " in out and "directed: yes" in out
    assert "nœuds" not in out
    # a file of probabilities: the total weight with a decimal comma
    out, _ = _run(
        capsys, "graph", "build", "-p", root, "--graph", str(DATA / "nethept" / "NetHEPT_wc.txt.gz")
    )
    assert "nœuds : 15\u202f233" in out and re.search(r"poids total : [\d\u202f]+,\d{3}", out)
    assert "poids : probabilités" in out


def test_stance_train_evaluate_predict(
    root: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    capsys.readouterr()
    model = tmp_path / "m.joblib"
    split = ["--split-col", "split"]
    out, _ = _run(
        capsys,
        "stance",
        "train",
        "-p",
        root,
        "--data",
        str(PAIRS),
        "--out",
        str(model),
        *split,
        "--split",
        "train",
    )
    assert "Modèle écrit dans" in out and "24 lignes" in out
    ev = ["stance", "evaluate", "-p", root, "--model", str(model), "--data", str(PAIRS), *split]
    out, _ = _run(capsys, *ev, "--split", "test")
    assert re.search(r"8 lignes : f_avg \d,\d{4}, macro-F1 \d,\d{4}, exactitude \d,\d{4}", out)
    for word in ("Par classe", "classe", "précision", "rappel", "effectif", "Par cible", "cible"):
        assert word in out
    assert not re.search(r"\d\.\d", out)  # no decimal point: French numbers
    for word in ("rows", "accuracy", "precision", "recall", "support", "target"):
        assert word not in out
    out, _ = _run(capsys, *ev, "--split", "test", "--lang", "en")
    assert "8 rows: f_avg" in out and "accuracy" in out and "Per class" in out and "recall" in out
    labelled = tmp_path / "p.csv"
    _, err = _run(
        capsys,
        "stance",
        "predict",
        "-p",
        root,
        "--model",
        str(model),
        "--data",
        str(PAIRS),
        "--out",
        str(labelled),
    )
    assert f"32 lignes étiquetées dans {labelled} : " in err and "rows" not in err


def test_alerts_watch_list_and_forecast(
    project,
    wide,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    root = str(project.root)
    project.close()
    assert main(["import", "-p", root, str(PHEME)]) == 0  # bursts on the day of the attack
    capsys.readouterr()
    watch = ["alerts", "watch", "-p", root, "--once", "--no-deliver"]
    out, _ = _run(capsys, *watch, "--now", "2015-01-07T14:00:00")
    assert re.search(r"\d+ nouvelles alertes", out) and "Pic de mentions" in out
    assert "quand (UTC)" in out and "alerte" in out and "Pic de « " in out
    for word in ("new alert", "created_at", "burst", "title"):
        assert word not in out
    out, _ = _run(capsys, *watch, "--now", "2015-01-08T14:00:00", "--lang", "en")
    assert "new alerts" in out and "Mention burst" in out and "Burst of '" in out
    out, _ = _run(capsys, "alerts", "list", "-p", root, "--limit", "2")
    assert "2 alertes" in out and "envoyée à" in out and re.search(r"\d,\d ", out)
    out, _ = _run(capsys, "alerts", "list", "-p", root, "--limit", "1", "--lang", "en")
    assert "1 alert " in out and "sent to" in out and "Burst of '" in out  # titled in English
    # forecast reads no project: it speaks the language of the one BASCULE_PROJECT names
    monkeypatch.setenv("BASCULE_PROJECT", root)
    out, _ = _run(capsys, "forecast", "--cascades", str(SLICE), "--interval")
    assert "Prévision après 60 min" in out and "observés" in out and "prévus" in out
    assert "haut" in out and re.search(r"\d,\d", out) and "predicted" not in out
    out, _ = _run(capsys, "forecast", "--cascades", str(SLICE), "--lang", "en")
    assert "Forecast after 60 min" in out and "predicted" in out


def test_listen(project, wide, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    with project.config_path.open("a", encoding="utf-8") as fh:
        fh.write(
            f'\n[[sources]]\nkind = "replay"\nname = "drill"\npath = "{SAMPLE}"\nformat = "twitter-v1"\n'
        )
    root = str(project.root)
    project.close()
    out, _ = _run(capsys, "listen", "-p", root, "--once", "--no-alerts")
    assert "drill (replay) : 6 nouvelles publications, 0 doublon, 0 supprimée, 0 mal formée" in out
    assert re.search(r"6 publications en \d+,\d s", out)
    # tweets of 2015: gone at once, older than the retention period
    assert (
        "6 publications supprimées : plus anciennes que la durée de conservation (365 jours" in out
    )
    for word in ("new posts", "posts in", "deleted:", "retention period"):
        assert word not in out
    out, _ = _run(capsys, "listen", "-p", root, "--once", "--no-alerts", "--lang", "en")
    assert "drill (replay): 0 new posts, 0 duplicates" in out and "0 posts in" in out


def test_prune(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    out, _ = _run(capsys, "prune", "-p", root, "--dry-run")
    assert out.startswith("Supprimerait 6 publications antérieures au ")
    assert "6 auteurs" in out and "garderait 0 agrégats quotidiens." in out
    assert "posts" not in out and "older" not in out
    out, _ = _run(capsys, "prune", "-p", root, "--dry-run", "--lang", "en")
    assert out.startswith("Would delete 6 posts older than ") and "would keep 0 daily" in out
    out, _ = _run(capsys, "prune", "-p", root, "--days", "30")
    assert out.startswith("6 publications antérieures au ") and "supprimées" in out


def test_serve_and_user_accounts(
    root: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    capsys.readouterr()
    out, _ = _run(capsys, "user", "list", "-p", root)
    assert out.startswith("Aucun compte web : créez-en un avec")
    _, err = _run(capsys, "serve", "-p", root, code=2)
    assert "Erreur : pas encore de compte web : créez-en un avec `bascule user add NOM" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    out, _ = _run(
        capsys, "user", "add", "alice", "--role", "analyst", "--password-stdin", "-p", root
    )
    assert out == "Compte alice (analyste) enregistré."
    _, err = _run(capsys, "serve", "-p", root, "--listen", code=2)
    assert "aucune source à écouter" in err
    out, _ = _run(capsys, "user", "list", "-p", root)
    assert "Comptes web" in out and "compte" in out and "créé le (UTC)" in out
    assert "alice" in out and "analyste" in out and "analyst " not in out
    out, _ = _run(capsys, "user", "list", "-p", root, "--lang", "en")
    assert "Web accounts" in out and "analyst" in out
    out, _ = _run(capsys, "user", "remove", "alice", "-p", root)
    assert out == "Compte alice supprimé."
    _, err = _run(capsys, "user", "remove", "alice", "-p", root, code=2)
    assert err == "Erreur : aucun compte 'alice'"
    out, _ = _run(capsys, "user", "list", "-p", root, "--lang", "en")
    assert out.startswith("No web account")


def _table(out: str) -> dict[str, dict[str, str]]:
    """A printed table's rows, by their first cell, as {header: cell} (one line a row)."""

    def cells(line: str) -> list[str]:
        return [c.strip() for c in re.split("[│┃]", line)[1:-1]]

    head = cells(next(line for line in out.splitlines() if line.startswith("┃")))
    rows = (cells(line) for line in out.splitlines() if line.startswith("│"))
    return {r[0]: dict(zip(head, r, strict=True)) for r in rows}


def test_runs_show_the_duplicates_skipped_and_the_records_rejected(
    root: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # a file imported again (or a replay) was an empty row: 0 imported, 0 held, nothing said
    # of its 3 posts already stored nor of its 4 unreadable lines
    broken = str(DATA / "samples" / "twitter_v1_broken.jsonl")  # 3 of the 6, 4 bad lines
    assert main(["import", "-p", root, broken]) == 1
    capsys.readouterr()
    assert main(["runs", "-p", root]) == 0
    rows = _table(capsys.readouterr().out)
    keys = ("importées", "doublons", "rejetées", "en base", "état")
    assert [rows["2"][k] for k in keys] == ["0", "3", "4", "0", "terminé"]
    assert [rows["1"][k] for k in keys] == ["6", "0", "0", "6", "terminé"]
    assert main(["runs", "-p", root, "--lang", "en"]) == 0
    rows = _table(capsys.readouterr().out)
    keys = ("imported", "duplicates", "rejected", "holds", "status")
    assert [rows["2"][k] for k in keys] == ["0", "3", "4", "0", "done"]
    assert main(["runs", "-p", root, "--json"]) == 0
    (second, first) = json.loads(capsys.readouterr().out)
    assert [second[k] for k in ("imported", "duplicates", "rejected", "posts_held")] == [0, 3, 4, 0]
    assert [first[k] for k in ("imported", "duplicates", "rejected", "posts_held")] == [6, 0, 0, 6]


def test_runs_export_and_forget(
    root: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    capsys.readouterr()
    out, _ = _run(capsys, "runs", "-p", root)
    assert "Imports" in out and "début (UTC)" in out and "importées" in out and "terminé" in out
    assert "done" not in out and "started" not in out
    out, _ = _run(capsys, "runs", "-p", root, "--lang", "en")
    assert "Import runs" in out and "done" in out
    out, _ = _run(capsys, "runs", "undo", "1", "-p", root, "--lang", "en")
    assert out.startswith("Run 1 undone: 6 posts")
    out, _ = _run(capsys, "runs", "-p", root)
    assert "annulé" in out and "undone" not in out
    assert main(["import", "-p", root, str(SAMPLE), "--force"]) == 0
    capsys.readouterr()
    _, err = _run(capsys, "export", "posts", "-p", root, "-f", "csv", "-o", str(tmp_path / "p.csv"))
    assert err == f"6 publications écrites dans {tmp_path / 'p.csv'}"
    _, err = _run(
        capsys,
        "export",
        "authors",
        "-p",
        root,
        "-f",
        "csv",
        "-o",
        str(tmp_path / "a.csv"),
        "--lang",
        "en",
    )
    assert err.endswith(f"authors written to {tmp_path / 'a.csv'}")
    out, _ = _run(capsys, "forget", "-p", root, "twitter:9651232")
    assert "effacé : twitter:" in out and "1 publications, 5 interactions et 0 analyses" in out
    assert "mentions remplacées par @[forgotten]." in out  # was "@.": rich read it as a style
    out, _ = _run(capsys, "forget", "-p", root, "twitter:57184966", "--lang", "en")
    assert "forgotten: twitter:" in out and "deleted 1 posts" in out


def test_message_score_and_errors(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    out, _ = _run(
        capsys, "message", "score", "Hier, 3 familles sur 4 ont payé plus de loyer.", "-p", root
    )
    assert re.search(r"note \d+/100 \(fr\)", out) and "conseil" in out and "suggestion" not in out
    _, err = _run(capsys, "message", "score", " ", "-p", root, code=2)
    assert err == "Erreur : le brouillon est vide : écrivez le message à noter"
    _, err = _run(capsys, "poll", "-p", root, "-t", "caq", "--json", "--csv", code=2)
    assert err == "Erreur : choisissez un seul format de sortie, pas --json et --csv"
    _, err = _run(capsys, "analyze", "-p", root, "--engine", "spark", code=2)
    assert err == "Erreur : moteur inconnu 'spark' : choisissez embedded ou dask"
    _, err = _run(capsys, "ambassadors", "-p", root, code=2)
    assert err.startswith(
        "Erreur : donnez la cible : `bascule ambassadors --target ID` (cibles : caq,"
    )
