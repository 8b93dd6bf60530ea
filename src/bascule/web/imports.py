"""Importing posts from the web war room: staff upload an export (a platform's, a 4CAT CSV,
a research dataset), Bascule imports it in the background as `bascule import` does, analyses
the new posts and shows what was imported, skipped as a duplicate and rejected (line, why).

The DuckDB file has one writer: while `bascule serve` runs, this is how files get in.
"""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile as FormFile  # what request.form() gives

from bascule.errors import AlreadyDone, InputError
from bascule.i18n import ENCODINGS
from bascule.sources.formats import FORMATS
from bascule.web import data
from bascule.web.api import JSON
from bascule.web.auth import require, state_of
from bascule.web.pages import render

router = APIRouter()
CHOICES = ("auto", *FORMATS)
Format = Literal["auto", *FORMATS]  # type: ignore[valid-type]
SHOWN_REJECTS = 20
_SAFE = re.compile(r"[^\w.\-]+")


def _job(st: Any) -> dict | None:
    """The last import job as people see it (not where the upload waited on the server)."""
    job = st.importing
    return {k: v for k, v in job.items() if k != "upload"} if job else None


async def _start(
    request: Request, upload: FormFile | None, fmt: str, **reading: str | None
) -> dict:
    """Save the upload in the project's folder, then start importing it. `reading`: how to
    read it, as `bascule import` options (`READING`); empty ones are left out."""
    if fmt not in CHOICES:
        raise InputError(
            f"unknown format {fmt!r}; choose one of: {', '.join(CHOICES)}",
            fr=f"format inconnu {fmt!r} ; au choix : {', '.join(CHOICES)}",
        )
    reading = {k: v.strip() for k, v in reading.items() if v and v.strip()}
    _check_reading(reading)  # before the upload is saved
    if upload is None or not upload.filename:
        raise InputError("choose a file to import", fr="choisissez un fichier à importer")
    st = state_of(request)
    if data.job_runs(running := st.importing):
        raise InputError(
            f"{running['file']!r} is being imported: send this file when it has ended",
            fr=f"« {running['file']} » est en cours d'import : envoyez ce fichier ensuite",
        )
    name = _SAFE.sub("_", Path(upload.filename).name)[-120:].lstrip(".") or "upload"
    dest = st.project.root / ".bascule" / "uploads" / uuid.uuid4().hex / name
    dest.parent.mkdir(parents=True)

    def save() -> None:
        with dest.open("wb") as f:
            shutil.copyfileobj(upload.file, f, 1 << 20)

    await run_in_threadpool(save)
    return await run_in_threadpool(data.start_import, st, dest, fmt, **reading)


# the upload form's fields -> `import_files` options: generic files' column map and platform
# (`--map`, `--platform`), a text file's encoding, how its dates are written
READING = ("mapping", "platform", "encoding", "date_format", "timezone")


def _check_reading(reading: dict[str, str]) -> None:
    """An unknown encoding, date pattern or time zone refused as `bascule import` does."""
    from bascule.sources.formats.common import DateRule
    from bascule.sources.readers import codec_name

    if "encoding" in reading:
        codec_name(reading["encoding"])
    DateRule(reading.get("date_format"), reading.get("timezone"))


# -- page ---------------------------------------------------------------------------------
@router.get("/import", response_class=HTMLResponse, include_in_schema=False)
def import_page(request: Request, user: dict = Depends(require("analyst", page=True))) -> Response:
    """Import posts: upload a file, follow the import, see what was rejected and why."""
    return _page(request, user)


