"""Accounts, sessions and CSRF: who is asking, may they, and did our page send the change."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bascule.errors import BasculeError
from bascule.i18n import LANGUAGES
from bascule.store import web as sql
from bascule.web.security import (
    hash_password,
    needs_rehash,
    new_token,
    same_token,
    token_hash,
    verify_password,
)

SESSION_COOKIE = "bascule_session"
LOGIN_CSRF_COOKIE = "bascule_login_csrf"
LANG_COOKIE = "bascule_lang"
RANK = {"viewer": 0, "analyst": 1, "admin": 2}
SESSION_CACHE_SECONDS = 10.0

router = APIRouter(include_in_schema=False)


class LoginRequired(Exception):
    """Raised by page dependencies: the handler redirects to /login."""


class Refused(HTTPException):
    """A 403 that pages explain in the reader's language (`page`, `fr`); the JSON API gives
    its `detail`, in English."""

    def __init__(self, detail: str, *, page: str | None = None, fr: str) -> None:
        super().__init__(403, detail)
        self.page, self.fr = page or detail, fr


def _csrf_refused() -> Refused:
    return Refused(
        "missing or wrong CSRF token",
        page="the form expired or came from elsewhere: reload the page and try again",
        fr="le formulaire a expiré ou vient d'ailleurs : rechargez la page et recommencez",
    )


def _role_refused(role: str) -> Refused:
    from bascule.web.fmt import ROLES

    return Refused(
        f"this needs the {role} role",
        fr=f"cette page demande le rôle « {ROLES.get(role, (role,))[0]} » ou plus",
    )


def create_user(
    project: Any, username: str, password: str, role: str, *, language: str | None = None
) -> None:
    """Create an account, or set an existing one's password and role (`store.web.add_user`),
    with an argon2 hash of the password."""
    username = username.strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise BasculeError(
            "a user name is 1 to 64 characters without spaces",
            fr="un nom d'utilisateur a de 1 à 64 caractères, sans espace",
        )
    if role not in sql.ROLES:
        raise BasculeError(
            f"unknown role {role!r} (choose one of {', '.join(sql.ROLES)})",
            fr=f"rôle inconnu {role!r} (au choix : {', '.join(sql.ROLES)})",
        )
    check_password(password)
    if language is not None and language not in LANGUAGES:
        raise BasculeError(
            f"unknown language {language!r} (fr or en)",
            fr=f"langue inconnue {language!r} (fr ou en)",
        )
    sql.add_user(project.store, username, hash_password(password), role, language=language)


def check_password(password: str) -> None:
    """Refuse a password too short to resist guessing."""
    if len(password) < 8:
        raise BasculeError(
            "the password must have at least 8 characters",
            fr="le mot de passe doit avoir au moins 8 caractères",
        )


def state_of(request: Request):  # noqa: ANN201 - WebState
    """The app's WebState."""
    return request.app.state.web


def is_secure(request: Request) -> bool:
    """Cookies get `Secure` on HTTPS, or always when the config asks for it."""
    st = state_of(request)
    return request.url.scheme == "https" or st.project.config.web.secure_cookies


def current_user(request: Request) -> dict | None:
    """The logged-in user of this request (cached a few seconds), or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 200:
        return None
    st = state_of(request)
    h = token_hash(token)
    hit = st.sessions.get(h)
    now = time.monotonic()
    if hit and now - hit[0] < SESSION_CACHE_SECONDS:
        user = hit[1]
    else:
        user = st.web_sql(sql.get_session, h)
        if user is not None:  # only real sessions are cached: random tokens cost no memory
            if len(st.sessions) > 10_000:
                st.sessions.clear()
            st.sessions[h] = (now, user)
    if user and user["expires_at"] <= datetime.now(UTC).replace(tzinfo=None):
        return None
    return user


async def api_user(request: Request) -> dict:
    """Dependency of the JSON API: 401 without a session (no data without login)."""
    user = current_user(request)
    if user is None:
        raise HTTPException(401, "login required")
    request.state.user = user
    return user


async def page_user(request: Request) -> dict:
    """Dependency of the HTML pages: redirect to the login page without a session."""
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    request.state.user = user
    return user


async def check_csrf(request: Request, user: dict) -> None:
    """A change must carry the session's CSRF token (header X-CSRF-Token or form field)."""
    token = request.headers.get("x-csrf-token")
    if not token:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            token = form.get("csrf_token")
    if not same_token(token if isinstance(token, str) else None, user["csrf_token"]):
        raise _csrf_refused()


