"""The ensemble stage, after the best trial's final fit: select a blend of the best trials on
their out-of-fold predictions, fit its other members the same way (refit or bag, see
final_fit.py) in the time left, and export it when it wins.

"Wins" compares like with like: both the blend and "take the best single trial" are
cross-fitted (chosen on half of the folds, scored on the other half), and the blend must
score at least as well. (The best trial's own CV score is flattered by being the maximum
over many trials on the same folds, so it is no fair yardstick for an honest score.)
Fitting the best trial first means the ensemble can only add: if it loses, time runs
out or a member fails, the single best model stays.
"""

from __future__ import annotations

import logging
import time
from collections import Counter

import numpy as np

from automl.ensemble import EnsembleModel, select_honestly
from automl.evaluation.evaluate import COMPLETE, FAILED, now_iso
from automl.search.budget import Budget
from automl.search.final_fit import FinalFit

logger = logging.getLogger("automl")

N_CANDIDATES = 20  # best completed trials considered (their OOF predictions are on disk)
PER_FAMILY = 1  # plus each other family's best trial(s): TPE often fills the top 20 with near-copies
ENSEMBLE_TRIAL = -1  # the ensemble's row in the leaderboard is not an Optuna trial
# The single best trial is kept instead of the blend only when it scores better cross-fitted by more
# than this fraction of the blend's score (0: any margin). benchmarks/ensemble_rule_choice.py measures it.
SINGLE_WINS_BY = 0.0


def build_ensemble(final: FinalFit, driver, budget: Budget, y: np.ndarray, fold_id: np.ndarray, best_model,
                   best_record: dict):
    """Return ``(record, model)``: the ensemble's leaderboard record (or None) and the model to
    export when the ensemble wins (or None)."""
    pool, left_out = _candidates(final, driver, budget, best_record)
    if len(pool) < 2:
        return _not_built(left_out, best_record, final.mode), None
    preds = [driver.store.load_oof(r["trial"]) for r in pool]
    rows = np.all([np.isfinite(p).reshape(len(y), -1).all(axis=1) for p in preds], axis=0)
    preds = [p[rows].astype("float64") for p in preds]
    started = now_iso()
    t0 = time.monotonic()
    try:
        sel = select_honestly(preds, y[rows], fold_id[rows], driver.metric, seed=driver.seed,
                              deadline=t0 + max(1.0, 0.25 * (budget.hard_end - t0)))
    except ValueError as e:  # a half of the rows the metric cannot score: a binary holdout with one positive
        error = (f"not built: its cross-fitted score is undefined on these validation rows ({e}); more of them"
                 " (a larger cv share, or k-fold cv) let it be built")
        logger.info("Ensemble %s", error)
        return _row(FAILED, None, [(best_record, 1.0)], {}, started, time.monotonic() - t0, error), None
    members = [(r, w) for r, w in zip(pool, sel.weights) if w > 0]
    record = _record(members, sel, started, time.monotonic() - t0)
    if len(members) < 2:  # the blend is the best trial alone
        if not left_out:
            return None, None
        record["error"] = f"not exported: selection kept one trial; {_left_out_text(left_out, final.mode)}"
        logger.info("Ensemble %s", record["error"])
        return record, None
    if _single_wins(driver.metric, sel):
        record["error"] = (f"not exported: the best single trial scores better cross-fitted "
                           f"({sel.honest_single:.5g} vs {sel.honest_score:.5g})")
        logger.info("Ensemble of %d trials not exported: %s", len(members), record["error"])
        return record, None
    fitted = _fit_members(final, members, best_record, best_model)
    if isinstance(fitted, str):
        record["error"] = f"not exported: {fitted}"
        return record, None
    record["fit_time_s"] = round(time.monotonic() - t0, 3)
    record["finished_at"] = now_iso()
    logger.info("Ensemble of %d trials exported: %s=%.5g honest (%.5g in-sample); best trial %.5g.",
                len(members), driver.metric.name, sel.honest_score, sel.score, best_record["score"])
    return record, EnsembleModel(fitted, [float(w) for _, w in members], final.task, final.classes)


