"""The ensemble stage after the search (automl/search/ensembling.py): which trials it may blend in the
time left, and the leaderboard row it leaves when time keeps a blend from being built."""

from __future__ import annotations

import time
import types

import numpy as np

from automl.evaluation.evaluate import COMPLETE, FAILED
from automl.evaluation.metrics import get_metric
from automl.results.store import RunStore
from automl.search.budget import Budget
from automl.search.ensembling import ENSEMBLE_TRIAL, build_ensemble, families_first


def _stage(tmp_path, refit_cost, n_copies: int = 1):
    """Complementary trials (each right on its own half of the rows): ``n_copies`` linear near-copies of
    one, then an XGBoost trial, with their OOF predictions saved in a real run folder; a final fit whose
    refit of a trial costs ``refit_cost(record)`` s; ~12 s left (a 10 s budget just started)."""
    rng = np.random.default_rng(0)
    n = 400
    y = rng.integers(0, 2, n)
    half = np.arange(n) < n // 2
    sure, noise = np.where(y == 1, 0.9, 0.1), rng.uniform(0, 1, n)
    linear, xgb = (np.column_stack([1 - p, p]) for p in (np.where(half, sure, noise), np.where(half, noise, sure)))
    oofs = [linear] * n_copies + [xgb]
    fold_id = rng.permutation(n) % 5
    store = RunStore.create(tmp_path)
    records = [{"trial": t, "family": "linear" if t < n_copies else "xgboost", "status": COMPLETE,
                "score": 0.75 - 0.001 * t, "fit_time_s": 1.0} for t in range(len(oofs))]
    for r, oof in zip(records, oofs):
        store.save_oof(r["trial"], oof, keep=[r["trial"] for r in records])
    driver = types.SimpleNamespace(store=store, metric=get_metric("roc_auc", "binary"), seed=0,
                                   best_records=lambda: records)
    final = types.SimpleNamespace(mode="refit", task="binary", classes=np.array([0, 1]), cost=refit_cost,
                                  fit=lambda r: ("model of trial", r["trial"]))
    budget = Budget(time_budget=10.0, n_trials=None, trial_timeout=None, t0=time.monotonic())
    return final, driver, budget, y, fold_id, records[0]


def test_a_blend_of_complementary_trials_is_built_when_its_refits_fit(tmp_path):
    final, driver, budget, y, fold_id, best = _stage(tmp_path, lambda r: 0.1)
    record, model = build_ensemble(final, driver, budget, y, fold_id, ("model of trial", 0), best)
    assert record["status"] == COMPLETE and record["error"] is None
    assert {m["trial"] for m in record["params"]["members"]} == {0, 1} and model is not None


def test_a_blend_kept_out_by_the_time_left_leaves_a_row_saying_so(tmp_path):
    """Trial 1's refit cannot fit in the ~12 s left, so no blend can be built: the leaderboard says why
    (a run that exported one trial once did not, and its 40 % better blend went missing unexplained)."""
    refit_cost = lambda r: 1000.0 if r["family"] == "xgboost" else 0.1  # noqa: E731
    final, driver, budget, y, fold_id, best = _stage(tmp_path, refit_cost)
    record, model = build_ensemble(final, driver, budget, y, fold_id, ("model of trial", 0), best)
    assert model is None
    assert record["trial"] == ENSEMBLE_TRIAL and record["status"] == FAILED and record["score"] is None
    assert record["error"].startswith("not built: no xgboost trial could join the blend") and "time_budget" in record["error"]


def test_other_families_get_the_time_before_near_copies_of_the_best_trial(tmp_path):
    """Twenty near-identical linear trials on top, 1 s of refit each, ~9.6 s to spend: the XGBoost trial
    still gets its refit time (penguins once left every other family out this way)."""
    final, driver, budget, y, fold_id, best = _stage(tmp_path, lambda r: 1.0, n_copies=20)
    record, model = build_ensemble(final, driver, budget, y, fold_id, ("model of trial", 0), best)
    assert model is not None and "xgboost" in {m["family"] for m in record["params"]["members"]}


def test_each_familys_best_comes_before_near_copies():
    """The refit reserve (its first 3) and the ensemble's time both go to each family's best trial before
    near-copies of the best one: a blend mixes families."""
    families = ["linear", "linear", "linear", "xgboost", "linear", "extra_trees", "mlp"]
    best_first = [{"trial": t, "family": f} for t, f in enumerate(families)]
    assert [r["trial"] for r in families_first(best_first)] == [0, 3, 5, 6, 1, 2, 4]


def test_a_member_that_fails_to_fit_is_named_in_the_row(tmp_path):
    # the row said "could not all be fit (refit) within the time budget" whatever the cause
    final, driver, budget, y, fold_id, best = _stage(tmp_path, lambda r: 0.1)
    final.fit = lambda r: "ValueError: Input X contains NaN."
    record, model = build_ensemble(final, driver, budget, y, fold_id, ("model of trial", 0), best)
    assert model is None
    assert record["error"] == "not exported: member trial 1 could not be fit (refit): ValueError: Input X contains NaN."
