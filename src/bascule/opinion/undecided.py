"""The undecided: who is committed, leaning or undecided, how many over time, and why.

Each author's state comes from their history of stances and explicit hesitation, read in
time order (leaders and candidates count for their party):
- undecided: their latest explicit hesitation is not followed by a stance in favour of
  anyone, or they never stood in favour of anyone, or no party has half of their favours;
- committed: one party holds at least 80 % of their favours, and at least two of them;
- leaning: the rest (a preferred party, but one favour only or a split).

The view is about the public: the accounts that speak for a target (its official accounts)
and those named by consent (`privacy.opted_in`: news organisations, public figures) are left
out (`opinion.voices`), or a newsroom's headlines would read as the reasons of the undecided.

Published numbers follow `privacy.min_group_size`: days with fewer authors are dropped before
anything is computed; totals and themes always cover whole shown days (so the hour and day
views publish the same totals), and the hour series hides hours as `suppression` says. A week
is the poll's (the ISO week in the project's time zone, named by its Monday, the window
widened to whole weeks), shown only where the weekly poll would show it: at least k authors,
none of them 1 to k-1 seen only on its hidden days or hours (the rule of `suppression`), and no
day of it whose posts `bascule prune` deleted (`pruned_weeks`).
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from bascule.i18n import date_axis, number, percent, share, share_range, tr
from bascule.opinion import kept as K
from bascule.opinion import periods as P
from bascule.opinion.intervals import ewma_shares, wilson
from bascule.opinion.poll import HALFLIFE, PNG_DPI, weeks_of
from bascule.opinion.suppression import shown_periods
from bascule.opinion.themes import extract_themes, trend_label
from bascule.opinion.voices import named_authors
from bascule.store import opinion as sql
from bascule.text.hesitation import hesitation

STATES = ("committed", "leaning", "undecided")
VOTE_KINDS = ("party", "leader", "candidate")
COMMITTED_SHARE, COMMITTED_MIN, LEANING_SHARE = 0.8, 2, 0.5
COLORS = {"committed": "#2c7bb6", "leaning": "#abd9e9", "undecided": "#fdae61"}


def state_label(state: str, lang: str) -> str:
    """User words for a state."""
    return {
        "committed": tr(lang, "décidés", "committed"),
        "leaning": tr(lang, "penchants", "leaning"),
        "undecided": tr(lang, "indécis", "undecided"),
    }[state]


def vote_targets(config: Any) -> dict[str, str]:
    """Target id -> the party a favour for it counts for (leaders count for their party)."""
    ids = {t.id for t in config.targets}
    chosen = [t for t in config.targets if t.kind in VOTE_KINDS] or list(config.targets)
    return {t.id: (t.party if t.party in ids else t.id) for t in chosen}


def events(
    project: Any, since: pd.Timestamp | None, until: pd.Timestamp | None
) -> tuple[pd.DataFrame, list[str]]:
    """Political posts in the local window, with hesitation and one 0/1 column per party."""
    tz = project.config.project.timezone
    lo, hi = P.fetch_bounds(since, until)
    posts = sql.political_posts(project.store, since=lo, until=hi)
    posts = posts[~posts["author_id"].isin(named_authors(project))]
    posts["local"] = P.to_local(posts["created_at"], tz) if len(posts) else posts["created_at"]
    posts = posts[P.in_window(posts["local"], since, until)].copy()
    missing = posts["hesitation"].isna().to_numpy()
    hes = posts["hesitation"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    if missing.any():  # not analysed yet: detect hesitation here
        hes[missing] = hesitation(posts["text"].to_numpy()[missing].tolist())
    posts["hesitation"] = hes
    posts = posts[posts["analysed"].astype(bool) | posts["hesitation"]]
    mapping = vote_targets(project.config)
    parties = sorted(set(mapping.values()))
    fav = sql.favors(project.store, since=lo, until=hi)
    fav["party"] = fav["target_id"].map(mapping)
    fav = fav.dropna(subset=["party"]).drop_duplicates(["post_id", "party"])
    onehot = pd.crosstab(fav["post_id"], fav["party"]).reindex(columns=parties, fill_value=0)
    posts = posts.join(onehot, on="post_id")
    posts[parties] = posts[parties].fillna(0).astype(np.int64)
    posts = posts.sort_values(["local", "post_id"], kind="stable").reset_index(drop=True)
    return posts, parties


def classify(ev: pd.DataFrame, parties: list[str]) -> pd.DataFrame:
    """Each event with its author's state after it (cumulative over the author's history)."""
    out = ev[["post_id", "author_id", "local"]].copy()
    by_author = ev.groupby("author_id", sort=False)
    if parties:
        cum = by_author[parties].cumsum().to_numpy()
        favoured = ev[parties].to_numpy().sum(axis=1) > 0
    else:
        cum = np.zeros((len(ev), 1))
        favoured = np.zeros(len(ev), dtype=bool)
    total = cum.sum(axis=1)
    top = cum.max(axis=1) if len(ev) else np.zeros(0)
    share = np.divide(top, total, out=np.zeros_like(top, dtype=float), where=total > 0)
    order = np.arange(len(ev), dtype=float)
    last_hes = (
        pd.Series(np.where(ev["hesitation"], order, -1.0))
        .groupby(ev["author_id"].to_numpy())
        .cummax()
    )
    last_fav = (
        pd.Series(np.where(favoured, order, -1.0)).groupby(ev["author_id"].to_numpy()).cummax()
    )
    hesitant = (last_hes.to_numpy() >= 0) & (last_hes.to_numpy() >= last_fav.to_numpy())
    undecided = hesitant | (total == 0) | (share < LEANING_SHARE)
    committed = ~undecided & (share >= COMMITTED_SHARE) & (top >= COMMITTED_MIN)
    out["state"] = np.where(undecided, "undecided", np.where(committed, "committed", "leaning"))
    names = np.asarray(parties or [None], dtype=object)
    out["leaning_target"] = np.where(total > 0, names[cum.argmax(axis=1)], None)
    out["n_posts"] = by_author.cumcount().to_numpy() + 1
    out["hesitant"] = hesitant
    return out


def author_states(
    project: Any, *, since: str | None = None, until: str | None = None
) -> pd.DataFrame:
    """Per author: state (committed|leaning|undecided), leaning_target, n_posts, hesitant.

    Individual rows for internal use (network, alerts, messages): not an aggregate, so no
    suppression here; whoever publishes counts from it applies `privacy.min_group_size`.
    """
    s, u = P.window(since, until, None, project.config.project.timezone)
    ev, parties = events(project, s, u)
    cols = ["author_id", "state", "leaning_target", "n_posts", "hesitant"]
    if ev.empty:
        return pd.DataFrame(columns=cols)
    states = classify(ev, parties).drop_duplicates("author_id", keep="last")
    lt = states["leaning_target"].astype(object)
    states["leaning_target"] = lt.where(lt.notna(), None)
    return states[cols].sort_values("author_id").reset_index(drop=True)


def undecided(
    project: Any,
    *,
    since: str | None = None,
    until: str | None = None,
    by: str = "day",
    themes: int | None = None,
    seed: int = 0,
) -> dict:
    """Committed/leaning/undecided counts per period (hour, day or ISO week), and the themes
    of the undecided. By week, `pruned_weeks` names the weeks not shown because posts of
    theirs were pruned (they are not counted in `suppressed`)."""
    P.check_by(by)
    cfg = project.config
    tz, k = cfg.project.timezone, cfg.privacy.min_group_size
    s, u = P.window(since, until, by, tz)
    # Totals and themes are computed on whole shown days, whatever `by`: the hour and day
    # views then publish the same totals, and cannot be subtracted from one another. Whole
    # weeks are whole days: the week view's totals are the day view's over those weeks.
    sd, ud = (s, u) if by == "week" else P.window(since, until, "day", tz)
    ev, parties = events(project, sd, ud)
    days = shown_periods(ev["author_id"], ev["local"], "day", k) if len(ev) else set()
    ev["period"] = P.floor(ev["local"], by) if len(ev) else ev["local"]
    pruned = pruned_weeks(project, ev, s, u) if by == "week" else []
    in_series = P.in_window(ev["local"], s, u) & ~ev["period"].isin(pruned)
    all_periods = set(ev.loc[in_series, "period"])
    every = ev
    ev = ev[P.floor(ev["local"], "day").isin(days)].reset_index(drop=True)  # hidden: nowhere
    shown = _shown(ev, every, days, by, k) & all_periods
    result: dict[str, Any] = {
        "by": by,
        "timezone": tz,
        "since": P.label(s, by) if s is not None else None,
        "until": P.label(u, by) if u is not None else None,
        "min_group_size": k,
        "suppressed": len(all_periods - shown),
        "authors": None,
        "periods": [],
        "themes": [],
        "posts": 0,
        "unassigned": 0,
        # the whole days the totals and themes cover (the window widened to days)
        "totals_days": [
            P.label(sd, "day") if sd is not None else None,
            P.label(ud - P.step("day"), "day") if ud is not None else None,
        ],
    }
    if by == "week":
        result["pruned_weeks"] = [P.label(w, "week") for w in pruned]
    if ev.empty:
        return result
    st = classify(ev, parties)
    st["period"] = ev["period"]
    last = st.drop_duplicates(["author_id"], keep="last")
    totals = last["state"].value_counts().reindex(list(STATES), fill_value=0)
    result["authors"] = {
        "total": int(totals.sum()),
        **{x: int(totals[x]) for x in STATES},
        "explicit": int(last["hesitant"].sum()),  # undecided who said so, not just silent
    }
    st = st[st["period"].isin(shown)]
    if not st.empty:
        result["periods"] = _series(st, by)
    und_authors = set(last.loc[last["state"] == "undecided", "author_id"])
    docs = ev.loc[
        ev["author_id"].isin(und_authors), ["post_id", "author_id", "local", "text", "lang"]
    ]
    start = sd if sd is not None else min(days)
    end = ud if ud is not None else max(days) + P.step("day")
    handles = sql.handles(project.store, sorted(set(docs["author_id"])))
    th = extract_themes(
        docs, n_themes=themes, seed=seed, min_authors=k, start=start, end=end, handles=handles
    )
    result.update(th)
    return result


def _shown(
    ev: pd.DataFrame, every: pd.DataFrame, days: set[pd.Timestamp], by: str, k: int
) -> set[pd.Timestamp]:
    """The periods of the series that may be shown: `ev` holds the posts of the shown `days`
    only (a hidden day enters nothing), `every` all the window's posts. Hours as `suppression`
    says; a week only where the weekly poll would show it, judged on all of its posts (k
    authors, no 1 to k-1 of them seen only on its hidden days or hours), and where it still
    may once its hidden days are left out (its shown hours then cover what they cover)."""
    if by == "day":
        return days
    if ev.empty:
        return set()
    shown = shown_periods(ev["author_id"], ev["local"], by, k)
    if by == "week":
        shown &= shown_periods(every["author_id"], every["local"], "week", k)
    return shown


def pruned_weeks(
    project: Any, ev: pd.DataFrame, since: pd.Timestamp | None, until: pd.Timestamp | None
) -> list[pd.Timestamp]:
    """Weeks (Mondays, local time) of [since, until) not shown because `bascule prune`
    deleted posts of theirs, as the weekly poll leaves them out (`kept.pruned_weeks`): those
    holding a kept day, a post of `ev` (created_at, local) on such a day or before the latest
    cutoff's day, or that cutoff. The undecided read every party's posts: a day kept for any
    target lost some of theirs."""
    tz = project.config.project.timezone
    kept = _kept(project.store, project.config.privacy.min_group_size)
    left_out = ev.loc[kept.mask(ev, tz), "local"]
    return K.pruned_weeks(kept, left_out, tz, since, until, seen=bool(len(ev)))


def _kept(store: Any, k: int) -> K.Kept:
    """The days `prune` kept for any target, with its zone and latest cutoff."""
    from dataclasses import replace

    # "": no target has kept days, yet posts may have been pruned (the cutoff alone)
    first, *rest = [K.read(store, t, k) for t in sql.kept_targets(store) or [""]]
    index = first.days.index
    for other in rest:
        index = index.union(other.days.index)
    return replace(first, days=first.days.reindex(index))


def _series(st: pd.DataFrame, by: str) -> list[dict]:
    """Per shown period: authors by state (their state after their last post in it)."""
    per = (
        st.drop_duplicates(["period", "author_id"], keep="last")
        .groupby(["period", "state"])
        .size()
        .unstack(fill_value=0)
        .reindex(columns=list(STATES), fill_value=0)
        .sort_index()
    )
    n = per.sum(axis=1).to_numpy()
    und = per["undecided"].to_numpy()
    lo, hi = wilson(und, n)
    trend = ewma_shares(
        np.c_[und, n - und], P.steps(per.index, by).to_numpy(), halflife=HALFLIFE[by]
    )[:, 0]
    return [
        {
            "period": P.label(p, by),
            "authors": int(n[i]),
            **{x: int(per[x].iloc[i]) for x in STATES},
            "undecided_share": round(float(und[i] / n[i]), 4),
            "undecided_lo": round(float(lo[i]), 4),
            "undecided_hi": round(float(hi[i]), 4),
            "trend_undecided": round(float(trend[i]), 4),
        }
        for i, p in enumerate(per.index)
    ]


CSV_COLUMNS = [
    "period",
    "authors",
    *STATES,
    "undecided_share",
    "undecided_lo",
    "undecided_hi",
    "trend_undecided",
]


def undecided_csv(result: dict) -> str:
    """The periods as CSV text, one row per shown period (hidden ones are no rows), as
    `poll_csv` writes the poll's: ISO period labels, shares in [0, 1]."""
    return pd.DataFrame(result["periods"], columns=CSV_COLUMNS).to_csv(index=False)


