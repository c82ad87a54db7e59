"""How a worker process is started: forked by a warm zygote (Linux), or a fresh interpreter.

A fresh interpreter running ``automl.search._child`` spends ~2 s importing scikit-learn and pandas before
it can run a trial, and a search pays that again after every trial it kills. On Linux one zygote
per search process (``_zygote.py``) pays it once and forks ready workers from then on: a
restart after a timeout, and every later ``fit`` in the same process (a notebook, the tests),
starts in milliseconds. Either way the worker is the leader of its own process group and ends
with the search process. ``benchmarks/engine_overheads.py`` prints both start times.
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import socket
import subprocess
import sys
import threading
from pathlib import Path

# The folder this search process imported automl from. A worker imports automl from there too: `python -m`
# would put the working directory first on sys.path, so an `automl` folder there (another checkout, a
# user's package of that name) would run trials with other code than the search's.
_HOME = str(Path(__file__).resolve().parents[2])


def launch(read_fd: int, write_fd: int, n_threads: int):
    """Start a worker on the pipe ends it reads from and writes to; return a handle with
    ``pid``, ``poll()`` and ``wait(timeout)``, as ``subprocess.Popen`` has."""
    env = {**os.environ, "OMP_NUM_THREADS": str(n_threads), "PYTHONWARNINGS": "ignore"}
    if _zygote_supported():
        try:
            return _zygote().fork(read_fd, write_fd, n_threads, env)
        except OSError:  # the zygote died (killed from outside): a fresh interpreter this time
            _forget_zygote()
    cmd = _python(f"from automl.search._child import main; main({read_fd}, {write_fd}, {n_threads})")
    return subprocess.Popen(cmd, pass_fds=(read_fd, write_fd), start_new_session=True, env=env)


def _python(code: str) -> list[str]:
    """A fresh interpreter that imports automl from ``_HOME``, then runs ``code`` with the usual sys.path."""
    first = f"import sys; sys.path.insert(0, {_HOME!r}); import automl; sys.path.remove({_HOME!r})"
    return [sys.executable, "-c", f"{first}; {code}"]


def warm_up() -> None:
    """Start this process's zygote now, if it will be used, so its imports overlap other work."""
    if _zygote_supported():
        _zygote()


def _zygote_supported() -> bool:
    return sys.platform == "linux" and hasattr(os, "pidfd_open") and hasattr(socket, "send_fds")


class Zygote:
    """The search process's side of ``_zygote.py``: one request and its answer at a time."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        self.proc = subprocess.Popen(_python(f"from automl.search._zygote import main; main({theirs.fileno()})"),
                                     pass_fds=(theirs.fileno(),), start_new_session=True, env=env)
        theirs.close()
        self._sock = ours
        self._lock = threading.Lock()
        self.owner = os.getpid()

    def fork(self, read_fd: int, write_fd: int, n_threads: int, env: dict) -> "ForkedWorker":
        spec = {"n_threads": n_threads, "cwd": os.getcwd(), "env": env}
        pid = self._ask(("fork", spec), [read_fd, write_fd])
        return ForkedWorker(pid, self)

    def wait(self, pid: int) -> int:
        """The exit code of worker ``pid``, which has ended (the zygote reaps it)."""
        return self._ask(("wait", pid))

    def _ask(self, request: tuple, fds: list[int] = ()):
        with self._lock:
            socket.send_fds(self._sock, [pickle.dumps(request)], list(fds))
            answer = self._sock.recv(1 << 16)
        if not answer:
            raise ConnectionResetError("the zygote process ended")
        return pickle.loads(answer)

    def close(self) -> None:
        self._sock.close()  # the zygote ends when its socket closes
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class ForkedWorker:
    """A worker forked by the zygote, with the part of ``subprocess.Popen`` the worker uses.
    It is not our child, so its end is watched through a pidfd and its exit code asked of the zygote."""

    def __init__(self, pid: int, zygote: Zygote):
        self.pid = pid
        self.returncode: int | None = None
        self._zygote = zygote
        self._pidfd: int | None = os.pidfd_open(pid)  # works until the zygote reaps it, which waits for wait()

    def poll(self) -> int | None:
        return self.wait(timeout=0)

    def wait(self, timeout: float | None = None) -> int | None:
        if self._pidfd is None:
            return self.returncode
        ended, _, _ = select.select([self._pidfd], [], [], timeout)
        if not ended:
            if timeout:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout)
            return None
        os.close(self._pidfd)
        self._pidfd = None
        try:
            self.returncode = self._zygote.wait(self.pid)
        except OSError:  # the zygote died with it: the worker has ended, its code is unknown
            self.returncode = 1
        return self.returncode


_ZYGOTE: Zygote | None = None
_ZYGOTE_LOCK = threading.Lock()


def _zygote() -> Zygote:
    """This process's zygote, started on first use (a forked copy of this process starts its own)."""
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        if not _running_here(_ZYGOTE):
            _ZYGOTE = Zygote()
        return _ZYGOTE


def zygote_pid() -> int | None:
    """The pid of this process's zygote, if it has one running."""
    z = _ZYGOTE
    return z.proc.pid if _running_here(z) else None


def _running_here(z: Zygote | None) -> bool:
    """Whether ``z`` is this process's zygote (not a forked parent's) and still running."""
    return z is not None and z.owner == os.getpid() and z.proc.poll() is None


def _forget_zygote() -> None:
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        _ZYGOTE = None


@atexit.register
def close_zygote() -> None:
    """End this process's zygote, if it has one (it also ends at exit). Its workers' peak memory then
    shows in ``getrusage(RUSAGE_CHILDREN)``, as a fresh interpreter's does once it is waited for."""
    global _ZYGOTE
    with _ZYGOTE_LOCK:
        if _ZYGOTE is not None and _ZYGOTE.owner == os.getpid():
            _ZYGOTE.close()
        _ZYGOTE = None
