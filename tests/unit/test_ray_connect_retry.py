"""RayBackend._connect retries a Ray Client connection once, and only on the transient start-up failures.

The failure itself (the per-client server process dying as it starts, ray-project/ray#63202) cannot be
produced on demand, so ``ray.init`` is replaced here by a recorder that fails as Ray did; the backend's
real connection is tested on a real cluster in tests/e2e/test_ray_client.py.
"""

from __future__ import annotations

import pytest

import automl.search.ray_backend as rb


class _InitThatFails:
    def __init__(self, message: str, failures: int):
        self.message, self.failures, self.calls, self.shutdowns = message, failures, 0, 0

    def init(self, **_):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(self.message)

    def shutdown(self):
        self.shutdowns += 1


ZOMBIE = "Initialization failure from server:\nTraceback ...\npsutil.ZombieProcess: PID still exists but it's a zombie"


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(rb, "RETRY_PAUSE_S", 0.0)


def test_transient_client_failure_is_retried_once():
    ray = _InitThatFails(ZOMBIE, failures=1)
    rb.RayBackend(address="ray://127.0.0.1:10001")._connect(ray)
    assert (ray.calls, ray.shutdowns) == (2, 1)


def test_second_failure_is_raised():
    ray = _InitThatFails(ZOMBIE, failures=2)
    with pytest.raises(ConnectionError, match="Initialization failure"):
        rb.RayBackend(address="ray://127.0.0.1:10001")._connect(ray)
    assert ray.calls == 2


@pytest.mark.parametrize("address,message", [("ray://127.0.0.1:10001", "Connection refused"), ("127.0.0.1:6379", ZOMBIE)])
def test_other_failures_are_not_retried(address, message):
    ray = _InitThatFails(message, failures=1)
    with pytest.raises(ConnectionError):
        rb.RayBackend(address=address)._connect(ray)
    assert ray.calls == 1
