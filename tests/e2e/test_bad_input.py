"""Bad input gets automl's own errors, catchable as the builtin, naming the argument and the fix."""

from __future__ import annotations

import logging
import sys
import threading

import numpy as np
import pandas as pd
import pytest

import automl


@pytest.fixture
def df():
    rng = np.random.default_rng(0)
    return pd.DataFrame({"Age": rng.normal(size=50), "Fare": rng.normal(size=50), "Survived": rng.integers(0, 2, 50)})


def _raises(exc_types, match, fn, *args, **kwargs):
    with pytest.raises(exc_types[0], match=match) as err:
        fn(*args, **kwargs)
    for t in exc_types[1:]:
        assert isinstance(err.value, t), (type(err.value), t)
    assert "Traceback" not in str(err.value)
    return err.value


def test_empty_frame(out_dir):
    _raises((automl.EmptyDataError, ValueError), "no rows", automl.fit, pd.DataFrame({"y": []}), "y", output_dir=out_dir)


def test_missing_target_with_did_you_mean(df, out_dir):
    _raises((automl.TargetNotFoundError, KeyError, ValueError), "'survived'.*Did you mean 'Survived'",
            automl.fit, df, "survived", output_dir=out_dir)


def test_target_all_missing(df, out_dir):
    _raises((automl.TargetError, ValueError), "'Survived' is all missing",
            automl.fit, df.assign(Survived=np.nan), "Survived", output_dir=out_dir)


def test_single_class_target(df, out_dir):
    _raises((automl.TargetError, ValueError), "'Survived'.*single", automl.fit, df.assign(Survived=1), "Survived",
            output_dir=out_dir)


@pytest.mark.parametrize("data", [[[1, 2], [3, 4]], np.zeros((5, 2)), 42])
def test_not_a_table(data, out_dir):
    _raises((automl.NotATableError, TypeError, ValueError), "DataFrame", automl.fit, data, "y", output_dir=out_dir)


def test_missing_file(out_dir, tmp_path):
    _raises((automl.DataFileNotFoundError, FileNotFoundError), "nope.csv", automl.fit, tmp_path / "nope.csv", "y",
            output_dir=out_dir)


@pytest.mark.parametrize("kwargs,match", [
    ({"time_budget": -5}, "time_budget=-5"),
    ({"n_trials": 0}, "n_trials=0"),
    ({"metric": "acuracy"}, "Did you mean 'accuracy'"),
    ({"metric": "rmse"}, "metric='rmse' does not fit a binary task"),
    ({"include": ["xgbost"]}, "Did you mean 'xgboost'"),
    ({"include": ["naive_bayes"], "task": "regression"}, "naive_bayes"),
    ({"cv": 1}, "cv=1"),
    ({"task": "clasification"}, "task='clasification'"),
])
def test_bad_arguments(df, out_dir, kwargs, match):
    _raises((automl.ConfigError, ValueError), match, automl.fit, df, "Survived", output_dir=out_dir, **kwargs)
    assert not out_dir.exists() or not any(out_dir.iterdir())  # failed before creating a run folder


def _rare_positives(df, n):
    return df.assign(Survived=[1] * n + [0] * (len(df) - n))


