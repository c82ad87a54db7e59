"""automl side by side with FLAML, AutoGluon and plain baselines under the fixed protocol of ../shared/datasets.

    bash benchmarks/peers/install.sh                         # once: the peers' own virtualenvs
    .venv/bin/python benchmarks/compare.py --budget 60       # every system x every dataset, then the report
    .venv/bin/python benchmarks/compare.py --report          # reprint the report from the results file
    .venv/bin/python benchmarks/compare.py --systems automl_cb  # also: automl with the opt-in CatBoost family

Each (system, dataset) runs benchmarks/compare_one.py in the system's own environment, in its own process
group, killed after budget x 1.5 + 120 s. One JSON line per run is appended to --out as soon as it ends, so an
interrupted benchmark resumes where it stopped (runs already in the file for the same budget and seed are skipped;
--force reruns them). Datasets are taken in manifest order and all systems of a dataset run before the next one.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from paired_bootstrap import clearly_worse

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"
OUT = ROOT / "benchmarks" / "out" / "compare.jsonl"
ENVS = Path(os.environ.get("AUTOML_PEER_ENVS", ROOT / "benchmarks" / "out" / "envs"))
SYSTEMS = ["automl", "flaml", "autogluon", "xgboost", "hgb", "constant"]
OPTIONAL_SYSTEMS = ["automl_cb"]  # run only when named in --systems: automl with the opt-in CatBoost family
PEERS = ["flaml", "autogluon", "xgboost", "hgb"]
LOWER_IS_BETTER = {"log_loss", "rmse"}


def python_for(system: str) -> Path:
    if system in ("flaml", "autogluon"):
        exe = ENVS / system / "bin" / "python"
        if not exe.exists():
            raise SystemExit(f"{system} is not installed: run `bash benchmarks/peers/install.sh {system}`.")
        return exe
    return Path(sys.executable)  # automl and the baselines use this project's environment


def pred_file(out: Path, system: str, dataset: str, budget: float, seed: int) -> Path:
    """Where a run's test predictions are saved (beside --out), for the paired bootstrap."""
    return out.parent / f"{out.stem}_preds" / f"{system}_{dataset}_b{budget:g}_s{seed}.npy"


