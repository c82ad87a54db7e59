"""EnsembleModel: a weighted average of fitted raw-rows pipelines, with the estimator API."""

from __future__ import annotations

import numpy as np
import pandas as pd


class EnsembleModel:
    """Average ``predict_proba`` (classification) or ``predict`` (regression) of fitted pipelines.

    The members are an ensemble's trials, or the fold models of one trial (a bag). ``classes``
    are all the run's classes: a fold model that never saw a rare class predicts 0 for it.
    """

    def __init__(self, members: list, weights: list[float], task: str, classes: np.ndarray | None = None):
        self.members = members
        self.weights = weights
        self.task = task
        self.classes = classes

    @property
    def classes_(self) -> np.ndarray | None:
        if self.task == "regression":
            return None
        classes = getattr(self, "classes", None)  # None in models saved before bags existed
        return self.members[0].classes_ if classes is None else classes

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return sum(w * self._member_proba(m, X) for w, m in zip(self.weights, self.members))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return sum(w * np.asarray(m.predict(X), dtype="float64") for w, m in zip(self.weights, self.members))
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def _member_proba(self, member, X: pd.DataFrame) -> np.ndarray:
        proba, classes = member.predict_proba(X), self.classes_
        if len(member.classes_) == len(classes):
            return proba
        index = {c: i for i, c in enumerate(classes.tolist())}
        out = np.zeros((len(proba), len(classes)))
        out[:, [index[c] for c in member.classes_.tolist()]] = proba
        return out

    def __repr__(self) -> str:
        return f"EnsembleModel({len(self.members)} members, weights={[round(w, 3) for w in self.weights]})"
