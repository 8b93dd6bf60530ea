"""Editing bascule.toml from the web keeps the user's comments and other tables intact."""

from __future__ import annotations

import pytest

from bascule.config import Target, parse_config
from bascule.errors import ConfigError
from bascule.web.security import RateLimiter, safe_url
from bascule.web.settings import remove_target, target_from_form, upsert_target

TOML = """# my campaign
[project]
name = "X"

[[targets]]   # the main party
id = "caq"
name = "CAQ"
aliases = ["caquistes"]  # nickname

# second one
[[targets]]
id = "plq"
name = "PLQ"

[privacy]
min_group_size = 5
"""


def test_upsert_replaces_only_that_table() -> None:
    new = Target(id="caq", name="Coalition avenir Québec", aliases=['a "quoted" one', "é"])
    text = upsert_target(TOML, new)
    cfg = parse_config(text)
    assert cfg.target("caq").name == "Coalition avenir Québec"
    assert cfg.target("caq").aliases == ['a "quoted" one', "é"]
    assert [t.id for t in cfg.targets] == ["caq", "plq"]
    assert "# my campaign" in text and "# second one" in text and cfg.privacy.min_group_size == 5


def test_upsert_renames_and_appends() -> None:
    text = upsert_target(TOML, Target(id="plq2", name="PLQ"), old_id="plq")
    assert [t.id for t in parse_config(text).targets] == ["caq", "plq2"]
    text = upsert_target(TOML, Target(id="pq", name="PQ", kind="party"))
    assert [t.id for t in parse_config(text).targets] == ["caq", "plq", "pq"]


def test_remove_target() -> None:
    text = remove_target(TOML, "caq")
    cfg = parse_config(text)
    assert [t.id for t in cfg.targets] == ["plq"] and cfg.privacy.min_group_size == 5
    with pytest.raises(ConfigError):
        remove_target(TOML, "nope")


def test_target_from_form_validates() -> None:
    t = target_from_form({"id": "qs", "name": "QS", "aliases": "Québec solidaire\n, QS "})
    assert t.aliases == ["Québec solidaire", "QS"]
    with pytest.raises(ConfigError, match="lower-case"):
        target_from_form({"id": "Q S", "name": "QS"})


def test_a_form_keeps_what_it_does_not_show() -> None:
    old = Target(id="qs", name="QS", favor_hashtags=["#qs2026"], against_hashtags=["#nonqs"])
    t = target_from_form({"id": "qs", "name": "Québec solidaire", "aliases": "QS"}, old)
    assert (t.name, t.aliases) == ("Québec solidaire", ["QS"])
    assert (t.favor_hashtags, t.against_hashtags) == (["#qs2026"], ["#nonqs"])
    emptied = target_from_form({"id": "qs", "name": "QS", "favor_hashtags": ""}, old)
    assert emptied.favor_hashtags == [] and emptied.against_hashtags == ["#nonqs"]


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "//x.org",
        "java\tscript:x",
        "http:///x",
        None,
    ):
        assert safe_url(bad) is None, bad


def test_rate_limiter_per_name_and_address() -> None:
    rl = RateLimiter(attempts=2, window=60, ip_factor=3)
    for _ in range(2):
        rl.fail("ip:1", "user:a")
    assert rl.blocked("ip:1", "user:a") > 0  # the name is locked
    assert rl.blocked("ip:1", "user:b") == 0  # the address is not, yet
    rl.reset("user:a")
    assert rl.blocked("user:a") == 0
