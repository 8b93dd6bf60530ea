"""`bascule message`: --lang is the output's language, as in every command; --text-lang the
draft's."""

from __future__ import annotations

import json
import re

import pytest

from bascule.cli import main

DRAFT = "Hier, Marie a payé 1 450 $ de loyer à Rosemont."


def _out(capsys: pytest.CaptureFixture[str]) -> str:
    return " ".join(capsys.readouterr().out.split())


def test_lang_is_the_output_language(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    # --lang en in a French project printed French tips and read the French draft as English
    assert main(["message", "score", DRAFT, "-p", root, "--lang", "en"]) == 0
    out = _out(capsys)
    assert re.search(r"score \d+/100 \(fr\)", out), out
    assert "suggestion" in out and "Keep one core idea" in out
    assert "conseil" not in out and "Gardez" not in out
    assert main(["message", "score", DRAFT, "-p", root]) == 0  # the project's: French
    out = _out(capsys)
    assert re.search(r"note \d+/100 \(fr\)", out) and "conseil" in out


def test_text_lang_is_the_drafts(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["message", "score", DRAFT, "-p", root, "--json", "--lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "fr"  # detected, whatever --lang
    assert main(["message", "score", DRAFT, "-p", root, "--json", "--text-lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "en"
    assert main(["message", "score", "🏠😡💸", "-p", root, "--json", "--lang", "en"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "en"  # no word: the reader's
    assert main(["message", "score", DRAFT, "-p", root, "--text-lang", "de"]) == 2
    assert "'de': use fr, en or auto" in capsys.readouterr().err


def test_reach_from_one_account_is_singular(project, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    from tests.graph.conftest import build_store

    build_store(project)
    root = str(project.root)
    project.close()
    args = ["message", "reach", "--from", "@coalitionavenir", "-p", root, "--runs", "20"]
    assert main([*args, "--lang", "en"]) == 0
    out = _out(capsys)
    assert "from 1 account" in out and "from 1 accounts" not in out
    assert main(args) == 0
    out = _out(capsys)
    assert "depuis 1 compte" in out and "depuis 1 comptes" not in out


def test_notes_are_in_the_output_language(root: str, capsys: pytest.CaptureFixture[str]) -> None:
    # a French reader (the project's language) of an English draft got "note : no words..."
    draft = "Rents went up again. " * 1000  # 21,000 characters
    assert main(["message", "score", draft, "-p", root, "--text-lang", "en"]) == 0
    out = _out(capsys)
    assert "note : texte tronqué à 20000 caractères pour l'analyse" in out
    assert "truncated" not in out
    assert main(["message", "score", "🔥", "-p", root, "--text-lang", "en", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["notes"] == ["aucun mot à analyser"]
    assert main(["message", "score", DRAFT, "-p", root, "--text-lang", "en", "--vs", "🔥"]) == 0
    assert "note : aucun mot à analyser" in _out(capsys)
    assert main(["message", "score", "🔥", "-p", root, "--text-lang", "fr", "--lang", "en"]) == 0
    assert "note: no words to score" in _out(capsys)
