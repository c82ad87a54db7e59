"""How many folds the classes allow: every binary fold needs both classes, a multiclass one some class."""

from __future__ import annotations

import numpy as np
import pytest

from automl.errors import ConfigError, TargetError
from automl.evaluation.splits import folds_for_classes, make_folds


def _codes(*counts):
    return np.repeat(np.arange(len(counts)), counts)


def test_a_rare_multiclass_class_keeps_the_folds():
    codes = _codes(50, 40, 1)  # the 1-row class is missing from 4 folds; its probability is still scored there
    assert folds_for_classes(5, np.array(["a", "b", "c"]), codes, binary=False, explicit=True, target="y") == 5


def test_classes_of_two_rows_give_two_stratified_folds():
    codes = _codes(*[2] * 30)
    assert folds_for_classes(5, np.arange(30), codes, binary=False, explicit=False, target="y") == 2
    with pytest.raises(ConfigError, match="cv=5: 5-fold CV needs 5 rows of some class, but the largest class of 'y' has 2; use cv=2"):
        folds_for_classes(5, np.arange(30), codes, binary=False, explicit=True, target="y")
    fold_id = make_folds(codes, True, 2, seed=0)
    assert all(np.bincount(codes[fold_id == k]).tolist() == [1] * 30 for k in (0, 1))


def test_the_rarer_binary_class_sets_the_folds():
    classes = np.array([False, True])
    assert folds_for_classes(5, classes, _codes(96, 4), binary=True, explicit=False, target="y") == 4
    assert folds_for_classes(5, classes, _codes(95, 5), binary=True, explicit=False, target="y") == 5
    with pytest.raises(ConfigError, match="class True of 'y' has 4; use cv=4"):
        folds_for_classes(5, classes, _codes(96, 4), binary=True, explicit=True, target="y")


@pytest.mark.parametrize("positives,share", [(2, 0.2), (3, 0.1), (4, 0.2)])
def test_a_holdout_gets_a_row_of_every_class(positives, share):
    # a stratified 20% of 2 positives rounds to none: a binary holdout without one cannot be scored
    codes = _codes(300 - positives, positives)
    assert folds_for_classes(share, np.array([0, 1]), codes, binary=True, explicit=True, target="y") == share
    fold_id = make_folds(codes, True, share, seed=0)
    assert np.bincount(codes[fold_id == 0], minlength=2).min() >= 1
    assert np.bincount(codes[fold_id == -1], minlength=2).min() >= 1


def test_a_holdout_checks_the_classes_like_folds_do():
    with pytest.raises(TargetError, match="Class 1 of target column 'y' has a single row"):
        folds_for_classes(0.2, np.array([0, 1]), _codes(299, 1), binary=True, explicit=False, target="y")
