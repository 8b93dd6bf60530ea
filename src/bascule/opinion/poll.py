"""The continuous poll: per hour, day or week, the share of authors for / against / neither.

One author, one voice: each author counts once per period, with their latest stance on the
target in that period; the targets' official accounts are not counted (`opinion.voices`). Shares come with 95 % Wilson intervals and an exponentially weighted
trend (weighted by authors); periods with fewer authors than `privacy.min_group_size` are
suppressed, and their data enter no published number. Days whose posts `bascule prune` deleted
are read back, by day only, from the counts it kept (`opinion.kept`). A week is the ISO week in
the project's time zone (Monday 00:00 to Monday 00:00), named by its Monday.
"""

from __future__ import annotations

from html import escape
from typing import Any

import numpy as np
import pandas as pd

from bascule.i18n import (
    date_axis,
    number,
    percent,
    plotly_locale_script,
    share,
    share_range,
    tr,
)
from bascule.opinion import kept as K
from bascule.opinion import periods as P
from bascule.opinion.intervals import ewma_shares, wilson
from bascule.opinion.suppression import shown_periods
from bascule.opinion.voices import official_authors
from bascule.store import opinion as sql
from bascule.text.weak_labels import MIN_CHECK

STANCES = ("favor", "against", "none")
COLORS = {"favor": "#1a9850", "against": "#d73027", "none": "#878787"}
HALFLIFE = {"hour": 6.0, "day": 3.0, "week": 2.0}


def stance_label(stance: str, lang: str) -> str:
    """User words for a stance."""
    return {
        "favor": tr(lang, "pour", "for"),
        "against": tr(lang, "contre", "against"),
        "none": tr(lang, "ni l'un ni l'autre", "neither"),
    }[stance]


def period_name(by: str, lang: str) -> str:
    """User words for a period: "jour" / "day", "heure" / "hour", "semaine" / "week"."""
    return {
        "day": tr(lang, "jour", "day"),
        "hour": tr(lang, "heure", "hour"),
        "week": tr(lang, "semaine", "week"),
    }.get(by, by)


def target_name(result: dict, lang: str) -> str:
    """The poll's target as the reader calls it (its English name on English pages)."""
    return (lang == "en" and result.get("target_name_en")) or result["target_name"]


def poll_title(result: dict, lang: str) -> str:
    """ "Sondage continu — Charlie Hebdo, par jour (2015-01-07 – 2015-01-10)"; weeks are
    named by their Monday: "par semaine (semaines du 2015-01-05 au 2015-01-12)"."""
    by = {
        "day": tr(lang, "par jour", "per day"),
        "hour": tr(lang, "par heure", "per hour"),
        "week": tr(lang, "par semaine", "per week"),
    }
    title = (
        tr(lang, "Sondage continu — ", "Continuous poll — ")
        + target_name(result, lang)
        + ", "
        + by.get(result["by"], period_name(result["by"], lang))
    )
    rows = result["periods"]
    if rows:
        first, last = rows[0]["period"].replace("T", " "), rows[-1]["period"].replace("T", " ")
        if result["by"] == "week":
            title += f" ({weeks_of(first, last, lang)})"
        else:
            title += f" ({first})" if first == last else f" ({first} – {last})"
    return title


def weeks_of(first: str, last: str, lang: str) -> str:
    """ "semaine du 2015-01-05" / "weeks of 2015-01-05 to 2015-01-12": a week's date is its
    Monday, which a bare date would not say."""
    if first == last:
        return tr(lang, f"semaine du {first}", f"week of {first}")
    return tr(lang, f"semaines du {first} au {last}", f"weeks of {first} to {last}")


def spread_labels(values: list[float], gap: float, lo: float = 0.0, hi: float = 1.0) -> list[float]:
    """Heights for end-of-line labels: each value, moved as little as needed for labels to be
    at least `gap` apart and within [lo, hi] (when they fit), in the order of the values."""
    order = sorted(range(len(values)), key=lambda i: (values[i], i))
    pos = [min(max(values[i], lo), hi) for i in order]
    for i in range(1, len(pos)):
        pos[i] = max(pos[i], pos[i - 1] + gap)
    if pos and pos[-1] > hi:
        pos[-1] = hi
        for i in range(len(pos) - 2, -1, -1):
            pos[i] = min(pos[i], pos[i + 1] - gap)
    out = [0.0] * len(values)
    for p, i in zip(pos, order, strict=True):
        out[i] = p
    return out


