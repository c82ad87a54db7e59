"""HistGradientBoosting's early stopping: validation share and patience. Chosen on the training parts only.

    .venv/bin/python benchmarks/hgb_stopping_choice.py                  # every dataset (~10 min on 2 cores)
    .venv/bin/python benchmarks/hgb_stopping_choice.py --report         # reprint the table

HistGradientBoosting stops early on an inner split of each fold's training rows (``HGB_VALIDATION_FRACTION``
of them) once ``HGB_PATIENCE`` iterations bring no improvement. On a small table that split is a few hundred
rows, so the stopping round is noisy: on nyc_taxis (fares up to 130 in a 2.5-52 bulk) it ran to the
1000-iteration cap on some folds and stopped after 40 on others. For each dataset the protocol's training part
is cross-validated exactly as a search would (automl's folds, preprocessing and HGB's default point, seed 0;
the public test part is never read) under each variant below. Rows: CV score and fit seconds of each variant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "hgb_stopping_choice.jsonl"
# name: (validation share, patience); the first is the engine's.
VARIANTS = {"now": (0.1, 20), "patience_50": (0.1, 50), "split_20pc": (0.2, 20), "both": (0.2, 50)}


def run(name: str, args) -> dict:
    import automl.families.boosting as boosting
    from automl.evaluation.evaluate import TrialSpec, evaluate
    from automl.families.registry import get_family
    from automl.spaces import load_space

    task, metric, data = choice_runner.training_data(name)
    family = get_family("hist_gradient_boosting")
    row = {"dataset": name, "task": task, "metric": metric.name, "n_rows": len(data.y),
           "greater_is_better": metric.greater_is_better}
    for variant, (share, patience) in VARIANTS.items():
        boosting.HGB_VALIDATION_FRACTION, boosting.HGB_PATIENCE = share, patience
        res = evaluate(data, TrialSpec(0, family, load_space(family, task).default, seed=0, n_jobs=2, keep_oof=False))
        if res.error:
            raise RuntimeError(f"{name} {variant}: {res.error}")
        row[variant], row[f"{variant}_s"] = res.score, round(res.fit_time_s, 2)
    print(name, {v: (round(row[v], 5), row[f"{v}_s"]) for v in VARIANTS}, flush=True)
    return row


def report(path: Path) -> None:
    rows = sorted((json.loads(line) for line in path.read_text().splitlines()), key=lambda r: r["n_rows"])
    others = list(VARIANTS)[1:]
    print(f"{'dataset':20} {'rows':>6} {'metric':9} " + " ".join(f"{v:>11}" for v in VARIANTS)
          + "   better than now?  (ties: 0.002 AUC, 1 % log loss / RMSE)")
    tally = {v: {"now": 0, v: 0, "tie": 0} for v in others}
    for r in rows:
        verdicts = []
        for v in others:
            won = {"a": "now", "b": v, "tie": "tie"}[choice_runner.better(r["now"], r[v], r["greater_is_better"])]
            tally[v][won] += 1
            verdicts.append({"now": "-", v: "+", "tie": "="}[won])
        print(f"{r['dataset']:20} {r['n_rows']:6d} {r['metric']:9} " + " ".join(f"{r[v]:11.5g}" for v in VARIANTS)
              + "   " + " ".join(verdicts))
    for v in others:
        share, patience = VARIANTS[v]
        seconds = sum(r[f"{v}_s"] for r in rows) / max(sum(r["now_s"] for r in rows), 1e-9)
        print(f"{v} (split {share:.0%}, patience {patience}): better {tally[v][v]}, worse {tally[v]['now']}, "
              f"ties {tally[v]['tie']}; fit time x{seconds:.2f}")


if __name__ == "__main__":
    choice_runner.main(__doc__, OUT, run, report)