def run_one(system: str, dataset: str, budget: float, seed: int, data_dir: Path, out: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        cmd = [str(python_for(system)), str(ROOT / "benchmarks" / "compare_one.py"), "--system", system,
               "--dataset", dataset, "--budget", str(budget), "--seed", str(seed), "--data-dir", str(data_dir),
               "--result", str(result), "--pred-out", str(pred_file(out, system, dataset, budget, seed))]
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp,
                                start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=budget * 1.5 + 120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            log, _ = proc.communicate()
            log = f"killed after {budget * 1.5 + 120:.0f} s\n" + (log or "")
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # anything the run left behind
            except ProcessLookupError:
                pass
        row = {"system": system, "dataset": dataset, "budget": budget, "seed": seed,
               "process_wall_s": round(time.monotonic() - t0, 2)}
        if proc.returncode == 0 and result.exists():
            row.update(json.loads(result.read_text()))
        else:
            row["error"] = "\n".join((log or "").strip().splitlines()[-8:]) or f"exit code {proc.returncode}"
    row["overrun"] = bool(row.get("fit_wall_s", 0) > budget * 1.1 + 2) if "error" not in row else None
    return row


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- the report --------------------------------------------------------------------------------
def report(rows: list[dict], budget: float, seed: int, data_dir: Path | None = None, out: Path | None = None) -> None:
    rows = [r for r in rows if r["budget"] == budget and r["seed"] == seed]
    latest = {(r["system"], r["dataset"]): r for r in rows}  # a rerun replaces the earlier line
    systems = [s for s in SYSTEMS + OPTIONAL_SYSTEMS if any(k[0] == s for k in latest)]
    datasets = list(dict.fromkeys(r["dataset"] for r in rows))
    norm: dict[str, list[float]] = defaultdict(list)
    ranks: dict[str, list[float]] = defaultdict(list)
    wtl: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    gaps: dict[str, list[float]] = defaultdict(list)  # (reported - test) / |test - constant|, + = optimistic
    clear_losses: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # automl vs peer: [losses, beyond test noise]
    print(f"budget {budget:g} s, seed {seed}; test scores on the protocol's 25 % test part\n")
    for d in datasets:
        runs = {s: latest.get((s, d)) for s in systems}
        ok = {s: r for s, r in runs.items() if r and "error" not in r}
        metric = next(iter(ok.values()))["metric"] if ok else "?"
        lower = metric in LOWER_IS_BETTER
        print(f"{d} ({metric}, {'lower' if lower else 'higher'} is better)")
        print(f"  {'system':10s} {'test':>10s} {'2nd':>7s} {'reported':>9s} {'rep-test':>9s} {'wall s':>7s} {'peak MB':>8s}  best / notes")
        for s in systems:
            r = runs[s]
            if r is None:
                print(f"  {s:10s} {'(not run)':>10s}")
            elif "error" in r:
                print(f"  {s:10s} {'FAILED':>10s} {'':7s} {'':9s} {'':9s} {r['process_wall_s']:7.1f} {'':8s}  {r['error'].splitlines()[-1][:70]}")
            else:
                rep = r.get("reported_score")
                gap = "" if rep is None else f"{rep - r['test_score']:+9.4f}"
                note = str(r.get("best", "")) + (f" ({r['members']} members)" if r.get("members") else "")
                if r.get("overrun"):
                    note += "  OVER BUDGET"
                print(f"  {s:10s} {r['test_score']:10.5g} {r['secondary']:7.4f} {'' if rep is None else f'{rep:9.5g}'} "
                      f"{gap:>9s} {r['fit_wall_s']:7.1f} {r['peak_rss_mb']:8.0f}  {note}")
        if "automl" in ok and data_dir is not None and out is not None:
            for p, (lo, hi) in _noise(d, ok, data_dir, out, budget, seed).items():
                print(f"  automl - {p}: {ok['automl']['test_score'] - ok[p]['test_score']:+.5g}, "
                      f"95 % paired bootstrap over the test rows {lo:+.5g} .. {hi:+.5g}")
                mine, theirs, n = ok["automl"]["test_score"], ok[p]["test_score"], clear_losses[p]
                if not _tie(mine, theirs, metric) and (mine > theirs if lower else mine < theirs):
                    n[0] += 1
                    n[1] += clearly_worse((lo, hi), not lower)
        if "constant" in ok and len(ok) > 1:
            const = ok["constant"]["test_score"]
            scores = {s: r["test_score"] for s, r in ok.items()}
            best = min(scores.values()) if lower else max(scores.values())
            for s, v in scores.items():
                if s != "constant":
                    norm[s].append(1.0 if best == const else (v - const) / (best - const))
                rep = ok[s].get("reported_score")
                if rep is not None and v != const:
                    gaps[s].append((v - rep if lower else rep - v) / abs(v - const))
            order = sorted((v if lower else -v) for s, v in scores.items() if s != "constant")
            for s, v in scores.items():
                if s != "constant":
                    key = v if lower else -v
                    ranks[s].append(1 + sum(o < key for o in order) + 0.5 * (sum(o == key for o in order) - 1))
            for s in scores:
                for p in scores:
                    if s != p and "constant" not in (s, p):
                        tie = _tie(scores[s], scores[p], metric)
                        won = (scores[s] < scores[p]) if lower else (scores[s] > scores[p])
                        wtl[(s, p)][1 if tie else 0 if won else 2] += 1
        print()
    print("summary (normalised score = (score - constant) / (best - constant), 1 = best of the systems here)")
    print(f"  {'system':10s} {'datasets':>8s} {'mean norm':>9s} {'mean rank':>9s} {'failed':>6s} {'overruns':>8s} "
          f"{'|rep-test|':>10s} {'rep bias':>8s}  wins/ties/losses vs " + ", ".join(p for p in systems if p != "constant"))
    for s in systems:
        if s == "constant":
            continue
        mine = [r for (sys_, _), r in latest.items() if sys_ == s]
        failed = sum("error" in r for r in mine)
        over = sum(bool(r.get("overrun")) for r in mine)
        vs = "  ".join(f"{p}: {'/'.join(map(str, wtl[(s, p)]))}" for p in systems if p not in (s, "constant"))
        mn = sum(norm[s]) / len(norm[s]) if norm[s] else float("nan")
        mr = sum(ranks[s]) / len(ranks[s]) if ranks[s] else float("nan")
        g = gaps[s]
        ga = f"{sum(abs(x) for x in g) / len(g):10.4f}" if g else f"{'':10s}"
        gb = f"{sum(g) / len(g):+8.4f}" if g else f"{'':8s}"
        print(f"  {s:10s} {len(norm[s]):8d} {mn:9.4f} {mr:9.2f} {failed:6d} {over:8d} {ga} {gb}  {vs}")
    if clear_losses:
        print("  automl's losses whose 95 % paired-bootstrap interval excludes 0 (beyond the test part's noise): "
              + ", ".join(f"vs {p} {n_out} of {n}" for p, (n, n_out) in clear_losses.items()))
    print("\nties: |difference| <= 0.002 AUC, or <= 1 % of the better log loss / RMSE. Overrun: fit wall > budget x 1.1 + 2 s.")
    print("|rep-test|, rep bias: mean of (reported - test) / |test - constant| over datasets, sign flipped for lower-is-better"
          " metrics, so + = the system's own validation score was optimistic.")


def _noise(dataset: str, ok: dict, data_dir: Path, out: Path, budget: float, seed: int) -> dict:
    """automl vs each other system with saved test predictions: the paired-bootstrap interval of the difference."""
    import numpy as np
    from compare_one import load
    from paired_bootstrap import paired_interval

    files = {s: pred_file(out, s, dataset, budget, seed) for s in ok if s != "constant"}
    if not files.get("automl", Path("-")).exists() or not (data_dir / "manifest.json").exists():
        return {}
    task, _, _, _, y_tr, y_te = load(data_dir, dataset)
    classes = None if task == "regression" else np.array(sorted(y_tr.unique(), key=str), dtype=object)
    mine = np.load(files.pop("automl"))
    return {s: paired_interval(task, classes, y_te, mine, np.load(f)) for s, f in files.items() if f.exists()}


def _tie(a: float, b: float, metric: str) -> bool:
    if metric in LOWER_IS_BETTER:
        return abs(a - b) <= 0.01 * min(abs(a), abs(b))
    return abs(a - b) <= 0.002


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--datasets", default="", help="comma-separated names (default: the whole manifest)")
    ap.add_argument("--data-dir", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--force", action="store_true", help="rerun runs already in --out")
    ap.add_argument("--report", action="store_true", help="only print the report")
    args = ap.parse_args()
    # absolute: each run's process works in a temporary directory (a relative --out lost its predictions there)
    args.out, args.data_dir = args.out.resolve(), args.data_dir.resolve()
    if not args.report:
        if not (args.data_dir / "manifest.json").exists():
            raise SystemExit(f"No datasets at {args.data_dir}: the benchmark needs ../shared/datasets (or --data-dir).")
        manifest = json.loads((args.data_dir / "manifest.json").read_text())
        names = [e["name"] for e in manifest]
        if args.datasets:
            wanted = args.datasets.split(",")
            unknown = sorted(set(wanted) - set(names))
            if unknown:
                raise SystemExit(f"Unknown dataset(s) {unknown}; the manifest has {names}.")
            names = [n for n in names if n in wanted]
        systems = args.systems.split(",")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        done = {(r["system"], r["dataset"]) for r in read_rows(args.out)
                if r["budget"] == args.budget and r["seed"] == args.seed and "error" not in r}
        for d in names:
            for s in systems:
                if (s, d) in done and not args.force:
                    continue
                row = run_one(s, d, args.budget, args.seed, args.data_dir, args.out)
                with args.out.open("a") as fh:
                    fh.write(json.dumps(row) + "\n")
                status = row.get("error", "").splitlines()[-1][:80] if "error" in row else \
                    f"{row['metric']} {row['test_score']:.5g} in {row['fit_wall_s']:.1f} s"
                print(f"{d:20s} {s:10s} {status}", flush=True)
    report(read_rows(args.out), args.budget, args.seed, args.data_dir, args.out)


if __name__ == "__main__":
    main()