def share_title(result: dict, lang: str) -> str:
    """The chart's title: "Part d'indécis parmi les auteurs", and for weeks, which the
    dates alone would not say (a week's date is its Monday), "par semaine (semaines du
    2026-08-31 au 2026-09-07)", as the poll's title says them."""
    title = tr(lang, "Part d'indécis parmi les auteurs", "Share of undecided authors")
    rows = result["periods"]
    if result["by"] != "week":
        return title
    title += tr(lang, ", par semaine", ", per week")
    if rows:
        title += f" ({weeks_of(rows[0]['period'], rows[-1]['period'], lang)})"
    return title


def _tick_step(top: float) -> int:
    """A round step, in percentage points, for about five ticks from 0 to `top` (a share)."""
    return next((s for s in (1, 2, 5, 10, 20) if 100 * top / s <= 5), 25)


def undecided_figure(result: dict, lang: str = "fr") -> Any:
    """Plotly chart: undecided share over time (95 % band, trend) and the themes' volumes."""
    from plotly.subplots import make_subplots

    themes = result["themes"]
    fig = make_subplots(
        rows=2 if themes else 1,
        cols=1,
        row_heights=[0.55, 0.45] if themes else [1.0],
        vertical_spacing=0.12,
        subplot_titles=[
            share_title(result, lang),
            *(
                [tr(lang, "Pourquoi ils hésitent (thèmes)", "Why they hesitate (themes)")]
                if themes
                else []
            ),
        ],
    )
    rows = result["periods"]
    x = [r["period"] for r in rows]
    fig.add_scatter(
        x=x + x[::-1],
        y=[r["undecided_hi"] for r in rows] + [r["undecided_lo"] for r in rows][::-1],
        mode="lines",  # a filled outline: no markers on the bounds
        fill="toself",
        fillcolor="rgba(253,174,97,0.25)",
        line={"width": 0, "color": "rgba(253,174,97,0)"},
        hoverinfo="skip",
        showlegend=False,
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=[r["trend_undecided"] for r in rows],
        mode="lines",
        line={"color": "#e66101", "width": 3},
        name=tr(lang, "tendance", "trend"),
        customdata=[escape(share(r["trend_undecided"], lang)) for r in rows],
        hovertemplate="%{x} : %{customdata} (" + tr(lang, "tendance", "trend") + ")<extra></extra>",
        row=1,
        col=1,
    )
    fig.add_scatter(
        x=x,
        y=[r["undecided_share"] for r in rows],
        mode="markers",
        marker={"color": "#e66101", "size": 6},
        customdata=[
            [
                escape(share(r["undecided_share"], lang)),
                share_range(r["undecided_lo"], r["undecided_hi"], lang),
                number(r["undecided"], lang),
                number(r["authors"], lang),
            ]
            for r in rows
        ],
        hovertemplate="%{x} : %{customdata[0]} [%{customdata[1]}] "
        "(%{customdata[2]}/%{customdata[3]})<extra></extra>",
        name=state_label("undecided", lang),
        row=1,
        col=1,
    )
    top = max((r["undecided_hi"] or 0 for r in rows), default=0)
    ticks = [v / 100 for v in range(0, 101, _tick_step(top))]
    ticks = ticks[: next((i + 1 for i, v in enumerate(ticks) if v >= top), len(ticks))]
    fig.update_yaxes(  # "20 %" in French, as the page writes it (".0%" cannot)
        tickvals=ticks, ticktext=[percent(v, lang) for v in ticks], rangemode="tozero", row=1, col=1
    )
    if themes:
        labels = [
            f"{t['label']} ({trend_label(t['trend'], lang)})" if t["trend"] else t["label"]
            for t in themes
        ][::-1]
        fig.add_bar(  # one voice per author, as the poll: the bar and its label say authors
            y=labels,
            x=[t["authors"] for t in themes][::-1],
            orientation="h",
            marker_color="#fdae61",
            text=[
                f"{number(t['authors'], lang)} " + tr(lang, "auteurs", "authors") for t in themes
            ][::-1],
            textposition="auto",
            showlegend=False,
            customdata=[
                [", ".join(t["words"]), number(t["posts"], lang), number(t["authors"], lang)]
                for t in themes
            ][::-1],
            hovertemplate="%{customdata[0]}<br>%{customdata[1]} "
            + tr(lang, "publications", "posts")
            + ", %{customdata[2]} "
            + tr(lang, "auteurs", "authors")
            + "<extra></extra>",
            row=2,
            col=1,
        )
    if themes:
        fig.update_xaxes(
            title_text=tr(lang, "auteurs indécis", "undecided authors"),
            separatethousands=True,  # "3 000" in French
            row=2,
            col=1,
        )
    fig.update_layout(
        height=(360 + 48 * len(themes)) if themes else 340,
        bargap=0.35,
        template="plotly_white",
        margin={"l": 50, "r": 10, "t": 50, "b": 30},
        separators=tr(lang, ",\u202f", ".,"),
        showlegend=False,
    )
    fig.update_xaxes(**date_axis(lang, hours=result["by"] == "hour"), row=1, col=1)
    # each point stands in the middle of its day or hour, as in the poll chart
    fig.update_traces(xperiod=P.PERIOD_MS[result["by"]], xperiodalignment="middle", row=1, col=1)
    fig.update_xaxes(**P.day_ticks(x, result["by"]), row=1, col=1)
    _narrow_layout(fig, labels if themes else [])
    return fig


