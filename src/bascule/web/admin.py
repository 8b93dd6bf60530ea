"""Sources & targets (config editor) and Users pages: changes are admin-only and validated."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from bascule.errors import BasculeError
from bascule.store import web as sql
from bascule.web import settings
from bascule.web.auth import (
    SESSION_COOKIE,
    check_password,
    create_user,
    lang_of,
    require,
    state_of,
)
from bascule.web.pages import render
from bascule.web.security import hash_password, token_hash

router = APIRouter(include_in_schema=False)


def _settings(
    request: Request,
    user: dict,
    *,
    error: BasculeError | str | None = None,
    text: str | None = None,
    saved: bool = False,
    changed: str | None = None,
    status_code: int = 200,
    erased: dict | None = None,
) -> Response:
    st = state_of(request)
    cfg = st.project.config
    ctx = {
        "erased": erased,
        "toml": text if text is not None else st.project.config_path.read_text(encoding="utf-8"),
        "targets": [t.model_dump() for t in cfg.targets],
        "sources": [s.model_dump(exclude_defaults=True) for s in cfg.sources],
        "error": error,
        "saved": saved,
        "changed": next((t.name for t in cfg.targets if t.id == changed), None),
        "training": st.training,
        "listening": st.listener.job if st.listener is not None else None,
        "can_edit": user["role"] == "admin",
    }
    return render(request, "settings.html.j2", ctx, user=user, status_code=status_code)


@router.get("/settings", response_class=HTMLResponse)
def settings_page(
    request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Sources & targets: the config (editable by admins, read-only for analysts)."""
    q = request.query_params
    return _settings(request, user, saved=q.get("saved") == "1", changed=q.get("changed"))


