"""automl on table shapes the public suite does not have: a million rows, 300,000 x 200, 500 x 20,000,
text dates in two formats, 200 classes. Prints, per case: the fit's wall time against its limit
(budget x 1.1 + 2 s), trials complete/stopped, the exported family and final fit, a score on fresh rows
drawn from the same generator (20,000, or as many as the fit's rows), and the driver's peak memory by the
end of the fit (the table included). Each fit runs in its own process.

    .venv/bin/python benchmarks/large_tables.py                   # every case, ~9 min
    .venv/bin/python benchmarks/large_tables.py --cases big_bin_10,wide
    PYTHONPATH=<worktree of another commit> .venv/bin/python benchmarks/large_tables.py --out before.jsonl

Run it alone on the machine: these budgets are tight, and another process's load changes them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_FRESH = 20_000  # rows the score is measured on (never seen by the fit); as many as the fit's, if fewer

# case -> (generator, rows, budget)
CASES = {
    "big_bin_10": ("big_bin", 1_000_000, 10),
    "big_bin_20": ("big_bin", 1_000_000, 20),
    "big_bin_60": ("big_bin", 1_000_000, 60),
    "tall_mixed_60": ("tall_mixed", 300_000, 60),
    "dates_45": ("dates", 1_000_000, 45),
    "wide_60": ("wide", 500, 60),
    "classes200_60": ("classes200", 20_000, 60),
}


def make_table(kind: str, n: int, seed: int = 0):
    """A table of ``n`` rows (plus N_FRESH fresh ones) and its target column's name."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    m = n + min(N_FRESH, n)
    if kind == "big_bin":
        X = rng.standard_normal((m, 10))
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(10)])
        signal = X[:, 0] + 0.5 * X[:, 1] * X[:, 2] + np.sin(X[:, 3]) + 0.3 * X[:, 4] ** 2
        df["y"] = (signal + rng.standard_normal(m) > 0.5).astype(int)
    elif kind == "tall_mixed":
        X = rng.standard_normal((m, 190))
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(190)])
        for j, k in enumerate([3, 5, 10, 20, 50, 100, 8, 4, 30, 200]):
            df[f"c{j}"] = pd.Series([f"L{j}_{v}" for v in rng.integers(0, k, m)], dtype="str")
        signal = X[:, 0] - X[:, 1] + X[:, 2] * X[:, 3] + (df["c0"] == "L0_1").to_numpy()
        df["y"] = (signal + rng.standard_normal(m) > 0).astype(int)
    elif kind == "dates":
        when = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3000 * 86400, m), unit="s")
        X = rng.standard_normal((m, 5))
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
        iso, us = when.strftime("%Y-%m-%d %H:%M:%S"), when.strftime("%m/%d/%Y %H:%M")
        df["when"] = pd.Series(np.where(rng.random(m) < 0.5, iso, us), dtype="str")
        df["y"] = (X[:, 0] + 0.5 * (when.month.to_numpy() > 6) + rng.standard_normal(m) > 0).astype(int)
    elif kind == "wide":
        X = rng.standard_normal((m, 20_000))
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(20_000)])
        df["y"] = (X[:, :10] @ rng.standard_normal(10) + rng.standard_normal(m) > 0).astype(int)
    elif kind == "classes200":
        centers = rng.standard_normal((200, 20)) * 2
        label = rng.integers(0, 200, m)
        df = pd.DataFrame(centers[label] + rng.standard_normal((m, 20)), columns=[f"x{i}" for i in range(20)])
        df["y"] = pd.Series([f"k{v}" for v in label], dtype="str")
    else:
        raise ValueError(kind)
    return df, "y"


