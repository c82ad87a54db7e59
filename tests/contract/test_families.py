"""The contract every registered model family obeys (adding a family adds its checks here)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from automl.data.profile import profile_columns
from automl.errors import ConfigError
from automl.evaluation.clustering import scoring_sample
from automl.evaluation.evaluate import COMPLETE, EvalData, TrialSpec, evaluate
from automl.evaluation.metrics import get_metric
from automl.evaluation.splits import make_folds
from automl.families.registry import BUILTIN, all_families
from automl.pipeline import PIPELINE_PARAMS, build_model, fit_context
from automl.preprocess import TableCleaner
from automl.spaces import default_dir, load_space
from automl.task import CLASSIFICATION, CLUSTERING, REGRESSION

CASES = [(name, task) for name, fam in all_families().items() if name in BUILTIN for task in sorted(fam.tasks)]
IDS = [f"{name}-{task}" for name, task in CASES]


def _frame(task: str, n: int = 160) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "a": rng.normal(size=n),
        "b": np.where(rng.random(n) < 0.1, np.nan, rng.normal(size=n)),
        "colour": rng.choice(["red", "green", "blue"], n),
        "city": [f"c{i}" for i in rng.integers(0, 40, n)],  # medium cardinality
    })
    signal = X["a"] + (X["colour"] == "red")
    if task == REGRESSION:
        return X, (signal * 10 + rng.normal(size=n)).to_numpy()
    k = 2 if task == "binary" else 3
    return X, np.digitize(signal, np.quantile(signal, np.linspace(0, 1, k + 1)[1:-1]))


def _data(task: str) -> EvalData:
    X, y = _frame(task, 1000 if task == CLUSTERING else 160)  # 20 clusters need rows enough to be groups
    profile = profile_columns(X)
    Xc = TableCleaner(profile).fit(X).transform(X)
    if task == CLUSTERING:
        return EvalData(Xc, None, np.full(len(X), -1), task, 0, profile, get_metric(None, task),
                        scoring=scoring_sample(Xc, profile, 0))
    n_classes = 0 if task == REGRESSION else len(np.unique(y))
    folds = make_folds(y, task != REGRESSION, 2, 0)
    return EvalData(Xc, y, folds, task, n_classes, profile, get_metric(None, task))


def _ends(space, end: int) -> dict:
    from optuna.distributions import CategoricalDistribution

    return {k: (d.choices[end] if isinstance(d, CategoricalDistribution) else (d.low, d.high)[end])
            for k, d in space.distributions.items()}


def _param_names(estimator) -> set[str]:
    names = set()
    for key in estimator.get_params(deep=True):
        names.add(key.split("__")[-1])
    return names


def test_every_builtin_family_has_a_yaml_and_every_yaml_a_family():
    yamls = {p.stem for p in default_dir().glob("*.yaml")}
    assert yamls == set(BUILTIN)


@pytest.mark.parametrize("name,task", CASES, ids=IDS)
def test_space_keys_are_estimator_parameters(name, task):
    family = all_families()[name]
    space = load_space(family, task)
    assert len(space.distributions) >= 2, "a search space needs several real hyperparameters"
    ctx = fit_context(family, _data(task).profile, task, 100, 3, 1, 0)
    est = family.make({k: v for k, v in space.default.items() if k not in PIPELINE_PARAMS}, ctx)
    allowed = _param_names(est) | set(family.derived_params) | PIPELINE_PARAMS
    unknown = sorted(set(space.distributions) - allowed)
    assert not unknown, f"{name}.yaml keys that {type(est).__name__} does not take: {unknown}"


@pytest.mark.parametrize("name,task", CASES, ids=IDS)
def test_fits_and_predicts_at_default_and_range_ends(name, task):
    family = all_families()[name]
    space = load_space(family, task)
    data = _data(task)
    for params in (space.default, _ends(space, 0), _ends(space, -1)):
        params = {**_ends(space, 0), **params}
        res = evaluate(data, TrialSpec(0, family, params, n_jobs=1))
        if task == CLUSTERING and params != space.default and "outliers split off" in (res.error or ""):
            continue  # e.g. 20 clusters by complete linkage: a judgement on the data, not a crash
        assert res.status == COMPLETE, f"{name} {params}: {res.error}"
        assert np.isfinite(res.score)
        if task == CLUSTERING:
            assert -1 <= res.score <= 1 and res.oof is None  # a silhouette; nothing to ensemble
            continue
        assert res.oof.shape == ((len(data.y),) if task == REGRESSION else (len(data.y), data.n_classes))
        if task != REGRESSION:
            assert np.allclose(res.oof.sum(axis=1), 1, atol=1e-4)


@pytest.mark.parametrize("name,task", CASES, ids=IDS)
def test_pipeline_clones_and_needs_are_met(name, task):
    family = all_families()[name]
    data = _data(task)
    ctx = fit_context(family, data.profile, task, len(data.X), data.n_classes, 1, 0)
    model = build_model(family, load_space(family, task).default, data.profile, ctx)
    clone(model)  # __init__ only stores its arguments
    model.fit(data.X, data.y)
    if task == CLUSTERING:  # labels new rows with cluster numbers 0..k-1 (the exported pipeline must)
        default = load_space(family, task).default
        k = default.get("n_clusters", default.get("n_components"))
        labels = model.predict(data.X.iloc[:7])
        assert labels.shape == (7,) and set(labels) <= set(range(k))
    encoded = model.named_steps["encode"].transform(data.X)
    if family.prep.impute:
        assert not np.isnan(encoded).any(), f"{name} asked for imputation but got NaN"
    if task in CLASSIFICATION:
        assert model.predict_proba(data.X).shape == (len(data.y), data.n_classes)


BALANCING = [name for name, task in CASES if task == "binary" and all_families()[name].log_loss_fit
             and "balanced" in getattr(load_space(all_families()[name], task).distributions.get("class_weight"), "choices", ())]


def _imbalanced(n: int = 800) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    return X, (X["a"] + rng.normal(scale=1.5, size=n) > 1.8).astype(int).to_numpy()  # ~15 % positive


def _mean_probability(family, params: dict, correct: bool) -> tuple[float, float]:
    """(mean P(minority) on unseen rows, the minority's share) for ``family`` trained on 400 imbalanced rows."""
    X, y = _imbalanced()
    profile = profile_columns(X)
    Xc = TableCleaner(profile).fit(X).transform(X)
    ctx = fit_context(family, profile, "binary", len(y), 2, 1, 0)
    model = build_model(family, params, profile, ctx, prior_correction=correct).fit(Xc[:400], y[:400])
    return model.predict_proba(Xc[400:])[:, 1].mean(), y.mean()  # unseen rows: a pure leaf is no test


@pytest.mark.parametrize("name", BALANCING)
def test_balanced_class_weights_come_back_on_the_real_class_priors(name):
    """For a model fit by log loss, class_weight="balanced" changes the fit, not what the
    probabilities mean: on new rows their mean is near the minority's real share, not the
    balanced model's (unless the metric scores balanced labels, where the shift is the point)."""
    family = all_families()[name]
    params = {**load_space(family, "binary").default, "class_weight": "balanced"}
    (corrected, prior), (alone, _) = (_mean_probability(family, params, c) for c in (True, False))
    assert abs(corrected - prior) < 0.05, (corrected, prior)
    assert alone > prior + 0.05, (alone, prior)  # the balanced model alone over-predicts the rare class


def make_logistic(params, ctx):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(**params)


@pytest.mark.parametrize("log_loss_fit", [True, False])
def test_a_registered_family_declares_whether_it_is_fit_by_log_loss(log_loss_fit):
    from automl.families.registry import register_family, unregister_family
    from automl.preprocess.encode import PrepOptions

    space = {"params": {"C": {"type": "float", "low": 0.01, "high": 100.0, "log": True}}, "default": {"C": 1.0}}
    family = register_family("my_logistic", make_logistic, space, tasks=["binary"], prep=PrepOptions(scale=True),
                             log_loss_fit=log_loss_fit)
    try:
        mean, prior = _mean_probability(family, {"C": 1.0, "class_weight": "balanced"}, correct=True)
    finally:
        unregister_family("my_logistic")
    assert (abs(mean - prior) < 0.05) == log_loss_fit, (mean, prior)


LOGISTIC_SPACE = {"params": {"C": {"type": "float", "low": 0.01, "high": 100.0, "log": True}}, "default": {"C": 1.0}}


@pytest.mark.parametrize("name,kwargs,match", [
    ("my_logistic", {"prep": {"scale": True}}, "prep=.* must be an automl.PrepOptions"),  # every trial failed in encode.py
    ("ensemble", {}, r"not one of \['ensemble', 'default'\]"),  # its rows looked like the blend's
    ("default", {}, "not one of"),  # include=["default"] could never name it
    ("my.fam", {}, "without '.'"),  # trial parameters are named 'family.param'
    ("my_logistic", {"make": "LogisticRegression"}, "must be a function make"),
])
def test_register_family_refuses_what_would_fail_in_every_trial(name, kwargs, match):
    from automl.families.registry import register_family

    with pytest.raises(ConfigError, match=match):
        register_family(name, **{"make": make_logistic, "space": LOGISTIC_SPACE, **kwargs})
    assert name not in all_families() or name in BUILTIN


def make_xgboost(params, ctx):
    from xgboost import XGBClassifier

    return XGBClassifier(n_estimators=20, **params)


def test_register_family_refuses_a_space_parameter_its_model_would_silently_ignore():
    """XGBoost keeps unknown keyword arguments: a misspelt name searched nothing and no trial failed."""
    from automl.errors import SearchSpaceError
    from automl.families.registry import register_family, unregister_family

    space = {"params": {"max_dept": {"type": "int", "low": 2, "high": 8}}, "default": {"max_dept": 4}}
    with pytest.raises(SearchSpaceError, match="'max_dept' is not one that its model takes. Did you mean 'max_depth'"):
        register_family("my_xgb", make_xgboost, space, tasks="binary")
    assert "my_xgb" not in all_families()
    space = {"params": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "default": {"max_depth": 4}}
    register_family("my_xgb", make_xgboost, space, tasks="binary")
    unregister_family("my_xgb")


def make_logistic_from_log_c(params, ctx):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=10.0 ** params.get("log_C", 0.0))


