"""Trial isolation: failing and hanging trials are recorded and the search goes on; resume after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

import automl
from tests.families_for_tests import RAISING_SPACE, SLEEPER_SPACE, make_coin, make_raising, make_sleeper

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def worker_processes(root: int | None = None) -> list:
    """The trial workers under process ``root`` (default: this one): fresh ``automl.search._child``
    interpreters, or processes forked by the zygote (same command line as the zygote, whose child they are)."""
    import psutil

    found = []
    for p in psutil.Process(root).children(recursive=True):
        try:
            cmd = " ".join(p.cmdline())
            if "automl.search._child" in cmd or ("automl.search._zygote" in cmd
                                                 and "automl.search._zygote" in " ".join(p.parent().cmdline())):
                found.append(p)
        except psutil.Error:
            continue
    return found


@pytest.fixture
def bad_families():
    automl.register_family("always_raises", make_raising, RAISING_SPACE, tasks=["binary", "multiclass"])
    automl.register_family("sleeper", make_sleeper, SLEEPER_SPACE, tasks=["binary", "multiclass"])
    yield
    automl.unregister_family("always_raises")
    automl.unregister_family("sleeper")


def test_failing_family_is_recorded_and_search_goes_on(breast_cancer, out_dir, bad_families):
    res = automl.fit(breast_cancer, "target", n_trials=6, output_dir=out_dir, include=["always_raises", "linear"],
                     ensemble=False)
    board = res.leaderboard
    failed = board[board["family"] == "always_raises"]
    assert len(failed) >= 1 and (failed["status"] == "failed").all()
    assert failed["error"].str.contains("RuntimeError: this family always fails").all()
    assert res.best_params["family"] == "linear"
    assert board.iloc[0]["status"] == "complete"  # failed trials rank last
    assert (board["status"] == "failed").to_numpy().argmax() > (board["status"] == "complete").sum() - 1


def test_a_search_whose_trials_all_fail_alike_stops_and_quotes_the_error(breast_cancer, out_dir, bad_families):
    from automl.search.driver import FAILING_ALIKE

    with pytest.raises(automl.SearchError, match=rf"The first {FAILING_ALIKE} trials all failed with the same error, so"
                       r" the search stopped early: RuntimeError: this family always fails.*resume from") as err:
        automl.fit(breast_cancer, "target", time_budget=120, output_dir=out_dir, include=["always_raises"])
    run_dir = next(out_dir.iterdir())
    assert len(pd.read_csv(run_dir / "leaderboard.csv")) == FAILING_ALIKE  # the rest of the 120 s is not spent
    assert str(run_dir) in str(err.value)


def test_sleeping_family_times_out_and_fit_keeps_its_budget(breast_cancer, out_dir, bad_families):
    budget = 15
    t0 = time.monotonic()
    res = automl.fit(breast_cancer, "target", time_budget=budget, trial_timeout=3, output_dir=out_dir,
                     include=["sleeper", "linear"], ensemble=False)
    wall = time.monotonic() - t0
    board = res.leaderboard
    slept = board[board["family"] == "sleeper"]
    assert len(slept) >= 1 and (slept["status"] == "timeout").all()
    assert slept["error"].str.contains("TimeoutError: stopped at").all()
    assert slept["error"].str.contains(r"trial time limit \(3 s\)").sum() >= 1
    assert res.best_params["family"] == "linear"
    # the trials sleep 500+ s; fit must still return near its budget (exact figures are in the benchmark)
    assert wall < budget * 1.1 + 2 + 10


def test_trial_that_cannot_finish_in_time_is_stopped_after_its_second_fold(breast_cancer, out_dir):
    """5 folds of ~1.5 s each cannot finish within a 6 s trial limit: the second fold's time says so, and
    the trial is stopped there with its two folds recorded (killed at 6 s, it would keep none)."""
    space = {"params": {"seconds": {"type": "float", "low": 1.5, "high": 1.51}}, "default": {"seconds": 1.5}}
    automl.register_family("slow_folds", make_coin, space, tasks=["binary", "multiclass"])
    try:
        res = automl.fit(breast_cancer, "target", n_trials=3, trial_timeout=6, cv=5, output_dir=out_dir,
                         include=["slow_folds", "linear"], ensemble=False)
    finally:
        automl.unregister_family("slow_folds")
    slow = [r for r in res.run_dir.joinpath("trials.jsonl").read_text().splitlines() if '"slow_folds"' in r]
    records = [json.loads(r) for r in slow]
    assert records and all(r["status"] == "timeout" for r in records)
    for r in records:
        assert r["error"].startswith("TimeoutError: stopped after fold 2 of 5"), r["error"]
        assert r["error"].endswith("the rest would run past the trial time limit (6 s)")
        assert len(r["fold_scores"]) == 2
    assert res.best_params["family"] == "linear"


def test_worker_killed_mid_trial_is_recorded_as_failed(breast_cancer, out_dir, bad_families):
    """SIGKILL of the worker process (as the OOM killer does) fails that trial only."""
    seen = []

    def kill_worker_once(record):
        seen.append(record)

    killer_done = []

    def killer():
        # wait for the sleeper trial to start, then kill the worker process running it
        import psutil

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not killer_done:
            for p in worker_processes():
                try:
                    time.sleep(4)
                    p.send_signal(signal.SIGKILL)
                    killer_done.append(p.pid)
                    return
                except psutil.Error:
                    continue
            time.sleep(0.2)

    import threading

    t = threading.Thread(target=killer, daemon=True)
    t.start()
    res = automl.fit(breast_cancer, "target", n_trials=3, trial_timeout=10, output_dir=out_dir,
                     include=["sleeper", "linear"], on_trial=kill_worker_once)
    t.join(timeout=1)
    assert killer_done
    died = res.leaderboard[res.leaderboard["error"].fillna("").str.contains("WorkerDied")]
    assert len(died) == 1 and died.iloc[0]["status"] == "failed" and "SIGKILL" in died.iloc[0]["error"]
    assert (res.leaderboard["status"] == "complete").any()


def test_resume_after_sigkill(tmp_path):
    """A search process killed mid-trial: finished trials kept, the orphan marked failed, more trials after."""
    csv = tmp_path / "data.csv"
    from sklearn.datasets import load_breast_cancer

    load_breast_cancer(as_frame=True).frame.to_csv(csv, index=False)
    out = tmp_path / "results"
    script = textwrap.dedent(f"""
        import automl
        from tests.families_for_tests import make_sleeper, SLEEPER_SPACE
        automl.register_family("sleeper", make_sleeper, SLEEPER_SPACE, tasks=["binary"])
        # the portfolio runs linear first, then the sleeper hangs: the kill lands mid-trial
        automl.fit({str(csv)!r}, "target", n_trials=50, trial_timeout=300, output_dir={str(out)!r},
                   include=["linear", "sleeper"])
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, start_new_session=True)
    try:
        trials = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            runs = list(out.glob("*/trials.jsonl"))
            if runs and runs[0].read_text().count("\n") >= 1:
                trials = runs[0]
                break
            time.sleep(0.2)
        assert trials is not None, "the search never finished a trial"
        time.sleep(2)  # the sleeper trial is running now
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and its worker, as a crash would
        proc.wait()
    run_dir = trials.parent
    before = [json.loads(line) for line in trials.read_text().splitlines()]
    assert [r["status"] for r in before] == ["complete"]

    automl.register_family("sleeper", make_sleeper, SLEEPER_SPACE, tasks=["binary"], replace=True)
    try:
        df = pd.read_csv(csv)
        res = automl.fit(df, "target", n_trials=3, trial_timeout=5, resume=run_dir)
    finally:
        automl.unregister_family("sleeper")
    assert res.run_dir == run_dir
    board = res.leaderboard
    assert before[0]["trial"] in board["trial"].tolist()  # finished trial kept, not redone
    orphan = board[board["trial"] == 1].iloc[0]
    assert orphan["status"] == "failed" and "Orphaned" in orphan["error"]
    assert (board["trial"] >= 0).sum() == 2 + 3  # the kept trial, the orphan, and three new ones
    assert board["trial"].max() == 4