NARROW_BELOW = 640  # px: under this chart width, the layout of `_narrow_layout`


def _narrow_layout(fig: Any, labels: list[str]) -> None:
    """What the chart becomes on a phone (the war room's app.js applies it under
    NARROW_BELOW px): the themes' names, whose margin left the plots a few pixels wide,
    written above their bars instead of at their left."""
    if not labels:
        return
    first = len(fig.layout.annotations)
    for name in labels:
        fig.add_annotation(
            text=escape(name), x=0, xref="x2 domain", y=name, yref="y2", xanchor="left",
            yanchor="bottom", yshift=14, showarrow=False, font={"size": 11}, visible=False,
            name="theme-label",
        )  # fmt: skip
    shown = {f"annotations[{first + i}].visible": True for i in range(len(labels))}
    narrow = {"yaxis2.showticklabels": False, **shown}
    wide = {"yaxis2.showticklabels": True, **{k: False for k in shown}}
    fig.update_layout(meta={"narrow": {"below": NARROW_BELOW, "layout": narrow, "wide": wide}})


def days_note(result: dict, lang: str) -> str | None:
    """What days the totals and themes cover, once a window widened them to whole days
    (None without a window: they cover everything shown)."""
    if not (result.get("since") or result.get("until")):
        return None
    first, last = result.get("totals_days") or (None, None)
    span = " – ".join(x or "…" for x in (first, last))
    tz = result["timezone"]
    return tr(
        lang,
        f"Totaux et thèmes sur des journées entières ({span}), heure de {tz}.",
        f"Totals and themes cover whole days ({span}), {tz} time.",
    )


