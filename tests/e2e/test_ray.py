"""Parallel search on a real Ray cluster started by the tests (two nodes on this machine)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import automl

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A head and a worker node, one CPU each, on 127.0.0.1 (see conftest); stopped after the module."""
    from ray.cluster_utils import Cluster

    home = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path_factory.mktemp("home"))  # Ray writes ~/.ray
    c = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    c.add_node(num_cpus=1)
    c.wait_for_nodes()
    assert {n.node_ip_address for n in c.list_all_nodes()} == {"127.0.0.1"}
    yield c
    ray.shutdown()
    c.shutdown()
    if home is not None:
        os.environ["HOME"] = home


def _intervals(board):
    done = board[board["status"] == "complete"]
    return [(pd.Timestamp(r.started_at), pd.Timestamp(r.finished_at), r.worker) for r in done.itertuples()]


def test_trials_run_on_both_nodes_and_overlap(cluster, breast_cancer, out_dir):
    backend = automl.RayBackend(workers=2, address=cluster.address)
    seen = []
    res = automl.fit(breast_cancer, "target", n_trials=8, time_budget=120, output_dir=out_dir, backend=backend,
                     include=["linear", "hist_gradient_boosting", "random_forest", "extra_trees"], on_trial=seen.append,
                     final_fit="bag")
    assert max(r["running"] for r in seen) == 2  # what the live view shows as "running"
    board = res.leaderboard
    trials = board[board["trial"] >= 0]  # the ensemble, if any, is a row of its own (trial -1, worker "driver")
    assert len(trials) == 8 and (trials["status"] == "complete").sum() >= 4
    assert set(board.loc[board["trial"] < 0, "worker"]) <= {"driver"}
    nodes = {w.split(":")[0] for w in trials["worker"] if w != "ray"}
    assert len(nodes) == 2, board["worker"].tolist()  # node id : pid
    spans = _intervals(trials)
    overlap = any(a[0] < b[1] and b[0] < a[1] and a[2] != b[2] for i, a in enumerate(spans) for b in spans[i + 1:])
    assert overlap, "no two trials ran at the same time"
    X = breast_cancer.drop(columns=["target"])
    assert (res.predict(X) == breast_cancer["target"]).mean() > 0.95
    assert np.array_equal(automl.load(res.run_dir).predict(X), res.predict(X))
    # a bag: the 5 fold models of each exported trial, fit on the workers
    assert res.final_fit == "bag"
    bags = res.pipeline_.members if res.best_params["family"] == "ensemble" else [res.pipeline_]
    assert all(len(bag.members) == 5 for bag in bags)
    assert ray.is_initialized()  # joined, not owned: the cluster keeps running


def _kill_when_written(pid_file: Path, killed: list) -> threading.Thread:
    """SIGKILL the process whose pid appears in ``pid_file`` (a fit writes it, then sleeps)."""

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not pid_file.exists():
            time.sleep(0.1)
        time.sleep(1.0)
        pid = int(pid_file.read_text())
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    return t


def test_sigkill_of_the_worker_running_a_trial(cluster, breast_cancer, out_dir, tmp_path):
    import ray.cloudpickle

    import tests.families_for_tests as fam

    ray.cloudpickle.register_pickle_by_value(fam)  # the cluster's workers need not import tests/
    pid_file = tmp_path / "pid"
    space = {"params": {"pid_file": {"type": "categorical", "choices": [str(pid_file)]},
                        "seconds": {"type": "float", "low": 60.0, "high": 61.0}}}
    automl.register_family("pid_sleeper", fam.make_pid_sleeper, space, tasks=["binary"])
    killed = []
    t = _kill_when_written(pid_file, killed)  # the process running that trial, not an idle worker
    try:
        res = automl.fit(breast_cancer, "target", n_trials=6, time_budget=90, trial_timeout=45, output_dir=out_dir,
                         backend=automl.RayBackend(workers=2, address=cluster.address), include=["pid_sleeper", "linear"])
    finally:
        automl.unregister_family("pid_sleeper")
        ray.cloudpickle.unregister_pickle_by_value(fam)
    t.join(timeout=1)
    assert killed
    board = res.leaderboard
    dead = board[board["error"].fillna("").str.contains("WorkerCrashedError|died|Died")]
    assert len(dead) == 1 and dead.iloc[0]["status"] == "failed" and dead.iloc[0]["family"] == "pid_sleeper"
    trials = board[board["trial"] >= 0]
    assert len(trials) == 6 and (trials["status"] == "complete").sum() >= 3  # the search went on


