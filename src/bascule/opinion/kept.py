"""Days whose posts were pruned, read back from the daily counts `bascule prune` kept.

`prune` deletes posts older than the retention period and keeps, per day and target, the
number of authors whose latest stance that day was each stance (one author, one voice, as the
poll counts a day), in the project's days, but only for stances of at least
`privacy.min_group_size` authors. The daily poll shows those days again, marked
`source = "aggregates"`, with the poll's own method wherever the counts carry what it needs:

- every stance kept: the same shares, Wilson intervals and trend the posts gave that day;
- a stance not kept (fewer than k authors, maybe none) is unknown: its share is None, and the
  intervals are Wilson's at both ends of what it may have been (0 to k-1 authors): a kept
  stance's low bound assumes the largest missing groups, its high bound none, and the unknown
  stance's high bound is k-1 authors of the day. Its count enters the trend as 0;
- counts kept by an earlier Bascule (`each_stance_through`) are UTC days where an author who
  took several stances that day counts once for each: the same method on author-stance pairs.

A day comes from one source only. Posts still stored on a kept day (the day the cutoff split
was counted whole when first pruned), and on any day that starts before the latest cutoff,
are left out of every poll, daily and hourly: the daily poll shows that day from its counts,
and no hour is shown next to it (an hour of the day's rest subtracted from the whole day
would expose the pruned part). Hours cannot be made from daily counts: the hourly poll shows
none of these days and says that the daily poll has them.

Weeks cannot be made from them either: summing a week's days would count an author active on
several days several times. The weekly poll shows no week that holds a pruned day, a post left
out above or the cutoff (`pruned_weeks`), not even from the days of it that still have posts (a
partial week, or "whole week minus its kept days"), and names those weeks: the daily poll
has their pruned days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bascule.i18n import plural_s, tr
from bascule.opinion import periods as P
from bascule.opinion.intervals import wilson
from bascule.store import opinion as sql

STANCES = ("favor", "against", "none")


@dataclass
class Kept:
    """One target's kept days: authors per stance (NaN: not kept), and how they were counted."""

    days: pd.DataFrame = field(default_factory=lambda: _no_days())
    zone: str | None = None
    each_stance_through: pd.Timestamp | None = None
    bound: int = 0  # a stance not kept had fewer authors than this
    pruned_before: pd.Timestamp | None = None  # naive UTC

    def mask(self, frame: pd.DataFrame, tz: str) -> pd.Series:
        """True for the posts of `frame` (created_at, local) the poll must leave out: those of
        a kept day (in the zone of the counts, or by its date in the project's) and those of
        a day that starts before the latest cutoff (only part of it is left)."""
        out = pd.Series(False, index=frame.index)
        if not len(frame):
            return out
        local_day = P.floor(frame["local"], "day")
        if len(self.days):
            kept = self.days.index
            out |= local_day.isin(kept)
            if self.zone and self.zone != tz:
                out |= P.floor(P.to_local(frame["created_at"], self.zone), "day").isin(kept)
        if self.pruned_before is not None:
            start = P.to_local(pd.Series([self.pruned_before]), tz).iloc[0]
            out |= local_day < start
        return out

    def in_window(self, since: pd.Timestamp | None, until: pd.Timestamp | None) -> pd.Index:
        """Kept days that overlap [since, until) (local times; None is open)."""
        days = self.days.index
        m = np.ones(len(days), dtype=bool)
        if since is not None:
            m &= days + pd.Timedelta(days=1) > since
        if until is not None:
            m &= days < until
        return days[m]


