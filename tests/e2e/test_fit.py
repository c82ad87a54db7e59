"""End-to-end: fit -> leaderboard -> predict -> save/load on scikit-learn's bundled datasets."""

from __future__ import annotations

import json
import threading

import numpy as np
import pytest

import automl
from automl.results.leaderboard import COLUMNS

pytestmark = pytest.mark.slow


def _check_result(res, df, target):
    board = res.leaderboard
    assert list(board.columns[: len(COLUMNS)]) == COLUMNS
    assert board["rank"].tolist() == list(range(1, len(board) + 1))
    done = board[board["status"] == "complete"]
    assert len(done) >= 1
    # best first, in the metric's own direction
    scores = done["score"].to_numpy()
    assert np.all(np.diff(scores) <= 0) if res.greater_is_better else np.all(np.diff(scores) >= 0)
    assert board.loc[board["exported"], "trial"].tolist() == [res.best_trial]
    # the exported model: the ensemble (when it won cross-fitted, see README), else the best single trial
    singles = done[done["trial"] >= 0]
    if res.best_params["family"] == "ensemble":
        assert res.best_trial == -1 and done.loc[done["trial"] == -1, "error"].isna().all()
    else:
        assert (res.best_trial, res.best_params["family"]) == (singles.iloc[0]["trial"], singles.iloc[0]["family"])
    assert res.run_dir.is_dir() and (res.run_dir / "leaderboard.csv").is_file()
    X = df.drop(columns=[target])
    return X, res.predict(X)


def test_binary_breast_cancer(breast_cancer, out_dir):
    res = automl.fit(breast_cancer, "target", time_budget=40, n_trials=12, output_dir=out_dir, seed=0)
    assert (res.task, res.metric, res.greater_is_better) == ("binary", "roc_auc", True)
    X, pred = _check_result(res, breast_cancer, "target")
    assert list(res.classes_) == [0, 1]
    proba = res.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert res.leaderboard.iloc[0]["score"] > 0.98  # CV ROC AUC; any decent model gets ~0.99
    assert (pred == breast_cancer["target"]).mean() > 0.95


def test_multiclass_wine_with_string_labels(wine, out_dir):
    df = wine.assign(target=wine["target"].map({0: "barolo", 1: "grignolino", 2: "barbera"}))
    res = automl.fit(df, "target", n_trials=10, time_budget=40, output_dir=out_dir)
    assert (res.task, res.metric, res.greater_is_better) == ("multiclass", "log_loss", False)
    X, pred = _check_result(res, df, "target")
    assert list(res.classes_) == ["barbera", "barolo", "grignolino"]  # sorted like scikit-learn
    assert set(pred) <= set(res.classes_)
    proba = res.predict_proba(X)
    # probability columns follow classes_: the argmax column's label is the prediction
    assert (res.classes_[proba.argmax(axis=1)] == pred).all()
    assert (pred == df["target"]).mean() > 0.9
    assert res.leaderboard.iloc[0]["score"] < 0.3
    # a batch of no rows: no predictions, of the same dtype and width; its columns are still checked
    assert res.predict(X.iloc[:0]).shape == (0,) and res.predict(X.iloc[:0]).dtype == pred.dtype
    assert res.predict_proba(X.iloc[:0]).shape == (0, 3)
    with pytest.raises(automl.ColumnsMissingError, match="alcohol"):
        res.predict(X.iloc[:0].drop(columns=["alcohol"]))


def test_regression_diabetes(diabetes, out_dir):
    res = automl.fit(diabetes, "target", n_trials=10, time_budget=40, output_dir=out_dir)
    assert (res.task, res.metric, res.greater_is_better) == ("regression", "rmse", False)
    X, pred = _check_result(res, diabetes, "target")
    assert res.classes_ is None
    assert pred.dtype.kind == "f" and len(pred) == len(X)
    assert res.predict(X.iloc[:0]).shape == (0,)
    assert res.leaderboard.iloc[0]["score"] < diabetes["target"].std() * 0.85  # beats predicting the mean
    with pytest.raises(automl.ConfigError, match="regression"):
        res.predict_proba(X)


