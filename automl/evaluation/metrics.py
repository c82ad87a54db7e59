"""Metrics as a table: name -> how to score, which direction is better, which tasks it fits.

Classification predictions are always a probability matrix (n_rows, n_classes) over the
encoded classes 0..K-1; label metrics use its argmax. Regression predictions are a vector.
Clustering metrics have no truth to compare with: they score cluster labels against the rows'
features, ``metric(X, labels)`` (see evaluation/clustering.py for the feature space).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from automl.errors import ConfigError, did_you_mean
from automl.task import BINARY, CLUSTERING, MULTICLASS, REGRESSION


@dataclass(frozen=True)
class Metric:
    name: str
    greater_is_better: bool
    tasks: frozenset[str]
    fn: Callable[[np.ndarray, np.ndarray], float]
    # It scores labels and rewards the rare classes' (balanced accuracy, F1): a model trained with
    # balanced class weights keeps its probabilities as trained, as their argmax is the point.
    balanced_labels: bool = False
    # It scores the probabilities themselves (not their ranking or argmax): a probability of 0 for the
    # true class costs it dearly, so the search calibrates each trial's (evaluation/calibration.py).
    scores_confidence: bool = False

    def __call__(self, y_true: np.ndarray, pred: np.ndarray) -> float:
        return float(self.fn(y_true, pred))

    def is_better(self, a: float, b: float) -> bool:
        """Whether score ``a`` is strictly better than ``b``."""
        return a > b if self.greater_is_better else a < b

    @property
    def direction(self) -> str:
        return "maximize" if self.greater_is_better else "minimize"


def _roc_auc(y, proba):
    """The area under the ROC curve from ranks (ties share their mean rank): sklearn's roc_auc_score
    to ~1e-16, 2-18x faster per call (more on fewer rows), which matters in ensemble selection (thousands
    of calls)."""
    from scipy.stats import rankdata

    score = _finite(proba)[:, 1]
    positive = np.asarray(y) == 1
    n_pos = int(positive.sum())
    n_neg = len(positive) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("Only one class present in y_true. ROC AUC score is not defined in that case.")
    return (rankdata(score)[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def _log_loss(y, proba):
    """Mean -log p(true class), probabilities clipped at 1e-15 and renormalised: sklearn's log_loss
    on float64 (to ~1e-16) without its input checks, 4-20x faster per call (see _roc_auc for why)."""
    proba = np.clip(_finite(proba), 1e-15, 1)
    proba /= proba.sum(axis=1, keepdims=True)
    return -np.mean(np.log(np.minimum(proba[np.arange(len(proba)), np.asarray(y, dtype=int)], 1 - np.finfo(float).eps)))


def _finite(proba) -> np.ndarray:
    """``proba`` as float64, or a ValueError when a model predicted NaN or infinity."""
    proba = np.asarray(proba, dtype="float64")
    if not np.isfinite(proba).all():
        raise ValueError("the predicted probabilities contain NaN or infinity")
    return proba


def _accuracy(y, proba):
    return np.mean(proba.argmax(axis=1) == y)


def _balanced_accuracy(y, proba):
    from sklearn.metrics import balanced_accuracy_score

    return balanced_accuracy_score(y, proba.argmax(axis=1))


def _f1(y, proba):
    from sklearn.metrics import f1_score

    binary = proba.shape[1] == 2
    return f1_score(y, proba.argmax(axis=1), average="binary" if binary else "macro", labels=None if binary else np.arange(proba.shape[1]), zero_division=0)


def _rmse(y, pred):
    return np.sqrt(np.mean((y - pred) ** 2))


def _mae(y, pred):
    return np.mean(np.abs(y - pred))


def _r2(y, pred):
    from sklearn.metrics import r2_score

    return r2_score(y, pred)


def _silhouette(X, labels):
    from sklearn.metrics import silhouette_score

    return silhouette_score(X, labels)


def _calinski_harabasz(X, labels):
    from sklearn.metrics import calinski_harabasz_score

    return calinski_harabasz_score(X, labels)


def _davies_bouldin(X, labels):
    from sklearn.metrics import davies_bouldin_score

    return davies_bouldin_score(X, labels)


_CLS = frozenset({BINARY, MULTICLASS})
_CLU = frozenset({CLUSTERING})
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("roc_auc", True, frozenset({BINARY}), _roc_auc),
        Metric("log_loss", False, _CLS, _log_loss, scores_confidence=True),
        Metric("accuracy", True, _CLS, _accuracy),
        Metric("balanced_accuracy", True, _CLS, _balanced_accuracy, balanced_labels=True),
        Metric("f1", True, _CLS, _f1, balanced_labels=True),
        Metric("rmse", False, frozenset({REGRESSION}), _rmse),
        Metric("mae", False, frozenset({REGRESSION}), _mae),
        Metric("r2", True, frozenset({REGRESSION}), _r2),
        Metric("silhouette", True, _CLU, _silhouette),
        Metric("calinski_harabasz", True, _CLU, _calinski_harabasz),
        Metric("davies_bouldin", False, _CLU, _davies_bouldin),
    )
}
DEFAULT_METRIC = {BINARY: "roc_auc", MULTICLASS: "log_loss", REGRESSION: "rmse", CLUSTERING: "silhouette"}


def get_metric(name: str | None, task: str) -> Metric:
    """The metric called ``name`` (default for the task when None), checked against the task."""
    if name is None:
        return METRICS[DEFAULT_METRIC[task]]
    if name not in METRICS:
        raise ConfigError(f"metric={name!r} is not known.{did_you_mean(name, METRICS)} Known metrics: {sorted(METRICS)}.")
    metric = METRICS[name]
    if task not in metric.tasks:
        fits = sorted(n for n, m in METRICS.items() if task in m.tasks)
        raise ConfigError(f"metric={name!r} does not fit a {task} task; use one of {fits}.")
    return metric