def pruned_weeks(
    kept: Kept,
    left_out: pd.Series,
    tz: str,
    since: pd.Timestamp | None,
    until: pd.Timestamp | None,
    *,
    seen: bool,
) -> list[pd.Timestamp]:
    """Weeks (Mondays, local time) of [since, until) the weekly poll must not show: those
    holding a kept day (in the project's days or the counts' own), a post `left_out` (local
    times of the posts `Kept.mask` drops) or the latest cutoff (part of the week is gone; named
    only when the target has posts in the window or kept days, `seen`: else nothing is lost)."""
    starts: list[pd.Timestamp] = []
    pad = pd.Timedelta(days=1)  # a day kept in another zone may reach over the window's ends
    near = kept.in_window(
        since - pad if since is not None else None, until + pad if until is not None else None
    )
    for day in near:
        starts += [day, *_local_span(day, kept.zone, tz)]
    starts += list(left_out)
    if kept.pruned_before is not None and (seen or len(kept.days)):
        cutoff = P.to_local(pd.Series([kept.pruned_before]), tz).iloc[0]
        if P.floor(cutoff, "week") < cutoff:
            starts.append(cutoff)
    weeks = {P.floor(pd.Timestamp(t), "week") for t in starts}
    return sorted(
        w for w in weeks if (since is None or w >= since) and (until is None or w < until)
    )


def _local_span(day: pd.Timestamp, zone: str | None, tz: str) -> tuple[pd.Timestamp, ...]:
    """First and last instants, in `tz` wall-clock time, of a day kept in `zone` (nothing
    more when the counts are in the project's zone: the day is the day)."""
    if not zone or zone == tz:
        return ()
    ends = (day, day + pd.Timedelta(days=1))
    local = [
        t.tz_localize(zone, ambiguous=False, nonexistent="shift_forward")
        .tz_convert(tz)
        .tz_localize(None)
        for t in ends
    ]
    return local[0], local[1] - pd.Timedelta(microseconds=1)


def _no_days() -> pd.DataFrame:
    return pd.DataFrame(columns=list(STANCES), index=pd.DatetimeIndex([]), dtype=float)


def read(store: Any, target_id: str, min_group_size: int) -> Kept:
    """The kept days of one target, and how they were counted."""
    fmt = sql.kept_format(store)
    if not fmt:
        return Kept()
    rows = sql.kept_days(store, target_id)
    days = _no_days()
    if len(rows):
        days = rows.pivot_table(index="day", columns="stance", values="authors", aggfunc="sum")
        days = days.reindex(columns=list(STANCES)).astype(float)
        days.index = pd.DatetimeIndex(pd.to_datetime(days.index))
    through = fmt.get("each_stance_through")
    before = fmt.get("pruned_before")
    return Kept(
        days=days.sort_index(),
        zone=fmt.get("timezone"),
        each_stance_through=pd.Timestamp(through) if through else None,
        bound=max(int(fmt.get("min_group_size") or 0), int(min_group_size)),
        pruned_before=pd.Timestamp(before) if before else None,
    )


@dataclass
class Rows:
    """Kept days as the poll's periods: counts (unknown as 0), authors, intervals."""

    periods: list[pd.Timestamp]
    counts: np.ndarray  # (days, stances)
    authors: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    not_kept: list[list[str]]
    suppressed: int


def day_rows(kept: Kept, days: pd.Index, k: int, level: float) -> Rows:
    """The kept `days` as periods. A stance under the project's current minimum `k` (it may
    have been raised since the prune) is not kept either; a day with no stance left is
    hidden (`suppressed`)."""
    periods, counts, authors, los, his, unknown = [], [], [], [], [], []
    suppressed = 0
    bound = max(kept.bound, k)
    for day in days:
        a = kept.days.loc[day].to_numpy(dtype=float)
        known = ~np.isnan(a) & (a >= k)
        if not known.any():
            suppressed += 1
            continue
        c = np.where(known, a, 0.0)
        n = c.sum()
        missing = int((~known).sum()) * (bound - 1)  # most authors the unknown ones had
        lo_all, _ = wilson(c, n + missing, level=level)
        _, hi_kept = wilson(c, n, level=level)
        _, hi_unknown = wilson(bound - 1, n + bound - 1, level=level)
        periods.append(day)
        counts.append(c)
        authors.append(int(n))
        los.append(np.where(known, lo_all, 0.0))
        his.append(np.where(known, hi_kept, float(hi_unknown)))
        unknown.append([st for st, ok in zip(STANCES, known, strict=True) if not ok])
    shape = (len(periods), len(STANCES))
    return Rows(
        periods=periods,
        counts=np.array(counts).reshape(shape),
        authors=np.array(authors, dtype=int),
        lo=np.array(los).reshape(shape),
        hi=np.array(his).reshape(shape),
        not_kept=unknown,
        suppressed=suppressed,
    )


