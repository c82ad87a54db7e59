"""Trials give up the cores other processes take (unless the user set n_jobs): on a busy machine,
threads that lose their core slow an OpenMP fit several-fold (automl/search/cpu_share.py). And they
count the cores a cgroup's CPU quota allows, not the host's (automl/search/cores.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import automl
from automl.search.cpu_share import CpuShare, cores_left, machine_busy_s, process_cpu_s
from tests.families_for_tests import make_thread_probe

pytestmark = pytest.mark.skipif(not (sys.platform == "linux" and (os.cpu_count() or 1) >= 2),
                                reason="measures cores through /proc: Linux with 2 cores or more")
BUSY = "import time\nend = time.monotonic() + 120\nwhile time.monotonic() < end: pass"


@pytest.fixture
def busy_machine():
    """One busy loop per core, in processes outside the search."""
    loops = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(os.cpu_count())]
    yield
    for p in loops:
        p.kill()
        p.wait()


def test_cores_left_rounds_to_the_nearest_core_and_keeps_one():
    assert cores_left(2, 0.0) == 2
    assert cores_left(2, 0.4) == 2
    assert cores_left(2, 0.6) == 1
    assert cores_left(2, 2.0) == 1
    assert cores_left(8, 2.7) == 5


def test_a_busy_process_outside_the_search_is_counted_as_others(busy_machine):
    share = CpuShare()
    share.measure(process_cpu_s(os.getpid()))
    time.sleep(1.5)
    share.measure(process_cpu_s(os.getpid()))
    assert share.others > share.n_cores - 0.8, share.others
    assert share.free == 1


def test_a_process_cpu_time_includes_its_reaped_children():
    """A killed worker, once reaped by its parent, moves into the parent's count: none of it is lost."""
    before_machine, before = machine_busy_s(), process_cpu_s(os.getpid())
    spin = "import time\nend = time.process_time() + 0.5\nwhile time.process_time() < end: pass"
    subprocess.run([sys.executable, "-c", spin], check=True)
    assert process_cpu_s(os.getpid()) - before >= 0.45
    assert machine_busy_s() - before_machine >= 0.45


@pytest.fixture
def thread_probe(tmp_path):
    log = tmp_path / "threads.log"
    space = {"params": {"seconds": {"type": "float", "low": 0.2, "high": 0.21},
                        "log_file": {"type": "categorical", "choices": [str(log)]}}}
    automl.register_family("thread_probe", make_thread_probe, space, tasks=["binary"])
    yield log
    automl.unregister_family("thread_probe")


def _seen(log) -> list[tuple[int, int]]:
    """(OpenMP threads, n_jobs) of every fit, in order."""
    return [tuple(int(v) for v in line.split()) for line in log.read_text().splitlines()]


def test_trials_run_on_the_cores_busy_processes_leave(breast_cancer, out_dir, thread_probe, busy_machine):
    res = automl.fit(breast_cancer, "target", time_budget=12, include=["thread_probe"], output_dir=out_dir, seed=0)
    trials = res.leaderboard[res.leaderboard["trial"] >= 0]
    assert (trials["threads"] == 1).sum() >= len(trials) // 2, trials["threads"].tolist()
    seen = _seen(thread_probe)
    assert (1, 1) in seen, seen  # the worker's OpenMP runtime and the family's n_jobs both shrank


@pytest.mark.parametrize("backend", [None, "LocalBackend()"])
def test_a_thread_count_the_user_set_is_kept_on_a_busy_machine(breast_cancer, out_dir, thread_probe, busy_machine,
                                                               backend):
    """Whether fit makes its default backend or is given one."""
    backend = automl.LocalBackend() if backend else None
    res = automl.fit(breast_cancer, "target", time_budget=8, include=["thread_probe"], output_dir=out_dir, seed=0,
                     n_jobs=2, backend=backend)
    assert set(res.leaderboard.loc[res.leaderboard["trial"] >= 0, "threads"]) == {2}
    assert set(_seen(thread_probe)) == {(2, 2)}


QUOTA_FIT = """
import json, sys
import automl
from automl.search.cores import usable_cores
from sklearn.datasets import load_breast_cancer
from tests.families_for_tests import make_thread_probe

log, out = sys.argv[1], sys.argv[2]
space = {"params": {"seconds": {"type": "float", "low": 0.2, "high": 0.21},
                    "log_file": {"type": "categorical", "choices": [log]}}}
automl.register_family("thread_probe", make_thread_probe, space, tasks=["binary"])
res = automl.fit(load_breast_cancer(as_frame=True).frame, "target", time_budget=6, include=["thread_probe"],
                 output_dir=out, seed=0)
board = res.leaderboard
print(json.dumps({"usable": usable_cores(), "threads": sorted(set(board.loc[board["trial"] >= 0, "threads"]))}))
"""


@pytest.fixture
def one_cpu_cgroup():
    """A cgroup with a quota of 1 CPU (cgroup v1's cpu controller, or v2's at the mount's top): what a
    container given ``--cpus 1`` on this machine gets. Needs root; skips otherwise."""
    group = None
    for line in open("/proc/self/mountinfo"):
        left, _, right = line.partition(" - ")
        fs_type, _, options = right.split()[:3]
        top = Path(left.split()[4])
        try:
            if fs_type == "cgroup" and "cpu" in options.split(","):
                group = top / f"automl-test-{os.getpid()}"
                group.mkdir()
                (group / "cpu.cfs_period_us").write_text("100000")
                (group / "cpu.cfs_quota_us").write_text("100000")
                break
            if fs_type == "cgroup2" and "cpu" in _controllers(top):
                (top / "cgroup.subtree_control").write_text("+cpu")
                group = top / f"automl-test-{os.getpid()}"
                group.mkdir()
                (group / "cpu.max").write_text("100000 100000")
                break
        except OSError as e:
            if group is not None and group.is_dir():
                group.rmdir()
            pytest.skip(f"cannot make a cgroup with a CPU quota here ({e}): needs root and a cgroup cpu controller")
    if group is None:
        pytest.skip("no cgroup cpu controller mounted")
    yield group
    for _ in range(50):  # the fit's zygote and worker leave with it, but not always at once
        try:
            group.rmdir()
            return
        except OSError:
            time.sleep(0.1)


def _controllers(top: Path) -> list[str]:
    """The controllers a cgroup v2 mount offers (none on a hybrid host's unified mount)."""
    path = top / "cgroup.controllers"
    return path.read_text().split() if path.exists() else []


def test_trials_run_on_the_cores_a_cgroup_quota_allows(one_cpu_cgroup, tmp_path):
    """On this 2-core machine, a fit in a cgroup allowed 1 CPU runs every trial on 1 thread, OpenMP included:
    2 threads would be throttled as a group and wait for each other."""
    log = tmp_path / "threads.log"
    procs = "cgroup.procs" if (one_cpu_cgroup / "cgroup.procs").exists() else "tasks"
    cmd = f'echo $$ > "{one_cpu_cgroup / procs}" && exec "$0" -c "$1" "$2" "$3"'
    out = subprocess.run(["sh", "-c", cmd, sys.executable, QUOTA_FIT, str(log), str(tmp_path / "results")],
                         capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2], timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"usable": 1, "threads": [1]}, seen
    assert set(_seen(log)) == {(1, 1)}