def ensemble_pool(best_first: list[dict]) -> list[dict]:
    """The trials selection may pick from: the N_CANDIDATES best, then the best PER_FAMILY of each
    family not among them, so a blend can mix model kinds even when one family's near-identical
    trials fill the top (their predictions barely differ and selection would pick just one)."""
    pool = best_first[:N_CANDIDATES]
    taken = Counter(r["family"] for r in pool)
    for r in best_first[N_CANDIDATES:]:
        if taken[r["family"]] < PER_FAMILY:
            pool.append(r)
            taken[r["family"]] += 1
    return pool


def _single_wins(metric, sel) -> bool:
    margin = SINGLE_WINS_BY * abs(sel.honest_score)
    shifted = sel.honest_score + margin if metric.greater_is_better else sel.honest_score - margin
    return metric.is_better(sel.honest_single, shifted)


def families_first(best_first: list[dict]) -> list[dict]:
    """``best_first`` reordered: each family's best trial (in score order), then the other trials.
    When time runs short, a blend needs other families more than near-copies of the best trial."""
    seen, heads, rest = set(), [], []
    for r in best_first:
        (rest if r["family"] in seen else heads).append(r)
        seen.add(r["family"])
    return heads + rest


def _candidates(final: FinalFit, driver, budget: Budget, best_record: dict) -> tuple[list[dict], list[dict]]:
    """The pool's trials with saved OOF predictions whose fits fit together in the time left (in
    pool order), and the trials of the families left out entirely because they would not (so a run
    without a blend can say why). Each family's best claims the time first: on penguins the 20 best
    were near-identical linear trials whose ~0.5 s refits used up the time left, and every other
    family was left out."""
    left = budget.hard_end - time.monotonic()
    kept, left_out, cost = set(), [], 0.0
    pool = [r for r in ensemble_pool(driver.best_records()) if driver.store.has_oof(r["trial"])]
    for r in families_first(pool):
        need = 0.0 if r["trial"] == best_record["trial"] else final.cost(r)
        if cost + need > 0.8 * left:
            left_out.append(r)
            continue
        kept.add(r["trial"])
        cost += need
    pool = [r for r in pool if r["trial"] in kept]
    families = {r["family"] for r in pool}
    return pool, [r for r in left_out if r["family"] not in families]  # near-copies of a kept trial lose nothing


def _left_out_text(left_out: list[dict], mode: str) -> str:
    families = ", ".join(sorted({r["family"] for r in left_out}))
    return (f"no {families} trial could join the blend, their {mode} would not fit in the time left "
            f"(a larger time_budget lets them in)")


def _not_built(left_out: list[dict], best_record: dict, mode: str) -> dict | None:
    """The leaderboard row of an ensemble that time kept from being built (None when nothing was left out)."""
    if not left_out:
        return None
    error = f"not built: {_left_out_text(left_out, mode)}"
    logger.info("Ensemble %s", error)
    return _row(FAILED, None, [(best_record, 1.0)], {}, now_iso(), 0.0, error)


def _fit_members(final: FinalFit, members, best_record: dict, best_model) -> list | str:
    """The members' fitted models, or why one could not be fit."""
    fitted = []
    for r, _ in members:
        if r["trial"] == best_record["trial"]:
            fitted.append(best_model)
            continue
        out = final.fit(r)
        if isinstance(out, str):
            logger.warning("Ensemble member trial %d could not be fit (%s): %s", r["trial"], final.mode, out)
            return f"member trial {r['trial']} could not be fit ({final.mode}): {out}"
        fitted.append(out)
    return fitted


def _record(members, sel, started: str, seconds: float) -> dict:
    scores = {"in_sample_score": float(sel.score), "single_best_cross_fitted": float(sel.honest_single)}
    return _row(COMPLETE, float(sel.honest_score), members, scores, started, seconds)


def _row(status: str, score, members, extra: dict, started: str, seconds: float, error: str | None = None) -> dict:
    """The ensemble's leaderboard record, shaped like a trial's."""
    return {
        "trial": ENSEMBLE_TRIAL, "family": "ensemble", "status": status, "score": score, "score_std": None,
        "fold_scores": [], "error": error, "fit_time_s": round(seconds, 3), "predict_time_s": 0.0,
        "params": {"members": [{"trial": r["trial"], "family": r["family"], "weight": round(float(w), 4)}
                               for r, w in members], **extra},
        "started_at": started, "finished_at": now_iso(), "worker": "driver",
    }


def describe(record: dict) -> dict:
    """``best_params`` for an exported ensemble: its members with their families and weights."""
    return {"family": "ensemble", "members": record["params"]["members"]}
