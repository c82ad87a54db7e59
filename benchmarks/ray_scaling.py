"""Parallel search on Ray: throughput at 1 and 2 workers, driver overhead per trial, a 64-worker simulation.

    python benchmarks/ray_scaling.py [--reps 3] [--trials 30] [--skip-sim]

Run it alone on the machine. Figures are medians of --reps runs.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time

import numpy as np
import pandas as pd
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


DRIVER_PARTS = (  # (label, file suffix, function): cumulative time inside the driver process
    ("Optuna TPE sampling (ask + suggest)", "search/sampling.py", "suggest"),
    ("Optuna journal writes, all", "journal/_file.py", "append_logs"),
    ("driver.finish (tell, trials.jsonl, leaderboard, OOF)", "search/driver.py", "finish"),
    ("submitting Ray tasks (.remote)", "ray/remote_function.py", "_remote"),
    ("draining fold reports (mailbox)", "search/ray_backend.py", "_answer_reports"),
    ("collecting results (ray.get)", "search/ray_backend.py", "_result"),
    ("waiting for results (ray.wait)", "ray/_private/worker.py", "wait"),
)


def _where_driver_time_goes(profile: cProfile.Profile, wall: float, trials: int) -> None:
    stats = pstats.Stats(profile).stats  # {(file, line, func): (cc, nc, tt, ct, callers)}
    print(f"  where the driver's time goes ({trials} trials, {wall:.1f} s):")
    for label, suffix, func in DRIVER_PARTS:
        ct = sum(v[3] for k, v in stats.items() if k[0].endswith(suffix) and k[2] == func)
        print(f"    {label:55s} {ct:6.1f} s  {1e3 * ct / max(trials, 1):6.1f} ms/trial")


def _prewarm(ray, workers: int) -> None:
    """Start every Ray worker process before the clock runs: on 2 real cores, 64 Python workers
    importing sklearn/pandas take tens of seconds, which is start-up cost, not search throughput."""

    @ray.remote(num_cpus=1)
    def warm():
        import automl.evaluation.evaluate  # noqa: F401  (what a trial imports)

        time.sleep(5.0)  # long enough that a round needs every worker at once
        return os.getpid()

    give_up = time.monotonic() + 600  # after a run's force-cancels, Ray restarts the killed workers ~2 at a time
    while time.monotonic() < give_up:  # until one round ran on `workers` distinct processes (all started)
        if len(set(ray.get([warm.remote() for _ in range(workers)]))) == workers:
            return
    raise RuntimeError(f"could not get {workers} Ray worker processes running at once in 10 minutes")


def simulation(workers: int, budget: float, seconds: float) -> None:
    """Trials that sleep ``seconds`` on ``workers`` logical CPUs: completed / ideal."""
    import ray

    from automl.search.ray_backend import RayBackend

    df = data().head(200)
    space = {"params": {"seconds": {"type": "float", "low": seconds / 2, "high": seconds / 2 + 1e-9},
                        "c": {"type": "float", "low": 0.0, "high": 1.0}}}
    automl.register_family("sleep1", make_instant, space, tasks=["binary"], replace=True)
    for profiled in (False, True):
        # a fresh Ray per pass: the end of a pass force-cancels running tasks, which kills their workers, and
        # Ray restarts 64 of them too slowly to pre-warm again
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        try:
            t = time.perf_counter()
            _prewarm(ray, workers)
            print(f"simulation: {workers} Ray worker processes started and warm (automl imported) in "
                  f"{time.perf_counter() - t:.1f} s")
            profile = cProfile.Profile() if profiled else None
            with tempfile.TemporaryDirectory() as tmp:
                t = time.perf_counter()
                if profile:
                    profile.enable()
                res = automl.fit(df, "target", time_budget=budget, include=["sleep1"], output_dir=tmp, cv=2,
                                 trial_timeout=budget / 2, backend=RayBackend(workers=workers, address="auto"))
                if profile:
                    profile.disable()
                wall = time.perf_counter() - t
        finally:
            ray.shutdown()
        b = res.leaderboard.query("trial >= 0")  # trials only, not the ensemble row
        done = int((b["status"] == "complete").sum())
        span = (pd.Timestamp(max(b["finished_at"])) - pd.Timestamp(min(b["started_at"]))).total_seconds()
        ideal = workers * span / seconds
        print(f"simulation{' (profiled)' if profiled else ''}: {workers} workers, {seconds:g} s trials, budget "
              f"{budget:g} s: {done} completed in a {span:.1f} s trial span (fit wall {wall:.1f} s); ideal "
              f"{ideal:.0f} -> efficiency {done / ideal:.0%}, {done / span:.1f} trials/s")
        if profile:
            _where_driver_time_goes(profile, wall, len(b))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--skip-sim", action="store_true")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-overhead", action="store_true")
    ap.add_argument("--sim-workers", type=int, default=64)
    args = ap.parse_args()
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    automl.register_family("instant", make_instant, {"params": {"c": {"type": "float", "low": 0.0, "high": 1.0},
                                                                "seconds": {"type": "float", "low": 0.0, "high": 1e-9}}},
                           tasks=["binary"])
    if not args.skip_throughput:
        throughput(args.reps, args.trials)
    for n in () if args.skip_overhead else (200, 1000):
        print(f"driver overhead, {n} instant trials: local {overhead(n, None):.1f} ms/trial, "
              f"ray 2 workers {overhead(n, 2):.1f} ms/trial")
    if not args.skip_sim:
        simulation(args.sim_workers, 60.0, 1.0)


if __name__ == "__main__":
    main()