def end_label(result: dict, stance: str, lang: str, *, html: bool = True) -> str:
    """The label at the end of a stance's line: its latest trend value, said to be the trend
    ("61 % pour (tendance)"): the line is the trend, not the last period's raw share."""
    value = share(result["periods"][-1][f"trend_{stance}"], lang)
    if html:  # plotly reads its text as HTML: "< 0,1 %" must not open a tag
        value = f"<b>{escape(value)}</b>"
    return f"{value} {stance_label(stance, lang)} ({tr(lang, 'tendance', 'trend')})"


def _shown(frame: pd.DataFrame, by: str, k: int) -> set[pd.Timestamp]:
    """The periods of `frame` (posts with `author_id` and `local`) that may be shown."""
    if not len(frame):
        return set()
    return shown_periods(frame["author_id"], frame["local"], by, k)


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

    Each period says where it comes from (`source`): "posts", or "aggregates" for a day whose
    posts `bascule prune` deleted, read back from the daily counts it kept (`opinion.kept`:
    the same one-voice shares, Wilson intervals and trend; a stance it did not keep, under
    `min_group_size` authors, is None in `not_kept` and the intervals cover what it may have
    been). Hours and weeks cannot come from daily counts: an hourly poll shows none of those
    days, a weekly one no week holding one (nor the week the cutoff splits), and `pruned`
    (with `kept_note`) says which days, or weeks (`pruned["weeks"]`, their Mondays), only the
    daily poll has. A day is read from one source: posts still stored on a kept day are not
    counted again.

    `cues_only` says no trained model read the stances (only partisan hashtags and official
    accounts did): the other posts count as none.
    """
    from bascule.text.analyze import cues_only

    P.check_by(by)
    cfg = project.config
    tgt = cfg.target(target)
    tz, k = cfg.project.timezone, cfg.privacy.min_group_size
    s, u = P.window(since, until, by, tz)
    halflife = halflife or HALFLIFE[by]
    lo_utc, hi_utc = P.fetch_bounds(s, u)
    frame = sql.stances(
        project.store, tgt.id, since=lo_utc, until=hi_utc, excluded=official_authors(project)
    )
    frame["local"] = P.to_local(frame["created_at"], tz) if len(frame) else frame["created_at"]
    frame = frame[P.in_window(frame["local"], s, u)]
    kept = K.read(project.store, tgt.id, k)
    seen = bool(len(frame))
    left_out = kept.mask(frame, tz)
    weeks = []
    if by == "week":
        weeks = K.pruned_weeks(kept, frame.loc[left_out, "local"], tz, s, u, seen=seen)
    frame = frame[~left_out]  # pruned days come from their kept counts alone
    if weeks and len(frame):  # a week holding a pruned day: not shown, not even partly
        frame = frame[~P.floor(frame["local"], "week").isin(weeks)]
    shown = _shown(frame, by, k)
    latest = latest_stances(frame, by) if len(frame) else frame.assign(period=frame["local"])
    all_periods = set(latest["period"])
    latest = latest[latest["period"].isin(shown)]
    counts = (
        latest.groupby(["period", "stance"]).size().unstack(fill_value=0)
        if len(latest)
        else pd.DataFrame(columns=list(STANCES))
    )
    counts = counts.reindex(columns=list(STANCES), fill_value=0).sort_index()
    c = counts.to_numpy(dtype=float).reshape(len(counts), len(STANCES))
    n = c.sum(axis=1)
    lo, hi = wilson(c, n[:, None], level=level) if len(counts) else (c, c)
    kept_days = kept.in_window(s, u)
    old = K.day_rows(kept, kept_days if by == "day" else kept_days[:0], k, level)
    periods = [*counts.index, *old.periods]
    source = ["posts"] * len(counts) + ["aggregates"] * len(old.periods)
    not_kept = [[]] * len(counts) + old.not_kept
    c = np.vstack([c, old.counts])
    n = np.concatenate([n, old.authors])
    lo, hi = np.vstack([lo, old.lo]), np.vstack([hi, old.hi])
    order = sorted(range(len(periods)), key=lambda i: periods[i])
    rows: list[dict] = []
    if order:
        c, n, lo, hi = c[order], n[order], lo[order], hi[order]
        steps = P.steps(pd.Series([periods[o] for o in order]), by).to_numpy()
        trend = ewma_shares(c, steps, halflife=halflife)  # a stance not kept counts as 0
        for i, o in enumerate(order):
            row: dict[str, Any] = {"period": P.label(periods[o], by), "authors": int(n[i])}
            for j, st in enumerate(STANCES):
                row[st] = None if st in not_kept[o] else round(float(c[i, j] / n[i]), 4)
                row[f"{st}_lo"] = round(float(lo[i, j]), 4)
                row[f"{st}_hi"] = round(float(hi[i, j]), 4)
                row[f"trend_{st}"] = round(float(trend[i, j]), 4)
            row["source"], row["not_kept"] = source[o], list(not_kept[o])
            rows.append(row)
    return {
        "target": tgt.id,
        "target_name": tgt.name,
        "target_name_en": tgt.name_en,
        "by": by,
        "timezone": tz,
        "since": P.label(s, by) if s is not None else None,
        "until": P.label(u, by) if u is not None else None,
        "min_group_size": k,
        "interval": "wilson",
        "level": level,
        "trend": f"exponentially weighted by authors, half-life {halflife:g} {by}s",
        "periods": rows,
        "suppressed": len(all_periods - shown) + old.suppressed,
        "pruned": K.info(
            kept,
            kept_days,
            len(old.periods),
            s,
            tz,
            seen=seen,
            weeks=weeks if by == "week" else None,
        ),
        "stance_models": (models := sql.stance_models(project.store, [tgt.id])),
        "cues_only": cues_only(models),
        "model_waiting": cues_only(models) and _trained(project),
        "model_check": _model_check(project.store, models),
    }


def kept_note(result: dict, lang: str) -> str | None:
    """What a reader must know about the days whose posts were pruned (None: nothing pruned
    there): which days come from the kept daily counts, or, per hour, which only the daily
    poll shows, or, per week, which weeks are not shown (the daily poll has their days)."""
    return K.note(result, lang)


def _trained(project: Any) -> bool:
    """Whether the project has a trained stance model (which `analyze` has not used yet when
    the stances are cue rules only)."""
    from bascule.text.analyze import project_model_path

    root = getattr(project, "root", None)
    return root is not None and project_model_path(root).exists()


def _model_check(store: Any, models: list[str]) -> dict | None:
    """How the project's model that read these stances was measured, if it read them."""
    got = sql.model_check(store)
    return got if got and got.get("model") in models else None


