"""The JSON API (described at /openapi.json): every page's data, from the same functions."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response, StreamingResponse
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from bascule.errors import BasculeError
from bascule.store import web as sql
from bascule.web import data, settings
from bascule.web.auth import create_user, lang_of, require, state_of

router = APIRouter(prefix="/api")
Viewer = Depends(require("viewer"))
Analyst = Depends(require("analyst"))
Admin = Depends(require("admin"))
Lang = Query(None, pattern="^(fr|en)$", description="fr or en (default: the user's)")
SSE_POLL_SECONDS = 2.0


class JSON(Response):
    """JSON rendered with orjson (numpy and dates handled)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else data.dumps(content)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _call(fn: Any, *args: Any, **kwargs: Any) -> JSON:
    """Call a data function; 404 when the capability is not available, 400 on user error."""
    try:
        return JSON(fn(*args, **kwargs))
    except data.NotAvailable as exc:
        return JSON({"available": False, "missing": str(exc)}, status_code=404)
    except BasculeError as exc:
        return JSON({"detail": str(exc)}, status_code=400)


class SimulateIn(BaseModel):
    seeds: list[str] = Field(..., max_length=500)
    model: Literal["ic", "lt"] = "ic"
    prob: str = Field("wc", max_length=20)
    runs: int = Field(1000, ge=1, le=10000)
    seed: int = Field(0, ge=0, le=2**31)


class ScoreIn(BaseModel):
    """A draft to score: `text_lang` is the draft's language, `lang` the answer's."""

    text: str = Field(..., max_length=5000, description="The draft message.")
    lang: Literal["fr", "en"] | None = Field(
        None,
        description="Output language of the notes and suggestions (default: the `lang` query "
        "parameter, else the user's language, else the project's)",
    )
    text_lang: Literal["auto", "fr", "en"] = Field(
        "auto", description="The draft's language, which the scoring reads (auto: detected)"
    )


class DimensionOut(BaseModel):
    score: int = Field(..., ge=0, le=100)
    evidence: dict[str, Any] = Field(..., description="What the score rests on")
    suggestion: str = Field(..., description="How to improve it, in the output language")
    suggestions: dict[str, str] = Field(..., description="The suggestion in fr and en")


class ScoreOut(BaseModel):
    """A draft's Made-to-Stick scores (`bascule message score --json`)."""

    lang: Literal["fr", "en"] = Field(..., description="The language the draft was scored in")
    score: int = Field(..., ge=0, le=100, description="Overall: the mean of the dimensions")
    dimensions: dict[
        Literal["simple", "unexpected", "concrete", "credible", "emotional", "stories"],
        DimensionOut,
    ]
    words: int
    notes: list[str] = Field(
        ..., description="Caveats (mixed languages, no words), in the output language"
    )


class ReachIn(BaseModel):
    accounts: list[str] = Field(..., min_length=1, max_length=100)


class ConfigIn(BaseModel):
    toml: str = Field(..., max_length=1_000_000)


class LabelIn(BaseModel):
    # `target_id` as `GET /api/label` gives it, or `target`
    model_config = ConfigDict(populate_by_name=True)

    post_id: str = Field(..., min_length=1, max_length=300)
    target: str = Field(
        ..., min_length=1, max_length=200, validation_alias=AliasChoices("target", "target_id")
    )
    label: Literal["favor", "against", "none"]


class UserIn(BaseModel):
    username: str = Field(..., min_length=1, max_length=64)
    password: str = Field(..., min_length=8, max_length=1000)
    role: Literal["admin", "analyst", "viewer"] = "viewer"


class UserChange(BaseModel):
    role: Literal["admin", "analyst", "viewer"] | None = None
    password: str | None = Field(None, min_length=8, max_length=1000)


# -- who and what -----------------------------------------------------------------------------
@router.get("/me", tags=["session"])
def me(user: dict = Viewer) -> JSON:
    """The logged-in user (name, role, language)."""
    return JSON({k: user[k] for k in ("username", "role", "language")})


@router.get("/status", tags=["overview"])
def status(request: Request, user: dict = Viewer) -> JSON:
    """Store counts, as `bascule status --json`."""
    st = state_of(request)
    return JSON(st.cached(("status",), lambda: data.jsonable(st.project.status())))


