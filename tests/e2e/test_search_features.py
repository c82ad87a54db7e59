"""Search behaviour: portfolio first, seeded determinism, user search spaces, SQL input, holdout CV, pruning."""

from __future__ import annotations

import json
import sqlite3

import numpy as np
import pytest

import automl
from automl.errors import SearchSpaceError
from automl.families.registry import families_for
from automl.spaces import load_space

pytestmark = pytest.mark.slow


def _trials(res) -> list[dict]:
    return [json.loads(line) for line in (res.run_dir / "trials.jsonl").read_text().splitlines()]


def _params(board):
    return [(r.family, r.params) for r in board.sort_values("trial").itertuples()]


def test_portfolio_defaults_run_first(breast_cancer, out_dir):
    tree = {"params": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "default": {"max_depth": 3},
            "portfolio": [{"max_depth": 7}]}
    names = [f.name for f in families_for("binary")]  # every installed family, in registry order
    spaces = {n: load_space(automl.families.registry.get_family(n), "binary", tree if n == "decision_tree" else None)
              for n in names}
    extra = [(n, point) for n in names for point in spaces[n].portfolio]  # the built-in ones and the tree's
    assert ("decision_tree", {"max_depth": 7}) in extra
    res = automl.fit(breast_cancer, "target", n_trials=len(names) + len(extra), output_dir=out_dir,
                     search_space={"decision_tree": tree})
    board = res.leaderboard.query("trial >= 0").sort_values("trial")  # trial -1 is the ensemble
    # each family's default, in registry order, then the extra portfolio points, in registry order
    assert board["family"].tolist() == names + [n for n, _ in extra]
    expected = [spaces[n].default for n in names] + [point for _, point in extra]
    for row, point in zip(board.itertuples(), expected):
        params = json.loads(row.params)
        assert {k: params[k] for k in point} == point, row.family


def test_portfolio_points_are_checked(tmp_path):
    family = automl.families.registry.get_family("decision_tree")
    spec = {"params": {"max_depth": {"type": "int", "low": 2, "high": 8}}, "default": {"max_depth": 3}}
    assert load_space(family, "binary", {**spec, "portfolio": [{"max_depth": 8}]}).portfolio == ({"max_depth": 8},)
    with pytest.raises(SearchSpaceError, match="portfolio point max_depth=9 is outside"):
        load_space(family, "binary", {**spec, "portfolio": [{"max_depth": 9}]})
    with pytest.raises(SearchSpaceError, match="portfolio point key 'max_dept'.*max_depth"):
        load_space(family, "binary", {**spec, "portfolio": [{"max_dept": 4}]})


def test_task_defaults_replace_the_default_for_their_task_only():
    family = automl.families.registry.get_family("decision_tree")
    spec = {"params": {"max_depth": {"type": "int", "low": 2, "high": 8},
                       "min_samples_leaf": {"type": "int", "low": 1, "high": 20}},
            "default": {"max_depth": 3, "min_samples_leaf": 5}, "task_defaults": {"multiclass": {"max_depth": 6}},
            "portfolio": [{"max_depth": 6, "min_samples_leaf": 5}]}
    assert load_space(family, "multiclass", spec).default == {"max_depth": 6, "min_samples_leaf": 5}
    assert load_space(family, "multiclass", spec).portfolio == ()  # the portfolio point is this task's default
    assert load_space(family, "binary", spec).default == {"max_depth": 3, "min_samples_leaf": 5}
    with pytest.raises(SearchSpaceError, match="multiclass default max_depth=9 is outside"):
        load_space(family, "multiclass", {**spec, "task_defaults": {"multiclass": {"max_depth": 9}}})
    with pytest.raises(SearchSpaceError, match="'task_defaults' must map some of"):
        load_space(family, "binary", {**spec, "task_defaults": {"multi_class": {"max_depth": 4}}})
    # the built-in XGBoost space learns faster on multiclass only (one tree per class per round)
    xgb = automl.families.registry.get_family("xgboost")
    rates = {task: load_space(xgb, task).default["learning_rate"] for task in ("binary", "multiclass", "regression")}
    assert rates == {"binary": 0.05, "multiclass": 0.1, "regression": 0.05}


def test_same_seed_same_search(wine, out_dir):
    kw = dict(n_trials=14, output_dir=out_dir, include=["linear", "decision_tree", "naive_bayes"], seed=3)
    a = automl.fit(wine, "target", **kw)
    b = automl.fit(wine, "target", **kw)
    assert _params(a.leaderboard) == _params(b.leaderboard)
    assert np.allclose(a.leaderboard["score"].fillna(-1), b.leaderboard["score"].fillna(-1))
    c = automl.fit(wine, "target", **{**kw, "seed": 4})
    assert _params(c.leaderboard) != _params(a.leaderboard)


