"""HistGradientBoosting that, like our XGBoost and LightGBM, can refit on every training row with the
number of iterations early stopping chose on its inner split."""

from __future__ import annotations

import math

import numpy as np
from sklearn.base import BaseEstimator, clone, is_classifier


class RefitRoundsHGB(BaseEstimator):
    """Wraps a HistGradientBoosting{Classifier,Regressor} built with ``early_stopping=True``.

    scikit-learn keeps the iterations after the best one (up to ``n_iter_no_change``); with
    ``refit_rounds`` the model is fit again on all rows with exactly the best number of iterations.
    """

    def __init__(self, estimator=None, refit_rounds: bool = False):
        self.estimator = estimator
        self.refit_rounds = refit_rounds

    def fit(self, X, y) -> "RefitRoundsHGB":
        estimator = clone(self.estimator)
        if is_classifier(estimator) and not _can_stratify(y, estimator.get_params().get("validation_fraction")):
            estimator.set_params(early_stopping=False)  # its stratified inner split would fail
        model = estimator.fit(X, y)
        scores = getattr(model, "validation_score_", np.empty(0))
        if self.refit_rounds and len(scores) > 1:  # early stopping ran on a validation split
            self.n_rounds_ = max(1, int(np.argmax(scores)))  # scores[0] is before the first iteration
            model = clone(self.estimator).set_params(early_stopping=False, max_iter=self.n_rounds_).fit(X, y)
        self.estimator_ = model
        return self

    @property
    def classes_(self) -> np.ndarray:
        return self.estimator_.classes_

    def predict(self, X) -> np.ndarray:
        return self.estimator_.predict(X)

    def predict_proba(self, X) -> np.ndarray:
        return self.estimator_.predict_proba(X)


def _can_stratify(y, validation_fraction) -> bool:
    """Whether scikit-learn's stratified validation split can be made: every class has two rows, and both
    parts have room for one row of each class (2,000 classes of 10 rows, with 10 % held out, have not)."""
    counts = np.unique(y, return_counts=True)[1]
    if counts.min() < 2 or validation_fraction is None:
        return counts.min() >= 2
    n_val = validation_fraction if validation_fraction >= 1 else math.ceil(validation_fraction * len(y))
    return min(n_val, len(y) - n_val) >= len(counts)