@router.get("/overview", tags=["overview"])
async def overview(request: Request, lang: str | None = Lang, user: dict = Viewer) -> JSON:
    """Overview: summary, poll per target, share of voice (small groups suppressed), alerts."""
    st = state_of(request)
    lang = lang or lang_of(request, user)
    gz = "gzip" in request.headers.get("accept-encoding", "")
    fn, key = (
        (data.overview_gzip, "overview-gzip") if gz else (data.overview_bytes, "overview-bytes")
    )
    if st.has((key, lang)):  # served from the cache without a thread hop
        body = fn(st, lang)
    else:
        body = await run_in_threadpool(fn, st, lang)
    headers = {"content-encoding": "gzip", "vary": "Accept-Encoding"} if gz else None
    return JSON(body, headers=headers)


@router.get("/poll", tags=["opinion"])
def poll(
    request: Request,
    target: str = Query(..., max_length=200),
    by: Literal["hour", "day", "week"] = "day",
    since: date | None = Query(
        None,
        description="first day (YYYY-MM-DD, project time zone), from its 00:00 (by hour or "
        "day); by week, from the Monday of its ISO week",
    ),
    until: date | None = Query(
        None,
        description="end, excluded (YYYY-MM-DD, project time zone): by hour or day, the day "
        "after the last; by week, the Monday after the last week (another day is widened to "
        "the Monday after its week, which is then included)",
    ),
    user: dict = Viewer,
) -> JSON:
    """The continuous poll of one target, as `bascule poll --json`."""
    return _call(data.poll, state_of(request), target, by, _iso(since), _iso(until))


@router.get("/undecided", tags=["opinion"])
def undecided(
    request: Request,
    by: Literal["hour", "day", "week"] = Query(
        "day",
        description="period of the counts: hour, day, or ISO week (from Monday 00:00 in the "
        "project time zone, named by its Monday; a week holding days whose posts were pruned "
        "is not shown, `pruned_weeks` names it)",
    ),
    lang: str | None = Lang,
    user: dict = Viewer,
) -> JSON:
    """Why the undecided hesitate: reasons, quotes, trend, and committed / leaning /
    undecided authors per hour, day or week, as `bascule undecided --json`."""
    st = state_of(request)
    return _call(lambda: data.undecided(st, lang or lang_of(request, user), by)["data"])


# -- network ----------------------------------------------------------------------------------
@router.get("/network/influencers", tags=["network"])
def influencers(
    request: Request, top: float = Query(0.01, gt=0, le=1), user: dict = Viewer
) -> JSON:
    """Influencers and the Pareto view of word of mouth."""
    return _call(data.influencers, state_of(request), top)


@router.get("/network/communities", tags=["network"])
def communities(request: Request, user: dict = Viewer) -> JSON:
    """Communities of the observed network."""
    return _call(data.communities, state_of(request))


@router.get("/network/bridges", tags=["network"])
def bridges(request: Request, user: dict = Viewer) -> JSON:
    """Accounts bridging communities."""
    return _call(data.bridges, state_of(request))


@router.get("/network/graph", tags=["network"])
def graph_view(
    request: Request, limit: int = Query(400, ge=1, le=2000), user: dict = Viewer
) -> JSON:
    """The most connected nodes and their edges (for the graph view)."""
    return _call(data.graph_view, state_of(request), limit)


@router.get("/network/ambassadors", tags=["network"])
def ambassadors(
    request: Request, target: str = Query(..., max_length=200), user: dict = Viewer
) -> JSON:
    """Ambassadors of a target."""
    return _call(data.ambassadors, state_of(request), target)


@router.get("/network/audience", tags=["network"])
def audience(
    request: Request, target: str = Query(..., max_length=200), user: dict = Viewer
) -> JSON:
    """Audience gaps of a target."""
    return _call(data.audience, state_of(request), target)


# -- alerts -----------------------------------------------------------------------------------
@router.get("/alerts", tags=["alerts"])
def alerts(
    request: Request,
    since: date | None = Query(None, description="first day (YYYY-MM-DD)"),
    kind: str | None = Query(None, max_length=40),
    limit: int = Query(100, ge=1, le=1000),
    user: dict = Viewer,
) -> JSON:
    """Alerts, newest first."""
    return _call(data.alerts, state_of(request), _iso(since), kind, limit, lang_of(request, user))


