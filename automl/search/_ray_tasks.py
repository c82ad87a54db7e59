"""Ray remote functions and the pruning mailbox (imported only when a Ray search starts)."""

from __future__ import annotations

import os
import time

import ray

from automl.evaluation.evaluate import evaluate
from automl.search.refit import refit


@ray.remote(num_cpus=0)
class Mailbox:
    """Fold scores from running trials to the driver, and its prune decisions back.

    Workers never touch the study: the driver drains ``take()``, asks Optuna, and posts
    decisions with ``decide()``.
    """

    def __init__(self) -> None:
        self.pending: list[tuple[int, int, float]] = []
        self.decisions: dict[tuple[int, int], bool] = {}

    def post(self, number: int, step: int, value: float) -> None:
        self.pending.append((number, step, value))

    def take(self) -> list[tuple[int, int, float]]:
        out, self.pending = self.pending, []
        return out

    def decide(self, items: list[tuple[int, int, bool]]) -> None:
        for number, step, prune in items:
            self.decisions[(number, step)] = prune

    def decision(self, number: int, step: int):
        return self.decisions.pop((number, step), None)


def _where() -> str:
    ctx = ray.get_runtime_context()
    return f"{ctx.get_node_id()[:8]}:{os.getpid()}"


@ray.remote(max_retries=0)
def evaluate_task(data, spec, mailbox, n_threads: int):
    """Evaluate one trial on a Ray worker (no retry: a crash is recorded as a failed trial)."""
    from threadpoolctl import threadpool_limits

    def report(step: int, value: float) -> bool:
        ray.get(mailbox.post.remote(spec.number, step, value))
        while (answer := ray.get(mailbox.decision.remote(spec.number, step))) is None:
            time.sleep(0.005)
        return answer

    with threadpool_limits(n_threads):
        result = evaluate(data, spec, report)
    result.worker = _where()
    return result


@ray.remote(max_retries=0)
def refit_task(data, spec, n_threads: int):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(n_threads):
        return refit(data, spec)
