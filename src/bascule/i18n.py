"""French and English UI text: each caller gives both forms, so no catalogue drifts.

Numbers follow the reader's language: French puts a narrow no-break space (U+202F) between
thousands and before "%", with a decimal comma ("12 927", "47,0 %"); English writes
"12,927" and "47.0%". Missing values print as an em dash. The web app's formatter
(`bascule.web.fmt`) uses these very functions, so the report, the charts and the pages read
the same.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

LANGUAGES = ("fr", "en")
DASH = "—"
NNBSP = "\u202f"


def tr(lang: str | None, fr: str, en: str) -> str:
    """The text in `lang` (French unless English is asked for)."""
    return en if lang == "en" else fr


def colon(lang: str | None) -> str:
    """ ": " after a label in English, " : " in French (a space before the colon)."""
    return tr(lang, " : ", ": ")


def plural_s(n: Any, lang: str | None) -> str:
    """The "s" of a plural: from 2 on in French ("0 doublon"), but for 1 in English."""
    n = n or 0
    return "s" if (n > 1 if lang != "en" else n != 1) else ""


def label(table: dict[str, tuple[str, str]], key: Any, lang: str | None) -> str:
    """The human label of `key` in `table`, else the key itself."""
    pair = table.get(str(key))
    return tr(lang, *pair) if pair else str(key)


# the encodings a file may be imported as, by their `--encoding` name ("": UTF-8), as people
# know them (the war room's import form, the hint after lines rejected as not UTF-8)
ENCODINGS = {
    "": ("UTF-8 (par défaut)", "UTF-8 (default)"),
    "cp1252": (
        "Windows-1252 (le CSV d'Excel sous Windows)",
        "Windows-1252 (Excel's CSV on Windows)",
    ),
    "latin-1": ("ISO-8859-1 (Latin-1)", "ISO-8859-1 (Latin-1)"),
    "utf-16": ("UTF-16 (le « texte Unicode » d'Excel)", "UTF-16 (Excel's “Unicode text”)"),
}

# the state of an import run as people read it (`bascule runs`, the war room's import page)
RUN_STATUS = {
    "running": ("en cours", "running"),
    "done": ("terminé", "done"),
    "failed": ("échoué", "failed"),
    "stopped": ("arrêté", "stopped"),
    "interrupted": ("interrompu", "interrupted"),
    "undone": ("annulé", "undone"),
}


def number(v: Any, lang: str | None, digits: int = 0) -> str:
    """`v` with thousands separators and `digits` decimals in the reader's language."""
    if v is None or isinstance(v, bool):
        return DASH if v is None else tr(lang, "oui" if v else "non", "yes" if v else "no")
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):
        return DASH
    text = f"{x:,.{digits}f}"
    if lang == "en":
        return text
    return text.replace(",", NNBSP).replace(".", ",")


def numbers(values: Mapping[str, Any], keys: Iterable[str], lang: str | None) -> list[str]:
    """`number` of each of `values[key]` (0 when missing), for a sentence that says several."""
    return [number(values.get(k, 0), lang) for k in keys]


def percent(v: Any, lang: str | None, digits: int = 0) -> str:
    """A share in [0, 1] as a percentage ("67 %" / "67%")."""
    if v is None:
        return DASH
    try:
        x = 100 * float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(x):
        return DASH
    return number(x, lang, digits) + ("%" if lang == "en" else f"{NNBSP}%")


def _share_digits(x: float, digits: int) -> int:
    """At least one decimal for a share (in %) that would read as a misleading 0 or 100."""
    return max(digits, 1) if 0 < abs(x) < 1 or 99 < abs(x) < 100 else digits


def share(v: Any, lang: str | None, digits: int = 0) -> str:
    """A share as a percentage with `digits` decimals, but one decimal when it is under 1 %
    and not zero (0.16 % is "0,2 %", not "0 %"; likewise above 99 %), and "< 0,1 %" when
    even that would read as zero."""
    try:
        x = 100 * float(v)
    except (TypeError, ValueError):
        return percent(v, lang, digits)
    if math.isnan(x):
        return DASH
    d = _share_digits(x, digits)
    if 0 < abs(x) < 0.5 * 10**-d:
        return "< " + percent(10 ** -(d + 2), lang, d)
    if 100 - 0.5 * 10**-d <= abs(x) < 100:
        return "> " + percent(1 - 10 ** -(d + 2), lang, d)
    return percent(v, lang, d)


