"""A warm, killable worker process for trial isolation.

A Python thread cannot be stopped, so trials run in a separate process that holds the
data (forked by a warm zygote on Linux: launch.py). A trial past its deadline gets its whole process group killed and is recorded as
``timeout``; a process that dies (out of memory, a crash in native code) gives a
``failed`` trial. Either way a fresh worker is started and the search goes on.
"""

from __future__ import annotations

import os
import pickle
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from automl.evaluation.evaluate import FAILED, TIMEOUT, TrialResult, TrialSpec, now_iso
from automl.search.launch import launch

_POLL_S = 0.05


class WorkerDied(Exception):
    """The worker process ended before answering."""


class Stopped(Exception):
    """The search was stopped while a trial was running."""


def _kill_group(pid: int) -> None:
    """SIGKILL worker ``pid`` and its process group. A worker forked by the zygote makes its group
    (setsid) first thing, but a kill can come before that, e.g. a restart whose request is already past
    its deadline: then there is no group yet, and the worker alone is killed (it has no children yet)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        try:
            os.kill(pid, signal.SIGKILL)  # not reused: the worker is reaped only by our wait()
        except ProcessLookupError:
            pass
    except PermissionError:
        pass


class WorkerProcess:
    """One subprocess that evaluates trials on data sent to it once."""

    def __init__(self, payload: bytes, n_threads: int):
        self._payload = payload
        self._n_threads = n_threads
        self._proc = None  # a subprocess.Popen, or launch.ForkedWorker
        self.starts = 0

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> None:
        """Start the process and send it the data in the background (returns at once)."""
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        self._proc = launch(to_child_r, from_child_w, self._n_threads)
        os.close(to_child_r)
        os.close(from_child_w)
        self._out = Connection(to_child_w, readable=False)
        self._in = Connection(from_child_r, writable=False)
        self._ready = False
        self.starts += 1
        sender = threading.Thread(target=self._send_data, daemon=True)
        sender.start()

    def _send_data(self) -> None:
        try:
            self._out.send_bytes(pickle.dumps(list(sys.path)))
            self._out.send_bytes(self._payload)
        except (OSError, TypeError):  # the process died (the next receive reports it), or kill() closed the
            pass  # pipe mid-write (a fit that failed right after its workers started): Connection's handle is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def kill(self) -> None:
        if self._proc is None:
            return
        _kill_group(self._proc.pid)
        self._proc.wait()
        for conn in (self._in, self._out):
            conn.close()
        self._proc = None

    def close(self) -> None:
        self.kill()

    def restart(self) -> None:
        self.kill()
        self.start()

    # -- requests --------------------------------------------------------------------------
    def evaluate(self, spec: TrialSpec, deadline: float, report: Callable[[int, float, float, float], bool],
                 should_stop: Callable[[], bool] = lambda: False, why: str = "its time limit") -> TrialResult:
        """Run one trial; past ``deadline`` (time.monotonic) it is killed and returned as timeout
        (``why`` names that deadline in the trial's error)."""
        started, pid = now_iso(), self.pid
        try:
            self._request("evaluate", spec, deadline, should_stop)
            while True:
                kind, body = self._receive(deadline, should_stop)
                if kind == "step":
                    self._out.send(report(*body))
                elif kind == "result":
                    return body
        except TimeoutError:
            self.restart()
            return self._lost(spec, TIMEOUT, f"TimeoutError: stopped at {why}", started, pid)
        except Stopped:
            self.restart()
            return self._lost(spec, FAILED, "Interrupted: the search was stopped while this trial ran", started, pid)
        except WorkerDied as exc:
            self.restart()
            return self._lost(spec, FAILED, str(exc), started, pid)

    def refit(self, spec: TrialSpec, deadline: float):
        """Return the fitted pipeline, or an error string (timeouts and crashes included)."""
        try:
            self._request("refit", spec, deadline, lambda: False)
            return self._receive(deadline, lambda: False)[1]
        except TimeoutError:
            self.restart()
            return "TimeoutError: the final refit did not finish within the time budget"
        except WorkerDied as exc:
            self.restart()
            return str(exc)

    def _request(self, kind: str, spec: TrialSpec, deadline: float, should_stop) -> None:
        import cloudpickle  # pickles functions defined in __main__ (scripts, notebooks) by value

        if not self._ready:
            self._receive(deadline, should_stop)  # ("ready", None)
            self._ready = True
        try:
            self._out.send_bytes(cloudpickle.dumps((kind, spec)))
        except OSError as exc:
            raise WorkerDied(self._death_reason()) from exc

    def _receive(self, deadline: float, should_stop):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("stopped at its time limit")
            if should_stop():
                raise Stopped()
            try:
                if self._in.poll(min(_POLL_S, left)):
                    return pickle.loads(self._in.recv_bytes())
            except (EOFError, OSError):
                raise WorkerDied(self._death_reason()) from None
            if self._proc.poll() is not None and not self._in.poll():
                raise WorkerDied(self._death_reason())

    def _death_reason(self) -> str:
        code = self._proc.wait(timeout=5) if self._proc else None
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            hint = " (killed: possibly out of memory)" if sig == "SIGKILL" else ""
            return f"WorkerDied: the worker process ended with {sig}{hint}"
        return f"WorkerDied: the worker process exited with code {code}"

    @staticmethod
    def _lost(spec: TrialSpec, status: str, reason: str, started: str, pid: int | None) -> TrialResult:
        return TrialResult(spec.number, spec.family.name, dict(spec.params), status, error=reason,
                           started_at=started, finished_at=now_iso(), worker=f"{socket.gethostname()}:{pid}",
                           threads=spec.n_jobs)