def test_final_refit_survives_its_worker_dying(cluster, breast_cancer, out_dir, tmp_path):
    """A refit whose Ray worker is SIGKILLed is retried once: with one trial there is nothing to fall back on."""
    import ray.cloudpickle

    import tests.families_for_tests as fam

    ray.cloudpickle.register_pickle_by_value(fam)
    pid_file = tmp_path / "pid"
    space = {"params": {"pid_file": {"type": "categorical", "choices": [str(pid_file)]},
                        "seconds": {"type": "float", "low": 60.0, "high": 61.0},
                        "rows": {"type": "categorical", "choices": [len(breast_cancer)]}}}
    automl.register_family("refit_sleeper", fam.make_refit_pid_sleeper, space, tasks=["binary"],
                           derived_params=["rows"])
    killed = []
    t = _kill_when_written(pid_file, killed)  # written by the refit only (the folds fit fewer rows)
    try:
        res = automl.fit(breast_cancer, "target", n_trials=1, time_budget=90, output_dir=out_dir, ensemble=False,
                         final_fit="refit", backend=automl.RayBackend(workers=2, address=cluster.address),
                         include=["refit_sleeper"])
    finally:
        automl.unregister_family("refit_sleeper")
        ray.cloudpickle.unregister_pickle_by_value(fam)
    t.join(timeout=1)
    assert killed and res.best_params["family"] == "refit_sleeper"
    assert res.predict_proba(breast_cancer.drop(columns=["target"])).shape == (len(breast_cancer), 2)


def test_pruning_with_trials_in_flight(cluster, breast_cancer, out_dir):
    """Fold scores from Ray workers reach the study, and its prune decisions stop the trials early."""
    import optuna
    import ray.cloudpickle

    import tests.families_for_tests as fam

    ray.cloudpickle.register_pickle_by_value(fam)
    automl.register_family("coin", fam.make_coin, fam.COIN_SPACE, tasks=["binary"], replace=True)
    try:
        res = automl.fit(breast_cancer, "target", n_trials=24, time_budget=200, include=["coin"], output_dir=out_dir,
                         backend=automl.RayBackend(workers=2, address=cluster.address))
    finally:
        automl.unregister_family("coin")
    board = res.leaderboard
    pruned = board[board["status"] == "pruned"]
    assert len(pruned) >= 1, board[["trial", "status", "score"]]
    assert (pruned["params"].astype(str).str.contains('"good": 0')).all()  # only the constant predictor is pruned
    trials = [json.loads(line) for line in (res.run_dir / "trials.jsonl").read_text().splitlines()]
    assert all(len(t["fold_scores"]) < 5 for t in trials if t["status"] == "pruned")  # stopped before the last fold
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(res.run_dir / "study.journal")))
    study = optuna.load_study(study_name="automl", storage=storage)
    assert any(t.intermediate_values for t in study.trials)  # the reports reached the study


def test_clustering_on_the_cluster(cluster, wine, out_dir):
    """A clustering search (no target) runs on Ray workers as a supervised one does."""
    X = wine.drop(columns=["target"])
    res = automl.fit(X, n_trials=12, output_dir=out_dir, backend=automl.RayBackend(workers=2, address=cluster.address))
    board = res.leaderboard
    assert res.task == "clustering" and (board["status"] == "complete").sum() >= 4
    assert len({w.split(":")[0] for w in board["worker"]}) == 2, board["worker"].tolist()  # both nodes ran trials
    assert len(set(res.predict(X))) >= 2


def test_cli_workers_local_ray(tmp_path):
    """`automl search --workers 2` starts its own local Ray, finishes, and leaves a complete run folder."""
    from sklearn.datasets import load_breast_cancer

    csv = tmp_path / "data.csv"
    load_breast_cancer(as_frame=True).frame.to_csv(csv, index=False)
    env = {**os.environ, "HOME": str(tmp_path)}
    exe = Path(sys.executable).with_name("automl")
    proc = subprocess.run([str(exe), "search", str(csv), "--target", "target", "--workers", "2", "--trials", "8",
                           "--output", str(tmp_path / "results"), "--include", "linear,decision_tree"],
                          capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    run_dir = next((tmp_path / "results").iterdir())
    for name in ("run.json", "study.journal", "trials.jsonl", "leaderboard.csv", "folds.npy", "model/model.joblib"):
        assert (run_dir / name).exists(), name
    board = pd.read_csv(run_dir / "leaderboard.csv")
    assert (board["trial"] >= 0).sum() == 8  # plus the ensemble row, when one was built
