"""Successive halving over rows on large data: on or off? Chosen on the training parts only.

    .venv/bin/python benchmarks/halving_choice.py                # the 3 large datasets, 2 seeds (~13 min)
    .venv/bin/python benchmarks/halving_choice.py --report       # reprint the table

From 15,000 training rows per fold, each trial is first fitted on row fractions of fold 0's training
rows (``search/sampling.py: halving_rungs``) and the pruner may stop it there. For each dataset whose
folds are that large, the protocol's 75 % training part is split again (80 % / 20 %, seeded); a
``fit`` with the given budget runs on the 80 %, once with the rungs and once without, and the exported
model is scored on the inner 20 %. The public test part is never read. Rows: inner-holdout score,
the search's reported score, trials started and pruned.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "halving_choice.jsonl"
LARGE = ("adult", "bank_marketing", "diamonds")  # >= 15,000 training rows per fold after the inner split
ARMS = ("folds_only", "row_rungs")


def run(name: str, args) -> list[dict]:
    import automl.search.run as search_run
    from automl.search.sampling import halving_rungs

    rows = []
    for seed in range(args.seeds):
        for arm in ARMS:
            search_run.halving_rungs = halving_rungs if arm == "row_rungs" else (lambda n: ())
            row, info = choice_runner.fit_on_inner(name, seed, args.budget)
            rows.append({**row, "arm": arm, "pruned": info["trial_counts"].get("pruned", 0),
                         "pruned_on_rows": info["pruning"].get("pruned_on_row_fractions", 0)})
            print(json.dumps(rows[-1]), flush=True)
    search_run.halving_rungs = halving_rungs
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':16} {'seed':>4} {'metric':8} {'holdout off':>12} {'holdout on':>12} {'trials off/on':>14}"
          f" {'pruned on rows':>15}  better  (ties: 0.002 AUC, 1 % RMSE)")
    tally = {"folds_only": 0, "row_rungs": 0, "tie": 0}
    for name, seed, off, on, verdict in choice_runner.arm_pairs(rows, ARMS):
        tally[verdict] += 1
        print(f"{name:16} {seed:4d} {off['metric']:8} {off['holdout']:12.5g} {on['holdout']:12.5g}"
              f" {off['trials']:>6} / {on['trials']:<6} {on['pruned_on_rows']:15d}  {verdict}")
    print(f"row rungs better {tally['row_rungs']}, folds only better {tally['folds_only']}, ties {tally['tie']}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=2)
        ap.set_defaults(datasets=",".join(LARGE))

    choice_runner.main(__doc__, OUT, run, report, extra)