def pruned_note(result: dict, lang: str) -> str | None:
    """Which weeks a weekly view leaves out because posts of theirs were pruned (None: none),
    said as the weekly poll says it: what is left of such a week is not the week."""
    weeks = result.get("pruned_weeks")
    if not weeks:
        return None
    head = K.weeks_not_shown(weeks, lang)
    its = tr(lang, "ses" if len(weeks) == 1 else "leurs", "its" if len(weeks) == 1 else "their")
    return head + tr(
        lang,
        f" : une partie de {its} publications a été supprimée (durée de conservation).",
        f": some of {its} posts were deleted (retention).",
    )


def undecided_png(result: dict, path: Any, lang: str = "fr") -> None:
    """The undecided chart as a PNG, drawn with matplotlib as `poll_png` draws the poll's."""
    undecided_png_figure(result, lang).savefig(path, dpi=PNG_DPI, format="png")


def undecided_png_figure(result: dict, lang: str = "fr") -> Any:
    """The matplotlib figure `undecided_png` writes: the undecided share per period with its
    95 % band and trend, and below, when there are any, the themes by authors."""
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in the web app
    from matplotlib.ticker import FuncFormatter

    themes = result["themes"]
    fig = Figure(figsize=(12, 6 + 0.4 * len(themes) if themes else 5))
    if themes:
        ax, axt = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 1 + 0.25 * len(themes)]})
    else:
        ax, axt = fig.subplots(1, 1), None
    rows, by = result["periods"], result["by"]
    # each point in the middle of its period, as in the HTML chart
    start = pd.to_datetime([r["period"] for r in rows])
    x = start + P.step(by) / 2
    color = COLORS["undecided"]
    ax.fill_between(
        x, [r["undecided_lo"] for r in rows], [r["undecided_hi"] for r in rows],
        color=color, alpha=0.25, linewidth=0, label=tr(lang, "IC 95 %", "95% CI"),
    )  # fmt: skip
    ax.plot(x, [r["trend_undecided"] for r in rows], color="#e66101", lw=2.5,
            label=tr(lang, "tendance", "trend"))  # fmt: skip
    ax.scatter(x, [r["undecided_share"] for r in rows], color="#e66101", s=14, zorder=3,
               label=state_label("undecided", lang))  # fmt: skip
    if len(rows) == 1:  # a band needs two periods: one period's interval is a bar
        y, lo, hi = (rows[0][k] for k in ("undecided_share", "undecided_lo", "undecided_hi"))
        ax.errorbar(x, [y], yerr=[[y - lo], [hi - y]], color=color, lw=6)
    top = max((r["undecided_hi"] for r in rows), default=1.0)
    ax.set_ylim(0, min(1.0, 1.1 * top) or 1.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: percent(v, lang)))
    ax.set_title(share_title(result, lang))
    ax.grid(alpha=0.3)
    ax.legend(loc="best", frameon=False)
    _date_ticks(ax, start, by)
    if axt is not None:
        _themes_bars(axt, themes, lang)
    fig.tight_layout()
    return fig


