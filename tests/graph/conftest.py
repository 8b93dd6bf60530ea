"""A small hand-made campaign network in a real project store.

Cluster A: the official CAQ account `off` and its supporters a1..a4, who repost its posts
(a2 also reposts a1's quote: downstream amplification). Cluster B: b1..b4 reply to and
mention one another (hesitant, against). `pub` (20,000 followers, handle kept) bridges both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa
import pytest

from bascule.store.ingest import AUTHORS_SCHEMA, INTERACTIONS_SCHEMA, POSTS_SCHEMA

T0 = datetime(2026, 9, 1, 12, 0)


def _authors() -> list[dict]:
    rows = [("off", "coalitionavenir", False, 50_000), ("pub", "publicfan", False, 20_000)]
    rows += [("small", "smallfan", False, 5)]
    rows += [(f"a{i}", f"anon-a{i}", True, 10) for i in range(1, 5)]
    rows += [(f"b{i}", f"anon-b{i}", True, 10) for i in range(1, 5)]
    return [
        {
            "author_id": f"m:{a}",
            "platform": "mastodon",
            "handle": h,
            "display_name": None,
            "pseudonymised": p,
            "followers": f,
            "following": 1,
            "verified": False,
            "first_seen": T0,
            "last_seen": T0,
        }
        for a, h, p, f in rows
    ]


def build_store(project) -> None:  # noqa: ANN001
    """Fill the project's store with the network described in the module docstring."""
    posts, inter, analyses, hes = [], [], [], []
    clock = [T0]

    def post(pid, author, text=None, *, repost=None, quote=None, reply=None, stance=None):  # noqa: ANN001, ANN202
        clock[0] += timedelta(minutes=5)
        posts.append(
            {
                "post_id": f"m:{pid}",
                "platform": "mastodon",
                "native_id": pid,
                "author_id": f"m:{author}",
                "created_at": clock[0],
                "text": text,
                "repost_of": f"m:{repost[0]}" if repost else None,
                "quote_of": f"m:{quote[0]}" if quote else None,
                "reply_to": f"m:{reply[0]}" if reply else None,
            }
        )
        for kind, ref in (("repost", repost), ("quote", quote), ("reply", reply)):
            if ref:
                inter.append(
                    {
                        "src_author": f"m:{author}",
                        "dst_author": f"m:{ref[1]}",
                        "kind": kind,
                        "post_id": f"m:{pid}",
                        "target_post_id": f"m:{ref[0]}",
                        "created_at": clock[0],
                    }
                )
        if stance:
            analyses.append({"post_id": f"m:{pid}", "target_id": "caq", "stance": stance})

    def mention(pid, src, dst):  # noqa: ANN001, ANN202
        inter.append(
            {
                "src_author": f"m:{src}",
                "dst_author": f"m:{dst}",
                "kind": "mention",
                "post_id": f"m:{pid}",
                "target_post_id": None,
                "created_at": clock[0],
            }
        )

    post("o1", "off", "Notre plan pour le #logement #caq", stance="favor")
    post("o2", "off", "Votez #caq pour l'économie", stance="favor")
    for i in range(1, 5):
        post(f"ra{i}", f"a{i}", repost=("o1", "off"))
        post(f"pa{i}", f"a{i}", "Fier de la #caq, bravo équipe économie", stance="favor")
    post("q1", "a1", "Excellent plan #caq économie", quote=("o2", "off"), stance="favor")
    post("rq1", "a2", repost=("q1", "a1"))
    post("rpub", "pub", repost=("o2", "off"))
    post("ppub", "pub", "Je soutiens la #caq", stance="favor")
    post("psmall", "small", "Moi aussi #caq", stance="favor")
    post("pb1", "b1", "Je ne sais pas pour qui voter #polqc hôpital", stance="against")
    for i in range(2, 5):
        post(f"rb{i}", f"b{i}", "Hésitant moi aussi #polqc hôpital", reply=("pb1", "b1"))
        mention(f"rb{i}", f"b{i}", f"b{(i % 4) + 1}")
        hes.append({"post_id": f"m:rb{i}", "hesitation": True})
    post("rpubb", "pub", "Bonne question #polqc", reply=("pb1", "b1"))
    store = project.store
    for table, rows, schema in (
        ("authors", _authors(), AUTHORS_SCHEMA),
        ("posts", [{f.name: p.get(f.name) for f in POSTS_SCHEMA} for p in posts], POSTS_SCHEMA),
        ("interactions", inter, INTERACTIONS_SCHEMA),
        ("analyses", analyses, None),
        ("post_analyses", hes, None),
    ):
        store.insert(table, pa.Table.from_pylist(rows, schema=schema))


@pytest.fixture
def net_project(project):  # noqa: ANN001, ANN201
    """The example project (min_group_size lowered to 3) with the hand-made network."""
    cfg = project.config_path
    cfg.write_text(cfg.read_text().replace("min_group_size = 10", "min_group_size = 3"))
    project.reload()
    build_store(project)
    return project
