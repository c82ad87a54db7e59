"""Is automl behind a default-hyperparameter baseline on a dataset, or was its test part unlucky? Training parts only.

    .venv/bin/python benchmarks/baseline_check.py --datasets ames_housing     # 5 seeds (~6 min)
    .venv/bin/python benchmarks/baseline_check.py --seeds 2                   # every dataset (~40 min)
    .venv/bin/python benchmarks/baseline_check.py --report                    # reprint the table

compare.py scores each system once, on the protocol's one 25 % test part; on the small tables one test
part is noisy, so a 4 % loss there may be luck. This asks the same question on rows the public test part
never touches: for each dataset and seed, the protocol's 75 % training part is split again (80 / 20,
seeded), automl (``--budget`` seconds, as compare.py calls it) and the XGBoost and HistGradientBoosting
defaults (compare_one.py's code) train on the 80 % and are scored on the 20 %, with a 95 % paired-bootstrap
interval over those rows for automl minus each baseline (paired_bootstrap.py). A loss on most inner splits
says the engine misses something there; a win on most says the test split was unlucky. It chooses nothing.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402
import compare_one  # noqa: E402  (the protocol's systems and scoring)
from paired_bootstrap import clearly_worse, paired_interval  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "baseline_check.jsonl"
BASELINES = ("xgboost", "hgb")


def run(name: str, args) -> list[dict]:
    rows = []
    for seed in range(args.seeds):
        task, target, X_fit, X_in, y_fit, y_in = choice_runner.inner_split(name, seed)
        preds, classes = {}, {}
        with tempfile.TemporaryDirectory() as tmp:
            classes["automl"], preds["automl"], _, extra = compare_one.run_automl(
                task, target, X_fit, y_fit, X_in, args.budget, seed, tmp)
        for s in BASELINES:
            classes[s], preds[s], _, _ = compare_one.SYSTEMS[s](task, target, X_fit, y_fit, X_in, args.budget, seed, None)
        if task != "regression" and len({tuple(map(str, c)) for c in classes.values()}) > 1:
            raise SystemExit(f"{name}: the systems' class orders differ: {classes}")
        mine = classes["automl"]
        row = {"dataset": name, "seed": seed, "task": task, "greater_is_better": task == "binary",
               "best": extra.get("best"), "ensemble_error": extra.get("ensemble_error"),
               "scores": {s: float(compare_one.score(task, mine, y_in, p)[0]) for s, p in preds.items()},
               "intervals": {s: paired_interval(task, mine, y_in, preds["automl"], preds[s]) for s in BASELINES}}
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    tally = {s: {"win": 0, "tie": 0, "loss": 0, "clear loss": 0} for s in BASELINES}
    print(f"{'dataset':20} {'seed':>4} {'automl':>10} " + " ".join(f"{s:>10}" for s in BASELINES)
          + "  automl - xgboost (95 % paired bootstrap)   vs xgboost  automl's best")
    for r in rows:
        sc = r["scores"]
        verdicts = {s: {"a": "win", "b": "loss", "tie": "tie"}[choice_runner.better(sc["automl"], sc[s], r["greater_is_better"])]
                    for s in BASELINES}
        for s, verdict in verdicts.items():
            tally[s][verdict] += 1
            tally[s]["clear loss"] += verdict == "loss" and clearly_worse(r["intervals"][s], r["greater_is_better"])
        lo, hi = r["intervals"]["xgboost"]
        print(f"{r['dataset']:20} {r['seed']:4d} {sc['automl']:10.5g} " + " ".join(f"{sc[s]:10.5g}" for s in BASELINES)
              + f"  {sc['automl'] - sc['xgboost']:+10.4g} ({lo:+.4g} .. {hi:+.4g})  {verdicts['xgboost']:>9}  {r['best']}")
    for s, t in tally.items():
        print(f"automl vs {s} defaults on {len(rows)} inner splits: {t['win']} wins, {t['tie']} ties, {t['loss']} losses "
              f"({t['clear loss']} beyond the holdout's noise); ties: 0.002 AUC, 1 % log loss / RMSE")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", type=int, default=5)

    choice_runner.main(__doc__, OUT, run, report, extra)
