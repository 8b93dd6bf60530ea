"""`bascule poll` and `bascule undecided` as a user runs them, and the report section."""

from __future__ import annotations

import json

import pytest

from bascule.cli import main
from bascule.report import SECTIONS
from bascule.report.opinion import section

from .test_undecided import _campaign


@pytest.fixture
def campaign(project, writer):  # noqa: ANN001, ANN201
    _campaign(writer)
    project.close()  # the CLI opens the database read-only: release it
    return project


def test_poll_formats(campaign, capsys, tmp_path) -> None:  # noqa: ANN001
    root = str(campaign.root)
    assert main(["poll", "-p", root, "--target", "caq", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["target"] == "caq" and len(out["periods"]) == 4
    assert out["periods"][0]["authors"] == 42
    assert main(["poll", "-p", root, "-t", "caq", "--csv"]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("2026-09-01,42,0.7143,")
    assert main(["poll", "-p", root, "-t", "caq", "--html", "-o", str(tmp_path / "p.html")]) == 0
    assert "plotly" in (tmp_path / "p.html").read_text()
    assert main(["poll", "-p", root, "-t", "caq", "--png", "-o", str(tmp_path / "p.png")]) == 0
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["poll", "-p", root, "-t", "caq"]) == 0
    out = capsys.readouterr().out
    assert "71\u202f% [" in out  # French: a narrow space before %; the interval's in the header
    assert "heure de America/Toronto" in out  # periods are local days: which zone, said
    assert main(["poll", "-p", root, "-t", "caq", "--by", "hour"]) == 0
    assert "2026-09-01 13:00" in capsys.readouterr().out  # 17:00 UTC, whole, in Toronto


def test_poll_user_errors(campaign, capsys) -> None:  # noqa: ANN001
    root = str(campaign.root)
    assert main(["poll", "-p", root, "-t", "nobody", "--json"]) == 2
    assert "Erreur : bascule.toml: cible inconnue 'nobody'" in capsys.readouterr().err
    assert main(["poll", "-p", root, "-t", "nobody", "--lang", "en"]) == 2
    assert "Error: bascule.toml: unknown target 'nobody'" in capsys.readouterr().err
    assert main(["poll", "-p", root, "-t", "caq", "--by", "month"]) == 2
    assert main(["poll", "-p", root, "-t", "caq", "--json", "--csv"]) == 2
    assert "choisissez un seul format de sortie" in capsys.readouterr().err  # a French project


def test_undecided_cli(campaign, capsys, tmp_path) -> None:  # noqa: ANN001
    root = str(campaign.root)
    assert main(["undecided", "-p", root, "--json", "--seed", "1"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["authors"]["undecided"] == 24 and len(out["themes"]) == 2
    assert main(["undecided", "-p", root, "--html", "-o", str(tmp_path / "u.html")]) == 0
    page = (tmp_path / "u.html").read_text()
    # a page to read, not a bare chart: French, counts, themes with their quotes, privacy
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    assert "Les indécis et leurs raisons" in page and "indécis : 24" in page
    assert "<blockquote>" in page and "thème 1" in page and "Auteurs pseudonymisés" in page
    assert main(["undecided", "-p", root, "--lang", "en"]) == 0
    assert "Why they hesitate" in capsys.readouterr().out
    # French words in a French table (trend and header were "rising", "posts")
    assert main(["undecided", "-p", root]) == 0
    fr = capsys.readouterr().out
    assert "publications" in fr and "Pourquoi ils hésitent" in fr
    assert not any(w in fr for w in ("rising", "falling", "stable", " posts", " 1 publications"))
    assert "thème 1" in fr and "theme-1" not in fr
    # a window with hours: the totals are whole days, and the output says so
    assert main(["undecided", "-p", root, "--since", "2026-09-02T10:00", "--by", "hour"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Totaux et thèmes sur des journées entières (2026-09-02 –" in out
    # an empty window says why: hidden for privacy, or nothing analysed
    assert main(["undecided", "-p", root, "--since", "2030-01-01"]) == 0
    assert "aucune publication analysée dans cette fenêtre" in capsys.readouterr().out
    # an output file in a folder not made yet: made, as `report --out` does
    deep = tmp_path / "new" / "folder" / "u.html"
    assert main(["undecided", "-p", root, "--html", "-o", str(deep)]) == 0 and deep.exists()


def test_report_section(project, writer) -> None:  # noqa: ANN001
    assert section(project, "fr") is None  # nothing analysed yet
    _campaign(writer)
    s = section(project, "en")
    assert s is not None and s.id == "opinion"
    # the English target name; the trend, then the last period's own shares, each named
    assert s.summary[0] == (
        "Coalition Avenir Québec: trend 71% for, 0% against; "
        "last period (2026-09-04, 42 authors): 71% for, 0% against"
    )
    fr = section(project, "fr")
    assert fr.summary[0].startswith("Coalition avenir Québec : tendance 71\u202f% pour")
    assert "dernière période (2026-09-04, 42 auteurs)" in fr.summary[0]
    assert "pseudo-u" in s.body and "<blockquote>" in s.body
    assert "bascule.report.opinion:section" in SECTIONS
    assert section(project, "fr").title == "Sondage continu et indécis"


def test_a_poll_without_a_trained_model_says_so(project, writer, capsys) -> None:  # noqa: ANN001
    from bascule.opinion.poll import poll
    from bascule.text.analyze import FALLBACK_MODEL

    _campaign(writer)
    assert not poll(project, "caq")["cues_only"]
    assert "No stance model" not in section(project, "en").body
    # the same stances as `bascule analyze` gives them with no model (cues only)
    project.store.execute("UPDATE analyses SET model = ?", [FALLBACK_MODEL])
    result = poll(project, "caq")
    assert result["cues_only"] and result["stance_models"] == [FALLBACK_MODEL]
    assert "No stance model is trained yet" in section(project, "en").body
    assert "Aucun modèle de position" in section(project, "fr").body
    root = str(project.root)
    project.close()
    assert main(["poll", "-p", root, "-t", "caq", "--lang", "en"]) == 0
    assert "No stance model is trained yet" in capsys.readouterr().out.replace("\n", " ")


def _lines(out: str) -> list[str]:
    """The output's lines without rich's padding to the terminal width."""
    return [line.rstrip() for line in out.splitlines()]


def test_undecided_cli_shows_periods_hidden_ones_and_quotes(project, writer, capsys) -> None:  # noqa: ANN001
    from rich.cells import cell_len

    from .test_undecided import HOUSING

    _campaign(writer)
    writer.posts(  # 5 undecided authors alone on Sept 6: a day (and an hour) hidden for privacy
        (f"late{a}", "2026-09-06T16:00", HOUSING[a % 3], {"caq": "none"}, True, "fr")
        for a in range(5)
    )
    project.close()
    root = str(project.root)
    assert main(["undecided", "-p", root, "--seed", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    quotes = [q for t in data["themes"] for q in t["quotes"]]
    assert main(["undecided", "-p", root, "--seed", "1", "--lang", "en"]) == 0
    en = _lines(capsys.readouterr().out)
    # one row per day: committed, leaning, undecided, then the undecided share and its interval
    assert "│ 2026-09-01 │         0 │      30 │        12 │        29% [17–44] │" in en
    assert "│ 2026-09-04 │        30 │       0 │        12 │        29% [17–44] │" in en
    assert "Committed, leaning, undecided — day" in " ".join(en)
    assert "1 period under 10 authors hidden (privacy)." in en
    # the themes, then their quotes: each as the JSON gives it, signed with its pseudonym
    assert "Why they hesitate" in " ".join(en) and "In their own words" in en
    text = " ".join(" ".join(en).split())
    assert all(f"{q['text']} — {q['author']}" in text for q in quotes)
    assert text.count("— pseudo-") == len(quotes) == 6
    assert max(cell_len(line) for line in en) <= 80
    # by hour: the hours of each day, and the hidden one said
    assert main(["undecided", "-p", root, "--seed", "1", "--by", "hour", "--lang", "en"]) == 0
    hours = _lines(capsys.readouterr().out)
    assert "│ 2026-09-01 12:00 │         0 │       0 │        12 │      100% [76–100] │" in hours
    assert "│ 2026-09-01 13:00 │         0 │      30 │         0 │          0% [0–11] │" in hours
    assert "1 period under 10 authors hidden (privacy)." in hours
    assert max(cell_len(line) for line in hours) <= 80
    # French: French words and numbers, the same note as `poll`'s
    assert main(["undecided", "-p", root, "--seed", "1"]) == 0
    fr = _lines(capsys.readouterr().out)
    assert "│ 2026-09-01 │       0 │        30 │      12 │     29\u202f% [17–44] │" in fr
    assert "┃ période    ┃ décidés ┃ penchants ┃ indécis ┃ % indécis [95 %] ┃" in fr
    assert "1 période de moins de 10 auteurs masquée (vie privée)." in fr
    assert "Ce qu'ils disent" in fr and "thème 1 — " in " ".join(fr)
    assert main(["poll", "-p", root, "-t", "caq"]) == 0
    assert "1 période de moins de 10 auteurs masquée (vie privée)." in capsys.readouterr().out


def test_a_long_quote_is_cut_at_a_word() -> None:
    from bascule.cli.opinion import QUOTE_CHARS, _short_quote

    text = "Le   logement\net les loyers " + "vraiment " * 30 + "fin"
    short = _short_quote(text)
    assert len(short) <= QUOTE_CHARS and short.endswith("vraiment…")
    assert short.startswith("Le logement et les loyers vraiment")
    assert _short_quote("Qui va régler la crise ?") == "Qui va régler la crise ?"
