"""Entry point of the zygote: ``main(SOCKET_FD)`` in a fresh interpreter started by launch.py (Linux).

It imports what a worker needs (scikit-learn, pandas, automl's evaluation: ~2 s here) once, then
forks a worker per request, so a worker is ready in milliseconds instead of seconds. It stays
single-threaded (fork copies only the calling thread) and runs no model code itself.

Requests on the socket (SOCK_SEQPACKET, one message each), answered with one message:

* ``("fork", {"n_threads", "cwd", "env"})`` with the worker's two pipe ends attached -> its pid.
  The worker runs in a new session (the parent kills its process group), with the parent's cwd
  and environment as they are now, then ``_child.main`` on the pipes.
* ``("wait", pid)`` -> the worker's exit code, as ``subprocess.Popen.returncode`` gives it
  (negative: the signal that ended it). Only asked once the worker is known to have ended.

The zygote ends when the search process does (its socket closes, or it is orphaned).
"""

from __future__ import annotations

import os
import pickle
import socket
import sys

_CHECK_PARENT_S = 1.0


def main(fd: int) -> None:
    parent = os.getppid()
    sock = socket.socket(fileno=fd)
    from automl.search import _child

    _child.preload()
    sock.settimeout(_CHECK_PARENT_S)
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 2)
        except TimeoutError:
            if os.getppid() != parent:
                return
            continue
        except OSError:
            return
        if not msg:
            return  # the search process closed the socket (or ended)
        kind, arg = pickle.loads(msg)
        if kind == "fork":
            pid = os.fork()
            if pid == 0:
                sock.close()
                _run_worker(fds, **arg)
            for f in fds:
                os.close(f)
            sock.send(pickle.dumps(pid))
        elif kind == "wait":
            _, status = os.waitpid(arg, 0)
            sock.send(pickle.dumps(os.waitstatus_to_exitcode(status)))


def _run_worker(fds: list[int], n_threads: int, cwd: str, env: dict) -> None:
    """In the forked child: become the worker, and never return into the zygote's loop."""
    code = 1
    try:
        os.setsid()
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        from automl.search import _child

        _child.main(fds[0], fds[1], n_threads)
        code = 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    main(int(sys.argv[1]))
