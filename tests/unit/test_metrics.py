"""The search's own ROC AUC and log loss: the values scikit-learn gives, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import log_loss, roc_auc_score

from automl.evaluation.metrics import get_metric


@pytest.mark.parametrize("seed", range(20))
def test_roc_auc_equals_sklearn_with_ties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(10, 3000))
    y = np.r_[0, 1, rng.integers(0, 2, n - 2)]
    p = np.round(rng.uniform(size=n), int(rng.integers(1, 4)))  # rounded: many tied scores
    assert get_metric("roc_auc", "binary")(y, np.column_stack([1 - p, p])) == pytest.approx(roc_auc_score(y, p), abs=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("seed", range(10))
def test_log_loss_equals_sklearn_with_zero_and_one_probabilities(seed, dtype):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(10, 3000)), int(rng.integers(2, 8))
    proba = rng.dirichlet(np.full(k, 0.1), n)
    proba[rng.uniform(size=proba.shape) < 0.05] = 0.0  # a tree's exact zeros
    proba[:5] = np.eye(k)[rng.integers(0, k, 5)]  # and exact ones
    proba[proba.sum(axis=1) == 0, 0] = 1.0
    proba = proba.astype(dtype)
    before = proba.copy()
    y = rng.integers(0, k, n)
    clipped = np.clip(proba.astype("float64"), 1e-15, 1)
    expected = log_loss(y, clipped / clipped.sum(axis=1, keepdims=True), labels=np.arange(k))
    assert get_metric("log_loss", "multiclass")(y, proba) == pytest.approx(expected, rel=1e-12)
    assert proba.dtype == dtype and np.array_equal(proba, before)  # the caller's array is left as it was


def test_bad_predictions_are_clear_errors():
    auc, ll = get_metric("roc_auc", "binary"), get_metric("log_loss", "binary")
    proba = np.array([[0.2, 0.8], [0.6, 0.4], [0.5, 0.5]])
    with pytest.raises(ValueError, match="Only one class"):
        auc(np.array([1, 1, 1]), proba)
    proba[1, 0] = np.nan
    for metric in (auc, ll):
        with pytest.raises(ValueError, match="NaN or infinity"):
            metric(np.array([0, 1, 0]), proba)