def test_save_load_round_trip(breast_cancer, out_dir, tmp_path):
    res = automl.fit(breast_cancer, "target", n_trials=4, output_dir=out_dir, include=["xgboost", "linear"])
    X = breast_cancer.drop(columns=["target"])
    path = res.save(tmp_path / "saved")
    back = automl.load(path)
    assert np.array_equal(back.predict(X), res.predict(X))
    assert np.array_equal(back.predict_proba(X), res.predict_proba(X))
    assert (back.task, back.metric, back.best_params) == (res.task, res.metric, res.best_params)
    assert list(back.classes_) == list(res.classes_)
    # the run folder holds the same model
    from_run = automl.load(res.run_dir)
    assert np.array_equal(from_run.predict_proba(X), res.predict_proba(X))


def test_run_folder_contents(breast_cancer, out_dir):
    res = automl.fit(breast_cancer, "target", n_trials=6, output_dir=out_dir, include=["linear", "decision_tree"], cv=3)
    run = res.run_dir
    for name in ("run.json", "study.journal", "trials.jsonl", "leaderboard.csv", "folds.npy", "model/model.joblib"):
        assert (run / name).exists(), name
    info = json.loads((run / "run.json").read_text())
    assert info["task"] == "binary" and info["metric"] == "roc_auc" and info["seed"] == 0
    assert info["schema"]["numeric"] and "versions" in info and info["limits"]["n_trials"] == 6
    folds = np.load(run / "folds.npy")
    assert len(folds) == len(breast_cancer) and set(folds) == {0, 1, 2}
    # out-of-fold predictions: one row per training row, every row predicted once
    oofs = sorted((run / "oof").glob("trial_*.npy"))
    assert oofs
    oof = np.load(oofs[0])
    assert oof.shape == (len(breast_cancer), 2) and not np.isnan(oof).any()
    # Optuna's own tools open the study
    import optuna
    from optuna.storages import JournalStorage
    from optuna.storages.journal import JournalFileBackend

    study = optuna.load_study(study_name="automl", storage=JournalStorage(JournalFileBackend(str(run / "study.journal"))))
    assert len(study.trials) == 6
    # every fit creates a new run folder
    res2 = automl.fit(breast_cancer, "target", n_trials=2, output_dir=out_dir, include=["linear"])
    assert res2.run_dir != run and res2.run_dir.parent == run.parent


def test_on_trial_callback_and_stop_signal(breast_cancer, out_dir):
    stop = threading.Event()
    seen = []

    def on_trial(record):
        seen.append(record)
        if len(seen) == 3:
            stop.set()

    res = automl.fit(breast_cancer, "target", time_budget=60, output_dir=out_dir, on_trial=on_trial, stop=stop)
    assert len(seen) == 3  # no trial started after the stop signal
    assert [r["trial"] for r in seen] == [0, 1, 2]
    assert {"family", "score", "status", "fit_time_s", "params"} <= set(seen[0])
    assert (res.leaderboard["trial"] >= 0).sum() == 3 and (res.run_dir / "model" / "model.joblib").is_file()


def test_pipeline_is_plain_sklearn(breast_cancer, out_dir):
    from sklearn.pipeline import Pipeline

    res = automl.fit(breast_cancer, "target", n_trials=1, output_dir=out_dir, include=["random_forest"])
    assert isinstance(res.pipeline_, Pipeline) and res.final_fit == "refit"
    X = breast_cancer.drop(columns=["target"])
    assert np.array_equal(res.pipeline_.predict(X), res.predict(X))
    # raw rows in another column order, with an extra column
    shuffled = X[X.columns[::-1]].assign(extra="ignored")
    assert np.array_equal(res.predict(shuffled), res.predict(X))
