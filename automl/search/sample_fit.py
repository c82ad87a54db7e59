"""The last resort when no trial finished on all rows: a model fit on a sample of them.

On a table too large for the budget (a million rows in 20 s, 300,000 rows and 200 columns in 60 s)
every trial can run out of time on its full folds, and the search would end with no model at all.
But trials are screened on row fractions of fold 0 first (sampling.halving_rungs), so a trial killed
later has already been scored on, say, a ninth of the rows. Its model fit on that many rows, drawn
from all of them, is what such a rung measured: the best trial at the largest rung that the time
left can fit is exported, with that rung's score, and the log says so.
"""

from __future__ import annotations

import dataclasses
import logging
import time

from automl.search.budget import REFIT_SAFETY, WORKER_RESTART_S

logger = logging.getLogger("automl")

SAMPLE = "sample"  # the final fit's name in run.json and on the result (next to "refit" and "bag")


@dataclasses.dataclass(frozen=True)
class SampleChoice:
    record: dict  # the trial's record, its score the rung's
    rows: int  # rows to fit on (the rung's training rows)
    seconds: float  # the rung's fit (and predict) time


def choose_sample_fit(records: list[dict], rungs: tuple[float, ...], n_train_rows: int, greater_is_better: bool,
                      seconds_left: float) -> SampleChoice | None:
    """The best trial at the largest row fraction whose fit (timed at its rung) fits in ``seconds_left``."""
    options = []
    for r in records:
        for k, (score, seconds) in enumerate(zip(r.get("rung_scores") or [], r.get("rung_fit_s") or [])):
            if k < len(rungs) and seconds * REFIT_SAFETY + WORKER_RESTART_S < seconds_left:
                options.append((rungs[k], score if greater_is_better else -score, seconds, r))
    if not options:
        return None
    fraction, _, seconds, record = max(options, key=lambda o: (o[0], o[1]))
    score = record["rung_scores"][rungs.index(fraction)]
    return SampleChoice({**record, "score": score}, max(1, int(fraction * n_train_rows)), seconds)


def fit_on_a_sample(backend, driver, deadline: float, n_rows: int):
    """Return ``(model, record)`` of the best trial refit on a sample, or None when no rung fits in time."""
    choice = choose_sample_fit(driver.records, driver.rungs, driver.n_train_rows, driver.metric.greater_is_better,
                               deadline - time.monotonic())
    if choice is None:
        return None
    r = choice.record
    logger.warning("No trial finished on all rows within the budget. Exporting trial %d (%s) fit on %d of %d rows,"
                   " the most any trial was scored on in time (%s=%.5g on those); raise time_budget for a model of"
                   " all rows.", r["trial"], r["family"], choice.rows, n_rows, driver.metric.name, r["score"])
    out = backend.refit(dataclasses.replace(driver.spec_for(r), rows=choice.rows), deadline)
    if isinstance(out, str):
        logger.warning("The fit on a sample failed too: %s", out)
        return None
    return out, r
