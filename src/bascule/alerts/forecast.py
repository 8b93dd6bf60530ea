"""Final-size forecast of a cascade from its first events, with a prediction interval.

SEISMIC (Zhao et al., KDD 2015) predicts a tweet's final retweet count from a self-exciting
process weighted by follower counts. Our data has no follower counts, so the forecaster is a
principled variant in two layers:

1. a Hawkes process with SEISMIC's power-law memory kernel (`hawkes.py`), its exponent fitted
   by maximum likelihood on the fit set, and a per-cascade infectiousness `m` estimated from
   the observed events with a Gamma shrinkage prior centred on the fit set's pooled value;
   its one-generation forecast is `n + m * R`, R being the observed events' exposure still to
   come (`predict` uses only this when the model is not fitted);
2. a gradient-boosted correction of log(final / observed) (median loss) on the Hawkes
   quantities and the recent event rates, learned with `fit`; the interval comes from
   out-of-fold residual quantiles on the fit set.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from bascule.alerts import hawkes
from bascule.errors import InputError

FORMAT = "bascule-forecast-1"


class CascadeForecaster:
    """Predict a cascade's final number of events from those seen `observe` minutes in."""

    def __init__(
        self,
        *,
        s0: float = hawkes.S0,
        theta: float = hawkes.THETA,
        prior_weight: float = 10.0,
        coverage: float = 0.8,
        seed: int = 0,
    ) -> None:
        self.s0 = s0
        self.theta = theta
        self.prior_weight = prior_weight
        self.coverage = coverage
        self.seed = seed

    # -- Hawkes layer -------------------------------------------------------------------
    def _prior_mean(self) -> float:
        return getattr(self, "branching_", 1.0)

    def _theta(self) -> float:
        return getattr(self, "theta_", self.theta)

    def hawkes(self, times: np.ndarray, observe: float) -> dict[str, float]:
        """Observed count, shrunk infectiousness and one-generation Hawkes forecast."""
        t = np.sort(np.asarray(times, dtype=float))
        t = t[t <= observe]
        n = int(t.size)
        if n == 0:
            return {"observed": 0, "infectiousness": 0.0, "remaining": 0.0, "hawkes": 0.0}
        done = hawkes.kernel_cdf(observe - t, s0=self.s0, theta=self._theta())
        a, b = self._prior_mean() * self.prior_weight, self.prior_weight
        m = (n - 1 + a) / (float(done.sum()) + b)
        remaining = float((1.0 - done).sum())
        return {
            "observed": n,
            "infectiousness": m,
            "remaining": remaining,
            "hawkes": n + m * remaining,
        }

    def features(self, times: np.ndarray, observe: float) -> np.ndarray:
        """Features of the correction layer (all on log scales)."""
        t = np.sort(np.asarray(times, dtype=float))
        t = t[t <= observe]
        h = self.hawkes(t, observe)
        n = max(h["observed"], 1)
        recent = [np.log1p(float((t > observe - w).sum())) for w in (observe / 12, observe / 4)]
        recent.append(np.log1p(float((t > observe / 2).sum())))
        return np.array(
            [
                np.log(n),
                *recent,
                np.log1p(float(t.mean()) if t.size else 0.0),
                np.log(observe),
                np.log1p(h["infectiousness"] * h["remaining"] / n),
                np.log(max(h["infectiousness"], 1e-6)),
            ]
        )

    # -- learning -----------------------------------------------------------------------
    def fit(
        self, cascades: Mapping[str, np.ndarray] | Iterable[np.ndarray], observe: Iterable[float]
    ) -> CascadeForecaster:
        """Fit kernel, prior and correction on complete cascades seen at each `observe` age."""
        from sklearn.ensemble import HistGradientBoostingRegressor
        from sklearn.model_selection import cross_val_predict
        from threadpoolctl import threadpool_limits

        series = list(cascades.values()) if isinstance(cascades, Mapping) else list(cascades)
        windows = sorted({float(o) for o in observe})
        if len(series) < 20:
            raise InputError(f"need at least 20 complete cascades to fit (got {len(series)})")
        horizon = max(windows)
        params = hawkes.fit(series, horizon=horizon, s0=self.s0, seed=self.seed)
        self.theta_ = params["theta"]
        self.branching_ = params["branching"]
        rows, target = [], []
        for o in windows:
            for t in series:
                n = int((t <= o).sum())
                if n == 0:
                    continue
                rows.append(self.features(t, o))
                target.append(np.log(t.size / n))
        x, y = np.array(rows), np.array(target)
        model = HistGradientBoostingRegressor(
            loss="absolute_error",
            learning_rate=0.05,
            max_iter=200,
            min_samples_leaf=20,
            random_state=self.seed,
        )
        # One thread: OpenMP over small data is far slower on a shared machine.
        with threadpool_limits(1):
            oof = cross_val_predict(model, x, y, cv=5)
            self.model_ = model.fit(x, y)
        lo = (1.0 - self.coverage) / 2
        self.residual_quantiles_ = tuple(np.quantile(y - oof, [lo, 1.0 - lo]).tolist())
        self.windows_ = windows
        self.n_fit_ = len(series)
        return self

    @property
    def fitted(self) -> bool:
        """Whether `fit` has run (else `predict` uses the Hawkes layer alone)."""
        return hasattr(self, "model_")

    # -- prediction ---------------------------------------------------------------------
    def predict(self, times: np.ndarray, observe: float) -> dict[str, Any]:
        """Forecast for one cascade: observed, predicted, interval [low, high], method."""
        h = self.hawkes(times, observe)
        n = h["observed"]
        if n == 0:
            return {"observed": 0, "predicted": 0, "low": 0, "high": 0, "method": "none"}
        if self.fitted:
            from threadpoolctl import threadpool_limits

            with threadpool_limits(1):
                x = self.features(times, observe)[None, :]
                log_growth = float(self.model_.predict(x)[0])
            lo_q, hi_q = self.residual_quantiles_
            pred = n * np.exp(max(log_growth, 0.0))
            low = max(n, n * np.exp(max(log_growth + lo_q, 0.0)))
            high = n * np.exp(max(log_growth + hi_q, 0.0))
            method = "hawkes+gbm"
        else:
            pred = h["hawkes"]
            # Poisson spread of the remaining offspring, as a rough interval.
            extra = pred - n
            z = 1.2816  # 80 %
            low, high = n + max(extra - z * np.sqrt(extra), 0.0), n + extra + z * np.sqrt(extra)
            method = "hawkes"
        return {
            "observed": n,
            "predicted": round(float(pred), 1),
            "low": round(float(low), 1),
            "high": round(float(high), 1),
            "infectiousness": round(h["infectiousness"], 4),
            "method": method,
        }

    # -- files --------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the fitted model (a pickle of this object, tagged with its format)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps({"format": FORMAT, "model": self}))
        return path

    @classmethod
    def load(cls, path: str | Path) -> CascadeForecaster:
        """Read a model written by `save` (only load files you made: pickle runs code)."""
        path = Path(path)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise InputError(
                f"forecast model not found: {path}", fr=f"modèle de prévision introuvable : {path}"
            ) from None
        except OSError as exc:
            why = exc.strerror or str(exc)
            raise InputError(
                f"cannot read {path}: {why}", fr=f"impossible de lire {path} : {why}"
            ) from None
        try:
            data = pickle.loads(blob)  # noqa: S301 - the user's own file
        except Exception:  # noqa: BLE001 - whatever fails to unpickle is not a model of ours
            data = None
        tag = data.get("format") if isinstance(data, dict) else None
        if tag == FORMAT and isinstance(data.get("model"), cls):
            return data["model"]
        refit = "bascule forecast --cascades FILE --fit FILE --save-model MODEL"
        if isinstance(tag, str) and tag.startswith("bascule-forecast-") and tag != FORMAT:
            raise InputError(
                f"{path} is a Bascule forecast model of another version ({tag}; this one reads "
                f"{FORMAT}): fit it again with `{refit}`",
                fr=f"{path} est un modèle de prévision Bascule d'une autre version ({tag} ; "
                f"celle-ci lit {FORMAT}) : ajustez-le de nouveau avec `{refit}`",
            )
        raise InputError(
            f"{path} is not a Bascule forecast model (write one with `{refit}`)",
            fr=f"{path} n'est pas un modèle de prévision Bascule (écrivez-en un avec `{refit}`)",
        )


