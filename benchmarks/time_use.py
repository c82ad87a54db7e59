"""Where a budget's seconds go: start-up, trials (by how they ended), time kept back for the final fits, unused.

    .venv/bin/python benchmarks/time_use.py                          # all 18 training parts, 60 s each (~20 min)
    .venv/bin/python benchmarks/time_use.py --datasets bike_sharing_hourly,adult
    .venv/bin/python benchmarks/time_use.py --report                 # reprint the table

One ``fit`` per dataset on the inner 80 % split of the protocol's training part (the public test part is
never read), then from its run folder: seconds before the first trial (reading, profiling, the worker's
start), seconds in trials that completed / were pruned / were stopped for the trial limit / were stopped at
the search's end, the search's end, the final fits' seconds against the estimates the search kept time back
by (run.json ``final_fits``), and the seconds of the budget left unused; then the trials stopped for the trial
limit (family, folds done, seconds). Measures only; chooses nothing.
A trial killed by its worker's deadline is recorded from when it was handed out, so when the first trial
was killed (cnae9, nyc_taxis at 60 s) the worker's start counts as trial time and "setup" reads low.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "time_use.jsonl"


def run(name: str, args) -> dict:
    import automl

    _, _, X_fit, _, y_fit, _ = choice_runner.inner_split(name, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        started, t0 = datetime.now(timezone.utc), time.monotonic()
        res = automl.fit(choice_runner.with_target(X_fit, y_fit), "__target", time_budget=args.budget,
                         seed=args.seed, output_dir=tmp)
        wall = time.monotonic() - t0
        session = json.loads((res.run_dir / "run.json").read_text())["sessions"][-1]
        trials = [json.loads(line) for line in (res.run_dir / "trials.jsonl").read_text().splitlines()]
    row = {"dataset": name, "seed": args.seed, "budget": args.budget, "wall_s": round(wall, 2),
           "setup_s": round(_seconds(started, min(t["started_at"] for t in trials)), 2),
           "search_s": session["search_s"], "trials": len(trials), **_trial_seconds(trials),
           "final_fits": session["final_fits"], "at_limit": _at_limit(trials)}
    print(json.dumps(row), flush=True)
    return row


def _at_limit(trials: list[dict]) -> list[dict]:
    """The trials stopped for the trial limit: which family, after how many folds, and their seconds."""
    return [{"trial": t["trial"], "family": t["family"], "folds": len(t["fold_scores"] or []),
             "seconds": round(_seconds(datetime.fromisoformat(t["started_at"]), t["finished_at"]), 1)}
            for t in trials if t["finished_at"] and "trial time limit" in (t["error"] or "")]


def _seconds(a: datetime, b: str) -> float:
    return (datetime.fromisoformat(b) - a).total_seconds()


def _trial_seconds(trials: list[dict]) -> dict:
    """Seconds in trials by how they ended (start to finish, as the worker recorded them)."""
    from automl.evaluation.evaluate import COMPLETE, PRUNED, TIMEOUT

    out = {"complete_s": 0.0, "pruned_s": 0.0, "failed_s": 0.0, "limit_s": 0.0, "search_end_s": 0.0}
    for t in (t for t in trials if t["finished_at"]):
        if t["status"] == TIMEOUT:  # the error names the limit that stopped it (search/budget.py)
            key = "limit_s" if "trial time limit" in (t["error"] or "") else "search_end_s"
        else:
            key = {COMPLETE: "complete_s", PRUNED: "pruned_s"}.get(t["status"], "failed_s")
        out[key] += _seconds(datetime.fromisoformat(t["started_at"]), t["finished_at"])
    return {k: round(v, 1) for k, v in out.items()}


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':20} {'wall':>5} {'setup':>5} {'search':>6} {'trials':>6} {'complete':>8} {'pruned':>6}"
          f" {'limit':>5} {'end':>5} {'final fits took/est':>19} {'unused':>6}   seconds")
    for r in rows:
        took = sum(f["seconds"] for f in r["final_fits"])
        est = sum(f["estimated_s"] for f in r["final_fits"])
        print(f"{r['dataset']:20} {r['wall_s']:5.1f} {r['setup_s']:5.1f} {r['search_s']:6.1f} {r['trials']:6d}"
              f" {r['complete_s']:8.1f} {r['pruned_s']:6.1f} {r['limit_s']:5.1f} {r['search_end_s']:5.1f}"
              f" {took:9.1f} / {est:<7.1f} {r['budget'] - r['wall_s']:6.1f}")
    for r in rows:
        if r.get("at_limit"):  # older rows have none
            print(f"{r['dataset']}: stopped at the trial limit: "
                  + ", ".join(f"trial {t['trial']} {t['family']} after {t['folds']} folds ({t['seconds']} s)"
                              for t in r["at_limit"]))
    fits = [f for r in rows for f in r["final_fits"] if not f["error"]]
    if fits:
        ratios = sorted(f["seconds"] / f["estimated_s"] for f in fits)
        print(f"final fits: {len(fits)}, took/estimated min {ratios[0]:.2f}, median {ratios[len(ratios) // 2]:.2f},"
              f" max {ratios[-1]:.2f}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seed", type=int, default=0)

    choice_runner.main(__doc__, OUT, run, report, extra)
