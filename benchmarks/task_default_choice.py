"""XGBoost's multiclass default at learning_rate 0.1 (xgboost.yaml ``task_defaults``) or the shared 0.05?
Chosen on the training parts only.

    .venv/bin/python benchmarks/task_default_choice.py             # the 5 multiclass datasets, 2 seeds (~22 min)
    .venv/bin/python benchmarks/task_default_choice.py --report    # reprint the table

For each dataset, the protocol's 75 % training part is split again (80 % / 20 %, seeded); a ``fit`` with
the given budget runs on the 80 %, once with the shared default (``search_space=`` the YAML without its
``task_defaults``) and once with the built-in space, and the exported model is scored on the inner 20 %.
The public test part is never read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "task_default_choice.jsonl"
MULTICLASS = ("segment", "car", "cnae9", "penguins", "wine_quality_white")
ARMS = ("shared_default", "task_default")


def run(name: str, args) -> list[dict]:
    from automl.spaces import default_dir, read_yaml

    shared = {k: v for k, v in read_yaml(default_dir() / "xgboost.yaml").items() if k != "task_defaults"}
    rows = []
    for seed in range(args.seeds):
        for arm in ARMS:
            row, _ = choice_runner.fit_on_inner(name, seed, args.budget,
                                                search_space={"xgboost": shared} if arm == "shared_default" else None)
            rows.append({**row, "arm": arm})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':20} {'seed':>4} {'holdout 0.05':>13} {'holdout 0.1':>12} {'trials':>9}  better  (ties: 1 % log loss)")
    tally = dict.fromkeys((*ARMS, "tie"), 0)
    for name, seed, a, b, verdict in choice_runner.arm_pairs(rows, ARMS):
        tally[verdict] += 1
        print(f"{name:20} {seed:4d} {a['holdout']:13.5g} {b['holdout']:12.5g} {a['trials']:>4}/{b['trials']:<4}  {verdict}")
    print(f"task default better {tally['task_default']}, shared default better {tally['shared_default']}, "
          f"ties {tally['tie']}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)
        ap.set_defaults(datasets=",".join(MULTICLASS))

    choice_runner.main(__doc__, OUT, run, report, extra)
