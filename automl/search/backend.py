"""Search backends: where trials run. The driver decides what runs; a backend runs it.

A backend gets the data once (``start``), then pulls trials from the driver until it
returns None (``run``), and finally refits the chosen trial (``refit``). The local
backend runs one trial at a time in a killable worker process; a Ray backend keeps
several in flight with the same driver.
"""

from __future__ import annotations

import pickle
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING

from automl.evaluation.evaluate import EvalData, TrialSpec

if TYPE_CHECKING:
    from automl.search.driver import SearchDriver


class SearchBackend(ABC):
    """Runs trials for a SearchDriver."""

    def warm_up(self) -> None:
        """Called before the data is read: start whatever does not need it (optional)."""

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
    """One trial at a time on this machine, in a warm worker process replaced after a timeout."""

    def __init__(self) -> None:
        self.worker = None

    def warm_up(self) -> None:
        from automl.search.launch import warm_up

        warm_up()

    def start(self, data: EvalData, n_threads: int) -> None:
        from automl.search.worker import WorkerProcess

        self.worker = WorkerProcess(pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL), n_threads)
        self.worker.start()

    def run(self, driver: "SearchDriver") -> None:
        while (spec := driver.next_trial()) is not None:
            deadline, why = driver.trial_deadline(spec.number)
            result = self.worker.evaluate(
                spec, deadline, lambda step, value: driver.report(spec.number, step, value), driver.stopping, why
            )
            driver.finish(result)

    def refit(self, spec: TrialSpec, deadline: float):
        return self.worker.refit(spec, deadline)

    def close(self) -> None:
        if self.worker is not None:
            self.worker.close()
