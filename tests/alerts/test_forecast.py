"""Cascade-size forecast on real Twitter15 trees, its files and the `bascule forecast` CLI."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pytest

from bascule.alerts.cascades import read_cascades
from bascule.alerts.forecast import CascadeForecaster, growth_baseline, median_ape
from bascule.cli import main
from bascule.errors import InputError


@pytest.fixture(scope="module")
def cascades() -> dict[str, np.ndarray]:
    root = Path(__file__).resolve().parents[2]
    return read_cascades(root / "data" / "twitter15" / "forecast_sample.tsv.gz")


@pytest.fixture(scope="module")
def split(cascades):  # noqa: ANN001, ANN201
    keys = list(cascades)
    return [cascades[k] for k in keys[:20]], [cascades[k] for k in keys[20:]]


@pytest.fixture(scope="module")
def model(split) -> CascadeForecaster:  # noqa: ANN001
    return CascadeForecaster().fit(split[0], [60, 120])


def test_fitted_forecast_beats_baselines_on_held_out_cascades(split, model) -> None:  # noqa: ANN001
    fit, test = split
    final = np.array([t.size for t in test])
    seen = np.array([(t <= 60).sum() for t in test])
    ours = median_ape([model.predict(t, 60)["predicted"] for t in test], final)
    assert ours < 0.20
    assert ours < median_ape(seen, final) - 0.05  # better than "no more growth"
    assert ours < median_ape(seen * growth_baseline(fit, 60), final) / 10


def test_forecast_has_an_interval_around_it(model, split) -> None:  # noqa: ANN001
    for t in split[1]:
        p = model.predict(t, 60)
        assert p["observed"] <= p["low"] <= p["predicted"] <= p["high"]
        assert p["method"] == "hawkes+gbm"


def test_unfitted_hawkes_forecast_by_hand() -> None:
    # 4 events in 10 minutes: m = (n - 1 + 1 * 10) / (sum Phi + 10), forecast n + m R
    p = CascadeForecaster().predict(np.array([0.0, 1, 2, 3]), 10)
    assert p["observed"] == 4 and p["method"] == "hawkes"
    assert p["infectiousness"] == pytest.approx(1.1649, abs=1e-4)
    assert p["predicted"] == pytest.approx(7.3, abs=0.05)
    assert CascadeForecaster().predict(np.array([5.0]), 1)["predicted"] == 0


def test_model_file_round_trip(tmp_path: Path, model, split) -> None:  # noqa: ANN001
    path = model.save(tmp_path / "m.pkl")
    again = CascadeForecaster.load(path)
    t = split[1][0]
    assert again.predict(t, 60) == model.predict(t, 60)
    (tmp_path / "x.pkl").write_bytes(b"\x80\x04N.")
    with pytest.raises(InputError, match="not a Bascule forecast model"):
        CascadeForecaster.load(tmp_path / "x.pkl")


def test_a_file_that_is_not_a_model_is_a_clear_error(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a data file given to --model was an UnpicklingError traceback
    f = str(data_dir / "twitter15" / "forecast_sample.tsv.gz")
    for wrong in (data_dir / "samples" / "tweets.parquet", data_dir / "twitter15" / "README.md"):
        assert main(["forecast", "--cascades", f, "--model", str(wrong)]) == 2
        err = capsys.readouterr().err
        assert f"{wrong.name} is not a Bascule forecast model" in err.replace("\n", "")
        assert "Traceback" not in err
    other = tmp_path / "old.pkl"
    other.write_bytes(pickle.dumps({"format": "bascule-forecast-0", "model": None}))
    with pytest.raises(InputError, match=r"another version \(bascule-forecast-0"):
        CascadeForecaster.load(other)
    with pytest.raises(InputError, match="cannot read"):
        CascadeForecaster.load(tmp_path)


def test_fit_needs_enough_cascades(split) -> None:  # noqa: ANN001
    with pytest.raises(InputError, match="at least 20"):
        CascadeForecaster().fit(split[0][:5], [60])


def test_cli_prints_one_json_line_per_cascade(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = data_dir / "twitter15" / "forecast_sample.tsv.gz"
    assert main(["forecast", "--cascades", str(f), "--observe", "60", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 30
    first = json.loads(lines[0])
    assert set(first) == {"cascade", "observed", "predicted"}
    assert first["cascade"] == "295152287901417472"
    assert first["observed"] == 54 and first["predicted"] >= 54


def test_cli_fit_and_save_model(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = str(data_dir / "twitter15" / "forecast_sample.tsv.gz")
    out = tmp_path / "models" / "forecast.pkl"
    args = ["forecast", "--cascades", f, "--observe", "30", "--fit", f, "--json", "--interval"]
    args += ["--fit-windows", "30,60"]
    assert main([*args, "--save-model", str(out)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert out.exists() and all(r["low"] <= r["predicted"] <= r["high"] for r in rows)
    assert main(["forecast", "--cascades", str(tmp_path / "no.tsv"), "--json"]) == 2