@router.get("/alerts/stream", include_in_schema=False)
async def alerts_stream(request: Request, user: dict = Viewer) -> StreamingResponse:
    """New alerts as Server-Sent Events (`event: alert`, data: the alert as JSON)."""
    st, lang = state_of(request), lang_of(request, user)

    async def events() -> Any:
        seen: set[str] | None = None
        yield b": connected\nretry: 3000\n\n"
        while not await request.is_disconnected():
            try:
                items = await run_in_threadpool(data.alerts, st, None, None, 50, lang)
            except data.NotAvailable:
                items = []
            ids = {str(a.get("alert_id")) for a in items}
            if seen is not None:
                for a in reversed(items):
                    if str(a.get("alert_id")) not in seen:
                        yield b"event: alert\ndata: " + data.dumps(a) + b"\n\n"
            seen = ids if seen is None else seen | ids
            yield b": ping\n\n"
            await asyncio.sleep(SSE_POLL_SECONDS)

    return StreamingResponse(
        events(), media_type="text/event-stream", headers={"x-accel-buffering": "no"}
    )


@router.get("/alerts/{alert_id}", tags=["alerts"])
def alert(request: Request, alert_id: str, user: dict = Viewer) -> JSON:
    """One alert and its post, or for a burst its most shared posts (`examples`; post texts
    are untrusted)."""
    st = state_of(request)

    def get() -> dict:
        a = data.alert(st, alert_id, lang_of(request, user))
        if a is None:
            raise HTTPException(404, "no such alert")
        post = data.post(st, str(a["post_id"])) if a.get("post_id") else None
        return {"alert": a, "post": post, "examples": data.burst_examples(st, a)}

    return _call(get)


@router.post("/alerts/{alert_id}/ack", tags=["alerts"])
def ack(request: Request, alert_id: str, user: dict = Analyst) -> JSON:
    """Mark an alert as seen (analyst or admin)."""
    st = state_of(request)
    if not st.web_sql(sql.acknowledge_alert, alert_id, user["username"]):
        raise HTTPException(404, "no such alert")
    st.invalidate_data()
    return JSON({"alert_id": alert_id, "acknowledged_by": user["username"]})


# -- tipping point ----------------------------------------------------------------------------
@router.post("/tipping/simulate", tags=["tipping point"])
def simulate(request: Request, body: SimulateIn, user: dict = Viewer) -> JSON:
    """Monte Carlo spread from chosen seeds (changes nothing)."""
    st = state_of(request)
    return _call(data.simulate, st, body.seeds, body.model, body.prob, body.runs, body.seed)


@router.get("/tipping/seeds", tags=["tipping point"])
def seeds(request: Request, k: int = Query(10, ge=1, le=500), user: dict = Viewer) -> JSON:
    """The k best seed accounts (influence maximisation)."""
    return _call(data.seeds, state_of(request), k)


@router.get("/tipping", tags=["tipping point"])
def tipping(
    request: Request,
    model: str = Query("naming-game", max_length=40),
    graph_kind: str = Query("complete", max_length=40),
    n: int = Query(200, ge=10, le=2000),
    seed: int = Query(0, ge=0, le=2**31),
    user: dict = Viewer,
) -> JSON:
    """The critical fraction of committed supporters for a model on a graph family
    (complete, er, ba: `n` accounts) or on the observed network (`graph_kind=observed`)."""
    return _call(data.tipping, state_of(request), model, graph_kind, n, seed)


# -- message lab ------------------------------------------------------------------------------
@router.post("/messages/score", tags=["message lab"], responses={200: {"model": ScoreOut}})
def score(request: Request, body: ScoreIn, lang: str | None = Lang, user: dict = Viewer) -> JSON:
    """Score a draft message on Made to Stick's six dimensions (changes nothing). The draft
    is read in `text_lang`; notes and suggestions are in `lang`, as `bascule message score`."""
    ui = body.lang or lang or lang_of(request, user)
    return _call(data.score, state_of(request), body.text, body.text_lang, ui)


@router.post("/messages/reach", tags=["message lab"])
def reach(request: Request, body: ReachIn, user: dict = Viewer) -> JSON:
    """Predicted reach of a message posted by these accounts."""
    return _call(data.reach, state_of(request), body.accounts)


