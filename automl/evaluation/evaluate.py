"""Evaluate one trial: a pure function of (data, folds, family, params) that any backend can run.

It never touches Optuna or the run folder. A ``report(step, value, fit_s, predict_s) -> bool``
callback receives a score after each step, with the seconds that step's fit and prediction took in
the worker (the driver's own clock would also count the worker's start-up, and a row-fraction rung's
prediction is on all of fold 0's validation rows: it does not grow with the rung), and answers
whether to prune. On large data a trial first
fits on growing row fractions of fold 0's training rows (``TrialSpec.rungs``: successive
halving over rows), one step each; then each fold is a step, reporting the running mean.
Clustering trials have no folds (evaluation/clustering.py).
"""

from __future__ import annotations

import os
import socket
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd

from automl.data.profile import DataProfile
from automl.evaluation.calibration import choose_weight, fold_priors
from automl.evaluation.clustering import ScoringSample, evaluate_clustering
from automl.evaluation.metrics import Metric
from automl.evaluation.splits import fold_indices, n_folds
from automl.families.base import ModelFamily
from automl.pipeline import PRIOR_WEIGHT, build_model, fit_context, mix_prior
from automl.task import CLUSTERING, REGRESSION

COMPLETE, PRUNED, FAILED, TIMEOUT = "complete", "pruned", "failed", "timeout"


@dataclass
class EvalData:
    """What a worker needs to evaluate trials; sent to it once per search."""

    X: pd.DataFrame  # TableCleaner output for every training row
    y: np.ndarray | None  # class codes 0..K-1, or float targets; None for clustering
    fold_id: np.ndarray
    task: str
    n_classes: int
    profile: DataProfile
    metric: Metric
    y_raw: pd.Series | None = None  # the labels as given, which the exported classifiers answer in
    scoring: ScoringSample | None = None  # clustering: the rows every trial is scored on (evaluation/clustering.py)
    target_scale: float = 1.0  # regression: models are fit on y / target_scale (preprocess/target.py)


@dataclass
class TrialSpec:
    number: int
    family: ModelFamily
    params: dict[str, Any]
    seed: int = 0
    n_jobs: int = 1
    keep_oof: bool = True
    fold: int | None = None  # a refit on the training rows of this fold (a bag member); None: all rows
    rows: int | None = None  # a refit on this many rows drawn from all rows (search/sample_fit.py)
    rungs: tuple[float, ...] = ()  # row fractions of fold 0's training rows to screen on before the folds


@dataclass
class TrialResult:
    number: int
    family: str
    params: dict[str, Any]
    status: str
    score: float | None = None
    score_std: float | None = None
    fold_scores: list[float] = field(default_factory=list)
    rung_scores: list[float] = field(default_factory=list)  # fold 0's score at each row fraction in spec.rungs
    error: str | None = None
    fit_time_s: float = 0.0
    predict_time_s: float = 0.0
    started_at: str = ""
    finished_at: str = ""
    worker: str = ""
    threads: int | None = None  # threads the trial ran on (fewer than n_jobs while other processes use cores)
    oof: np.ndarray | None = None


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def evaluate(data: EvalData, spec: TrialSpec, report: Callable[[int, float, float, float], bool] | None = None) -> TrialResult:
    """Cross-validate ``spec`` on ``data``; failures come back as a ``failed`` result, never raised."""
    res = TrialResult(spec.number, spec.family.name, dict(spec.params), COMPLETE, started_at=now_iso(),
                      worker=worker_name(), threads=spec.n_jobs)
    try:
        _run_folds(data, spec, res, report)
    except MemoryError:
        res.status, res.error = FAILED, "MemoryError: out of memory while fitting"
    except Exception as exc:  # a trial's failure is recorded; the search goes on
        res.status, res.error = FAILED, one_line_error(exc)
    res.finished_at = now_iso()
    if res.status == FAILED:
        res.oof = None
    return res


def _run_folds(data: EvalData, spec: TrialSpec, res: TrialResult, report) -> None:
    if data.task == CLUSTERING:  # no folds: fit on every row, score the clusters
        return evaluate_clustering(data, spec, res)
    if _run_rungs(data, spec, res, report):
        return
    k = n_folds(data.fold_id)
    calibrates = data.task != REGRESSION and data.metric.scores_confidence
    oof = _empty_oof(data) if spec.keep_oof or calibrates else None
    for i in range(k):
        train, val = fold_indices(data.fold_id, i)
        before = (res.fit_time_s, res.predict_time_s)
        pred = _fit_predict(data, spec, train, val, res)
        res.fold_scores.append(data.metric(data.y[val], pred))
        if oof is not None:
            oof[val] = pred
        res.score = float(np.mean(res.fold_scores))
        if report is not None and i < k - 1 and report(len(spec.rungs) + i, res.score, *_since(res, before)):
            res.status = PRUNED
            return
    if calibrates:
        oof = _calibrate(data, res, oof)
    res.score_std = float(np.std(res.fold_scores)) if len(res.fold_scores) > 1 else None  # a holdout has no spread
    res.oof = oof if spec.keep_oof else None


