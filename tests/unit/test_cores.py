"""The CPU quota a process's cgroup (or an ancestor) sets, read from a /proc and cgroup tree built here
the way Linux lays it out (automl/search/cores.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from automl.search.cores import cgroup_cpu_quota, usable_cores


def _proc(tmp: Path, cgroup: str, mounts: list[str]) -> str:
    proc = tmp / "proc"
    proc.mkdir()
    (proc / "cgroup").write_text(cgroup)
    (proc / "mountinfo").write_text("\n".join(mounts) + "\n")
    return str(proc)


def _v1_mount(top: Path, root: str = "/") -> str:
    return f"35 25 0:30 {root} {top} rw,nosuid - cgroup cgroup rw,cpu"


def _v2_mount(top: Path, root: str = "/") -> str:
    return f"36 25 0:31 {root} {top} rw,nosuid - cgroup2 cgroup2 rw"


def _v1_quota(folder: Path, quota: int, period: int = 100000) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cpu.cfs_quota_us").write_text(f"{quota}\n")
    (folder / "cpu.cfs_period_us").write_text(f"{period}\n")


def test_a_v1_quota_on_an_ancestor_of_the_process_cgroup_counts(tmp_path):
    top = tmp_path / "cpu"
    _v1_quota(top, -1)
    _v1_quota(top / "jobs", 150000)  # 1.5 CPUs for everything under jobs/
    _v1_quota(top / "jobs" / "a", -1)  # the process's own: no quota of its own
    proc = _proc(tmp_path, "4:memory:/jobs/a\n1:cpu,cpuacct:/jobs/a\n0::/\n", [_v1_mount(top)])
    assert cgroup_cpu_quota(proc) == 1.5


def test_the_smallest_v2_quota_on_the_way_up_wins(tmp_path):
    top = tmp_path / "unified"
    for folder, limit in ((top, None), (top / "user.slice", "300000 100000"), (top / "user.slice" / "job", "max 100000")):
        folder.mkdir(exist_ok=True)
        if limit:
            (folder / "cpu.max").write_text(limit + "\n")
    proc = _proc(tmp_path, "0::/user.slice/job\n", [_v2_mount(top)])
    assert cgroup_cpu_quota(proc) == 3.0


def test_a_container_sees_its_own_cgroup_at_the_mount_top(tmp_path):
    """docker without a cgroup namespace: /proc/self/cgroup names the host's path, the mount's root is
    that same path, so the quota is in the mount's top folder."""
    top = tmp_path / "cpu"
    _v1_quota(top, 200000)
    proc = _proc(tmp_path, "1:cpu:/docker/abc123\n", [_v1_mount(top, root="/docker/abc123")])
    assert cgroup_cpu_quota(proc) == 2.0


def test_no_quota_no_cgroups_or_a_mount_without_cpu_gives_none(tmp_path):
    top = tmp_path / "cpu"
    _v1_quota(top, -1)
    assert cgroup_cpu_quota(_proc(tmp_path, "1:cpu:/\n", [_v1_mount(top)])) is None
    memory = f"37 25 0:32 / {tmp_path / 'memory'} rw - cgroup cgroup rw,memory"
    assert cgroup_cpu_quota(str(tmp_path / "no-such-proc")) is None
    (tmp_path / "proc" / "mountinfo").write_text(memory + "\n")
    assert cgroup_cpu_quota(str(tmp_path / "proc")) is None


@pytest.mark.parametrize("quota, expected", [(50000, 1), (100000, 1), (150000, 2)])
def test_usable_cores_is_the_quota_rounded_up_within_the_cores_this_process_has(tmp_path, quota, expected):
    top = tmp_path / "cpu"
    _v1_quota(top, quota)
    proc = _proc(tmp_path, "1:cpu:/\n", [_v1_mount(top)])
    assert usable_cores(proc) == min(expected, usable_cores(str(tmp_path / "no-such-proc")))
