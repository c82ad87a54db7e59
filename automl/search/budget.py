"""The time and trial budget of one fit() call, and the refit time it must keep back."""

from __future__ import annotations

import time

SAVE_MARGIN_S = 1.0  # kept for saving the model and leaderboard after the refit
REFIT_SAFETY = 1.5  # refit estimate = fold fit time scaled to all rows, times this
# The final fits took a median 0.42 of their estimates (max 0.96; benchmarks/time_use.py, 60 s fits on the 18
# inner 80 % splits at dfc5ba3, 72 fits), and fit() returned 0.9-5.2 s (median 3.1 s) before the budget. Keeping
# back only their median time (the fold fit time scaled to all rows, plus 0.1 s: they took a median 1.1x that, at
# most 1.9x) and planning the final fits against the hard limit was tried (branch `reserve`, 5f33513, against
# dfc5ba3 with benchmarks/revision_choice.py, 60 s fits on the inner splits, seed 3): walls 1.0-2.7 s longer,
# more trials on 12 of 18, holdout better on none, worse on 3 (blood_transfusion -0.0069 AUC, kc1 -0.0025,
# segment +1.3 %), tied 15. Two reruns of dfc5ba3 reproduced its scores on those three exactly. Not adopted.
# a trial killed at the search deadline leaves the refit a fresh worker to wait for: 0.05-0.2 s when forked by
# the zygote (Linux, launch.py), 2.2-2.6 s as a fresh interpreter; 1.5 s was measured before the zygote and kept.
# 0.5 s was tried at 2b3ef28 (benchmarks/restart_reserve_choice.py, 60 s fits on 6 inner splits x 2 seeds): the
# search ran 1.0 s longer and the holdout tied on 11, was worse on 1 (segment s1 +7.7 %), better on none.
WORKER_RESTART_S = 1.5


class Budget:
    """Deadlines on ``time.monotonic``; ``time_budget=None`` means no time limit."""

    def __init__(self, time_budget: float | None, n_trials: int | None, trial_timeout: float | None, t0: float | None = None):
        self.t0 = time.monotonic() if t0 is None else t0
        self.time_budget = time_budget
        self.n_trials = n_trials
        if trial_timeout is None and time_budget is not None:
            trial_timeout = max(10.0, 0.25 * time_budget)
        self.trial_timeout = trial_timeout
        self.started = 0
        self.search_s = 0.0  # seconds from the start to the search's end (the final fits come after)

    @property
    def end(self) -> float:
        return float("inf") if self.time_budget is None else self.t0 + self.time_budget

    @property
    def hard_end(self) -> float:
        """When fit() must have returned: budget x 1.1 + 2 s, less the saving margin."""
        if self.time_budget is None:
            return float("inf")
        return self.t0 + self.time_budget * 1.1 + 2.0 - SAVE_MARGIN_S

    @property
    def slack(self) -> float:
        """Seconds between the budget's end and the hard limit (0 without a time budget)."""
        return 0.0 if self.time_budget is None else self.hard_end - self.end

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def can_start(self, refit_reserve: float) -> bool:
        if self.n_trials is not None and self.started >= self.n_trials:
            return False
        return time.monotonic() + refit_reserve < self.end

    def trial_deadline(self, refit_reserve: float) -> tuple[float, str]:
        """When the next trial must stop, and which limit that is (for the timed-out trial's error)."""
        limit = time.monotonic() + (self.trial_timeout or float("inf"))
        search_end = self.end - refit_reserve
        if search_end < limit:
            return search_end, "the end of the time budget (the rest is kept for the final refit)"
        return limit, f"the trial time limit ({self.trial_timeout or float('inf'):g} s)"

    def default_reserve(self) -> float:
        """Refit time kept back before any trial has finished."""
        return 0.0 if self.time_budget is None else min(0.1 * self.time_budget, 1.0 + 0.05 * self.time_budget)


def refit_estimate(fit_time_s: float, n_folds: int, n_rows: int, n_train_rows: int, rungs: tuple[float, ...] = ()) -> float:
    """Seconds a refit on all rows should take, from the trial's CV fit times."""
    per_fold = fit_time_s / _fold_fits(n_folds, rungs)
    return per_fold * (n_rows / max(n_train_rows, 1)) * REFIT_SAFETY + 0.5


def bag_estimate(fit_time_s: float, n_folds: int, rungs: tuple[float, ...] = ()) -> float:
    """Seconds to fit the trial's k fold models again (a bag): its CV fit time, with a margin."""
    return fit_time_s * n_folds / _fold_fits(n_folds, rungs) * REFIT_SAFETY + 0.2 * n_folds


def _fold_fits(n_folds: int, rungs: tuple[float, ...]) -> float:
    """A finished trial's fits counted in folds: its ``fit_time_s`` also holds the fits on the row-fraction
    rungs (sampling.halving_rungs), each that fraction of a fold: on a holdout with rungs 1/9 and 1/3 they
    made the refit estimate 1.44 times the fold's time."""
    return max(n_folds + sum(rungs), 1)
