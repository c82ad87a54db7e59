"""Search backends: where trials run. The driver decides what runs; a backend runs it.

A backend gets the data once (``start``), then pulls trials from the driver until it
returns None (``run``), and finally refits the chosen trial (``refit``). The local
backend runs one trial at a time in a killable worker process; a Ray backend keeps
several in flight with the same driver.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from automl.evaluation.evaluate import EvalData, TrialSpec

if TYPE_CHECKING:
    from automl.search.driver import SearchDriver

logger = logging.getLogger("automl")


class SearchBackend(ABC):
    """Runs trials for a SearchDriver."""

    def warm_up(self, n_jobs: int | None = None) -> None:
        """Called before the data is read: start whatever does not need it (optional). ``n_jobs`` is the
        thread count the fit was given, None when automl chooses it."""

    @abstractmethod
    def start(self, data: EvalData, n_threads: int) -> None:
        """Receive the data (once per search) and get workers ready; may return before they are."""

    @abstractmethod
    def run(self, driver: "SearchDriver") -> None:
        """Evaluate ``driver.next_trial()`` specs until it returns None; hand every result to ``driver.finish``."""

    @abstractmethod
    def refit(self, spec: TrialSpec, deadline: float):
        """Fit ``spec`` on all rows (or on ``spec.fold``'s training rows) before ``deadline``;
        return the pipeline or an error string."""

    def refit_many(self, specs: list[TrialSpec], deadline: float) -> list:
        """``refit`` each spec (a bag's fold models); a backend with several workers runs them at once."""
        out = []
        for spec in specs:
            out.append(self.refit(spec, deadline))
            if isinstance(out[-1], str):
                break  # the bag is lost anyway
        return out

    def close(self) -> None:
        """Release workers (called even after an error)."""


class LocalBackend(SearchBackend):
    """One trial at a time on this machine, in a warm worker process replaced after a timeout.

    With ``share_cpu``, each trial and refit gets only the cores that other processes leave free
    (``cpu_share.py``: threads that lose their core to another process slow a fit several-fold). The
    default, None, shares them unless the fit sets ``n_jobs``, so a thread count the user gave is kept."""

    def __init__(self, share_cpu: bool | None = None) -> None:
        self.worker = None
        self.share_cpu = share_cpu
        self.cpu = None
        self._n_jobs = None

    def warm_up(self, n_jobs: int | None = None) -> None:
        from automl.search.launch import warm_up

        warm_up()
        self._n_jobs = n_jobs
        self._watch_cpu()  # from here, so the first trial's threads are measured too (reading the data takes a while)

    def start(self, data: EvalData, n_threads: int) -> None:
        from automl.search.worker import WorkerProcess

        self.worker = WorkerProcess(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), n_threads)
        self.worker.start()
        if self.cpu is None:
            self._watch_cpu()

    def _watch_cpu(self) -> None:
        from automl.search.cpu_share import CpuShare

        share = self.share_cpu if self.share_cpu is not None else self._n_jobs is None
        self.cpu = CpuShare() if share else None  # per fit: a reused backend may get n_jobs this time
        if self.cpu is not None:
            self.cpu.measure(self._our_cpu_s())

    def run(self, driver: "SearchDriver") -> None:
        while (spec := driver.next_trial()) is not None:
            spec = self._with_free_cores(spec)
            deadline, why = driver.trial_deadline(spec.number)
            result = self.worker.evaluate(spec, deadline, lambda *step: driver.report(spec.number, *step),
                                          driver.stopping, why)
            driver.finish(result)

    def refit(self, spec: TrialSpec, deadline: float):
        return self.worker.refit(self._with_free_cores(spec), deadline)

    def _with_free_cores(self, spec: TrialSpec) -> TrialSpec:
        """``spec`` on no more threads than the cores other processes leave free."""
        if self.cpu is None:
            return spec
        if self.cpu.due():
            free = self.cpu.free
            if self.cpu.measure(self._our_cpu_s()) != free:
                logger.info("Other processes are using %.1f of this machine's %d cores: trials run on at most %d"
                            " thread(s)", self.cpu.others, self.cpu.n_cores, self.cpu.free)
        return dataclasses.replace(spec, n_jobs=min(spec.n_jobs, self.cpu.free))

    def _our_cpu_s(self) -> float:
        """CPU seconds this search has used: this process, its zygote and worker, reaped workers included."""
        from automl.search.cpu_share import process_cpu_s
        from automl.search.launch import zygote_pid

        worker = self.worker.pid if self.worker is not None else None
        return sum(process_cpu_s(pid) for pid in {os.getpid(), zygote_pid(), worker})

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