def stance_note(result: dict, lang: str, *, web: bool = False) -> str | None:
    """What a reader must know about where the poll's stances come from, or None: no model
    yet (cue rules only), or a model trained on too few human labels to be measured.
    `web`: said for the war room, whose Label posts page annotates and trains (no command
    to run); otherwise the commands, for the terminal and the report."""
    if result.get("cues_only") and result.get("model_waiting"):
        if web:
            return tr(
                lang,
                "Un modèle de position est entraîné, mais les publications n'ont pas encore été "
                "réanalysées avec lui : ces parts viennent encore des seuls mots-clics partisans "
                "et comptes officiels. Un analyste ou un administrateur peut les réanalyser depuis "
                "la page Annoter, bouton « Entraîner et réanalyser ».",
                "A stance model is trained, but the posts have not been analysed again with it: "
                "these shares still come from partisan hashtags and official accounts alone. An "
                "analyst or admin can analyse them again from the Label posts page, with the "
                "“Train and analyse again” button.",
            )
        return tr(
            lang,
            "Un modèle de position est entraîné, mais les publications n'ont pas encore été "
            "réanalysées avec lui : ces parts viennent encore des seuls mots-clics partisans et "
            "comptes officiels. Lancez bascule analyze --redo (dans le war room : Annoter, "
            "« Entraîner et réanalyser »).",
            "A stance model is trained, but the posts have not been analysed again with it: "
            "these shares still come from partisan hashtags and official accounts alone. Run "
            "bascule analyze --redo (in the war room: Label posts, “Train and analyse again”).",
        )
    if result.get("cues_only"):
        return cues_only_text(lang, web=web)
    got = result.get("model_check")
    if got and got.get("check") is None:
        n = int(got.get("human_labels") or 0)
        fr_how, en_how = (
            (
                "annotez des publications (page Annoter), puis entraînez-le de nouveau (bouton "
                "« Entraîner et réanalyser »).",
                "label posts (Label posts page), then train it again (the “Train and analyse "
                "again” button).",
            )
            if web
            else (
                "annotez des publications (bascule stance label), puis entraînez-le de nouveau.",
                "label posts (bascule stance label), then train it again.",
            )
        )
        return tr(
            lang,
            f"Le modèle de position n'est pas encore mesuré ({n} publication(s) annotée(s), "
            f"il en faut au moins {MIN_CHECK}) : il a surtout appris des mots-clics partisans "
            "et des comptes officiels, et peut confondre sujet et position. Traitez ces parts "
            "comme provisoires ; " + fr_how,
            f"The stance model is not measured yet ({n} post(s) labelled, at least {MIN_CHECK} "
            "needed): it learnt mostly from partisan hashtags and official accounts, and may "
            "mistake a topic for a stance. Treat these shares as provisional; " + en_how,
        )
    return None


