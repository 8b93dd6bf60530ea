"""The HTML pages: server-rendered Jinja2 with htmx fragments; data from `web.data` only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from bascule.errors import BasculeError, InputError
from bascule.i18n import PLOTLY_FR, share, tr
from bascule.web import data, fmt
from bascule.web.auth import lang_of, require, state_of
from bascule.web.security import safe_url

TEMPLATES = Path(__file__).parent / "templates"
router = APIRouter(include_in_schema=False)

NAV = [
    ("overview", "/", "Vue d'ensemble", "Overview", "viewer"),
    ("undecided", "/undecided", "Indécis", "Undecided", "viewer"),
    ("network", "/network", "Réseau", "Network", "viewer"),
    ("alerts", "/alerts", "Alertes", "Alerts", "viewer"),
    ("tipping", "/tipping", "Point de bascule", "Tipping point", "viewer"),
    ("messages", "/messages", "Labo des messages", "Message lab", "viewer"),
    ("label", "/label", "Annoter", "Label posts", "analyst"),
    ("import", "/import", "Importer", "Import posts", "analyst"),
    ("settings", "/settings", "Sources et cibles", "Sources & targets", "analyst"),
    ("users", "/users", "Utilisateurs", "Users", "admin"),
]
_URL = re.compile(r"https?://[^\s<>\"']+")

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["j2", "html"]))


def linkify(text: str | None) -> Markup:
    """Untrusted post text, escaped; only plain http(s) URLs become (nofollow) links."""
    if not text:
        return Markup("")
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(escape(text[last : m.start()]))
        url = safe_url(m.group(0))
        if url:
            out.append(
                Markup(
                    '<a href="{0}" rel="nofollow noopener noreferrer" target="_blank">{0}</a>'
                ).format(url)
            )
        else:
            out.append(escape(m.group(0)))
        last = m.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


_env.filters["linkify"] = linkify
_env.filters["safe_url"] = safe_url


def say(error: Any, lang: str) -> str:
    """A user error in the page's language: a `BasculeError`, or a section or job that
    failed (`error`, `error_fr`), or a message already written."""
    if isinstance(error, BasculeError):
        return error.say(lang)
    if isinstance(error, dict):
        fr = error.get("error_fr")
        return fr if lang == "fr" and fr else str(error.get("error") or error.get("missing") or "")
    return str(error or "")


def helpers(lang: str, config: Any) -> dict[str, Any]:
    """What every template may use: the language, translations and number formats."""
    return {
        "lang": lang,
        "t": lambda fr, en: tr(lang, fr, en),
        # after a label: " : " in French, ": " in English; a quotation in the language's marks
        "colon": fmt.colon(lang),
        "quote": lambda s: fmt.quoted(s, lang),
        "plural": lambda n: fmt.plural_s(n, lang),
        "say": lambda e: say(e, lang),
        "num": lambda v, d=0: fmt.number(v, lang, d),
        "pct": lambda v, d=0: fmt.percent(v, lang, d),
        # a share that never reads as a misleading 0 % or 100 % ("< 0,1 %", "0,4 %")
        "share": lambda v, d=0: share(v, lang, d),
        "when": lambda v: fmt.when(v, config.project.timezone),
        "timezone": config.project.timezone,
        "kind_label": lambda k: fmt.label(fmt.ALERT_KINDS, k, lang),
        "kind_labels": {k: tr(lang, *v) for k, v in fmt.ALERT_KINDS.items()},
        "label_of": lambda table, k: fmt.label(fmt.TABLES[table], k, lang),
        "detail_label": lambda k: fmt.label(fmt.DETAIL_LABELS, k, lang),
        "mix": lambda m: fmt.stance_mix(m, lang),
        "reject_reason": lambda r: fmt.reject_reason(r, lang),
        "target_names": {
            t.id: (getattr(t, "name_en", None) if lang == "en" else None) or t.name
            for t in config.targets
        },
        "min_group_size": config.privacy.min_group_size,
    }


def render(
    request: Request,
    template: str,
    ctx: dict[str, Any],
    *,
    user: dict | None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the shared context (user, language, CSRF token, navigation)."""
    lang = lang_of(request, user)
    st = state_of(request)
    from bascule.web.auth import RANK

    nav = [
        {"key": k, "href": h, "label": tr(lang, fr, en)}
        for k, h, fr, en, role in NAV
        if user and RANK.get(user["role"], -1) >= RANK[role]
    ]
    ctx = dict(ctx)
    ctx.setdefault("fragment", template.startswith("partials/"))
    csrf = user["csrf_token"] if user else ctx.pop("csrf_token", None)
    ctx.pop("csrf_token", None)
    html = _env.get_template(template).render(
        request=request,
        user=user,
        **helpers(lang, st.project.config),
        csrf_token=csrf,
        nav=nav,
        path=request.url.path,
        # where the language switch comes back to: the same page, its target or filter kept
        here=request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        project_name=st.project.config.project.name,
        plotly_locale=PLOTLY_FR,
        **ctx,
    )
    return HTMLResponse(html, status_code=status_code)


