"""A trial whose folds, at their measured pace, would end past its deadline is stopped at once
(recorded as ``timeout``) instead of being killed there with nothing to show."""

from __future__ import annotations

import optuna
import pytest

from automl.evaluation.evaluate import COMPLETE, PRUNED, TIMEOUT, TrialResult
from automl.evaluation.metrics import get_metric
from automl.families.registry import families_for
from automl.results.store import RunStore
from automl.search.budget import REFIT_SAFETY, WORKER_RESTART_S, Budget, refit_estimate
from automl.search.driver import SearchDriver
from automl.spaces import load_space
from tests.unit.conftest import Clock


def make_driver(tmp_path, rungs: tuple[float, ...] = (), n_folds: int = 5) -> SearchDriver:
    families = {f.name: f for f in families_for("binary", ["linear"])}
    study = optuna.create_study(direction="maximize", pruner=optuna.pruners.NopPruner(),
                                sampler=optuna.samplers.RandomSampler(seed=0))
    return SearchDriver(study=study, spaces={n: load_space(f, "binary", None) for n, f in families.items()},
                        families=families, metric=get_metric(None, "binary"),
                        budget=Budget(time_budget=None, n_trials=None, trial_timeout=10.0),
                        store=RunStore.create(tmp_path), records=[], n_rows=1000, n_train_rows=800,
                        n_folds=n_folds, seed=0, n_jobs=1, rungs=rungs)


def run_folds(driver: SearchDriver, clock: Clock, number: int, step_seconds: list[float], start_up: float = 0.0,
              predict_s: float = 0.0) -> list[bool]:
    """Report one step after each of ``step_seconds`` of fitting (the first also after the worker's
    ``start_up``), each followed by ``predict_s`` of predicting; the driver's answers (True: stop)."""
    answers = []
    clock.now += start_up
    for step, seconds in enumerate(step_seconds):
        clock.now += seconds + predict_s
        answers.append(driver.report(number, step, 0.9, seconds, predict_s))
    return answers


def test_a_trial_that_would_overrun_is_stopped_after_its_second_fold(tmp_path, clock):
    driver = make_driver(tmp_path)
    spec = driver.next_trial()
    # fold 0 reports at 4 s (start-up included: not timed); fold 1 takes 3 s: 7 s + 3 folds x 3 s = 16 s > 10 s
    assert run_folds(driver, clock, spec.number, [4.0, 3.0]) == [False, True]
    driver.finish(TrialResult(spec.number, spec.family.name, spec.params, PRUNED, score=0.9, fold_scores=[0.9, 0.9]))
    record = driver.records[-1]
    assert record["status"] == TIMEOUT
    assert record["error"] == ("TimeoutError: stopped after fold 2 of 5 (3.0 s a fold): the rest would run past"
                               " the trial time limit (10 s)")
    assert record["fold_scores"] == [0.9, 0.9]


def test_a_trial_that_fits_in_time_is_left_alone(tmp_path, clock):
    driver = make_driver(tmp_path)
    spec = driver.next_trial()
    # fold 0 reports at 5 s (a slow start-up), then 1 s folds: 6 s + 3 x 1 s = 9 s, within the limit
    # (timed from the trial's start, fold 0's 5 s would project 25 s)
    assert run_folds(driver, clock, spec.number, [5.0, 1.0, 1.0, 1.0]) == [False] * 4


def test_the_pace_is_timed_from_the_last_rung_not_from_the_small_fits(tmp_path, clock):
    driver = make_driver(tmp_path, rungs=(1 / 3,), n_folds=3)
    spec = driver.next_trial()
    # the rung (a third of fold 0's rows) reports at 1 s; fold 0 on all rows takes 4 s: 5 + 2 x 4 = 13 s > 10 s
    assert run_folds(driver, clock, spec.number, [1.0, 4.0]) == [False, True]
    driver.finish(TrialResult(spec.number, spec.family.name, spec.params, PRUNED, score=0.9, fold_scores=[0.9]))
    assert driver.records[-1]["error"].startswith("TimeoutError: stopped after fold 1 of 3 (4.0 s a fold)")


def test_a_trial_the_pruner_stops_stays_pruned(tmp_path, clock):
    driver = make_driver(tmp_path)
    spec = driver.next_trial()
    run_folds(driver, clock, spec.number, [1.0, 1.0])
    driver.finish(TrialResult(spec.number, spec.family.name, spec.params, PRUNED, score=0.9, fold_scores=[0.9, 0.9]))
    assert driver.records[-1]["status"] == PRUNED and driver.records[-1]["error"] is None


def test_a_holdout_trial_is_paced_by_its_last_rung(tmp_path, clock):
    """A holdout's one fold never reports, so a trial that could not finish it ran into the kill and gave
    nothing; its last rung (a third of the rows) now says it would not finish."""
    driver = make_driver(tmp_path, rungs=(1 / 9, 1 / 3), n_folds=1)
    slow = driver.next_trial()
    # rungs at 1 s and 3 s: the fit on all rows would take ~3 x 3 s = 9 s from 4 s: past the 10 s limit
    assert run_folds(driver, clock, slow.number, [1.0, 3.0]) == [False, True]
    driver.finish(TrialResult(slow.number, slow.family.name, slow.params, PRUNED, score=0.9, rung_scores=[0.8, 0.9]))
    record = driver.records[-1]
    assert record["status"] == TIMEOUT and record["error"].startswith("TimeoutError: stopped after its 33%-rows step (3.0 s)")
    assert record["rung_scores"] == [0.9, 0.9] and record["rung_fit_s"] == [1.0, 3.0]  # kept for search/sample_fit.py
    fast = driver.next_trial()
    assert run_folds(driver, clock, fast.number, [0.5, 1.0]) == [False, False]  # 1.5 s + 3 x 1 s: in time


