"""Build the scikit-learn Pipeline for one family and one point of its space."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.pipeline import Pipeline

from automl.data.profile import DataProfile
from automl.families.base import FitContext, ModelFamily
from automl.preprocess import Encoder, TableCleaner
from automl.preprocess.encode import native_categorical_count
from automl.preprocess.target import NONE, TARGET_TRANSFORM, with_target_scale, with_target_transform
from automl.task import CLASSIFICATION, REGRESSION

# A classifier's point in a trial's params that is not the family's: the weight of the class
# frequencies mixed into its probabilities (evaluation/calibration.py chooses it after the folds).
PRIOR_WEIGHT = "prior_weight"
# Trial params that build_model handles around the family's estimator (never passed to make()).
PIPELINE_PARAMS = frozenset({PRIOR_WEIGHT, TARGET_TRANSFORM})


class EncodedLabelClassifier(ClassifierMixin, BaseEstimator):
    """Train ``estimator`` on labels encoded 0..K-1 and answer in the original labels.

    ``classes_`` are the sorted labels seen in ``fit`` (as scikit-learn sorts them), and
    ``predict_proba`` columns follow that order. This lets every family take string,
    boolean or gapped integer labels (XGBoost alone would refuse them).

    With ``prior_correction``, a model trained with ``class_weight="balanced"`` (a search
    option) answers with probabilities for the classes' real frequencies: fit by weighted
    log loss, it learnt p(k|x) / prior(k) up to a constant, so its probabilities are
    multiplied by the training priors and renormalised. Otherwise its labels over-predict the
    rare classes (accuracy below the constant predictor's on an imbalanced table) and its
    probabilities are too high for them. The balancing still changes how the model is fit,
    which is why it is searched.

    With ``prior_weight`` w > 0 the probabilities are ``(1 - w) * p + w * prior``: never exactly 0
    for a class seen in training (see evaluation/calibration.py).
    """

    def __init__(self, estimator: Any = None, prior_correction: bool = True, prior_weight: float = 0.0):
        self.estimator = estimator
        self.prior_correction = prior_correction
        self.prior_weight = prior_weight

    def fit(self, X, y, **fit_params) -> "EncodedLabelClassifier":
        if not isinstance(y, np.ndarray):  # a Series or a list: int / bool labels stay so (object ones are
            y = pd.Series(y).to_numpy()  # a target of "unknown" type to scikit-learn's scorers: ROC AUC gave NaN)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.class_prior_ = np.bincount(codes, minlength=len(self.classes_)) / len(codes)
        self.estimator_ = clone(self.estimator).fit(X, codes, **fit_params)
        self.corrects_priors_ = bool(self.prior_correction and trained_balanced(self.estimator_))
        return self

    def predict_proba(self, X) -> np.ndarray:
        est = self.estimator_
        proba = np.zeros((len(X), len(self.classes_)))
        seen = np.asarray(getattr(est, "classes_", np.arange(len(self.classes_))), dtype=int)
        if hasattr(est, "predict_proba"):
            proba[:, seen] = est.predict_proba(X)
        elif hasattr(est, "decision_function"):  # a user family without probabilities (SVC): its scores, squashed
            proba[:, seen] = scores_as_proba(np.asarray(est.decision_function(X), dtype=float), len(seen))
        else:  # nor scores: one-hot of its labels
            proba[np.arange(len(X)), np.asarray(est.predict(X), dtype=int)] = 1.0
        if getattr(self, "corrects_priors_", False):
            proba *= self.class_prior_
            proba /= np.maximum(proba.sum(axis=1, keepdims=True), np.finfo(float).tiny)
        return mix_prior(proba, self.class_prior_, getattr(self, "prior_weight", 0.0))  # older pickles: none

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]


def scores_as_proba(scores: np.ndarray, n_classes: int) -> np.ndarray:
    """A classifier's decision scores as probabilities: the logistic function of a binary score,
    the softmax of one score per class. They rank rows as the scores do (what ROC AUC reads); they
    are not calibrated (give the family predict_proba for a log loss that means something)."""
    if n_classes == 2 and scores.ndim == 1:
        p1 = 1.0 / (1.0 + np.exp(-scores))
        return np.column_stack([1.0 - p1, p1])
    z = np.exp(scores - scores.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def mix_prior(proba: np.ndarray, prior: np.ndarray, weight: float) -> np.ndarray:
    """``(1 - weight) * proba + weight * prior``: probabilities shrunk towards the class frequencies."""
    return proba if weight == 0 else (1.0 - weight) * proba + weight * prior


def trained_balanced(estimator: Any) -> bool:
    """Whether the estimator (or one it wraps) weights classes as if they were equally frequent."""
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    return any(key.rsplit("__", 1)[-1] == "class_weight" and isinstance(value, str) and value.startswith("balanced")
               for key, value in params.items())


def fit_context(family: ModelFamily, profile: DataProfile, task: str, n_rows: int, n_classes: int,
                n_jobs: int, seed: int, table_rows: int | None = None, target_scale: float = 1.0) -> FitContext:
    levels = category_levels(profile)
    return FitContext(task=task, n_rows=n_rows, n_classes=n_classes,
                      n_native_categorical=native_categorical_count(levels, family.prep), n_jobs=n_jobs, seed=seed,
                      table_rows=table_rows, target_scale=target_scale)


def build_model(family: ModelFamily, params: dict, profile: DataProfile, ctx: FitContext,
                prior_correction: bool = True) -> Pipeline:
    """Encoder + model (input: TableCleaner output). Classifiers are wrapped to encode labels
    (and, with ``prior_correction``, to undo balanced class weights in log-loss models' probabilities;
    with ``params[PRIOR_WEIGHT]``, to mix the class frequencies into them). Regressors with
    ``params[TARGET_TRANSFORM]`` are fit on the transformed target (preprocess/target.py)."""
    params = dict(params)
    prior_weight = float(params.pop(PRIOR_WEIGHT, 0.0))
    target_transform = params.pop(TARGET_TRANSFORM, NONE)
    model = family.make(params, ctx)
    if ctx.task == REGRESSION:
        model = with_target_scale(with_target_transform(model, target_transform), ctx.target_scale)
    elif ctx.task in CLASSIFICATION:
        model = EncodedLabelClassifier(model, prior_correction=prior_correction and family.log_loss_fit,
                                       prior_weight=prior_weight)
    encoder = Encoder(levels=category_levels(profile), opts=family.prep, task=ctx.task, random_state=ctx.seed)
    return Pipeline([("encode", encoder), ("model", model)])


def on_raw_rows(fitted: Pipeline, profile: DataProfile) -> Pipeline:
    """The exported artefact: ``fitted`` (Encoder + model, fit on TableCleaner output) behind the
    TableCleaner of ``profile``, predicting on raw rows. The cleaner learns nothing from rows, so this
    is the pipeline a fit on the raw rows would give, without cleaning them again."""
    cleaner = TableCleaner(profile).fit(pd.DataFrame(columns=pd.Index(profile.used, dtype=object)))
    return Pipeline([("clean", cleaner)] + fitted.steps)


def category_levels(profile: DataProfile) -> dict[str, int]:
    """Levels per categorical column, by the names TableCleaner gives them (cat0, cat1, ...)."""
    return {f"cat{i}": n for i, n in enumerate(profile.categorical.values())}