def test_worker_exits_when_the_search_process_is_killed(tmp_path):
    import psutil

    script = textwrap.dedent(f"""
        import automl
        from sklearn.datasets import load_breast_cancer
        from tests.families_for_tests import make_sleeper, SLEEPER_SPACE
        automl.register_family("sleeper", make_sleeper, SLEEPER_SPACE, tasks=["binary"])
        automl.fit(load_breast_cancer(as_frame=True).frame, "target", n_trials=3, include=["sleeper"],
                   output_dir={str(tmp_path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        workers = []
        while time.monotonic() < deadline and not workers:
            workers = worker_processes(proc.pid)
            time.sleep(0.2)
        assert workers, "no worker process started"
        time.sleep(3)  # the worker is inside the sleeping fit now
        children = psutil.Process(proc.pid).children(recursive=True)  # the worker, and the zygote on Linux
    finally:
        proc.kill()  # SIGKILL to the driver only; its worker (and zygote) must notice and exit
        proc.wait()
    gone, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"outlived the search process: {alive}"


def test_family_defined_in_a_script_main(tmp_path):
    """A family whose estimator class lives in the user's __main__ trains, refits and saves."""
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(f"""
        import numpy as np
        from sklearn.base import BaseEstimator, ClassifierMixin
        from sklearn.datasets import load_breast_cancer
        import automl

        class Prior(ClassifierMixin, BaseEstimator):
            def __init__(self, smooth=1.0):
                self.smooth = smooth
            def fit(self, X, y):
                self.classes_, counts = np.unique(y, return_counts=True)
                self.p_ = (counts + self.smooth) / (counts.sum() + self.smooth * len(counts))
                return self
            def predict_proba(self, X):
                return np.tile(self.p_, (len(X), 1))

        def make_prior(params, ctx):
            return Prior(**params)

        if __name__ == "__main__":
            automl.register_family("prior", make_prior, {{"params": {{"smooth": {{"type": "float", "low": 0.1, "high": 2}}}}}})
            res = automl.fit(load_breast_cancer(as_frame=True).frame, "target", n_trials=3, include=["prior"],
                             output_dir={str(tmp_path / "out")!r})
            print("best", res.best_params["family"], res.predict_proba(load_breast_cancer(as_frame=True).frame.head(2)).shape)
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "best prior (2, 2)" in out.stdout
