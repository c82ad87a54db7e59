"""Build the scikit-learn Pipeline for one family and one point of its space."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline

from automl.data.profile import DataProfile
from automl.families.base import FitContext, ModelFamily
from automl.preprocess import Encoder, TableCleaner
from automl.preprocess.encode import native_categorical_count


class EncodedLabelClassifier(ClassifierMixin, BaseEstimator):
    """Train ``estimator`` on labels encoded 0..K-1 and answer in the original labels.

    ``classes_`` are the sorted labels seen in ``fit`` (as scikit-learn sorts them), and
    ``predict_proba`` columns follow that order. This lets every family take string,
    boolean or gapped integer labels (XGBoost alone would refuse them).
    """

    def __init__(self, estimator: Any = None):
        self.estimator = estimator

    def fit(self, X, y, **fit_params) -> "EncodedLabelClassifier":
        y = np.asarray(y, dtype=object) if not isinstance(y, np.ndarray) else y
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.estimator_ = clone(self.estimator).fit(X, codes, **fit_params)
        return self

    def predict_proba(self, X) -> np.ndarray:
        est = self.estimator_
        proba = np.zeros((len(X), len(self.classes_)))
        if hasattr(est, "predict_proba"):
            proba[:, np.asarray(est.classes_, dtype=int)] = est.predict_proba(X)
        else:  # a user family without probabilities: one-hot of its labels
            proba[np.arange(len(X)), np.asarray(est.predict(X), dtype=int)] = 1.0
        return proba

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def fit_context(family: ModelFamily, profile: DataProfile, task: str, n_rows: int, n_classes: int,
                n_jobs: int, seed: int) -> FitContext:
    levels = _levels(profile)
    return FitContext(task=task, n_rows=n_rows, n_classes=n_classes,
                      n_native_categorical=native_categorical_count(levels, family.prep), n_jobs=n_jobs, seed=seed)


def build_model(family: ModelFamily, params: dict, profile: DataProfile, ctx: FitContext) -> Pipeline:
    """Encoder + model (input: TableCleaner output). Classifiers are wrapped to encode labels."""
    model = family.make(dict(params), ctx)
    if ctx.task != "regression":
        model = EncodedLabelClassifier(model)
    encoder = Encoder(levels=_levels(profile), opts=family.prep, task=ctx.task, random_state=ctx.seed)
    return Pipeline([("encode", encoder), ("model", model)])


def build_pipeline(family: ModelFamily, params: dict, profile: DataProfile, ctx: FitContext) -> Pipeline:
    """The exported artefact: TableCleaner + Encoder + model, predicting on raw rows."""
    inner = build_model(family, params, profile, ctx)
    return Pipeline([("clean", TableCleaner(profile))] + inner.steps)


def _levels(profile: DataProfile) -> dict[str, int]:
    return {f"cat{i}": n for i, n in enumerate(profile.categorical.values())}
