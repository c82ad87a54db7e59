"""LightGBM estimators with inner-split early stopping and native categoricals.

Imported only when a LightGBM model is built or loaded. LightGBM is optional
(``pip install "automl[lightgbm]"``); without it the family is left out of searches.
"""

from __future__ import annotations

import numpy as np
from lightgbm import LGBMClassifier, LGBMRegressor, early_stopping

from automl.families._inner_split import inner_split

INNER_VALIDATION = 0.1  # share of the training rows held out for early stopping
MIN_INNER_ROWS = 30
OWN_PARAMS = ("n_categorical", "early_stopping_rounds", "refit_rounds")  # ours, not LightGBM's: never passed to the booster


def _fit_es(model, base_fit, X, y, stratify: bool):
    """Fit on the training rows, stopping early on an inner split of them; the first
    ``n_categorical`` columns are ordinal-coded categoricals (see preprocess.Encoder). With
    ``refit_rounds``, fit again on every training row with the number of rounds early stopping chose."""
    X = np.asarray(X, dtype="float64")
    cats = list(range(int(model.n_categorical or 0))) or "auto"
    n_val = int(len(y) * INNER_VALIDATION)
    if model.early_stopping_rounds and n_val >= MIN_INNER_ROWS:
        idx_tr, idx_va = inner_split(y, n_val, model.random_state, stratify)
        base_fit(X[idx_tr], y[idx_tr], eval_X=(X[idx_va],), eval_y=(y[idx_va],), categorical_feature=cats,
                 callbacks=[early_stopping(model.early_stopping_rounds, verbose=False)])
        if not model.refit_rounds:
            return model
        n_estimators, model.n_estimators = model.n_estimators, max(1, model.best_iteration_)
        try:
            base_fit(X, y, categorical_feature=cats)
        finally:
            model.n_rounds_, model.n_estimators = model.n_estimators, n_estimators
        return model
    return base_fit(X, y, categorical_feature=cats)


class _OwnParams:
    """Our constructor parameters, kept out of the booster's (LightGBM passes every get_params() key on).
    First in the bases, like a scikit-learn mixin, which LightGBM's get_params() allows for."""

    def __init__(self, *, n_categorical: int = 0, early_stopping_rounds: int = 50, refit_rounds: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.n_categorical = n_categorical
        self.early_stopping_rounds = early_stopping_rounds
        self.refit_rounds = refit_rounds

    def _process_params(self, stage: str) -> dict:
        return {k: v for k, v in super()._process_params(stage).items() if k not in OWN_PARAMS}


class EarlyStoppingLGBMClassifier(_OwnParams, LGBMClassifier):
    def fit(self, X, y, **_):
        return _fit_es(self, super().fit, X, np.asarray(y).astype(int), stratify=True)


class EarlyStoppingLGBMRegressor(_OwnParams, LGBMRegressor):
    def fit(self, X, y, **_):
        return _fit_es(self, super().fit, X, np.asarray(y, dtype="float64"), stratify=False)
