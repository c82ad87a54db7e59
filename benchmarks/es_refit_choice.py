"""Refit boosted models on all training rows after early stopping? Chosen on the training parts only.

    .venv/bin/python benchmarks/es_refit_choice.py                      # every dataset (~15 min on 2 cores)
    .venv/bin/python benchmarks/es_refit_choice.py --report             # reprint the table

XGBoost, LightGBM and HistGradientBoosting stop early on an inner 10 % split of each fold's training
rows. That split costs them 10 % of the rows, and on small data the stopping round is noisy. The alternative: keep the round
early stopping chose and fit again on every training row (about twice the fit time). For each dataset
the protocol's 75 % training part is cross-validated exactly as a search would (automl's folds, its
preprocessing, each family's default point, seed 0; the public test part is never read), once with
``refit_rounds`` off and once on. Rows: CV score and fit seconds of each variant.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "es_refit_choice.jsonl"
FAMILIES = ("xgboost", "lightgbm", "hist_gradient_boosting")


def run(name: str, args) -> list[dict]:
    import automl.families.boosting as boosting
    from automl.evaluation.evaluate import TrialSpec, evaluate
    from automl.families.registry import get_family
    from automl.spaces import load_space

    task, metric, data = choice_runner.training_data(name)
    rows = []
    for fam in args.families.split(","):
        family = get_family(fam)
        row = {"dataset": name, "task": task, "metric": metric.name, "family": fam, "n_rows": len(data.y),
               "greater_is_better": metric.greater_is_better}
        for variant, limit in (("early_stop", 0), ("refit", float("inf"))):
            boosting.REFIT_ROUNDS_MAX_ROWS = limit
            res = evaluate(data, TrialSpec(0, family, load_space(family, task).default, seed=0, n_jobs=2, keep_oof=False))
            if res.error:
                raise RuntimeError(f"{name} {fam} {variant}: {res.error}")
            row[variant], row[f"{variant}_s"] = res.score, round(res.fit_time_s, 2)
        rows.append(row)
        print(f"{name:20} {fam:22} early stop {row['early_stop']:.5g} ({row['early_stop_s']} s), "
              f"refit {row['refit']:.5g} ({row['refit_s']} s)", flush=True)
    return rows


def report(path: Path) -> None:
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    wins = {}
    print(f"{'dataset':20} {'rows':>6} {'family':22} {'metric':9} {'early stop':>11} {'refit':>11} {'time x':>6}  better"
          "  (ties: 0.002 AUC, 1 % log loss / RMSE)")
    for r in sorted(rows, key=lambda r: (r["n_rows"], r["family"])):
        a, b = r["early_stop"], r["refit"]
        verdict = {"a": "early stop", "b": "refit", "tie": "tie"}[choice_runner.better(a, b, r["greater_is_better"])]
        band = "small" if r["n_rows"] <= 10_000 else "large"
        wins.setdefault(band, {"refit": 0, "early stop": 0, "tie": 0})[verdict] += 1
        ratio = r["refit_s"] / max(r["early_stop_s"], 1e-9)
        print(f"{r['dataset']:20} {r['n_rows']:6d} {r['family']:22} {r['metric']:9} {a:11.5g} {b:11.5g} {ratio:6.2f}  {verdict}")
    for band, w in wins.items():
        print(f"{band} (training part {'<=' if band == 'small' else '>'} 10,000 rows): refit better {w['refit']}, "
              f"early stop better {w['early stop']}, ties {w['tie']}")


if __name__ == "__main__":
    choice_runner.main(__doc__, OUT, run, report,
                       lambda ap: ap.add_argument("--families", default=",".join(FAMILIES), help="comma-separated"))
