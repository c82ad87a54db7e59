"""The inner split of a fold's training rows that the boosted families stop early on."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def inner_split(y: np.ndarray, n_val: int, seed, stratify: bool) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, validation rows) of ``y``: stratified for classes, and a class of one row is
    always trained on (held out alone, XGBoost saw no such class in training and failed)."""
    rows = np.arange(len(y))
    if not stratify:
        return tuple(train_test_split(rows, test_size=n_val, random_state=seed))
    single = np.bincount(y)[y] < 2
    if not single.any():
        return tuple(train_test_split(rows, test_size=n_val, random_state=seed, stratify=y))
    idx_tr, idx_va = train_test_split(rows[~single], test_size=n_val, random_state=seed, stratify=y[~single])
    return np.concatenate([idx_tr, rows[single]]), idx_va
