"""The `automl` console script, run for real in subprocesses on CSV files."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
ANSI = re.compile(r"\x1b\[")


def automl_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("automl")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "automl"]


def run(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(automl_cmd() + [str(a) for a in args], capture_output=True, text=True, timeout=300, **kw)


def spawn_search_until(csv: Path, tmp_path: Path, n_trials: int):
    """Start `automl search` on a pseudo-terminal, read it continuously, return once n trials are on disk."""
    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "results"
    cmd = automl_cmd() + ["search", str(csv), "--target", "target", "--time-budget", "120", "--output", str(out),
                          "--include", "linear,knn,decision_tree,naive_bayes"]  # quick families: the test is about Ctrl-C
    # codec_errors: Ctrl-C may cut the live view mid-character; the tests read files and exit codes, not this text
    child = pexpect.spawn(cmd[0], cmd[1:], timeout=120, dimensions=(40, 120), cwd=str(tmp_path), encoding="utf-8",
                          codec_errors="replace")
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:  # keep reading, as a terminal would
        try:
            child.read_nonblocking(65536, timeout=0.5)
        except pexpect.TIMEOUT:
            pass
        found = list(out.glob("*/trials.jsonl"))
        if found and found[0].read_text().count("\n") >= n_trials:
            return pexpect, child, found[0]
    child.close(force=True)
    pytest.fail(f"the search never finished {n_trials} trials")


@pytest.fixture(scope="module")
def csv(tmp_path_factory) -> Path:
    from sklearn.datasets import load_wine

    df = load_wine(as_frame=True).frame
    df["target"] = df["target"].map({0: "barolo", 1: "grignolino", 2: "barbera"})
    path = tmp_path_factory.mktemp("data") / "wine.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def finished_run(csv, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("results")
    no_width = {k: v for k, v in os.environ.items() if k != "COLUMNS"}  # pytest's children get COLUMNS=80
    proc = run("search", csv, "--target", "target", "--trials", 8, "--output", out, "--include", "linear,decision_tree,knn",
               env=no_width)
    assert proc.returncode == 0, proc.stderr
    assert not ANSI.search(proc.stdout + proc.stderr), "piped output must have no ANSI escape codes"
    lines = [l for l in proc.stderr.splitlines() if l.startswith("trial ")]
    assert len(lines) == 8  # one plain line per trial when not on a terminal
    run_dir = next(out.iterdir())
    assert f"run folder: {run_dir}" in proc.stdout and "automl predict" in proc.stdout
    # piped: lines are not cut at 80 columns, so each path stays whole on its line (for grep and CI logs)
    assert f"model: {run_dir / 'model'}   leaderboard: {run_dir / 'leaderboard.csv'}\n" in proc.stdout
    return run_dir


def test_search_leaderboard_predict_round_trip(finished_run, csv, tmp_path):
    board = run("leaderboard", finished_run, "--format", "csv")
    assert board.returncode == 0
    rows = pd.read_csv(io.StringIO(board.stdout))
    assert (rows["trial"] >= 0).sum() == 8 and rows["rank"].tolist() == list(range(1, len(rows) + 1))
    top = json.loads(run("leaderboard", finished_run, "--format", "json", "--top", 3).stdout)
    assert [r["trial"] for r in top] == rows["trial"].head(3).tolist()
    assert all(isinstance(r["params"], dict) for r in top)  # objects, not strings of JSON
    table = run("leaderboard", finished_run)
    assert "log_loss" in table.stdout and rows["family"].iloc[0] in table.stdout

    new = pd.read_csv(csv).drop(columns=["target"]).head(15).reset_index().rename(columns={"index": "row_id"})
    new_path = tmp_path / "new.csv"
    new.to_csv(new_path, index=False)
    pred = run("predict", finished_run, new_path, "--id", "row_id")
    assert pred.returncode == 0, pred.stderr
    got = pd.read_csv(io.StringIO(pred.stdout))
    assert got.columns.tolist() == ["row_id", "prediction"] and got["row_id"].tolist() == list(range(15))
    assert set(got["prediction"]) <= {"barolo", "grignolino", "barbera"}
    out_file = tmp_path / "proba.csv"
    assert run("predict", finished_run, new_path, "--proba", "-o", out_file).returncode == 0
    proba = pd.read_csv(out_file)
    assert proba.columns.tolist() == ["barbera", "barolo", "grignolino"] and len(proba) == 15
    for bad in (tmp_path / "no_such_folder" / "p.csv", tmp_path):  # a folder that does not exist; a folder
        failed = run("predict", finished_run, new_path, "-o", bad)
        assert failed.returncode == 1 and "Traceback" not in failed.stderr
        assert failed.stderr.startswith(f"Error: --output '{bad}'") and len(failed.stderr.strip().splitlines()) == 1
    info = run("info", finished_run)
    assert info.returncode == 0 and "multiclass" in info.stdout and "log_loss" in info.stdout


def test_stdin_csv(csv, tmp_path):
    proc = subprocess.run(automl_cmd() + ["search", "-", "--target", "target", "--trials", "2", "--include", "linear",
                                          "--output", str(tmp_path), "--log-format", "json"],
                          stdin=open(csv), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(l) for l in proc.stderr.splitlines() if l.startswith("{")]
    assert [e["event"] for e in events] == ["trial", "trial"] and events[0]["family"] == "linear"


@pytest.mark.parametrize("args,code,needle", [
    (["search", "missing.csv", "--target", "y"], 1, "not found"),
    (["search", "{csv}", "--target", "targt"], 1, "Did you mean 'target'"),
    (["search", "{csv}", "--target", "target", "--include", "xgbost"], 1, "Did you mean 'xgboost'"),
    (["search", "{csv}", "--target", "target", "--time-budget", "-5"], 1, "--time-budget"),
    (["search", "{csv}", "--target", "target", "--workers", "0"], 2, "--workers: 0 must be 1 or more"),
    (["search", "{csv}", "--target", "target", "--time-budget", "inf"], 1, "set --trials to search without a time limit"),
    (["search", "{csv}", "--target", "target", "--seed", "-1"], 1, "--seed -1 must be an int from 0"),
    (["search", "{csv}", "--target", "target", "--include", "kmeans"], 1,
     "remove them from --include."),
    (["search", "{csv}", "--target", "target", "--output", "{csv}"], 1, "cannot hold run folders"),
    (["leaderboard", "/nonexistent", "--top", "0"], 2, "--top: 0 must be 1 or more"),
    (["search", "{csv}", "--target", "target", "--final-fit", "bagging"], 2, "invalid choice"),
    (["search", "{csv}", "--target", "target", "--task", "clustering"], 1, "takes no target"),
    (["leaderboard", "/nonexistent"], 1, "not a run folder"),
    (["frobnicate"], 2, "invalid choice"),
])
def test_bad_arguments(csv, tmp_path, args, code, needle):
    proc = run(*[a.replace("{csv}", str(csv)) for a in args], cwd=tmp_path)
    assert proc.returncode == code, proc.stderr
    assert needle in proc.stderr
    assert "Traceback" not in proc.stderr
    if code == 1:
        assert len(proc.stderr.strip().splitlines()) == 1


def _damage(run_dir: Path, tmp_path: Path, name: str, how) -> Path:
    import shutil

    copy = tmp_path / "damaged"
    shutil.copytree(run_dir, copy)
    how(copy / name)
    return copy


@pytest.mark.parametrize("command,name,how,needle", [
    ("info", "run.json", lambda p: p.write_text(""), "run.json' cannot be read \\(JSONDecodeError"),
    ("leaderboard", "run.json", lambda p: p.write_text('{"task": "binary"}'), "lacks target, metric, greater_is_better"),
    ("leaderboard", "leaderboard.csv", lambda p: p.write_text(""), "leaderboard of .* cannot be read"),
    ("predict", "model/model.joblib", lambda p: p.unlink(), "cannot be read \\(FileNotFoundError"),
    ("predict", "model/model.joblib", lambda p: p.write_bytes(p.read_bytes()[:100]), "cannot be read \\(UnpicklingError"),
    ("predict", "model/model.json", lambda p: p.write_text('{"format": 99}'), "saved by a newer automl"),
])
def test_a_damaged_run_folder_is_one_line(finished_run, csv, tmp_path, command, name, how, needle):
    run_dir = _damage(finished_run, tmp_path, name, how)
    proc = run(command, run_dir, *([csv] if command == "predict" else []))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert re.search(needle, proc.stderr) and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_a_killed_runs_leaderboard_comes_from_its_trials(finished_run, tmp_path):
    run_dir = _damage(finished_run, tmp_path, "leaderboard.csv", lambda p: p.unlink())  # as after kill -9
    proc = run("leaderboard", run_dir, "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    board = pd.read_csv(io.StringIO(proc.stdout))
    assert len(board) >= 8 and (board["status"] == "complete").any()  # it printed an empty table
    # a resumed session killed after 3 trials: `info` counts them (it listed the finished session alone)
    trials = run_dir / "trials.jsonl"
    last = json.loads(trials.read_text().splitlines()[-1])
    with trials.open("a") as f:
        for i in range(1, 4):
            f.write(json.dumps({**last, "trial": last["trial"] + i}) + "\n")
    shown = " ".join(run("info", run_dir).stdout.split())  # Rich may wrap the line
    assert "8 trials (n_trials 8); 3 trials of a session that did not finish (killed?)" in shown, shown


def test_help_has_examples():
    for cmd in ("search", "predict", "leaderboard", "info"):
        proc = run(cmd, "--help")
        assert proc.returncode == 0 and re.search(r"examples?:\n  automl " + cmd, proc.stdout)


def test_ctrl_c_saves_and_resume_continues(csv, tmp_path):
    pexpect, child, trials = spawn_search_until(csv, tmp_path, 3)
    try:
        child.sendintr()  # Ctrl-C once
        child.expect(pexpect.EOF, timeout=60)
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    run_dir = trials.parent
    assert (run_dir / "model" / "model.joblib").is_file() and (run_dir / "leaderboard.csv").is_file()
    board = pd.read_csv(run_dir / "leaderboard.csv")
    earlier_best = board.loc[(board["trial"] >= 0) & (board["status"] == "complete"), "score"].min()
    proc = run("search", csv, "--target", "target", "--resume", run_dir, "--trials", 3)
    assert proc.returncode == 0, proc.stderr
    after = pd.read_csv(run_dir / "leaderboard.csv")
    assert len(after) >= len(board) + 3 and (after["status"] == "complete").sum() > 0
    # the progress lines' best so far counts the earlier session's trials too (log loss: lower is better)
    bests = [float(l.split("| best ")[1].split()[0]) for l in proc.stderr.splitlines() if l.startswith("trial ")]
    assert len(bests) == 3 and max(bests) <= float(f"{earlier_best:.5g}")
    # `automl info` lists each session with the limits it ran under
    sessions = next(l for l in run("info", run_dir).stdout.splitlines() if l.startswith("sessions"))
    assert "(time_budget 120 s)" in sessions and "(n_trials 3)" in sessions


def test_live_view_redraws_are_bounded():
    from rich.console import Console

    from automl.cli.live import LiveView, SearchState

    console = Console(file=io.StringIO(), width=100, force_terminal=True, color_system=None, record=True)
    state = SearchState(None, None, 3.0, None)
    view = LiveView(state, console)
    with view:
        for i in range(300):  # many fast trials
            view.on_trial({"trial": i, "family": "xgboost" if i % 2 else "linear", "status": "complete",
                           "score": 0.5 + i / 1000, "score_std": 0.01, "fit_time_s": 0.01, "params": {"a": i},
                           "error": None, "metric": "roc_auc", "greater_is_better": True})
            time.sleep(0.005)
    text = console.export_text()
    assert "roc_auc" in text and "xgboost" in text
    elapsed = time.monotonic() - state.t0
    assert view.redraws <= 4 * elapsed + 3  # bounded by the refresh rate, not by the number of trials
    final = Console(width=100, record=True, file=io.StringIO(), color_system=None)
    final.print(view.renderable())
    shown = final.export_text()
    assert "0.799" in shown and "300 complete" in shown  # the best trial (299) ranks first


def test_live_header_after_the_search_says_nothing_is_running():
    from rich.console import Console

    from automl.cli.live import LiveView, SearchState

    def header(state: SearchState) -> str:
        console = Console(width=120, record=True, file=io.StringIO(), color_system=None)
        view = LiveView(state, console)
        for i in range(2):
            view.on_trial({"trial": i, "family": "linear", "status": "complete", "score": 0.5, "score_std": None,
                           "fit_time_s": 0.01, "params": {}, "error": None, "metric": "roc_auc",
                           "greater_is_better": True, "running": 2})
        console.print(view.renderable())
        return console.export_text()

    assert "2 complete, 0 pruned, 0 failed, 0 timed out, 0 running" in header(SearchState(None, None, None, 2))
    assert ", 2 running" in header(SearchState(None, None, None, 5))
    late = SearchState(None, None, 12.0, None)
    late.t0 -= 14.0  # the final fit, past the search's budget: it read "14 s / 12 s, 0 s left ... 2 running"
    shown = header(late)
    assert "fitting the final model" in shown and "0 running" in shown


def test_ctrl_c_twice_exits_at_once_with_finished_trials_on_disk(csv, tmp_path):
    pexpect, child, trials = spawn_search_until(csv, tmp_path, 2)
    try:
        child.sendintr()
        child.sendintr()
        t0 = time.monotonic()
        child.expect(pexpect.EOF, timeout=30)
        quit_s = time.monotonic() - t0
    finally:
        child.close(force=True)
    assert child.exitstatus == 130
    assert quit_s < 20  # at once: no refit (generous for a loaded machine)
    assert len(trials.read_text().splitlines()) >= 2  # finished trials were already on disk


def test_no_ensemble_flag(csv, tmp_path):
    out = tmp_path / "runs"
    proc = run("search", csv, "--target", "target", "--trials", 4, "--output", out, "--include", "linear,decision_tree",
               "--no-ensemble")
    assert proc.returncode == 0, proc.stderr
    board = pd.read_csv(next(out.iterdir()) / "leaderboard.csv")
    assert len(board) == 4 and "ensemble" not in set(board["family"])


def test_final_fit_flag(csv, tmp_path):
    out = tmp_path / "runs"
    proc = run("search", csv, "--target", "target", "--trials", 3, "--output", out, "--include", "linear",
               "--final-fit", "bag")
    assert proc.returncode == 0, proc.stderr
    assert "final fit: bag" in " ".join(proc.stdout.split())  # rich wraps at 80 columns when piped
    assert json.loads((next(out.iterdir()) / "run.json").read_text())["final_fit"] == "bag"


def test_search_without_target_clusters_the_rows(csv, tmp_path):
    features = tmp_path / "measurements.csv"
    pd.read_csv(csv).drop(columns=["target"]).to_csv(features, index=False)
    out = tmp_path / "runs"
    proc = run("search", features, "--trials", 6, "--output", out)
    assert proc.returncode == 0, proc.stderr
    assert "silhouette" in proc.stdout and "CV silhouette" not in proc.stdout  # no folds in a clustering
    run_dir = next(out.iterdir())
    pred = run("predict", run_dir, features)
    assert pred.returncode == 0, pred.stderr
    labels = pd.read_csv(io.StringIO(pred.stdout))["prediction"]
    assert len(labels) == 178 and labels.dtype.kind == "i" and labels.nunique() >= 2
    proba = run("predict", run_dir, features, "--proba")
    assert proba.returncode == 1 and "Drop --proba" in proba.stderr and "Traceback" not in proba.stderr
    assert "clustering" in run("info", run_dir).stdout


def test_json_log_format_writes_only_json_lines(csv, tmp_path):
    df = pd.read_csv(csv)
    df["target"] = df["target"].replace({"barolo": "Barolo "}).where(df.index % 2 == 0, df["target"])  # warns
    path = tmp_path / "variants.csv"
    df.to_csv(path, index=False)
    proc = run("search", path, "--target", "target", "--trials", 2, "--include", "linear", "--output", tmp_path,
               "--log-format", "json")
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(line) for line in proc.stderr.splitlines() if line.strip()]  # a plain line fails here
    assert [e for e in events if e["event"] == "log" and "differ only in case" in e["message"]]
    assert sum(e["event"] == "trial" for e in events) == 2
