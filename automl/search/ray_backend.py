"""RayBackend: several trials in flight on Ray workers (this machine or an existing cluster).

Only the driver touches the Optuna study and the run folder: tasks get plain
(data ref, trial spec) and return plain results. The data goes to the object store once.
"""

from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass

from automl.errors import BackendError, ConfigError
from automl.evaluation.evaluate import FAILED, TIMEOUT, EvalData, TrialResult, TrialSpec, now_iso
from automl.search.backend import SearchBackend

logger = logging.getLogger("automl")
_POLL_S = 0.05
RETRY_PAUSE_S = 2.0  # before the one retry of a failed Ray Client connection
CONNECT_CHECK_S = 5.0  # how long a cluster address may take to accept a TCP connection
_TRANSIENT_CLIENT_ERRORS = ("server failed", "Initialization failure from server")  # Ray Client errors worth one retry


def import_ray():
    try:
        import ray
    except ImportError:
        raise BackendError('Parallel search needs Ray: pip install "automl[ray]" (or pip install "ray>=2.60").') from None
    return ray


def require_ray_client(address: str) -> None:
    """A ``ray://`` address is Ray Client, which needs grpcio (in ``automl[ray]``, not in plain ``ray``)."""
    try:
        import grpc  # noqa: F401
    except ImportError:
        raise BackendError(f'ray_address={address!r} uses Ray Client, which needs grpcio: pip install "automl[ray]" '
                           '(or pip install "ray[client]").') from None


