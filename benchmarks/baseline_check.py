"""Is automl behind a default-hyperparameter baseline on a dataset, or was its test part unlucky? Training parts only.

    .venv/bin/python benchmarks/baseline_check.py --datasets ames_housing          # 5 seeds (~6 min)
    .venv/bin/python benchmarks/baseline_check.py --report

When the benchmark shows automl behind XGBoost (or HistGradientBoosting) defaults on one dataset's test
part, this asks the same question on fresh splits of the training part alone: for each seed, the
protocol's 75 % training part is split 80 % / 20 % (seeded), automl (``--budget`` seconds) and the two
default baselines (compare_one.py's code) train on the 80 % and are scored on the 20 %. The public test
part is never read. A loss on most inner splits says the engine misses something there; a win on most
says the test split was unlucky.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "baseline_check.jsonl"
SYSTEMS = ("automl", "xgboost", "hgb")


def run(name: str, args) -> list[dict]:
    import compare_one

    rows = []
    for seed in range(args.seeds):
        task, target, X_fit, X_in, y_fit, y_in = choice_runner.inner_split(name, seed)
        row = {"dataset": name, "seed": seed, "metric": compare_one.PRIMARY[task]}
        for system in SYSTEMS:
            with tempfile.TemporaryDirectory() as tmp:
                classes, pred, _, _ = compare_one.SYSTEMS[system](task, target, X_fit, y_fit, X_in, args.budget, seed, tmp)
            row[system] = compare_one.score(task, classes, y_in, pred)[0]
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    print(f"{'dataset':20} {'seed':>4} {'metric':8} " + " ".join(f"{s:>11}" for s in SYSTEMS)
          + "  automl vs xgboost (ties: 0.002 AUC, 1 % log loss / RMSE)")
    for r in rows:
        greater = r["metric"] == "roc_auc"
        verdict = {"a": "automl", "b": "xgboost", "tie": "tie"}[choice_runner.better(r["automl"], r["xgboost"], greater)]
        print(f"{r['dataset']:20} {r['seed']:4d} {r['metric']:8} " + " ".join(f"{r[s]:11.5g}" for s in SYSTEMS)
              + f"  {verdict}")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=5)

    choice_runner.main(__doc__, OUT, run, report, extra)
