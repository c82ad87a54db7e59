"""SearchConfig: every setting of a search, validated in one place."""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass
from typing import Any

from automl.errors import ConfigError

DEFAULT_TIME_BUDGET = 60.0
FINAL_FITS = ("refit", "bag")


@dataclass
class SearchConfig:
    """Settings of ``automl.fit`` (see its docstring for each one)."""

    time_budget: float | None = None
    n_trials: int | None = None
    task: str | None = None
    metric: str | None = None
    include: list[str] | None = None
    search_space: str | os.PathLike | dict | None = None
    cv: int | float | str = "auto"
    output_dir: str | os.PathLike = "results"
    resume: str | os.PathLike | None = None
    seed: int = 0
    verbose: int = 0
    trial_timeout: float | None = None
    n_jobs: int | None = None
    sampler: Any = None
    pruner: Any = None
    storage: Any = None
    on_trial: Any = None
    stop: Any = None
    workers: int | None = None
    ray_address: str | None = None
    ensemble: bool = True
    final_fit: str = "refit"
    keep_columns: list | None = None

    def __post_init__(self) -> None:
        if self.final_fit not in FINAL_FITS:
            raise ConfigError(f"final_fit={self.final_fit!r} is not one of {FINAL_FITS}: 'refit' fits the exported "
                              "model once on all rows, 'bag' averages the k fold models cross-validation scored.")
        if self.final_fit == "bag" and (isinstance(self.cv, float) and not self.cv.is_integer() or self.cv == "holdout"):
            raise ConfigError(f"final_fit='bag' needs k-fold CV, but cv={self.cv!r} is a holdout; use cv=5 or final_fit='refit'.")
        if not isinstance(self.ensemble, bool):
            raise ConfigError(f"ensemble={self.ensemble!r} must be True or False.")
        if self.time_budget is not None:
            _positive_number("time_budget", self.time_budget, "seconds, e.g. time_budget=60")
            if math.isinf(self.time_budget):
                raise ConfigError(f"time_budget={self.time_budget!r} is no limit to plan a search by; give seconds, or"
                                  " leave it out and set n_trials= to search without a time limit.")
            self.time_budget = float(self.time_budget)
        if self.n_trials is not None and (not _is_int(self.n_trials) or self.n_trials < 1):
            raise ConfigError(f"n_trials={self.n_trials!r} must be a positive int, e.g. n_trials=50.")
        self.n_trials = None if self.n_trials is None else int(self.n_trials)
        if self.trial_timeout is not None:
            _positive_number("trial_timeout", self.trial_timeout, "seconds per trial, e.g. trial_timeout=30")
            self.trial_timeout = float(self.trial_timeout)
        if self.time_budget is None and self.n_trials is None:
            self.time_budget = DEFAULT_TIME_BUDGET
        if not _is_int(self.seed) or not 0 <= self.seed < 2**32:
            raise ConfigError(f"seed={self.seed!r} must be an int from 0 to 2**32 - 1.")
        self.seed = int(self.seed)
        if not _is_int(self.verbose):
            raise ConfigError(f"verbose={self.verbose!r} must be an int: 0 (warnings), 1 (progress) or 2 (details).")
        if self.n_jobs is not None and (not isinstance(self.n_jobs, int) or self.n_jobs < 1):
            raise ConfigError(f"n_jobs={self.n_jobs!r} must be a positive int (threads per trial), or None for all cores.")
        if self.on_trial is not None and not callable(self.on_trial):
            raise ConfigError("on_trial must be a callable taking one trial record (a dict).")
        if self.stop is not None and not callable(getattr(self.stop, "is_set", None)):
            raise ConfigError("stop must have an is_set() method, e.g. a threading.Event.")
        if self.workers is not None and (isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 1):
            raise ConfigError(f"workers={self.workers!r} must be a positive int (trials in parallel on Ray).")
        _optuna_object("sampler", self.sampler, "sample_independent", "optuna.samplers.RandomSampler(seed=0)")
        _optuna_object("pruner", self.pruner, "prune", "optuna.pruners.NopPruner()")
        if self.storage is not None and not isinstance(self.storage, str):
            _optuna_object("storage", self.storage, "create_new_study", "'sqlite:///automl.db'")
        if isinstance(self.include, str):
            self.include = [self.include]
        if self.keep_columns is not None and not isinstance(self.keep_columns, (list, tuple)):
            self.keep_columns = [self.keep_columns]

    @property
    def threads(self) -> int:
        """Threads per trial: ``n_jobs``, else the cores this process may use (affinity and CPU quota)."""
        from automl.search.cores import usable_cores

        return self.n_jobs or usable_cores()

    def limits(self) -> dict:
        return {"time_budget": self.time_budget, "n_trials": self.n_trials, "trial_timeout": self.trial_timeout,
                "cv": self.cv, "seed": self.seed, "include": self.include, "final_fit": self.final_fit}


def _optuna_object(name: str, value: Any, method: str, example: str) -> None:
    """``value`` must be None or an instance of an Optuna sampler / pruner / storage (checked by the
    method Optuna calls on it, so user-written ones pass too)."""
    if value is None:
        return
    if isinstance(value, type):
        raise ConfigError(f"{name}={value.__name__} is a class; pass an instance, e.g. {name}={value.__name__}().")
    if not callable(getattr(value, method, None)):
        raise ConfigError(f"{name}={value!r} is not an Optuna {name}; pass one such as {name}={example}, or leave it out.")


def _is_int(value: Any) -> bool:
    """An int, numpy's included, but not a bool."""
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _positive_number(name: str, value: Any, example: str) -> None:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0:
        raise ConfigError(f"{name}={value!r} must be a positive number of {example}.")

