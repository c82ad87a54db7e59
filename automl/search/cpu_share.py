"""How many threads a trial should get when other processes are using this machine's cores.

A trial's OpenMP threads wait for each other at every parallel region (HistGradientBoosting has
several per tree node). When another process takes a core, the thread that lost it holds up the
rest, and a fit slows far more than its share of the CPU says: with busy loops beside a 60 s search
on this 2-core machine, the boosted default trials ran past the 15 s trial limit on 2 threads (1-2.5 s
quiet) and searches exported linear models; on 1 thread they did not (README, *Busy machine*). So
between trials the local backend measures the cores used by processes outside this search (the
machine's busy time from ``/proc/stat`` less this search's own: its process, the zygote and the
worker, reaped workers included) and gives the next trial the cores that are left. Only when
``n_jobs`` is not set (a thread count the user gave is kept); Linux only.
"""

from __future__ import annotations

import os
import time

from automl.search.cores import our_cores, usable_cores

MIN_WINDOW_S = 1.0  # the machine's busy time is counted in 10 ms ticks: shorter windows are noise
_TICK_S = 1.0 / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.01


class CpuShare:
    """The cores other processes leave free on this machine, measured over windows of at least
    ``MIN_WINDOW_S``: ``measure(ours_s)`` takes this search's CPU seconds so far (all its processes,
    ended workers included) and updates ``free`` from the window since the previous measure.
    """

    def __init__(self) -> None:
        self.cores = our_cores()
        self.n_cores = usable_cores()  # a cgroup's CPU quota, if lower than the cores, is what there is to share
        self.others: float | None = None  # cores used by other processes in the last window
        self.free = self.n_cores
        self._mark: tuple[float, float, float] | None = None

    def due(self) -> bool:
        return self._mark is None or time.monotonic() - self._mark[0] >= MIN_WINDOW_S

    def measure(self, ours_s: float) -> int:
        busy, now = machine_busy_s(self.cores), time.monotonic()
        if busy is None:
            return self.free
        if self._mark is not None:
            t0, busy0, ours0 = self._mark
            self.others = max(0.0, (busy - busy0) - (ours_s - ours0)) / (now - t0)
            self.free = cores_left(self.n_cores, self.others)
        self._mark = (now, busy, ours_s)
        return self.free


def cores_left(cores: int, others: float) -> int:
    """The cores others leave free, rounded to the nearest core, at least 1."""
    return max(1, int(cores - others + 0.5))


def machine_busy_s(cores: set[int] | None = None) -> float | None:
    """CPU seconds the machine's ``cores`` (all, if None) have spent busy since boot (steal included:
    a hypervisor's other guests compete too); None where ``/proc/stat`` cannot be read."""
    try:
        with open("/proc/stat") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    ticks = 0
    for line in lines:
        name, *fields = line.split()
        if not name.startswith("cpu") or name == "cpu" or (cores is not None and int(name[3:]) not in cores):
            continue
        values = [int(v) for v in fields[:8]]  # user nice system idle iowait irq softirq steal
        ticks += sum(values) - values[3] - values[4]
    return ticks * _TICK_S


def process_cpu_s(pid: int | None) -> float:
    """CPU seconds (user + system, all threads) process ``pid`` and its reaped children have used;
    0 if it is gone or unknown. A worker killed and reaped moves from its own count to its parent's."""
    if pid is None:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    return sum(int(v) for v in fields[11:15]) * _TICK_S  # utime stime cutime cstime (stat's fields 14-17)

