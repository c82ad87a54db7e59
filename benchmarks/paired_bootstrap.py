"""How much of a difference between two systems' test scores the test part's own noise can explain.

A paired bootstrap over the test rows: resample the rows with replacement, score both systems'
saved predictions on the same resample, and take the 2.5 / 97.5 % quantiles of the difference.
When that interval contains 0, the test part cannot tell the two systems apart, whatever the
report's fixed tie rule (0.002 AUC, 1 % of log loss / RMSE) says.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

N_BOOT = 1000


def row_losses(task: str, classes: np.ndarray | None, y_te: pd.Series, pred: np.ndarray) -> np.ndarray:
    """Per-row terms whose mean is the metric (squared errors for RMSE, -log p(true) for log loss)."""
    if task == "regression":
        return (np.asarray(pred, dtype=float) - y_te.to_numpy(dtype=float)) ** 2
    proba = np.clip(np.asarray(pred, dtype=float), 1e-15, 1)  # as compare_one.score does
    proba = proba / proba.sum(axis=1, keepdims=True)
    idx = pd.Index(list(map(str, classes))).get_indexer(y_te.astype(str))
    return -np.log(proba[np.arange(len(idx)), idx])


def paired_interval(task: str, classes: np.ndarray | None, y_te: pd.Series, pred_a: np.ndarray, pred_b: np.ndarray,
                    *, n_boot: int = N_BOOT, seed: int = 0) -> tuple[float, float]:
    """The 95 % paired-bootstrap interval of score(a) - score(b) on the test rows."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    n = len(y_te)
    draws = rng.integers(0, n, size=(n_boot, n))
    if task == "binary":
        pos = (y_te.astype(str) == str(classes[1])).to_numpy()
        pa, pb = np.asarray(pred_a, dtype=float)[:, 1], np.asarray(pred_b, dtype=float)[:, 1]
        diffs = np.array([roc_auc_score(pos[i], pa[i]) - roc_auc_score(pos[i], pb[i]) for i in draws
                          if 0 < pos[i].sum() < n])
    else:
        la, lb = row_losses(task, classes, y_te, pred_a), row_losses(task, classes, y_te, pred_b)
        ma, mb = la[draws].mean(axis=1), lb[draws].mean(axis=1)
        diffs = np.sqrt(ma) - np.sqrt(mb) if task == "regression" else ma - mb
    lo, hi = np.quantile(diffs, [0.025, 0.975])
    return float(lo), float(hi)


def clearly_worse(interval: tuple[float, float], greater_is_better: bool) -> bool:
    """Whether the interval of score(a) - score(b) lies wholly on a's losing side of 0."""
    lo, hi = interval
    return hi < 0 if greater_is_better else lo > 0