@router.post("/import", response_class=HTMLResponse, include_in_schema=False)
async def import_post(
    request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Start importing the uploaded file, then show the page (POST, redirect, GET)."""
    form = await request.form()
    upload = form.get("file")
    fmt = str(form.get("format") or "auto")
    reading = {k: str(form.get(k) or "")[:2000] for k in READING}
    if form.get("local_times"):  # the form offers the project's zone, not a field to type
        reading["timezone"] = state_of(request).project.config.project.timezone
    try:
        await _start(request, upload if isinstance(upload, FormFile) else None, fmt, **reading)
    except InputError as exc:
        return await run_in_threadpool(_page, request, user, error=exc, status_code=400)
    return RedirectResponse("/import", status_code=303)


@router.post("/import/runs/{run_id}/undo", include_in_schema=False)
async def undo_import(
    run_id: int, request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Take an import back (`bascule runs undo`): the posts it added and what came of them."""
    return await run_in_threadpool(_undo, run_id, request, user)


def _undo(run_id: int, request: Request, user: dict) -> Response:
    from bascule.sources.importer import post_keys
    from bascule.store.runs import undo_run

    st = state_of(request)
    if data.job_runs(st.importing):
        err = InputError(
            "an import is running: undo once it has ended",
            fr="un import est en cours : annulez une fois qu'il est terminé",
        )
        return _page(request, user, error=err, status_code=409)
    try:
        out = st.locked(undo_run, st.project.store, run_id, file_keys=post_keys)
        # the files a later import must read again (it had skipped this run's posts as
        # duplicates): shown on the page the redirect leads to, by their names
        st.last_undo = {"run": run_id, "again": [Path(x).name for x in out["import_again"]]}
    except InputError as exc:  # no such run (404), or undone before: a form sent twice (409)
        code = 409 if isinstance(exc, AlreadyDone) else 404
        return _page(request, user, error=exc, status_code=code)
    finally:
        st.invalidate_data()
    return RedirectResponse(f"/import?undone={run_id}", status_code=303)


def _page(request: Request, user: dict, *, status_code: int = 200, **ctx: Any) -> Response:
    from bascule.i18n import RUN_STATUS
    from bascule.store.runs import list_runs

    st = state_of(request)
    runs = st.locked(list_runs, st.project.store, 10)
    for r in runs:  # a file's name, not where it waited on the server
        r["files"] = ", ".join(Path(x).name for x in (r["source"] or "").split(", "))
    ctx = {
        "job": _job(st),
        "formats": CHOICES,
        "encodings": ENCODINGS,  # the form's choices, and the hint's names
        "zone": st.project.config.project.timezone,
        "shown": SHOWN_REJECTS,
        "runs": runs,
        "run_status": RUN_STATUS,  # the states' labels, as `bascule runs` says them
        "undone": request.query_params.get("undone"),
        "undo": st.last_undo,
        **ctx,
    }
    return render(request, "import.html.j2", ctx, user=user, status_code=status_code)


# -- JSON API -----------------------------------------------------------------------------
@router.get("/api/import", tags=["import"])
def import_status(request: Request, user: dict = Depends(require("analyst"))) -> JSON:
    """The last import of an uploaded file: `state` (running, done, failed), then its
    summary (imported, duplicates, rejected with line and reason, posts analysed)."""
    return JSON({"import": _job(state_of(request))})


@router.post("/api/import", tags=["import"], status_code=202)
async def import_file(
    request: Request,
    file: UploadFile = File(..., description="the export to import"),
    format: Format = Form("auto", description="the file's format (auto: detected)"),  # noqa: A002
    mapping: str | None = Form(
        None, max_length=2000, description="generic files: field=column,... (`--map`)"
    ),
    platform: str | None = Form(None, max_length=40, description="generic files' platform"),
    encoding: str | None = Form(
        None,
        max_length=40,
        description="a CSV or JSON lines file's encoding when not UTF-8: cp1252 (Excel's CSV "
        "on Windows), latin-1, utf-16... (`--encoding`)",
    ),
    date_format: str | None = Form(
        None,
        max_length=100,
        description="how a generic file writes its dates when not ISO 8601, a strptime "
        "pattern such as %d/%m/%Y %H:%M (`--date-format`)",
    ),
    timezone: str | None = Form(
        None,
        max_length=60,
        description="time zone of dates written without one, e.g. America/Toronto "
        "(`--timezone`; default UTC)",
    ),
    user: dict = Depends(require("analyst")),
) -> JSON:
    """Import a file in the background (one import at a time), then analyse its new posts;
    follow it with `GET /api/import`."""
    try:
        await _start(
            request, file, format, mapping=mapping, platform=platform, encoding=encoding,
            date_format=date_format, timezone=timezone,
        )  # fmt: skip
    except InputError as exc:
        return JSON({"detail": str(exc)}, status_code=400)
    return JSON({"import": _job(state_of(request))}, status_code=202)
