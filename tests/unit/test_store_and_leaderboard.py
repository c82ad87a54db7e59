"""The run folder's bounded OOF store and the leaderboard's ordering."""

from __future__ import annotations

import numpy as np

from automl.results import store as store_mod
from automl.results.leaderboard import COLUMNS, make_leaderboard
from automl.results.store import RunStore


def test_oof_files_are_bounded_to_the_best_trials(tmp_path, monkeypatch):
    run = RunStore.create(tmp_path)
    oof = np.zeros((1000, 3), dtype="float32")  # 12 kB each
    monkeypatch.setattr(store_mod, "OOF_BUDGET_BYTES", 3 * oof.nbytes)
    ranking = []
    for n in range(6):  # trial n is better than all before it
        ranking.insert(0, n)
        run.save_oof(n, oof, ranking)
    kept = sorted(p.name for p in (run.run_dir / "oof").glob("*.npy"))
    assert kept == ["trial_3.npy", "trial_4.npy", "trial_5.npy"]
    run.save_oof(6, oof, ranking + [6])  # worse than the kept three: not written
    assert not (run.run_dir / "oof" / "trial_6.npy").exists()


def test_leaderboard_order_and_columns():
    recs = [
        {"trial": 0, "family": "a", "status": "complete", "score": 0.8, "params": {}},
        {"trial": 1, "family": "b", "status": "failed", "score": None, "error": "boom", "params": {}},
        {"trial": 2, "family": "c", "status": "complete", "score": 0.9, "params": {"k": 1}},
        {"trial": 3, "family": "d", "status": "pruned", "score": 0.95, "params": {}},
        {"trial": 4, "family": "e", "status": "timeout", "score": None, "params": {}},
    ]
    up = make_leaderboard(recs, greater_is_better=True)
    assert list(up.columns) == COLUMNS
    assert up["trial"].tolist() == [2, 0, 3, 1, 4] and up["rank"].tolist() == [1, 2, 3, 4, 5]
    down = make_leaderboard(recs, greater_is_better=False)
    assert down["trial"].tolist() == [0, 2, 3, 1, 4]
    assert make_leaderboard([], True).columns.tolist() == COLUMNS


def test_run_folders_are_unique(tmp_path):
    dirs = {RunStore.create(tmp_path).run_dir for _ in range(20)}
    assert len(dirs) == 20


def test_leaderboard_params_keep_the_spaces_order():
    # sorted keys put bootstrap, class_weight, criterion first: the key-params column showed those
    import json

    from automl.cli.render import short_params

    record = {"trial": 0, "family": "random_forest", "status": "complete", "score": 0.9,
              "params": {"n_estimators": 200, "max_features": 0.5, "bootstrap": True, "class_weight": None}}
    params = make_leaderboard([record], greater_is_better=True)["params"].iloc[0]
    assert list(json.loads(params)) == ["n_estimators", "max_features", "bootstrap", "class_weight"]
    assert short_params(params) == "n_estimators=200, max_features=0.5, bootstrap=True"
