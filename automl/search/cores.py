"""How many cores this process may use: its CPU affinity, capped by a CPU quota on its cgroup.

``os.cpu_count()`` is the host's count. In a container given 2 CPUs (``docker --cpus 2``, a
Kubernetes CPU limit, systemd's ``CPUQuota=``) on a larger host, a trial on that many threads is
throttled as a group and its OpenMP threads wait for each other: on 2 threads under a 1-CPU quota,
HistGradientBoosting took 1.5x and XGBoost 1.3x as long as on 1 thread (README, *CPU quota*). So the quota counts
as the cores, rounded up, as joblib's ``cpu_count`` does. Unlike joblib, the quota is looked up on
this process's own cgroup and its ancestors (read from ``/proc/self/cgroup`` and the cgroup mounts),
not only at the mount's root, so a job placed in a child cgroup on a host is seen too.
"""

from __future__ import annotations

import math
import os
from pathlib import Path


def usable_cores(proc: str = "/proc/self") -> int:
    """The cores this process may use: its affinity (a cpuset may give it fewer than the machine has),
    capped by its cgroup's CPU quota rounded up; at least 1. ``proc`` holds the process's ``cgroup`` and
    ``mountinfo`` files (another folder in tests)."""
    cores = our_cores()
    n = len(cores) if cores else (os.cpu_count() or 1)
    quota = cgroup_cpu_quota(proc)
    return max(1, min(n, math.ceil(quota))) if quota is not None else n


def our_cores() -> set[int] | None:
    """The cores this process may run on; None where the platform does not say."""
    try:
        return set(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None


def cgroup_cpu_quota(proc: str = "/proc/self") -> float | None:
    """The smallest CPU quota, in CPUs, on the process's cgroup or an ancestor (cgroup v2's ``cpu.max``
    or v1's ``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``); None when there is none or no cgroups."""
    quotas = []
    for leaf, top in _cpu_cgroup_dirs(proc):
        folder = leaf
        while True:
            quota = _quota_in(folder)
            if quota is not None:
                quotas.append(quota)
            if folder == top or top not in folder.parents:
                break
            folder = folder.parent
    return min(quotas) if quotas else None


def _cpu_cgroup_dirs(proc: str) -> list[tuple[Path, Path]]:
    """(the process's cgroup folder, its mount's top folder) on each cgroup v2 mount and v1 cpu mount."""
    try:
        groups = Path(proc, "cgroup").read_text().splitlines()
        mounts = Path(proc, "mountinfo").read_text().splitlines()
    except OSError:
        return []
    paths = {}  # "" (cgroup v2) or a v1 controller such as "cpu" -> the process's cgroup path
    for line in groups:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            paths[controller] = path
    found = []
    for line in mounts:
        left, _, right = line.partition(" - ")
        fields, (fs_type, _, options) = left.split(), right.split()[:3]
        if fs_type == "cgroup2":
            path = paths.get("")
        elif fs_type == "cgroup" and "cpu" in options.split(","):
            path = paths.get("cpu")
        else:
            continue
        if path is None:
            continue
        mount_root, top = fields[3], Path(fields[4])
        inside = os.path.relpath(path, mount_root) if _is_within(path, mount_root) else "."
        found.append((top / inside if inside != "." else top, top))  # outside the mount's root: the top's own
    return found


def _is_within(path: str, root: str) -> bool:
    return root == "/" or path == root or path.startswith(root.rstrip("/") + "/")


def _quota_in(folder: Path) -> float | None:
    try:
        if (folder / "cpu.max").exists():
            quota, period = (folder / "cpu.max").read_text().split()[:2]
            return None if quota == "max" else int(quota) / int(period)
        if (folder / "cpu.cfs_quota_us").exists():
            quota = int((folder / "cpu.cfs_quota_us").read_text())
            period = int((folder / "cpu.cfs_period_us").read_text())
            return quota / period if quota > 0 and period > 0 else None  # -1: no quota
    except (OSError, ValueError):
        return None
    return None
