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
        ('[project]\nname = "P"\ntimezone = "Mars/Olympus"\n', 3, "project.timezone"),
        (
            '[[targets]]\nid = "a"\nname = "A"\n[[targets]]\nid = "b"\nname = "B"\n'
            '[[targets]]\nid = "a"\nname = "C"\n[[targets]]\nid = "c"\nname = "D"\n',
            8,
            "targets.2.id",
        ),
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


EXAMPLE = Path(__file__).parent.parent / "src/bascule/resources/bascule.example.toml"


def test_duplicate_target_id_points_at_the_duplicate() -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[31] == 'id = "plq"\n'  # the second target of the example, line 32
    lines[31] = 'id = "caq"\n'
    with pytest.raises(ConfigError) as info:
        parse_config("".join(lines), path="bascule.toml")
    assert (info.value.line, info.value.key) == (32, "targets.1.id")
    assert str(info.value).startswith("bascule.toml:32: [targets.1.id] target id 'caq' is used")


def test_unknown_timezone_is_a_config_error_for_every_command(
    project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = str(project.root)
    project.close()
    cfg = project.config_path
    text = cfg.read_text(encoding="utf-8")
    assert 'timezone = "America/Toronto"' in text
    cfg.write_text(text.replace('"America/Toronto"', '"Mars/Olympus"'), encoding="utf-8")
    line = 1 + text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("timezone"))
    )
    for args in (
        ["status", "-p", root],
        ["poll", "-p", root, "-t", "caq"],
        ["report", "-p", root, "-o", str(tmp_path / "r.html")],
    ):
        assert main(args) == 2, args
        err = capsys.readouterr().err
        assert f"bascule.toml:{line}: [project.timezone] unknown time zone 'Mars/Olympus'" in err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("text", "en", "fr"),
    [
        ('[privacy]\nmin_group_size = "ten"\n', "valid integer", "un nombre entier est attendu (reçu 'ten')"),
        ('[privacy]\nmin_group_size = 0\n', "greater than or equal to 1", "la valeur doit être au moins 1 (reçu 0)"),
        ('[projet]\nname = "x"\n', "unknown key", "clé inconnue (vérifiez l'orthographe)"),
        ('[[targets]]\nid = "a"\n', "required key is missing", "clé obligatoire manquante"),
        ('[project]\nlanguage = "de"\n', "'fr' or 'en'", "valeur attendue : 'fr' ou 'en' (reçu 'de')"),
        ('[[targets]]\nid = "Bad Id"\nname = "A"\n', "e.g. 'bad-id'", "par exemple 'bad-id'"),
        ('[project]\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'", "fuseau horaire inconnu 'Mars/Olympus'"),
        ('[privacy]\nkeep_handles = "oui"\n', "valid boolean", "true ou false est attendu (reçu 'oui')"),
        ("[privacy\n", "invalid TOML", "TOML invalide"),
    ],
)  # fmt: skip
def test_config_errors_read_in_french_too(text: str, en: str, fr: str) -> None:
    # the war room's settings page showed pydantic's English on French pages
    with pytest.raises(ConfigError) as info:
        parse_config(text, path="bascule.toml")
    assert en in str(info.value)
    said = info.value.say("fr")
    assert said.startswith("bascule.toml:") and fr in said, said


def test_toml_syntax_errors_read_in_french() -> None:
    for text, said in (
        ("[project]\nname", "« = » attendu après une clé"),
        ('[project]\nname = tru"', "valeur invalide (un texte s'écrit entre guillemets) (ligne 2"),
        ("[privacy]\n[privacy]", "la table [privacy] est déclarée deux fois (ligne 2"),
        ('[project]\nname = "x', "texte sans guillemet fermant (en fin de fichier)"),
    ):
        with pytest.raises(ConfigError) as err:
            parse_config(text)
        assert said in err.value.fr and "invalid TOML" in str(err.value), text


def test_hashtags_and_accounts_are_checked() -> None:
    base = '[project]\nname = "x"\n[[targets]]\nid = "rn"\nname = "RN"\n'
    assert parse_config(base + 'hashtags = ["MLP", " #RN "]').targets[0].hashtags == ["#MLP", "#RN"]
    with pytest.raises(ConfigError) as err:  # saved silently, matched nothing
        parse_config(base + 'hashtags = ["#R N"]')
    assert "bascule.toml:6" in str(err.value) and "'#R N' is not a hashtag" in str(err.value)
    assert "n'est pas un mot-clic" in err.value.fr
    with pytest.raises(ConfigError, match="not an account: give its handle"):
        parse_config(base + 'accounts = ["https://twitter.com/RNational_off"]')
    assert parse_config(base + 'accounts = ["@x@mastodon.social"]').targets[0].accounts


EXAMPLE = Path(__file__).parent.parent / "src/bascule/resources/bascule.example.toml"


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "says"),
    [
        # failed only later, in `alerts watch`, with no line
        ('watch = ["caq", "legault"]', 'watch = ["caq", "legaut"]', 167, "alerts.watch",
         "'legaut' is not a target (targets: caq, plq,"),
        # silently ignored: the leader's posts counted for no party
        ('party = "caq"', 'party = "caqq"', 75, "targets.5.party",
         "'caqq' is not the id of a target (targets: caq, plq,"),
    ],
)  # fmt: skip
def test_names_of_targets_are_checked_on_loading(
    old: str, new: str, line: int, key: str, says: str
) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert text.splitlines()[line - 1].startswith(old)
    with pytest.raises(ConfigError) as info:
        parse_config(text.replace(old, new), path="bascule.toml")
    assert (info.value.line, info.value.key) == (line, key)
    assert str(info.value).startswith(f"bascule.toml:{line}: [{key}] {says}")
    assert "n'est" in info.value.say("fr")


def test_watch_takes_a_targets_name_too() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    cfg = parse_config(text.replace('watch = ["caq", "legault"]', 'watch = ["François Legault"]'))
    assert cfg.alerts.watch == ["François Legault"]


@pytest.mark.parametrize(
    "path",
    [EXAMPLE, *sorted((Path(__file__).parent.parent / "data").glob("*/bascule.toml"))],
    ids=lambda p: p.parent.name,
)
def test_bundled_configs_load(path: Path) -> None:
    from bascule.config import load_config

    assert load_config(path).targets


def test_a_targets_name_in_each_language() -> None:
    cfg = parse_config(EXAMPLE.read_text(encoding="utf-8"))
    caq = cfg.target("caq")
    assert (caq.name_in("fr"), caq.name_in("en")) == (
        "Coalition avenir Québec",
        "Coalition Avenir Québec",
    )
    assert cfg.target_name("legault", "en") == "François Legault"  # no name_en: its name
    assert cfg.target_name("gone", "en") == "gone"  # a stored id no longer configured


def test_an_unreadable_config_is_not_told_as_a_file_to_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # an OSError naming a file is "cannot write" by default (cli.main): reads say their own
    (tmp_path / "bascule.toml").mkdir()
    assert main(["status", "-p", str(tmp_path), "--lang", "en"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert err == f"Error: {tmp_path / 'bascule.toml'}: cannot be read (is a directory)"