def info(
    kept: Kept,
    days: pd.Index,
    shown: int,
    since: pd.Timestamp | None,
    tz: str,
    *,
    seen: bool,
    weeks: list[pd.Timestamp] | None = None,
) -> dict | None:
    """What the result says about pruned days: the kept days of the window, how many are
    shown, how they were counted, and for a weekly poll the `weeks` it leaves out (Mondays).
    None when nothing was pruned before or in the window, or when the target has neither kept
    days nor posts in it (`seen`: nothing to explain), and no week was left out."""
    before = None
    if kept.pruned_before is not None:
        before = P.to_local(pd.Series([kept.pruned_before]), tz).iloc[0]
    if (
        not len(days)
        and not weeks
        and (
            before is None
            or (since is not None and since >= before)
            or not (seen or len(kept.days))
        )
    ):
        return None
    through = kept.each_stance_through
    out = {
        "days": len(days),
        "first": P.label(days[0], "day") if len(days) else None,
        "last": P.label(days[-1], "day") if len(days) else None,
        "shown": shown,
        "timezone": kept.zone,
        "each_stance_through": P.label(through, "day")
        if through is not None and len(days) and through >= days[0]
        else None,
        "min_group_size": kept.bound,
        "pruned_before": before.strftime("%Y-%m-%dT%H:%M") if before is not None else None,
    }
    if weeks is not None:
        out["weeks"] = [P.label(w, "week") for w in weeks]
    return out


def _span(first: str, last: str, lang: str) -> str:
    """ "du 2026-09-01 au 2026-09-30" / "from 2026-09-01 to 2026-09-30", or one day."""
    if first == last:
        return tr(lang, f"le {first}", f"on {first}")
    return tr(lang, f"du {first} au {last}", f"from {first} to {last}")


def note(result: dict, lang: str) -> str | None:
    """What a reader must know about the pruned days of a poll, or None."""
    kept = result.get("pruned")
    if not kept:
        return None
    if result["by"] == "week":
        return week_note(kept, result, lang)
    k = kept["min_group_size"] or result["min_group_size"]
    before = (kept.get("pruned_before") or "").replace("T", " ")
    if not kept["days"]:
        return tr(
            lang,
            f"Les publications d'avant le {before} ont été supprimées (durée de conservation) "
            "et aucun compte quotidien n'en a été gardé pour cette cible dans cette fenêtre "
            f"(aucune position n'y réunissait {k} auteurs).",
            f"Posts before {before} were deleted (retention) and no daily count of them was "
            f"kept for this target in this window (no stance had {k} authors).",
        )
    span = _span(kept["first"], kept["last"], lang)
    if result["by"] != "day":
        return tr(
            lang,
            f"{span[0].upper()}{span[1:]}, les publications ont été supprimées (durée de "
            "conservation) et seuls des comptes quotidiens en restent, sans heures : voyez "
            "ces jours dans le sondage par jour (bascule poll --by day).",
            f"{span[0].upper()}{span[1:]}, the posts were deleted (retention) and only daily "
            "counts remain, with no hours: see these days in the daily poll "
            "(bascule poll --by day).",
        )
    n = kept["shown"]
    if not n:  # every kept stance is under a minimum raised since the prune
        return tr(
            lang,
            f"{span[0].upper()}{span[1:]}, les publications ont été supprimées (durée de "
            f"conservation) et aucune position gardée n'atteint {k} auteurs : ces jours sont "
            "masqués.",
            f"{span[0].upper()}{span[1:]}, the posts were deleted (retention) and no kept "
            f"stance reaches {k} authors: these days are hidden.",
        )
    come = tr(lang, "viennent" if n > 1 else "vient", "come" if n != 1 else "comes")
    text = tr(
        lang,
        f"{span[0].upper()}{span[1:]}, {n} jour{plural_s(n, lang)} {come} "
        "des comptes quotidiens gardés quand leurs publications ont été supprimées (bascule "
        "prune, durée de conservation) : une voix par auteur et par jour, mais seules les "
        f"positions d'au moins {k} auteurs sont gardées ; une position non gardée est "
        "inconnue (—) et les intervalles couvrent ce qu'elle a pu être.",
        f"{span[0].upper()}{span[1:]}, {n} day{plural_s(n, lang)} {come} "
        "from the daily counts kept when their posts were deleted (bascule prune, retention): "
        f"one voice per author per day, but only stances of at least {k} authors are kept; a "
        "stance not kept is unknown (—) and the intervals cover what it may have been.",
    )
    if kept.get("each_stance_through"):
        d = kept["each_stance_through"]
        text += tr(
            lang,
            f" Jusqu'au {d}, ces comptes viennent d'une version antérieure de Bascule : un "
            "auteur qui a pris plusieurs positions dans la journée y compte une fois pour "
            "chacune.",
            f" Through {d}, these counts come from an earlier version of Bascule: an author "
            "who took several stances that day counts once for each.",
        )
    if kept.get("timezone") and kept["timezone"] != result["timezone"]:
        text += tr(
            lang,
            f" Ces jours sont ceux du fuseau {kept['timezone']}, pas de {result['timezone']}.",
            f" These are days of {kept['timezone']}, not {result['timezone']}.",
        )
    return text


