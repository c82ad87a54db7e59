"""5 or 10 folds on small tables (evaluation/splits.py resolve_cv "auto")? Chosen on the training parts only.

    .venv/bin/python benchmarks/folds_choice.py --datasets segment,penguins --seeds 2
    .venv/bin/python benchmarks/folds_choice.py --report    # reprint the table

With 10 folds each fold model sees 90 % of the rows instead of 80 %, so its out-of-fold predictions (the
leaderboard, the ensemble's weights, the choice between blend and single trial) are closer to the model
refit on all rows, and each score averages over more rows per model; each trial costs about twice as much,
so fewer trials fit in the budget. For each dataset and seed, the protocol's training part is split again
(80 / 20, seeded); a ``fit`` runs on the 80 % with ``cv=5`` and with ``cv=10``, and the exported model is
scored on the inner 20 %. The public test part is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "folds_choice.jsonl"
ARMS = {"cv5": 5, "cv10": 10}


def run(name: str, args) -> list[dict]:
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for arm, cv in ARMS.items():
            row, _ = choice_runner.fit_on_inner(name, seed, args.budget, cv=cv)
            rows.append({**row, "arm": arm})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    a, b = ARMS
    print(f"{'dataset':20} {'rows':>5} {'seed':>4} {'holdout ' + a:>13} {'holdout ' + b:>13} {'trials':>7}"
          f" {'wall s':>11}  better  (ties: 0.002 AUC, 1 % log loss / RMSE)   exported {a} / {b}")
    tally = {a: 0, b: 0, "tie": 0}
    for name, seed, x, y, verdict in choice_runner.arm_pairs(rows, (a, b)):
        tally[verdict] += 1
        print(f"{name:20} {x['rows']:5d} {seed:4d} {x['holdout']:13.5g} {y['holdout']:13.5g} {x['trials']:>3}/{y['trials']:<3}"
              f" {x['wall_s']:5.1f}/{y['wall_s']:<5.1f}  {verdict:6}  {x['best']} / {y['best']}")
    print(f"{b} better {tally[b]}, {a} better {tally[a]}, ties {tally['tie']}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)
        ap.add_argument("--first-seed", type=int, default=0)

    choice_runner.main(__doc__, OUT, run, report, extra)
