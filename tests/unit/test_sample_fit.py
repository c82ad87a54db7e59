"""choose_sample_fit: which trial and how many rows a table too large for the budget is fit on."""

from __future__ import annotations

from automl.search.budget import REFIT_SAFETY, WORKER_RESTART_S
from automl.search.sample_fit import choose_sample_fit, sample_fit_reserve

RUNGS = (1 / 9, 1 / 3)


def _record(trial: int, scores: list[float], seconds: list[float], status: str = "timeout") -> dict:
    return {"trial": trial, "family": "f", "status": status, "score": None, "rung_scores": scores, "rung_fit_s": seconds}


def test_the_largest_rung_that_fits_in_time_then_the_best_score_there():
    records = [_record(0, [0.80, 0.84], [1.0, 3.0]), _record(1, [0.83, 0.82], [1.0, 3.0]), _record(2, [0.90], [1.0])]
    choice = choose_sample_fit(records, RUNGS, 9_000, greater_is_better=True, seconds_left=60.0)
    assert (choice.record["trial"], choice.rows, choice.record["score"]) == (0, 3_000, 0.84)
    # too little time for a 1/3 rung's fit (3 s x 1.5 + a worker's restart): the best at 1/9
    choice = choose_sample_fit(records, RUNGS, 9_000, greater_is_better=True, seconds_left=5.0)
    assert (choice.record["trial"], choice.rows, choice.record["score"]) == (2, 1_000, 0.90)


def test_lower_is_better_and_nothing_that_fits():
    records = [_record(0, [2.0], [1.0]), _record(1, [1.5], [1.0], status="pruned"), _record(2, [], [])]
    assert choose_sample_fit(records, RUNGS, 900, greater_is_better=False, seconds_left=60.0).record["trial"] == 1
    assert choose_sample_fit(records, RUNGS, 900, greater_is_better=False, seconds_left=2.0) is None
    assert choose_sample_fit([_record(3, [], [])], RUNGS, 900, greater_is_better=True, seconds_left=60.0) is None


def test_on_a_holdout_only_a_rung_better_than_the_best_finished_trial():
    records = [_record(0, [0.80, 0.83], [1.0, 3.0], status="complete"), _record(1, [0.86, 0.88], [1.0, 3.0]),
               _record(2, [0.87], [1.0])]
    # the finished trial scored 0.83 on all rows: trial 1's 0.88 on a third of them is better, on the same holdout
    choice = choose_sample_fit(records, RUNGS, 9_000, greater_is_better=True, seconds_left=60.0, beat=0.83)
    assert (choice.record["trial"], choice.rows) == (1, 3_000)
    assert choose_sample_fit(records, RUNGS, 9_000, greater_is_better=True, seconds_left=60.0, beat=0.9) is None
    # a finished trial's own rungs never stand in for it
    assert choose_sample_fit(records[:1], RUNGS, 9_000, greater_is_better=True, seconds_left=60.0, beat=0.5) is None


def test_the_reserve_is_for_the_fit_the_choice_would_take_not_the_cheapest():
    """On 1,000,000 rows at 60 s the reserve held only the cheapest sample fit's time, so the choice at the end
    could not afford XGBoost's third of the rows (6.5 s, AUC 0.8828) and took HistGradientBoosting's (6.0 s, 0.8803)."""
    records = [_record(0, [0.87, 0.8803], [3.5, 6.0]), _record(1, [0.88, 0.8828], [2.3, 6.5])]
    reserve = sample_fit_reserve(records, RUNGS, greater_is_better=True)
    assert reserve == 6.5 * REFIT_SAFETY + WORKER_RESTART_S
    choice = choose_sample_fit(records, RUNGS, 9_000, greater_is_better=True, seconds_left=reserve + 0.01)
    assert choice.record["trial"] == 1 and choice.rows == 3_000
    assert sample_fit_reserve(records, RUNGS, greater_is_better=True, beat=0.9) == 0.0  # none would be exported
