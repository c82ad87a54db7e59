"""The exported model's final fit: a bag of the k fold models, or one refit on all rows."""

from __future__ import annotations

import json

import numpy as np
import pytest
from sklearn.metrics import accuracy_score
from sklearn.pipeline import Pipeline

import automl
from automl.ensemble import EnsembleModel
from automl.errors import ConfigError


def test_bag_is_exactly_the_models_cross_validation_scored(breast_cancer, out_dir, tmp_path):
    res = automl.fit(breast_cancer, "target", n_trials=1, include=["random_forest"], ensemble=False,
                     final_fit="bag", output_dir=out_dir, seed=0)
    bag = res.pipeline_
    fold_id = np.load(res.run_dir / "folds.npy")
    assert res.final_fit == "bag" and isinstance(bag, EnsembleModel)
    assert len(bag.members) == fold_id.max() + 1 == 5 and all(isinstance(m, Pipeline) for m in bag.members)
    assert bag.weights == pytest.approx([0.2] * 5)
    # fold model k, on fold k's rows, predicts what the trial's out-of-fold predictions recorded
    X = breast_cancer.drop(columns=["target"])
    oof = np.load(res.run_dir / "oof" / f"trial_{res.best_trial}.npy")
    for k, member in enumerate(bag.members):
        rows = fold_id == k
        np.testing.assert_allclose(member.predict_proba(X[rows]), oof[rows], atol=1e-6)
    # the bag predicts their average, and the run folder and a reload say it is a bag
    expected = np.mean([m.predict_proba(X) for m in bag.members], axis=0)
    np.testing.assert_allclose(res.predict_proba(X), expected)
    info = json.loads((res.run_dir / "run.json").read_text())
    assert info["final_fit"] == "bag"
    # run.json says when the search ended and how long the final fit took against its estimate
    session = info["sessions"][-1]
    assert 0 < session["search_s"] < session["elapsed_s"]
    [timing] = session["final_fits"]
    assert (timing["trial"], timing["mode"], timing["error"]) == (res.best_trial, "bag", None)
    assert timing["seconds"] > 0 and timing["estimated_s"] > 0
    back = automl.load(res.save(tmp_path / "saved"))
    assert back.final_fit == "bag" and np.array_equal(back.predict_proba(X), res.predict_proba(X))
    # labels keep the target's dtype, as a single pipeline's do, so scikit-learn's metrics take them
    assert res.classes_.dtype == breast_cancer["target"].dtype and res.predict(X).dtype == res.classes_.dtype
    assert accuracy_score(breast_cancer["target"], res.predict(X)) > 0.9


def test_bag_keeps_a_class_some_fold_models_never_saw(out_dir):
    from sklearn.datasets import load_iris

    df = load_iris(as_frame=True).frame
    df["target"] = df["target"].map({0: "setosa", 1: "versicolor", 2: "virginica"}).astype(object)
    df.loc[0, "target"] = "rare"  # one row: the fold that validates on it trains without it
    res = automl.fit(df, "target", n_trials=2, include=["decision_tree"], ensemble=False, final_fit="bag",
                     output_dir=out_dir, seed=0)
    assert list(res.classes_) == ["rare", "setosa", "versicolor", "virginica"]
    assert sorted(len(m.classes_) for m in res.pipeline_.members) == [3, 4, 4, 4, 4]
    proba = res.predict_proba(df.drop(columns=["target"]))
    assert proba.shape == (len(df), 4) and np.allclose(proba.sum(axis=1), 1.0)
    assert 0 < proba[0, 0] < 1  # four fold models saw "rare", one did not


def test_refit_is_the_default_and_gives_one_pipeline(breast_cancer, out_dir):
    res = automl.fit(breast_cancer, "target", n_trials=2, include=["linear"], ensemble=False, output_dir=out_dir)
    assert res.final_fit == "refit" and isinstance(res.pipeline_, Pipeline)


