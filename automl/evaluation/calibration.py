"""Shrink a trial's class probabilities towards the class frequencies, by a weight its folds choose.

Trees, forests, naive Bayes and k-NN give a class probability of exactly 0 wherever a leaf or a
neighbourhood holds none of it, and a log loss charges ~34 for each row of that class (on the
wine_quality_white training part, 14 of 3,000 rows carry 0.16 of extra trees' 0.98). Mixing,
``(1 - w) * p + w * prior`` (the prior of the fold's training rows), bounds that cost: with the best
w extra trees score 0.86 there. The weight is chosen from a short grid by the metric on the trial's
out-of-fold predictions; w = 0 (no change) wins for models that are already calibrated, such as boosted
trees. Only metrics that score the probabilities themselves (log loss) are calibrated: mixing never
changes an AUC, and it would only move an accuracy's argmax towards the majority class.

Temperature scaling was also tried (probabilities raised to 1 / T, T chosen the same way and kept only
when it won cross-fitted; git branch ``temperature``). Per trial it gains a lot (extra trees on
segment's training part 0.079 -> 0.057), but whole searches on the multiclass training parts did not
get better (benchmarks/README, ``revision_choice.py``), so it is not used.
"""

from __future__ import annotations

import numpy as np

from automl.evaluation.metrics import Metric
from automl.evaluation.splits import fold_indices, n_folds
from automl.pipeline import mix_prior

WEIGHTS = (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1)


def fold_priors(y: np.ndarray, fold_id: np.ndarray, n_classes: int) -> np.ndarray:
    """(n, K): for each validated row, the class frequencies of its fold's training rows (what that
    fold's model mixes in); rows never validated get zeros."""
    priors = np.zeros((len(y), n_classes))
    for i in range(n_folds(fold_id)):
        train, val = fold_indices(fold_id, i)
        priors[val] = np.bincount(y[train].astype(int), minlength=n_classes) / len(train)
    return priors


def choose_weight(y: np.ndarray, oof: np.ndarray, priors: np.ndarray, metric: Metric) -> float:
    """The grid weight whose mixed out-of-fold predictions score best (the smallest on a tie)."""
    scores = [metric(y, mix_prior(oof, priors, w)) for w in WEIGHTS]
    best = int(np.argmax(scores) if metric.greater_is_better else np.argmin(scores))
    return WEIGHTS[best]
