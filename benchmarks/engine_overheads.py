"""Print the engine's own costs: import time, worker-process isolation, driver per trial, threads, ensemble selection.

    python benchmarks/engine_overheads.py [--reps 5]

Run it alone on the machine: figures are medians of repeated runs. ``--threads-only`` times only the
1-vs-2-thread fits, e.g. inside the 1-CPU cgroup ``revision_choice.py --cpu-quota 1`` makes (as root):

    sh -c 'echo $$ > /sys/fs/cgroup/cpu/automl-quota-1/tasks && exec python benchmarks/engine_overheads.py --threads-only'
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import subprocess
import sys
import tempfile
import time


def import_time(reps: int) -> float:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import automl"], check=True)
        times.append(time.perf_counter() - t)
    base = []
    for _ in range(reps):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        base.append(time.perf_counter() - t)
    return statistics.median(times), statistics.median(base)


def _tiny_data():
    from sklearn.datasets import load_breast_cancer

    from automl.data.profile import profile_columns
    from automl.evaluation.evaluate import EvalData
    from automl.evaluation.metrics import get_metric
    from automl.evaluation.splits import make_folds
    from automl.preprocess import TableCleaner

    X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    prof = profile_columns(X)
    y = y.to_numpy()
    return EvalData(TableCleaner(prof).fit(X).transform(X), y, make_folds(y, True, 5, 0), "binary", 2, prof,
                    get_metric(None, "binary"), y_raw=pd_series(y))


def pd_series(y):
    import pandas as pd

    return pd.Series(y)


def isolation(reps: int, zygote: bool) -> dict:
    """Trial round trips and worker starts, with workers forked by the zygote or fresh interpreters
    (automl/search/launch.py). The zygote's first start pays its imports; a later fit's is warm."""
    from automl.evaluation.evaluate import TrialSpec, evaluate
    from automl.families.registry import get_family
    from automl.search import launch
    from automl.search.worker import WorkerProcess

    supported = launch._zygote_supported
    if not zygote:
        launch._zygote_supported = lambda: False
    try:
        data = _tiny_data()
        spec = TrialSpec(0, get_family("naive_bayes"), {"variant": "gaussian", "var_smoothing": 1e-9})
        inproc = []
        for _ in range(reps * 10):
            t = time.perf_counter()
            evaluate(data, spec)
            inproc.append(time.perf_counter() - t)

        def first_trial(worker) -> float:
            t = time.perf_counter()
            worker.start()
            worker.evaluate(spec, time.monotonic() + 60, lambda s, v: False)
            return time.perf_counter() - t

        worker = WorkerProcess(pickle.dumps(data), 2)
        first = first_trial(worker)
        viaworker = []
        for _ in range(reps * 10):
            t = time.perf_counter()
            worker.evaluate(spec, time.monotonic() + 60, lambda s, v: False)
            viaworker.append(time.perf_counter() - t)
        restarts = []
        for _ in range(reps):
            t = time.perf_counter()
            worker.restart()
            worker.evaluate(spec, time.monotonic() + 60, lambda s, v: False)
            restarts.append(time.perf_counter() - t - statistics.median(viaworker))
        worker.close()
        later = WorkerProcess(pickle.dumps(data), 2)  # the next fit in the same process
        second = first_trial(later)
        later.close()
    finally:
        launch._zygote_supported = supported
    return {"trial_in_process_ms": 1e3 * statistics.median(inproc), "trial_via_worker_ms": 1e3 * statistics.median(viaworker),
            "first_trial_incl_start_s": first, "restart_s": statistics.median(restarts),
            "next_fit_first_trial_s": second}


def driver_overhead(n_trials: int) -> dict:
    import automl

    from sklearn.datasets import load_breast_cancer

    df = load_breast_cancer(as_frame=True).frame.head(200)
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = automl.fit(df, "target", n_trials=n_trials, include=["naive_bayes"], output_dir=tmp, cv=2)
        wall = time.perf_counter() - t
    b = res.leaderboard
    work = (b["fit_time_s"] + b["predict_time_s"]).sum()
    return {"trials": len(b), "wall_s": wall, "model_work_s": work, "overhead_ms_per_trial": 1e3 * (wall - work) / len(b)}


def threads(reps: int) -> list[tuple]:
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
    from threadpoolctl import threadpool_limits
    from xgboost import XGBClassifier

    X, y = make_classification(n_samples=20_000, n_features=30, random_state=0)
    rows = []
    for name, make in (("xgboost 200 trees", lambda n: XGBClassifier(n_estimators=200, n_jobs=n)),
                       ("hist_gradient_boosting 200 iters", lambda n: HistGradientBoostingClassifier(max_iter=200, early_stopping=False)),
                       ("random_forest 100 trees", lambda n: RandomForestClassifier(100, n_jobs=n))):
        t_by_n = {}
        for n in (1, 2):
            times = []
            for _ in range(reps):
                with threadpool_limits(n):
                    t = time.perf_counter()
                    make(n).fit(X, y)
                    times.append(time.perf_counter() - t)
            t_by_n[n] = float(np.median(times))
        rows.append((name, t_by_n[1], t_by_n[2], t_by_n[1] / t_by_n[2]))
    return rows


def print_threads(reps: int) -> None:
    from automl.search.cores import cgroup_cpu_quota

    quota = cgroup_cpu_quota()
    print(f"threads (20k x 30, median of reps; {'no CPU quota' if quota is None else f'a {quota:g}-CPU cgroup quota'}):")
    for name, t1, t2, speedup in threads(reps):
        print(f"  {name:34s} 1 thread {t1:6.2f} s   2 threads {t2:6.2f} s   speed-up {speedup:.2f}x")


def _sklearn_metric(name: str):
    """The metric as scikit-learn computes it (what automl's metrics did before 2026-11-30)."""
    import dataclasses

    import numpy as np
    from sklearn.metrics import log_loss, roc_auc_score

    from automl.evaluation.metrics import get_metric

    def ll(y, p):
        p = np.clip(p, 1e-15, 1)
        return log_loss(y, p / p.sum(axis=1, keepdims=True), labels=np.arange(p.shape[1]))

    fn = {"roc_auc": lambda y, p: roc_auc_score(y, p[:, 1]), "log_loss": ll}[name]
    return dataclasses.replace(get_metric(name, "binary"), fn=fn)


def ensemble_selection() -> list[tuple]:
    """Seconds for select_honestly (no deadline) over 20 candidates' OOF predictions, 5 folds."""
    import numpy as np

    from automl.ensemble import select_honestly
    from automl.evaluation.metrics import get_metric

    rows = []
    for name, k in (("roc_auc", 2), ("log_loss", 7)):
        for n in (1_500, 10_000, 36_000):
            rng = np.random.default_rng(0)
            y = rng.integers(0, k, n)
            signal = np.eye(k)[y]
            preds = [rng.dirichlet(np.ones(k), n) * 0.5 + signal * rng.uniform(0.1, 0.5) for _ in range(20)]
            preds = [p / p.sum(axis=1, keepdims=True) for p in preds]
            fold_id = rng.permutation(n) % 5
            times = {}
            for label, metric in (("automl", get_metric(name, "binary")), ("sklearn", _sklearn_metric(name))):
                t = time.perf_counter()
                sel = select_honestly(preds, y, fold_id, metric)
                times[label] = (time.perf_counter() - t, int((sel.weights > 0).sum()))
            rows.append((name, n, times["automl"], times["sklearn"]))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--threads-only", action="store_true",
                    help="only the 1-vs-2-thread fit times (e.g. inside a cgroup with a CPU quota)")
    args = ap.parse_args()
    if args.threads_only:
        return print_threads(args.reps)
    from automl.search import launch

    imp, base = import_time(args.reps)
    print(f"import automl: {imp * 1e3:.0f} ms wall per interpreter (bare interpreter {base * 1e3:.0f} ms) -> automl adds {1e3 * (imp - base):.0f} ms")
    for label, zygote in (("fresh interpreter", False), ("forked by the zygote", True)):
        if zygote and not launch._zygote_supported():
            print(f"isolation, workers {label}: not on this platform (Linux only)")
            continue
        iso = isolation(args.reps, zygote)
        print(f"isolation, workers {label}: one tiny trial in process {iso['trial_in_process_ms']:.1f} ms, via warm worker "
              f"{iso['trial_via_worker_ms']:.1f} ms -> {iso['trial_via_worker_ms'] - iso['trial_in_process_ms']:.1f} ms per trial; "
              f"worker start + first trial {iso['first_trial_incl_start_s']:.2f} s (the next fit's: "
              f"{iso['next_fit_first_trial_s']:.2f} s); replacing a killed worker {iso['restart_s']:.2f} s")
    for n in (200, 1000):
        d = driver_overhead(n)
        print(f"driver: {d['trials']} trials in {d['wall_s']:.1f} s, model work {d['model_work_s']:.1f} s -> "
              f"{d['overhead_ms_per_trial']:.1f} ms per trial (Optuna ask/tell + journal + records + IPC + startup/refit amortised)")
    print_threads(args.reps)
    print("ensemble selection (select_honestly, 20 candidates, 5 folds, no deadline): automl's metrics vs scikit-learn's")
    for name, n, (t_ours, m_ours), (t_sk, m_sk) in ensemble_selection():
        print(f"  {name:8s} {n:6d} rows   automl {t_ours:6.2f} s ({m_ours} members)   sklearn {t_sk:6.2f} s ({m_sk} members)"
              f"   {t_sk / t_ours:4.1f}x")


if __name__ == "__main__":
    main()