def weeks_not_shown(weeks: list[str], lang: str) -> str:
    """ "La semaine du 2026-08-31 n'est pas montrée" / "The weeks of 2026-08-24 to 2026-08-31
    (2 weeks) are not shown": the weeks named by their Mondays."""
    first, last, n = weeks[0], weeks[-1], len(weeks)
    if n == 1:
        return tr(
            lang,
            f"La semaine du {first} n'est pas montrée",
            f"The week of {first} is not shown",
        )
    return tr(
        lang,
        f"Les semaines du {first} au {last} ({n} semaines) ne sont pas montrées",
        f"The weeks of {first} to {last} ({n} weeks) are not shown",
    )


def week_note(kept: dict, result: dict, lang: str) -> str:
    """What the weekly poll says about pruned days: which weeks it leaves out (they hold a
    pruned day: only daily counts remain, which cannot make a week) and that the daily poll
    has those days."""
    weeks = kept.get("weeks") or []
    k = kept["min_group_size"] or result["min_group_size"]
    before = (kept.get("pruned_before") or "").replace("T", " ")
    deleted = tr(
        lang,
        f"Les publications d'avant le {before} ont été supprimées (durée de conservation)",
        f"Posts before {before} were deleted (retention)",
    )
    if not weeks:  # none in this window: only what was deleted
        return deleted + "."
    its = tr(lang, "ses" if len(weeks) == 1 else "leurs", "its" if len(weeks) == 1 else "their")
    head = weeks_not_shown(weeks, lang)
    if not kept["days"]:
        return deleted + tr(
            lang,
            " et aucun compte quotidien n'en a été gardé pour cette cible dans cette fenêtre "
            f"(aucune position n'y réunissait {k} auteurs). {head} : une partie de {its} "
            "publications manque.",
            " and no daily count of them was kept for this target in this window (no stance "
            f"had {k} authors). {head}: some of {its} posts are gone.",
        )
    days = _span(kept["first"], kept["last"], lang)
    return head + tr(
        lang,
        f" : une partie de {its} publications a été supprimée (durée de conservation) et il "
        "n'en reste que des comptes quotidiens, dont on ne peut pas faire une semaine (un "
        "auteur actif plusieurs jours y compterait plusieurs fois). Voyez ces jours "
        f"({days}) dans le sondage par jour (bascule poll --by day).",
        f": some of {its} posts were deleted (retention) and only daily counts of them "
        "remain, which cannot make a week (an author active on several days would count "
        f"several times). See these days ({days}) in the daily poll (bascule poll --by day).",
    )
