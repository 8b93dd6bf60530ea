"""The continuous poll: per hour or day, the share of authors for / against / neither.

One author, one voice: each author counts once per period, with their latest stance on the
target in that period. Shares come with 95 % Wilson intervals and an exponentially weighted
trend (weighted by authors); periods with fewer authors than `privacy.min_group_size` are
suppressed, and their data enter no published number.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bascule.i18n import tr
from bascule.opinion import periods as P
from bascule.opinion.intervals import ewma_shares, wilson
from bascule.opinion.suppression import shown_periods
from bascule.store import opinion as sql

STANCES = ("favor", "against", "none")
COLORS = {"favor": "#1a9850", "against": "#d73027", "none": "#878787"}
HALFLIFE = {"hour": 6.0, "day": 3.0}


def stance_label(stance: str, lang: str) -> str:
    """User words for a stance."""
    return {
        "favor": tr(lang, "pour", "for"),
        "against": tr(lang, "contre", "against"),
        "none": tr(lang, "ni l'un ni l'autre", "neither"),
    }[stance]


def latest_stances(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """One row per (period, author): their latest stance in the period."""
    f = frame.sort_values(["local", "post_id"], kind="stable")
    f = f.assign(period=P.floor(f["local"], by))
    return f.drop_duplicates(["period", "author_id"], keep="last")


def poll(
    project: Any,
    target: str,
    *,
    by: str = "day",
    since: str | None = None,
    until: str | None = None,
    halflife: float | None = None,
    level: float = 0.95,
) -> dict:
    """Shares of authors for/against/none per period, with intervals, trend and suppression.

    `cues_only` says no trained model read the stances (only partisan hashtags and official
    accounts did): the other posts count as none.
    """
    from bascule.text.analyze import cues_only

    P.check_by(by)
    cfg = project.config
    tgt = cfg.target(target)
    tz, k = cfg.project.timezone, cfg.privacy.min_group_size
    s, u = P.window(since, until, by)
    halflife = halflife or HALFLIFE[by]
    lo_utc, hi_utc = P.fetch_bounds(s, u)
    frame = sql.stances(project.store, tgt.id, since=lo_utc, until=hi_utc)
    frame["local"] = P.to_local(frame["created_at"], tz) if len(frame) else frame["created_at"]
    frame = frame[P.in_window(frame["local"], s, u)]
    shown = shown_periods(frame["author_id"], frame["local"], by, k) if len(frame) else set()
    latest = latest_stances(frame, by) if len(frame) else frame.assign(period=frame["local"])
    all_periods = set(latest["period"])
    latest = latest[latest["period"].isin(shown)]
    counts = (
        latest.groupby(["period", "stance"]).size().unstack(fill_value=0)
        if len(latest)
        else pd.DataFrame(columns=list(STANCES))
    )
    counts = counts.reindex(columns=list(STANCES), fill_value=0).sort_index()
    rows: list[dict] = []
    if len(counts):
        n = counts.sum(axis=1).to_numpy()
        c = counts.to_numpy()
        lo, hi = wilson(c, n[:, None], level=level)
        trend = ewma_shares(c, P.steps(counts.index, by).to_numpy(), halflife=halflife)
        for i, period in enumerate(counts.index):
            row: dict[str, Any] = {"period": P.label(period, by), "authors": int(n[i])}
            for j, st in enumerate(STANCES):
                row[st] = round(float(c[i, j] / n[i]), 4)
                row[f"{st}_lo"] = round(float(lo[i, j]), 4)
                row[f"{st}_hi"] = round(float(hi[i, j]), 4)
                row[f"trend_{st}"] = round(float(trend[i, j]), 4)
            rows.append(row)
    return {
        "target": tgt.id,
        "target_name": tgt.name,
        "by": by,
        "timezone": tz,
        "since": P.label(s, by) if s is not None else None,
        "until": P.label(u, by) if u is not None else None,
        "min_group_size": k,
        "interval": "wilson",
        "level": level,
        "trend": f"exponentially weighted by authors, half-life {halflife:g} {by}s",
        "periods": rows,
        "suppressed": len(all_periods - shown),
        "stance_models": (models := sql.stance_models(project.store, [tgt.id])),
        "cues_only": cues_only(models),
    }


def cues_only_text(lang: str) -> str:
    """What a poll means when no trained model read the stances (`cues_only`)."""
    return tr(
        lang,
        "Aucun modèle de position n'est encore entraîné : seules les publications portant un "
        "mot-clic partisan ou venant d'un compte officiel sont pour ou contre, les autres "
        "comptent comme « aucune ». Annotez des publications (bascule stance label) puis "
        "entraînez un modèle (bascule stance train).",
        "No stance model is trained yet: only posts with a partisan hashtag or from an "
        "official account are for or against; the others count as none. Label posts "
        "(bascule stance label), then train a model (bascule stance train).",
    )


def poll_csv(result: dict) -> str:
    """The periods as CSV text (one row per shown period)."""
    cols = ["period", "authors"] + [f"{st}{q}" for st in STANCES for q in ("", "_lo", "_hi")]
    cols += [f"trend_{st}" for st in STANCES]
    return pd.DataFrame(result["periods"], columns=cols).to_csv(index=False)


def poll_figure(result: dict, lang: str = "fr") -> Any:
    """Plotly chart: shares with 95 % bands, trend lines, and authors per period below."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22], vertical_spacing=0.04
    )
    rows = result["periods"]
    x = [r["period"] for r in rows]
    for st in STANCES:
        name = stance_label(st, lang)
        color = COLORS[st]
        fig.add_scatter(
            x=x + x[::-1],
            y=[r[f"{st}_hi"] for r in rows] + [r[f"{st}_lo"] for r in rows][::-1],
            fill="toself",
            fillcolor=_rgba(color, 0.10),
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=st,
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=[r[f"trend_{st}"] for r in rows],
            mode="lines",
            line={"color": color, "width": 3},
            name=name,
            legendgroup=st,
            hovertemplate="%{x}: %{y:.0%} (" + tr(lang, "tendance", "trend") + ")<extra></extra>",
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=[r[st] for r in rows],
            mode="markers",
            marker={"color": color, "size": 6, "opacity": 0.7},
            customdata=[[r[f"{st}_lo"], r[f"{st}_hi"], r["authors"]] for r in rows],
            hovertemplate="%{x}: %{y:.0%} [%{customdata[0]:.0%}–%{customdata[1]:.0%}], "
            "n=%{customdata[2]}<extra>" + name + "</extra>",
            showlegend=False,
            legendgroup=st,
            row=1,
            col=1,
        )
    if rows:  # the latest trend value, written at the end of each line
        for st in STANCES:
            fig.add_annotation(
                x=x[-1],
                y=rows[-1][f"trend_{st}"],
                text=f"<b>{rows[-1][f'trend_{st}']:.0%}</b> {stance_label(st, lang)}",
                showarrow=False,
                xanchor="left",
                xshift=8,
                font={"color": COLORS[st], "size": 12},
                row=1,
                col=1,
            )
    fig.add_bar(
        x=x,
        y=[r["authors"] for r in rows],
        marker_color="#4575b4",
        name=tr(lang, "auteurs", "authors"),
        showlegend=False,
        row=2,
        col=1,
    )
    title = tr(lang, "Sondage continu — ", "Continuous poll — ") + result["target_name"]
    note = tr(
        lang,
        f"Une voix par auteur · IC 95 % (Wilson) · {result['suppressed']} période(s) de moins "
        f"de {result['min_group_size']} auteurs masquée(s)",
        f"One voice per author · 95% CI (Wilson) · {result['suppressed']} period(s) under "
        f"{result['min_group_size']} authors hidden",
    )
    fig.update_layout(
        title={"text": f"{title}<br><sup>{note}</sup>"},
        height=480,
        margin={"l": 50, "r": 130, "t": 70, "b": 30},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        template="plotly_white",
        hovermode="closest",
    )
    fig.update_yaxes(tickformat=".0%", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text=tr(lang, "auteurs", "authors"), row=2, col=1)
    return fig


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def poll_png(result: dict, path: Any, lang: str = "fr") -> None:
    """The poll chart as a PNG, drawn with matplotlib (no browser needed, unlike kaleido)."""
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in the web app
    from matplotlib.ticker import PercentFormatter

    rows = result["periods"]
    x = pd.to_datetime([r["period"] for r in rows])
    fig = Figure(figsize=(11, 5.5))
    ax, axn = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    for st in STANCES:
        color = COLORS[st]
        y = np.array([r[st] for r in rows])
        ax.fill_between(
            x,
            [r[f"{st}_lo"] for r in rows],
            [r[f"{st}_hi"] for r in rows],
            color=color,
            alpha=0.10,
            linewidth=0,
        )
        ax.plot(
            x, [r[f"trend_{st}"] for r in rows], color=color, lw=2.5, label=stance_label(st, lang)
        )
        ax.scatter(x, y, color=color, s=12, alpha=0.7)
        if rows:
            last = rows[-1][f"trend_{st}"]
            ax.annotate(
                f"{last:.0%} {stance_label(st, lang)}",
                (x[-1], last),
                xytext=(8, 0),
                textcoords="offset points",
                color=color,
                va="center",
                fontweight="bold",
            )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(tr(lang, "Sondage continu — ", "Continuous poll — ") + result["target_name"])
    ax.legend(loc="upper right", frameon=False, ncol=3)
    ax.grid(alpha=0.3)
    width = 0.8 if result["by"] == "day" else 0.8 / 24
    axn.bar(x, [r["authors"] for r in rows], color="#4575b4", width=width)
    axn.set_ylabel(tr(lang, "auteurs", "authors"))
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=120, format="png")