def test_user_search_space_replaces_a_family_space(breast_cancer, out_dir, tmp_path):
    space = tmp_path / "space.yaml"
    space.write_text("decision_tree:\n  params:\n    max_depth: {type: int, low: 2, high: 3}\n  default: {max_depth: 2}\n")
    res = automl.fit(breast_cancer, "target", n_trials=8, output_dir=out_dir, include=["decision_tree"],
                     search_space=space, ensemble=False)
    assert "ensemble" not in set(res.leaderboard["family"])
    depths = [json.loads(p)["max_depth"] for p in res.leaderboard["params"]]
    assert set(depths) <= {2, 3} and all(set(json.loads(p)) == {"max_depth"} for p in res.leaderboard["params"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("decision_tree:\n  params:\n    max_depth: {type: int, low: 5, high: 3}\n")
    with pytest.raises(SearchSpaceError, match="max_depth"):
        automl.fit(breast_cancer, "target", n_trials=1, output_dir=out_dir, include=["decision_tree"], search_space=bad)
    with pytest.raises(SearchSpaceError, match="Did you mean 'decision_tree'"):
        automl.fit(breast_cancer, "target", n_trials=1, output_dir=out_dir, search_space={"decision_tre": {}})
    # a copy of a built-in file (one family, `family: decision_tree`) works as it is; it said "search_space
    # names 'family', which is not a family being searched"
    copy = tmp_path / "decision_tree.yaml"
    copy.write_text("family: decision_tree\nparams:\n  max_depth: {type: int, low: 4, high: 4}\n"
                    "  min_samples_leaf: {type: int, low: 1, high: 1}\ndefault: {max_depth: 4, min_samples_leaf: 1}\n")
    res = automl.fit(breast_cancer, "target", n_trials=2, output_dir=out_dir, include=["decision_tree"],
                     search_space=copy, ensemble=False)
    assert [json.loads(p) for p in res.leaderboard["params"]] == [{"max_depth": 4, "min_samples_leaf": 1}]


def test_a_parameter_the_model_does_not_take_is_named(breast_cancer, out_dir):
    # XGBoost keeps unknown keyword arguments and ignores them: max_dept would have searched nothing, silently
    def space(name, default=None):
        return {"xgboost": {"params": {name: {"type": "int", "low": 2, "high": 9}}, **({"default": default} if default else {})}}

    for bad in (space("max_dept"), space("max_dept", {"max_dept": 4})):  # with it in the default, XGBoost reported it back
        with pytest.raises(SearchSpaceError, match="xgboost: parameter 'max_dept' is not one that its model takes. Did you mean 'max_depth'"):
            automl.fit(breast_cancer, "target", n_trials=1, output_dir=out_dir, include=["xgboost"], search_space=bad)
    assert not any(out_dir.iterdir())  # no run folder left holding only run.json and folds.npy
    # a real XGBoost parameter that the built-in space does not search is taken, and reaches the model
    res = automl.fit(breast_cancer, "target", n_trials=2, output_dir=out_dir, include=["xgboost"], ensemble=False,
                     search_space=space("max_delta_step"))
    assert (res.leaderboard["status"] == "complete").all()
    model = res.pipeline_.named_steps["model"].estimator
    assert model.get_params()["max_delta_step"] == res.best_params["max_delta_step"]


def test_sql_query_input(breast_cancer, out_dir, tmp_path):
    con = sqlite3.connect(tmp_path / "data.db")
    breast_cancer.to_sql("cells", con, index=False)
    res = automl.fit('SELECT * FROM cells WHERE "mean radius" > 0', "target", con=con, n_trials=2,
                     include=["linear"], output_dir=out_dir)
    assert res.task == "binary" and res.leaderboard.iloc[0]["status"] == "complete"
    # a query the database rejects, and a query without con=, are automl's errors saying what to do
    with pytest.raises(automl.DataError, match="The SQL query failed: .*no such table: nope. Check the query"):
        automl.fit("SELECT * FROM nope", "target", con=con, output_dir=out_dir)
    with pytest.raises(automl.DataFileNotFoundError, match="To run it as a SQL query, pass con="):
        automl.fit("select * from cells", "target", output_dir=out_dir)
    con.close()


def test_the_study_can_live_in_an_optuna_storage(breast_cancer, out_dir, tmp_path):
    import optuna

    url = f"sqlite:///{tmp_path / 'studies.db'}"
    res = automl.fit(breast_cancer, "target", n_trials=3, include=["linear", "naive_bayes"], storage=url,
                     output_dir=out_dir)
    study_at = json.loads((res.run_dir / "run.json").read_text())["study"]
    assert study_at == {"name": f"automl-{res.run_dir.name}", "storage": url}
    assert not (res.run_dir / "study.journal").exists()
    study = optuna.load_study(study_name=study_at["name"], storage=url)
    trials = res.leaderboard[res.leaderboard["trial"] >= 0].set_index("trial")["score"]
    assert {t.number: t.value for t in study.trials} == pytest.approx(trials.to_dict())
    automl.fit(breast_cancer, "target", n_trials=2, resume=res.run_dir)  # reopens the recorded URL
    assert len(optuna.load_study(study_name=study_at["name"], storage=url).trials) == 5
    other = f"sqlite:///{tmp_path / 'other.db'}"
    with pytest.raises(automl.ConfigError, match="holds no study 'automl-.*Pass that storage to resume it"):
        automl.fit(breast_cancer, "target", n_trials=1, resume=res.run_dir, storage=other)
    assert optuna.get_all_study_names(other) == []  # no empty study left in a storage given by mistake
    runs = sorted(out_dir.iterdir())
    with pytest.raises(automl.ConfigError, match="storage='nosuch://db' could not be opened"):
        automl.fit(breast_cancer, "target", n_trials=1, storage="nosuch://db", output_dir=out_dir)
    assert sorted(out_dir.iterdir()) == runs  # and no run folder holding nothing


def test_holdout_cv(diabetes, out_dir):
    res = automl.fit(diabetes, "target", n_trials=3, cv=0.25, include=["linear"], output_dir=out_dir)
    folds = np.load(res.run_dir / "folds.npy")
    assert set(folds) == {-1, 0} and abs((folds == 0).mean() - 0.25) < 0.01
    assert res.leaderboard["score_std"].isna().all()  # one validation split: no spread (it showed 0.0)


def test_pruner_prunes_bad_trials(wine, out_dir):
    res = automl.fit(wine, "target", n_trials=20, include=["linear", "knn", "decision_tree", "naive_bayes"],
                     output_dir=out_dir, seed=1)
    counts = res.leaderboard["status"].value_counts()
    assert counts.get("pruned", 0) >= 1
    trials = _trials(res)
    pruned = [t for t in trials if t["status"] == "pruned"]
    assert all(len(t["fold_scores"]) < 5 for t in pruned)  # stopped before the last fold
    summary = json.loads((res.run_dir / "run.json").read_text())["pruning"]
    assert summary["pruned"] == len(pruned) and summary["est_time_saved_s"] > 0


def _large_table():
    """24,000 rows: 3-fold CV leaves 16,000 training rows per fold, enough for a 1/3-rows rung."""
    import pandas as pd
    from sklearn.datasets import make_classification

    X, y = make_classification(n_samples=24_000, n_features=10, n_informative=6, random_state=0)
    return pd.DataFrame(X, columns=[f"x{i}" for i in range(10)]).assign(target=y)


def test_a_pruner_that_prunes_every_trial_is_named(breast_cancer, out_dir):
    import optuna

    with pytest.raises(automl.SearchError, match=r"Every trial \(3\) was pruned.*pruner=optuna.pruners.NopPruner"):
        automl.fit(breast_cancer, "target", n_trials=3, include=["linear"], output_dir=out_dir,
                   pruner=optuna.pruners.ThresholdPruner(lower=0.999))  # it said "fix the errors": there were none


def test_large_data_screens_trials_on_a_row_fraction_first(out_dir):
    res = automl.fit(_large_table(), "target", n_trials=12, include=["decision_tree", "naive_bayes"],
                     output_dir=out_dir, seed=0)
    trials = _trials(res)
    assert all(len(t["rung_scores"]) == 1 and len(t["fold_scores"]) == 3 for t in trials if t["status"] == "complete")
    on_rows = [t for t in trials if t["status"] == "pruned" and not t["fold_scores"]]
    assert on_rows, [(t["status"], t["rung_scores"], t["fold_scores"]) for t in trials]
    info = json.loads((res.run_dir / "run.json").read_text())
    assert info["rungs"] == [pytest.approx(1 / 3)]
    assert info["pruning"]["pruned_on_row_fractions"] == len(on_rows) and info["pruning"]["est_time_saved_s"] > 0


def test_a_table_too_large_for_the_budget_exports_a_model_fit_on_a_sample(out_dir, caplog):
    """Every trial runs out of time on its full folds: the search ended in "No trial completed". The trial
    scored best on a row-fraction rung is fit on that many rows instead, with that rung's score."""
    from sklearn.metrics import roc_auc_score

    from tests.families_for_tests import SLOW_ON_MANY_ROWS_SPACE, make_slow_on_many_rows

    df = _large_table()  # 3 folds of 16,000 training rows: a 1/3 rung of 5,333 rows, fast for this family
    automl.register_family("slow_on_many_rows", make_slow_on_many_rows, SLOW_ON_MANY_ROWS_SPACE, tasks="binary")
    try:
        with caplog.at_level("WARNING", logger="automl"):
            res = automl.fit(df, "target", time_budget=20, trial_timeout=4, include=["slow_on_many_rows"],
                             output_dir=out_dir, seed=0)
    finally:
        automl.unregister_family("slow_on_many_rows")
    board = res.leaderboard
    assert not (board["status"] == "complete").any() and "ensemble" not in set(board["family"])
    exported = board[board["exported"]].iloc[0]
    record = next(t for t in _trials(res) if t["trial"] == exported["trial"])
    assert record["status"] == "timeout" and res.final_fit == "sample"
    assert res.best_score == record["rung_scores"][0] and res.best_params["max_depth"] == record["params"]["max_depth"]
    assert "fit on 5333 of 24000 rows" in caplog.text
    assert roc_auc_score(df["target"], res.predict_proba(df.drop(columns="target"))[:, 1]) > 0.8
    assert automl.load(res.run_dir).predict(df.drop(columns="target").head(3)).shape == (3,)


def test_no_row_rungs_when_pruning_is_off(out_dir):
    from optuna.pruners import NopPruner

    table = _large_table()
    res = automl.fit(table, "target", n_trials=3, include=["naive_bayes"], output_dir=out_dir, pruner=NopPruner())
    trials = _trials(res)
    assert [t["rung_scores"] for t in trials] == [[], [], []]
    assert json.loads((res.run_dir / "run.json").read_text())["rungs"] == []
    # resumed with the default pruner: the rungs were fixed at the start, so steps still mean folds
    more = automl.fit(table, "target", n_trials=2, resume=res.run_dir)
    assert [t["rung_scores"] for t in _trials(more)] == [[]] * 5


def test_a_resume_without_the_runs_own_sampler_says_so(breast_cancer, out_dir, caplog):
    """Optuna stores no sampler with a study: resumed without one, a CMA-ES or random search would go on
    with automl's TPE, unannounced."""
    from optuna.samplers import RandomSampler

    res = automl.fit(breast_cancer, "target", n_trials=2, include=["linear"], output_dir=out_dir,
                     sampler=RandomSampler(seed=0))
    assert json.loads((res.run_dir / "run.json").read_text())["sampler"] == "RandomSampler"
    with caplog.at_level("WARNING", logger="automl"):
        automl.fit(breast_cancer, "target", n_trials=1, resume=res.run_dir)
    assert "searched with sampler=RandomSampler; Optuna does not store it" in caplog.text
    assert "pruner=" not in caplog.text  # the run's pruner was automl's own
    caplog.clear()
    with caplog.at_level("WARNING", logger="automl"):
        automl.fit(breast_cancer, "target", n_trials=1, resume=res.run_dir, sampler=RandomSampler(seed=1))
    assert "Optuna does not store" not in caplog.text


def _make_fragile(params, ctx):
    from sklearn.linear_model import LogisticRegression

    if params["mode"] == "broken":
        raise ValueError("this corner of the space is broken")
    return LogisticRegression(C=params["C"], max_iter=500)


def test_the_sampler_moves_away_from_points_that_fail(breast_cancer, out_dir):
    # Optuna's TPE ignores FAIL trials: it went on proposing the broken point (39 of the last 40 trials
    # failed before failed trials were told to Optuna as pruned; 5 after)
    space = {"params": {"mode": {"type": "categorical", "choices": ["ok", "broken"]},
                        "C": {"type": "float", "low": 0.01, "high": 10.0, "log": True}}}
    automl.register_family("fragile", _make_fragile, space, tasks=["binary"])
    try:
        res = automl.fit(breast_cancer, "target", n_trials=60, include=["fragile"], ensemble=False, output_dir=out_dir, seed=0)
    finally:
        automl.unregister_family("fragile")
    failed = (res.leaderboard.sort_values("trial")["status"] == "failed").to_numpy()
    assert failed[:20].sum() >= 3  # the broken point was tried ...
    assert failed[20:].sum() <= 15  # ... and then mostly left alone (a random choice would fail 20 of 40)
