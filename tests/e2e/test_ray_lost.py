"""A Ray cluster that dies mid-search: the search ends, its trials are kept and the model is still exported."""

from __future__ import annotations

import logging
import os
import threading

import numpy as np
import pytest

import automl

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray")


def test_losing_the_cluster_keeps_the_trials_and_exports_a_model(breast_cancer, out_dir, tmp_path, caplog):
    from ray.cluster_utils import Cluster

    ray.shutdown()  # this test's own cluster, not one another test left connected
    home = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path)  # Ray writes ~/.ray
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    stopped = threading.Event()

    def kill_the_head():  # as `ray stop --force` on the head would
        cluster.head_node.kill_all_processes(check_alive=False, allow_graceful=False, wait=True)

    completed = []

    def stop_the_cluster_after_three(record):
        if record["status"] == "complete":
            completed.append(record["trial"])
        if len(completed) >= 3 and not stopped.is_set():
            stopped.set()
            threading.Thread(target=kill_the_head, daemon=True).start()

    try:
        with caplog.at_level(logging.WARNING, logger="automl"):
            res = automl.fit(breast_cancer, "target", time_budget=60, output_dir=out_dir, on_trial=stop_the_cluster_after_three,
                             include=["linear", "decision_tree", "naive_bayes"], seed=0,
                             backend=automl.RayBackend(workers=2, address=cluster.address))
    finally:
        ray.shutdown()
        cluster.shutdown()
        if home is not None:
            os.environ["HOME"] = home
    assert stopped.is_set()
    assert "Lost the Ray cluster" in caplog.text
    board = res.leaderboard
    assert (board["status"] == "complete").sum() >= 3, board[["trial", "family", "status", "error"]].to_string()
    X = breast_cancer.drop(columns=["target"])
    assert (res.predict(X) == breast_cancer["target"]).mean() > 0.9  # refit on this machine
    assert np.array_equal(automl.load(res.run_dir).predict(X), res.predict(X))
