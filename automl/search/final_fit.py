"""How the exported model is fit after the search: one refit on all rows, or a bag of fold models.

A bag is the k models cross-validation scored, fit again (same fold rows, seed and params, so
the same models) and averaged: its out-of-fold predictions are exactly the ones the leaderboard
and the ensemble weights were measured on. It costs about the trial's whole CV fit time instead
of one fit on all rows. Refit is the default: on the public suite's training parts (an inner
holdout; benchmarks/final_fit_choice.py) the bag won on 4 datasets, the refit on 6, 8 tied; again
at 0c5baa2: 5 / 5 / 8, with no table size below which the bag wins.
A holdout split has one fold model: it is always refit.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Any

import numpy as np

from automl.ensemble import EnsembleModel
from automl.search.budget import WORKER_RESTART_S, bag_estimate, refit_estimate

logger = logging.getLogger("automl")

BAG, REFIT = "bag", "refit"  # the values of fit(final_fit=...)


@dataclasses.dataclass
class FinalFit:
    """Fits the exported model's members one way (``mode``), before ``deadline``."""

    mode: str
    backend: Any
    driver: Any
    deadline: float
    task: str
    classes: np.ndarray | None
    # each fit's trial, mode, seconds taken and estimated (run.json "final_fits": how good the estimates
    # the search kept time back by were). The first fit after a trial killed at the search's end also
    # waits for a fresh worker (budget.WORKER_RESTART_S, kept back once, not in the estimate).
    timings: list[dict] = dataclasses.field(default_factory=list)

    def cost(self, record: dict) -> float:
        """Estimated seconds to fit ``record``'s trial this way."""
        if self.mode == BAG:
            return bag_estimate(record["fit_time_s"], self.driver.n_folds, self.driver.rungs)
        return self._refit_cost(record)

    def _refit_cost(self, record: dict) -> float:
        d = self.driver
        return refit_estimate(record["fit_time_s"], d.n_folds, d.n_rows, d.n_train_rows, d.rungs)

    def fit(self, record: dict):
        """The fitted model of ``record``'s trial (a Pipeline, or a bag of them), or an error string."""
        mode, estimate, t0 = self.mode, self.cost(record), time.monotonic()
        out = self._fit(record)
        self.timings.append({"trial": record["trial"], "family": record["family"], "mode": mode,
                             "seconds": round(time.monotonic() - t0, 2), "estimated_s": round(estimate, 2),
                             "error": out if isinstance(out, str) else None})
        return out

    def _fit(self, record: dict):
        d = self.driver
        spec = d.spec_for(record)
        if self.mode == REFIT:
            return self.backend.refit(spec, self.deadline)
        # a bag that runs out of time must leave a refit of the same trial its time, in a fresh
        # worker (never lose the search)
        deadline = self.deadline - self._refit_cost(record) - WORKER_RESTART_S
        need, left = self.cost(record), deadline - time.monotonic()
        if need > left:  # do not spend the time left on a bag that cannot finish
            return f"the bag needs ~{need:.1f} s and {max(left, 0.0):.1f} s are left for it"
        models = self.backend.refit_many([dataclasses.replace(spec, fold=k) for k in range(d.n_folds)], deadline)
        for k, out in enumerate(models):
            if isinstance(out, str):
                return f"fold {k} of the bag: {out}"
        return EnsembleModel(models, [1.0 / len(models)] * len(models), self.task, self.classes)


def choose_mode(requested: str, n_folds: int) -> str:
    """``requested``, except that a holdout split (one fold model) or a clustering (none) is always refit."""
    if requested == BAG and n_folds < 2:
        logger.info("Final fit: refit (a bag needs k fold models; a holdout split has one, a clustering none).")
        return REFIT
    return requested