def test_a_holdout_trial_is_paced_from_rung_to_rung(tmp_path, clock):
    """On a million rows at 10 s the one trial ran its first rung (3 s), then into the kill on its second:
    no model at all. Each rung now paces the next."""
    driver = make_driver(tmp_path, rungs=(1 / 9, 1 / 3), n_folds=1)
    slow = driver.next_trial()
    # the first rung takes 4 s: the second (3x the rows) would take ~12 s from 4 s: past the 10 s limit
    assert run_folds(driver, clock, slow.number, [4.0]) == [True]
    driver.finish(TrialResult(slow.number, slow.family.name, slow.params, PRUNED, score=0.9, rung_scores=[0.9]))
    assert driver.records[-1]["error"] == ("TimeoutError: stopped after its 11%-rows step (4.0 s): the fit on 33% of"
                                           " its rows would run past the trial time limit (10 s)")
    fast = driver.next_trial()
    assert run_folds(driver, clock, fast.number, [1.0]) == [False]  # 1 s + ~3 s: in time


def test_a_rung_is_timed_by_the_worker_not_from_the_trials_hand_out(tmp_path, clock):
    """Timed from the hand-out, the first rung also counted the worker's start-up (2 s here), and its
    prediction of fold 0's validation rows (1 s), which does not grow with the rows fit on: the next rung,
    3x the rows, looked like 12 s instead of 3 x 1 s + 1 s, and the trial was stopped."""
    driver = make_driver(tmp_path, rungs=(1 / 9, 1 / 3), n_folds=1)
    spec = driver.next_trial()
    assert run_folds(driver, clock, spec.number, [1.0], start_up=2.0, predict_s=1.0) == [False]  # 4 s + 4 s: < 10 s
    driver.finish(TrialResult(spec.number, spec.family.name, spec.params, PRUNED, score=0.9, rung_scores=[0.9]))
    assert driver.records[-1]["rung_fit_s"] == [1.0]  # the fit's seconds: the sample fit's reserve is timed from them
    slow = driver.next_trial()
    assert run_folds(driver, clock, slow.number, [1.0], start_up=2.0, predict_s=3.5) == [True]  # 6.5 s + 6.5 s


def test_the_reserve_keeps_time_for_the_fit_on_a_sample_that_would_be_exported(tmp_path, clock):
    """Before any trial completes, and on a holdout while a trial scored on a sample beats every finished
    one, the model to export is a fit on a sample (search/sample_fit.py): its time is kept back too. On a
    million rows at 10 s there was no model; at 20 s the finished linear model's refit reserve left the
    better XGBoost sample fit 0.3 s short."""
    driver = make_driver(tmp_path, rungs=(1 / 9, 1 / 3), n_folds=1)
    driver.budget = Budget(time_budget=100.0, n_trials=None, trial_timeout=None)
    assert driver.refit_reserve() == 6.0  # nothing measured yet: the budget's default
    sampled = driver.next_trial()
    run_folds(driver, clock, sampled.number, [4.0])
    driver.finish(TrialResult(sampled.number, sampled.family.name, sampled.params, PRUNED, score=0.9, rung_scores=[0.9]))
    sample_fit = 4.0 * REFIT_SAFETY + WORKER_RESTART_S  # 7.5 s
    assert driver.refit_reserve() == sample_fit
    refit = refit_estimate(2.0, 1, 1000, 800, (1 / 9, 1 / 3))  # 3.1 s
    for n_done, (score, also_sample) in enumerate([(0.8, True), (0.95, False)], 1):  # worse than the rung, then better
        done = driver.next_trial()
        clock.now += 2.0
        driver.finish(TrialResult(done.number, done.family.name, done.params, COMPLETE, score=score, fold_scores=[score],
                                  fit_time_s=2.0))
        # the end fits the sample (the best trial's refit only if that fails, in the 11 s before the hard limit)
        # or refits the best trials for a blend: the larger is kept back, not both
        expected = max(n_done * refit, sample_fit if also_sample else 0.0) + WORKER_RESTART_S
        assert driver.refit_reserve() == pytest.approx(expected)


def test_the_best_trials_refit_after_a_failed_sample_fit_fits_before_the_hard_limit(tmp_path, clock):
    """The fit on a sample starts only if the best trial's refit still fits after it before the hard limit
    (sample_fit.fit_on_a_sample): the reserve keeps back the part of that refit the hard limit's slack lacks."""
    driver = make_driver(tmp_path, rungs=(1 / 9, 1 / 3), n_folds=1)
    driver.budget = Budget(time_budget=10.0, n_trials=None, trial_timeout=None)  # 2 s between the end and the hard limit
    sampled = driver.next_trial()
    run_folds(driver, clock, sampled.number, [1.0])
    driver.finish(TrialResult(sampled.number, sampled.family.name, sampled.params, PRUNED, score=0.9, rung_scores=[0.9]))
    done = driver.next_trial()
    driver.finish(TrialResult(done.number, done.family.name, done.params, COMPLETE, score=0.8, fold_scores=[0.8],
                              fit_time_s=2.0))
    sample_fit, refit = 1.0 * REFIT_SAFETY + WORKER_RESTART_S, refit_estimate(2.0, 1, 1000, 800, (1 / 9, 1 / 3))
    assert driver.budget.slack == pytest.approx(2.0)
    assert driver.refit_reserve() == pytest.approx(sample_fit + (refit - 2.0) + WORKER_RESTART_S)