def section(fn: Any, *args: Any, **kwargs: Any) -> dict:
    """A page section: its data, or why it is missing (not available yet, or a user error)."""
    try:
        return {"ok": True, "data": fn(*args, **kwargs)}
    except data.NotAvailable as exc:
        return {"ok": False, "missing": str(exc)}
    except BasculeError as exc:
        return {"ok": False, "error": str(exc), "error_fr": exc.fr}


def _targets(request: Request) -> list[dict]:
    return [{"id": t.id, "name": t.name} for t in state_of(request).project.config.targets]


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request, user: dict = Depends(require("viewer", page=True))) -> Response:
    """Overview: poll trend per target, share of voice, latest alerts."""
    st = state_of(request)
    lang = lang_of(request, user)
    ov = data.overview(st, lang)
    if ov.get("stance_note"):  # said for the war room: its Label page, not a command
        ov = {**ov, "stance_note": _web_stance_note(ov, lang) or ov["stance_note"]}
    return render(request, "overview.html.j2", {"ov": ov}, user=user)


def _web_stance_note(ov: dict, lang: str) -> str | None:
    """The overview's note on where the poll's stances come from, as the war room says it
    (annotate and train on the Label posts page); the API keeps the command-line text."""
    try:
        note = data.capability("bascule.opinion.poll", "stance_note")
    except data.NotAvailable:
        return None
    polls = [v["result"]["data"] for v in (ov.get("polls") or {}).values() if v.get("available")]
    return next((n for n in (note(p, lang, web=True) for p in polls) if n), None)


def _cues_only_note(st: Any, lang: str) -> str | None:
    """The note the overview shows when no trained model read the stances, or None."""
    if not data.critiques_read_by_cues_only(st):
        return None
    try:
        return data.capability("bascule.opinion.poll", "cues_only_text")(lang, web=True)
    except data.NotAvailable:
        return None


