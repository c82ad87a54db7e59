"""Ensemble selection (Caruana et al., 2004) over out-of-fold predictions.

Greedy forward selection with replacement: start empty, add the candidate whose addition
makes the averaged prediction score best, repeat. Weights are how often each candidate was
picked, so they are non-negative and sum to 1. Every candidate's OOF predictions come from
the same fixed folds, so blending them row by row is fair.

Weights chosen on the same OOF predictions they are scored on make that score optimistic.
``select_honestly`` cross-fits: weights chosen on one half of the folds are scored on the
other half and vice versa; that mean is the score the leaderboard shows. It also cross-fits
the alternative, "take the best single candidate", so the two are compared on equal terms
(the best trial's own CV score is flattered by being the maximum over many trials).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from automl.evaluation.metrics import Metric

MAX_ROUNDS = 50  # picks with replacement; the weights' resolution is 1/MAX_ROUNDS
PATIENCE = 10  # stop after this many picks without improving the score


@dataclass
class Selection:
    weights: np.ndarray  # one per candidate, sums to 1 (zeros for the unpicked)
    score: float  # in-sample: on the rows the weights were chosen on (optimistic)
    honest_score: float | None = None  # weights chosen on other folds than the rows scored
    honest_single: float | None = None  # the same for "pick the best single candidate": the fair yardstick


def caruana(preds: list[np.ndarray], y: np.ndarray, metric: Metric, fold_id: np.ndarray | None = None, *,
            max_rounds: int = MAX_ROUNDS, patience: int = PATIENCE, deadline: float = float("inf")) -> Selection:
    """Greedy selection with replacement; ``preds[i]`` is candidate i's prediction for the rows of ``y``.

    A blend is scored like a trial: the mean of the metric over the folds in ``fold_id``.
    """
    if not preds:
        raise ValueError("ensemble selection needs at least one candidate")
    score = fold_scorer(metric, y, fold_id)
    sign = 1.0 if metric.greater_is_better else -1.0
    counts = np.zeros(len(preds))
    total = np.zeros_like(preds[0], dtype="float64")
    best_score, best_counts, stale = -np.inf, counts.copy(), 0
    for n in range(1, max_rounds + 1):
        scores = [sign * score((total + p) / n) for p in preds]
        pick = int(np.argmax(scores))  # ties go to the earlier (better-ranked) candidate
        counts[pick] += 1
        total += preds[pick]
        if scores[pick] > best_score + 1e-12:
            best_score, best_counts, stale = scores[pick], counts.copy(), 0
        else:
            stale += 1
        if stale >= patience or time.monotonic() >= deadline:
            break
    return Selection(best_counts / best_counts.sum(), sign * best_score)


def select_honestly(preds: list[np.ndarray], y: np.ndarray, fold_id: np.ndarray, metric: Metric, *,
                    seed: int = 0, deadline: float = float("inf")) -> Selection:
    """Weights from all rows, plus an honest score from two-way cross-fitting over the folds.

    The folds are split in two groups (even and odd fold numbers; with a single fold, a seeded
    random half of its rows of each target value, so both halves hold every class of 2+ rows);
    weights chosen on one group are scored on the other, and the two scores are averaged, like the
    trials' fold scores. The three selections share the time to ``deadline`` equally: the last one,
    on all rows, gives the weights and must not be starved.
    """
    groups = _two_groups(fold_id, y, seed)
    halves, singles = [], []
    sign = 1.0 if metric.greater_is_better else -1.0
    for a in (0, 1):
        pick, held = groups == a, groups != a
        part = caruana([p[pick] for p in preds], y[pick], metric, fold_id[pick], deadline=_share(deadline, 3 - a))
        score_held = fold_scorer(metric, y[held], fold_id[held])
        halves.append(score_held(_blend(preds, part.weights, held)))
        score_pick = fold_scorer(metric, y[pick], fold_id[pick])
        best = max(range(len(preds)), key=lambda i: sign * score_pick(preds[i][pick]))
        singles.append(score_held(preds[best][held]))
    full = caruana(preds, y, metric, fold_id, deadline=deadline)
    full.honest_score = float(np.mean(halves))
    full.honest_single = float(np.mean(singles))
    return full


def _share(deadline: float, calls_left: int) -> float:
    """The deadline of the next of ``calls_left`` selections splitting the time to ``deadline``."""
    now = time.monotonic()
    return now + (deadline - now) / calls_left


def fold_scorer(metric: Metric, y: np.ndarray, fold_id: np.ndarray | None):
    """``pred -> score``: the mean of the metric over the folds (the plain metric for one fold)."""
    folds = [] if fold_id is None else [np.flatnonzero(fold_id == f) for f in np.unique(fold_id)]
    if len(folds) < 2:
        return lambda pred: metric(y, pred)
    return lambda pred: float(np.mean([metric(y[rows], pred[rows]) for rows in folds]))


def _blend(preds: list[np.ndarray], weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return sum(w * p[rows] for w, p in zip(weights, preds) if w > 0)


def _two_groups(fold_id: np.ndarray, y: np.ndarray, seed: int) -> np.ndarray:
    folds = np.unique(fold_id)
    if len(folds) >= 2:
        return np.isin(fold_id, folds[1::2]).astype(int)
    order = np.lexsort((np.random.default_rng(seed).random(len(y)), y))  # by target, shuffled among equals
    groups = np.empty(len(y), dtype=int)
    groups[order] = np.arange(len(y)) % 2  # alternate: a class of 2+ rows lands in both halves
    return groups
