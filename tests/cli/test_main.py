"""`bascule` as a whole (`cli.main`): a file a command cannot write is a one-line user error
with exit code 2, in the user's language, never a traceback; a real bug still shows one."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from bascule.cli import main

PROC = Path("/proc")
needs_proc = pytest.mark.skipif(not PROC.is_dir(), reason="no /proc: not Linux")


@pytest.fixture
def afile(tmp_path: Path) -> Path:
    """A regular file: no path under it can be written."""
    f = tmp_path / "afile"
    f.write_text("not a folder\n", encoding="utf-8")
    return f


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a failed command printed on stderr."""
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_outputs_under_a_regular_file_are_one_line(
    root: str, afile: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # each was a FileExistsError or NotADirectoryError traceback, exit code 1
    draft = "Hier, Marie a payé 1 450 $ de loyer."
    for args in (
        ["export", "posts", "-p", root, "-f", "csv", "-o", str(afile / "x.csv")],
        ["graph", "export", "-p", root, "-o", str(afile / "g.gexf")],
        ["message", "score", draft, "-p", root, "--out", str(afile / "m.html")],
    ):
        assert main(args) == 2, args
        err = _error(capsys)
        assert err.startswith(f"Erreur : impossible d'écrire {afile}"), err
    assert main(["message", "score", draft, "-p", root, "--out", str(afile / "m.html")]) == 2
    assert _error(capsys) == (
        f"Erreur : impossible d'écrire {afile / 'm.html'} : une partie du chemin est un "
        "fichier, pas un dossier"
    )
    assert main(["graph", "export", "-p", root, "--lang", "en", "-o", str(afile / "g.csv")]) == 2
    assert _error(capsys) == f"Error: cannot write {afile}: it exists and is not a folder"


@needs_proc
def test_outputs_in_proc_are_one_line(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    # /proc takes no new file, even from root: FileNotFoundError tracebacks before
    assert main(["export", "posts", "-p", root, "-f", "csv", "-o", "/proc/x.csv"]) == 2
    assert (
        _error(capsys)
        == "Erreur : impossible d'écrire /proc/x.csv : fichier ou dossier introuvable"
    )
    assert main(["init", "/proc/newp"]) == 2
    assert _error(capsys) == "Error: cannot write /proc/newp: no such file or folder"


def test_a_missing_input_keeps_its_own_error(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import", "-p", root, "nofile.jsonl"]) == 2
    err = _error(capsys)
    assert "nofile.jsonl" in err and "fichier introuvable" in err and "écrire" not in err


def test_an_os_error_naming_no_file_is_a_bug_and_shows_as_one(
    root: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kw: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("bascule.messages.score.score", broken)
    with pytest.raises(OSError, match="Input/output error"):
        main(["message", "score", "Un brouillon.", "-p", root])


def test_ctrl_c_during_a_query_is_no_traceback(
    root: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C while DuckDB runs a query is its "Query interrupted" error: it was a traceback
    # and exit code 1 (Ctrl-C elsewhere exits 130)
    def stopped(*args: object, **kw: object) -> None:
        raise RuntimeError("Query interrupted")

    monkeypatch.setattr("bascule.sources.importer.import_files", stopped)
    assert main(["import", "-p", root, "posts.jsonl"]) == 130
    assert _error(capsys).startswith("Interrompu. Relancez la même commande")


def test_ctrl_c_says_an_import_resumes(
    root: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C during an import exited 130 with nothing said (Typer turns it into Exit(130))
    def stopped(*args: object, **kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("bascule.sources.importer.import_files", stopped)
    assert main(["import", "-p", root, "posts.jsonl"]) == 130
    assert _error(capsys) == (
        "Interrompu. Relancez la même commande pour reprendre : rien ne sera importé deux fois."
    )
