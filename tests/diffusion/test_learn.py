"""Learned probabilities from the store (Goyal et al. 2010) and the report section."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from bascule.diffusion.learn import learned_table
from bascule.diffusion.probabilities import edge_probabilities
from bascule.graph.model import Graph
from bascule.store.diffusion import amplification_trials, communities, supporters

T0 = datetime(2026, 3, 1, 12)


def _post(pid: str, author: str, hours: int, repost_of: str | None = None) -> dict:
    return {"post_id": pid, "platform": "x", "native_id": pid, "author_id": author,
            "created_at": T0 + timedelta(hours=hours), "repost_of": repost_of}  # fmt: skip


def _amp(pid: str, who: str, whom: str, target: str, hours: int) -> dict:
    return {"src_author": who, "dst_author": whom, "kind": "repost", "post_id": pid,
            "target_post_id": target, "created_at": T0 + timedelta(hours=hours)}  # fmt: skip


@pytest.fixture
def store(project):  # noqa: ANN001, ANN201
    # u posts 4 originals; v reposts 2 of them; w reposts 1
    posts = [_post(f"u{i}", "u", i) for i in range(4)]
    posts += [_post("v0", "v", 1, "u0"), _post("v2", "v", 3, "u2"), _post("w1", "w", 2, "u1")]
    project.store.con.execute("SELECT 1").fetchall()  # DuckDB 2: settle pending results
    project.store.insert("posts", pa.Table.from_pylist(posts))
    inter = [_amp("v0", "v", "u", "u0", 1), _amp("v2", "v", "u", "u2", 3),
             _amp("w1", "w", "u", "u1", 2)]  # fmt: skip
    project.store.insert("interactions", pa.Table.from_pylist(inter))
    return project


def test_trials_and_learned_probabilities(store) -> None:  # noqa: ANN001
    t = amplification_trials(store.store).to_pylist()
    assert t == [
        {"src": "u", "dst": "v", "trials": 4, "successes": 2},
        {"src": "u", "dst": "w", "trials": 4, "successes": 1},
    ]
    table = learned_table(store)
    assert table[("u", "v")] == pytest.approx(3 / 6)
    assert table[("u", "w")] == pytest.approx(2 / 6)
    g = Graph(np.array(["u", "v", "w"]), np.array([0, 0, 1]), np.array([1, 2, 2]), np.ones(3))
    p = edge_probabilities(g, "learned", project=store)
    assert p.tolist() == pytest.approx([0.5, 1 / 3, 0.0])


def test_communities_and_supporters_empty(project) -> None:  # noqa: ANN001
    assert communities(project.store) == {}
    assert supporters(project.store, "anyone") == []


def test_report_section_none_without_network(project) -> None:  # noqa: ANN001
    from bascule.report.diffusion import section

    assert section(project, "fr") is None


@pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning")
def test_report_section_with_network(store) -> None:  # noqa: ANN001
    from bascule.report.diffusion import section

    s = section(store, "en")
    assert s is not None and s.id == "diffusion"
    assert "Convincing these 3 accounts" in s.body and "u" in s.body


@pytest.mark.filterwarnings("ignore:Arrow output on a DB-API result:UserWarning")
def test_cli_on_the_observed_network(store, capsys) -> None:  # noqa: ANN001
    import json

    from bascule.cli import main

    con = store.store.con
    con.execute("SELECT 1").fetchall()
    store.store.insert("communities", pa.Table.from_pylist(
        [{"author_id": a, "community": c} for a, c in (("u", 1), ("v", 1), ("w", 2))]))  # fmt: skip
    store.store.insert("analyses", pa.Table.from_pylist(
        [{"post_id": "w1", "target_id": "t1", "stance": "favor"}]))  # fmt: skip
    root = str(store.root)
    store.close()  # the commands open the project themselves (read-only)
    args = ["simulate", "-p", root, "--top", "1", "--prob", "uniform:1", "--by-community"]
    assert main([*args, "--runs", "50", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["seeds"] == ["u"] and res["spread"]["mean"] == 3.0
    # communities of 2 and 1 accounts are under privacy.min_group_size (10): hidden
    assert res["groups"] == [] and res["groups_suppressed"] == 2
    assert main([*args, "--runs", "50"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2 communautés de moins de 10 comptes masquées" in out and "de 1 " not in out
    assert "1 amorce atteint 3,0 des 3 comptes (IC à 95 % : 3,0 – 3,0" in out  # a French project
    assert main([*args, "--runs", "50", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2 communities of fewer than 10 accounts hidden" in out and "of 1 " not in out
    assert "1 seed reaches 3.0 of 3 accounts (95% CI 3.0–3.0" in out
    tip = ["tipping", "-p", root, "--graph", "observed", "--model", "threshold", "--by-community"]
    assert main([*tip, "--runs", "2", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["n"] == 3 and res["communities"] == []  # under privacy.min_group_size
    cfg = Path(root) / "bascule.toml"
    cfg.write_text(cfg.read_text().replace("min_group_size = 10", "min_group_size = 1"))
    assert main([*args, "--runs", "50", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert {r["group"]: r["fraction"] for r in res["groups"]} == {1: 1.0, 2: 1.0}
    assert main(["seeds", "-p", root, "--k", "1", "--supporters", "t1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["seeds"] == ["w"]
    assert main(["seeds", "-p", root, "--k", "1", "--prob", "learned", "--json"]) == 0
    learned = json.loads(capsys.readouterr().out)
    assert learned["seeds"] == ["u"] and 1.0 < learned["spread"]["mean"] < 2.0
    # with min_group_size 1: community 1 (u, v) holds no supporter of t1, community 2 is w
    assert main([*tip, "--runs", "2", "--supporters", "t1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["communities"]
    assert [(r["community"], r["committed_needed"]) for r in rows] == [(1, None), (2, 1)]
    assert main([*tip, "--runs", "2", "--supporters", "t1"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "communauté 2 (1 compte) : 1 partisan de t1 convaincu (100,0 % de la communauté)" in out
    assert main([*tip, "--runs", "2", "--supporters", "t1", "--lang", "en"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "community 1 (2 accounts): cannot tip: none of its members are supporters of t1" in out
    assert (
        "community 2 (1 account): 1 committed supporter of t1 (100.0% of the community) tips it"
        in out
    )
    assert "None" not in out
