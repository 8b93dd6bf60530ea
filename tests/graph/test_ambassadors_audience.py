"""Ambassadors (privacy rules) and the audience of a target's own posts."""

from __future__ import annotations

import pytest

from bascule.errors import ConfigError
from bascule.graph.ambassadors import ambassadors
from bascule.graph.audience import audience
from bascule.graph.build import observed_graph
from bascule.graph.communities import communities


def test_ambassadors_are_supporters_ranked_by_amplification(net_project) -> None:  # noqa: ANN001
    res = ambassadors(net_project, "caq")
    rows = res["ambassadors"]
    assert res["supporters"] == 6  # a1..a4, pub, small; the official account is left out
    assert "coalitionavenir" not in [r["handle"] for r in rows]
    assert rows[0]["handle"] == "anon-a1" and rows[0]["target_amplification"] == 1.0
    pub = next(r for r in rows if r["handle"] == "publicfan")
    assert pub["shown_by_handle"] and pub["followers"] == 20_000  # above the reach threshold
    small = [r for r in rows if r["handle"].startswith("anon-") and r["shown_by_handle"]]
    assert small == []
    assert "smallfan" not in [r["handle"] for r in rows]  # 5 followers, not opted in: hidden
    with pytest.raises(ConfigError, match="unknown target"):
        ambassadors(net_project, "nope")


def test_opted_in_people_are_shown(net_project) -> None:  # noqa: ANN001
    cfg = net_project.config_path
    cfg.write_text(cfg.read_text().replace("opted_in = []", 'opted_in = ["@smallfan"]'))
    net_project.reload()
    assert "smallfan" in [r["handle"] for r in ambassadors(net_project, "caq")["ambassadors"]]


def test_audience_reaches_supporters_not_the_hesitant(net_project) -> None:  # noqa: ANN001
    communities(observed_graph(net_project, kind="all"), project=net_project)
    res = audience(net_project, "caq")
    assert res["accounts"] == ["coalitionavenir"] and res["posts"] == 2
    first, second = res["reached"]
    assert (first["size"], first["reached"], first["interactions"]) == (5, 4, 5)
    assert first["by_kind"] == {"quote": 1, "repost": 4}
    assert (second["reached"], second["share_reached"]) == (1, 0.2)  # only pub, the bridge
    assert second["undecided_share"] > first["undecided_share"]
    assert res["never_reached"] == []
    none = audience(net_project, "plq")
    assert none["reached"] == [] and "no official account" in none["note"]