def _calibrate(data: EvalData, res: TrialResult, oof: np.ndarray) -> np.ndarray:
    """Mix the class frequencies into the out-of-fold probabilities by the weight that scores best
    (recorded in ``res.params`` for the refit), and rescore the folds with it."""
    priors = fold_priors(data.y, data.fold_id, data.n_classes)
    rows, proba = data.fold_id >= 0, oof.astype("float64")
    weight = choose_weight(data.y[rows], proba[rows], priors[rows], data.metric)
    if weight == 0:
        return oof
    res.params[PRIOR_WEIGHT] = weight
    mixed = mix_prior(proba, priors, weight)
    res.fold_scores = [data.metric(data.y[val], mixed[val]) for val in
                       (fold_indices(data.fold_id, i)[1] for i in range(len(res.fold_scores)))]
    res.score = float(np.mean(res.fold_scores))
    return mixed.astype(oof.dtype)


def _run_rungs(data: EvalData, spec: TrialSpec, res: TrialResult, report) -> bool:
    """Score on fold 0 after fitting on each row fraction of its training rows (a seeded random
    subset, nested from one rung to the next); True when the pruner stops the trial there."""
    if not spec.rungs:
        return False
    train, val = fold_indices(data.fold_id, 0)
    order = np.random.default_rng(spec.seed).permutation(train)
    for step, fraction in enumerate(spec.rungs):
        rows = np.sort(order[: max(1, int(fraction * len(train)))])
        before = (res.fit_time_s, res.predict_time_s)
        res.rung_scores.append(data.metric(data.y[val], _fit_predict(data, spec, rows, val, res)))
        res.score = res.rung_scores[-1]
        if report is not None and report(step, res.score, *_since(res, before)):
            res.status = PRUNED
            return True
    res.score = None
    return False


def _fit_predict(data: EvalData, spec: TrialSpec, train: np.ndarray, val: np.ndarray, res: TrialResult) -> np.ndarray:
    """Fit a fresh model on rows ``train`` and return its predictions for rows ``val`` (times added to ``res``)."""
    ctx = fit_context(spec.family, data.profile, data.task, len(train), data.n_classes, spec.n_jobs, spec.seed,
                      table_rows=len(data.fold_id), target_scale=data.target_scale)
    model = build_model(spec.family, spec.params, data.profile, ctx, not data.metric.balanced_labels)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter; failures still raise
        model.fit(data.X.iloc[train], data.y[train])
        t1 = time.perf_counter()
        pred = predict_scores(model, data.X.iloc[val], data.task, data.n_classes)
    res.predict_time_s += time.perf_counter() - t1
    res.fit_time_s += t1 - t0
    if not np.all(np.isfinite(pred)):
        raise ValueError("the model predicted NaN or infinite values")
    return pred


def _since(res: TrialResult, before: tuple[float, float]) -> tuple[float, float]:
    """Fit and predict seconds of the step since ``before`` (the two totals then)."""
    return res.fit_time_s - before[0], res.predict_time_s - before[1]


def predict_scores(model, X: pd.DataFrame, task: str, n_classes: int) -> np.ndarray:
    """Values (n,) for regression; for classification, probabilities (n, K) over all K class
    codes, zero for classes the model never saw (absent from its training fold)."""
    if task == REGRESSION:
        return np.asarray(model.predict(X), dtype="float64")
    proba = np.zeros((len(X), n_classes))
    proba[:, np.asarray(model.classes_, dtype=int)] = model.predict_proba(X)
    return proba


def _empty_oof(data: EvalData) -> np.ndarray:
    shape = (len(data.y),) if data.task == REGRESSION else (len(data.y), data.n_classes)
    return np.full(shape, np.nan, dtype="float32")


def one_line_error(exc: BaseException) -> str:
    """``Type: message`` on one line, plus where in the code it came from."""
    msg = " ".join(str(exc).split()) or "(no message)"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {msg[:300]}{where}"
