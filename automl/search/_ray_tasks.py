"""Ray remote functions and the pruning mailbox (imported only when a Ray search starts)."""

from __future__ import annotations

import os

import ray

from automl.evaluation.evaluate import evaluate
from automl.search.refit import refit


@ray.remote(num_cpus=0)
class Mailbox:
    """Fold scores from running trials to the driver, and its prune decisions back.

    Workers never touch the study and never wait for it: they post a fold score and read
    whether the driver has already decided to prune their trial (from an earlier fold's
    score). The driver drains ``take()`` every poll, asks Optuna, and posts ``prune()``.
    A pruned trial therefore stops one fold later than in a local search, instead of
    every worker idling for the driver's poll after every fold.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[int, int, float, float, float]] = []
        self.pruned: set[int] = set()

    def post(self, number: int, step: int, value: float, fit_s: float, predict_s: float) -> None:
        self.pending.append((number, step, value, fit_s, predict_s))

    def take(self) -> list[tuple[int, int, float, float, float]]:
        out, self.pending = self.pending, []
        return out

    def prune(self, numbers: list[int]) -> None:
        self.pruned.update(numbers)

    def should_prune(self, number: int) -> bool:
        return number in self.pruned


def _where() -> str:
    ctx = ray.get_runtime_context()
    return f"{ctx.get_node_id()[:8]}:{os.getpid()}"


@ray.remote(max_retries=0)
def evaluate_task(data, spec, mailbox, n_threads: int):
    """Evaluate one trial on a Ray worker (no retry: a crash is recorded as a failed trial)."""
    from threadpoolctl import threadpool_limits

    def report(step: int, value: float, fit_s: float, predict_s: float) -> bool:
        mailbox.post.remote(spec.number, step, value, fit_s, predict_s)  # fire and forget: actor calls run in order
        return ray.get(mailbox.should_prune.remote(spec.number))

    with threadpool_limits(n_threads):
        result = evaluate(data, spec, report)
    result.worker = _where()
    return result


@ray.remote(max_retries=1)
def refit_task(data, spec, n_threads: int):
    """Refit on all rows (or on one fold's training rows, for a bag). Unlike a trial, a refit whose
    worker dies is retried once (Ray re-runs it on a system failure only, not on an exception): it
    has no result to record, and a crash there (e.g. a worker killed by the force-cancel of the last
    trials) would otherwise lose the best model."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(n_threads):
        return refit(data, spec)
