"""`bascule serve` (the war room web app) and `bascule user add|list|remove` (its accounts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import JsonOpt, ProjectOpt, console, open_project, print_json

user_app = typer.Typer(help="Accounts of the web dashboard (roles: admin, analyst, viewer).")


def register(app: typer.Typer) -> None:
    """Add this area's commands to `app`."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")


def serve(
    project: ProjectOpt = Path("."),
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "warning",
    listen: Annotated[
        bool,
        typer.Option(
            "--listen",
            help="Also listen to the sources of bascule.toml while serving (as `bascule "
            "listen`, in the same process: one process writes a project's store).",
        ),
    ] = False,
) -> None:
    """Serve the war room (web dashboard) of the project; it holds the project's store.
    Create an account to log in with first: `bascule user add NAME --role admin`.
    """
    import uvicorn

    from bascule.errors import BasculeError
    from bascule.store import web as sql
    from bascule.web.app import create_app, warm

    proj = open_project(project)
    if sql.list_users(proj.store) == []:
        proj.close()
        raise BasculeError(
            f"no web account yet: create one with `bascule user add NAME --role admin -p {project}`"
        )
    if listen and not proj.config.sources:
        proj.close()
        raise BasculeError(
            "no source to listen to: add [[sources]] to bascule.toml (see `bascule init`)"
        )
    compact_if_due(proj)  # a server stopped before it could rewrite the file after an erasure
    app = create_app(proj, listen=listen)
    warm(app)
    console.print(f"Bascule war room on http://{host}:{port}/ (Ctrl-C to stop)", highlight=False)
    if listen:
        names = ", ".join(s.name or s.kind for s in proj.config.sources)
        console.print(f"Listening to {names}.", highlight=False)
    try:
        uvicorn.run(
            app, host=host, port=port, log_level=log_level, proxy_headers=True, access_log=False
        )
    finally:
        app.state.web.close()
        compact_if_due(proj)
        proj.close()


def compact_if_due(proj) -> None:  # noqa: ANN001 - a Project
    """Rewrite the database file without the rows erased from the war room (`forget` marks it;
    the rewrite needs the store to itself, so it waits for the server to stop)."""
    from bascule.i18n import tr
    from bascule.store.forget import compaction_due

    if compaction_due(proj.store):
        lang = proj.config.project.language
        with console.status(
            tr(
                lang,
                "Réécriture du fichier de la base sans les textes effacés…",
                "Rewriting the database file without the erased texts…",
            )
        ):
            proj.store.compact()
        console.print(
            tr(
                lang,
                "Textes effacés retirés du fichier de la base.",
                "Erased texts removed from the database file.",
            ),
            highlight=False,
        )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (no spaces).")],
    project: ProjectOpt = Path("."),
    role: Annotated[str, typer.Option(help="admin, analyst or viewer.")] = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    language: Annotated[str | None, typer.Option(help="UI language: fr or en.")] = None,
) -> None:
    """Create a web account, or give an existing one a new password and role (it is logged
    out everywhere); the password is asked for, or read from stdin."""
    from bascule.web.auth import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_project(project) as proj:
        create_user(proj, name, password, role, language=language)
    console.print(f"User {name} ({role}) saved.", highlight=False)


@user_app.command("list")
def user_list(project: ProjectOpt = Path("."), as_json: JsonOpt = False) -> None:
    """List the web accounts and their roles."""
    from bascule.store import web as sql

    with open_project(project) as proj:
        users = sql.list_users(proj.store)
    if as_json:
        print_json(users)
        return
    for u in users:
        console.print(f"{u['username']}\t{u['role']}\t{u['created_at']}", highlight=False)


@user_app.command("remove")
def user_remove(
    name: Annotated[str, typer.Argument(help="User name.")], project: ProjectOpt = Path(".")
) -> None:
    """Remove a web account and log its sessions out."""
    from bascule.errors import BasculeError
    from bascule.store import web as sql

    with open_project(project) as proj:
        if not sql.remove_user(proj.store, name):
            raise BasculeError(f"no user {name!r}")
    console.print(f"User {name} removed.", highlight=False)
