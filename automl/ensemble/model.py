"""EnsembleModel: a weighted average of fitted raw-rows pipelines, with the estimator API."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.metrics import accuracy_score, r2_score
from sklearn.utils import ClassifierTags, RegressorTags


class EnsembleModel(BaseEstimator):
    """Average ``predict_proba`` (classification) or ``predict`` (regression) of fitted pipelines.

    The members are an ensemble's trials, or the fold models of one trial (a bag). ``classes``
    are all the run's classes: a fold model that never saw a rare class predicts 0 for it.

    A search hands it fitted members, so it predicts as it is. Like any scikit-learn estimator it
    can also be cloned and fitted (``cross_val_score``): ``fit`` fits a clone of each member on the
    rows given, keeps the weights, and takes the classes from ``y``.
    """

    def __init__(self, members: list | None = None, weights: list[float] | None = None, task: str = "regression",
                 classes: np.ndarray | None = None):
        self.members = members
        self.weights = weights
        self.task = task
        self.classes = classes

    def fit(self, X: pd.DataFrame, y) -> "EnsembleModel":
        y = y.to_numpy() if isinstance(y, (pd.Series, pd.Index)) else np.asarray(y)
        self.fitted_members_ = [clone(m).fit(X, y) for m in self.members]
        if self.task != "regression":
            self.fitted_classes_ = np.unique(y)
        return self

    @property
    def classes_(self) -> np.ndarray | None:
        if self.task == "regression":
            return None
        if hasattr(self, "fitted_classes_"):
            return self.fitted_classes_
        classes = getattr(self, "classes", None)  # None in models saved before bags existed
        return self._members()[0].classes_ if classes is None else classes

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return sum(w * self._member_proba(m, X) for w, m in zip(self.weights, self._members()))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return sum(w * np.asarray(m.predict(X), dtype="float64") for w, m in zip(self.weights, self._members()))
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X: pd.DataFrame, y) -> float:
        """Accuracy for a classifier, R² for a regressor (scikit-learn's defaults)."""
        return float(r2_score(y, self.predict(X)) if self.task == "regression" else accuracy_score(y, self.predict(X)))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        if self.task == "regression":
            tags.estimator_type, tags.regressor_tags = "regressor", RegressorTags()
        else:
            tags.estimator_type, tags.classifier_tags = "classifier", ClassifierTags()
        return tags

    def _members(self) -> list:
        return getattr(self, "fitted_members_", self.members)

    def _member_proba(self, member, X: pd.DataFrame) -> np.ndarray:
        proba, classes = member.predict_proba(X), self.classes_
        if len(member.classes_) == len(classes):
            return proba
        index = {c: i for i, c in enumerate(classes.tolist())}
        out = np.zeros((len(proba), len(classes)))
        out[:, [index[c] for c in member.classes_.tolist()]] = proba
        return out

    def __repr__(self, N_CHAR_MAX: int = 700) -> str:
        return f"EnsembleModel({len(self.members)} members, weights={[round(w, 3) for w in self.weights]})"