def share_range(lo: Any, hi: Any, lang: str | None, digits: int = 0, *, unit: bool = True) -> str:
    """An interval of shares, "0,1–0,4 %" / "0.1–0.4%", both ends with the same decimals
    (without the "%" when `unit` is false: a table whose header names it)."""
    if lo is None or hi is None:
        return DASH
    try:
        a, b = 100 * float(lo), 100 * float(hi)
    except (TypeError, ValueError):
        return f"{lo}–{hi}"
    d = max(_share_digits(a, digits), _share_digits(b, digits))
    end = percent(b / 100, lang, d) if unit else number(b, lang, d)
    return f"{number(a, lang, d)}–{end}"


def when(v: Any, tz: str | None = None) -> str:
    """A date-time as "2026-09-03 16:00" (no seconds, no microseconds, no T), in the time
    zone `tz` when given (the store's times are UTC; a time without an offset is read as
    UTC); a date as "2026-09-03"; None as an em dash."""
    if v is None or v == "":
        return DASH
    if tz is not None and not (isinstance(v, date) and not isinstance(v, datetime)):
        local = _in_zone(v, tz)
        if local is not None:
            return local.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    if isinstance(v, date):
        return v.isoformat()
    s = str(v).replace("T", " ")
    return s[:16] if len(s) >= 16 else s


def _in_zone(v: Any, tz: str) -> datetime | None:
    """`v` (a datetime or an ISO string with a time) in the zone `tz`, else None."""
    from datetime import UTC
    from zoneinfo import ZoneInfo

    if not isinstance(v, datetime):
        text = str(v)
        if len(text) < 16:  # a date alone, or not a date-time
            return None
        try:
            v = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if v.tzinfo is None:
        v = v.replace(tzinfo=UTC)
    return v.astimezone(ZoneInfo(tz))


# plotly.js writes date ticks and hovers in English order ("Sep 1, 2026") whatever its locale;
# these formats give French its own ("1 sept. 2026"), month names coming from the locale
_FR_DATE_TICKS = [
    {"dtickrange": [None, 86_399_999], "value": "%H:%M<br>%-d %b"},  # under a day
    {"dtickrange": [86_400_000, "M1"], "value": "%-d %b"},
    {"dtickrange": ["M1", "M12"], "value": "%b %Y"},
    {"dtickrange": ["M12", None], "value": "%Y"},
]


def date_axis(lang: str | None, *, hours: bool = False) -> dict[str, Any]:
    """Plotly x-axis settings that write dates in the reader's order (nothing for English)."""
    if lang == "en":
        return {}
    hover = "%-d %b %Y, %H:%M" if hours else "%-d %b %Y"
    return {"tickformatstops": _FR_DATE_TICKS, "hoverformat": hover}


# French month and day names for plotly.js, which ships none in the PyPI package; the web app
# (static/app.js) registers the same locale. No "percent" entry: plotly.js (4.1) copies only
# days, months, periods, dateTime, date, time, decimal, thousands, grouping and currency from a
# locale, so a ".0%" tick stays "20%" in French: charts spell their percentages out instead
# (ticktext from `percent`: poll, undecided, tipping, the community graph's colour scale).
PLOTLY_FR = {
    "moduleType": "locale",
    "name": "fr",
    "dictionary": {},
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
        "shortMonths": [
            "janv.",
            "févr.",
            "mars",
            "avr.",
            "mai",
            "juin",
            "juil.",
            "août",
            "sept.",
            "oct.",
            "nov.",
            "déc.",
        ],
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": NNBSP,
    },
}


def plotly_locale_script(lang: str | None) -> str:
    """The inline script that makes a standalone page's charts (the report, `poll --html`)
    read in `lang`: the French locale registered and made the default; nothing in English."""
    import json

    if lang == "en":
        return ""
    return (
        f"<script>Plotly.register({json.dumps(PLOTLY_FR, ensure_ascii=True)}); "
        'Plotly.setPlotConfig({locale: "fr"});</script>\n'
    )
