"""Config errors name the file, line and key, and never show a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bascule.cli import main
from bascule.config import parse_config
from bascule.errors import ConfigError


def test_example_config_is_valid() -> None:
    cfg = parse_config(
        (Path(__file__).parent.parent / "src/bascule/resources/bascule.example.toml").read_text()
    )
    assert {t.id for t in cfg.targets} >= {"caq", "plq", "pq", "qs", "pcq", "logement", "sante"}
    assert "francoislegault" in cfg.kept_handles()


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ('[privacy]\nmin_group_size = "ten"\n', 2, "privacy.min_group_size"),
        (
            '[[targets]]\nid = "a"\nname = "A"\n[[targets]]\nid = "b"\nnmae = "B"\n',
            6,
            "targets.1.nmae",
        ),
        ('[[targets]]\nid = "Bad Id"\nname = "A"\n', 2, "targets.0.id"),
        ("[privacy\nx=1\n", 1, None),
    ],
)
def test_error_names_line_and_key(text: str, line: int, key: str | None) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(text, path="bascule.toml")
    assert info.value.line == line
    assert info.value.key == key
    assert str(info.value).startswith(f"bascule.toml:{line}")


def test_cli_prints_config_error_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path / "p")]) == 0
    cfg = tmp_path / "p" / "bascule.toml"
    cfg.write_text(cfg.read_text().replace("min_group_size = 10", "min_group_size = -3"))
    code = main(["status", "--project", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2
    assert "bascule.toml:" in err and "min_group_size" in err
    assert "Traceback" not in err
