"""CatBoost as a scikit-learn estimator over the encoder's float matrix.

Imported only when a CatBoost model is built or loaded. CatBoost is optional
(``pip install "automl[catboost]"``, ~300 MB with its plotting dependencies); without it the
family is left out of searches.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin


class _CatBoostBase(BaseEstimator):
    """The first ``n_categorical`` columns are ordinal-coded categoricals (see preprocess.Encoder):
    they go to CatBoost as categorical features (its ordered target statistics), missing as -1.
    ``class_weight="balanced"`` is CatBoost's ``auto_class_weights="Balanced"``, named as in
    scikit-learn so that pipeline.EncodedLabelClassifier can undo it."""

    def __init__(self, *, iterations: int = 300, learning_rate: float = 0.08, depth: int = 6,
                 l2_leaf_reg: float = 3.0, random_strength: float = 1.0, bagging_temperature: float = 1.0,
                 class_weight: str | None = None, n_categorical: int = 0, n_jobs: int = 1, random_state: int = 0):
        self.iterations = iterations
        self.learning_rate = learning_rate
        self.depth = depth
        self.l2_leaf_reg = l2_leaf_reg
        self.random_strength = random_strength
        self.bagging_temperature = bagging_temperature
        self.class_weight = class_weight
        self.n_categorical = n_categorical
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _frame(self, X) -> pd.DataFrame:
        X = np.asarray(X, dtype="float64")
        n_cat = int(self.n_categorical or 0)
        frame = pd.DataFrame(X[:, n_cat:], columns=[f"x{i}" for i in range(n_cat, X.shape[1])])
        cats = {f"c{i}": np.where(np.isnan(X[:, i]), -1, X[:, i]).astype("int64") for i in range(n_cat)}
        return pd.concat([pd.DataFrame(cats), frame], axis=1) if cats else frame

    def _fit(self, cls, X, y, **extra):
        # Speed: feature combinations of one categorical only (max_ctr_complexity=1) fit 2-3x faster
        # than CatBoost's default of 4 at about the same score (measured on ames, telco, credit-g, adult).
        self.model_ = cls(iterations=self.iterations, learning_rate=self.learning_rate, depth=self.depth,
                          l2_leaf_reg=self.l2_leaf_reg, random_strength=self.random_strength,
                          bagging_temperature=self.bagging_temperature, max_ctr_complexity=1,
                          thread_count=self.n_jobs, random_seed=self.random_state, verbose=0,
                          allow_writing_files=False, **extra)
        self.model_.fit(self._frame(X), y, cat_features=list(range(int(self.n_categorical or 0))))
        self.n_features_in_ = np.shape(X)[1]
        return self


class CatBoostClassifierModel(ClassifierMixin, _CatBoostBase):
    def fit(self, X, y):
        from catboost import CatBoostClassifier

        y = np.asarray(y).astype(int)
        self.classes_ = np.unique(y)
        extra = {"auto_class_weights": "Balanced"} if self.class_weight == "balanced" else {}
        if len(self.classes_) > 2:
            extra["loss_function"] = "MultiClass"
        return self._fit(CatBoostClassifier, X, y, **extra)

    def predict_proba(self, X) -> np.ndarray:
        return self.model_.predict_proba(self._frame(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class CatBoostRegressorModel(RegressorMixin, _CatBoostBase):
    def fit(self, X, y):
        from catboost import CatBoostRegressor

        return self._fit(CatBoostRegressor, X, np.asarray(y, dtype="float64"))

    def predict(self, X) -> np.ndarray:
        return self.model_.predict(self._frame(X))