@pytest.mark.parametrize("make,match", [
    (lambda df: _rare_positives(df, 1), "Class 1 of target column 'Survived' has a single row"),
    (lambda df: df.assign(Survived=[f"p{i}" for i in range(len(df))]), "Every class of .*'Survived'.*identifier"),
    (lambda df: df.assign(Survived=pd.date_range("2020", periods=len(df))), "'Survived' holds datetime64.*dt.days"),
    (lambda df: df.assign(Survived=[1, "a"] * (len(df) // 2)), r"'Survived' mixes value types \(int, str\).*astype\(str\)"),
])
def test_targets_a_classifier_cannot_learn(df, out_dir, make, match):
    _raises((automl.TargetError, ValueError), match, automl.fit, make(df), "Survived", output_dir=out_dir)
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_folds_the_rarer_class_cannot_fill(df, out_dir):
    # three positives: cv=5 said cannot be, cv="auto" scores on 3 folds, each with a positive (ROC AUC needs both)
    rare = _rare_positives(df, 3)
    _raises((automl.ConfigError, ValueError), "cv=5: 5-fold CV needs 5 rows of each class, but class 1 of "
            "'Survived' has 3; use cv=3", automl.fit, rare, "Survived", cv=5, output_dir=out_dir)
    res = automl.fit(rare, "Survived", n_trials=2, include=["linear"], ensemble=False, output_dir=out_dir)
    fold_id = np.load(res.run_dir / "folds.npy")
    assert sorted(set(fold_id)) == [0, 1, 2]
    assert all(rare["Survived"].to_numpy()[fold_id == k].sum() == 1 for k in range(3))
    assert (res.leaderboard["status"] == "complete").all()


def test_a_holdout_with_few_positives_is_scored_and_its_model_kept(df, out_dir):
    # a 20% holdout of 4 positives holds 1: trials are scored on it (none was: all failed), and the blend,
    # whose honest score splits the holdout in two, says why it was not built (it raised, losing the model)
    rare = _rare_positives(df, 4)
    res = automl.fit(rare, "Survived", n_trials=4, include=["linear", "naive_bayes"], cv=0.2, output_dir=out_dir)
    fold_id = np.load(res.run_dir / "folds.npy")
    assert rare["Survived"].to_numpy()[fold_id == 0].sum() >= 1
    board = res.leaderboard
    assert (board.loc[board["family"] != "ensemble", "status"] == "complete").all(), board.to_string()
    ensemble = board.loc[board["family"] == "ensemble"]
    assert len(ensemble) == 1 and ensemble["error"].iloc[0].startswith("not built: its cross-fitted score is undefined")
    assert res.predict(rare.drop(columns="Survived")).shape == (len(rare),)


def test_resume_from_a_folder_that_is_not_a_run(df, tmp_path):
    _raises((automl.ConfigError, ValueError), "not a run folder", automl.fit, df, "Survived", resume=tmp_path)


def test_load_from_a_folder_without_a_model(tmp_path):
    _raises((automl.ConfigError, ValueError), "no saved automl model", automl.load, tmp_path)
    _raises((automl.ConfigError, ValueError), "'.*nowhere' does not exist", automl.load, tmp_path / "nowhere")


def test_load_of_a_model_whose_code_is_not_importable_says_so(tmp_path, monkeypatch):
    """A family's estimator class defined in a script's __main__ cannot be unpickled elsewhere; load said
    the files were damaged ("save it again"), which they were not."""
    import json

    import joblib

    (tmp_path / "my_estimators.py").write_text("class MyModel:\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_estimators

    saved = tmp_path / "saved"
    saved.mkdir()
    joblib.dump(my_estimators.MyModel(), saved / "model.joblib")
    (saved / "model.json").write_text(json.dumps({"format": 1, "task": "binary", "metric": "roc_auc",
                                                  "greater_is_better": True, "best_params": {}}))
    monkeypatch.delitem(sys.modules, "my_estimators")
    monkeypatch.syspath_prepend(str(tmp_path / "elsewhere"))
    (tmp_path / "my_estimators.py").unlink()
    _raises((automl.RunFolderError, ValueError), r"uses code this process cannot import \(ModuleNotFoundError: No module named"
            r" 'my_estimators'\). Import or define it", automl.load, saved)


def test_parallel_search_without_ray_says_what_to_install(df, out_dir, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails, as when not installed
    _raises((automl.BackendError, RuntimeError), r'pip install "automl\[ray\]"', automl.fit, df, "Survived",
            workers=2, n_trials=2, output_dir=out_dir)


def test_ray_client_address_without_grpcio_says_what_to_install(df, out_dir, monkeypatch):
    pytest.importorskip("ray")
    monkeypatch.setitem(sys.modules, "grpc", None)
    _raises((automl.BackendError, RuntimeError), r"'ray://127.0.0.1:1'.*grpcio.*automl\[ray\]", automl.fit, df,
            "Survived", ray_address="ray://127.0.0.1:1", n_trials=2, output_dir=out_dir)


@pytest.mark.parametrize("scheme", ["", "ray://"])
def test_a_ray_address_where_nothing_listens_fails_at_once(df, out_dir, scheme):
    pytest.importorskip("ray")
    import socket

    with socket.socket() as s:  # a port nothing listens on: ray.init would retry it for ever, deaf to Ctrl-C
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _raises((automl.BackendError, RuntimeError), rf"Nothing answers at Ray address '{scheme}127.0.0.1:{port}'.*ray start --head",
            automl.fit, df, "Survived", ray_address=f"{scheme}127.0.0.1:{port}", n_trials=2, output_dir=out_dir)


@pytest.mark.parametrize("package", ["lightgbm", "catboost"])
def test_optional_family_not_installed(package, df, out_dir, monkeypatch):
    from automl.families.registry import families_for

    monkeypatch.setitem(sys.modules, package, None)  # as if it were not installed
    assert package not in [f.name for f in families_for("binary")]  # left out of a default search
    _raises((automl.ConfigError, ValueError), rf'\'{package}\' needs the {package} package: pip install "automl\[{package}\]"',
            automl.fit, df, "Survived", include=[package, "linear"], n_trials=2, output_dir=out_dir)


def test_a_search_stopped_before_any_trial_says_so(df, out_dir):
    # the CLI's Ctrl-C in the first seconds: it said "raise time_budget or fix the errors" and exited 1
    stop = threading.Event()
    stop.set()
    _raises((automl.SearchError, RuntimeError), "stopped before any trial completed.*Resume it from", automl.fit, df,
            "Survived", stop=stop, output_dir=out_dir)
    _raises((automl.SearchError, RuntimeError), r"No trial could start within time_budget=0.001 s", automl.fit, df,
            "Survived", time_budget=0.001, output_dir=out_dir)


def test_resume_refuses_what_would_mix_runs(df, out_dir):
    res = automl.fit(df, "Survived", n_trials=3, include=["linear"], ensemble=False, output_dir=out_dir, seed=4)
    run = res.run_dir
    # other folds or another seed were ignored without a word; trials scored on other folds do not compare
    _raises((automl.ConfigError, ValueError), r"cv=3 differs from the resumed run's folds \(cv=5\)", automl.fit, df, "Survived",
            resume=run, cv=3, n_trials=1)
    _raises((automl.ConfigError, ValueError), "seed=7 differs from the resumed run's seed 4", automl.fit, df, "Survived", resume=run,
            seed=7, n_trials=1)
    assert len(automl.fit(df, "Survived", resume=run, cv=5, n_trials=1).leaderboard) == 4  # the same values are fine
    (run / "study.journal").unlink()  # new trials reused numbers 0, 1 ... (and their OOF files)
    _raises((automl.ConfigError, ValueError), "has 4 trial records but its study journal .* has 0 trials", automl.fit, df,
            "Survived", resume=run, n_trials=1)


def test_f1_on_a_common_positive_class_is_warned_of(df, out_dir, caplog):
    # F1 scores the second class in sorted order: "ok" here, 90 % of the rows, when "fraud" was meant
    labels = df.assign(Survived=np.where(np.arange(len(df)) % 10 == 0, "fraud", "ok"))
    with caplog.at_level(logging.WARNING, logger="automl"):
        automl.fit(labels, "Survived", metric="f1", n_trials=1, include=["linear"], ensemble=False, output_dir=out_dir)
    assert "metric='f1' scores class 'ok' of 'Survived' (the second in sorted order), which is 90% of the rows" in caplog.text
    assert "df['Survived'] == 'fraud'" in caplog.text


def test_keep_columns_uses_a_year_that_looks_like_a_row_counter(out_dir):
    years = np.arange(1950, 2030)
    df = pd.DataFrame({"year": years, "rain": np.random.default_rng(0).normal(size=len(years))})
    df["gdp"] = (years - 1950) * 10.0 + np.random.default_rng(1).normal(size=len(years))
    dropped = automl.fit(df, "gdp", n_trials=2, include=["linear"], ensemble=False, output_dir=out_dir)
    kept = automl.fit(df, "gdp", n_trials=2, include=["linear"], ensemble=False, output_dir=out_dir, keep_columns=["year"])
    assert kept.best_score < 0.1 * dropped.best_score  # RMSE: the year is the signal
    _raises((automl.ConfigError, ValueError), "keep_columns: 'yaer' is not a column of the table. Did you mean 'year'",
            automl.fit, df, "gdp", n_trials=1, output_dir=out_dir, keep_columns=["yaer"])
    _raises((automl.ConfigError, ValueError), "keep_columns= cannot change when resuming", automl.fit, df, "gdp",
            n_trials=1, resume=kept.run_dir, keep_columns=["rain"])
    assert (automl.fit(df, "gdp", n_trials=1, resume=kept.run_dir).leaderboard["trial"] >= 0).sum() == 3  # its own keep_columns
