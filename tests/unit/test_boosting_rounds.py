"""Boosted families: early stopping on an inner split, then (small data) a refit on every row with its rounds."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer

from automl.families.base import FitContext
from automl.families.boosting import REFIT_ROUNDS_MAX_ROWS, make_hist_gradient_boosting, make_lightgbm, make_xgboost
from automl.task import BINARY

X, y = load_breast_cancer(return_X_y=True)  # 569 rows: 56 are held out for early stopping
PARAMS = {"learning_rate": 0.1}
ROUNDS = {make_xgboost: {"n_estimators": 400}, make_lightgbm: {"n_estimators": 400}}


MAKERS = [make_xgboost, make_lightgbm, make_hist_gradient_boosting]
IDS = ["xgboost", "lightgbm", "hist_gradient_boosting"]


def _rounds(model) -> int:
    if hasattr(model, "get_booster"):
        return model.get_booster().num_boosted_rounds()
    if hasattr(model, "booster_"):
        return model.booster_.current_iteration()
    return model.estimator_.n_iter_


def _best(model) -> int:
    """The best round of a model fit with early stopping alone."""
    if hasattr(model, "get_booster"):
        return model.best_iteration + 1
    if hasattr(model, "booster_"):
        return model.best_iteration_
    return int(np.argmax(model.estimator_.validation_score_))


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_small_data_refits_on_all_rows_with_the_early_stopped_rounds(make):
    if make is make_lightgbm:
        pytest.importorskip("lightgbm")
    ctx = FitContext(task=BINARY, n_rows=len(y), n_classes=2)
    params = {**PARAMS, **ROUNDS.get(make, {})}
    stopped = make(params, ctx).set_params(refit_rounds=False).fit(X, y)
    model = make(params, ctx)
    assert model.refit_rounds  # 569 rows <= REFIT_ROUNDS_MAX_ROWS
    model.fit(X, y)
    best = _best(stopped)
    assert 1 <= best <= _rounds(stopped) and best < 400
    assert model.n_rounds_ == best and _rounds(model) == best  # exactly the rounds early stopping chose
    assert not np.allclose(model.predict_proba(X), stopped.predict_proba(X))  # fit again, on all rows
    assert clone(model).get_params()["refit_rounds"] is True


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_large_data_keeps_the_early_stopped_model(make):
    if make is make_lightgbm:
        pytest.importorskip("lightgbm")
    ctx = FitContext(task=BINARY, n_rows=REFIT_ROUNDS_MAX_ROWS + 1, n_classes=2)
    model = make({**PARAMS, **ROUNDS.get(make, {})}, ctx)
    assert not model.refit_rounds
    model.fit(X, y)
    assert not hasattr(model, "n_rounds_")


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_a_fold_model_refits_rounds_exactly_when_the_final_model_would(make):
    # the table decides, not the fold: 3 folds of a 12,000-row table train on 8,000 rows each, but the
    # exported model trains on 12,000, so the fold models (whose scores choose it) must stop early alone too
    if make is make_lightgbm:
        pytest.importorskip("lightgbm")
    params = {**PARAMS, **ROUNDS.get(make, {})}
    fold = FitContext(task=BINARY, n_rows=8_000, n_classes=2, table_rows=12_000)
    final = FitContext(task=BINARY, n_rows=12_000, n_classes=2, table_rows=12_000)
    assert not make(params, fold).refit_rounds and not make(params, final).refit_rounds
    small = FitContext(task=BINARY, n_rows=4_000, n_classes=2, table_rows=6_000)
    assert make(params, small).refit_rounds


@pytest.mark.parametrize("make", MAKERS, ids=IDS)
def test_a_class_of_one_row_does_not_break_early_stopping(make):
    # a 13-level count target: XGBoost failed for 7 of 40 seeds when the inner split held the class's one
    # row out ("Invalid classes inferred"); HistGradientBoosting's stratified split always failed
    if make is make_lightgbm:
        pytest.importorskip("lightgbm")
    from automl.task import MULTICLASS

    rows = np.random.default_rng(0).permutation(len(y))[:400]
    codes = np.where(np.arange(400) == 7, 2, y[rows])  # class 2 has one row
    for seed in range(10):
        ctx = FitContext(task=MULTICLASS, n_rows=400, n_classes=3, seed=seed)
        model = make(PARAMS, ctx).fit(X[rows], codes)
        assert model.predict_proba(X[rows][:5]).shape == (5, 3)


def test_the_inner_split_trains_on_a_class_of_one_row():
    from automl.families._inner_split import inner_split

    codes = np.r_[np.zeros(200, dtype=int), np.ones(99, dtype=int), 2]
    for seed in range(20):
        train, val = inner_split(codes, 30, seed, stratify=True)
        assert 299 in train and 299 not in val and len(val) == 30 and len(np.union1d(train, val)) == 300


@pytest.mark.parametrize("make", [make_xgboost, make_lightgbm], ids=IDS[:2])
def test_more_classes_than_the_inner_split_holds_do_not_break_early_stopping(make):
    # 150 classes of 4 rows: a tenth held out has 60 rows, fewer than the classes, so a stratified split is
    # impossible ("The test_size = 60 should be greater or equal to the number of classes = 150") and every
    # boosted trial failed
    if make is make_lightgbm:
        pytest.importorskip("lightgbm")
    from automl.task import MULTICLASS

    codes = np.repeat(np.arange(150), 4)
    features = np.random.default_rng(0).normal(size=(600, 5)) + codes[:, None] / 50
    ctx = FitContext(task=MULTICLASS, n_rows=600, n_classes=150, seed=0)
    model = make({**PARAMS, "n_estimators": 20}, ctx).fit(features, codes)
    assert model.predict_proba(features[:5]).shape == (5, 150)


def test_hist_gradient_boosting_stops_early_only_when_its_stratified_split_can_be_made():
    from automl.families._hgb import _can_stratify

    assert _can_stratify(np.repeat(np.arange(5), 40), 0.1)  # 20 held out for 5 classes
    assert not _can_stratify(np.repeat(np.arange(150), 4), 0.1)  # 60 held out for 150 classes: sklearn raised
    assert not _can_stratify(np.r_[np.repeat(np.arange(2), 40), 2], 0.1)  # a class of one row
