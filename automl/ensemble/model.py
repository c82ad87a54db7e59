"""EnsembleModel: a weighted average of fitted raw-rows pipelines, with the estimator API."""

from __future__ import annotations

import numpy as np
import pandas as pd


class EnsembleModel:
    """Average ``predict_proba`` (classification) or ``predict`` (regression) of fitted pipelines.

    Every member is a full raw-rows pipeline refit on all training rows; for classification
    they share ``classes_`` (all saw every class), so their probability columns line up.
    """

    def __init__(self, members: list, weights: list[float], task: str):
        self.members = members
        self.weights = weights
        self.task = task

    @property
    def classes_(self) -> np.ndarray | None:
        return None if self.task == "regression" else self.members[0].classes_

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        return sum(w * m.predict_proba(X) for w, m in zip(self.weights, self.members))

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        if self.task == "regression":
            return sum(w * np.asarray(m.predict(X), dtype="float64") for w, m in zip(self.weights, self.members))
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def __repr__(self) -> str:
        return f"EnsembleModel({len(self.members)} members, weights={[round(w, 3) for w in self.weights]})"
