"""Infer the learning task from the target column."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from automl.errors import ConfigError, TargetError, plain

logger = logging.getLogger("automl")

BINARY, MULTICLASS, REGRESSION = "binary", "multiclass", "regression"
CLUSTERING = "clustering"  # no target: group the rows (see evaluation/clustering.py)
TASKS = (BINARY, MULTICLASS, REGRESSION)  # the tasks with a target
ALL_TASKS = TASKS + (CLUSTERING,)
CLASSIFICATION = frozenset({BINARY, MULTICLASS})

# An integer-valued target is read as classes when it has few distinct values, both
# in absolute terms and relative to the rows: wine quality (7 levels, 4,898 rows) is
# multiclass, abalone's 28 ring counts are a regression.
MAX_INT_CLASSES = 20
MAX_CLASS_SHARE = 0.05


@dataclass(frozen=True)
class TaskInfo:
    kind: str
    reason: str

    @property
    def is_classification(self) -> bool:
        return self.kind in CLASSIFICATION


def infer_task(y: pd.Series | None, task: str | None = None) -> TaskInfo:
    """Return the task for target ``y`` (missing values already dropped; None: no target, clustering).

    ``task`` overrides the inference but is still checked against the target.
    """
    if task is not None and task not in ALL_TASKS:
        raise ConfigError(f"task={task!r} is not a known task; use one of {list(ALL_TASKS)} (or leave it out to infer it).")
    if y is None:
        if task not in (None, CLUSTERING):
            raise ConfigError(f"task={task!r} needs a target column; pass target=, or leave task out to cluster the rows.")
        return TaskInfo(CLUSTERING, "no target column was given")
    if task == CLUSTERING:
        raise ConfigError(f"task='clustering' takes no target; pass target=None to cluster the rows, or leave task out"
                          f" to predict {y.name!r}.")
    name = y.name
    if pd.api.types.is_datetime64_any_dtype(y.dtype) or pd.api.types.is_timedelta64_dtype(y.dtype):
        raise TargetError(f"Target column {name!r} holds {y.dtype} values; automl predicts classes or numbers. Predict a"
                          f" number made from it instead, e.g. the days since a date: (df[{name!r}] - start).dt.days.")
    n_unique = int(y.nunique())
    if task is not None:
        return _checked_override(y, task, n_unique)
    if n_unique < 2:
        raise TargetError(
            f"Target column {name!r} has a single value ({plain(y.iloc[0])!r}); a model needs at least two classes or values."
        )
    dtype = y.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        _warn_of_spelling_variants(y)
        kind = BINARY if n_unique == 2 else MULTICLASS
        return TaskInfo(kind, f"target {name!r} is {dtype} with {n_unique} classes")
    values = y.to_numpy(dtype="float64")
    if not np.all(np.mod(values, 1) == 0):
        return TaskInfo(REGRESSION, f"target {name!r} has non-integer numbers")
    if n_unique == 2:
        return TaskInfo(BINARY, f"target {name!r} has two distinct values")
    if n_unique <= MAX_INT_CLASSES and n_unique <= MAX_CLASS_SHARE * len(y):
        return TaskInfo(MULTICLASS, f"target {name!r} has {n_unique} distinct integers over {len(y)} rows (few levels)")
    return TaskInfo(REGRESSION, f"target {name!r} has {n_unique} distinct integers over {len(y)} rows (many levels)")


def _warn_of_spelling_variants(y: pd.Series) -> None:
    """Classes that differ only in case or surrounding spaces ("yes", "Yes ") are most likely one class."""
    labels = pd.Series(y.dropna().unique()).map(str)
    groups = labels.groupby(labels.str.strip().str.lower()).agg(list)
    twins = [g for g in groups if len(g) > 1]
    if twins:
        logger.warning("Target %r has classes that differ only in case or spaces (%s); they are learned as different"
                       " classes. If they are one, normalise them first, e.g. df[%r].str.strip().str.lower().",
                       y.name, "; ".join(" / ".join(map(repr, g)) for g in twins[:3]), y.name)


def _checked_override(y: pd.Series, task: str, n_unique: int) -> TaskInfo:
    name = y.name
    if task == REGRESSION and not pd.api.types.is_numeric_dtype(y.dtype):
        raise TargetError(f"task='regression' needs a numeric target, but {name!r} is {y.dtype}; use a classification task.")
    if task == REGRESSION and pd.api.types.is_bool_dtype(y.dtype):
        raise TargetError(f"task='regression' needs a numeric target, but {name!r} is boolean; use task='binary'.")
    if n_unique < 2:
        raise TargetError(f"Target column {name!r} has a single value; a model needs at least two classes or values.")
    if task == BINARY and n_unique != 2:
        raise TargetError(f"task='binary' needs exactly 2 classes, but {name!r} has {n_unique}; use task='multiclass'.")
    return TaskInfo(task, "set by task=")