@router.get("/undecided", response_class=HTMLResponse)
def undecided_page(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """Undecided: reasons with quotes and trend."""
    st = state_of(request)
    lang = lang_of(request, user)
    sec = section(data.undecided, st, lang)
    # without a stance model almost every author is undecided: say why, as the overview does
    ctx = {"sec": sec, "stance_note": _cues_only_note(st, lang)}
    return render(request, "undecided.html.j2", ctx, user=user)


@router.get("/network", response_class=HTMLResponse)
def network_page(
    request: Request,
    target: str | None = None,
    user: dict = Depends(require("viewer", page=True)),
) -> Response:
    """Network: influencers (Pareto), communities (graph view), bridges, ambassadors, gaps."""
    st = state_of(request)
    targets = _targets(request)
    target = target or (targets[0]["id"] if targets else None)
    lang = lang_of(request, user)
    ctx = {
        "influencers": section(data.influencers, st),
        "pareto": section(data.pareto_figure, st, lang),
        "communities": section(data.communities, st),
        "communities_fig": section(data.communities_figure, st, lang),
        "bridges": section(data.bridges, st),
        "ambassadors": section(data.ambassadors, st, target) if target else None,
        "audience": section(data.audience, st, target) if target else None,
        "targets": targets,
        "target": target,
    }
    return render(request, "network.html.j2", ctx, user=user)


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, user: dict = Depends(require("viewer", page=True))) -> Response:
    """Alerts, updated live through Server-Sent Events."""
    st = state_of(request)
    ctx = {
        "sec": section(data.alerts, st, None, None, 100, lang_of(request, user)),
        "cues_only": data.critiques_read_by_cues_only(st),
    }
    return render(request, "alerts.html.j2", ctx, user=user)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(
    alert_id: str, request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """One alert and its post (untrusted text, escaped; only http(s) links)."""
    st = state_of(request)
    sec = section(data.alert, st, alert_id, lang_of(request, user))
    post, examples = None, []
    if sec["ok"] and sec["data"]:
        if sec["data"].get("post_id"):
            post = data.post(st, str(sec["data"]["post_id"]))
        examples = data.burst_examples(st, sec["data"])
    status = 404 if sec["ok"] and not sec["data"] else 200
    ctx = {"sec": sec, "post": post, "examples": examples}
    return render(request, "alert.html.j2", ctx, user=user, status_code=status)


@router.get("/tipping", response_class=HTMLResponse)
def tipping_page(request: Request, user: dict = Depends(require("viewer", page=True))) -> Response:
    """Tipping point: simulate a spread, find seeds, the critical fraction."""
    return render(request, "tipping.html.j2", {}, user=user)


@router.get("/messages", response_class=HTMLResponse)
def messages_page(request: Request, user: dict = Depends(require("viewer", page=True))) -> Response:
    """Message lab: score a draft, predict its reach, measure what published posts did."""
    ctx = {"published": section(data.published, state_of(request))}
    return render(request, "messages.html.j2", ctx, user=user)


@router.get("/label", response_class=HTMLResponse)
def label_page(
    request: Request,
    target: str | None = None,
    user: dict = Depends(require("analyst", page=True)),
) -> Response:
    """Label posts for the stance model: the ones it is least sure of first."""
    return _label(request, user, target or None)


@router.post("/label", response_class=HTMLResponse)
async def label_post(
    request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Save one label, then show the next posts (the page again, or why the label was refused)."""
    f = await request.form()
    target = str(f.get("filter") or "") or None

    def save() -> Response:
        saved = section(
            data.save_label,
            state_of(request),
            str(f.get("post_id") or ""),
            str(f.get("target_id") or ""),
            str(f.get("label") or ""),
            user["username"],
        )
        if saved["ok"]:
            return _back_to_label(target)
        return _label(request, user, target, saved=saved, status_code=400)

    return await run_in_threadpool(save)


@router.post("/label/undo")
async def label_undo(
    request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Forget the last label this person gave (a mis-click): the post comes back to label."""
    f = await request.form()
    await run_in_threadpool(data.undo_label, state_of(request), user["username"])
    return _back_to_label(str(f.get("filter") or "") or None)


@router.post("/label/train")
async def label_train(
    request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Start training the stance model (then every post is analysed again) in the background."""
    f = await request.form()
    await run_in_threadpool(data.start_training, state_of(request))
    return _back_to_label(str(f.get("filter") or "") or None)


def _back_to_label(target: str | None) -> Response:
    """After a change, the label page again (with the same target filter): POST, redirect, GET."""
    return RedirectResponse(f"/label?target={quote(target)}" if target else "/label", 303)


def _label(
    request: Request, user: dict, target: str | None, *, status_code: int = 200, **ctx: Any
) -> Response:
    from bascule.text.weak_labels import MIN_CHECK

    st = state_of(request)
    busy = data.job_runs(st.training)  # labels given now would not be in its model
    ctx = {
        "sec": None if busy else section(data.to_label, st, target, user["username"]),
        "targets": _targets(request),
        "target": target,
        "min_check": MIN_CHECK,
        "job": st.training,
        **ctx,
    }
    return render(request, "label.html.j2", ctx, user=user, status_code=status_code)


# -- htmx fragments: the same data functions, rendered as a result block ---------------------
def _fragment(request: Request, user: dict, title: str, fn: Any, *args: Any) -> Response:
    ctx = {"title": title, "sec": section(fn, *args)}
    return render(request, "partials/result.html.j2", ctx, user=user)


def _int(v: Any, default: int, lo: int, hi: int, name_fr: str, name_en: str) -> int:
    """A whole number from a form field (`default` when left blank); a clear error, in both
    languages, when it is not one or lies outside [lo, hi], rather than a silent correction."""
    if v is None or str(v).strip() == "":
        return default
    try:
        n = int(str(v).strip())
    except ValueError:
        n = None
    if n is None or not lo <= n <= hi:
        raise InputError(
            f"{name_en}: give a whole number from {lo:,} to {hi:,} (got {str(v)[:20]!r})",
            fr=f"{name_fr} : indiquez un nombre entier de {fmt.number(lo, 'fr')} à "
            f"{fmt.number(hi, 'fr')} (reçu « {str(v)[:20]} »)",
        )
    return n


def _list(v: Any) -> list[str]:
    return [x.strip() for x in re.split(r"[\n,]", str(v or "")) if x.strip()]


@router.post("/fragments/simulate", response_class=HTMLResponse)
async def simulate_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: Monte Carlo spread from the seeds typed."""
    f = await request.form()
    st = state_of(request)

    def run() -> dict:
        seeds = _list(f.get("seeds"))
        if not seeds:
            raise InputError(
                "give at least one seed account, one per line",
                fr="indiquez au moins un compte de départ, un par ligne",
            )
        res = data.with_names(
            st,
            data.simulate,
            seeds,
            str(f.get("model") or "ic"),
            str(f.get("prob") or "wc"),
            _int(f.get("runs"), 1000, 1, 10000, "simulations", "runs"),
            _int(f.get("seed"), 0, 0, 2**31, "graine", "seed"),
        )
        return _in_typed_order(res, data._node_ids(st, seeds))

    return await run_in_threadpool(_fragment, request, user, "simulate", run)


def _in_typed_order(res: dict, typed: list[str]) -> dict:
    """A simulation's seeds (and their names) in the order they were typed: the simulation
    gives them in the network's order."""
    seeds = res.get("seeds") or []
    names = res.get("seed_names") or seeds
    if len(names) != len(seeds):
        return res
    order = {str(s): i for i, s in reversed(list(enumerate(typed)))}
    pairs = sorted(zip(seeds, names, strict=True), key=lambda p: order.get(str(p[0]), len(order)))
    return {**res, "seeds": [s for s, _ in pairs], "seed_names": [n for _, n in pairs]}


@router.post("/fragments/seeds", response_class=HTMLResponse)
async def seeds_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: the k best seed accounts."""
    f = await request.form()
    st = state_of(request)

    def run() -> dict:
        k = _int(f.get("k"), 10, 1, 500, "nombre de comptes", "number of accounts")
        return data.with_names(st, data.seeds, k)

    return await run_in_threadpool(_fragment, request, user, "seeds", run)


@router.post("/fragments/tipping", response_class=HTMLResponse)
async def tipping_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: the critical fraction and its figure."""
    f = await request.form()
    st, lang = state_of(request), lang_of(request, user)

    def run() -> dict:
        return data.tipping_view(
            st,
            str(f.get("model") or "naming-game"),
            str(f.get("graph_kind") or "complete"),
            _int(f.get("n"), 200, 10, 2000, "taille du réseau", "network size"),
            _int(f.get("seed"), 0, 0, 2**31, "graine", "seed"),
            lang,
        )

    sec = await run_in_threadpool(section, run)
    fig = sec["data"]["figure"] if sec["ok"] else None
    if sec["ok"]:
        sec = {"ok": True, "data": sec["data"]["result"]}
    ctx = {"title": "tipping", "sec": sec, "figure": fig}
    return render(request, "partials/result.html.j2", ctx, user=user)


@router.post("/fragments/score", response_class=HTMLResponse)
async def score_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: the draft's scores, read in `text_lang` (the draft's language), told in
    the page's language (as `POST /api/messages/score`)."""
    f = await request.form()
    text = str(f.get("text") or "")[:5000]
    lang = str(f.get("text_lang") or "auto")
    ui = lang_of(request, user)
    sec = await run_in_threadpool(section, data.score_view, state_of(request), text, lang, ui)
    ctx = {"title": "score", "sec": sec, "draft": text}
    return render(request, "partials/result.html.j2", ctx, user=user)


@router.post("/fragments/reach", response_class=HTMLResponse)
async def reach_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: the predicted reach of the accounts typed."""
    f = await request.form()
    accounts = _list(f.get("accounts"))[:100]
    return await run_in_threadpool(
        _fragment, request, user, "reach", data.reach, state_of(request), accounts
    )


@router.post("/fragments/effect", response_class=HTMLResponse)
async def effect_fragment(
    request: Request, user: dict = Depends(require("viewer", page=True))
) -> Response:
    """htmx fragment: what the post typed did in the hours after it was published."""
    f = await request.form()
    post_id = str(f.get("post_id") or "").strip()[:300]
    st = state_of(request)

    def measure() -> dict:
        if not post_id:
            raise InputError(
                "give the post's id (as in the exports, or the platform's own id)",
                fr="indiquez l'identifiant de la publication (celui des exports ou de la plateforme)",
            )
        hours = _int(f.get("hours"), 24, 1, 24 * 60, "Heures", "Hours")
        return data.effect(st, post_id, hours)

    return await run_in_threadpool(_fragment, request, user, "effect", measure)


@router.post("/alerts/{alert_id}/ack")
async def ack_alert(
    alert_id: str, request: Request, user: dict = Depends(require("analyst", page=True))
) -> Response:
    """Mark an alert as seen (analyst or admin)."""
    from bascule.store.web import acknowledge_alert

    st = state_of(request)
    await run_in_threadpool(st.web_sql, acknowledge_alert, alert_id, user["username"])
    st.invalidate_data()
    return RedirectResponse(f"/alerts/{alert_id}", status_code=303)