def cues_only_text(lang: str, *, web: bool = False) -> str:
    """What a poll means when no trained model read the stances (`cues_only`); `web`: the
    war room's way to train one (its Label posts page) rather than the commands."""
    if web:
        return tr(
            lang,
            "Aucun modèle de position n'est encore entraîné : seules les publications portant un "
            "mot-clic partisan ou venant d'un compte officiel sont pour ou contre, les autres "
            "comptent comme « aucune ». Un analyste ou un administrateur peut annoter des "
            "publications sur la page Annoter, puis entraîner un modèle avec le bouton "
            "« Entraîner et réanalyser » de cette page.",
            "No stance model is trained yet: only posts with a partisan hashtag or from an "
            "official account are for or against; the others count as none. An analyst or "
            "admin can label posts on the Label posts page, then train a model with that "
            "page's “Train and analyse again” button.",
        )
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
    """The periods as CSV text (one row per shown period); `source` says "aggregates" for a
    day read from the counts `prune` kept (an empty share: a stance it did not keep)."""
    cols = ["period", "authors"] + [f"{st}{q}" for st in STANCES for q in ("", "_lo", "_hi")]
    cols += [f"trend_{st}" for st in STANCES] + ["source"]
    return pd.DataFrame(result["periods"], columns=cols).to_csv(index=False)


LABEL_GAP = 0.07  # end labels at least this far apart, in shares (about one line of text)


