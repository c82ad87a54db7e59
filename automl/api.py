"""automl.fit: from a raw table and a target to a ranked leaderboard and a fitted best model."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Hashable
from typing import Any

from automl.config import SearchConfig
from automl.result import SearchResult

logger = logging.getLogger("automl")


def fit(data: Any, target: Hashable | None = None, *, time_budget: float | None = None, n_trials: int | None = None,
        task: str | None = None, metric: str | None = None, include: list[str] | None = None,
        search_space: str | os.PathLike | dict | None = None, cv: int | float | str = "auto",
        output_dir: str | os.PathLike = "results", resume: str | os.PathLike | None = None, seed: int = 0,
        verbose: int = 0, trial_timeout: float | None = None, n_jobs: int | None = None, sampler: Any = None,
        pruner: Any = None, storage: Any = None, on_trial: Any = None, stop: Any = None, backend: Any = None, con: Any = None,
        workers: int | None = None, ray_address: str | None = None, ensemble: bool = True,
        final_fit: str = "refit", keep_columns: list | None = None) -> SearchResult:
    """Search model families and hyperparameters for ``target`` and return the best model.

    Args:
        data: a DataFrame, a CSV/Parquet path, or a SQL query (with ``con``).
        target: the target column's name, exactly as in the table. None: cluster the rows
            (every column is a feature; ``predict`` gives each row a cluster number).
        time_budget: wall-clock seconds for the whole call (refit included); 60 when neither
            it nor ``n_trials`` is given. ``fit`` returns within budget x 1.1 + 2 s.
        n_trials: stop after this many trials (in this call, when resuming).
        task: "binary", "multiclass" or "regression"; inferred from the target when None
            ("clustering" without a target).
        metric: accuracy, balanced_accuracy, f1, log_loss, roc_auc, rmse, mae or r2; default
            roc_auc (binary), log_loss (multiclass), rmse (regression). Clustering: silhouette
            (default), calinski_harabasz or davies_bouldin, computed on the rows themselves.
        include: family names to search (default: every family that fits the task, except opt-in
            ones such as ``"catboost"``); ``"default"`` stands for that set: ``["default", "catboost"]``.
        search_space: YAML path (or dict) mapping family names to spaces that replace the built-in ones.
        cv: folds (int >= 2), a holdout share (float in (0, 1)), "holdout", or "auto"
            (5 folds up to 10k rows, 3 up to 100k, a 20% holdout above). Not for clustering.
        output_dir: parent folder of the run folder this call creates.
        resume: a run folder to continue (same data): finished trials are kept.
        seed: seeds folds, sampler and models.
        verbose: 0 quiet, 1 one line per trial, 2 debug (with Optuna's own logs).
        trial_timeout: seconds one trial may take (default: a quarter of the budget, at least 10 s).
        n_jobs: threads per trial (default: all cores; one trial runs at a time).
        sampler, pruner: Optuna sampler / pruner objects replacing the defaults.
        storage: an Optuna storage (URL such as ``"sqlite:///automl.db"``, or a storage object) to keep
            the study in, under the name ``automl-<run folder>``; default: a journal in the run folder.
        on_trial: called with each finished trial's record (a dict).
        stop: an object with ``is_set()`` (e.g. ``threading.Event``): once set, no new trial
            starts, the running one is abandoned, and the best so far is refit and saved.
        backend: a ``SearchBackend`` (default: ``LocalBackend()``, or ``RayBackend`` with workers/ray_address).
        workers: run this many trials in parallel on Ray (one CPU each); needs ``automl[ray]``.
        ray_address: join an existing Ray cluster ("auto", "ray://host:10001") instead of starting one.
        con: a DB-API connection or SQLAlchemy engine when ``data`` is a SQL query.
        ensemble: after the search, blend the best trials (Caruana selection on their out-of-fold
            predictions); the blend is a leaderboard row (trial -1, with its honest score) and is
            exported when it beats taking the best single trial, both cross-fitted.
        final_fit: how the exported model (each ensemble member) is fit after the search:
            "refit" (default) once on all rows; "bag" averages the k fold models cross-validation
            scored (fit again on the same rows; about k times the refit's time, falls back to a
            refit when it cannot finish).
        keep_columns: columns to use even though they look like row identifiers (one distinct
            value per row, e.g. a year column of a yearly table); they are dropped otherwise.

    Example:
        >>> import automl
        >>> from sklearn.datasets import load_breast_cancer
        >>> df = load_breast_cancer(as_frame=True).frame
        >>> res = automl.fit(df, "target", time_budget=30)  # doctest: +SKIP
        >>> res.leaderboard.head()  # doctest: +SKIP
    """
    t0 = time.monotonic()
    cfg = SearchConfig(time_budget=time_budget, n_trials=n_trials, task=task, metric=metric, include=include,
                       search_space=search_space, cv=cv, output_dir=output_dir, resume=resume, seed=seed,
                       verbose=verbose, trial_timeout=trial_timeout, n_jobs=n_jobs, sampler=sampler, pruner=pruner,
                       storage=storage, on_trial=on_trial, stop=stop, workers=workers, ray_address=ray_address,
                       ensemble=ensemble, final_fit=final_fit, keep_columns=keep_columns)
    _configure_logging(cfg.verbose)
    from automl.search.run import run_search

    return run_search(data, target, cfg, t0=t0, backend=backend, con=con)


def _configure_logging(verbose: int) -> None:
    level = logging.WARNING if verbose <= 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logger.setLevel(level)
    if verbose > 0 and not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s automl %(levelname)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
    import optuna

    optuna.logging.set_verbosity(optuna.logging.INFO if verbose >= 2 else optuna.logging.WARNING)
