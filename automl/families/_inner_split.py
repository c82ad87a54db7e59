"""The inner split of a fold's training rows that the boosted families stop early on."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def inner_split(y: np.ndarray, n_val: int, seed, stratify: bool) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows) of ``y``: stratified for classes when both parts can hold every
    class (2,000 classes of 10 rows cannot: scikit-learn's "test_size ... should be greater or equal to the
    number of classes" failed every trial), and a class of one row is always trained on (held out alone,
    XGBoost saw no such class in training and failed)."""
    rows = np.arange(len(y))
    if not stratify:
        return tuple(train_test_split(rows, test_size=n_val, random_state=seed))
    single = np.bincount(y)[y] < 2
    n_classes = len(np.unique(y[~single]))
    if min(n_val, int((~single).sum()) - n_val) < n_classes:
        stratify = False
    idx_tr, idx_va = train_test_split(rows[~single], test_size=n_val, random_state=seed,
                                      stratify=y[~single] if stratify else None)
    return np.concatenate([idx_tr, rows[single]]), idx_va
