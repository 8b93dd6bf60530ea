"""`bascule user add|list|remove` and `bascule serve`'s refusal without accounts."""

from __future__ import annotations

import io
import json

from bascule.cli import main


def test_user_add_list_remove(project, monkeypatch, capsys) -> None:  # noqa: ANN001
    root = str(project.root)
    project.close()  # the CLI opens the store itself (one writer per file)
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "alice", "--role", "admin", "--password-stdin", "-p", root]) == 0
    capsys.readouterr()
    assert main(["user", "list", "--json", "-p", root]) == 0
    users = json.loads(capsys.readouterr().out)
    assert [(u["username"], u["role"]) for u in users] == [("alice", "admin")]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["user", "add", "bob", "--password-stdin", "-p", root]) == 2
    assert "au moins 8 caractères" in capsys.readouterr().err  # the project speaks French
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret-pass\n"))
    assert main(["user", "add", "bob", "--role", "boss", "--password-stdin", "-p", root]) == 2
    assert main(["user", "remove", "alice", "-p", root]) == 0
    assert main(["user", "remove", "alice", "-p", root]) == 2


def test_password_is_hashed_with_argon2(project) -> None:  # noqa: ANN001
    from bascule.store.web import get_user
    from bascule.web.auth import create_user
    from bascule.web.security import verify_password

    create_user(project, "eve", "correct horse", "viewer")
    row = get_user(project.store, "eve")
    assert row["password_hash"].startswith("$argon2id$")
    assert verify_password(row["password_hash"], "correct horse")
    assert not verify_password(row["password_hash"], "wrong horse")


def test_serve_needs_an_account(project, capsys) -> None:  # noqa: ANN001
    root = str(project.root)
    project.close()
    assert main(["serve", "-p", root, "--port", "1"]) == 2
    assert "bascule user add" in capsys.readouterr().err
