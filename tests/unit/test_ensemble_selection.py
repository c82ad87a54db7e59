"""Caruana ensemble selection on prediction arrays built in the test."""

from __future__ import annotations

import numpy as np
import pytest

from automl.ensemble import caruana, select_honestly
from automl.ensemble.selection import _two_groups, fold_scorer
from automl.evaluation.metrics import get_metric


def _complementary(n: int = 600, seed: int = 0):
    """Two candidates, each right on its own half of the rows and guessing on the other half,
    plus a mediocre third one: a blend of the first two beats either."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    half = np.arange(n) < n // 2
    sure = np.where(y == 1, 0.9, 0.1)
    noise = rng.uniform(0, 1, n)
    a = np.where(half, sure, noise)
    b = np.where(half, noise, sure)
    c = np.clip(0.5 + 0.05 * np.where(y == 1, 1, -1) + rng.uniform(-0.2, 0.2, n), 0.01, 0.99)
    to_proba = lambda p: np.column_stack([1 - p, p])  # noqa: E731
    fold_id = rng.permutation(n) % 5
    return [to_proba(a), to_proba(b), to_proba(c)], y, fold_id


@pytest.mark.parametrize("metric_name", ["roc_auc", "log_loss"])
def test_complementary_candidates_are_both_picked(metric_name):
    preds, y, fold_id = _complementary()
    metric = get_metric(metric_name, "binary")
    sel = caruana(preds, y, metric, fold_id)
    assert np.isclose(sel.weights.sum(), 1.0) and (sel.weights >= 0).all()
    assert sel.weights[0] > 0 and sel.weights[1] > 0  # >= 2 members, the complementary pair
    score = fold_scorer(metric, y, fold_id)
    best_single = max(score(p) for p in preds) if metric.greater_is_better else min(score(p) for p in preds)
    assert not metric.is_better(best_single, sel.score)  # never worse than its best member, where selected
    blended = sum(w * p for w, p in zip(sel.weights, preds))
    assert sel.score == pytest.approx(score(blended))  # the reported score is the weights' score
    assert metric.is_better(sel.score, best_single)  # and here strictly better


@pytest.mark.parametrize("seed", range(5))
def test_never_worse_than_the_best_candidate_on_its_rows(seed):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=300)
    preds = [y + rng.normal(scale=s, size=300) + rng.normal() for s in rng.uniform(0.2, 2.0, 8)]
    metric = get_metric("rmse", "regression")
    sel = caruana(preds, y, metric)
    assert sel.score <= min(metric(y, p) for p in preds) + 1e-12
    assert np.isclose(sel.weights.sum(), 1.0)


def test_honest_score_is_not_fooled_by_noise():
    """On candidates with no signal, weights fitted in-sample look good; the cross-fitted score does not."""
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    preds = [np.column_stack([1 - p, p]) for p in rng.uniform(0, 1, (20, 300))]
    fold_id = np.arange(300) % 5
    sel = select_honestly(preds, y, fold_id, get_metric("roc_auc", "binary"))
    assert sel.score > 0.56  # in-sample: optimistic
    assert sel.honest_score < sel.score - 0.03
    assert abs(sel.honest_score - 0.5) < 0.06


def test_single_fold_splits_its_rows_for_the_honest_score():
    preds, y, _ = _complementary()
    sel = select_honestly(preds, y, np.zeros(len(y), dtype=int), get_metric("roc_auc", "binary"))
    assert sel.honest_score is not None and 0.5 < sel.honest_score <= 1.0


def test_single_fold_halves_each_hold_every_class():
    # a 60-row binary holdout with 2 positives: random halves often put both in one half, whose ROC AUC is undefined
    y = np.r_[np.zeros(58, dtype=int), 1, 1]
    for seed in range(10):
        groups = _two_groups(np.zeros(60, dtype=int), y, seed)
        assert [np.bincount(y[groups == g], minlength=2).tolist() for g in (0, 1)] == [[29, 1], [29, 1]]


def test_blend_of_complementary_candidates_beats_the_cross_fitted_best_single():
    preds, y, fold_id = _complementary()
    sel = select_honestly(preds, y, fold_id, get_metric("log_loss", "binary"))
    assert sel.honest_single is not None and sel.honest_score < sel.honest_single  # log loss: lower is better


def test_pool_adds_each_other_familys_best_trial():
    """Near-copies of one family filling the top 20 must not keep the other families out of the pool."""
    from automl.search.ensembling import N_CANDIDATES, ensemble_pool

    best_first = ([{"trial": i, "family": "xgboost"} for i in range(30)]
                  + [{"trial": 30, "family": "mlp"}, {"trial": 31, "family": "random_forest"},
                     {"trial": 32, "family": "mlp"}])
    pool = ensemble_pool(best_first)
    assert [r["trial"] for r in pool] == list(range(N_CANDIDATES)) + [30, 31]
    assert len(best_first) == 33  # the caller's list is left as it was


def test_the_three_selections_share_the_time_to_the_deadline(monkeypatch):
    """The two half-selections (for the honest score) must not use up the time of the last one, whose
    weights are exported: on a large table a shared deadline left it a single pick."""
    import time

    from automl.ensemble import selection

    seen, real = [], selection.caruana
    monkeypatch.setattr(selection, "caruana", lambda *a, deadline, **k: seen.append(deadline) or real(*a, deadline=deadline, **k))
    preds, y, fold_id = _complementary()
    start = time.monotonic()
    end = start + 30.0
    select_honestly(preds, y, fold_id, get_metric("log_loss", "binary"), deadline=end)
    assert len(seen) == 3 and seen[0] < seen[1] < seen[2] == end
    assert seen[0] - start <= 10.5 and seen[1] - start <= 21.0  # a third each (of 30 s), give or take the picking
