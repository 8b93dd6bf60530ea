"""The network commands, run as a user would, on a file and on a project."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from bascule.cli import main

DATA = Path(__file__).resolve().parents[2] / "data"
SLICE = DATA / "twitter15" / "edges_slice.tsv.gz"


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_commands_on_a_graph_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "g.csv"
    f.write_text("source,target\na,b\nb,c\nc,a\nd,e\ne,f\nf,d\nc,d\n")
    info = _json(capsys, "graph", "build", "--graph", str(f))
    assert (info["nodes"], info["edges"], info["self_loops"]) == (6, 7, 0)
    res = _json(capsys, "communities", "--graph", str(f))
    m = res["membership"]
    assert set(m) == set("abcdef") and m["a"] == m["c"] != m["d"] == m["f"]
    br = _json(capsys, "bridges", "--graph", str(f))
    assert {r["node"] for r in br["bridges"]} == {"c", "d"}
    out = tmp_path / "g.gexf"
    assert main(["graph", "export", "--graph", str(f), "--format", "gexf", "-o", str(out)]) == 0
    assert out.read_text().count("<edge ") == 7


def test_influencers_on_retweet_trees(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "infl.html"
    res = _json(capsys, "influencers", "--graph", str(SLICE), "--top", "1%", "--html", str(html))
    assert res["source"] == "cascades" and len(res["top"]) == 14  # 1% of 1,371 authors
    assert res["top"][0]["node"] == "279390084"
    assert "plotly" in html.read_text()
    assert main(["influencers", "--graph", str(SLICE), "--top", "3"]) == 0
    assert "Top 1% produce 87.2%" in capsys.readouterr().out


def test_tables_show_what_was_asked_or_say_what_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # --top 50 printed 20 rows, and communities 20 of 25, without a word
    infl = _json(capsys, "influencers", "--graph", str(SLICE), "--top", "50")
    assert main(["influencers", "--graph", str(SLICE), "--top", "50"]) == 0
    out = capsys.readouterr().out
    assert all(f" {r['handle']} " in out for r in infl["top"]) and "Showing" not in out
    f = tmp_path / "triangles.csv"
    f.write_text("".join(f"{i}a,{i}b\n{i}b,{i}c\n{i}c,{i}a\n" for i in range(25)))
    assert main(["communities", "--graph", str(f)]) == 0
    out = capsys.readouterr().out
    assert "25 communities" in out and "Showing 20 of 25 communities (--json lists" in out


def test_bad_input_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["communities", "--graph", str(tmp_path / "missing.csv")]) == 2
    assert "graph file not found" in capsys.readouterr().err
    f = tmp_path / "g.csv"
    f.write_text("a,b\n")
    assert main(["influencers", "--graph", str(f), "--top", "lots"]) == 2
    assert "--top" in capsys.readouterr().err


def test_export_format_follows_the_suffix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pb = str(DATA / "polblogs" / "polblogs_lcc_edges.tsv.gz")
    out = tmp_path / "out" / "pb.csv"
    assert main(["graph", "export", "--graph", pb, "-o", str(out)]) == 0  # was GEXF
    assert out.read_text().startswith("source,target,weight\n")
    assert "(csv, 1,222 nodes, 19,019 edges)" in capsys.readouterr().out
    gexf = tmp_path / "pb.txt"
    assert main(["graph", "export", "--graph", pb, "-o", str(gexf), "-f", "gexf"]) == 0
    assert "<gexf" in gexf.read_text()[:300]
    capsys.readouterr()
    for cmd in (["graph", "export"], ["graph", "build"]):
        bad = tmp_path / f"{cmd[1]}.dat"
        assert main([*cmd, "--graph", pb, "-o", str(bad)]) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert "no graph format has this suffix: name the file .csv," in err
        assert ("give --format" in err) == (cmd[1] == "export") and not bad.exists()


def test_filters_of_the_store_are_refused_with_a_graph_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `graph build --graph FILE --target police` ignored --target without a word
    pb = str(DATA / "polblogs" / "polblogs_lcc_edges.tsv.gz")
    for args in (
        ["graph", "build", "--target", "police"],
        ["graph", "export", "-o", "x.gexf", "--kind", "reply"],
        ["influencers", "--since", "2024-01-01"],
        ["communities", "--kind", "all", "--until", "2024-01-01"],
        ["bridges", "--kind", "mention"],
    ):
        assert main([*args, "--graph", pb]) == 2
        err = " ".join(capsys.readouterr().err.split())
        assert "only for the project's interactions; a --graph file is used whole" in err
        if args[0] == "communities":
            assert "Error: --kind, --until: only" in err


def test_communities_say_how_many_are_single_accounts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # polblogs with its 1,490 blogs: "280 communities" of which 268 are lone blogs
    lines = gzip.decompress((DATA / "polblogs" / "polblogs_lcc_edges.tsv.gz").read_bytes())
    rows = lines.splitlines()[1:]
    f = tmp_path / "polblogs.txt"
    f.write_bytes(b"\n".join([f"1490 {len(rows)}".encode(), *rows]) + b"\n")
    res = _json(capsys, "communities", "--graph", str(f))
    assert (res["n_communities"], res["single_accounts"]) == (280, 268)
    assert main(["communities", "--graph", str(f)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "280 communities on 1,490 accounts" in out
    assert "Of these, 268 are single accounts (no link groups them), 12 have two or more." in out
    assert main(["communities", "--graph", str(f), "--lang", "fr"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Parmi elles, 268 sont des comptes seuls" in out
    assert main(["communities", "--graph", str(f), "--resolution", "-1"]) == 2
    assert "--resolution must be above 0" in capsys.readouterr().err


def test_commands_on_the_project(net_project, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    p = str(net_project.root)
    net_project.close()
    infl = _json(capsys, "influencers", "-p", p, "--top", "2")
    assert infl["top"][0]["handle"] == "coalitionavenir" and infl["top"][0]["official"] == "caq"
    com = _json(capsys, "communities", "-p", p)
    assert com["n_communities"] == 2
    amb = _json(capsys, "ambassadors", "-p", p, "--target", "caq")
    assert amb["ambassadors"][0]["handle"] == "anon-a1"
    aud = _json(capsys, "audience", "-p", p, "--target", "caq")
    assert aud["reached"][0]["reached"] == 4
    # an empty audience says why instead of printing an empty table, in the project's
    # language (French) unless --lang says otherwise
    assert main(["audience", "-p", p, "--target", "plq"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert (
        "Aucune communauté atteinte : aucun compte officiel de cette cible (@LiberalQuebec)" in out
    )
    assert main(["audience", "-p", p, "--target", "plq", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "No community reached: no official account of this target (@LiberalQuebec)" in out
    assert "Communities reached" not in out
    assert main(["audience", "-p", p, "--target", "logement", "--lang", "en"]) == 0
    assert "no official account is set" in " ".join(capsys.readouterr().out.split())
    # tables and sentences in French: headers, numbers with a decimal comma
    assert main(["influencers", "-p", p, "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "Principaux amplificateurs" in out and "k-cœur" in out and "comptes," in out
    assert main(["communities", "-p", p]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2 communautés sur" in out and "modularité 0," in out
    assert _json(capsys, "graph", "build", "-p", p, "--kind", "reply")["edges"] == 4
    assert main(["ambassadors", "-p", p]) == 2  # the target is required
    assert "--target" in capsys.readouterr().err


def test_report_section(net_project) -> None:  # noqa: ANN001
    from bascule.report.network import section

    s = section(net_project, "en")
    assert s is not None and s.id == "network"
    assert "coalitionavenir" in s.body and "Communities" in s.body
    assert s.summary[0].startswith("The top 1% of accounts produce")


def test_report_section_is_none_without_a_network(project) -> None:  # noqa: ANN001
    from bascule.report.network import section

    assert section(project, "fr") is None


NO_POSTS_FR = (
    "Ce projet ne contient encore aucune publication : importez-en avec "
    "`bascule import FICHIER`, puis lancez `bascule analyze`."
)
NO_POSTS_EN = (
    "This project has no posts yet: import some with `bascule import FILE`, then run "
    "`bascule analyze`."
)


def test_an_empty_project_says_what_to_run(project, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    # empty tables and "Top 1% produce 0.0%, top 10% 0.0% (Gini 0.000)"
    p = str(project.root)
    project.close()
    for args in (["influencers"], ["communities"], ["bridges"], ["ambassadors", "-t", "caq"]):
        assert main([*args, "-p", p]) == 0
        assert capsys.readouterr().out.strip() == NO_POSTS_FR, args
        assert main([*args, "-p", p, "--lang", "en"]) == 0
        assert capsys.readouterr().out.strip() == NO_POSTS_EN, args
    assert _json(capsys, "influencers", "-p", p)["nodes"] == 0  # scripts still get JSON
    assert main(["ambassadors", "-t", "nope", "-p", p]) == 2  # a wrong target is still told
    assert "cible inconnue 'nope'" in capsys.readouterr().err


def test_posts_without_interactions_or_outside_the_options(
    net_project,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    p = str(net_project.root)
    net_project.close()
    assert main(["influencers", "-p", p, "--since", "2030-01-01", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out == (
        "None of the project's interactions fits these options (--kind, --target, --since, "
        "--until): try --kind all or a wider period."
    )
    from bascule.project import open_project

    with open_project(p) as proj:  # posts, but no interactions
        proj.store.execute("DELETE FROM interactions")
    assert main(["communities", "-p", p, "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("This project has no interactions yet (reposts, quotes, replies,")


def test_ambassadors_name_the_target_in_the_output_language(
    net_project,
    capsys: pytest.CaptureFixture[str],  # noqa: ANN001
) -> None:
    # "5 supporters of caq.": the id, whatever the language
    p = str(net_project.root)
    net_project.close()
    assert main(["ambassadors", "-p", p, "-t", "caq", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert re.match(r"\d+ supporters of Coalition Avenir Québec\. ", out), out
    assert main(["ambassadors", "-p", p, "-t", "caq"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert re.match(r"\d+ partisans de Coalition avenir Québec\. ", out), out
    assert main(["ambassadors", "-p", p, "-t", "plq", "--lang", "en"]) == 0
    assert capsys.readouterr().out.strip() == "0 supporters of Quebec Liberal Party."  # no table


def test_ambassadors_help_says_the_target_is_required() -> None:
    # "give the target" (exit code 2) for an option whose help did not say so
    import typer

    from bascule.cli import app

    group = typer.main.get_command(app).commands["ambassadors"]
    target = next(p for p in group.params if p.name == "target")
    assert target.help.startswith("The target they support (required to list them;")