def poll_figure(result: dict, lang: str = "fr") -> Any:
    """Plotly chart: shares with 95 % bands, trend lines, and authors per period below."""
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.78, 0.22], vertical_spacing=0.04
    )
    rows = result["periods"]
    x = [r["period"] for r in rows]
    runs = _runs(x, result["by"])  # periods in a row: no line or band across a hidden one
    authors = tr(lang, "auteurs", "authors")
    kept = [r.get("source") == "aggregates" for r in rows]
    symbols = ["circle-open" if k else "circle" for k in kept]
    trend_word = tr(lang, "tendance", "trend")
    # a period alone between hidden ones has no line nor band to show it: its trend is marked
    # by a dot and its 95 % interval by a bar
    alone = {run[0] for run in runs if len(run) == 1}
    for st in STANCES:
        name = stance_label(st, lang)
        color = COLORS[st]
        for run in runs:  # the 95 % band: a filled outline, no markers on its bounds
            part = [rows[i] for i in run]
            xs = [x[i] for i in run]
            fig.add_scatter(
                x=xs + xs[::-1],
                y=[r[f"{st}_hi"] for r in part] + [r[f"{st}_lo"] for r in part][::-1],
                mode="lines",
                fill="toself",
                fillcolor=_rgba(color, 0.10),
                line={"width": 0, "color": _rgba(color, 0.0)},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=st,
                row=1,
                col=1,
            )
        fig.add_scatter(
            x=_broken(x, runs),
            y=_broken([r[f"trend_{st}"] for r in rows], runs),
            connectgaps=False,
            mode="lines+markers" if alone else "lines",
            line={"color": color, "width": 3},
            marker={
                "color": color,
                "size": [
                    0 if v is None else v
                    for v in _broken([9 if i in alone else 0 for i in range(len(x))], runs)
                ],
            },
            name=f"{name} ({trend_word})",
            legendgroup=st,
            customdata=_broken([escape(share(r[f"trend_{st}"], lang)) for r in rows], runs),
            hovertemplate="%{x} : %{customdata} (" + trend_word + ")<extra>" + name + "</extra>",
            row=1,
            col=1,
        )
        fig.add_scatter(
            x=x,
            y=[r[st] for r in rows],
            mode="markers",
            # a day read from the counts `prune` kept: an open marker (its posts are gone)
            marker={"color": color, "size": 6, "opacity": 0.7, "symbol": symbols},
            error_y=_alone_band(rows, st, alone, color),
            customdata=[
                [
                    escape(share(r[st], lang)),
                    share_range(r[f"{st}_lo"], r[f"{st}_hi"], lang),
                    number(r["authors"], lang),
                ]
                for r in rows
            ],
            hovertemplate="%{x} : %{customdata[0]} [%{customdata[1]}], %{customdata[2]} "
            + authors
            + "<extra>"
            + name
            + "</extra>",
            showlegend=False,
            legendgroup=st,
            row=1,
            col=1,
        )
    if rows:  # the latest trend value, written at the end of each line, labels kept apart
        heights = spread_labels([rows[-1][f"trend_{st}"] for st in STANCES], LABEL_GAP)
        for st, y in zip(STANCES, heights, strict=True):
            fig.add_annotation(
                x=_middle(x[-1], result["by"]),
                y=y,
                text=end_label(result, st, lang),
                showarrow=False,
                xanchor="left",
                yanchor="middle",
                xshift=8,
                font={"color": COLORS[st], "size": 12},
                name=f"end-{st}",
                row=1,
                col=1,
            )
    fig.add_bar(
        x=x,
        y=[r["authors"] for r in rows],
        # a period wide at most, whatever the hidden periods between bars (plotly would widen
        # each bar to the smallest gap between two of them)
        width=0.8 * P.PERIOD_MS[result["by"]],
        marker_color=[KEPT_COLOR if k else "#4575b4" for k in kept],
        name=authors,
        showlegend=False,
        row=2,
        col=1,
    )
    for i, (first, last) in enumerate(kept_spans(result)):  # days read from kept counts
        fig.add_vrect(
            x0=first,
            x1=last,
            fillcolor=KEPT_COLOR,
            opacity=0.12,
            line_width=0,
            layer="below",
            row="all",
            col=1,
            name="kept-aggregates",
        )
        if i:  # named once: the title's note says what every shaded span is
            continue
        fig.add_annotation(
            x=first,
            y=0.995,
            xref="x",
            yref="y domain",
            xanchor="left",
            yanchor="top",
            text=escape(kept_label(lang)),
            showarrow=False,
            font={"size": 11, "color": KEPT_COLOR},
            name="kept-aggregates",
        )
    note = tr(
        lang,
        f"Une voix par auteur · IC 95 % (Wilson) · {result['suppressed']} période(s) de moins "
        f"de {result['min_group_size']} auteurs masquée(s)",
        f"One voice per author · 95% CI (Wilson) · {result['suppressed']} period(s) under "
        f"{result['min_group_size']} authors hidden",
    )
    if any(kept):
        note += tr(
            lang,
            " · zone ombrée : comptes quotidiens gardés (publications supprimées)",
            " · shaded: kept daily counts (posts deleted)",
        )
    title = poll_title(result, lang)
    ends = [end_label(result, st, lang, html=False) for st in STANCES] if rows else []
    fig.update_layout(
        title={"text": f"{title}<br><sup>{note}</sup>"},
        height=500,
        margin={"l": 50, "r": _label_margin(ends), "t": 70, "b": 40},
        # below the plot, horizontal: never over the lines or their end labels
        legend={"orientation": "h", "y": -0.08, "x": 0, "xanchor": "left", "yanchor": "top"},
        separators=tr(lang, ",\u202f", ".,"),
        template="plotly_white",
        hovermode="closest",
    )
    # each point and bar stands in the middle of its day or hour, the bar spanning it: a day's
    # bar centred on midnight read as half the day before
    fig.update_traces(xperiod=P.PERIOD_MS[result["by"]], xperiodalignment="middle")
    ticks = [0, 0.2, 0.4, 0.6, 0.8, 1]  # "20 %" in French, as the page writes it
    fig.update_yaxes(tickvals=ticks, ticktext=[percent(v, lang) for v in ticks], row=1, col=1)
    fig.update_yaxes(range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text=authors, separatethousands=True, row=2, col=1)  # "3 000"
    fig.update_xaxes(**date_axis(lang, hours=result.get("by") == "hour"))
    fig.update_xaxes(**P.day_ticks(x, result["by"]))
    if rows:  # the periods shown, from the start of the first to the end of the last
        fig.update_xaxes(range=[str(x[0]), _end(x[-1], result["by"])])
    _narrow_layout(fig, result, title, note, lang)
    return fig


