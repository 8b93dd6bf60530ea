"""The HTML report as campaign staff read it: French words, French numbers, web labels."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape

import pytest

from bascule.report import build_report

from ..opinion.test_undecided import _campaign

NN = "\u202f"


def _text(path) -> str:  # noqa: ANN001
    """The report without plotly.js and the figures' JSON: what the reader reads."""
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    return unescape(html)


def _alert(project) -> None:  # noqa: ANN001
    from bascule.store import alerts as sql

    sql.insert_new(
        project.store,
        [
            {
                "alert_id": "burst:logement:1",
                "kind": "burst",
                "title": "Pic de « logement »",
                "score": 24,
                "created_at": datetime(2026, 9, 4, 18, 6, 19, 33000),
            },
            {
                "alert_id": "burst:loyers:1",
                "kind": "burst",
                "title": "Pic de « loyers »",
                "score": 8.0,
                "created_at": datetime(2026, 9, 4, 19),
            },
        ],
    )


@pytest.fixture
def french_report(project, writer, tmp_path):  # noqa: ANN001, ANN201
    _campaign(writer)
    writer.post("late", "2026-09-04T23:06:19.033000", "Je vote CAQ", stances={"caq": "favor"})
    _alert(project)
    return _text(build_report(project, tmp_path / "r.html"))  # French: the project's language


def test_french_report_reads_in_french(french_report) -> None:  # noqa: ANN001
    text = french_report
    # no English word from the data or the code in the French report
    for word in ("falling", "rising", "top_accounts", "undecided_share", " day", "<th>lang<",
                 "<th>posts<", "<th>target<", "<th>authors<", "theme-1", "Term burst"):  # fmt: skip
        assert word not in text, word
    assert "<th>langue</th><th>publications</th>" in text
    assert "<th>cible</th><th>publications</th><th>auteurs</th>" in text
    assert "<th>thème</th><th>mots</th><th>publications</th><th>auteurs</th>" in text
    # the web's name for a burst alert, and French numbers in its table
    assert "Pic de mentions" in text and "Pic de termes" not in text
    assert "<td class='num'>24,00</td>" in text and "<td class='num'>8,00</td>" in text
    # dates to the minute, no seconds nor microseconds
    assert "2026-09-04 18:06" in text and "19.033" not in text and "06:19" not in text
    assert "du 2026-09-01 16:00 au 2026-09-04 23:06" in text
    # counts and shares the French way
    assert "Indécis : 24 / 55 auteurs" in text
    assert f"tendance 71{NN}% pour" in text or f"tendance 72{NN}% pour" in text


def test_report_numbers_use_the_language(project, writer, tmp_path) -> None:  # noqa: ANN001
    rows = [(f"a{i}", "2026-09-01T16:00", "t", {"caq": "favor"}, False, "fr") for i in range(1200)]
    writer.posts(rows)
    fr = _text(build_report(project, tmp_path / "fr.html"))
    en = _text(build_report(project, tmp_path / "en.html", lang="en"))
    assert f"1{NN}200 publications de 1{NN}200 auteurs" in fr
    assert "1,200 posts by 1,200 authors" in en
    # French month names on the charts: a plotly.js locale, registered in French only
    raw_fr, raw_en = ((tmp_path / f).read_text(encoding="utf-8") for f in ("fr.html", "en.html"))
    assert 'Plotly.setPlotConfig({locale: "fr"})' in raw_fr
    assert "Plotly.setPlotConfig" not in raw_en
    assert f"<td class='num'>1{NN}200</td>" in fr and "<td class='num'>1,200</td>" in en
    assert f"tendance 100{NN}% pour, 0{NN}% contre" in fr
    assert "<th>language</th><th>posts</th>" in en
    assert "Coalition Avenir Québec: trend 100% for" in en  # the target's English name


def test_empty_project_says_no_posts_yet(project, tmp_path) -> None:  # noqa: ANN001
    fr = _text(build_report(project, tmp_path / "fr.html"))
    en = _text(build_report(project, tmp_path / "en.html", lang="en"))
    assert "aucune publication pour l'instant" in fr and "no posts yet" in en
    assert "None" not in fr and "None" not in en


def test_overview_names_targets_in_the_report_language(project, writer, tmp_path) -> None:  # noqa: ANN001
    writer.posts(
        (f"a{i}", "2026-09-01T16:00", "t", {"plq": "favor"}, False, "fr") for i in range(3)
    )
    fr = _text(build_report(project, tmp_path / "fr.html"))
    en = _text(build_report(project, tmp_path / "en.html", lang="en"))
    assert "<tr><td>Parti libéral du Québec</td><td class='num'>3</td>" in fr
    assert "<tr><td>Quebec Liberal Party</td><td class='num'>3</td>" in en
    assert "<td>plq</td>" not in fr + en


def test_community_sizes_say_what_they_count(project, tmp_path) -> None:  # noqa: ANN001
    """The word-of-mouth section's community sizes count every interaction, the tipping
    table's only the amplification network: both read "taille" for different numbers."""
    from bascule.graph.build import observed_graph
    from bascule.graph.communities import communities
    from bascule.report import diffusion, network

    from ..graph.conftest import build_store

    build_store(project)
    toml = project.config_path.read_text(encoding="utf-8")
    project.config_path.write_text(
        re.sub(r"min_group_size = \d+", "min_group_size = 2", toml), encoding="utf-8"
    )
    project.reload()
    communities(observed_graph(project, kind="all"), seed=0, project=project)
    for lang, every, amplified in (
        ("fr", "Taille : les membres en interaction (partages, citations, réponses, mentions).",
         "<th>membres dans le réseau d'amplification</th>"),
        ("en", "Size: the members interacting (reposts, quotes, replies, mentions).",
         "<th>members in the amplification network</th>"),
    ):  # fmt: skip
        assert every in unescape(network.section(project, lang).body), lang
        assert amplified in unescape(diffusion.section(project, lang).body), lang
