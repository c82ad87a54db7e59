"""Parallel search on Ray: throughput at 1 and 2 workers, driver overhead per trial, a 64-worker simulation.

    python benchmarks/ray_scaling.py [--reps 3] [--trials 30] [--skip-sim]

Run it alone on the machine. Figures are medians of --reps runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

import automl


class Instant(ClassifierMixin, BaseEstimator):
    """Fits in no time: measures what the engine itself costs per trial."""

    def __init__(self, seconds: float = 0.0, c: float = 0.0):
        self.seconds, self.c = seconds, c

    def fit(self, X, y):
        if self.seconds:
            time.sleep(self.seconds)
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def make_instant(params, ctx):
    return Instant(**params)


def data():
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def throughput(reps: int, trials: int) -> None:
    df = data()
    print(f"throughput: breast_cancer, {trials} trials, all families, median of {reps} runs")
    for label, kw in (("local, 1 trial at a time (2 threads)", {}), ("ray, 1 worker", {"workers": 1}),
                      ("ray, 2 workers", {"workers": 2})):
        per_min, best = [], []
        for rep in range(reps):
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                res = automl.fit(df, "target", n_trials=trials, seed=rep, output_dir=tmp, **kw)
                wall = time.perf_counter() - t
            per_min.append(60 * trials / wall)
            best.append(res.best_score)
        print(f"  {label:38s} {statistics.median(per_min):6.1f} trials/min   best CV roc_auc {statistics.median(best):.5f}")


def overhead(n: int, workers: int) -> float:
    df = data().head(200)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = automl.fit(df, "target", n_trials=n, include=["instant"], output_dir=tmp, cv=2, workers=workers)
        wall = time.perf_counter() - t
    b = res.leaderboard
    return 1e3 * (wall - (b["fit_time_s"] + b["predict_time_s"]).sum() / (workers or 1)) / len(b)


def simulation(workers: int, budget: float, seconds: float) -> None:
    """Trials that sleep ``seconds`` on ``workers`` logical CPUs: completed / ideal."""
    import ray

    from automl.search.ray_backend import RayBackend

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
    try:
        df = data().head(200)
        space = {"params": {"seconds": {"type": "float", "low": seconds / 2, "high": seconds / 2 + 1e-9},
                            "c": {"type": "float", "low": 0.0, "high": 1.0}}}
        automl.register_family("sleep1", make_instant, space, tasks=["binary"], replace=True)
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            res = automl.fit(df, "target", time_budget=budget, include=["sleep1"], output_dir=tmp, cv=2,
                             backend=RayBackend(workers=workers, address="auto"))
            wall = time.perf_counter() - t
        b = res.leaderboard
        done = int((b["status"] == "complete").sum())
        first = min(b["started_at"])
        last = max(b["finished_at"])
        import pandas as pd

        span = (pd.Timestamp(last) - pd.Timestamp(first)).total_seconds()
        ideal = workers * span / seconds
        print(f"simulation: {workers} workers, {seconds:g} s trials, budget {budget:g} s: {done} completed in a "
              f"{span:.1f} s trial span (fit wall {wall:.1f} s); ideal {ideal:.0f} -> efficiency {done / ideal:.0%}")
    finally:
        ray.shutdown()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--skip-sim", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--sim-workers", type=int, default=64)
    args = ap.parse_args()
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    automl.register_family("instant", make_instant, {"params": {"c": {"type": "float", "low": 0.0, "high": 1.0},
                                                                "seconds": {"type": "float", "low": 0.0, "high": 1e-9}}},
                           tasks=["binary"])
    if not args.skip_throughput:
        throughput(args.reps, args.trials)
    for n in (200, 1000):
        print(f"driver overhead, {n} instant trials: local {overhead(n, None):.1f} ms/trial, "
              f"ray 2 workers {overhead(n, 2):.1f} ms/trial")
    if not args.skip_sim:
        simulation(args.sim_workers, 60.0, 1.0)


if __name__ == "__main__":
    main()
