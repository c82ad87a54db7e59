"""Keep 1.5 s or 0.5 s back for restarting a worker before the final fit (search/budget.py WORKER_RESTART_S)?
Chosen on the training parts only.

    .venv/bin/python benchmarks/restart_reserve_choice.py --datasets adult,cnae9 --seeds 2
    .venv/bin/python benchmarks/restart_reserve_choice.py --report    # reprint the table

The search stops that many seconds earlier than its refit estimate needs, for the fresh worker a refit
waits for after a trial killed at the search's end. 1.5 s was measured when a worker was a fresh
interpreter; forked by the zygote (Linux) a restart takes 0.05-0.2 s (engine_overheads.py). For each
dataset and seed, the protocol's 75 % training part is split again (80 / 20, seeded); a ``fit`` runs on
the 80 % with each reserve in turn, and the exported model is scored on the inner 20 %. Also recorded: the
fit's wall time, its search time, and its final fits (seconds taken against estimated, errors), so a
smaller reserve that made a refit late shows. The public test part is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "restart_reserve_choice.jsonl"
ARMS = {"reserve_1.5": 1.5, "reserve_0.5": 0.5}


def _set_reserve(seconds: float) -> None:
    """The constant as each module that reads it imported it."""
    from automl.search import budget, driver, final_fit, run

    for module in (budget, driver, final_fit, run):
        module.WORKER_RESTART_S = seconds


def run(name: str, args) -> list[dict]:
    rows = []
    for seed in range(args.seeds):
        for arm, seconds in ARMS.items():
            _set_reserve(seconds)
            row, info = choice_runner.fit_on_inner(name, seed, args.budget)
            session = info["sessions"][-1]
            rows.append({**row, "arm": arm, "search_s": session["search_s"], "final_fits": session["final_fits"]})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    a, b = ARMS
    print(f"{'dataset':20} {'seed':>4} {'holdout ' + a:>19} {'holdout ' + b:>19} {'trials':>7} {'search s':>11}"
          f" {'wall s':>11}  better  (ties: 0.002 AUC, 1 % log loss / RMSE)")
    tally = {a: 0, b: 0, "tie": 0}
    for name, seed, x, y, verdict in choice_runner.arm_pairs(rows, (a, b)):
        tally[verdict] += 1
        print(f"{name:20} {seed:4d} {x['holdout']:19.5g} {y['holdout']:19.5g} {x['trials']:>3}/{y['trials']:<3}"
              f" {x['search_s']:5.1f}/{y['search_s']:<5.1f} {x['wall_s']:5.1f}/{y['wall_s']:<5.1f}  {verdict}")
    print(f"{b} better {tally[b]}, {a} better {tally[a]}, ties {tally['tie']}")
    for arm in ARMS:
        fits = [f for r in rows if r["arm"] == arm for f in r["final_fits"]]
        ratios = sorted(f["seconds"] / f["estimated_s"] for f in fits if not f["error"] and f["estimated_s"])
        walls = [r["wall_s"] for r in rows if r["arm"] == arm]
        print(f"{arm}: max wall {max(walls):.1f} s, mean {sum(walls) / len(walls):.1f} s; final fits {len(fits)}, "
              f"failed {sum(bool(f['error']) for f in fits)}, took/estimated max {ratios[-1]:.2f}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)

    choice_runner.main(__doc__, OUT, run, report, extra)