def _date_ticks(ax: Any, start: pd.DatetimeIndex, by: str) -> None:
    """The periods shown, from the start of the first to the end of the last, with ISO dates:
    a day's under its midnight, a week's on the Monday that names it."""
    from matplotlib.dates import MO, DateFormatter, DayLocator, WeekdayLocator

    if not len(start):
        return
    ax.set_xlim(start[0], start[-1] + P.step(by))
    span = int((start[-1] - start[0]).days)
    if by == "day":
        ax.xaxis.set_major_locator(DayLocator(interval=span // 10 + 1))
    elif by == "week":
        ax.xaxis.set_major_locator(WeekdayLocator(byweekday=MO, interval=span // 70 + 1))
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d %H:%M" if by == "hour" else "%Y-%m-%d"))
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")


def _themes_bars(ax: Any, themes: list[dict], lang: str) -> None:
    """The themes as horizontal bars of undecided authors, the largest on top."""
    labels = [
        f"{t['label']} ({trend_label(t['trend'], lang)})" if t["trend"] else t["label"]
        for t in themes
    ][::-1]
    authors = [t["authors"] for t in themes][::-1]
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    bars = ax.barh(labels, authors, color=COLORS["undecided"])
    ax.bar_label(bars, labels=[number(n, lang) for n in authors], padding=3)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v, lang)))  # "1 000"
    ax.set_xlabel(tr(lang, "auteurs indécis", "undecided authors"))
    ax.set_title(tr(lang, "Pourquoi ils hésitent (thèmes)", "Why they hesitate (themes)"))
