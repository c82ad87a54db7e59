"""Run automl.fit under the fixed protocol of ../shared/datasets/README.md and print a table.

    python benchmarks/run_protocol.py --budget 60 [--datasets adult,car] [--out benchmarks/out/protocol.jsonl]
    python benchmarks/run_protocol.py --report [--out ...]

Each dataset runs in its own subprocess with a hard timeout; one JSON line per dataset is appended
to --out as it finishes, so an interrupted benchmark resumes where it stopped (--force reruns).
The test part is used for scoring only.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets"


def run_one(name: str, budget: float, seed: int, data_dir: Path) -> dict:
    import numpy as np

    import automl
    from automl.search.launch import close_zygote
    from compare_one import PRIMARY, load, score  # the protocol (split, scoring) lives in one place

    task, target, X_tr, X_test, y_tr, y_test = load(data_dir, name)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.monotonic()
        res = automl.fit(X_tr.assign(**{target: y_tr}), target, time_budget=budget, seed=seed, output_dir=tmp)
        wall = time.monotonic() - t0
        info = json.loads((res.run_dir / "run.json").read_text())
    out = {"dataset": name, "task": task, "budget": budget, "seed": seed, "fit_wall_s": round(wall, 2),
           "over_budget_s": round(wall - budget, 2), "overrun": wall > budget * 1.1 + 2,
           "cv_metric": res.metric, "cv_score": res.best_score, "best_family": res.best_params["family"],
           "trials": res.leaderboard["status"].value_counts().to_dict(), "pruning": info.get("pruning")}
    if task == "regression":
        primary, secondary = score(task, None, y_test, res.predict(X_test))
    else:
        primary, secondary = score(task, np.asarray(res.classes_), y_test, res.predict_proba(X_test))
    out.update(metric=PRIMARY[task], test_score=primary, secondary_score=secondary,
               secondary="r2" if task == "regression" else "accuracy")
    close_zygote()  # the workers are its children: counted in RUSAGE_CHILDREN once it has ended
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    out["peak_rss_mb"] = round(usage / 1024, 1)
    return out


def done_keys(path: Path) -> set:
    if not path.exists():
        return set()
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["dataset"], r["budget"], r["seed"]) for r in rows}


def report(path: Path, budget: float | None = None) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    if budget is not None:
        rows = [r for r in rows if r["budget"] == budget]
    head = f"{'dataset':20s} {'task':10s} {'metric':8s} {'test':>12s} {'cv':>12s} {'2nd':>8s} {'best family':24s} {'c/p/f/t':>11s} {'wall s':>7s} {'over s':>7s} {'pruned':>6s} {'saved s':>7s} {'peak MB':>8s}"
    print(head)
    print("-" * len(head))
    for r in rows:
        if r.get("error"):
            print(f"{r['dataset']:20s} ERROR {r['error'][-150:]}")
            continue
        t = r["trials"]
        counts = "/".join(str(t.get(k, 0)) for k in ("complete", "pruned", "failed", "timeout"))
        pr = r.get("pruning") or {}
        print(f"{r['dataset']:20s} {r['task']:10s} {r['metric']:8s} {r['test_score']:12.5g} {r['cv_score']:12.5g} "
              f"{r['secondary_score']:8.4f} {r['best_family']:24s} {counts:>11s} {r['fit_wall_s']:7.1f} "
              f"{r['over_budget_s']:+7.1f} {pr.get('pruned', 0):6d} {pr.get('est_time_saved_s', 0):7.1f} {r['peak_rss_mb']:8.0f}")
    ok = [r for r in rows if not r.get("error")]
    print(f"\n{len(rows)} runs, {len(rows) - len(ok)} failed, {sum(r['overrun'] for r in ok)} over budget x 1.1 + 2 s; "
          f"max wall - budget: {max((r['over_budget_s'] for r in ok), default=0):+.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--budget", type=float, default=60)
    ap.add_argument("--datasets", default=None, help="comma-separated names (default: all in the manifest)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data-dir", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "protocol.jsonl")
    ap.add_argument("--force", action="store_true", help="rerun datasets already in --out")
    ap.add_argument("--report", action="store_true", help="only print the table from --out")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one, args.budget, args.seed, args.data_dir), default=float))
        return
    if args.report:
        report(args.out, args.budget)
        return
    if not (args.data_dir / "manifest.json").is_file():
        sys.exit(f"No datasets at {args.data_dir}; pass --data-dir.")
    names = args.datasets.split(",") if args.datasets else [e["name"] for e in json.loads((args.data_dir / "manifest.json").read_text())]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    done = set() if args.force else done_keys(args.out)
    for name in names:
        if (name, args.budget, args.seed) in done:
            continue
        cmd = [sys.executable, __file__, "--one", name, "--budget", str(args.budget), "--seed", str(args.seed),
               "--data-dir", str(args.data_dir)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.budget * 1.5 + 60)
            row = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.returncode == 0 else None
            if row is None:
                row = {"dataset": name, "budget": args.budget, "seed": args.seed, "error": proc.stderr.strip()[-600:]}
        except subprocess.TimeoutExpired:
            row = {"dataset": name, "budget": args.budget, "seed": args.seed, "error": "hard timeout"}
        with open(args.out, "a") as fh:
            fh.write(json.dumps(row, default=float) + "\n")
        print(f"{name}: {row.get('test_score', row.get('error'))}", flush=True)
    report(args.out, args.budget)


if __name__ == "__main__":
    main()