NARROW_BELOW = 640  # px: under this chart width, the layout of `_narrow_layout`


def _label_margin(labels: list[str], font_px: float = 12, cap: int = 250) -> int:
    """The right margin (px) that end labels of `font_px` need, at most `cap`."""
    longest = max((len(t) for t in labels), default=0)
    return min(cap, round(16 + 0.58 * font_px * longest))


def _wrap(text: str, width: int) -> str:
    """`text` broken into lines of at most `width` characters (plotly's <br>)."""
    import textwrap

    return "<br>".join(textwrap.wrap(text, width, break_on_hyphens=False)) or text


def _narrow_layout(fig: Any, result: dict, title: str, note: str, lang: str) -> None:
    """What the chart becomes on a phone (the war room's app.js applies it under
    NARROW_BELOW px): end labels reduced to their value (the legend names the lines), the
    margin sized to them, the title and its note wrapped, a date label every few days."""
    rows = result["periods"]
    title_lines = _wrap(title, 34)
    note_lines = _wrap(note, 52)
    n = title_lines.count("<br>") + 1 + 0.7 * (note_lines.count("<br>") + 1)
    narrow: dict[str, Any] = {
        "title.text": f"{title_lines}<br><sup>{note_lines}</sup>",
        "margin.t": round(30 + 21 * n),
        "margin.r": 8,
        "margin.l": 44,
        # the legend's entries, one row each on a phone, below the plot: room for 3 to 4 rows
        "margin.b": 130,
        "height": round(500 + 21 * n - 40 + 90),
    }
    # the title from the top of the chart down, whatever its lines (plotly centres it in the
    # margin, over the plot when it wraps)
    narrow["title.y"] = round(1 - 10 / narrow["height"], 4)  # 10 px under the top
    narrow["title.yref"], narrow["title.yanchor"] = "container", "top"
    # the bars' axis named above them rather than at their left, where it took the plot's width
    fig.add_annotation(
        text=tr(lang, "auteurs", "authors"), x=0, xref="x2 domain", y=1, yref="y2 domain",
        xanchor="left", yanchor="bottom", showarrow=False, font={"size": 11}, visible=False,
        name="authors-axis",
    )  # fmt: skip
    narrow["yaxis2.title.text"] = ""
    names = [a.name for a in fig.layout.annotations]
    narrow[f"annotations[{names.index('authors-axis')}].visible"] = True
    if rows:
        values = [share(rows[-1][f"trend_{st}"], lang) for st in STANCES]
        narrow["margin.r"] = _label_margin(values, cap=80)
        for st, value in zip(STANCES, values, strict=True):
            narrow[f"annotations[{names.index(f'end-{st}')}].text"] = f"<b>{escape(value)}</b>"
    ticks = P.day_ticks([r["period"] for r in rows], result["by"])
    if ticks:  # at most about five date labels across a phone
        first, last = (pd.Timestamp(rows[i]["period"]) for i in (0, -1))
        count = (last - first) / pd.Timedelta(milliseconds=P.PERIOD_MS[result["by"]]) + 1
        step = max(1, int(np.ceil(count / 5)))
        narrow["xaxis.ticklabelstep"] = narrow["xaxis2.ticklabelstep"] = step
    wide = {k: fig.layout[k] for k in narrow}
    wide.update({"title.y": "auto", "title.yref": "container", "title.yanchor": "auto"})
    wide.update({f"annotations[{names.index('authors-axis')}].visible": False})
    wide["xaxis.ticklabelstep"] = wide["xaxis2.ticklabelstep"] = 1
    fig.update_layout(meta={"narrow": {"below": NARROW_BELOW, "layout": narrow, "wide": wide}})