def check_reachable(address: str, timeout_s: float = CONNECT_CHECK_S) -> None:
    """Fail at once when nothing listens at a ``host:port`` (or ``ray://host:port``) address:
    ``ray.init`` would retry it for ever, deaf to Ctrl-C. ``"auto"`` is Ray's to resolve."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=timeout_s).close()
    except OSError as exc:
        raise BackendError(f"Nothing answers at Ray address {address!r} ({exc.strerror or exc}). Start the cluster's"
                           " head there (`ray start --head`) and pass the address it prints, or ray_address='auto'"
                           " on one of its nodes.") from None


@dataclass
class _Running:
    spec: TrialSpec
    deadline: float
    why: str
    started: str


class RayBackend(SearchBackend):
    """Run ``workers`` trials at once, each reserving ``cpus_per_trial`` Ray CPUs (its thread count).

    ``address=None`` starts a local Ray with ``workers * cpus_per_trial`` CPUs and no dashboard,
    and shuts it down at the end; ``address="auto"`` or ``"ray://host:10001"`` joins a running
    cluster and leaves it running.
    """

    def __init__(self, workers: int = 2, address: str | None = None, cpus_per_trial: int = 1):
        if not isinstance(workers, int) or workers < 1:
            raise ConfigError(f"workers={workers!r} must be a positive int.")
        if not isinstance(cpus_per_trial, int) or cpus_per_trial < 1:
            raise ConfigError(f"cpus_per_trial={cpus_per_trial!r} must be a positive int.")
        self.workers, self.address, self.cpus_per_trial = workers, address, cpus_per_trial
        self._owns_ray = False
        self._ray = None
        self.lost: str | None = None  # why the cluster was lost mid-search, if it was
        self._fallback = None  # the local worker that does the final fits then
        self._local_data = None

    def start(self, data: EvalData, n_threads: int) -> None:
        ray = self._ray = import_ray()
        if self.address is not None and self.address.startswith("ray://"):
            require_ray_client(self.address)
        if not ray.is_initialized():
            if self.address is not None:
                check_reachable(self.address)
            try:
                if self.address is None:
                    ray.init(address="local", num_cpus=self.workers * self.cpus_per_trial, include_dashboard=False,
                             log_to_driver=False)
                    self._owns_ray = True
                else:
                    self._connect(ray)
            except (ConnectionError, RuntimeError) as exc:
                reason = " ".join(str(exc).split()).rstrip(".")
                raise BackendError(f"Could not connect to Ray at {self.address!r}: {reason}. Is a cluster running there"
                                   " (`ray start --head`)? If it said \"Token authentication is enabled\", set"
                                   " RAY_AUTH_MODE=token here, with its token in ~/.ray/auth_token or RAY_AUTH_TOKEN"
                                   " (README, *Running on a cluster*).") from None
        from automl.search import _ray_tasks

        self._tasks = _ray_tasks
        self._local_data = data  # for final fits on this machine, if the cluster is lost
        self._data = ray.put(data)  # once per search, not once per trial
        self._mailbox = _ray_tasks.Mailbox.remote()

    def _connect(self, ray) -> None:
        """Join the cluster at ``address``. Through Ray Client, one retry: the server starts a
        process per client, and that start can fail transiently on a busy machine (seen here as
        "server failed" and as "Initialization failure from server" with a psutil.ZombieProcess: the
        process died as it started, ray-project/ray#63202)."""
        for attempt in (1, 2):
            try:
                ray.init(address=self.address, log_to_driver=False)
                return
            except (ConnectionError, RuntimeError) as exc:
                transient = any(m in str(exc) for m in _TRANSIENT_CLIENT_ERRORS)
                if attempt == 2 or not self.address.startswith("ray://") or not transient:
                    raise
                logger.warning("Ray Client connection failed (%s); retrying once.", str(exc).splitlines()[0])
                ray.shutdown()
                time.sleep(RETRY_PAUSE_S)

    def run(self, driver) -> None:
        running: dict = {}
        try:
            self._run(driver, running)
        except (self._ray.exceptions.RayError, ConnectionError) as exc:  # the cluster (or the mailbox actor on it) is gone
            self.lost = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            logger.warning("Lost the Ray cluster (%s). The search ends here; its finished trials are kept, and the final"
                           " fit runs on this machine.", self.lost)
            for run in running.values():
                driver.finish(self._lost(run, FAILED, f"Lost the Ray cluster: {self.lost}"))

    def _run(self, driver, running: dict) -> None:
        ray = self._ray
        while True:
            while len(running) < self.workers and not driver.stopping() and (spec := driver.next_trial()) is not None:
                spec.n_jobs = self.cpus_per_trial
                deadline, why = driver.trial_deadline(spec.number)
                ref = self._tasks.evaluate_task.options(num_cpus=self.cpus_per_trial).remote(
                    self._data, spec, self._mailbox, self.cpus_per_trial)
                running[ref] = _Running(spec, deadline, why, now_iso())
            if not running:
                return
            done, _ = ray.wait(list(running), num_returns=len(running), timeout=_POLL_S)
            self._answer_reports(driver)
            for ref in done:
                driver.finish(self._result(ref, running.pop(ref)))
            self._stop_overdue(driver, running)

    def _answer_reports(self, driver) -> None:
        ray = self._ray
        reports = ray.get(self._mailbox.take.remote())
        running = driver.running()
        prune = [n for n, *step in reports if n in running and driver.report(n, *step)]
        if prune:
            self._mailbox.prune.remote(prune)

    def _result(self, ref, run: _Running) -> TrialResult:
        ray = self._ray
        try:
            return ray.get(ref)
        except ray.exceptions.RayError as exc:  # the worker or its node died: record it, go on
            reason = f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"
            return self._lost(run, FAILED, reason)

    def _stop_overdue(self, driver, running: dict) -> None:
        now = time.monotonic()
        for ref, run in list(running.items()):
            stopping = driver.stopping()
            if now >= run.deadline or stopping:
                self._ray.cancel(ref, force=True)
                del running[ref]
                if stopping:
                    driver.finish(self._lost(run, FAILED, "Interrupted: the search was stopped while this trial ran"))
                else:
                    driver.finish(self._lost(run, TIMEOUT, f"TimeoutError: stopped at {run.why}"))

    @staticmethod
    def _lost(run: _Running, status: str, reason: str) -> TrialResult:
        return TrialResult(run.spec.number, run.spec.family.name, dict(run.spec.params), status, error=reason,
                           started_at=run.started, finished_at=now_iso(), worker="ray",
                           threads=run.spec.n_jobs)

    def refit(self, spec: TrialSpec, deadline: float):
        """Refit on all rows; on a local Ray this process started, with all its CPUs (no trial runs
        any more); on a cluster, with one trial's CPUs (no node is known to have more). Once the
        cluster is lost, in a local worker."""
        if self.lost:
            return self._local_worker().refit(spec, deadline)
        n_cpus = self.workers * self.cpus_per_trial if self._owns_ray else self.cpus_per_trial
        return self._await(self._submit_refit(spec, n_cpus), deadline)

    def refit_many(self, specs: list[TrialSpec], deadline: float) -> list:
        """Fit a bag's fold models in parallel, one trial's CPUs each (one by one, locally, once the
        cluster is lost)."""
        if self.lost:
            return [self.refit(spec, deadline) for spec in specs]
        refs = [self._submit_refit(spec, self.cpus_per_trial) for spec in specs]
        return [self._await(ref, deadline) for ref in refs]

    def _local_worker(self):
        """A worker process on this machine, for the final fits once the cluster is gone."""
        if self._fallback is None:
            from automl.search.backend import LocalBackend
            from automl.search.cores import usable_cores

            self._fallback = LocalBackend(share_cpu=False)
            self._fallback.warm_up()
            self._fallback.start(self._local_data, usable_cores())
        return self._fallback

    def _submit_refit(self, spec: TrialSpec, n_cpus: int):
        spec.n_jobs = n_cpus
        return self._tasks.refit_task.options(num_cpus=n_cpus).remote(self._data, spec, n_cpus)

    def _await(self, ref, deadline: float):
        ray = self._ray
        left = deadline - time.monotonic()
        done, _ = ray.wait([ref], timeout=None if left == float("inf") else max(left, 0.0))
        if not done:
            ray.cancel(ref, force=True)
            return "TimeoutError: the final fit did not finish within the time budget"
        try:
            return ray.get(ref)
        except ray.exceptions.RayError as exc:
            return f"{type(exc).__name__}: {exc}"

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()
        if self._ray is not None and self._owns_ray and self._ray.is_initialized():
            self._ray.shutdown()
