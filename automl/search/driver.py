"""The search driver: owns the Optuna study, the budget and the run folder.

Backends ask it for the next trial, report fold scores to it (for pruning) and hand it
finished results; only the driver talks to Optuna (ask/tell) and writes to disk.

Besides the pruner, a fold's report also stops a trial whose folds so far say it would run past
its deadline: killed there it would give nothing, and stopping it at once gives its remaining
time to other trials (on the inner splits of car, cnae9, diamonds and nyc_taxis, trials killed at the
15 s trial limit or the end of the search took a quarter to a half of a 60 s search).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable
from typing import Any

from automl.evaluation.evaluate import COMPLETE, FAILED, PRUNED, TIMEOUT, TrialResult, TrialSpec
from automl.evaluation.metrics import Metric
from automl.families.base import ModelFamily
from automl.results.leaderboard import make_leaderboard
from automl.results.store import RunStore
from automl.search.budget import WORKER_RESTART_S, Budget, refit_estimate
from automl.search.ensembling import ensemble_pool, families_first
from automl.search.sample_fit import sample_fit_reserve
from automl.search.sampling import suggest

logger = logging.getLogger("automl")
# refits kept back at the end: the best trial's, and the best of the next two families (a blend's likely
# members: near-copies of the best trial add little to a blend)
RESERVE_REFITS = 3
# a search whose first trials all failed with the same error ends: the error will not go away by itself
FAILING_ALIKE = 25


class SearchDriver:
    def __init__(self, *, study, spaces: dict, families: dict[str, ModelFamily], metric: Metric, budget: Budget,
                 store: RunStore, records: list[dict], n_rows: int, n_train_rows: int, n_folds: int, seed: int,
                 n_jobs: int, rungs: tuple[float, ...] = (), on_trial: Callable[[dict], Any] | None = None, stop=None):
        self.study, self.spaces, self.families, self.metric = study, spaces, families, metric
        self.budget, self.store, self.records = budget, store, records
        self.n_rows, self.n_train_rows, self.n_folds = n_rows, n_train_rows, n_folds
        self.seed, self.n_jobs, self.on_trial, self.stop = seed, n_jobs, on_trial, stop
        self.rungs = rungs  # row fractions each trial is screened on first (sampling.halving_rungs)
        self._running: dict[int, Any] = {}
        self._clocks: dict[int, _Clock] = {}  # the running trials' deadlines
        self._board_at = -math.inf
        self.extra_rows: list[dict] = []  # leaderboard rows that are not Optuna trials (the ensemble)
        self._session_from = len(records)  # this session's trials start here (see failing_alike)
        self._not_alike = False

    BOARD_EVERY_S = 1.0  # leaderboard.csv is rewritten at most this often (and by flush())

    # -- what backends call ------------------------------------------------------------------
    def stopping(self) -> bool:
        return bool(self.stop is not None and self.stop.is_set())

    def next_trial(self) -> TrialSpec | None:
        reserve = self.refit_reserve()
        if self.stopping() or not self.budget.can_start(reserve) or self.failing_alike():
            return None
        trial = self.study.ask()
        family, params = suggest(trial, self.spaces)
        self._running[trial.number] = trial
        deadline, limit = self.budget.trial_deadline(reserve)
        self._clocks[trial.number] = _Clock(deadline, limit)
        self.budget.started += 1
        return TrialSpec(trial.number, self.families[family], params, seed=self.seed, n_jobs=self.n_jobs,
                         rungs=self.rungs)

    def failing_alike(self) -> str | None:
        """The error, when the first FAILING_ALIKE trials (or more) all failed with it and none has
        completed: something that does not depend on the point is broken (a family whose make() raises
        on every call), so the rest of the budget would only repeat it."""
        if self._not_alike or len(self.records) - self._session_from < FAILING_ALIKE:  # cheap: once per trial
            return None
        session = self.records[self._session_from:]  # a resumed run's earlier failures may have been fixed since
        errors = {r.get("error") for r in session}
        self._not_alike = len(errors) != 1 or any(r["status"] != FAILED for r in session)  # then never again
        return None if self._not_alike else errors.pop()

    def running(self) -> set[int]:
        """Numbers of the trials handed out and not finished yet."""
        return set(self._running)

    def trial_deadline(self, number: int) -> tuple[float, str]:
        """When trial ``number`` must be stopped, and which limit that is (for its error)."""
        clock = self._clocks[number]
        return clock.deadline, clock.limit

    def report(self, number: int, step: int, value: float, fit_s: float, predict_s: float) -> bool:
        """Record a step's running score and the seconds its fit and prediction took in the worker; True
        when the pruner says stop this trial, or when it would not finish before its deadline."""
        trial = self._running[number]
        trial.report(value, step)
        if step < len(self.rungs):  # kept for a trial killed later (search/sample_fit.py)
            # the worker's seconds, not the driver's clock: timed from the trial's hand-out, a million rows' first
            # rung took 4.0 s, of which 2.7 s fitting, 1.0 s predicting the 200,000 validation rows (which the next
            # rung predicts again, and a fit on a sample never does) and the rest the worker's start; the pace of
            # the next rung and the sample fit's reserve read it (10 s: no time left for that fit, no model)
            self._clocks[number].rungs.append((value, fit_s, predict_s))
        return trial.should_prune() or self._would_overrun(number, step)

    def _would_overrun(self, number: int, step: int) -> bool:
        """True when the trial's folds, at the pace measured so far, would end past its deadline.
        The pace is timed between reports (from the last row-fraction rung's, else from fold 0's),
        so neither a worker's start-up, nor a family's first fit (which also imports its library),
        nor the rungs' smaller fits count."""
        clock, now = self._clocks[number], time.monotonic()
        first_fold = len(self.rungs)  # the step fold 0 reports at
        timed_from = first_fold - 1 if self.rungs else first_fold
        if step <= timed_from:
            if step == timed_from:
                clock.paced_from = now
            if self.n_folds == 1 and step < first_fold:  # a holdout's one fold never reports: its rungs are its pace
                return self._next_step_would_overrun(clock, step, now)
            return False
        if clock.paced_from is None:  # that report was not seen: no pace to go by
            return False
        per_fold = (now - clock.paced_from) / (step - timed_from)
        folds_done = step - first_fold + 1
        if now + per_fold * (self.n_folds - folds_done) <= clock.deadline:
            return False
        clock.stopped = (f"TimeoutError: stopped after fold {folds_done} of {self.n_folds} ({per_fold:.1f} s a fold):"
                         f" the rest would run past {clock.limit}")
        return True

    def _next_step_would_overrun(self, clock: "_Clock", step: int, now: float) -> bool:
        """True when the holdout trial's next fit (its next rung, or after the last one its fold), at the
        pace of the rung just reported scaled to that fit's rows, would end past the deadline: killed there,
        the trial's time was lost (on 1,000,000 rows at 60 s, 4 of 5 trials ran into the kill; at 10 s the
        only trial ran into it on its second rung, and there was no model)."""
        fraction, (_, fit_s, predict_s) = self.rungs[step], clock.rungs[-1]
        following = self.rungs[step + 1] if step + 1 < len(self.rungs) else 1.0
        if now + fit_s * following / fraction + predict_s <= clock.deadline:
            return False
        what = "all its rows" if following == 1.0 else f"{following:.0%} of its rows"
        clock.stopped = (f"TimeoutError: stopped after its {fraction:.0%}-rows step ({fit_s + predict_s:.1f} s): the fit"
                         f" on {what} would run past {clock.limit}")
        return True

    def finish(self, result: TrialResult) -> None:
        in_flight = len(self._running)
        trial = self._running.pop(result.number)
        clock = self._clocks.pop(result.number, None)
        if result.status == PRUNED and clock is not None and clock.stopped:  # stopped for time, not by the pruner
            result.status, result.error = TIMEOUT, clock.stopped
        if result.status == COMPLETE and not (result.score is not None and math.isfinite(result.score)):
            result.status, result.error = FAILED, f"the {self.metric.name} score is not a finite number"
        # each attribute is one fsync'd journal write: the family always, the error only when there is one
        trial.set_user_attr("family", result.family)
        if result.error:
            trial.set_user_attr("error", result.error)
        if result.status == COMPLETE:
            self.study.tell(trial, result.score)
        elif result.status in (PRUNED, FAILED):
            # TPE ignores FAIL trials, so it proposed a failing point (a family whose make() raises, a
            # clustering that splits off outliers) again and again. Told PRUNED with no fold score, a failed
            # trial ranks below every scored one and TPE moves away from it. A timeout stays FAIL: a slow
            # point may still be a good one.
            self.study.tell(trial, state=_state("PRUNED"))
        else:
            self.study.tell(trial, state=_state("FAIL"))
        record = to_record(result)
        if clock is not None and clock.rungs:  # the worker's result lacks them when it was killed
            record["rung_scores"] = [score for score, _, _ in clock.rungs]
            record["rung_fit_s"] = [round(fit_s, 3) for _, fit_s, _ in clock.rungs]
        self.records.append(record)
        self.store.append_trial(record)
        self.flush(force=False)
        if result.oof is not None:
            self.store.save_oof(result.number, result.oof, self._oof_keep())
        logger.info("Trial %d %s: %s%s (%.1f s)", result.number, result.family, result.status,
                    f" {self.metric.name}={result.score:.5g}" if result.score is not None else "",
                    result.fit_time_s, extra={"record": record})
        if result.error:
            logger.debug("Trial %d error: %s", result.number, result.error)
        if self.on_trial is not None:
            try:
                self.on_trial({**record, "running": in_flight, "metric": self.metric.name, "greater_is_better": self.metric.greater_is_better})
            except Exception:  # a broken listener must not lose the search
                logger.exception("on_trial callback failed for trial %d", result.number)

    def flush(self, force: bool = True) -> None:
        """Rewrite leaderboard.csv (at most every BOARD_EVERY_S unless forced: the rewrite grows with the trials)."""
        now = time.monotonic()
        if force or now - self._board_at >= self.BOARD_EVERY_S:
            self.store.write_leaderboard(self.leaderboard())
            self._board_at = now

    # -- state -------------------------------------------------------------------------------
    def leaderboard(self):
        return make_leaderboard(self.records + self.extra_rows, self.metric.greater_is_better)

    def spec_for(self, record: dict) -> TrialSpec:
        """The spec that refits a finished trial (same family, params and seed)."""
        return TrialSpec(record["trial"], self.families[record["family"]], record["params"], seed=self.seed,
                         n_jobs=self.n_jobs)

    def best_records(self) -> list[dict]:
        done = [r for r in self.records if r["status"] == COMPLETE]
        return sorted(done, key=lambda r: -r["score"] if self.metric.greater_is_better else r["score"])

    def _oof_keep(self) -> list[int]:
        """Trials whose OOF predictions to keep on disk, most wanted first: the ensemble's pool, then the rest."""
        best = self.best_records()
        pool = ensemble_pool(best)
        ids = {r["trial"] for r in pool}
        return [r["trial"] for r in pool] + [r["trial"] for r in best if r["trial"] not in ids]

    def pruning_summary(self) -> dict:
        """How many trials were pruned and the fitting time that saved (estimated from their own
        fits, counting a row-fraction rung as that fraction of a fold)."""
        full = self.n_folds + sum(self.rungs)
        saved, pruned = 0.0, [r for r in self.records if r["status"] == PRUNED]
        for r in pruned:
            done = len(r.get("fold_scores") or []) + sum(self.rungs[:len(r.get("rung_scores") or [])])
            if done:
                saved += (r["fit_time_s"] + r["predict_time_s"]) / done * (full - done)
        work = sum(r["fit_time_s"] + r["predict_time_s"] for r in self.records)
        return {"pruned": len(pruned), "pruned_on_row_fractions": sum(not r.get("fold_scores") for r in pruned),
                "est_time_saved_s": round(saved, 2), "model_time_s": round(work, 2)}

    def refit_reserve(self) -> float:
        """Seconds kept back for the final fits: the refits of the best trials, or the fit on a sample that
        would be exported instead (sample_fit.py) when no trial has completed, or, on a holdout, when a trial
        scored on a sample beats every finished one (1,000,000 rows at 20 s: XGBoost's first rung scored 0.881,
        the one finished trial 0.831, and its refit's reserve left the sample fit 0.3 s short). Whichever
        needs more."""
        best = self.best_records()
        gib = self.metric.greater_is_better
        if not best:
            return max(self.budget.default_reserve(), sample_fit_reserve(self.records, self.rungs, gib))
        refits = [refit_estimate(r["fit_time_s"], self.n_folds, self.n_rows, self.n_train_rows, self.rungs)
                  for r in families_first(best)[:RESERVE_REFITS]]
        needed = sum(refits)
        if self.n_folds == 1 and (sample := sample_fit_reserve(self.records, self.rungs, gib, beat=best[0]["score"])):
            # the end runs the fit on a sample (no blend: its model has no out-of-fold predictions), and the best
            # trial's refit only if that fails: the refit may use the time up to the hard limit. Keeping back
            # the blend's refits as well ended 300,000 x 200 at 60 s after 46 s (now 53 s), and 1,000,000 x 10 at
            # 20 s after 14 s with HistGradientBoosting's sample fit (AUC 0.8804; now 17 s, XGBoost's, 0.8831).
            needed = max(needed, sample + max(0.0, refits[0] - self.budget.slack))
        return needed + WORKER_RESTART_S


@dataclasses.dataclass
class _Clock:
    """A running trial's deadline and the limit it stands for, when the report its pace is timed
    from came in, why it was stopped early (None unless it was), and its row-fraction rungs so far."""

    deadline: float
    limit: str
    paced_from: float | None = None
    stopped: str | None = None
    rungs: list = dataclasses.field(default_factory=list)  # (score, fit_s, predict_s) of each row-fraction rung


def to_record(result: TrialResult) -> dict:
    """The JSON-able trial record (trials.jsonl, leaderboard, on_trial)."""
    record = dataclasses.asdict(dataclasses.replace(result, oof=None))
    record.pop("oof")
    record["trial"] = record.pop("number")
    return record


def _state(name: str):
    from optuna.trial import TrialState

    return getattr(TrialState, name)