def run_case(name: str, out_dir: str) -> dict:
    """One fit (in this process); its figures."""
    import numpy as np
    from sklearn.metrics import log_loss, roc_auc_score

    import automl

    kind, n, budget = CASES[name]
    df, target = make_table(kind, n)
    fit_rows, fresh = df.iloc[:n], df.iloc[n:]
    row = {"case": name, "rows": n, "columns": df.shape[1] - 1, "budget": budget, "limit": round(budget * 1.1 + 2, 1),
           "load1": round(os.getloadavg()[0], 2), "commit": _commit()}
    t0 = time.monotonic()
    try:
        res = automl.fit(fit_rows, target, time_budget=budget, output_dir=out_dir, seed=0)
    except automl.AutoMLError as exc:
        row.update(wall=round(time.monotonic() - t0, 1), error=f"{type(exc).__name__}: {str(exc)[:120]}")
    else:
        row["wall"] = round(time.monotonic() - t0, 1)
        row["fit_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)  # before scoring
        board = res.leaderboard[res.leaderboard["trial"] >= 0]
        row.update(complete=int((board["status"] == "complete").sum()), stopped=int((board["status"] == "timeout").sum()),
                   exported=res.best_params.get("family"), final_fit=res.final_fit)
        X_new, y_new = fresh.drop(columns=target), fresh[target].to_numpy()
        if res.task == "binary":
            row["score"] = ("roc_auc", round(roc_auc_score(y_new, res.predict_proba(X_new)[:, 1]), 4))
        else:
            row["score"] = ("log_loss", round(log_loss(y_new, np.clip(res.predict_proba(X_new), 1e-15, 1), labels=res.classes_), 4))
        shutil.rmtree(res.run_dir, ignore_errors=True)  # a million rows' folder is large
    row["over"] = row["wall"] > row["limit"]
    row.setdefault("fit_rss_gb", round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2))
    return row


def _commit() -> str:
    import automl

    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True,
                              cwd=Path(automl.__file__).parent).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def report(rows: list[dict]) -> None:
    print(f"{'case':<15}{'commit':>9}{'load':>6}{'wall':>7}{'limit':>7}  {'over':<5}{'c/s':>6}  {'exported':<24}"
          f"{'score on fresh rows':<22}{'RSS GB':>7}  error")  # RSS: the driver's peak by the fit's end
    for r in rows:
        score = f"{r['score'][0]} {r['score'][1]}" if "score" in r else ""
        exported = f"{r.get('exported', '')} ({r.get('final_fit', '')})" if "exported" in r else ""
        trials = f"{r['complete']}/{r['stopped']}" if "complete" in r else ""
        print(f"{r['case']:<15}{r['commit']:>9}{r['load1']:>6}{r['wall']:>7}{r['limit']:>7}  {str(r['over']):<5}"
              f"{trials:>6}  {exported:<24}{score:<22}{r.get('fit_rss_gb', r.get('peak_rss_gb', '')):>7}  {r.get('error', '')}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of: {', '.join(CASES)}")
    p.add_argument("--out", default="benchmarks/out/large_tables.jsonl")
    p.add_argument("--report", action="store_true", help="reprint the table of --out")
    p.add_argument("--one", help=argparse.SUPPRESS)  # run one case in this process (the child)
    args = p.parse_args()
    if args.one:
        print("RESULT " + json.dumps(run_case(args.one, "/tmp/automl-large-tables")), flush=True)
        return
    out = Path(args.out)
    if not args.report:
        out.parent.mkdir(parents=True, exist_ok=True)
        for name in args.cases.split(","):
            # from a neutral folder: a commit older than launch.py's _HOME started its workers with `python -m`,
            # which imports the automl of the working directory (PYTHONPATH=<worktree> from here measured a mix)
            proc = subprocess.run([sys.executable, __file__, "--one", name], capture_output=True, text=True, timeout=900,
                                  cwd=tempfile.gettempdir())
            lines = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
            row = json.loads(lines[-1][7:]) if lines else {"case": name, "error": proc.stderr.strip()[-300:]}
            with out.open("a") as fh:
                fh.write(json.dumps(row) + "\n")
            report([row]) if "wall" in row else print(name, row["error"])
    report([json.loads(line) for line in out.read_text().splitlines() if '"wall"' in line])


if __name__ == "__main__":
    main()
