"""A regression target on a tiny scale is learned as well as the same target on a unit scale."""

from __future__ import annotations

import numpy as np
import pytest

import pandas as pd

from automl.data.profile import profile_columns
from automl.families.base import FitContext
from automl.families.registry import get_family
from automl.pipeline import build_model
from automl.preprocess import TableCleaner
from automl.preprocess.target import target_scale
from automl.spaces import load_space
from automl.task import REGRESSION

rng = np.random.default_rng(0)
N = 600
X = pd.DataFrame({"a": rng.normal(size=N), "b": rng.normal(size=N)})
Y = 2 * X["a"].to_numpy() + np.sin(3 * X["b"].to_numpy()) + 0.3 * rng.normal(size=N)


def test_the_scale_is_a_power_of_ten_only_for_a_tiny_spread():
    assert target_scale(Y) == 1.0 and target_scale(Y * 1e6) == 1.0 and target_scale(np.zeros(5)) == 1.0
    assert target_scale(Y * 1e-12) == 1e-12 and target_scale(Y * 0.03) == 0.01


@pytest.mark.parametrize("family", ["xgboost", "hist_gradient_boosting"])
def test_a_tiny_target_is_learned_like_a_unit_one(family):
    # on y * 1e-12 XGBoost predicted a constant (RMSE = the target's std), HistGradientBoosting did worse
    profile = profile_columns(X)
    Xc = TableCleaner(profile).fit(X).transform(X)
    rmse = {}
    for scale in (1.0, 1e-12):
        ctx = FitContext(task=REGRESSION, n_rows=N, target_scale=target_scale(Y * scale))
        fam = get_family(family)
        model = build_model(fam, load_space(fam, REGRESSION).default, profile, ctx)
        pred = model.fit(Xc.iloc[:400], Y[:400] * scale).predict(Xc.iloc[400:])
        rmse[scale] = float(np.sqrt(np.mean((pred - Y[400:] * scale) ** 2))) / scale
    assert rmse[1e-12] == pytest.approx(rmse[1.0], rel=0.05) and rmse[1.0] < 0.5 * Y.std()
