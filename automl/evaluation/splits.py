"""Fixed CV folds for a run: one fold id per row, saved with the run (resume and ensembling reuse them)."""

from __future__ import annotations

import logging
import warnings

import numpy as np

from automl.errors import ConfigError, TargetError, plain

logger = logging.getLogger("automl")

HOLDOUT_ROWS = 100_000  # above this, "auto" scores on one 20% holdout instead of k folds
# 10 folds on small tables (each fold model nearer the refit, half the trials) tied with 5 on the
# training parts: benchmarks/folds_choice.py.


def resolve_cv(cv: int | float | str, n_rows: int) -> int | float:
    """Turn ``cv`` ("auto", an int k >= 2, "holdout" or a holdout share in (0, 1)) into k or a share."""
    if cv == "auto":
        if n_rows > HOLDOUT_ROWS:
            return 0.2
        return 5 if n_rows <= 10_000 else 3
    if cv == "holdout":
        return 0.2
    if isinstance(cv, bool) or not isinstance(cv, (int, float)):
        raise ConfigError(f"cv={cv!r} is not valid; use an int >= 2 (folds), a float in (0, 1) (holdout share), 'holdout' or 'auto'.")
    if isinstance(cv, float) and not cv.is_integer():
        if not 0 < cv < 1:
            raise ConfigError(f"cv={cv!r} is not a holdout share; use a float in (0, 1), e.g. 0.2.")
        return cv
    if cv < 2:
        raise ConfigError(f"cv={cv!r}: k-fold CV needs at least 2 folds; use cv=5, or cv=0.2 for a 20% holdout.")
    if cv > n_rows:
        raise ConfigError(f"cv={cv!r} asks for more folds than the {n_rows} rows; use cv=5.")
    return int(cv)


def folds_for_classes(k: int | float, classes: np.ndarray, codes: np.ndarray, binary: bool, explicit: bool,
                      target: object) -> int | float:
    """The number of folds ``k`` the classes of ``target`` allow (fewer than asked only when ``cv`` was "auto").

    Every binary fold needs rows of both classes (ROC AUC is undefined on one), so the rarer class
    needs k rows. Multiclass folds may miss a rare class (its probability is still scored), but
    stratified folds need some class with k rows. A target whose classes all have one row is not
    something to learn (an identifier, most likely). A holdout share ``k`` is returned as it is once
    the classes pass those checks: ``make_folds`` gives each class of 2+ rows a validation row.
    """
    counts = np.bincount(codes, minlength=len(classes))
    if counts.max() < 2:
        raise TargetError(f"Every class of target column {target!r} has a single row ({len(classes)} classes): there is"
                          " nothing to learn. Is it an identifier? Pass the column you want to predict.")
    rare = int(counts.argmin() if binary else counts.argmax())
    allowed = int(counts[rare])
    label = plain(classes[rare])
    if binary and allowed < 2:
        raise TargetError(f"Class {label!r} of target column {target!r} has a single row; a binary model needs at least"
                          " 2 rows of each class (10 or more to be of use).")
    if isinstance(k, float) or allowed >= k:
        return k
    needs = f"{k}-fold CV needs {k} rows of " + ("each class" if binary else "some class")
    has = f"class {label!r} of {target!r} has {allowed}" if binary else f"the largest class of {target!r} has {allowed}"
    if explicit:
        raise ConfigError(f"cv={k}: {needs}, but {has}; use cv={allowed}.")
    logger.info("Using %d folds: %s, and %s.", allowed, needs, has)
    return allowed


def make_folds(y: np.ndarray, stratify: bool, cv: int | float, seed: int) -> np.ndarray:
    """Return ``fold_id``: the validation fold of each row (-1: training rows only, in a holdout)."""
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    n = len(y)
    fold_id = np.full(n, -1, dtype=np.int16)
    if isinstance(cv, float):
        strat = y if stratify and np.bincount(y).min() >= 2 else None
        train, val = train_test_split(np.arange(n), test_size=cv, random_state=seed, stratify=strat)
        fold_id[val] = 0
        if stratify:
            _validate_every_class(y, fold_id, train)
        return fold_id
    splitter = StratifiedKFold(cv, shuffle=True, random_state=seed) if stratify else KFold(cv, shuffle=True, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "least populated class has only 1 member": handled below
        for i, (_, val) in enumerate(splitter.split(np.zeros(n), y)):
            fold_id[val] = i
    return fold_id


def _validate_every_class(y: np.ndarray, fold_id: np.ndarray, train: np.ndarray) -> None:
    """Move one training row into the holdout for each class of 2+ rows the holdout missed: a binary
    holdout without a positive cannot be scored (a small share of a class of 2-4 rows rounds to 0)."""
    in_val = np.bincount(y[fold_id == 0], minlength=y.max() + 1)
    in_train = np.bincount(y[train], minlength=y.max() + 1)
    for c in np.flatnonzero((in_val == 0) & (in_train >= 2)):
        fold_id[train[y[train] == c][0]] = 0


def n_folds(fold_id: np.ndarray) -> int:
    return int(fold_id.max()) + 1


def fold_indices(fold_id: np.ndarray, i: int) -> tuple[np.ndarray, np.ndarray]:
    return np.flatnonzero(fold_id != i), np.flatnonzero(fold_id == i)
