"""A search driven through Ray Client (``ray://host:port``): the driver is not a node of the cluster."""

from __future__ import annotations

import os
import socket

import numpy as np
import pytest

import automl

pytestmark = pytest.mark.slow
ray = pytest.importorskip("ray")
pytest.importorskip("grpc", reason='Ray Client needs grpcio: pip install "automl[ray]"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def client_address(tmp_path_factory):
    """A head (with its Ray Client server) and a worker node on 127.0.0.1; stopped after the module."""
    from ray.cluster_utils import Cluster

    home = os.environ.get("HOME")
    os.environ["HOME"] = str(tmp_path_factory.mktemp("home"))
    port = _free_port()
    c = Cluster(initialize_head=True,
                head_node_args={"num_cpus": 1, "include_dashboard": False, "ray_client_server_port": port})
    c.add_node(num_cpus=1)
    c.wait_for_nodes()
    yield f"ray://127.0.0.1:{port}"
    ray.shutdown()
    c.shutdown()
    if home is not None:
        os.environ["HOME"] = home


def test_search_through_ray_client(client_address, breast_cancer, out_dir):
    res = automl.fit(breast_cancer, "target", n_trials=6, time_budget=120, output_dir=out_dir,
                     backend=automl.RayBackend(workers=2, address=client_address), include=["linear", "decision_tree"])
    assert ray.util.client.ray.is_connected()  # really a client, not a driver on a node
    trials = res.leaderboard.query("trial >= 0")
    assert len(trials) == 6 and (trials["status"] == "complete").sum() >= 4
    assert len({w.split(":")[0] for w in trials["worker"] if w != "ray"}) == 2  # both nodes ran trials
    X = breast_cancer.drop(columns=["target"])
    assert (res.predict(X) == breast_cancer["target"]).mean() > 0.9
    assert np.array_equal(automl.load(res.run_dir).predict(X), res.predict(X))