def test_an_ensemble_bags_each_member(out_dir):
    from sklearn.datasets import load_wine

    df = load_wine(as_frame=True).frame
    res = automl.fit(df, "target", n_trials=8, include=["linear", "knn", "naive_bayes"], final_fit="bag",
                     output_dir=out_dir, seed=0)
    assert res.final_fit == "bag"
    members = res.pipeline_.members if res.best_params["family"] == "ensemble" else [res.pipeline_]
    assert all(isinstance(m, EnsembleModel) and len(m.members) == 5 for m in members)


@pytest.mark.parametrize("kwargs, needle", [
    ({"final_fit": "bagging"}, "final_fit='bagging' is not one of"),
    ({"final_fit": "bag", "cv": 0.2}, "needs k-fold CV"),
    ({"final_fit": "bag", "cv": "holdout"}, "needs k-fold CV"),
])
def test_bad_final_fit_is_a_clear_error(breast_cancer, out_dir, kwargs, needle):
    with pytest.raises(ConfigError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        automl.fit(breast_cancer, "target", n_trials=1, output_dir=out_dir, **kwargs)


def _register_sleeper(name: str, make, flag, rows: int) -> None:
    """A binary family (tests/families_for_tests.py) that sleeps 120 s in some fits once ``flag`` exists."""
    space = {"params": {"flag_file": {"type": "categorical", "choices": [str(flag)]},
                        "seconds": {"type": "float", "low": 120.0, "high": 121.0},
                        "rows": {"type": "categorical", "choices": [rows]}}}
    automl.register_family(name, make, space, tasks=["binary"])


def test_a_bag_out_of_time_falls_back_to_a_refit_within_the_budget(breast_cancer, out_dir, tmp_path):
    """Never lose the search: a bag that cannot finish leaves the refit its time."""
    import time

    import tests.families_for_tests as fam

    flag = tmp_path / "searched"
    _register_sleeper("slow_after_search", fam.make_slow_after_search, flag, len(breast_cancer))
    t0 = time.monotonic()
    try:
        res = automl.fit(breast_cancer, "target", n_trials=1, time_budget=15, final_fit="bag", ensemble=False,
                         include=["slow_after_search"], output_dir=out_dir, on_trial=lambda r: flag.touch())
    finally:
        automl.unregister_family("slow_after_search")
    elapsed = time.monotonic() - t0
    assert res.final_fit == "refit" and isinstance(res.pipeline_, Pipeline)
    assert res.predict_proba(breast_cancer.drop(columns=["target"])).shape == (len(breast_cancer), 2)
    assert elapsed > 10  # the bag really was tried (and killed), not skipped
    fits = json.loads((res.run_dir / "run.json").read_text())["sessions"][-1]["final_fits"]
    bag, refit = fits[0], fits[-1]  # a refit past its time on a busy machine adds a late refit between them
    assert (bag["mode"], refit["mode"], refit["error"]) == ("bag", "refit", None) and "bag" in bag["error"]


def test_refits_slower_than_estimated_still_return_a_model(breast_cancer, out_dir, tmp_path, caplog):
    """Never lose the search: when the refit runs out of time (the machine got busy), one more refit
    of the quickest trial runs past the budget instead of raising."""
    import logging
    import time

    import tests.families_for_tests as fam

    flag = tmp_path / "searched"
    _register_sleeper("slow_once", fam.make_slow_once, flag, len(breast_cancer))
    t0 = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="automl"):
            res = automl.fit(breast_cancer, "target", n_trials=1, time_budget=8, ensemble=False,
                             include=["slow_once"], output_dir=out_dir, on_trial=lambda r: flag.touch())
    finally:
        automl.unregister_family("slow_once")
    elapsed = time.monotonic() - t0
    assert not flag.exists()  # the first refit really ran (and was killed at the budget's end)
    assert elapsed < 60  # not the 120 s sleep
    assert isinstance(res.pipeline_, Pipeline)
    assert res.predict_proba(breast_cancer.drop(columns=["target"])).shape == (len(breast_cancer), 2)
    assert "past the time budget" in caplog.text
