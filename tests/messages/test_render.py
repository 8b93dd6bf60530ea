"""`message score --html`: one self-contained page that opens offline, for any draft."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bascule.cli import main


def _page(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "score.html"
    assert (
        main(["message", "score", "-p", str(tmp_path), "--lang", "en", "--out", str(out), *args])
        == 0
    )
    return out.read_text(encoding="utf-8")


def test_page_is_self_contained_and_escaped(tmp_path: Path) -> None:
    page = _page(tmp_path, "Rents went up 8% <b>last year</b> in Montreal.")
    assert page.startswith("<!doctype html><html lang='en'>")  # no project: English UI
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|@import", page)
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # plotly.js is inlined
    assert "&lt;b&gt;last year&lt;/b&gt;" in page and "<b>last year" not in page
    assert page.count("<table>") == 1


def test_page_compares_two_drafts(tmp_path: Path) -> None:
    page = _page(tmp_path, "Rents went up a lot.", "--vs", "Rents went up 8% last year.")
    assert page.count("<table>") == 2
    assert "<h2>A</h2>" in page and "<h2>B</h2>" in page


def test_huge_draft_is_shown_truncated_with_a_note(tmp_path: Path) -> None:
    page = _page(tmp_path, "The rent went up again. " * 4200)  # 100,800 characters
    assert "showing the first 5000 of 100800 characters" in page
    assert "text truncated to 20000 characters for scoring" in page
    assert len(page) < 5_000_000


def test_emoji_only_json_and_an_empty_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["message", "score", "-p", str(tmp_path), "--lang", "en", "--json", "🔥🔥🎉"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["score"], out["words"]) == (0, 0) and "no words to score" in out["notes"]
    # an empty draft is refused, as in the war room (it was scored 0 with exit code 0)
    assert main(["message", "score", "-p", str(tmp_path), "  "]) == 2
    assert "the draft is empty" in capsys.readouterr().err


def test_comparison_says_which_draft_is_stronger(project, capsys) -> None:  # noqa: ANN001
    # --vs printed two tables and no verdict; an emoji-only draft read as English in a
    # French project
    root = str(project.root)
    project.close()
    a, b = "Le logement coûte cher.", "Hier, Marie a payé 1 450 $ de loyer à Rosemont."
    assert main(["message", "score", "-p", root, "--vs", b, a]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "B l'emporte de" in out and "(B − A :" in out
    assert main(["message", "score", "-p", root, "--json", "🏠😡💸"]) == 0
    assert json.loads(capsys.readouterr().out)["lang"] == "fr"


def test_the_card_speaks_its_readers_language() -> None:
    from bascule.messages.render import score_html
    from bascule.messages.score import score

    draft = "Le logement coûte trop cher à Rosemont depuis longtemps, vraiment beaucoup trop."
    r = score(draft, "fr")
    assert r["dimensions"]["simple"]["suggestions"]["fr"] == r["dimensions"]["simple"]["suggestion"]
    en = score_html(draft, r, "en")
    fr = score_html(draft, r, "fr")
    from html import escape

    tips = [r["dimensions"][d]["suggestions"] for d in r["dimensions"]]
    # a French draft on an English page: English tips
    assert all(escape(t["en"]) in en and escape(t["fr"]) not in en for t in tips)
    assert all(escape(t["fr"]) in fr for t in tips)
    assert "Score global : " in fr and "Overall score: " in en
    ease = r["dimensions"]["simple"]["evidence"]["reading_ease"]
    assert f"lisibilité : {ease:.1f}".replace(".", ",") in fr  # a decimal comma in French


def test_evidence_counts_have_thousands_separators() -> None:
    from bascule.messages.render import _evidence

    assert _evidence({"corpus_posts": 1203}, "fr").endswith(" : 1\u202f203")
    assert _evidence({"corpus_posts": 1203}, "en").endswith(": 1,203")
    assert _evidence({"sources": 2, "links": True}, "en") == "sources: 2; links: yes"
