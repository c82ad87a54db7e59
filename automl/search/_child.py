"""Entry point of a worker process: ``main(READ_FD, WRITE_FD, N_THREADS)`` in a fresh interpreter
(launch.py), or in a process forked by the zygote (``_zygote.py``, Linux).

Started with subprocess or forked (never multiprocessing), so the user's ``__main__`` is never
re-imported. Messages are pickled (cloudpickle from the parent, so functions defined in
a notebook or script work); the parent kills this process group on timeout.
"""

from __future__ import annotations

import pickle
import sys
from multiprocessing.connection import Connection


def _exit_with_parent(parent_pid: int) -> None:
    """End this worker when the search process dies (even by SIGKILL, mid-fit)."""
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


_PRELOAD = ("cloudpickle", "threadpoolctl", "automl.evaluation.evaluate", "automl.search.refit")


def preload() -> None:
    """Import what a worker needs before its data arrives (the zygote does this once for all workers)."""
    import importlib

    for name in _PRELOAD:
        importlib.import_module(name)


def main(read_fd: int, write_fd: int, n_threads: int) -> None:
    import os

    _exit_with_parent(os.getppid())
    preload()
    from threadpoolctl import threadpool_limits

    threadpool_limits(n_threads)  # BLAS/OpenMP threads x trials at once <= cores
    threads = n_threads
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    sys.path[:0] = [p for p in pickle.loads(inbox.recv_bytes()) if p not in sys.path]
    from automl.evaluation.evaluate import evaluate
    from automl.search.refit import refit

    import cloudpickle  # results may hold classes defined in the user's __main__ (a fitted pipeline)

    def send(message) -> None:
        outbox.send_bytes(cloudpickle.dumps(message))

    data = pickle.loads(inbox.recv_bytes())
    send(("ready", None))

    def report(step: int, value: float, fit_s: float, predict_s: float) -> bool:
        send(("step", (step, value, fit_s, predict_s)))
        return bool(inbox.recv())

    while True:
        try:
            kind, spec = pickle.loads(inbox.recv_bytes())
        except EOFError:
            return
        if spec.n_jobs != threads:  # fewer while other processes use cores (cpu_share.py), and back
            threads = spec.n_jobs
            threadpool_limits(threads)
        if kind == "evaluate":
            send(("result", evaluate(data, spec, report)))
        elif kind == "refit":
            send(("model", refit(data, spec)))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
