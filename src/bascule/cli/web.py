"""`bascule serve` (the war room web app) and `bascule user add|list|remove` (its accounts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from bascule.cli.common import (
    JsonOpt,
    LangOpt,
    ProjectOpt,
    compact_if_due,
    console,
    open_project,
    print_json,
    print_rows,
    sigterm_as_ctrl_c,
    ui_lang,
)
from bascule.i18n import tr
from bascule.report.html import Col

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
    lang: LangOpt = None,
) -> None:
    """Serve the war room (web dashboard) of the project; it holds the project's store.
    Create an account to log in with first: `bascule user add NAME --role admin`.
    """
    import uvicorn

    from bascule.errors import BasculeError
    from bascule.store import web as sql
    from bascule.web.app import create_app, warm

    proj = open_project(project)
    lang = ui_lang(project, proj, lang)
    if sql.list_users(proj.store) == []:
        proj.close()
        raise BasculeError(
            f"no web account yet: create one with `bascule user add NAME --role admin -p {project}`",
            fr="pas encore de compte web : créez-en un avec "
            f"`bascule user add NOM --role admin -p {project}`",
        )
    if listen and not proj.config.sources:
        proj.close()
        raise BasculeError(
            "no source to listen to: add [[sources]] to bascule.toml (see `bascule init`)",
            fr="aucune source à écouter : ajoutez des [[sources]] à bascule.toml (voir "
            "`bascule init`)",
        )
    app = None
    with sigterm_as_ctrl_c():
        try:
            # a server stopped before it could rewrite the file after an erasure
            compact_if_due(proj, lang)
            app = create_app(proj, listen=listen)
            warm(app)
            url = f"http://{host}:{port}/"
            console.print(
                tr(
                    lang,
                    f"War room Bascule sur {url} (Ctrl-C pour arrêter)",
                    f"Bascule war room on {url} (Ctrl-C to stop)",
                ),
                highlight=False,
            )
            if listen:
                from bascule.cli.listening import warn_old_replays

                names = ", ".join(s.name or s.kind for s in proj.config.sources)
                console.print(
                    tr(lang, f"Écoute de {names}.", f"Listening to {names}."), highlight=False
                )
                warn_old_replays(proj, lang)
            uvicorn.run(
                app, host=host, port=port, log_level=log_level, proxy_headers=True, access_log=False
            )
        except KeyboardInterrupt:
            pass  # Ctrl-C or SIGTERM before uvicorn took them (it swallows its own): stopped
        finally:  # the store to itself at last: the erased texts out of the file
            if app is not None:
                _stop_warming(app)
                app.state.web.close()
            compact_if_due(proj, lang)
            proj.close()


def _stop_warming(app) -> None:  # noqa: ANN001 - a FastAPI app, imported lazily
    """Let the background warming (`web.app.warm`) end its current step before the store
    closes: the app's shutdown does it, but a stop before uvicorn ran the app skips that."""
    thread = getattr(app.state, "warming", None)
    if thread is not None:
        app.state.stop_warming.set()
        thread.join(120)


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
    from bascule.i18n import label
    from bascule.web.auth import create_user
    from bascule.web.fmt import ROLES

    # no --lang here: --language is the account's; this speaks the project's language
    lang = ui_lang(project)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt(
            tr(lang, "Mot de passe", "Password"),
            hide_input=True,
            confirmation_prompt=tr(lang, "Confirmez le mot de passe", "Repeat for confirmation"),
        )
    with open_project(project) as proj:
        create_user(proj, name, password, role, language=language)
    said = label(ROLES, role, lang)
    console.print(
        tr(lang, f"Compte {name} ({said}) enregistré.", f"User {name} ({said}) saved."),
        highlight=False,
    )


USER_COLUMNS = [
    Col("username", "compte", "user"),
    Col("role", "rôle", "role"),
    Col("created_at", "créé le (UTC)", "created (UTC)", "when"),
]


@user_app.command("list")
def user_list(
    project: ProjectOpt = Path("."), as_json: JsonOpt = False, lang: LangOpt = None
) -> None:
    """List the web accounts and their roles."""
    from bascule.i18n import label
    from bascule.store import web as sql
    from bascule.web.fmt import ROLES

    with open_project(project) as proj:
        users = sql.list_users(proj.store)
        lang = ui_lang(project, proj, lang)
    if as_json:
        print_json(users)
        return
    if not users:
        console.print(
            tr(
                lang,
                "Aucun compte web : créez-en un avec `bascule user add NOM --role admin`.",
                "No web account: create one with `bascule user add NAME --role admin`.",
            )
        )
        return
    rows = [{**u, "role": label(ROLES, u["role"], lang)} for u in users]
    print_rows(rows, USER_COLUMNS, tr(lang, "Comptes web", "Web accounts"), lang, limit=None)


@user_app.command("remove")
def user_remove(
    name: Annotated[str, typer.Argument(help="User name.")],
    project: ProjectOpt = Path("."),
    lang: LangOpt = None,
) -> None:
    """Remove a web account and log its sessions out."""
    from bascule.errors import BasculeError
    from bascule.store import web as sql

    with open_project(project) as proj:
        if not sql.remove_user(proj.store, name):
            raise BasculeError(f"no user {name!r}", fr=f"aucun compte {name!r}")
        lang = ui_lang(project, proj, lang)
    console.print(tr(lang, f"Compte {name} supprimé.", f"User {name} removed."), highlight=False)
