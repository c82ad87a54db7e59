"""The search stops launching trials when only the final fits' time is left before the budget: the
estimated refit time of the best trial of each of the three best families (scaled from their fold fit
times to all rows, with a margin), plus a worker's restart."""

from __future__ import annotations

import optuna
import pytest

from automl.evaluation.evaluate import COMPLETE
from automl.evaluation.metrics import get_metric
from automl.families.registry import families_for
from automl.results.store import RunStore
from automl.search.budget import WORKER_RESTART_S, Budget, refit_estimate
from automl.search.driver import SearchDriver
from automl.spaces import load_space

N_ROWS, N_TRAIN_ROWS, N_FOLDS = 1000, 800, 5


def record(trial: int, family: str, score: float, fit_time_s: float) -> dict:
    return {"trial": trial, "family": family, "status": COMPLETE, "score": score, "fit_time_s": fit_time_s}


def make_driver(tmp_path, clock, records: list[dict]) -> SearchDriver:
    families = {f.name: f for f in families_for("binary", ["linear"])}
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=0))
    return SearchDriver(study=study, spaces={n: load_space(f, "binary", None) for n, f in families.items()},
                        families=families, metric=get_metric(None, "binary"),
                        budget=Budget(time_budget=60.0, n_trials=None, trial_timeout=10.0, t0=clock.now),
                        store=RunStore.create(tmp_path), records=records, n_rows=N_ROWS,
                        n_train_rows=N_TRAIN_ROWS, n_folds=N_FOLDS, seed=0, n_jobs=1)


def test_the_search_keeps_back_the_refits_of_the_three_best_families(tmp_path, clock):
    records = [record(0, "lightgbm", 0.95, 10.0), record(1, "lightgbm", 0.94, 50.0),  # a near-copy: not reserved
               record(2, "xgboost", 0.93, 20.0), record(3, "linear", 0.90, 1.0),
               record(4, "knn", 0.80, 40.0)]  # a fourth family: not reserved
    driver = make_driver(tmp_path, clock, records)
    reserved = [records[0], records[2], records[3]]
    needed = sum(refit_estimate(r["fit_time_s"], N_FOLDS, N_ROWS, N_TRAIN_ROWS) for r in reserved)
    # 2, 4 and 0.2 s a fold, x 1.25 for all rows, x 1.5, plus 0.5 s each: 13.125 s; then a worker's restart
    assert needed == pytest.approx(13.125)
    stop_at = 1000.0 + 60.0 - needed - WORKER_RESTART_S

    clock.now = stop_at - 0.01
    assert driver.next_trial() is not None
    clock.now = stop_at + 0.01
    assert driver.next_trial() is None



def test_the_refit_estimate_leaves_out_the_row_fraction_fits():
    """A finished trial's fit time holds its rung fits too (a ninth and a third of the fold's rows, on a
    holdout): counted as fold time they made the estimate 1.44 times the fold's, and large tables ended early."""
    from automl.search.budget import REFIT_SAFETY, bag_estimate

    # 13 s = a 9 s fold + 3 s + 1 s of rungs; all rows are 1.25 x the fold's training rows
    assert refit_estimate(13.0, 1, 1000, 800, rungs=(1 / 9, 1 / 3)) == pytest.approx(9.0 * 1.25 * REFIT_SAFETY + 0.5)
    assert refit_estimate(13.0, 1, 1000, 800) == pytest.approx(13.0 * 1.25 * REFIT_SAFETY + 0.5)  # no rungs: all fold time
    # 3 folds of 6 s and a third-of-a-fold rung of 2 s
    assert bag_estimate(20.0, 3, rungs=(1 / 3,)) == pytest.approx(18.0 * REFIT_SAFETY + 0.6)
