"""Successive halving over rows: the rungs a trial is screened on before its folds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.tree import DecisionTreeClassifier

from automl.data.profile import profile_columns
from automl.evaluation.evaluate import COMPLETE, PRUNED, EvalData, TrialSpec, evaluate
from automl.evaluation.metrics import get_metric
from automl.evaluation.splits import fold_indices, make_folds
from automl.families.base import ModelFamily
from automl.preprocess import TableCleaner
from automl.search.sampling import halving_rungs


@pytest.mark.parametrize("n_train_rows, rungs", [(10_000, ()), (15_000, (1 / 3,)), (45_000, (1 / 9, 1 / 3))])
def test_rungs_only_on_large_folds(n_train_rows, rungs):
    assert halving_rungs(n_train_rows) == pytest.approx(rungs)


@pytest.fixture(scope="module")
def data() -> EvalData:
    X, y = make_classification(n_samples=3000, n_features=8, random_state=0)
    X = pd.DataFrame(X, columns=[f"x{i}" for i in range(8)])
    profile = profile_columns(X)
    fold_id = make_folds(y, True, 3, 0)
    return EvalData(TableCleaner(profile).fit(X).transform(X), y, fold_id, "binary", 2, profile, get_metric(None, "binary"))


def recording_family(rows_seen: list[int]) -> ModelFamily:
    def make(params, ctx):
        rows_seen.append(ctx.n_rows)
        return DecisionTreeClassifier(max_depth=3, random_state=0)

    return ModelFamily("recording_tree", frozenset({"binary"}), make, space={"params": {}})


def test_rungs_fit_on_row_fractions_of_fold_0_then_every_fold(data):
    rows_seen, steps = [], []
    spec = TrialSpec(0, recording_family(rows_seen), {}, rungs=(0.1, 0.3))
    res = evaluate(data, spec, lambda step, value, fit_s, predict_s: steps.append((step, value, fit_s + predict_s)) and False)
    n_train = len(fold_indices(data.fold_id, 0)[0])
    assert res.status == COMPLETE, res.error
    assert rows_seen[:2] == [int(0.1 * n_train), int(0.3 * n_train)]  # the rungs, then the 3 folds
    assert rows_seen[2:] == [len(fold_indices(data.fold_id, i)[0]) for i in range(3)]
    assert [s for s, _, _ in steps] == [0, 1, 2, 3]  # 2 rungs, then folds 0 and 1 (the last fold is not reported)
    assert [v for _, v, _ in steps[:2]] == res.rung_scores
    # each step's own fit and prediction seconds (the driver times rungs by them): all but the last fold's
    seconds = [t for _, _, t in steps]
    assert all(t > 0 for t in seconds) and sum(seconds) < res.fit_time_s + res.predict_time_s
    assert len(res.fold_scores) == 3 and res.score == pytest.approx(np.mean(res.fold_scores))
    assert not np.isnan(res.oof).any()


def test_a_trial_pruned_on_a_rung_never_fits_a_fold(data):
    rows_seen = []
    res = evaluate(data, TrialSpec(0, recording_family(rows_seen), {}, rungs=(0.1, 0.3)), lambda step, value, fit_s, predict_s: True)
    assert res.status == PRUNED and len(rows_seen) == 1
    assert res.fold_scores == [] and res.score == res.rung_scores[0] and res.oof is None