def _end(period: str, by: str) -> str:
    """The end of a period given by its start (the start of the next one)."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(str(period))
    return (start + timedelta(milliseconds=P.PERIOD_MS[by])).isoformat()


def _alone_band(rows: list[dict], st: str, alone: set[int], color: str) -> dict:
    """The 95 % interval of the periods alone between hidden ones, as error bars (their band
    would have no width); nothing elsewhere."""
    if not alone:
        return {"visible": False}
    value = [r[st] if r[st] is not None else 0 for r in rows]
    return {
        "type": "data",
        "symmetric": False,
        "array": [
            (r[f"{st}_hi"] - v) if i in alone else 0
            for i, (r, v) in enumerate(zip(rows, value, strict=True))
        ],
        "arrayminus": [
            (v - r[f"{st}_lo"]) if i in alone else 0
            for i, (r, v) in enumerate(zip(rows, value, strict=True))
        ],
        "color": _rgba(color, 0.35),
        "thickness": 6,
        "width": 0,
    }


KEPT_COLOR = "#6a51a3"  # days read from the counts `prune` kept


def kept_label(lang: str) -> str:
    """The words on the shaded days of a chart that come from kept counts."""
    return tr(lang, "comptes gardés (publications supprimées)", "kept counts (posts deleted)")


def kept_spans(result: dict) -> list[tuple[str, str]]:
    """(start, end) of each run of consecutive periods read from kept counts, end excluded
    (the start of the period after the last one), as ISO dates."""
    from datetime import datetime, timedelta

    rows, by = result["periods"], result["by"]
    step = timedelta(milliseconds=P.PERIOD_MS[by])
    spans: list[tuple[str, str]] = []
    prev = None
    for r in rows:
        if r.get("source") != "aggregates":
            prev = None
            continue
        start = datetime.fromisoformat(str(r["period"]))
        end = (start + step).isoformat()
        if prev is not None and start - prev <= step:
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start.isoformat(), end))
        prev = start
    return spans


def _runs(periods: list[str], by: str) -> list[list[int]]:
    """Indices of the shown periods grouped into runs of consecutive periods."""
    from datetime import datetime, timedelta

    step = timedelta(milliseconds=P.PERIOD_MS[by])
    runs: list[list[int]] = []
    prev = None
    for i, p in enumerate(periods):
        t = datetime.fromisoformat(str(p))
        if prev is None or t - prev > step:
            runs.append([])
        runs[-1].append(i)
        prev = t
    return runs


def _broken(values: list, runs: list[list[int]]) -> list:
    """`values` with a None between runs: plotly breaks the line there."""
    out: list = []
    for run in runs:
        if out:
            out.append(None)
        out.extend(values[i] for i in run)
    return out


def _middle(period: str, by: str) -> str:
    """The middle of a period given by its start, as the chart's points stand there."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(str(period))
    return (start + timedelta(milliseconds=P.PERIOD_MS[by] / 2)).isoformat()


def poll_html(result: dict, lang: str = "fr") -> str:
    """The poll chart as a standalone HTML page (plotly.js inline), titled with the target
    and the period in the reader's language, with what the reader must know about pruned
    days (`kept_note`) under it."""
    from html import escape

    from plotly.offline import get_plotlyjs

    title = escape(poll_title(result, lang))
    div = poll_figure(result, lang).to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False}
    )
    locale = plotly_locale_script(lang)
    note = kept_note(result, lang)  # which days come from kept counts, or have no hours
    note = f'<p class="kept-note">{escape(note)}</p>\n' if note else ""
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<script>{get_plotlyjs()}</script>\n{locale}</head>\n"
        f"<body>\n{div}\n{note}</body>\n</html>\n"
    )


def _rgba(hex_color: str, alpha: float) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def poll_png(result: dict, path: Any, lang: str = "fr") -> None:
    """The poll chart as a PNG, drawn with matplotlib (no browser needed, unlike kaleido)."""
    poll_png_figure(result, lang).savefig(path, dpi=PNG_DPI, format="png")


