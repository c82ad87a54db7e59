"""The ensemble stage of a real search: a leaderboard row, exported when it wins, saved and loaded."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import automl


@pytest.fixture(scope="module")
def linear_plus_interaction():
    """A target with a linear part (for a linear model) and a sign interaction (for a tree)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 6))
    logit = 1.5 * X[:, 0] - X[:, 1] + 0.8 * X[:, 2] + 2.5 * np.sign(X[:, 3] * X[:, 4])
    df = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
    df["y"] = np.where(logit + rng.logistic(size=len(df)) > 0, "yes", "no")
    return df


def test_ensemble_of_two_families_is_exported_and_round_trips(linear_plus_interaction, out_dir, tmp_path):
    df = linear_plus_interaction
    res = automl.fit(df, "y", n_trials=12, include=["linear", "decision_tree"], output_dir=out_dir, seed=0)
    board = res.leaderboard
    row = board[board["family"] == "ensemble"]
    assert len(row) == 1 and row.iloc[0]["rank"] == 1 and row.iloc[0]["trial"] == -1
    assert res.best_params["family"] == "ensemble"
    members = res.best_params["members"]
    assert len(members) >= 2 and {m["family"] for m in members} == {"linear", "decision_tree"}
    assert sum(m["weight"] for m in members) == pytest.approx(1.0, abs=1e-3)
    singles = board[board["family"] != "ensemble"]
    assert res.best_score == row.iloc[0]["score"] > singles["score"].max()
    # what the leaderboard says it is made of is what the run folder says
    params = json.loads(row.iloc[0]["params"])
    assert params["members"] == members and params["in_sample_score"] >= 0.5

    X = df.drop(columns=["y"])
    proba = res.predict_proba(X)
    assert proba.shape == (len(df), 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert list(res.classes_) == ["no", "yes"] and set(res.predict(X)) <= {"no", "yes"}
    for loaded in (automl.load(res.run_dir), automl.load(res.save(tmp_path / "model"))):
        assert loaded.best_params == res.best_params
        assert np.array_equal(loaded.predict_proba(X), proba)
    info = json.loads((res.run_dir / "run.json").read_text())
    assert info["best_family"] == "ensemble" and info["best_trial"] == -1


def test_no_ensemble_row_from_a_single_trial(breast_cancer, out_dir):
    res = automl.fit(breast_cancer, "target", n_trials=1, include=["linear"], output_dir=out_dir)
    assert "ensemble" not in set(res.leaderboard["family"]) and res.best_params["family"] == "linear"


def test_a_failing_ensemble_stage_keeps_the_best_trials_model(linear_plus_interaction, out_dir, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("automl.search.run.build_ensemble", broken)
    res = automl.fit(linear_plus_interaction, "y", n_trials=4, include=["linear"], output_dir=out_dir, seed=0)
    assert "the ensemble stage failed (RuntimeError: boom)" in caplog.text
    assert res.best_params["family"] == "linear" and "ensemble" not in set(res.leaderboard["family"])
    assert set(res.predict(linear_plus_interaction.drop(columns="y"))) <= {"yes", "no"}
    assert automl.load(res.run_dir).best_params == res.best_params


@pytest.mark.parametrize("final_fit", ["refit", "bag"])
def test_the_exported_model_is_a_scikit_learn_estimator(breast_cancer, out_dir, final_fit):
    """clone + cross_val_score, as a user checks a model: EnsembleModel had no get_params or fit, and a
    clone fitted on a Series of int labels had object classes_, so the AUC scorer gave NaN."""
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import cross_val_score

    X, y = breast_cancer.drop(columns="target"), breast_cancer["target"]
    res = automl.fit(breast_cancer, "target", n_trials=6, include=["linear", "decision_tree"], final_fit=final_fit,
                     output_dir=out_dir, seed=0)
    if final_fit == "bag":
        assert type(res.pipeline_).__name__ == "EnsembleModel"
    for model in (res.pipeline_, getattr(res.pipeline_, "members", [res.pipeline_])[0]):  # blend/bag, one pipeline
        assert is_classifier(model)
        scores = cross_val_score(clone(model), X, y, cv=3, scoring="roc_auc", error_score="raise")
        assert np.isfinite(scores).all() and scores.min() > 0.9, scores
    fitted = clone(res.pipeline_).fit(X, y)
    assert fitted.classes_.tolist() == [0, 1] and fitted.score(X, y) > 0.9
    assert np.array_equal(res.pipeline_.predict(X), automl.load(res.run_dir).predict(X))  # the search's model untouched


def test_a_regression_blend_cross_validates(diabetes, out_dir):
    from sklearn.base import clone, is_regressor
    from sklearn.model_selection import cross_val_score

    res = automl.fit(diabetes, "target", n_trials=6, include=["linear", "decision_tree"], final_fit="bag",
                     output_dir=out_dir, seed=0)
    assert is_regressor(res.pipeline_)
    scores = cross_val_score(clone(res.pipeline_), diabetes.drop(columns="target"), diabetes["target"], cv=3,
                             error_score="raise")
    assert np.isfinite(scores).all() and scores.min() > 0.3, scores
