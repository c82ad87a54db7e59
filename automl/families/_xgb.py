"""XGBoost estimators with inner-split early stopping, native categoricals and class weights.

Imported only when an XGBoost model is built or loaded (xgboost takes ~1 s to import).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.class_weight import compute_sample_weight
from xgboost import XGBClassifier, XGBRegressor

from automl.families._inner_split import inner_split

INNER_VALIDATION = 0.1  # share of the training rows held out for early stopping
MIN_INNER_ROWS = 30


class _EarlyStoppingMixin:
    """fit(X, y): hold out an inner validation split of the *training* rows for early stopping.

    The first ``n_categorical`` columns are ordinal-coded categoricals (see preprocess.Encoder);
    they are declared to XGBoost with ``feature_types``. ``class_weight="balanced"`` becomes
    sample weights. With ``refit_rounds``, the model is then fit again on every training row
    with the number of rounds early stopping chose (the inner split was only there to choose it).
    """

    def get_xgb_params(self):
        params = super().get_xgb_params()
        for own in ("n_categorical", "class_weight", "refit_rounds"):
            params.pop(own, None)
        return params

    def _fit_es(self, X, y, stratify: bool):
        X = np.asarray(X, dtype="float32")
        k = int(self.n_categorical or 0)
        self.set_params(feature_types=["c"] * k + ["q"] * (X.shape[1] - k), enable_categorical=k > 0)
        weight = compute_sample_weight("balanced", y) if getattr(self, "class_weight", None) == "balanced" else None
        n_val = int(len(y) * INNER_VALIDATION)
        if self.early_stopping_rounds and n_val >= MIN_INNER_ROWS:
            idx_tr, idx_va = inner_split(y, n_val, self.random_state, stratify)
            w_tr = None if weight is None else weight[idx_tr]
            w_va = None if weight is None else [weight[idx_va]]
            self._base_fit(X[idx_tr], y[idx_tr], sample_weight=w_tr, eval_set=[(X[idx_va], y[idx_va])],
                           sample_weight_eval_set=w_va, verbose=False)
            if self.refit_rounds:
                self._refit_all_rows(X, y, weight)
            return self
        es, self.early_stopping_rounds = self.early_stopping_rounds, None
        try:
            return self._base_fit(X, y, sample_weight=weight, verbose=False)
        finally:
            self.early_stopping_rounds = es

    def _refit_all_rows(self, X, y, weight) -> None:
        n_estimators, rounds, es = self.n_estimators, self.best_iteration + 1, self.early_stopping_rounds
        self.set_params(n_estimators=rounds, early_stopping_rounds=None)
        try:
            self._base_fit(X, y, sample_weight=weight, verbose=False)
        finally:
            self.set_params(n_estimators=n_estimators, early_stopping_rounds=es)
        self.n_rounds_ = rounds


class EarlyStoppingXGBClassifier(_EarlyStoppingMixin, XGBClassifier):
    def __init__(self, *, n_categorical: int = 0, class_weight: str | None = None, refit_rounds: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.n_categorical = n_categorical
        self.class_weight = class_weight
        self.refit_rounds = refit_rounds

    def _base_fit(self, X, y, **kw):
        return XGBClassifier.fit(self, X, y, **kw)

    def fit(self, X, y, **_):
        y = np.asarray(y).astype(int)
        return self._fit_es(X, y, stratify=True)

    def predict_proba(self, X, **kw):
        return super().predict_proba(np.asarray(X, dtype="float32"), **kw)

    def predict(self, X, **kw):
        return super().predict(np.asarray(X, dtype="float32"), **kw)


class EarlyStoppingXGBRegressor(_EarlyStoppingMixin, XGBRegressor):
    def __init__(self, *, n_categorical: int = 0, refit_rounds: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.n_categorical = n_categorical
        self.refit_rounds = refit_rounds

    def _base_fit(self, X, y, **kw):
        return XGBRegressor.fit(self, X, y, **kw)

    def fit(self, X, y, **_):
        return self._fit_es(X, np.asarray(y, dtype="float64"), stratify=False)

    def predict(self, X, **kw):
        return super().predict(np.asarray(X, dtype="float32"), **kw)