def require(role: str, *, page: bool = False):  # noqa: ANN201 - a FastAPI dependency
    """Dependency: a logged-in user with at least `role`; changes also need the CSRF token."""
    base = page_user if page else api_user

    async def dep(request: Request, user: dict = Depends(base)) -> dict:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            await check_csrf(request, user)
        if RANK.get(user["role"], -1) < RANK[role]:
            raise _role_refused(role)
        return user

    return dep


def lang_of(request: Request, user: dict | None = None) -> str:
    """UI language: the switch's cookie, else the user's, else the config's default."""
    lang = request.cookies.get(LANG_COOKIE)
    if lang in LANGUAGES:
        return lang
    if user and user.get("language") in LANGUAGES:
        return user["language"]
    cfg = state_of(request).project.config
    return cfg.web.language or cfg.project.language


def _safe_next(nxt: str | None) -> str:
    if nxt and nxt.startswith("/") and not nxt.startswith("//") and "\\" not in nxt:
        return nxt
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, next: str = "/", error: str | None = None, lang: str | None = None
) -> Response:
    """The login form, with a fresh double-submit CSRF token (`?lang=en` switches language)."""
    from bascule.web.pages import render

    if lang in LANGUAGES:
        request.cookies[LANG_COOKIE] = lang
    token = new_token()
    resp = render(
        request,
        "login.html.j2",
        {"csrf_token": token, "next": _safe_next(next), "error": error},
        user=None,
        status_code=401 if error else 200,
    )
    if lang in LANGUAGES:
        resp.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="lax", secure=is_secure(request))
    resp.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=is_secure(request),
        max_age=3600,
    )
    return resp


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    """Check the password (rate limited per address and per name) and open a session."""
    from bascule.i18n import tr

    st = state_of(request)
    lang = lang_of(request)
    if not same_token(csrf_token, request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise _csrf_refused()
    ip = request.client.host if request.client else "?"
    keys = (f"ip:{ip}", f"user:{username.lower()}")
    wait = st.limiter.blocked(*keys)
    if wait:
        return Response(
            tr(lang, "Trop de tentatives ; réessayez plus tard.", "Too many attempts; try later."),
            status_code=429,
            headers={"retry-after": str(int(wait) + 1)},
            media_type="text/plain; charset=utf-8",
        )
    row = st.web_sql(sql.get_user, username) if username else None
    ok = verify_password(row["password_hash"], password) if row else _dummy_verify(password)
    if not ok:
        st.limiter.fail(*keys)
        return login_page(
            request, next=next, error=tr(lang, "Identifiants invalides.", "Invalid credentials.")
        )
    st.limiter.reset(*keys)
    if needs_rehash(row["password_hash"]):
        st.web_sql(sql.set_password_hash, username, hash_password(password))
    token = new_token()
    hours = st.project.config.web.session_hours
    expires = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=hours)
    st.web_sql(sql.add_session, token_hash(token), username, new_token(), expires)
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=is_secure(request),
        max_age=hours * 3600,
    )
    resp.delete_cookie(LOGIN_CSRF_COOKIE)
    return resp


_DUMMY = hash_password("not a real password")


def _dummy_verify(password: str) -> bool:
    """Spend the same time on unknown names, so timing does not reveal accounts."""
    verify_password(_DUMMY, password)
    return False


@router.post("/logout")
async def logout(request: Request, user: dict = Depends(page_user)) -> Response:
    """Close the session (CSRF-protected like every change)."""
    await check_csrf(request, user)
    st = state_of(request)
    h = token_hash(request.cookies.get(SESSION_COOKIE, ""))
    st.web_sql(sql.delete_session, h)
    st.sessions.pop(h, None)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.post("/lang")
async def switch_language(request: Request, user: dict = Depends(page_user)) -> Response:
    """Switch the UI language (kept in a cookie: a viewer's preference changes no data)."""
    await check_csrf(request, user)
    form = await request.form()
    lang = form.get("lang")
    if lang not in LANGUAGES:
        raise HTTPException(400, "lang must be fr or en")
    resp = RedirectResponse(_safe_next(str(form.get("next") or "/")), status_code=303)
    resp.set_cookie(
        LANG_COOKIE, str(lang), httponly=True, samesite="lax", secure=is_secure(request)
    )
    return resp