@router.post("/settings/config")
async def save_config(
    request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Validate and save the whole bascule.toml (admin)."""
    text = str((await request.form()).get("toml") or "")
    return await run_in_threadpool(_write_config, request, user, lambda _: (text, ""), text)


@router.post("/settings/targets")
async def save_target(
    request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Add or edit one target, keeping the rest of the file as written (admin)."""
    form = dict(await request.form())
    old_id = str(form.get("old_id") or "") or None
    base = next((t for t in state_of(request).project.config.targets if t.id == old_id), None)

    def upsert(current: str) -> tuple[str, str]:
        target = settings.target_from_form(form, base)
        # posts analysed before do not know what changed: the page offers to analyse them again
        return settings.upsert_target(
            current, target, old_id=old_id
        ), f"&changed={quote(target.id)}"

    return await run_in_threadpool(_write_config, request, user, upsert)


@router.post("/settings/targets/{target_id}/delete")
async def delete_target(
    target_id: str, request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Remove one target (admin)."""

    def remove(current: str) -> tuple[str, str]:
        return settings.remove_target(current, target_id), ""

    return await run_in_threadpool(_write_config, request, user, remove)


def _write_config(
    request: Request,
    user: dict,
    change: Callable[[str], tuple[str, str]],
    shown: str | None = None,
) -> Response:
    """Save the bascule.toml that `change` makes of the current one (with what the page's
    address adds after "saved=1"), or show the page with why not (and `shown`, the text the
    admin typed)."""
    st = state_of(request)
    try:
        text, query = change(st.project.config_path.read_text(encoding="utf-8"))
        st.locked(settings.save_config, st.project, text)
    except BasculeError as exc:
        return _settings(request, user, error=exc, text=shown, status_code=422)
    st.invalidate_data()
    return RedirectResponse(f"/settings?saved=1{query}", status_code=303)


@router.post("/privacy/forget")
async def forget_people(
    request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Erase people and every trace of them while the war room runs (`bascule forget`); the
    database file is rewritten without their texts when the server stops (`serve`)."""
    from bascule.project import forget, forget_summary

    form = await request.form()
    names = [n.strip() for n in str(form.get("people") or "").splitlines() if n.strip()][:100]
    platform = str(form.get("platform") or "").strip() or None
    st = state_of(request)

    def erase() -> Response:
        try:
            if not names:
                raise BasculeError(
                    "give at least one person: a handle (@name), a pseudonym (anon-…) or an "
                    "account id (PLATFORM:ID), one per line",
                    fr="indiquez au moins une personne : un pseudo (@nom), un pseudonyme "
                    "(anon-…) ou un identifiant de compte (PLATEFORME:ID), un par ligne",
                )
            # the server holds the store: the file is rewritten when it stops
            result = st.locked(forget, st.project, *names, platform=platform, compact=False)
        except BasculeError as exc:
            return _settings(request, user, error=exc, status_code=422)
        finally:
            st.invalidate_data()
        lang = lang_of(request, user)
        erased = {**result, "summary": forget_summary(result, lang)}
        return _settings(request, user, erased=erased)

    return await run_in_threadpool(erase)


def _users(
    request: Request,
    user: dict,
    *,
    error: BasculeError | str | None = None,
    status_code: int = 200,
) -> Response:
    st = state_of(request)
    users = st.web_sql(sql.list_users)
    ctx = {"users": users, "roles": sql.ROLES, "error": error}
    return render(request, "users.html.j2", ctx, user=user, status_code=status_code)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, user: dict = Depends(require("admin", page=True))) -> Response:
    """Users: accounts and roles (admin)."""
    return _users(request, user)


@router.post("/users")
async def add_user(request: Request, user: dict = Depends(require("admin", page=True))) -> Response:
    """Create an account (admin); an existing name is refused: its row has its own form to
    change the role or the password."""
    form = await request.form()
    st = state_of(request)
    name = str(form.get("username") or "").strip()

    def add() -> Response:  # a password hash (argon2) takes CPU: off the event loop
        try:
            if st.web_sql(sql.get_user, name) is not None:
                raise BasculeError(
                    f"an account {name!r} exists already: change its role or password in the list",
                    fr=f"le compte « {name} » existe déjà : changez son rôle ou son mot de passe "
                    "dans la liste",
                )
            st.locked(
                create_user,
                st.project,
                name,
                str(form.get("password") or ""),
                str(form.get("role") or "viewer"),
            )
        except BasculeError as exc:
            return _users(request, user, error=exc, status_code=422)
        st.invalidate()
        return RedirectResponse("/users", status_code=303)

    return await run_in_threadpool(add)


@router.post("/users/{username}/edit")
async def edit_user(
    username: str, request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Change an account's role and, when one is typed, its password (admin). A new password
    logs that account out everywhere (but for the admin's own session); the last admin keeps
    the admin role."""
    form = await request.form()
    st = state_of(request)
    role = str(form.get("role") or "")
    password = str(form.get("password") or "")

    def edit() -> Response:
        try:
            update_account(st, username, role, password, request)
        except BasculeError as exc:
            return _users(request, user, error=exc, status_code=422)
        st.invalidate()
        return RedirectResponse("/users", status_code=303)

    return await run_in_threadpool(edit)


def update_account(st, username: str, role: str, password: str, request: Request) -> None:  # noqa: ANN001 - WebState
    """The checks and writes of `edit_user`."""
    row = st.web_sql(sql.get_user, username)
    if row is None:
        raise HTTPException(404, f"no user {username!r}")
    if role not in sql.ROLES:
        raise BasculeError(f"unknown role {role!r}", fr=f"rôle inconnu {role!r}")
    if row["role"] == "admin" and role != "admin" and st.web_sql(sql.count_admins) <= 1:
        raise BasculeError(
            "the last admin keeps the admin role: make another account admin first",
            fr="le dernier administrateur garde ce rôle : nommez d'abord un autre administrateur",
        )
    if password:
        check_password(password)
        own = token_hash(request.cookies.get(SESSION_COOKIE, ""))
        st.web_sql(sql.set_password_hash, username, hash_password(password))
        st.web_sql(sql.end_sessions, username, keep=own)
    if role != row["role"]:
        st.web_sql(sql.set_role, username, role)


def remove_account(st, username: str, acting: str) -> None:  # noqa: ANN001 - WebState
    """Remove an account, refusing to remove oneself or the last admin."""
    if username == acting:
        raise HTTPException(409, "you cannot remove your own account")
    row = st.web_sql(sql.get_user, username)
    if row is None:
        raise HTTPException(404, f"no user {username!r}")
    if row["role"] == "admin" and st.web_sql(sql.count_admins) <= 1:
        raise HTTPException(409, "the last admin cannot be removed")
    st.web_sql(sql.remove_user, username)
    st.invalidate()


@router.post("/users/{username}/delete")
async def delete_user(
    username: str, request: Request, user: dict = Depends(require("admin", page=True))
) -> Response:
    """Remove an account (admin; not yourself, not the last admin)."""
    await run_in_threadpool(remove_account, state_of(request), username, user["username"])
    return RedirectResponse("/users", status_code=303)
