"""Regression trials may fit on sqrt(y) or log(1 + y) (a searched parameter), and are scored and predict on y."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

import automl
from automl.data.profile import profile_columns
from automl.errors import ConfigError, SearchSpaceError
from automl.evaluation.evaluate import COMPLETE, EvalData, TrialSpec, evaluate
from automl.evaluation.metrics import get_metric
from automl.evaluation.splits import make_folds
from automl.families.registry import get_family
from automl.pipeline import build_model, fit_context
from automl.preprocess import TableCleaner
from automl.preprocess.target import TRANSFORMS, with_target_transform
from automl.spaces import load_space


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
def test_transforms_invert_and_keep_the_order_of_any_real_target(name):
    forward, inverse = TRANSFORMS[name]
    y = np.array([-1e6, -250.0, -2.5, 0.0, 0.3, 7.0, 1e6])
    z = forward(y)
    assert np.all(np.diff(z) > 0)
    np.testing.assert_allclose(inverse(z), y, rtol=1e-12)


def test_an_unknown_transform_is_a_clear_error():
    with pytest.raises(ConfigError, match="target_transform 'cube'.*none"):
        with_target_transform(object(), "cube")


def test_a_space_with_a_bad_target_transform_fails_when_loaded():
    family, depth = get_family("xgboost"), {"max_depth": {"type": "int", "low": 2, "high": 8}}
    cube = {"target_transform": {"type": "categorical", "choices": ["none", "cube"]}}
    with pytest.raises(SearchSpaceError, match=r"choices \['cube'\] are unknown"):
        load_space(family, "regression", {"params": depth, "regression": cube})
    log = {"target_transform": {"type": "categorical", "choices": ["none", "log"]}}
    with pytest.raises(SearchSpaceError, match="belongs in the 'regression:' section"):
        load_space(family, "binary", {"params": {**depth, **log}})


def _multiplicative(n: int = 600, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """A price-like target: a product of factors (an additive model on the log scale)."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=["a", "b", "c", "d"])
    y = 1000 * np.exp(X["a"] + X["b"] + X["c"] + 0.5 * X["d"] + 0.05 * rng.normal(size=n))
    return X, y.to_numpy()


def _eval_data(X: pd.DataFrame, y: np.ndarray) -> EvalData:
    profile = profile_columns(X)
    return EvalData(TableCleaner(profile).fit(X).transform(X), y, make_folds(y, False, 5, 0), "regression", 0,
                    profile, get_metric(None, "regression"))


def test_the_log_scale_wins_where_the_target_is_a_product_and_is_scored_on_the_raw_scale():
    X, y = _multiplicative()
    data = _eval_data(X, y)
    family = get_family("hist_gradient_boosting")
    params = {"learning_rate": 0.1, "max_leaf_nodes": 15, "min_samples_leaf": 10}
    scores = {}
    for transform in ("none", "log"):
        res = evaluate(data, TrialSpec(0, family, {**params, "target_transform": transform}))
        assert res.status == COMPLETE, res.error
        scores[transform] = res.score
        # the out-of-fold predictions are on y's scale (thousands), not log(y)'s (single digits)
        assert np.median(res.oof) > 300 and res.score == pytest.approx(
            np.mean([get_metric(None, "regression")(y[data.fold_id == k], res.oof[data.fold_id == k]) for k in range(5)]),
            rel=1e-4)
    assert scores["log"] < 0.8 * scores["none"], scores


def test_a_transformed_model_predicts_the_inverse_of_its_inner_model_and_pickles():
    X, y = _multiplicative(300)
    data = _eval_data(X, y)
    family = get_family("xgboost")
    ctx = fit_context(family, data.profile, "regression", len(y), 0, 1, 0)
    model = build_model(family, {"n_estimators": 50, "target_transform": "log"}, data.profile, ctx).fit(data.X, y)
    inner = model.named_steps["model"].regressor_
    encoded = model.named_steps["encode"].transform(data.X)
    np.testing.assert_allclose(model.predict(data.X), np.expm1(inner.predict(encoded)), rtol=1e-6)
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(again.predict(data.X), model.predict(data.X))


def test_the_regression_portfolio_tries_sqrt_and_classification_does_not_repeat_a_point(diabetes, breast_cancer, tmp_path):
    reg = automl.fit(diabetes, "target", n_trials=2, include=["hist_gradient_boosting"], ensemble=False,
                     output_dir=tmp_path / "reg", seed=0)
    assert [p.get("target_transform") for p in _trial_params(reg)] == ["none", "sqrt"]
    assert np.isfinite(reg.predict(diabetes.drop(columns="target"))).all()
    clf = automl.fit(breast_cancer, "target", n_trials=2, include=["hist_gradient_boosting"], ensemble=False,
                     output_dir=tmp_path / "clf", seed=0)
    first, second = _trial_params(clf)
    assert "target_transform" not in first and first != second  # the sqrt point is the default for classes
    assert load_space(get_family("hist_gradient_boosting"), "binary").portfolio == ()


def _trial_params(res) -> list[dict]:
    board = res.leaderboard.sort_values("trial")
    return [p if isinstance(p, dict) else json.loads(p) for p in board["params"]]