PNG_DPI = 120


def poll_png_figure(result: dict, lang: str = "fr") -> Any:
    """The matplotlib figure `poll_png` writes."""
    from matplotlib.dates import MO, DateFormatter, DayLocator, WeekdayLocator
    from matplotlib.figure import Figure  # no pyplot: no global state, safe in the web app
    from matplotlib.ticker import PercentFormatter

    rows = result["periods"]
    x = pd.to_datetime([r["period"] for r in rows])
    runs = _runs([r["period"] for r in rows], result["by"])  # no line across a hidden period
    kept = np.array([r.get("source") == "aggregates" for r in rows], dtype=bool)
    fig = Figure(figsize=(12, 6))
    ax, axn = fig.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [4, 1]})
    for st in STANCES:
        color = COLORS[st]
        y = np.array([np.nan if r[st] is None else r[st] for r in rows], dtype=float)
        for k, run in enumerate(runs):
            ax.fill_between(
                x[run],
                [rows[i][f"{st}_lo"] for i in run],
                [rows[i][f"{st}_hi"] for i in run],
                color=color,
                alpha=0.10,
                linewidth=0,
            )
            ax.plot(
                x[run],
                [rows[i][f"trend_{st}"] for i in run],
                color=color,
                lw=2.5,
                label=f"{stance_label(st, lang)} ({tr(lang, 'tendance', 'trend')})"
                if not k
                else None,
            )
        # a day read from the counts `prune` kept: an open marker (its posts are gone)
        ax.scatter(x[~kept], y[~kept], color=color, s=12, alpha=0.7)
        ax.scatter(x[kept], y[kept], facecolors="none", edgecolors=color, s=14, alpha=0.8)
    half = pd.Timedelta(milliseconds=P.PERIOD_MS[result["by"]] / 2)  # points stand at starts
    for i, (first, last) in enumerate(kept_spans(result)):  # days read from kept counts
        x0, x1 = pd.Timestamp(first) - half, pd.Timestamp(last) - half
        for a in (ax, axn):  # named once, in the legend
            a.axvspan(
                x0, x1, color=KEPT_COLOR, alpha=0.10, linewidth=0,
                label=kept_label(lang) if a is ax and not i else None,
            )  # fmt: skip
    if rows:  # the latest trend value at the end of each line, labels kept apart
        heights = spread_labels([rows[-1][f"trend_{st}"] for st in STANCES], LABEL_GAP)
        for st, h in zip(STANCES, heights, strict=True):
            ax.annotate(  # just right of the plot, at the line's height: clear of the frame
                end_label(result, st, lang, html=False),
                (1.0, h),
                xycoords=("axes fraction", "data"),
                xytext=(6, 0),
                textcoords="offset points",
                color=COLORS[st],
                va="center",
                fontweight="bold",
                annotation_clip=False,
            )
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_title(poll_title(result, lang))
    ax.grid(alpha=0.3)
    width = {"day": 0.8, "hour": 0.8 / 24, "week": 0.8 * 7}[result["by"]]
    axn.bar(
        x,
        [r["authors"] for r in rows],
        color=[KEPT_COLOR if k else "#4575b4" for k in kept],
        width=width,
    )
    axn.set_ylabel(tr(lang, "auteurs", "authors"))
    if result["by"] == "day" and len(rows):
        days = max(1, int((x[-1] - x[0]).days) // 10 + 1)
        axn.xaxis.set_major_locator(DayLocator(interval=days))
        axn.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    if result["by"] == "week" and len(rows):  # ticks on the Mondays that name the weeks
        weeks = max(1, int((x[-1] - x[0]).days) // 70 + 1)
        axn.xaxis.set_major_locator(WeekdayLocator(byweekday=MO, interval=weeks))
        axn.xaxis.set_major_formatter(DateFormatter("%Y-%m-%d"))
    for label in axn.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    # room on the right for the end labels, and below the dates for the legend: horizontal,
    # under the plot, it never covers the lines or their end labels
    fig.subplots_adjust(left=0.07, right=0.7, top=0.93, bottom=0.2, hspace=0.08)
    # the shaded kept days, when any, have their entry on a second row
    fig.legend(loc="lower center", bbox_to_anchor=(0.385, 0.01), ncol=3, frameon=False)
    return fig
