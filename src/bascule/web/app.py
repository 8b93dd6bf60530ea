"""The app factory: `create_app(project)` returns the FastAPI war room over one project."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from bascule.project import Project, open_project
from bascule.web.security import SecurityHeaders
from bascule.web.state import WebState

STATIC = Path(__file__).parent / "static"


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode()


def create_app(
    project: Project | str | Path, *, listen: bool = False, **state_options: Any
) -> FastAPI:
    """The war room for `project` (a Project, or its folder: opened and held by the app);
    with `listen`, it also listens to the configured sources while it runs (`Listener`)."""
    from contextlib import asynccontextmanager

    from fastapi.concurrency import run_in_threadpool

    from bascule import __version__
    from bascule.web import admin, api, auth, imports, pages
    from bascule.web.listening import Listener

    if not isinstance(project, Project):
        project = open_project(project)
    listener = Listener(project.root) if listen else None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> Any:
        if listener is not None:
            listener.start()
        try:
            yield
        finally:
            warming = getattr(app.state, "warming", None)
            if warming is not None:  # let the current step end before the store closes
                app.state.stop_warming.set()
                await run_in_threadpool(warming.join, 120)
            if listener is not None:
                await run_in_threadpool(listener.close)

    app = FastAPI(
        lifespan=lifespan,
        title="Bascule war room API",
        version=__version__,
        description="The data of every page of the Bascule web dashboard. Log in at /login "
        "(session cookie); changes need the X-CSRF-Token header of the session.",
        docs_url=None,  # no /docs nor /redoc pages
        redoc_url=None,
        openapi_url=None,  # served below, to logged-in users only
    )
    app.state.web = WebState(project, **state_options)
    app.state.web.listener = listener

    @app.exception_handler(auth.LoginRequired)
    async def _login(request: Request, exc: auth.LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        from urllib.parse import quote

        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or exc.status_code < 400:
            return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
        from bascule.web.pages import render

        user = getattr(request.state, "user", None) or auth.current_user(request)
        detail = (
            {"error": exc.page, "error_fr": exc.fr} if isinstance(exc, auth.Refused) else exc.detail
        )
        return render(
            request,
            "error.html.j2",
            {"status": exc.status_code, "detail": detail},
            user=user,
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [
            {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", ""))} for e in exc.errors()
        ]
        return JSONResponse({"detail": errors}, 422)

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(
            _plotly_js(),
            media_type="text/javascript",
            headers={"cache-control": "public, max-age=86400"},
        )

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_schema(request: Request) -> Response:
        """The JSON API's description: like the API, for logged-in users only (it names every
        route and parameter of the war room)."""
        if auth.current_user(request) is None:
            return JSONResponse({"detail": "login required"}, 401)
        return JSONResponse(app.openapi())

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict:
        return {"ok": True}

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(auth.router)
    app.include_router(pages.router)
    app.include_router(admin.router)
    app.include_router(imports.router)
    app.include_router(api.router)
    app.add_middleware(SecurityHeaders)
    return app


def warm(app: FastAPI) -> threading.Thread:
    """Compute the pages' data once in the background (overview first, then the undecided
    and network pages), so the first visitors do not wait; returns the thread, which the
    app's shutdown stops after its current step."""
    import logging

    from bascule.web import data

    st: WebState = app.state.web
    cfg = st.project.config
    lang = cfg.web.language or cfg.project.language
    target = cfg.targets[0].id if cfg.targets else None

    stop = app.state.stop_warming = threading.Event()

    def run() -> None:
        for name, step in data.warm_steps(st, lang, target):
            if stop.is_set():
                return
            try:
                step()
            except data.NotAvailable:
                pass  # the page says what is missing
            except Exception:  # noqa: BLE001 - a page will show the error when asked
                logging.getLogger("bascule.web").exception("warming %s failed", name)

    thread = app.state.warming = threading.Thread(target=run, name="bascule-warm", daemon=True)
    thread.start()
    return thread
