"""The optional CatBoost family: does searching it make automl better? Chosen on the training parts only.

    .venv/bin/pip install -e ".[catboost]"
    .venv/bin/python benchmarks/catboost_choice.py                # every dataset, 1 seed (~40 min; nyc_taxis not run so far)
    .venv/bin/python benchmarks/catboost_choice.py --report       # reprint the table
    .venv/bin/python benchmarks/catboost_choice.py --first-seed 1 --out benchmarks/out/catboost_choice_seed1.jsonl

For each dataset, the protocol's 75 % training part is split again (80 % / 20 %, seeded); a ``fit``
with the given budget runs on the 80 %, once with the default families and once with those and CatBoost; the
exported model is scored on the inner 20 %. The public test part is never read. Rows: inner-holdout
score, the search's reported score, trials, and the best row's family.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "catboost_choice.jsonl"
ARMS = ("without", "with")


def run(name: str, args) -> list[dict]:
    from automl.families.registry import get_family

    if not get_family("catboost").available():
        sys.exit('CatBoost is not installed: .venv/bin/pip install -e ".[catboost]"')
    rows = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        for arm in ARMS:
            include = ["default", "catboost"] if arm == "with" else None
            row, _ = choice_runner.fit_on_inner(name, seed, args.budget, include=include)
            rows.append({**row, "arm": arm})
            print(json.dumps(rows[-1]), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':20} {'seed':>4} {'metric':8} {'without':>10} {'with':>10} {'trials':>9}  {'better':8}"
          f" best with CatBoost  (ties: 0.002 AUC, 1 % log loss / RMSE)")
    tally = {"without": 0, "with": 0, "tie": 0}
    for name, seed, off, on, verdict in choice_runner.arm_pairs(rows, ARMS):
        tally[verdict] += 1
        print(f"{name:20} {seed:4d} {off['metric']:8} {off['holdout']:10.5g} {on['holdout']:10.5g}"
              f" {off['trials']:>4}/{on['trials']:<4}  {verdict:8} {on['best']}")
    print(f"with CatBoost better {tally['with']}, without better {tally['without']}, ties {tally['tie']}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=1)
        ap.add_argument("--first-seed", type=int, default=0, help="more seeds later: --first-seed 1 --out another file")

    choice_runner.main(__doc__, OUT, run, report, extra)
