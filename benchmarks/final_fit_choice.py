"""Refit or bag? The default final fit, chosen on the public suite's training parts only.

    .venv/bin/python benchmarks/final_fit_choice.py --budget 60            # every dataset (~25 min on 2 cores)
    .venv/bin/python benchmarks/final_fit_choice.py --seeds 1,2            # two inner splits of each (~50 min)
    .venv/bin/python benchmarks/final_fit_choice.py --report               # reprint the table

For each dataset and inner split seed (``--seeds``, default 1): the protocol's 75 % training part is split
again (25 % inner holdout, random_state=seed; the public test part is never read). One search runs on the
inner training rows with the default final fit (a refit on all rows); then the same exported trials are
also bagged (each member's k fold models, fit on the run's own folds with its seed, exactly as ``fit(final_fit="bag")`` does) and both models are
scored on the inner holdout with the protocol's metric. One search, two final fits: the comparison is
not blurred by two searches finding different trials.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import choice_runner  # noqa: E402
from compare_one import score  # noqa: E402  (the protocol's scoring)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "benchmarks" / "out" / "final_fit_choice.jsonl"
LOWER = {"multiclass", "regression"}  # log loss and RMSE: lower is better


def run(name: str, args) -> list[dict]:
    return [run_split(name, int(seed), args.budget) for seed in args.seeds.split(",")]


def run_split(name: str, seed: int, budget: float) -> dict:
    import automl
    from automl.ensemble import EnsembleModel
    from automl.evaluation.evaluate import EvalData, TrialSpec
    from automl.evaluation.metrics import get_metric
    from automl.families.registry import get_family
    from automl.search.refit import refit

    task, target, X_in, X_ho, y_in, y_ho = choice_runner.inner_split(name, seed=seed, test_size=0.25)
    with tempfile.TemporaryDirectory() as tmp:
        res = automl.fit(X_in.assign(**{target: y_in}), target, time_budget=budget, seed=0, output_dir=tmp)
        run_dir = res.run_dir
        fold_id = np.load(run_dir / "folds.npy")
        records = {r["trial"]: r for r in map(json.loads, (run_dir / "trials.jsonl").read_text().splitlines())}
    classes = None if task == "regression" else np.asarray(res.classes_)
    members = ([(m["trial"], m["weight"]) for m in res.best_params["members"]]
               if res.best_params["family"] == "ensemble" else [(res.best_trial, 1.0)])
    first = res.pipeline_.members[0] if isinstance(res.pipeline_, EnsembleModel) else res.pipeline_
    y_raw = y_in.reset_index(drop=True)
    cleaner = first.named_steps["clean"]
    data = EvalData(cleaner.transform(X_in.reset_index(drop=True)), y_raw.to_numpy(dtype="float64") if task == "regression" else None,
                    fold_id, task, 0 if classes is None else len(classes), cleaner.profile, get_metric(None, task),
                    y_raw=y_raw)
    bags = []
    for trial, _ in members:
        r = records[trial]
        spec = TrialSpec(trial, get_family(r["family"]), r["params"], seed=0, n_jobs=2)
        folds = [refit(data, dataclasses.replace(spec, fold=k)) for k in range(int(fold_id.max()) + 1)]
        errors = [f for f in folds if isinstance(f, str)]
        if errors:
            raise RuntimeError(f"{name}: a fold model of trial {trial} failed: {errors[0]}")
        bags.append(EnsembleModel(folds, [1 / len(folds)] * len(folds), task, classes))
    bag = EnsembleModel(bags, [w for _, w in members], task, classes)

    def holdout(model) -> float:
        pred = model.predict(X_ho) if task == "regression" else model.predict_proba(X_ho)
        return score(task, classes, y_ho, pred)[0]

    row = {"dataset": name, "seed": seed, "task": task, "budget": budget, "rows": len(y_in),
           "refit": holdout(res.pipeline_), "bag": holdout(bag), "best": res.best_params["family"], "members": len(members)}
    print(json.dumps(row), flush=True)
    return row


def report(path: Path) -> None:
    rows = sorted(map(json.loads, path.read_text().splitlines()), key=lambda r: (r.get("rows", 0), r["dataset"]))
    wins = {"bag": 0, "refit": 0, "tie": 0}
    print(f"{'dataset':20} {'seed':>4} {'rows':>6} {'metric':9} {'refit':>11} {'bag':>11}  better"
          " (ties: 0.002 AUC, 1 % log loss / RMSE)")
    for r in rows:
        lower = r["task"] in LOWER
        verdict = {"a": "refit", "b": "bag", "tie": "tie"}[choice_runner.better(r["refit"], r["bag"], not lower)]
        wins[verdict] += 1
        metric = {"binary": "roc_auc", "multiclass": "log_loss", "regression": "rmse"}[r["task"]]
        print(f"{r['dataset']:20} {r.get('seed', 1):4d} {r.get('rows', 0):6d} {metric:9} {r['refit']:11.5g} "
              f"{r['bag']:11.5g}  {verdict}")
    print(f"bag better on {wins['bag']}, refit better on {wins['refit']}, ties {wins['tie']} (of {len(rows)} splits)")


if __name__ == "__main__":
    def extra(ap):
        ap.add_argument("--budget", type=float, default=60.0)
        ap.add_argument("--seeds", default="1", help="comma-separated inner split seeds")

    choice_runner.main(__doc__, OUT, run, report, extra)