def test_a_parameter_that_make_translates_is_declared_as_derived():
    from automl.errors import SearchSpaceError
    from automl.families.registry import register_family, unregister_family

    space = {"params": {"log_C": {"type": "float", "low": -2.0, "high": 2.0}}, "default": {"log_C": 0.0}}
    with pytest.raises(SearchSpaceError, match=r"'log_C' is not one .* register_family\(derived_params=\.\.\.\)"):
        register_family("my_logc", make_logistic_from_log_c, space, tasks="binary")
    register_family("my_logc", make_logistic_from_log_c, space, tasks="binary", derived_params=["log_C"])
    unregister_family("my_logc")


def test_register_family_takes_one_task_as_a_string_and_unregister_names_unknown_families():
    from automl.families.registry import register_family, unregister_family

    family = register_family("my_logistic", make_logistic, LOGISTIC_SPACE, tasks="binary")
    try:
        assert family.tasks == frozenset({"binary"})  # "unknown tasks ['a', 'b', 'i', 'n', 'r', 'y']" before
        with pytest.raises(ConfigError, match="No family 'my_logistc' is registered. Did you mean 'my_logistic'"):
            unregister_family("my_logistc")  # silently did nothing
    finally:
        unregister_family("my_logistic")


def test_metrics_that_score_balanced_labels_keep_the_balanced_probabilities():
    X, y = _imbalanced()
    profile = profile_columns(X)
    Xc = TableCleaner(profile).fit(X).transform(X)
    spec = TrialSpec(0, all_families()["linear"], {"C": 1.0, "class_weight": "balanced"})
    folds = make_folds(y, True, 3, 0)
    mean = {}
    for metric in ("accuracy", "balanced_accuracy"):
        data = EvalData(Xc, y, folds, "binary", 2, profile, get_metric(metric, "binary"))
        mean[metric] = evaluate(data, spec).oof[:, 1].mean()
    assert abs(mean["accuracy"] - y.mean()) < 0.05 and mean["balanced_accuracy"] > y.mean() + 0.1, mean


def test_opt_in_families_are_searched_only_when_named():
    """CatBoost is left out of the default search; "default" in include= stands for that search's families."""
    from automl.families.registry import families_for

    default = [f.name for f in families_for("binary")]
    assert "catboost" not in default and {"xgboost", "linear", "knn"} <= set(default)
    both = [f.name for f in families_for("binary", ["catboost", "default"])]
    assert set(both) == set(default) | {"catboost"}
    assert both == [n for n in all_families() if n in both]  # registry (portfolio) order, whatever include lists
    assert [f.name for f in families_for("regression", ["default"])] == [f.name for f in families_for("regression")]
