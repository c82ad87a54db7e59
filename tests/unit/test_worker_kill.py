"""Killing a trial worker must end it and its children, even before it has made its own process group."""

from __future__ import annotations

import signal
import subprocess
import time

from automl.search.worker import _kill_group


def test_a_worker_not_yet_leading_its_group_is_still_killed():
    """A worker forked by the zygote calls setsid first thing; a restart whose request is already past
    its deadline can kill it before that. killpg then finds no group, and the worker must still die:
    it used to live on, kill() waited for it forever, and a fit on a busy machine never returned."""
    worker = subprocess.Popen(["sleep", "30"])  # in our process group, like a worker before its setsid
    try:
        _kill_group(worker.pid)
        assert worker.wait(timeout=60) == -signal.SIGKILL
    finally:
        worker.kill()
        worker.wait()


def _group(pgid: int) -> list[str]:
    """The live (not zombie) processes of group ``pgid``."""
    ps = subprocess.run(["ps", "-eo", "pgid=,stat="], capture_output=True, text=True).stdout.splitlines()
    return [line for line in ps if line.split()[0] == str(pgid) and not line.split()[1].startswith("Z")]


def _soon(condition) -> bool:
    """Whether ``condition()`` holds within about 10 s."""
    for _ in range(200):
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_group_leader_is_killed_with_its_children():
    leader = subprocess.Popen(["sh", "-c", "sleep 30 & wait"], start_new_session=True)
    try:
        assert _soon(lambda: len(_group(leader.pid)) == 2)  # the shell and its child
        _kill_group(leader.pid)
        assert leader.wait(timeout=60) == -signal.SIGKILL
        assert _soon(lambda: not _group(leader.pid))  # the orphaned child got the same SIGKILL
    finally:
        leader.kill()
        leader.wait()
