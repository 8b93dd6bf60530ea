"""`bascule undecided` as `bascule poll` is read: by week, as CSV, as PNG, one format at once."""

from __future__ import annotations

import sys

import pytest

from bascule.cli import main
from tests.opinion.conftest import Writer
from tests.opinion.test_undecided import _campaign, _say

CSV_HEAD = (
    "period,authors,committed,leaning,undecided,undecided_share,undecided_lo,undecided_hi,"
    "trend_undecided"
)


@pytest.fixture
def campaign(project):  # noqa: ANN001, ANN201
    """Sept 1-4 (week of Aug 31): 24 undecided, 30 committed; Tuesday Sept 8: 12 others
    hesitate; Tuesday Sept 15: 3 more, a day and a week hidden for privacy."""
    writer = Writer(project)
    _campaign(writer)
    _say(writer, "2026-09-08T16:00", 12, prefix="n")
    _say(writer, "2026-09-15T16:00", 3, prefix="x")
    return project


@pytest.fixture
def weeks(campaign, root) -> str:  # noqa: ANN001
    """The campaign's project, closed for the commands to open."""
    return root


def test_undecided_csv_has_one_row_per_shown_period(weeks, capsys, tmp_path) -> None:  # noqa: ANN001
    assert main(["undecided", "-p", weeks, "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == CSV_HEAD
    assert [line.split(",")[0] for line in lines[1:]] == [
        "2026-09-01",
        "2026-09-02",
        "2026-09-03",
        "2026-09-04",
        "2026-09-08",
    ]  # Sept 15 is hidden: no row
    assert lines[1].startswith("2026-09-01,42,0,30,12,0.2857,")
    out = tmp_path / "weeks.csv"
    assert main(["undecided", "-p", weeks, "--csv", "--by", "week", "-o", str(out)]) == 0
    assert capsys.readouterr().out == ""
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == CSV_HEAD and len(lines) == 3
    assert lines[1].startswith("2026-08-31,54,30,0,24,0.4444,")
    assert lines[2].startswith("2026-09-07,12,0,0,12,1.0,")


def test_undecided_png_is_a_real_image(weeks, capsys, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    for by in ("day", "week"):
        png = tmp_path / f"{by}.png"
        assert main(["undecided", "-p", weeks, "--png", "--by", by, "-o", str(png)]) == 0
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
        assert data[12:16] == b"IHDR" and int.from_bytes(data[16:20], "big") >= 800  # width
    # a terminal cannot show an image: a file is asked for, as `poll --png` asks
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["undecided", "-p", weeks, "--png"]) == 2
    err = capsys.readouterr().err
    assert "--png écrit une image : donnez un fichier avec --out (par exemple -o " in err
    assert "Traceback" not in err


def test_undecided_by_week_prints_weeks(weeks, capsys) -> None:  # noqa: ANN001
    assert main(["undecided", "-p", weeks, "--by", "week", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    rows = [line.split("│")[1].strip() for line in out.splitlines() if line.startswith("│ 20")]
    assert rows == ["2026-08-31", "2026-09-07"]
    text = " ".join(out.split())
    assert "Décidés, penchants, indécis — semaine" in text and "semaine du" in text
    assert "44\u202f% [" in out  # 24 of 54 undecided in the week of Aug 31
    assert "1 période de moins de 10 auteurs masquée (vie privée)." in text
    assert main(["undecided", "-p", weeks, "--by", "week", "--lang", "en"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Committed, leaning, undecided — week" in text and "week of" in text
    assert "1 period under 10 authors hidden (privacy)." in text


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--csv", "--png"], "pas --csv et --png"),
        (["--json", "--html"], "pas --json et --html"),
        (["--json", "--csv"], "pas --json et --csv"),
    ],
)
def test_undecided_takes_one_format_at_once(root, capsys, flags, said) -> None:  # noqa: ANN001
    assert main(["undecided", "-p", root, *flags]) == 2
    captured = capsys.readouterr()
    assert f"Erreur : choisissez un seul format de sortie, {said}" in captured.err
    assert "Traceback" not in captured.err + captured.out and captured.out == ""
    assert main(["undecided", "-p", root, *flags, "--lang", "en"]) == 2
    assert "choose one output format, not" in capsys.readouterr().err


def test_undecided_refuses_a_month(root, capsys) -> None:  # noqa: ANN001
    assert main(["undecided", "-p", root, "--by", "month"]) == 2
    assert "--by vaut hour, day, week (reçu 'month')" in capsys.readouterr().err