def growth_baseline(cascades: Iterable[np.ndarray], observe: float) -> float:
    """Average growth factor final/observed on fit cascades (the issue's baseline)."""
    ratios = [t.size / (t <= observe).sum() for t in cascades if (t <= observe).sum() > 0]
    return float(np.mean(ratios))


def median_ape(predicted: np.ndarray, actual: np.ndarray) -> float:
    """Median absolute percentage error of the final size."""
    predicted, actual = np.asarray(predicted, float), np.asarray(actual, float)
    return float(np.median(np.abs(predicted - actual) / actual))


def forecast_file(
    path: str | Path,
    observe: float,
    *,
    fit: str | Path | None = None,
    model: CascadeForecaster | None = None,
) -> list[dict[str, Any]]:
    """One forecast per cascade of an edges.tsv file (the `bascule forecast` command)."""
    from bascule.alerts.cascades import read_cascades

    if observe <= 0:
        raise InputError(
            "--observe must be a positive number of minutes",
            fr="--observe doit être un nombre de minutes positif",
        )
    cascades = read_cascades(path)
    if model is None:
        model = CascadeForecaster()
        if fit is not None:
            model.fit(read_cascades(fit), [observe])
    out = []
    for root, times in cascades.items():
        p = model.predict(times, observe)
        out.append({"cascade": root, **p})
    return out
