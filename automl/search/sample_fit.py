"""A model fit on a sample of the rows, when no trial finished on all of them in time, or when on a
holdout one scored on a sample beats every trial that did.

On a table too large for the budget (a million rows in 20 s, 300,000 rows and 200 columns in 60 s)
every trial can run out of time on its full folds, and the search would end with no model at all.
But trials are screened on row fractions of fold 0 first (sampling.halving_rungs), so a trial stopped
later has already been scored on, say, a third of the rows. Its model fit on that many rows, drawn
from all of them, is what such a rung measured: the best trial at the largest rung that the time
left can fit is exported, with that rung's score, and the log says so.

On a holdout split (fold 0 is the only fold) a rung's score and a finished trial's are measured on the
same validation rows, so they compare directly: on a million rows at 60 s, a linear model finished
(AUC 0.831) while XGBoost, stopped after a third of the rows, had scored 0.883 there. Then the sample
model is exported. With k folds a finished trial's score is a mean over folds: no such comparison.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from automl.evaluation.evaluate import COMPLETE
from automl.search.budget import REFIT_SAFETY, WORKER_RESTART_S

logger = logging.getLogger("automl")

SAMPLE = "sample"  # the final fit's name in run.json and on the result (next to "refit" and "bag")


@dataclasses.dataclass(frozen=True)
class SampleChoice:
    record: dict  # the trial's record, its score the rung's
    rows: int  # rows to fit on (the rung's training rows)


def choose_sample_fit(records: list[dict], rungs: tuple[float, ...], n_train_rows: int, greater_is_better: bool,
                      seconds_left: float, beat: float | None = None) -> SampleChoice | None:
    """The best trial at the largest row fraction whose fit (timed at its rung) fits in ``seconds_left``;
    with ``beat``, only a rung score better than it (a finished trial's, on the same holdout rows)."""
    option = _best_option(records, rungs, greater_is_better, beat, seconds_left)
    if option is None:
        return None
    k, score, _, record = option
    return SampleChoice({**record, "score": score}, max(1, int(rungs[k] * n_train_rows)))


def sample_fit_reserve(records: list[dict], rungs: tuple[float, ...], greater_is_better: bool,
                       beat: float | None = None) -> float:
    """Seconds to keep back for the fit on a sample that would be exported now, given the time (0: none
    would). Keeping back only the cheapest one's let a cheaper, worse one be exported: on 1,000,000 rows
    at 60 s, HistGradientBoosting's third of the rows (AUC 0.8803, 6.0 s) instead of XGBoost's (0.8828, 6.5 s)."""
    option = _best_option(records, rungs, greater_is_better, beat, float("inf"))
    return 0.0 if option is None else _sample_fit_seconds(option[2])


def _best_option(records: list[dict], rungs: tuple[float, ...], greater_is_better: bool, beat: float | None,
                 seconds_left: float):
    """``(rung, score, seconds, record)`` of the largest rung, best score there, whose fit fits in ``seconds_left``."""
    sign = 1.0 if greater_is_better else -1.0
    options = [o for o in _rung_options(records, rungs, sign, beat) if _sample_fit_seconds(o[2]) < seconds_left]
    return max(options, key=lambda o: (o[0], sign * o[1]), default=None)


def _sample_fit_seconds(rung_seconds: float) -> float:
    """A fit on a rung's rows, timed at that rung, with a margin and a fresh worker's start."""
    return rung_seconds * REFIT_SAFETY + WORKER_RESTART_S


def _rung_options(records: list[dict], rungs: tuple[float, ...], sign: float, beat: float | None):
    """``(rung, score, seconds, record)`` of each unfinished trial's rungs (better than ``beat``, if given)."""
    for r in records:
        if r["status"] == COMPLETE:  # its score on all rows is the better measure of it
            continue
        for k, (score, seconds) in enumerate(zip(r.get("rung_scores") or [], r.get("rung_fit_s") or [])):
            if k < len(rungs) and (beat is None or sign * score > sign * beat):
                yield k, score, seconds, r


def fit_on_a_sample(backend, driver, deadline: float, n_rows: int, beat: dict | None = None, keep_s: float = 0.0):
    """Return ``(model, record)`` of the best trial refit on a sample, or None when no rung fits in time
    (``keep_s`` seconds before ``deadline`` are left for another fit) or, with ``beat`` (the best finished
    trial's record), none scored better than it."""
    choice = choose_sample_fit(driver.records, driver.rungs, driver.n_train_rows, driver.metric.greater_is_better,
                               deadline - keep_s - time.monotonic(), None if beat is None else beat["score"])
    if choice is None:
        return None
    r, metric = choice.record, driver.metric.name
    why = ("No trial finished on all rows within the budget." if beat is None else
           f"Trial {r['trial']} ({r['family']}) scored better on {choice.rows} rows than any trial fit on all of them"
           f" (best: trial {beat['trial']} {beat['family']}, {metric}={beat['score']:.5g}, on the same holdout rows).")
    logger.warning("%s Exporting trial %d (%s) fit on %d of %d rows, the most it was scored on in time (%s=%.5g on"
                   " those); raise time_budget for a model of all rows.", why, r["trial"], r["family"], choice.rows,
                   n_rows, metric, r["score"])
    out = backend.refit(dataclasses.replace(driver.spec_for(r), rows=choice.rows), deadline)
    if isinstance(out, str):
        logger.warning("The fit on a sample failed too: %s", out)
        return None
    return out, r