# -- labelling posts for the stance model ----------------------------------------------------
@router.get("/label", tags=["labelling"])
def label_queue(
    request: Request,
    target: str | None = Query(None, max_length=200),
    k: int = Query(5, ge=1, le=50),
    user: dict = Analyst,
) -> JSON:
    """The posts the stance model is least sure of, the labels so far and the training job
    (no posts while a training runs)."""
    return _call(data.labelling, state_of(request), target or None, user["username"], k)


@router.post("/label", tags=["labelling"], status_code=201)
def label(request: Request, body: LabelIn, user: dict = Analyst) -> JSON:
    """Record one person's stance label of a stored post toward a target."""
    st = state_of(request)
    out = _call(data.save_label, st, body.post_id, body.target, body.label, user["username"])
    if out.status_code != 200:
        return out
    saved = {"post_id": body.post_id, "target": body.target, "label": body.label}
    return JSON({**saved, "labeled_by": user["username"]}, status_code=201)


@router.post("/label/undo", tags=["labelling"])
def label_undo(request: Request, user: dict = Analyst) -> JSON:
    """Forget the last label this person gave; `undone` is it (null when none)."""
    return JSON({"undone": data.undo_label(state_of(request), user["username"])})


@router.post("/label/train", tags=["labelling"], status_code=202)
def label_train(request: Request, user: dict = Analyst) -> JSON:
    """Train the stance model from the labels and cues, then analyse every post again, in
    the background (one job at a time); follow it with `GET /api/label`."""
    return JSON({"training": data.start_training(state_of(request))}, status_code=202)


# -- sources & targets ------------------------------------------------------------------------
@router.get("/config", tags=["settings"])
def get_config(request: Request, user: dict = Analyst) -> JSON:
    """The project's `bascule.toml` text and its parsed form."""
    st = state_of(request)
    return JSON(
        {
            "toml": st.project.config_path.read_text(encoding="utf-8"),
            "config": st.project.config.model_dump(),
        }
    )


@router.put("/config", tags=["settings"])
def put_config(request: Request, body: ConfigIn = Body(...), user: dict = Admin) -> JSON:
    """Replace `bascule.toml` after validation (422 with file:line:key on a mistake)."""
    st = state_of(request)
    try:
        cfg = st.locked(settings.save_config, st.project, body.toml)
    except BasculeError as exc:
        return JSON({"detail": str(exc)}, status_code=422)
    st.invalidate_data()
    return JSON({"saved": True, "targets": [t.id for t in cfg.targets]})


# -- users ------------------------------------------------------------------------------------
@router.get("/users", tags=["users"])
def users(request: Request, user: dict = Admin) -> JSON:
    """Accounts (no password hashes)."""
    st = state_of(request)
    return JSON(st.web_sql(sql.list_users))


@router.post("/users", tags=["users"], status_code=201)
def add_user(request: Request, body: UserIn, user: dict = Admin) -> JSON:
    """Create an account (409 when the name exists: PATCH it instead)."""
    st = state_of(request)
    if st.web_sql(sql.get_user, body.username.strip()) is not None:
        return JSON({"detail": f"an account {body.username.strip()!r} exists already"}, 409)
    try:
        st.locked(create_user, st.project, body.username, body.password, body.role)
    except BasculeError as exc:
        return JSON({"detail": str(exc)}, status_code=422)
    st.invalidate()
    return JSON({"username": body.username.strip(), "role": body.role}, status_code=201)


@router.patch("/users/{username}", tags=["users"])
def change_user(request: Request, username: str, body: UserChange, user: dict = Admin) -> JSON:
    """Change an account's role and/or password; a new password ends its sessions (but the
    caller's own), and the last admin keeps the admin role."""
    from bascule.web.admin import update_account

    st = state_of(request)
    row = st.web_sql(sql.get_user, username)
    if row is None:
        return JSON({"detail": f"no user {username!r}"}, status_code=404)
    try:
        update_account(st, username, body.role or row["role"], body.password or "", request)
    except BasculeError as exc:
        return JSON({"detail": str(exc)}, status_code=422)
    st.invalidate()
    return JSON({"username": username, "role": body.role or row["role"]})


@router.delete("/users/{username}", tags=["users"])
def remove_user(request: Request, username: str, user: dict = Admin) -> JSON:
    """Remove an account (not yourself, not the last admin)."""
    from bascule.web.admin import remove_account

    remove_account(state_of(request), username, user["username"])
    return JSON({"removed": username})
