"""Numbers in the report read as in the web app: 12 927 and 47,0 % in French."""

from __future__ import annotations

from datetime import datetime

from bascule.i18n import number, percent, share, share_range, when
from bascule.report.html import Col, table

NN = "\u202f"


def test_numbers_follow_the_language_like_the_web() -> None:
    assert number(12927, "fr") == f"12{NN}927" and number(12927, "en") == "12,927"
    assert percent(0.47, "fr", 1) == f"47,0{NN}%" and percent(0.47, "en", 1) == "47.0%"
    assert number(None, "fr") == "—" and number(float("nan"), "en") == "—"
    assert number(True, "fr") == "oui"


def test_the_web_and_the_report_share_one_set_of_rules() -> None:
    """One formatter for the war room's pages and the report (no copy to drift apart)."""
    from bascule.web import fmt

    assert (fmt.number, fmt.percent, fmt.when) == (number, percent, when)


def test_small_shares_keep_a_decimal() -> None:
    assert share(0.0016, "en") == "0.2%" and share(0.0016, "fr") == f"0,2{NN}%"
    assert share(0, "fr") == f"0{NN}%" and share(0.47, "fr") == f"47{NN}%"
    assert share(0.0003, "en") == "< 0.1%" and share(0.99996, "en") == "> 99.9%"
    assert share(0.9994, "en") == "99.9%" and share(1, "en") == "100%"
    assert share_range(0.0007, 0.0038, "en") == "0.1–0.4%"
    assert share_range(0.10, 0.35, "fr") == f"10–35{NN}%"


def test_dates_without_seconds() -> None:
    assert when("2012-11-06 23:06:19.033000") == "2012-11-06 23:06"
    assert when(datetime(2012, 11, 6, 23, 6, 19, 33000)) == "2012-11-06 23:06"
    assert when(None) == "—"


def test_one_format_per_column() -> None:
    rows = [{"n": 24, "x": 8.0, "s": 0.0016}, {"n": 12927, "x": 12.5, "s": 0.47}]
    cols = [
        Col("n", "nombre", "count", "int"),
        Col("x", "x", "x", "num", 1),
        Col("s", "part", "share", "pct"),
    ]
    fr = table(rows, cols, lang="fr")
    assert "<th>nombre</th><th>x</th><th>part</th>" in fr
    assert f">12{NN}927<" in fr and ">8,0<" in fr and ">12,5<" in fr
    assert f">0,2{NN}%<" in fr and f">47{NN}%<" in fr
    assert "<th>count</th>" in table(rows, cols, lang="en")
    # plain keys (the CLI's HTML pages): a column of 24 and 8.0 is read as whole numbers
    assert ">8<" in table([{"a": 24}, {"a": 8.0}]) and "8.000" not in table([{"a": 24}, {"a": 8.0}])


def test_colons_plurals_and_several_numbers_follow_the_language() -> None:
    from bascule.i18n import colon, numbers, plural_s

    assert (colon("fr"), colon("en")) == (" : ", ": ")
    assert [plural_s(n, "fr") for n in (0, 1, 2)] == ["", "", "s"]
    assert [plural_s(n, "en") for n in (0, 1, 2)] == ["s", "", "s"]
    assert numbers({"a": 12927, "b": 3}, ("a", "b", "c"), "fr") == ["12\u202f927", "3", "0"]
